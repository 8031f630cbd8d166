import { buildEvent, incidentKeyOf, iso, maintenanceHold } from '../events/build.ts';
import type { FactsByType } from '../events/facts.ts';
import type { EventOf, EventType, MonitorEvent, Severity } from '../events/types.ts';
import { cloneState, type DetectorState, type IncidentKind } from './state.ts';

/** The working state of one run: a private copy of the state, the clock, and the events so far. */
export interface Context {
  readonly state: DetectorState;
  readonly newId: () => string;
  readonly events: MonitorEvent[];
  /** Epoch ms of what is being judged: the snapshot's observedAt, or the clock for time-only steps. */
  time: number;
  /** The snapshot's server_status answers are new probes (not repeated from an earlier snapshot). */
  httpFresh: boolean;
  /** Epoch ms when those answers were probed: durations of silence are measured in probe time. */
  httpAt: number;
}

/** The context of a step with no snapshot (the clock, a command): no server_status answers to judge. */
export function timeContext(state: DetectorState, now: number, newId: () => string): Context {
  return { state: cloneState(state), newId, events: [], time: now, httpFresh: false, httpAt: now };
}

/** How an event relates to an incident (see IncidentAction in event.ts). */
export type IncidentEffect =
  | { readonly action: 'open'; readonly kind: IncidentKind; readonly subject: string | null }
  | { readonly action: 'update' | 'remind' | 'acknowledge' | 'resolve'; readonly key: string }
  /** Opened and resolved at once; key `<cluster>/<segment>/<name, else the event id>`. */
  | { readonly action: 'notice'; readonly segment: string; readonly name: string | null };

/** An event as a detector judges it; `emit` gives it its id, time, incident key and holds. */
export interface Draft<T extends EventType> {
  readonly type: T;
  readonly severity: Severity;
  readonly summary: string;
  readonly facts: FactsByType[T];
  readonly steps?: readonly string[];
  readonly incident: IncidentEffect;
  /** Leadership is flapping: record, do not page (facts.flapping). */
  readonly flapping?: { readonly since: number; readonly changes: number };
}

export const KEY_SEGMENT: { readonly [K in IncidentKind]: string } = {
  master: 'master',
  split_brain: 'split-brain',
  coordinator: 'coordinator',
  executors: 'executors',
  zookeeper: 'zookeeper',
  observation: 'observation',
};

/** Builds the event, applies it to the incidents of the state, and records it. */
export function emit<T extends EventType>(ctx: Context, draft: Draft<T>): EventOf<T> {
  const id = ctx.newId();
  const { state } = ctx;
  const window = draft.type.startsWith('MAINTENANCE_')
    ? undefined
    : state.maintenance.find((w) => w.status === 'active');
  const facts: FactsByType[T] = {
    ...draft.facts,
    ...(window ? { maintenance: maintenanceHold(window) } : {}),
    ...(draft.flapping
      ? { flapping: { since: iso(draft.flapping.since), changes: draft.flapping.changes } }
      : {}),
  };
  const event = buildEvent({
    id,
    cluster: state.cluster,
    type: draft.type,
    severity: draft.severity,
    at: ctx.time,
    incidentKey: keyFor(state.cluster, draft.incident, id),
    incidentAction: draft.incident.action,
    summary: draft.summary,
    facts,
    ...(draft.steps ? { steps: draft.steps } : {}),
    suppressed: window !== undefined || draft.flapping !== undefined,
  });
  applyToIncidents(ctx, draft.incident, event);
  ctx.events.push(event as MonitorEvent);
  return event;
}

function keyFor(cluster: string, effect: IncidentEffect, id: string): string {
  switch (effect.action) {
    case 'open':
      return incidentKeyOf(cluster, KEY_SEGMENT[effect.kind], id);
    case 'notice':
      return incidentKeyOf(cluster, effect.segment, effect.name ?? id);
    default:
      return effect.key;
  }
}

function applyToIncidents(
  ctx: Context,
  effect: IncidentEffect,
  event: MonitorEvent | EventOf<EventType>,
): void {
  const { state, time } = ctx;
  const notifiedAt = event.suppressed ? null : time;
  if (effect.action === 'open') {
    state.incidents.push({
      key: event.incidentKey,
      kind: effect.kind,
      subject: effect.subject,
      openedAt: time,
      openedBy: event.id,
      severity: event.severity,
      summary: event.summary,
      lastNotifiedAt: notifiedAt,
    });
    return;
  }
  if (effect.action === 'resolve') {
    state.incidents = state.incidents.filter((incident) => incident.key !== effect.key);
    return;
  }
  const incident = state.incidents.find((candidate) => candidate.key === event.incidentKey);
  if (!incident || effect.action === 'notice' || effect.action === 'acknowledge') return;
  if (effect.action === 'update') {
    incident.severity = event.severity;
    incident.summary = event.summary;
  }
  if (notifiedAt !== null) incident.lastNotifiedAt = notifiedAt;
}
