import type { NotificationContext } from '../events/present.ts';
import { EVENT_TYPES, type MonitorEvent } from '../events/types.ts';
import type { Store } from '../record/store.ts';
import { type DeliveryOutcome, keepsAlertsAlive, type Notifier } from './notifier.ts';

/**
 * Keeping alerts alive: a channel whose alerts expire (Alertmanager) gets, once it is due, every
 * alerting event of every open incident routed to it again, with a later end. It runs after the
 * outbox, and never while the channel still has pending deliveries: those bring the channel up to
 * date first, and a resolution waiting among them must not be undone by an older alert.
 */

export interface OpenIncident {
  readonly key: string;
  readonly openedAt: number;
}

export interface KeptAlive {
  readonly channel: string;
  /** How many alerting events were sent again. */
  readonly alerts: number;
  readonly outcome: DeliveryOutcome;
}

/** Types that never alert on their own: their incident's alerting events are the ones to send again. */
const FOLLOW_UPS: ReadonlySet<string> = new Set(['INCIDENT_REMINDER', 'INCIDENT_ACKNOWLEDGED']);
const ALERTING_TYPES = EVENT_TYPES.filter((type) => !FOLLOW_UPS.has(type));

export async function keepAlertsAlive(options: {
  readonly cluster: string;
  readonly store: Store;
  readonly notifiers: readonly Notifier[];
  readonly open: readonly OpenIncident[];
  readonly context: (event: MonitorEvent) => NotificationContext;
  readonly now: number;
  readonly signal?: AbortSignal;
}): Promise<KeptAlive[]> {
  const { cluster, store, now } = options;
  const due = options.notifiers
    .filter(keepsAlertsAlive)
    .filter((notifier) => notifier.keepAliveDue(cluster, now));
  if (due.length === 0) return [];
  const routes = new Map<string, readonly string[]>();
  for (const incident of options.open) {
    routes.set(incident.key, (await store.incidentRoute(cluster, incident.key))?.channels ?? []);
  }
  let events: MonitorEvent[] | undefined;
  const kept: KeptAlive[] = [];
  for (const notifier of due) {
    if ((await store.pendingDeliveries(cluster, notifier.channel, 1)).length > 0) continue;
    const routed = options.open.filter((incident) => routes.get(incident.key)?.includes(notifier.channel));
    if (routed.length > 0) events ??= await alertingEvents(store, cluster, options.open);
    const mine = (events ?? []).filter((event) =>
      routed.some((incident) => incident.key === event.incidentKey),
    );
    const outcome = await notifier.keepAlive(
      cluster,
      mine.map((event) => ({ event, context: options.context(event) })),
      options.signal ?? new AbortController().signal,
    );
    kept.push({ channel: notifier.channel, alerts: mine.length, outcome });
  }
  return kept;
}

/**
 * The latest event of each type of each open incident that was sent (not held back by a maintenance
 * window), oldest first: an escalated incident has two alerts (MASTER_UNRESPONSIVE, MASTER_DOWN),
 * and both stay alive until it resolves.
 */
export async function alertingEvents(
  store: Store,
  cluster: string,
  open: readonly OpenIncident[],
): Promise<MonitorEvent[]> {
  if (open.length === 0) return [];
  const keys = new Set(open.map((incident) => incident.key));
  // A minute early: an event id's time is its commit's, which may differ a little from openedAt.
  const since = new Date(Math.min(...open.map((incident) => incident.openedAt)) - 60_000).toISOString();
  const latest = new Map<string, MonitorEvent>();
  let cursor: string | undefined;
  do {
    const page = await store.events({
      cluster,
      since,
      types: ALERTING_TYPES,
      limit: 1000,
      order: 'oldest-first',
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const event of page.events) {
      if (!keys.has(event.incidentKey) || event.suppressed) continue;
      if (event.incidentAction !== 'open' && event.incidentAction !== 'update') continue;
      latest.set(`${event.incidentKey}\n${event.type}`, event);
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return [...latest.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
