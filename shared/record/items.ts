import {
  EVENT_TYPES,
  type EventType,
  type IncidentAction,
  type MonitorEvent,
  type Severity,
} from '../detect/event.ts';
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

/** Canonical upper-case ULID: the first character caps the time at 2^48 - 1 ms. */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

const SEVERITIES: readonly string[] = ['info', 'warning', 'critical'] satisfies Severity[];
const TYPES: readonly string[] = EVENT_TYPES;
const INCIDENT_ACTIONS: readonly string[] = [
  'open',
  'update',
  'remind',
  'acknowledge',
  'resolve',
  'notice',
] satisfies IncidentAction[];

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
  const parsed = parseEvent(json);
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

export type Parsed =
  | { readonly kind: 'event'; readonly event: MonitorEvent }
  | { kind: 'bad'; reason: string };

/** An event item read back; anything that is not a well-formed event is `bad`, with the reason. */
export function parseEventItem(item: Record<string, unknown>): Parsed {
  const parsed = parseEvent(item);
  if (parsed.kind === 'bad') return parsed;
  const key = eventKey(parsed.event.cluster, parsed.event.id);
  if (item.pk !== key.pk || item.sk !== key.sk)
    return { kind: 'bad', reason: 'the key does not match id and cluster' };
  return parsed;
}

function parseEvent(item: Record<string, unknown>): Parsed {
  const bad = (reason: string): Parsed => ({ kind: 'bad', reason });
  const { id, cluster, type, severity, at, incidentKey, summary, facts, steps, suppressed, incidentAction } =
    item;
  if (typeof id !== 'string' || !ULID_PATTERN.test(id)) return bad('id is not an upper-case ULID');
  if (typeof cluster !== 'string' || cluster === '') return bad('cluster is not a non-empty string');
  if (typeof type !== 'string' || !TYPES.includes(type)) return bad('type is not a known event type');
  if (typeof severity !== 'string' || !SEVERITIES.includes(severity))
    return bad('severity is not a severity');
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return bad('at is not an ISO time');
  if (typeof incidentKey !== 'string') return bad('incidentKey is not a string');
  if (typeof summary !== 'string') return bad('summary is not a string');
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts)) return bad('facts is not a map');
  if (steps !== undefined && (!Array.isArray(steps) || !steps.every((step) => typeof step === 'string'))) {
    return bad('steps is not a list of strings');
  }
  if (suppressed !== undefined && typeof suppressed !== 'boolean') return bad('suppressed is not a boolean');
  if (incidentAction !== undefined && !INCIDENT_ACTIONS.includes(incidentAction as string)) {
    return bad('incidentAction is not an incident action');
  }
  const event: MonitorEvent = {
    id,
    cluster,
    type: type as EventType,
    severity: severity as Severity,
    at,
    incidentKey,
    summary,
    facts: facts as Record<string, unknown>,
    ...(steps === undefined ? {} : { steps: steps as string[] }),
    ...(suppressed === undefined ? {} : { suppressed }),
    ...(incidentAction === undefined ? {} : { incidentAction: incidentAction as IncidentAction }),
  };
  return { kind: 'event', event };
}
