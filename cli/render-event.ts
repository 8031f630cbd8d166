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

/** An event as one readable line. */
export function eventLine(event: MonitorEvent): string {
  const at = event.at.replace(/\.\d{3}Z$/, 'Z');
  const muted = event.suppressed ? ' (held back: maintenance or flapping)' : '';
  return `${at}  ${event.severity.toUpperCase().padEnd(8)} ${event.cluster}  ${event.type}  ${event.summary}${muted}  [${event.incidentKey}]`;
}
