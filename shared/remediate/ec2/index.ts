export { Ec2Executor, type Ec2ExecutorOptions } from './ec2-executor.ts';
export { outcomeOfEc2Error } from './errors.ts';
export { addressFilter, type Ec2Tag, MANAGED_TAG } from './find-instance.ts';
