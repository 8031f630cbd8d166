import assert from 'node:assert/strict';
import { monotonicFactory } from 'ulid';
import type { EventType, MonitorEvent } from '../../shared/events/types.ts';
import { type DeliverOptions, type DeliveryRound, deliverPending } from '../../shared/notify/deliver.ts';
import { planOutbox } from '../../shared/notify/routing.ts';
import { MemoryStore } from './memory-store.ts';
import { sampleContext, sampleEvent, T0 } from './notify-events.ts';

/**
 * A channel's integration tests drive the real outbox: the sample events committed as the monitor
 * commits them (planOutbox, one commit), then rounds of deliverPending.
 */

let clusters = 0;

/** The sample events of `types`, in that order, committed in a fresh cluster and routed to `channels`. */
export async function committedEvents(types: readonly EventType[], channels: readonly string[]) {
  const cluster = `prod-${++clusters}`;
  const next = monotonicFactory();
  // Ids in the order given: the outbox keeps commit order, which is id order.
  const events = types.map((type, index) => {
    const event = sampleEvent(type);
    const incidentKey = event.incidentKey.replace(/^prod\//, `${cluster}/`);
    return { ...event, id: next(T0 + index), cluster, incidentKey } as MonitorEvent;
  });
  const store = new MemoryStore();
  const outbox = planOutbox(
    events,
    channels.map((channel) => ({ channel })),
    new Map(),
    T0,
  );
  const result = await store.commit(cluster, 0, { any: 'state' }, events, outbox);
  assert.equal(result.kind, 'committed');
  return { cluster, store, events };
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
