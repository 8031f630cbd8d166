import type { EventType, MonitorEvent, Severity } from './event.ts';
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

export interface Draft {
  readonly type: EventType;
  readonly severity: Severity;
  readonly summary: string;
  readonly facts: Record<string, unknown>;
  readonly steps?: readonly string[];
  readonly incident: IncidentEffect;
  /** Leadership is flapping: record, do not page (facts.flapping). */
  readonly flapping?: { readonly since: number; readonly changes: number };
}

export const MAX_KEY_LENGTH = 255;
const MAX_SUMMARY_LENGTH = 1000;

export const KEY_SEGMENT: { readonly [K in IncidentKind]: string } = {
  master: 'master',
  split_brain: 'split-brain',
  coordinator: 'coordinator',
  executors: 'executors',
  zookeeper: 'zookeeper',
  observation: 'observation',
};

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

/** Builds the event, applies it to the incidents of the state, and records it. */
export function emit(ctx: Context, draft: Draft): MonitorEvent {
  const id = ctx.newId();
  const { state } = ctx;
  const window = draft.type.startsWith('MAINTENANCE_')
    ? undefined
    : state.maintenance.find((w) => w.status === 'active');
  const facts: Record<string, unknown> = { ...draft.facts };
  if (window) facts.maintenance = { windowId: window.id, owner: window.owner, until: iso(window.end) };
  if (draft.flapping) facts.flapping = { since: iso(draft.flapping.since), changes: draft.flapping.changes };
  const suppressed = window !== undefined || draft.flapping !== undefined;
  const event: MonitorEvent = {
    id,
    cluster: state.cluster,
    type: draft.type,
    severity: draft.severity,
    at: iso(ctx.time),
    incidentKey: keyFor(state.cluster, draft.incident, id),
    summary: oneLine(draft.summary),
    facts,
    ...(draft.steps ? { steps: draft.steps } : {}),
    ...(suppressed ? { suppressed: true } : {}),
    incidentAction: draft.incident.action,
  };
  applyToIncidents(ctx, draft, event);
  ctx.events.push(event);
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

function applyToIncidents(ctx: Context, draft: Draft, event: MonitorEvent): void {
  const { state, time } = ctx;
  const effect = draft.incident;
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

export function iso(time: number): string {
  return new Date(time).toISOString();
}
