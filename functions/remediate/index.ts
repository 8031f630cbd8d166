import { ENV } from '../contract.ts';
import { awsRuntime } from '../runtime.ts';
import { remediateHandler } from './handler.ts';

/**
 * The remediate Lambda: built once per container from its environment (the construct sets it). The
 * executor's module, with the EC2 and SSM clients, loads when a message names an action, not at init.
 */
export const handler = remediateHandler({
  ...awsRuntime(),
  executorFor: async (cluster) => {
    const { configuredExecutor } = await import('../../shared/remediate/configured-executor.ts');
    const serviceCheckDocument = process.env[ENV.serviceCheckDocument];
    return configuredExecutor(cluster, serviceCheckDocument ? { serviceCheckDocument } : {});
  },
});
