import type { FactsByType, MaintenanceHold } from './facts.ts';
import type { EventOf, EventType, IncidentAction, Severity } from './types.ts';

/** Incident keys are dedup keys of paging services: at most 255 characters. */
export const MAX_KEY_LENGTH = 255;
const MAX_SUMMARY_LENGTH = 1000;

/** Everything an event says; the builder gives it its one shape. */
export interface EventInput<T extends EventType> {
  readonly id: string;
  readonly cluster: string;
  readonly type: T;
  readonly severity: Severity;
  /** Epoch ms of what is being judged (a snapshot, the clock, an outcome). */
  readonly at: number;
  /** A new incident's key comes from {@link incidentKeyOf}; an update carries the open one's. */
  readonly incidentKey: string;
  readonly incidentAction: IncidentAction;
  readonly summary: string;
  readonly facts: FactsByType[T];
  readonly steps?: readonly string[];
  readonly suppressed?: boolean;
}

/**
 * The one way an event is made, by detection, remediation and delivery alike: the summary on one
 * line, the time as ISO, optional fields absent rather than undefined.
 */
export function buildEvent<T extends EventType>(input: EventInput<T>): EventOf<T> {
  return {
    id: input.id,
    cluster: input.cluster,
    type: input.type,
    severity: input.severity,
    at: iso(input.at),
    incidentKey: input.incidentKey,
    summary: oneLine(input.summary),
    facts: input.facts,
    ...(input.steps && input.steps.length > 0 ? { steps: input.steps } : {}),
    ...(input.suppressed ? { suppressed: true } : {}),
    incidentAction: input.incidentAction,
  };
}

/** The cluster an incident key names: what comes before its first `/` (cluster names have none). */
export function clusterOfIncidentKey(incidentKey: string): string {
  return incidentKey.split('/', 1)[0] ?? '';
}

/** `<cluster>/<segment>/<name>`, the cluster name shortened when the whole would pass 255 characters. */
export function incidentKeyOf(cluster: string, segment: string, name: string): string {
  const tail = `/${segment}/${name}`.slice(0, MAX_KEY_LENGTH - 1);
  return `${cluster.slice(0, MAX_KEY_LENGTH - tail.length)}${tail}`;
}

/** One line: whitespace runs become one space, at most 1000 characters. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_SUMMARY_LENGTH ? `${line.slice(0, MAX_SUMMARY_LENGTH - 1)}…` : line;
}

/** The facts of an event recorded during a maintenance window, which hold it back from paging. */
export function maintenanceHold(window: {
  readonly id: string;
  readonly owner: string;
  readonly end: number;
}): MaintenanceHold {
  return { windowId: window.id, owner: window.owner, until: iso(window.end) };
}

export function iso(time: number): string {
  return new Date(time).toISOString();
}
