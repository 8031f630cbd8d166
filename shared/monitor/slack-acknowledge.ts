import type { ClusterConfig, MonitorConfig } from '../config/schema.ts';
import type { AcknowledgeClick } from '../interact/slack-action.ts';
import type { AcknowledgeOutcome } from '../interact/slack-interactions.ts';
import type { Store } from '../record/store.ts';
import { type ClusterMonitor, clusterMonitorFor } from './cluster-monitor.ts';

/** The reason recorded with an acknowledgement from Slack. */
export const SLACK_ACK_REASON = 'acknowledged in Slack';

/**
 * What a click on Acknowledge does: the incident's cluster (its key starts with the cluster's name)
 * records INCIDENT_ACKNOWLEDGED with who clicked, exactly as `ack` does (the reminders stop; the
 * outbox takes it to the incident's channels: the Slack message shows who acknowledged, PagerDuty
 * acknowledges). `deliver`, when given, runs a delivery round of the cluster right after, so that
 * happens within seconds rather than at the monitor's next round.
 */
export function slackAcknowledger(options: {
  readonly config: MonitorConfig;
  readonly store: Store;
  readonly deliver?: (cluster: ClusterConfig, monitor: ClusterMonitor) => Promise<unknown>;
  readonly now?: () => number;
}): (click: AcknowledgeClick) => Promise<AcknowledgeOutcome> {
  return async (click) => {
    const cluster = options.config.clusters.find((candidate) =>
      click.incidentKey.startsWith(`${candidate.name}/`),
    );
    if (!cluster) return { kind: 'unknown-incident' };
    const monitor = clusterMonitorFor(cluster, options.store, options.now ? { now: options.now } : {});
    if ((await monitor.state()) === null) return { kind: 'unknown-incident' };
    const outcome = await monitor.acknowledge(click.incidentKey, click.by, SLACK_ACK_REASON);
    if (outcome.kind === 'rejected') {
      const { error } = outcome;
      if (error.kind === 'already_acknowledged') {
        return { kind: 'already-acknowledged', by: error.acknowledged.by, at: error.acknowledged.at };
      }
      return { kind: 'unknown-incident' };
    }
    await options.deliver?.(cluster, monitor);
    return { kind: 'acknowledged' };
  };
}
