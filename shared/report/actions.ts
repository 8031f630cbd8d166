/** Remediation actions and blocks, delivery failures, maintenance windows and split-brain intervals. */

import { addressOf, bool, epochOf, factsRecord, num, record, text } from '../events/read.ts';
import type { MonitorEvent } from '../events/types.ts';
import type {
  DeliveryFailure,
  Interval,
  MaintenanceWindow,
  RemediationAction,
  RemediationBlock,
} from './model.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function targetOf(event: MonitorEvent) {
  const target = record(factsRecord(event).target);
  return {
    target: addressOf(factsRecord(event).target) ?? null,
    role: text(target?.role) ?? null,
    instanceId: text(target?.instanceId) ?? null,
    need: text(target?.reason) ?? null,
  };
}

/**
 * One row per action id: REMEDIATION_STARTED, then REMEDIATION_SUCCEEDED or REMEDIATION_FAILED
 * with the same `facts.actionId`. An outcome whose start is before the range takes its start from
 * `facts.startedAt` when it has one. A need met without a restart has no action id: a row of its own.
 */
export function remediationOf(events: readonly MonitorEvent[], until: number): RemediationAction[] {
  const rows: Mutable<RemediationAction>[] = [];
  const byId = new Map<string, Mutable<RemediationAction>>();
  for (const event of events) {
    if (!event.type.startsWith('REMEDIATION_') || event.type === 'REMEDIATION_BLOCKED') continue;
    const at = Date.parse(event.at);
    const facts = factsRecord(event);
    const actionId = text(facts.actionId) ?? null;
    let row = actionId === null ? undefined : byId.get(actionId);
    if (!row) {
      row = {
        actionId,
        ...targetOf(event),
        startedAt: event.type === 'REMEDIATION_STARTED' ? at : (epochOf(facts.startedAt) ?? null),
        endedAt: null,
        outcome: 'in-flight',
        durationMs: null,
        dryRun: facts.dryRun === true,
        attempt: num(facts.attempt) ?? null,
        reason: null,
        retryable: null,
        incidentKey: event.incidentKey,
      };
      rows.push(row);
      if (actionId !== null) byId.set(actionId, row);
    }
    if (event.type === 'REMEDIATION_STARTED') continue;
    // The first outcome counts: a late one after the lease expired changes nothing (as the planner).
    if (row.outcome !== 'in-flight') continue;
    row.endedAt = at;
    if (event.type === 'REMEDIATION_FAILED') {
      row.outcome = 'failed';
      row.reason = text(facts.reason) ?? null;
      row.retryable = bool(facts.retryable) ?? null;
    } else if (actionId === null) {
      row.outcome = 'not-needed';
      row.reason = text(facts.why) ?? null;
    } else row.outcome = 'succeeded';
    row.durationMs = num(facts.durationMs) ?? (row.startedAt === null ? null : at - row.startedAt);
  }
  for (const row of rows) {
    if (row.outcome === 'in-flight' && row.startedAt !== null)
      row.durationMs = Math.max(0, until - row.startedAt);
  }
  return rows;
}

export function blocksOf(events: readonly MonitorEvent[]): RemediationBlock[] {
  return events
    .filter((event) => event.type === 'REMEDIATION_BLOCKED')
    .map((event) => {
      const { target, need } = targetOf(event);
      return {
        eventId: event.id,
        at: Date.parse(event.at),
        target,
        need,
        rule: text(factsRecord(event).rule) ?? null,
        until: epochOf(factsRecord(event).until) ?? null,
        summary: event.summary,
      };
    });
}

export function deliveryFailuresOf(events: readonly MonitorEvent[]): DeliveryFailure[] {
  return events
    .filter((event) => event.type === 'DELIVERY_FAILED')
    .map((event) => ({
      eventId: event.id,
      at: Date.parse(event.at),
      channel: text(factsRecord(event).channel) ?? null,
      failedEventId: text(factsRecord(event).eventId) ?? null,
      failedEventType: text(factsRecord(event).eventType) ?? null,
      attempts: num(factsRecord(event).attempts) ?? null,
      reason: text(factsRecord(event).reason) ?? null,
    }));
}

/** MAINTENANCE_STARTED to MAINTENANCE_ENDED of the same window id, clamped to the range. */
export function maintenanceOf(
  events: readonly MonitorEvent[],
  since: number,
  until: number,
): MaintenanceWindow[] {
  const windows: MaintenanceWindow[] = [];
  const open = new Map<string, Omit<MaintenanceWindow, 'to' | 'ongoing'> & { plannedEnd: number | null }>();
  const clamp = (t: number) => Math.min(Math.max(t, since), until);
  for (const event of events) {
    const windowId = text(factsRecord(event).windowId) ?? null;
    if (windowId === null) continue;
    const at = Date.parse(event.at);
    const owner = text(factsRecord(event).owner) ?? null;
    const reason = text(factsRecord(event).reason) ?? null;
    if (event.type === 'MAINTENANCE_STARTED') {
      open.set(windowId, {
        windowId,
        owner,
        reason,
        from: clamp(at),
        plannedEnd: epochOf(factsRecord(event).end) ?? null,
      });
    } else if (event.type === 'MAINTENANCE_ENDED') {
      const started = open.get(windowId);
      open.delete(windowId);
      const from = started?.from ?? clamp(epochOf(factsRecord(event).start) ?? since);
      windows.push({ windowId, owner, reason, from, to: Math.max(from, clamp(at)), ongoing: false });
    }
  }
  for (const { plannedEnd, ...window } of open.values()) {
    const to = plannedEnd === null ? until : clamp(plannedEnd);
    windows.push({
      ...window,
      to: Math.max(window.from, to),
      ongoing: plannedEnd === null || plannedEnd > until,
    });
  }
  return windows.sort((a, b) => a.from - b.from);
}

/** SPLIT_BRAIN_SUSPECTED (from its facts.since) to SPLIT_BRAIN_RESOLVED, clamped to the range. */
export function splitBrainOf(events: readonly MonitorEvent[], since: number, until: number): Interval[] {
  const intervals: Interval[] = [];
  const clamp = (t: number) => Math.min(Math.max(t, since), until);
  let from: number | null = null;
  for (const event of events) {
    const at = Date.parse(event.at);
    if (event.type === 'SPLIT_BRAIN_SUSPECTED' && from === null)
      from = clamp(epochOf(factsRecord(event).since) ?? at);
    if (event.type === 'SPLIT_BRAIN_RESOLVED') {
      const start = from ?? clamp(epochOf(factsRecord(event).since) ?? at);
      intervals.push({ from: start, to: Math.max(start, clamp(at)) });
      from = null;
    }
  }
  if (from !== null) intervals.push({ from, to: until });
  return intervals;
}
