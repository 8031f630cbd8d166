import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { clusterMonitorFor } from '../../shared/cluster-monitor.ts';
import type { ClusterConfig, MonitorConfig } from '../../shared/config/index.ts';
import type { MonitorEvent } from '../../shared/detect/index.ts';
import { startMonitorLoop } from '../../shared/monitor-loop.ts';
import { deliverCluster } from '../../shared/notify/cluster-delivery.ts';
import { emitEventMetrics, emitHeartbeat, emitSnapshotMetrics } from '../metrics.ts';
import { type Runtime, withRemediationRoute } from '../runtime.ts';

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
 * observation every tickMs) for watchMs, then close. Consecutive invocations may overlap: every
 * decision is a conditional commit on the cluster's version, so two invocations judging the same
 * change record one set of events; the overlap leaves no gap.
 *
 * Bad input (an unknown cluster, a malformed event) is logged and answered `ok: false`, not thrown:
 * a retry cannot fix it. A failure of the store or the configuration throws, so the invocation fails
 * and the Errors alarm fires.
 */
export function monitorHandler(runtime: Runtime) {
  const { logger, metrics, settings } = runtime;
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
    logger.appendKeys({ cluster: cluster.name });
    try {
      const events =
        settings.mode === 'poll'
          ? await poll(runtime, config, cluster)
          : await watch(runtime, config, cluster, context?.getRemainingTimeInMillis?.());
      return { ok: true, cluster: cluster.name, mode: settings.mode, events } satisfies MonitorResult;
    } finally {
      logger.removeKeys(['cluster']);
    }
  };

  function recorded(cluster: string, events: readonly MonitorEvent[]) {
    for (const event of events) {
      logger.info(event.summary, { eventId: event.id, type: event.type, severity: event.severity });
    }
    emitEventMetrics(metrics, cluster, events);
  }

  async function poll(runtime: Runtime, config: MonitorConfig, cluster: ClusterConfig): Promise<number> {
    const monitor = clusterMonitorFor(cluster, runtime.store);
    const snapshot = await runtime.observer.observe(cluster);
    emitSnapshotMetrics(metrics, snapshot);
    let count = 0;
    for (const outcome of [await monitor.judge(snapshot), await monitor.clock()]) {
      if (outcome.kind !== 'committed') continue;
      recorded(cluster.name, outcome.events);
      count += outcome.events.length;
    }
    const round = await deliverCluster({
      cluster,
      monitor,
      store: runtime.store,
      notifiers: await runtime.notifiers(config),
      owner: `lambda:${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? process.pid}`,
      policy: config.delivery,
    });
    for (const failed of round.failed) {
      logger.error('delivery given up', {
        channel: failed.channel,
        eventId: failed.event.id,
        lastError: failed.lastError,
      });
    }
    emitHeartbeat(metrics, cluster.name);
    return count;
  }

  async function watch(
    runtime: Runtime,
    config: MonitorConfig,
    cluster: ClusterConfig,
    remainingMs: number | undefined,
  ): Promise<number> {
    let count = 0;
    const loop = startMonitorLoop({
      clusters: [cluster],
      store: runtime.store,
      observer: runtime.observer,
      notifiers: await runtime.notifiers(config),
      owner: `lambda:${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? process.pid}`,
      delivery: config.delivery,
      intervalMs: settings.tickMs,
      clockMs: Math.min(5000, settings.tickMs),
      onSnapshot: (snapshot, cause) => {
        if (cause === 'change') return;
        emitSnapshotMetrics(metrics, snapshot);
        emitHeartbeat(metrics, cluster.name);
      },
      onEvents: (name, events) => {
        count += events.length;
        recorded(name, events);
      },
      onLog: (entry) =>
        entry.level === 'error'
          ? logger.error(entry.message, { ...entry })
          : logger.info('loop', { ...entry }),
    });
    const budget =
      remainingMs === undefined
        ? settings.watchMs
        : Math.min(settings.watchMs, remainingMs - CLOSE_MARGIN_MS);
    await loop.ready.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, budget)));
    await loop.close();
    return count;
  }
}
