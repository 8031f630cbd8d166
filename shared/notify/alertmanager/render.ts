import { describeEvent, httpUrl, type NotificationContext } from '../../events/present.ts';
import { nodeOf } from '../../events/read.ts';
import { titleOf } from '../../events/titles.ts';
import type { MonitorEvent } from '../../events/types.ts';

/**
 * Prometheus Alertmanager, API v2: what each of our events becomes. Pure. An alert is identified by
 * its labels, so each alerting event type of an incident is an alert of its own (an escalation,
 * MASTER_DOWN after MASTER_UNRESPONSIVE, fires a second, critical alert), and every alert carries the
 * incident key in its `incident` label, by which a resolution finds them all.
 */

/** One alert as `POST /api/v2/alerts` takes it (postableAlert). */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL?: string;
}

export type AlertmanagerAction = 'fire' | 'resolve';

/**
 * What an event asks of Alertmanager, or null for nothing:
 * - `open` and `update` fire an alert (until `endsAt`; the monitor sends open incidents again);
 * - `resolve` ends every alert of the incident;
 * - a warning or critical `notice` (opened and over at once) fires an alert that is not sent again,
 *   so Alertmanager resolves it after the resolve timeout; an info notice alerts nobody;
 * - `remind` and `acknowledge` send nothing: Alertmanager repeats notifications itself
 *   (`repeat_interval`), and its silences are how a person takes an alert there.
 */
export function alertmanagerAction(event: MonitorEvent): AlertmanagerAction | null {
  switch (event.incidentAction) {
    case 'open':
    case 'update':
      return 'fire';
    case 'resolve':
      return 'resolve';
    case 'notice':
      return event.severity === 'info' ? null : 'fire';
    case 'remind':
    case 'acknowledge':
    case undefined:
      return null;
  }
}

/** The labels of an event's alert: the same for every sending of it, so re-sending refreshes it. */
export function alertLabels(event: MonitorEvent): Record<string, string> {
  const node = nodeOf(event);
  return {
    alertname: event.type,
    cluster: event.cluster,
    ...(node === undefined ? {} : { node }),
    severity: event.severity,
    incident: event.incidentKey,
  };
}

/** The alert an alerting event fires, valid until `now + resolveTimeoutMs` unless sent again. */
export function renderAlert(
  event: MonitorEvent,
  context: NotificationContext,
  now: number,
  resolveTimeoutMs: number,
): PostableAlert {
  const view = describeEvent(event, context);
  const startsAt = Date.parse(event.at);
  const annotations: Record<string, string> = {
    summary: `${event.cluster}: ${titleOf(event)}`,
    description: event.summary,
  };
  if (view.facts.length > 0) {
    annotations.facts = view.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
  }
  if (view.steps.length > 0) {
    annotations.steps = view.steps.map((step, index) => `${index + 1}. ${step}`).join('\n');
  }
  if (view.notes.length > 0) annotations.notes = view.notes.join('\n');
  // The links as every channel shows them: absolute http(s) URLs, or nothing.
  const runbook = httpUrl(context.runbookUrl);
  const dremioUi = httpUrl(context.masterWebUrl);
  if (runbook) annotations.runbook_url = runbook;
  if (dremioUi) annotations.dremio_ui_url = dremioUi;
  annotations.event_id = event.id;
  return {
    labels: alertLabels(event),
    annotations,
    startsAt: event.at,
    // Never before it started: Alertmanager refuses an alert that ends before it starts.
    endsAt: new Date(Math.max(now, startsAt) + resolveTimeoutMs).toISOString(),
    ...(dremioUi ? { generatorURL: dremioUi } : {}),
  };
}

/** An alert Alertmanager returned, sent back with `endsAt` = now: resolved. */
export function resolvedAlert(alert: PostableAlert, now: number): PostableAlert {
  const startsAt = Date.parse(alert.startsAt);
  return {
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt,
    endsAt: new Date(Number.isFinite(startsAt) ? Math.max(now, startsAt) : now).toISOString(),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
  };
}

/** The matcher selecting every alert of an incident, for `GET /api/v2/alerts?filter=`. */
export function incidentMatcher(incidentKey: string): string {
  return `incident="${incidentKey.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
