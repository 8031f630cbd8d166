import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { type Runtime, withRemediationRoute } from '../runtime.ts';
import { pollOnce, watchFor } from './modes.ts';

/** The input of an EventBridge Scheduler schedule: one cluster per schedule. */
const scheduledInput = z.strictObject({ cluster: z.string().min(1) });

export type MonitorResult =
  | { readonly ok: true; readonly cluster: string; readonly mode: 'poll' | 'watch'; readonly events: number }
  | { readonly ok: false; readonly error: string };

/** How long before the function's own timeout a watch stops, to close cleanly. */
const CLOSE_MARGIN_MS = 10_000;

/**
 * The monitor function: one cluster per invocation. `poll`: observe once, judge, tick, deliver.
 * `watch`: the CLI's loop (held ZooKeeper session, a change judged within a second, a full
 * observation every intervalMs) for watchMs, then close. Consecutive invocations may overlap: every
 * decision is a conditional commit on the cluster's version, so two invocations judging the same
 * change record one set of events; the overlap leaves no gap.
 *
 * Bad input (an unknown cluster, a malformed event) is logged and answered `ok: false`, not thrown:
 * a retry cannot fix it. A failure of the store or the configuration throws, so the invocation fails
 * and the Errors alarm fires.
 */
export function monitorHandler(runtime: Runtime) {
  const { logger, settings } = runtime;
  const watchBudget = (remainingMs: number | undefined) =>
    remainingMs === undefined ? settings.watchMs : Math.min(settings.watchMs, remainingMs - CLOSE_MARGIN_MS);
  return async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>) => {
    const input = scheduledInput.safeParse(event);
    if (!input.success) {
      const error = `expected {"cluster": "<name>"} from the schedule: ${input.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`;
      logger.error('bad invocation', { error });
      return { ok: false, error } satisfies MonitorResult;
    }
    const config = await runtime.config();
    const found = config.clusters.find((cluster) => cluster.name === input.data.cluster);
    if (!found) {
      const error = `no cluster named ${input.data.cluster} in the configuration`;
      logger.error('bad invocation', { error });
      return { ok: false, error } satisfies MonitorResult;
    }
    const cluster = withRemediationRoute(found, settings.remediationTopicArn !== undefined);
    // Every line of this invocation names the cluster and the tick (the request id).
    logger.appendKeys({ cluster: cluster.name, requestId: context?.awsRequestId ?? `local-${Date.now()}` });
    try {
      const events =
        settings.mode === 'poll'
          ? await pollOnce(runtime, config, cluster, watchBudget(context?.getRemainingTimeInMillis?.()))
          : await watchFor(runtime, config, cluster, watchBudget(context?.getRemainingTimeInMillis?.()));
      return { ok: true, cluster: cluster.name, mode: settings.mode, events } satisfies MonitorResult;
    } finally {
      logger.removeKeys(['cluster', 'requestId']);
    }
  };
}
