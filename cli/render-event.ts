import { describeEvent } from '../shared/events/present.ts';
import { factsRecord } from '../shared/events/read.ts';
import type { MonitorEvent } from '../shared/events/types.ts';

/** An event as one JSON line: the event, with `from` and `to` lifted to the top on failovers. */
export function eventJson(event: MonitorEvent): string {
  const { from, to } = factsRecord(event);
  return JSON.stringify({
    ...event,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  });
}

/**
 * An event as one readable line: its status as every channel shows it (CRITICAL, RESOLVED,
 * REMINDER...), its title and summary, and its incident.
 */
export function eventLine(event: MonitorEvent): string {
  const view = describeEvent(event);
  const at = event.at.replace(/\.\d{3}Z$/, 'Z');
  const muted = event.suppressed ? ' (held back: recorded, not paging)' : '';
  return `${at}  ${view.statusLabel.padEnd(12)} ${event.cluster}  ${event.type}  ${view.title}: ${event.summary}${muted}  [${event.incidentKey}]`;
}
