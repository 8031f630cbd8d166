import assert from 'node:assert/strict';
import { monotonicFactory } from 'ulid';
import { EVENT_TYPES, type EventType, type MonitorEvent } from '../../shared/events/types.ts';
import { type DeliverOptions, type DeliveryRound, deliverPending } from '../../shared/notify/deliver.ts';
import type { Notifier } from '../../shared/notify/notifier.ts';
import { planOutbox } from '../../shared/notify/routing.ts';
import type { IncidentRoute } from '../../shared/record/outbox.ts';
import { readGolden } from './golden.ts';
import { MemoryStore } from './memory-store.ts';
import { sampleContext, sampleEvent, T0 } from './notify-events.ts';

/**
 * A channel's integration tests drive the real outbox: the sample events committed as the monitor
 * commits them (planOutbox, one commit), then rounds of deliverPending.
 */

/** A master incident's whole life, in commit order: opened, escalated, reminded, acknowledged, resolved. */
export const INCIDENT_LIFE: readonly EventType[] = [
  'MASTER_UNRESPONSIVE',
  'MASTER_DOWN',
  'INCIDENT_REMINDER',
  'INCIDENT_ACKNOWLEDGED',
  'FAILOVER_COMPLETED',
];

let clusters = 0;

export interface CommittedEvents {
  readonly cluster: string;
  readonly store: MemoryStore;
  readonly events: readonly MonitorEvent[];
  /** The store's version after the commit. */
  readonly version: number;
}

/**
 * The sample events of `types`, in that order, committed as the monitor commits them and routed to
 * `channels`: in a fresh cluster, or after `earlier` in its cluster (its incidents' routes known),
 * as the next commit of a later round.
 */
export async function committedEvents(
  types: readonly EventType[],
  channels: readonly string[],
  earlier?: CommittedEvents,
): Promise<CommittedEvents> {
  const cluster = earlier?.cluster ?? `prod-${++clusters}`;
  const store = earlier?.store ?? new MemoryStore();
  const version = earlier?.version ?? 0;
  const next = monotonicFactory();
  const start = T0 + (earlier?.events.length ?? 0) * 1000;
  // Ids in the order given: the outbox keeps commit order, which is id order.
  const events = types.map((type, index) => {
    const event = sampleEvent(type);
    const incidentKey = event.incidentKey.replace(/^prod\//, `${cluster}/`);
    return { ...event, id: next(start + index), cluster, incidentKey } as MonitorEvent;
  });
  const known = new Map<string, IncidentRoute | null>();
  for (const event of events)
    known.set(event.incidentKey, await store.incidentRoute(cluster, event.incidentKey));
  const outbox = planOutbox(
    events,
    channels.map((channel) => ({ channel })),
    known,
    T0,
  );
  const result = await store.commit(cluster, version, { any: 'state' }, events, outbox);
  assert.equal(result.kind, 'committed');
  return { cluster, store, events, version: result.kind === 'committed' ? result.version : version };
}

/** One round with the sample context; every reason a delivery failed or waits is added to `reasons`. */
export async function deliverRound(
  options: Omit<DeliverOptions, 'owner' | 'context'>,
  reasons: string[],
): Promise<DeliveryRound> {
  const done = await deliverPending({ owner: 'test', context: sampleContext, ...options });
  for (const delivery of [...done.failed, ...done.retrying]) reasons.push(delivery.lastError ?? '');
  return done;
}

/**
 * Sends the sample of every event type through `notifier` with the sample context, as a delivery
 * would, and expects `delivered`; `check` gets the type's event, its golden file
 * (`test/golden/<folder>/<TYPE>.json`) and the requests the receiver got for it.
 */
export async function sendEveryEventType<R>(
  notifier: Notifier,
  folder: string,
  received: () => readonly R[],
  check: (event: MonitorEvent, golden: unknown, requests: readonly R[]) => void,
): Promise<void> {
  for (const type of EVENT_TYPES) {
    const event = sampleEvent(type);
    const from = received().length;
    const outcome = await notifier.send(
      { event, context: sampleContext(event) },
      new AbortController().signal,
    );
    assert.deepEqual(outcome, { kind: 'delivered' }, type);
    check(event, readGolden(folder, type), received().slice(from));
  }
}
