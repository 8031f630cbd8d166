export { LocalExecutor, type LocalExecutorOptions } from './local-executor.ts';
