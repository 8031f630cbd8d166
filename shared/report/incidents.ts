/** Incidents (by incidentKey and incidentAction) and failovers (with their incident's first sign). */

import { addressOf, epochOf, factsRecord, num, text } from '../events/read.ts';
import type { EventType, IncidentAction, MonitorEvent, Severity } from '../events/types.ts';
import type { Failover, Incident } from './model.ts';

const RANK: { readonly [S in Severity]: number } = { info: 0, warning: 1, critical: 2 };

export function higher(a: Severity, b: Severity): Severity {
  return RANK[b] > RANK[a] ? b : a;
}

interface Draft {
  key: string;
  openedByType: EventType | null;
  openedAt: number | null;
  resolvedAt: number | null;
  resolvedByType: EventType | null;
  severity: Severity;
  summary: string;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  reminders: number;
  events: number;
  suppressed: boolean;
}

/** `<cluster>/<segment>/<name>`: the segment names the kind (cluster names have no slash). */
export function kindOfKey(key: string): string {
  return key.split('/')[1] ?? '';
}

/**
 * The incidents the events open or continue. Notices (opened and resolved at once) are left out:
 * the failover, delivery and audit-log tables show them. An incident first seen by a later event
 * (it opened before the range) has no opening unless its facts say when (`openedAt`).
 */
export function incidentsOf(events: readonly MonitorEvent[], until: number): Incident[] {
  const drafts = new Map<string, Draft>();
  for (const event of events) {
    const action: IncidentAction =
      event.incidentAction ?? (drafts.has(event.incidentKey) ? 'update' : 'notice');
    if (action === 'notice') continue;
    const at = Date.parse(event.at);
    let draft = drafts.get(event.incidentKey);
    if (!draft) {
      const opens = action === 'open';
      draft = {
        key: event.incidentKey,
        openedByType: opens ? event.type : null,
        openedAt: opens ? at : (epochOf(factsRecord(event).openedAt) ?? null),
        resolvedAt: null,
        resolvedByType: null,
        severity: event.severity,
        summary: event.summary,
        acknowledgedBy: null,
        acknowledgedAt: null,
        reminders: 0,
        events: 0,
        suppressed: true,
      };
      drafts.set(event.incidentKey, draft);
    }
    draft.events += 1;
    draft.suppressed &&= event.suppressed === true;
    // An acknowledgement or a resolve says nothing about how bad the incident was.
    if (action === 'open' || action === 'update' || action === 'remind')
      draft.severity = higher(draft.severity, event.severity);
    if (action === 'update') draft.summary = event.summary;
    if (action === 'remind') draft.reminders += 1;
    if (action === 'acknowledge') {
      draft.acknowledgedBy = text(factsRecord(event).by) ?? null;
      draft.acknowledgedAt = at;
    }
    if (action === 'resolve' && draft.resolvedAt === null) {
      draft.resolvedAt = at;
      draft.resolvedByType = event.type;
    }
  }
  return [...drafts.values()].map((draft) => {
    const end = draft.resolvedAt ?? until;
    return {
      ...draft,
      kind: kindOfKey(draft.key),
      open: draft.resolvedAt === null,
      durationMs: draft.openedAt === null ? null : Math.max(0, end - draft.openedAt),
    };
  });
}

const FIRST_SIGNS: ReadonlySet<EventType> = new Set(['MASTER_UNRESPONSIVE', 'MASTER_DOWN']);

/** FAILOVER_COMPLETED and MASTER_RESTARTED, each with the first sign of the incident it resolved. */
export function failoversOf(events: readonly MonitorEvent[]): Failover[] {
  const signs = new Map<string, MonitorEvent[]>();
  const failovers: Failover[] = [];
  for (const event of events) {
    if (FIRST_SIGNS.has(event.type)) {
      const list = signs.get(event.incidentKey) ?? [];
      list.push(event);
      signs.set(event.incidentKey, list);
      continue;
    }
    if (event.type !== 'FAILOVER_COMPLETED' && event.type !== 'MASTER_RESTARTED') continue;
    const at = Date.parse(event.at);
    const facts = factsRecord(event);
    // A notice (no incident was open) has a key of its own: no sign to look up.
    const before = event.incidentAction === 'notice' ? [] : (signs.get(event.incidentKey) ?? []);
    const first = before[0] ?? null;
    const down = before.find((sign) => sign.type === 'MASTER_DOWN') ?? null;
    const unresponsive = before.find((sign) => sign.type === 'MASTER_UNRESPONSIVE') ?? null;
    const firstSignAt = first ? Date.parse(first.at) : null;
    const noMasterMs = num(facts.outageMs) ?? null;
    failovers.push({
      eventId: event.id,
      kind: event.type === 'FAILOVER_COMPLETED' ? 'failover' : 'restart',
      at,
      from: addressOf(facts.from) ?? null,
      to: addressOf(facts.to) ?? null,
      incidentKey: event.incidentKey,
      firstSignAt,
      firstSignType: first?.type ?? null,
      outageMs: firstSignAt !== null ? at - firstSignAt : noMasterMs,
      outageFrom: firstSignAt !== null ? 'first-sign' : noMasterMs !== null ? 'last-seen' : null,
      lastSeenAt: epochOf(facts.lastSeenAt) ?? null,
      noMasterMs,
      detectedMs: num(facts.detectedMs) ?? null,
      downDeclaredMs: down ? (num(factsRecord(down).downForMs) ?? null) : null,
      silentSince: unresponsive ? (epochOf(factsRecord(unresponsive).silentSince) ?? null) : null,
      observedGap: facts.observedGap === true,
      suppressed: event.suppressed === true,
    });
  }
  return failovers;
}
