import { configuredExecutor } from '../../shared/remediate/configured-executor.ts';
import { ENV } from '../contract.ts';
import { awsRuntime } from '../runtime.ts';
import { remediateHandler } from './handler.ts';

/** The remediate Lambda: built once per container from its environment (the construct sets it). */
export const handler = remediateHandler({
  ...awsRuntime(),
  executorFor: (cluster) => {
    const serviceCheckDocument = process.env[ENV.serviceCheckDocument];
    return configuredExecutor(cluster, serviceCheckDocument ? { serviceCheckDocument } : {});
  },
});
