import type { ClusterConfig, MonitorConfig } from '../../shared/config/index.ts';
import { unsettledBecause } from '../../shared/detect/index.ts';
import type { MonitorEvent } from '../../shared/events/types.ts';
import { clusterMonitorFor } from '../../shared/monitor/cluster-monitor.ts';
import { runLoopFor } from '../../shared/monitor/monitor-loop.ts';
import { runPoll } from '../../shared/monitor/poll.ts';
import { healthOf } from '../../shared/observe/snapshot.ts';
import { emitEventMetrics, emitHeartbeat, emitSnapshotMetrics } from '../metrics.ts';
import type { Runtime } from '../runtime.ts';

/** The monitor function's two modes, with their logs and metrics. */

/** Who holds delivery leases: this container. */
const OWNER = `lambda:${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? process.pid}`;

function recorded(runtime: Runtime, cluster: string, events: readonly MonitorEvent[]) {
  for (const event of events) {
    runtime.logger.info(event.summary, { eventId: event.id, type: event.type, severity: event.severity });
  }
  emitEventMetrics(runtime.metrics, cluster, events, runtime.settings.metrics);
}

/**
 * `poll`: one poll; when it leaves the cluster in motion (a silent master, no master, a failing
 * coordinator), the invocation stays and watches, for up to `holdBudgetMs`, until it settles: a
 * silent master is confirmed within seconds and the failover recorded as it happens, while a
 * healthy cluster costs one short invocation. Returns how many events it recorded.
 */
export async function pollOnce(
  runtime: Runtime,
  config: MonitorConfig,
  cluster: ClusterConfig,
  holdBudgetMs: number,
): Promise<number> {
  const monitor = clusterMonitorFor(cluster, runtime.store);
  const poll = await runPoll({
    cluster,
    monitor,
    observer: runtime.observer,
    store: runtime.store,
    notifiers: await runtime.notifiers(config),
    owner: OWNER,
    delivery: config.delivery,
  });
  emitSnapshotMetrics(runtime.metrics, poll.snapshot, runtime.settings.metrics);
  recorded(runtime, cluster.name, poll.events);
  for (const { channel, event, lastError } of poll.delivery.failed) {
    runtime.logger.error('delivery given up', { channel, eventId: event.id, lastError });
  }
  for (const { channel, outcome } of poll.delivery.keptAlive) {
    if (outcome.kind !== 'delivered')
      runtime.logger.warn('open alerts not sent again', { channel, reason: outcome.reason });
  }
  emitHeartbeat(runtime.metrics, cluster.name);
  // One summary line per poll: what an operator greps for first.
  runtime.logger.info('poll', {
    health: healthOf(poll.snapshot),
    master: poll.snapshot.master?.address ?? null,
    probeMs: poll.snapshot.durationMs,
    events: poll.events.map((event) => event.type),
    actions: poll.actions.length,
    deliveriesFailed: poll.delivery.failed.length,
  });
  const because = unsettledBecause(await monitor.state());
  if (because === null || holdBudgetMs <= 0) return poll.events.length;
  runtime.logger.info('staying to watch', { because, budgetMs: holdBudgetMs });
  const held = await watchFor(runtime, config, cluster, holdBudgetMs, { untilSettled: true });
  return poll.events.length + held;
}

/**
 * `watch`: the monitor loop on one cluster for `budgetMs`, then a clean close; with `untilSettled`,
 * it leaves as soon as the cluster is settled. Returns how many events it recorded.
 */
export async function watchFor(
  runtime: Runtime,
  config: MonitorConfig,
  cluster: ClusterConfig,
  budgetMs: number,
  { untilSettled = false }: { untilSettled?: boolean } = {},
): Promise<number> {
  let count = 0;
  const ranMs = await runLoopFor(
    {
      clusters: [cluster],
      store: runtime.store,
      observer: runtime.observer,
      notifiers: await runtime.notifiers(config),
      owner: OWNER,
      delivery: config.delivery,
      intervalMs: runtime.settings.intervalMs,
      clockMs: Math.min(5000, runtime.settings.intervalMs),
      onSnapshot: (snapshot, cause) => {
        // Metrics once per full observation, not per probe round or change.
        if (cause === 'change' || cause === 'probe') return;
        emitSnapshotMetrics(runtime.metrics, snapshot, runtime.settings.metrics);
        emitHeartbeat(runtime.metrics, cluster.name);
      },
      onEvents: (name, events) => {
        count += events.length;
        recorded(runtime, name, events);
      },
      onLog: (entry) =>
        entry.level === 'error'
          ? runtime.logger.error(entry.message, { ...entry })
          : runtime.logger.info('loop', { ...entry }),
    },
    Math.max(0, budgetMs),
    untilSettled
      ? { settled: async (loop) => unsettledBecause(await loop.monitor(cluster.name).state()) === null }
      : {},
  );
  if (untilSettled) runtime.logger.info('watched', { ranMs, events: count });
  return count;
}
