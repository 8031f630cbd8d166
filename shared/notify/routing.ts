import type { EventType, MonitorEvent, Severity } from '../events/types.ts';
import type { Delivery, IncidentRoute, Outbox } from '../record/outbox.ts';

/** Which events of a cluster go to a channel. Left out: every severity, every type. */
export interface ChannelRoute {
  readonly channel: string;
  readonly severities?: readonly Severity[];
  readonly types?: readonly EventType[];
}

const FOLLOWS_INCIDENT = new Set(['update', 'remind', 'acknowledge', 'resolve']);

function matching(event: MonitorEvent, routes: readonly ChannelRoute[]): string[] {
  return routes
    .filter((route) => !route.severities || route.severities.includes(event.severity))
    .filter((route) => !route.types || route.types.includes(event.type))
    .map((route) => route.channel);
}

/**
 * The outbox of one commit. Pure. An event that opens an incident goes to the channels whose filters
 * match, and the incident remembers them: its reminders, acknowledgement and resolution follow the
 * same channels whatever their severity; an update (an escalation) also reaches the channels of its
 * own severity, which the incident then remembers too. A suppressed event (maintenance, flapping) pages
 * nobody, except the resolution of an incident that already paged. DELIVERY_FAILED never goes to
 * the channel that failed.
 */
export function planOutbox(
  events: readonly MonitorEvent[],
  routes: readonly ChannelRoute[],
  knownRoutes: ReadonlyMap<string, IncidentRoute | null>,
  now: number,
): Outbox {
  const deliveries: Delivery[] = [];
  const opened = new Map<string, IncidentRoute>();
  for (const event of events) {
    const known = opened.get(event.incidentKey) ?? knownRoutes.get(event.incidentKey) ?? null;
    const follows = event.incidentAction !== undefined && FOLLOWS_INCIDENT.has(event.incidentAction);
    let channels: string[];
    if (event.suppressed) channels = event.incidentAction === 'resolve' && known ? [...known.channels] : [];
    else if (follows && known && event.incidentAction === 'update') {
      // An escalation (MASTER_DOWN after MASTER_UNRESPONSIVE) also reaches the channels of its severity.
      channels = [...new Set([...known.channels, ...matching(event, routes)])];
    } else if (follows && known) channels = [...known.channels];
    else channels = matching(event, routes);
    if (event.type === 'DELIVERY_FAILED')
      channels = channels.filter((channel) => channel !== event.facts.channel);
    const widened = known && channels.some((channel) => !known.channels.includes(channel));
    if (
      channels.length > 0 &&
      (event.incidentAction === 'open' || event.incidentAction === 'update') &&
      (!known || widened)
    ) {
      const union = [...new Set([...(known?.channels ?? []), ...channels])];
      opened.set(event.incidentKey, {
        incidentKey: event.incidentKey,
        channels: union,
        threads: known?.threads ?? {},
      });
    }
    for (const channel of channels) {
      deliveries.push({ channel, event, status: 'pending', attempts: 0, createdAt: now, nextAttemptAt: now });
    }
  }
  return { deliveries, routes: [...opened.values()] };
}

/** The incidents whose earlier route a commit needs (events that follow an incident). */
export function incidentsToLookUp(events: readonly MonitorEvent[]): string[] {
  const keys = events
    .filter((event) => event.incidentAction !== undefined && FOLLOWS_INCIDENT.has(event.incidentAction))
    .map((event) => event.incidentKey);
  return [...new Set(keys)];
}
