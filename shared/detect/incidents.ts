import { iso } from '../events/build.ts';
import { formatDuration } from '../events/format.ts';
import { applied, type CommandResult, checkText, rejected } from './command.ts';
import { type Context, emit, type IncidentEffect, KEY_SEGMENT, timeContext } from './emit.ts';
import type { DetectorState, Incident, IncidentKind } from './state.ts';

const MAX_BY_LENGTH = 200;
const MAX_REASON_LENGTH = 1000;

/** The open incident of this kind (and subject), if any: at most one at a time. */
export function openIncident(
  state: DetectorState,
  kind: IncidentKind,
  subject: string | null = null,
): Incident | undefined {
  return state.incidents.find((incident) => incident.kind === kind && incident.subject === subject);
}

/** Join the open incident of this kind, or open one. */
export function openOrUpdate(
  state: DetectorState,
  kind: IncidentKind,
  subject: string | null,
): IncidentEffect {
  const incident = openIncident(state, kind, subject);
  return incident ? { action: 'update', key: incident.key } : { action: 'open', kind, subject };
}

/** Resolve the open incident of this kind, or record an incident opened and resolved at once. */
export function resolveOrNotice(
  state: DetectorState,
  kind: IncidentKind,
  subject: string | null,
): IncidentEffect {
  const incident = openIncident(state, kind, subject);
  return incident
    ? { action: 'resolve', key: incident.key }
    : { action: 'notice', segment: KEY_SEGMENT[kind], name: null };
}

/** Resolve the incident `key` if it is still open; otherwise the event is a notice (never a second resolve). */
export function resolveKey(state: DetectorState, key: string, kind: IncidentKind): IncidentEffect {
  return state.incidents.some((incident) => incident.key === key)
    ? { action: 'resolve', key }
    : { action: 'notice', segment: KEY_SEGMENT[kind], name: null };
}

/**
 * INCIDENT_REMINDER for each open, unacknowledged incident that is due: never paged (it opened
 * during maintenance), or last paged `repeatIntervalMs` ago. Nothing while maintenance is active.
 * `repeatIntervalMs` null: only the never-paged ones (the end of a window, outside tick).
 */
export function remind(ctx: Context, repeatIntervalMs: number | null): void {
  if (ctx.state.maintenance.some((window) => window.status === 'active')) return;
  for (const incident of [...ctx.state.incidents]) {
    if (incident.acknowledged) continue;
    const last = incident.lastNotifiedAt;
    const due = last === null || (repeatIntervalMs !== null && ctx.time - last >= repeatIntervalMs);
    if (!due) continue;
    const openForMs = ctx.time - incident.openedAt;
    emit(ctx, {
      type: 'INCIDENT_REMINDER',
      severity: incident.severity,
      summary: `Still open after ${formatDuration(openForMs)}${last === null ? ' (held back by maintenance)' : ''}: ${incident.summary}`,
      facts: {
        incidentKind: incident.kind,
        subject: incident.subject,
        openedAt: iso(incident.openedAt),
        openedBy: incident.openedBy,
        openForMs,
        reason: last === null ? 'never_paged' : 'repeat',
      },
      incident: { action: 'remind', key: incident.key },
    });
  }
}

/** A person takes the incident: INCIDENT_ACKNOWLEDGED, and no more reminders for it. */
export function acknowledge(
  state: DetectorState,
  incidentKey: string,
  by: string,
  reason: string,
  now: number,
  newId: () => string,
): CommandResult {
  const invalid = checkText('by', by, MAX_BY_LENGTH) ?? checkText('reason', reason, MAX_REASON_LENGTH);
  if (invalid) return rejected(state, invalid);
  const found = state.incidents.find((incident) => incident.key === incidentKey);
  if (!found) return rejected(state, { kind: 'unknown_incident', incidentKey });
  if (found.acknowledged) {
    return rejected(state, { kind: 'already_acknowledged', incidentKey, acknowledged: found.acknowledged });
  }
  const ctx = timeContext(state, now, newId);
  const incident = ctx.state.incidents.find((candidate) => candidate.key === incidentKey) as Incident;
  incident.acknowledged = { by, reason, at: now };
  emit(ctx, {
    type: 'INCIDENT_ACKNOWLEDGED',
    severity: 'info',
    summary: `${by} acknowledged: ${incident.summary} (${reason})`,
    facts: {
      incidentKind: incident.kind,
      subject: incident.subject,
      openedAt: iso(incident.openedAt),
      openedBy: incident.openedBy,
      by,
      reason,
    },
    incident: { action: 'acknowledge', key: incidentKey },
  });
  return applied(ctx.state, ctx.events);
}
