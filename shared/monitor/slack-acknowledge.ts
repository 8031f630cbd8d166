import type { ClusterConfig, MonitorConfig } from '../config/schema.ts';
import { clusterOfIncidentKey } from '../events/build.ts';
import type { AcknowledgeClick } from '../interact/slack-action.ts';
import type { AcknowledgeOutcome } from '../interact/slack-interactions.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Store } from '../record/store.ts';
import { deliverCluster } from './cluster-delivery.ts';
import { type ClusterMonitor, clusterMonitorFor, type Outcome } from './cluster-monitor.ts';

/** The reason recorded with an acknowledgement from Slack. */
export const SLACK_ACK_REASON = 'acknowledged in Slack';

/**
 * What a click on Acknowledge does: the incident's cluster (its key starts with the cluster's name)
 * records INCIDENT_ACKNOWLEDGED with who clicked, exactly as `ack` does (the reminders stop; the
 * outbox takes it to the incident's channels: the Slack message shows who acknowledged, PagerDuty
 * acknowledges). `decide` runs the decision on the cluster's monitor and delivers what it committed:
 * through the running loop in `watch`, or a monitor and one delivery round of its own on AWS.
 */
export function slackAcknowledger(options: {
  readonly config: MonitorConfig;
  readonly decide: (
    cluster: ClusterConfig,
    decision: (monitor: ClusterMonitor) => Promise<Outcome>,
  ) => Promise<Outcome>;
}): (click: AcknowledgeClick) => Promise<AcknowledgeOutcome> {
  return async (click) => {
    const name = clusterOfIncidentKey(click.incidentKey);
    const cluster = options.config.clusters.find((candidate) => candidate.name === name);
    if (!cluster) return { kind: 'unknown-incident' };
    const outcome = await options.decide(cluster, async (monitor) =>
      (await monitor.state()) === null
        ? { kind: 'rejected', error: { kind: 'unknown_incident', incidentKey: click.incidentKey } }
        : monitor.acknowledge(click.incidentKey, click.by, SLACK_ACK_REASON),
    );
    if (outcome.kind !== 'rejected') return { kind: 'acknowledged' };
    const { error } = outcome;
    return error.kind === 'already_acknowledged'
      ? { kind: 'already-acknowledged', by: error.acknowledged.by, at: error.acknowledged.at }
      : { kind: 'unknown-incident' };
  };
}

/**
 * `decide` for a process without a running loop (the interactions Lambda): a fresh monitor of the
 * cluster, then, when the decision committed, one delivery round with short attempts, so that Slack
 * and PagerDuty hear of it before the click is answered; what is not delivered by then stays in the
 * outbox for the monitor's next round.
 */
export function decideAndDeliver(options: {
  readonly store: Store;
  readonly notifiers: () => Promise<ReadonlyMap<string, Notifier>>;
  readonly owner: string;
  readonly attemptTimeoutMs?: number;
}): (cluster: ClusterConfig, decision: (monitor: ClusterMonitor) => Promise<Outcome>) => Promise<Outcome> {
  return async (cluster, decision) => {
    const monitor = clusterMonitorFor(cluster, options.store);
    const outcome = await decision(monitor);
    if (outcome.kind === 'committed') {
      await deliverCluster({
        cluster,
        monitor,
        store: options.store,
        notifiers: await options.notifiers(),
        owner: options.owner,
        policy: { attemptTimeoutMs: options.attemptTimeoutMs ?? 2000, batch: 5 },
      });
    }
    return outcome;
  };
}
