import { EVENT_TYPES, type EventType, INCIDENT_ACTIONS, type MonitorEvent, SEVERITIES } from './types.ts';

/** Canonical upper-case ULID: the first character caps the time at 2^48 - 1 ms. */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export type Decoded =
  | { readonly kind: 'event'; readonly event: MonitorEvent }
  | { readonly kind: 'bad'; readonly reason: string };

const TYPES: readonly string[] = EVENT_TYPES;
const LEVELS: readonly string[] = SEVERITIES;
const ACTIONS: readonly string[] = INCIDENT_ACTIONS;

/**
 * An event read from outside (the store, the outbox, an SNS message): its envelope checked field
 * by field, `facts` checked to be a map. The facts of each type are what this version writes
 * (facts.ts); an event an older version recorded may lack a newer field, which is why presentation
 * reads facts through `read.ts` and never throws on a missing one.
 */
export function decodeEvent(value: unknown): Decoded {
  const bad = (reason: string): Decoded => ({ kind: 'bad', reason });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('the event is not a map');
  const { id, cluster, type, severity, at, incidentKey, summary, facts, steps, suppressed, incidentAction } =
    value as Record<string, unknown>;
  if (typeof id !== 'string' || !ULID_PATTERN.test(id)) return bad('id is not an upper-case ULID');
  if (typeof cluster !== 'string' || cluster === '') return bad('cluster is not a non-empty string');
  if (typeof type !== 'string' || !TYPES.includes(type)) return bad('type is not a known event type');
  if (typeof severity !== 'string' || !LEVELS.includes(severity)) return bad('severity is not a severity');
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return bad('at is not an ISO time');
  if (typeof incidentKey !== 'string') return bad('incidentKey is not a string');
  if (typeof summary !== 'string') return bad('summary is not a string');
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts)) return bad('facts is not a map');
  if (steps !== undefined && (!Array.isArray(steps) || !steps.every((step) => typeof step === 'string'))) {
    return bad('steps is not a list of strings');
  }
  if (suppressed !== undefined && typeof suppressed !== 'boolean') return bad('suppressed is not a boolean');
  if (incidentAction !== undefined && !ACTIONS.includes(incidentAction as string)) {
    return bad('incidentAction is not an incident action');
  }
  // The envelope is checked above; the facts are the map the type names (see the comment above).
  const event = {
    id,
    cluster,
    type: type as EventType,
    severity,
    at,
    incidentKey,
    summary,
    facts,
    ...(steps === undefined ? {} : { steps }),
    ...(suppressed === undefined ? {} : { suppressed }),
    ...(incidentAction === undefined ? {} : { incidentAction }),
  } as MonitorEvent;
  return { kind: 'event', event };
}
