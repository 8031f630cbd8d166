import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MonitorEvent } from '../shared/events/types.ts';
import { gaugesOf, type Snapshot } from '../shared/observe/snapshot.ts';
import { METRICS, type MetricSet } from './contract.ts';

/**
 * The functions' CloudWatch metrics, as EMF through Powertools. Every metric carries `service` (the
 * Metrics default) and `cluster`; the alarms and the dashboard of the construct watch these names.
 * With the `minimal` set only the alarms' metrics are emitted (contract.ts ALARM_METRICS).
 */

/** What one observation shows: probe duration, master up, coordinators up, executors, ZooKeeper (`full` only). */
export function emitSnapshotMetrics(metrics: Metrics, snapshot: Snapshot, set: MetricSet): void {
  if (set === 'minimal') return;
  const gauges = gaugesOf(snapshot);
  metrics.addDimension('cluster', snapshot.cluster);
  metrics.addMetric(METRICS.probeDuration, MetricUnit.Milliseconds, snapshot.durationMs);
  metrics.addMetric(METRICS.masterUp, MetricUnit.Count, gauges.masterUp);
  metrics.addMetric(METRICS.coordinatorsUp, MetricUnit.Count, gauges.coordinatorsUp);
  metrics.addMetric(METRICS.executors, MetricUnit.Count, gauges.executors);
  metrics.addMetric(METRICS.zookeeperServersServing, MetricUnit.Count, gauges.zookeeperServersServing);
  metrics.publishStoredMetrics();
}

/** Events recorded, by type (`full` only); delivery and remediation failures under their own names (always). */
export function emitEventMetrics(
  metrics: Metrics,
  cluster: string,
  events: readonly MonitorEvent[],
  set: MetricSet,
): void {
  const byType = new Map<string, number>();
  for (const event of events) byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
  for (const [type, count] of set === 'full' ? byType : []) {
    const single = metrics.singleMetric();
    single.addDimensions({ cluster, type });
    single.addMetric(METRICS.events, MetricUnit.Count, count);
  }
  const failures = [
    [METRICS.deliveryFailures, byType.get('DELIVERY_FAILED') ?? 0],
    [METRICS.remediationFailures, byType.get('REMEDIATION_FAILED') ?? 0],
  ] as const;
  if (failures.every(([, count]) => count === 0)) return;
  metrics.addDimension('cluster', cluster);
  for (const [name, count] of failures) if (count > 0) metrics.addMetric(name, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
}

/** The dead man's switch: one per completed tick of a cluster. */
export function emitHeartbeat(metrics: Metrics, cluster: string): void {
  metrics.addDimension('cluster', cluster);
  metrics.addMetric(METRICS.heartbeat, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
