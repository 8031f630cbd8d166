import { createHash } from 'node:crypto';
import { clip } from '../../events/format.ts';
import { describeEvent, type NotificationContext } from '../../events/present.ts';
import { nodeOf } from '../../events/read.ts';
import { titleOf } from '../../events/titles.ts';
import type { MonitorEvent, Severity } from '../../events/types.ts';

/**
 * PagerDuty Events API v2: what each of our events becomes. Pure. The incident key is the
 * `dedup_key`, so PagerDuty's alert and our incident are one thing: opened by `trigger`, taken by
 * `acknowledge`, ended by `resolve`.
 */

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

/** PagerDuty's limits on the fields we fill. */
export const SUMMARY_MAX_CHARS = 1024;
export const DEDUP_KEY_MAX_CHARS = 255;
const FIELD_MAX_CHARS = 255;

export interface PagerDutyPayload {
  readonly summary: string;
  readonly source: string;
  readonly severity: 'critical' | 'error' | 'warning' | 'info';
  readonly timestamp: string;
  readonly component?: string;
  readonly group: string;
  readonly class: string;
  readonly custom_details: Readonly<Record<string, unknown>>;
}

/** One Events API v2 request, without the routing key (a secret, added by the notifier). */
export type PagerDutyEvent =
  | {
      readonly event_action: 'trigger';
      readonly dedup_key: string;
      readonly payload: PagerDutyPayload;
      readonly client: string;
      readonly links?: ReadonlyArray<{ readonly href: string; readonly text: string }>;
    }
  | { readonly event_action: 'acknowledge' | 'resolve'; readonly dedup_key: string };

/**
 * What an event asks of PagerDuty, or null for nothing:
 * - `open` and `update` (an escalation) trigger; PagerDuty folds a second trigger with the same
 *   dedup_key into the same alert;
 * - `acknowledge` and `resolve` follow the incident;
 * - `remind` sends nothing: PagerDuty's own escalation policy re-notifies whoever is on call;
 * - `notice` (opened and over at once) triggers only at warning or critical, where somebody must
 *   still look (a channel gave a message up, a master restarted on its own, flapping); an info
 *   notice (a maintenance window, a renewed session) pages nobody.
 */
export function pagerDutyAction(event: MonitorEvent): PagerDutyAction | null {
  switch (event.incidentAction) {
    case 'open':
    case 'update':
      return 'trigger';
    case 'acknowledge':
      return 'acknowledge';
    case 'resolve':
      return 'resolve';
    case 'notice':
      return event.severity === 'info' ? null : 'trigger';
    case 'remind':
    case undefined:
      return null;
  }
}

const SEVERITY: { readonly [S in Severity]: PagerDutyPayload['severity'] } = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
};

/**
 * The incident key as a dedup_key. Keys are at most 255 characters when the monitor builds them; an
 * older or foreign one that is longer keeps its beginning and ends with a hash of the whole, so it
 * stays unique and the same for every event of the incident.
 */
export function dedupKeyOf(incidentKey: string): string {
  if (incidentKey.length <= DEDUP_KEY_MAX_CHARS) return incidentKey;
  const hash = createHash('sha256').update(incidentKey).digest('hex').slice(0, 16);
  return `${incidentKey.slice(0, DEDUP_KEY_MAX_CHARS - hash.length - 1)}~${hash}`;
}

/** The Events API v2 request for an event, or null when the event asks nothing of PagerDuty. */
export function renderPagerDutyEvent(
  event: MonitorEvent,
  context: NotificationContext,
): PagerDutyEvent | null {
  const action = pagerDutyAction(event);
  if (action === null) return null;
  const dedup_key = dedupKeyOf(event.incidentKey);
  if (action !== 'trigger') return { event_action: action, dedup_key };
  const view = describeEvent(event, context);
  const component = nodeOf(event);
  const facts: Record<string, string> = {};
  for (const fact of view.facts) facts[fact.label] = fact.value;
  const links = view.links.map((link) => ({ href: link.url, text: link.label }));
  return {
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: clip(
        `${event.cluster}: ${titleOf(event)} - ${event.summary}`.replace(/\s+/g, ' '),
        SUMMARY_MAX_CHARS,
      ),
      source: clip(event.cluster, FIELD_MAX_CHARS),
      severity: SEVERITY[event.severity],
      timestamp: event.at,
      ...(component === undefined ? {} : { component: clip(component, FIELD_MAX_CHARS) }),
      group: clip(event.cluster, FIELD_MAX_CHARS),
      class: event.type,
      custom_details: {
        summary: event.summary,
        facts,
        ...(view.steps.length > 0 ? { steps: view.steps } : {}),
        ...(view.notes.length > 0 ? { notes: view.notes } : {}),
        incident: event.incidentKey,
        event: `${event.type} ${event.id}`,
      },
    },
    client: 'dremio-ha-monitor',
    ...(links.length > 0 ? { links } : {}),
  };
}
