import { encodeTime, TIME_MAX } from 'ulid';
import { clusterPk, EVENT_PREFIX } from './items.ts';
import type { EventQuery } from './store.ts';
import type { ItemKey } from './store-error.ts';

export const DEFAULT_EVENT_LIMIT = 100;
export const MAX_EVENT_LIMIT = 1000;

/** '~' sorts after every Crockford base32 character: `EVENT#<time>~` is above every ULID of that time. */
const ABOVE = '~';

/**
 * The sort-key range (inclusive, for BETWEEN) of the events whose ULID time is in [since, until); null
 * when the range is empty. A ULID starts with its time (10 characters), so the time prefix is enough.
 */
export function eventSortKeyRange(query: EventQuery): { low: string; high: string } | null {
  const since = parseTime(query.since, 'since');
  const until = parseTime(query.until, 'until');
  if (since !== undefined && since > TIME_MAX) return null;
  if (until !== undefined && until <= 0) return null;
  if (since !== undefined && until !== undefined && since >= until) return null;
  const low = since === undefined || since <= 0 ? EVENT_PREFIX : `${EVENT_PREFIX}${encodeTime(since, 10)}`;
  const high =
    until === undefined || until - 1 >= TIME_MAX
      ? `${EVENT_PREFIX}${ABOVE}`
      : `${EVENT_PREFIX}${encodeTime(until - 1, 10)}${ABOVE}`;
  return { low, high };
}

function parseTime(iso: string | undefined, name: string): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`events: ${name} is not an ISO time: ${JSON.stringify(iso)}`);
  return ms;
}

export function eventLimit(query: EventQuery): number {
  const limit = query.limit ?? DEFAULT_EVENT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_EVENT_LIMIT) {
    throw new RangeError(`events: limit must be an integer from 1 to ${MAX_EVENT_LIMIT}, got ${limit}`);
  }
  return limit;
}

/** The cursor is the key to continue after, as base64url JSON: opaque to callers. */
export function encodeCursor(key: ItemKey): string {
  return Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk })).toString('base64url');
}

export function decodeCursor(cursor: string, cluster: string): ItemKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (typeof key === 'object' && key !== null && 'pk' in key && 'sk' in key) {
    const { pk, sk } = key;
    if (pk === clusterPk(cluster) && typeof sk === 'string' && sk.startsWith(EVENT_PREFIX)) return { pk, sk };
  }
  throw new RangeError(`events: the cursor is not one of cluster ${JSON.stringify(cluster)}'s event pages`);
}
