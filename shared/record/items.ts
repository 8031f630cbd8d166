import { type Decoded, decodeEvent } from '../events/decode.ts';
import type { MonitorEvent } from '../events/types.ts';
import type { ItemKey } from './store-error.ts';

/**
 * The single-table layout: every item of a cluster shares pk `CLUSTER#<name>`; sk tells them apart.
 * `STATE` (version, state, updatedAt), `EVENT#<ULID>` (the event's fields and `ttl`), `LEASE#<name>`.
 */
export const CLUSTER_PREFIX = 'CLUSTER#';
export const STATE_SK = 'STATE';
export const EVENT_PREFIX = 'EVENT#';
export const LEASE_PREFIX = 'LEASE#';
/** The attribute DynamoDB's time to live must be enabled on (epoch seconds). */
export const TTL_ATTRIBUTE = 'ttl';

export const clusterPk = (cluster: string): string => `${CLUSTER_PREFIX}${cluster}`;
export const stateKey = (cluster: string): ItemKey => ({ pk: clusterPk(cluster), sk: STATE_SK });
export const eventKey = (cluster: string, id: string): ItemKey => ({
  pk: clusterPk(cluster),
  sk: `${EVENT_PREFIX}${id}`,
});
export const leaseKey = (cluster: string, name: string): ItemKey => ({
  pk: clusterPk(cluster),
  sk: `${LEASE_PREFIX}${name}`,
});

/**
 * The JSON form of a value (what is stored): undefined properties dropped, Dates as strings, -0 as 0.
 * Refused: values with no JSON form, and the map keys `constructor` and `__proto__`, which the AWS
 * SDK's document marshalling mistakes for a class instance or drops on the way back.
 */
export function toJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('the value has no JSON form');
  const json: unknown = JSON.parse(text);
  const path = reservedKeyPath(json, '');
  if (path !== undefined) throw new TypeError(`the map key at ${path || '(root)'} cannot be stored`);
  return json;
}

const RESERVED_KEYS = new Set(['constructor', '__proto__']);

function reservedKeyPath(value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!Array.isArray(value) && RESERVED_KEYS.has(key)) return at;
    const found = reservedKeyPath(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The stored form of an event: its JSON form, its key, and `ttl` = at + retention in epoch seconds. */
export function toEventItem(event: MonitorEvent, retentionMs: number): Record<string, unknown> {
  const json = toJson(event) as Record<string, unknown>;
  const parsed = decodeEvent(json);
  if (parsed.kind === 'bad')
    throw new TypeError(`event ${JSON.stringify(event.id)} is invalid: ${parsed.reason}`);
  const key = eventKey(event.cluster, event.id);
  return {
    ...json,
    pk: key.pk,
    sk: key.sk,
    [TTL_ATTRIBUTE]: Math.floor((Date.parse(event.at) + retentionMs) / 1000),
  };
}

/** An event item read back; anything that is not a well-formed event is `bad`, with the reason. */
export function parseEventItem(item: Record<string, unknown>): Decoded {
  const parsed = decodeEvent(item);
  if (parsed.kind === 'bad') return parsed;
  const key = eventKey(parsed.event.cluster, parsed.event.id);
  if (item.pk !== key.pk || item.sk !== key.sk)
    return { kind: 'bad', reason: 'the key does not match id and cluster' };
  return parsed;
}
