import type { ClusterConfig } from '../config/index.ts';
import { buildEvent, incidentKeyOf } from '../events/build.ts';
import type { NotificationContext } from '../events/present.ts';
import { addressOf, factsRecord } from '../events/read.ts';
import type { MonitorEvent } from '../events/types.ts';
import { type DeliveryPolicy, type DeliveryRound, deliverPending } from '../notify/deliver.ts';
import { type KeptAlive, keepAlertsAlive } from '../notify/keep-alive.ts';
import { keepsAlertsAlive, type Notifier } from '../notify/notifier.ts';
import type { Delivery } from '../record/outbox.ts';
import type { Store } from '../record/store.ts';
import type { ClusterMonitor } from './cluster-monitor.ts';

/**
 * What notifiers get to know about the cluster of an event: the runbook, the master's Dremio UI, and
 * whether the monitor restarts a failed master itself (enabled and not a dry run, which calls nothing).
 */
export function contextFor(cluster: ClusterConfig, event: MonitorEvent): NotificationContext {
  const facts = factsRecord(event);
  const address = addressOf(facts.to) ?? addressOf(facts.master);
  const coordinator = cluster.coordinators.find((candidate) => candidate.address === address);
  const restartsItself = cluster.remediation.enabled && !cluster.remediation.dryRun;
  return {
    ...(cluster.runbookUrl ? { runbookUrl: cluster.runbookUrl } : {}),
    ...(coordinator ? { masterWebUrl: coordinator.webUrl } : {}),
    ...(restartsItself ? { remediationEnabled: true } : {}),
  };
}

/** The DELIVERY_FAILED event of a delivery given up. */
export function deliveryFailed(delivery: Delivery, now: number, newId: () => string): MonitorEvent {
  const { event, channel, attempts, lastError } = delivery;
  const id = newId();
  return buildEvent({
    id,
    cluster: event.cluster,
    type: 'DELIVERY_FAILED',
    severity: 'critical',
    at: now,
    incidentKey: incidentKeyOf(event.cluster, 'delivery', id),
    incidentAction: 'notice',
    summary: `Could not deliver ${event.type} (${event.id}) to channel ${channel} after ${attempts} attempt(s): ${lastError ?? 'unknown error'}`,
    facts: { channel, eventId: event.id, eventType: event.type, attempts, reason: lastError ?? null },
    steps: [
      `Read the event in the audit log: dremio-ha-monitor events --cluster ${event.cluster}`,
      `Check the ${channel} channel's configuration and secret; the error above says what the service answered.`,
    ],
  });
}

/** A delivery round, the DELIVERY_FAILED events it recorded for what it gave up, and the alerts kept alive. */
export interface ClusterDeliveryRound extends DeliveryRound {
  readonly recorded: readonly MonitorEvent[];
  readonly keptAlive: readonly KeptAlive[];
}

/**
 * One delivery round of a cluster's routed channels; failures are recorded as DELIVERY_FAILED. Then
 * the channels whose alerts expire (Alertmanager) get the open incidents' alerts again when due.
 */
export async function deliverCluster(options: {
  readonly cluster: ClusterConfig;
  readonly monitor: ClusterMonitor;
  readonly store: Store;
  readonly notifiers: ReadonlyMap<string, Notifier>;
  readonly owner: string;
  readonly policy?: Partial<DeliveryPolicy>;
  readonly now?: () => number;
  readonly holderIsDead?: (owner: string) => boolean;
}): Promise<ClusterDeliveryRound> {
  const names = [...new Set(options.cluster.routes.map((route) => route.channel))];
  const notifiers = names.flatMap((name) => options.notifiers.get(name) ?? []);
  const context = (event: MonitorEvent) => contextFor(options.cluster, event);
  const round = await deliverPending({
    cluster: options.cluster.name,
    store: options.store,
    notifiers,
    owner: options.owner,
    context,
    ...(options.now ? { now: options.now } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.holderIsDead ? { holderIsDead: options.holderIsDead } : {}),
  });
  let recorded: readonly MonitorEvent[] = [];
  if (round.failed.length > 0) {
    const outcome = await options.monitor.record((now, newId) =>
      round.failed.map((delivery) => deliveryFailed(delivery, now, newId)),
    );
    if (outcome.kind === 'committed') recorded = outcome.events;
  }
  const keptAlive = notifiers.some(keepsAlertsAlive)
    ? await keepAlertsAlive({
        cluster: options.cluster.name,
        store: options.store,
        notifiers,
        open: (await options.monitor.state())?.incidents ?? [],
        context,
        now: (options.now ?? Date.now)(),
      })
    : [];
  return { ...round, recorded, keptAlive };
}
