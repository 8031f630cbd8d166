import type { MonitorEvent } from '../events/types.ts';
import type { Delivery } from '../record/outbox.ts';
import type { Store } from '../record/store.ts';
import type { NotificationContext, Notifier } from './notifier.ts';

export interface DeliveryPolicy {
  /** A delivery still failing this long after its commit is given up: DELIVERY_FAILED. @default 86400000 */
  readonly maxAgeMs: number;
  /** Backoff after the first failed attempt, doubled each time up to `backoffMaxMs`. @default 2000 */
  readonly backoffBaseMs: number;
  /** @default 300000 */
  readonly backoffMaxMs: number;
  /**
   * The longest wait between attempts of a critical message, so that it goes out within seconds of
   * the channel answering again. @default 10000
   */
  readonly criticalBackoffMaxMs: number;
  /** Bound on one attempt. @default 10000 */
  readonly attemptTimeoutMs: number;
  /** Deliveries read per channel per round (critical ones are picked first among them). @default 100 */
  readonly batch: number;
  /** How long a channel's delivery lease lasts (one deliverer per channel). @default 60000 */
  readonly leaseMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAgeMs: 86_400_000,
  backoffBaseMs: 2000,
  backoffMaxMs: 300_000,
  criticalBackoffMaxMs: 10_000,
  attemptTimeoutMs: 10_000,
  batch: 100,
  leaseMs: 60_000,
};

export interface DeliveryRound {
  readonly delivered: readonly Delivery[];
  readonly retrying: readonly Delivery[];
  readonly failed: readonly Delivery[];
}

/** A round while its channels fill it. */
type RoundSoFar = { [K in keyof DeliveryRound]: Delivery[] };

export interface DeliverOptions {
  readonly cluster: string;
  readonly store: Store;
  readonly notifiers: readonly Notifier[];
  /** Who delivers (a process id): holders of a channel's lease are the only deliverers. */
  readonly owner: string;
  readonly context: (event: MonitorEvent) => NotificationContext;
  readonly now?: () => number;
  readonly policy?: Partial<DeliveryPolicy>;
  /**
   * Whether the holder of a channel's lease is known dead (a crashed monitor on this host): its lease
   * is taken over at once instead of waiting for it to expire. @default never known
   */
  readonly holderIsDead?: (owner: string) => boolean;
}

export function backoffMs(attempts: number, policy: DeliveryPolicy): number {
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * One round of the outbox of a cluster: for each channel (all channels at once), its pending deliveries, critical first and
 * otherwise in commit order. Order is kept within an incident: a delivery waiting for its retry holds
 * back the later ones of its incident, not the other incidents', so a critical page is never held
 * behind an older message being retried. A failed attempt ends the channel's round (the channel is
 * likely failing for every message); a delivered one wakes the channel's waiting messages. A permanent
 * failure, or a delivery older than `maxAgeMs`, is given up and reported as failed (the caller records
 * DELIVERY_FAILED). The retry loop of every notifier is this one.
 *
 * The only duplicate that can happen: the process dies after the channel accepted a message and
 * before its delivery is marked; the next round sends it again. Nothing else is ever sent twice.
 */
export async function deliverPending(options: DeliverOptions): Promise<DeliveryRound> {
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
  const now = options.now ?? Date.now;
  const round: RoundSoFar = { delivered: [], retrying: [], failed: [] };
  // Channels run side by side: a channel that hangs until its timeout delays no other channel. The
  // round ends when every channel's has; a notifier that threw is reported then, not before.
  const settled = await Promise.allSettled(
    options.notifiers.map((notifier) => deliverLeased(options, notifier, policy, now, round)),
  );
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return round;
}

