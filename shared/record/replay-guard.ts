import { randomUUID } from 'node:crypto';
import type { Store } from './store.ts';

/**
 * A replay guard over the store's leases: the first `firstSeen(id)` takes a lease named after the
 * request and holds it for `ttlMs`; any later one (on any instance, the store is shared) finds it
 * held. The leases live in a partition no cluster can be named (cluster names start with a letter or
 * a digit), so they never show up as a cluster.
 */

export const INTERACTIONS_PARTITION = '#interactions';
/** Twice the five minutes a signed request is accepted for. */
export const REPLAY_WINDOW_MS = 600_000;

export function storeReplayGuard(
  store: Pick<Store, 'acquireLease'>,
  ttlMs = REPLAY_WINDOW_MS,
): (requestId: string, now: number) => Promise<boolean> {
  return async (requestId, now) => {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(requestId))
      throw new Error('a request id is 8 to 64 url-safe characters');
    // A fresh owner per call: the same owner would re-acquire (extend) its own lease.
    const lease = await store.acquireLease(
      INTERACTIONS_PARTITION,
      `request:${requestId}`,
      randomUUID(),
      ttlMs,
      now,
    );
    return lease.kind === 'acquired';
  };
}