/** One channel's round, under its lease: nothing when another deliverer holds it. */
async function deliverLeased(
  options: DeliverOptions,
  notifier: Notifier,
  policy: DeliveryPolicy,
  now: () => number,
  round: RoundSoFar,
): Promise<void> {
  const name = `deliver:${notifier.channel}`;
  let lease = await options.store.acquireLease(options.cluster, name, options.owner, policy.leaseMs, now());
  if (lease.kind === 'held' && options.holderIsDead?.(lease.lease.owner)) {
    // A dead holder can send nothing more: taking its lease keeps one deliverer per channel.
    lease = await options.store.acquireLease(options.cluster, name, options.owner, policy.leaseMs, now(), {
      takeOverFrom: lease.lease.owner,
    });
  }
  if (lease.kind === 'held') return;
  try {
    await deliverChannel(options, notifier, policy, now, round);
  } finally {
    await options.store.releaseLease(options.cluster, name, options.owner);
  }
}

/**
 * The next delivery to attempt: among the first pending delivery of each incident, a critical one
 * before the others, else the oldest; one still waiting for its retry is not due unless the channel
 * has just answered (`channelBack`). Null when none is due.
 */
export function nextDue(remaining: readonly Delivery[], now: number, channelBack: boolean): Delivery | null {
  const seen = new Set<string>();
  let first: Delivery | null = null;
  for (const delivery of remaining) {
    const incident = delivery.event.incidentKey;
    if (seen.has(incident)) continue;
    seen.add(incident);
    if (delivery.nextAttemptAt > now && !channelBack) continue;
    if (delivery.event.severity === 'critical') return delivery;
    first ??= delivery;
  }
  return first;
}

async function deliverChannel(
  options: DeliverOptions,
  notifier: Notifier,
  policy: DeliveryPolicy,
  now: () => number,
  round: RoundSoFar,
): Promise<void> {
  const remaining = [
    ...(await options.store.pendingDeliveries(options.cluster, notifier.channel, policy.batch)),
  ];
  let channelBack = false;
  for (
    let delivery = nextDue(remaining, now(), channelBack);
    delivery;
    delivery = nextDue(remaining, now(), channelBack)
  ) {
    remaining.splice(remaining.indexOf(delivery), 1);
    const route = await options.store.incidentRoute(options.cluster, delivery.event.incidentKey);
    const thread = route?.threads[notifier.channel];
    const outcome = await notifier.send(
      {
        event: delivery.event,
        context: options.context(delivery.event),
        ...(thread === undefined ? {} : { thread }),
      },
      AbortSignal.timeout(policy.attemptTimeoutMs),
    );
    const attempts = delivery.attempts + 1;
    const at = now();
    if (outcome.kind === 'delivered') {
      const done: Delivery = { ...delivery, status: 'delivered', attempts, deliveredAt: at };
      await options.store.saveDelivery(done);
      if (outcome.thread && route && thread === undefined) {
        await options.store.saveThread(
          options.cluster,
          delivery.event.incidentKey,
          notifier.channel,
          outcome.thread,
        );
      }
      round.delivered.push(done);
      channelBack = true;
      continue;
    }
    const expired = at - delivery.createdAt >= policy.maxAgeMs;
    if (outcome.kind === 'failed' || expired) {
      const reason =
        outcome.kind === 'failed' ? outcome.reason : `gave up after ${attempts} attempts: ${outcome.reason}`;
      const failed: Delivery = { ...delivery, status: 'failed', attempts, lastError: reason };
      await options.store.saveDelivery(failed);
      round.failed.push(failed);
      continue;
    }
    const backoff = Math.min(
      backoffMs(attempts, policy),
      delivery.event.severity === 'critical' ? policy.criticalBackoffMaxMs : Number.POSITIVE_INFINITY,
    );
    const wait = Math.max(outcome.afterMs ?? 0, backoff);
    const retrying: Delivery = { ...delivery, attempts, lastError: outcome.reason, nextAttemptAt: at + wait };
    await options.store.saveDelivery(retrying);
    round.retrying.push(retrying);
    return;
  }
}
