import { decodeEvent } from '../events/decode.ts';
import type { MonitorEvent } from '../events/types.ts';
import { clusterPk, TTL_ATTRIBUTE } from './items.ts';
import type { ItemKey } from './store-error.ts';

/**
 * The outbox: one delivery per (event, channel) the routing chose, written in the same transaction
 * as the event, so that nothing committed is ever left unsent and nothing is sent that is not
 * recorded. `DELIVERY#<channel>#<event id>` items sort in event (commit) order per channel.
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  readonly channel: string;
  readonly event: MonitorEvent;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Epoch ms: when the delivery was committed, and when it may be tried next. */
  readonly createdAt: number;
  readonly nextAttemptAt: number;
  readonly lastError?: string;
  readonly deliveredAt?: number;
}

/** Which channels an incident's messages go to, and the thread reference on each (Slack `ts`). */
export interface IncidentRoute {
  readonly incidentKey: string;
  readonly channels: readonly string[];
  readonly threads: Readonly<Record<string, string>>;
}

export interface Outbox {
  readonly deliveries: readonly Delivery[];
  /** Routes of incidents opened by this commit (later events of the incident follow them). */
  readonly routes: readonly IncidentRoute[];
}

export const DELIVERY_PREFIX = 'DELIVERY#';
export const ROUTE_PREFIX = 'ROUTE#';

export const deliveryKey = (cluster: string, channel: string, eventId: string): ItemKey => ({
  pk: clusterPk(cluster),
  sk: `${DELIVERY_PREFIX}${channel}#${eventId}`,
});

export const routeKey = (cluster: string, incidentKey: string): ItemKey => ({
  pk: clusterPk(cluster),
  sk: `${ROUTE_PREFIX}${incidentKey}`,
});

export function toDeliveryItem(delivery: Delivery, retentionMs: number): Record<string, unknown> {
  const key = deliveryKey(delivery.event.cluster, delivery.channel, delivery.event.id);
  return {
    ...key,
    ...JSON.parse(JSON.stringify(delivery)),
    [TTL_ATTRIBUTE]: Math.floor((delivery.createdAt + retentionMs) / 1000),
  };
}

const STATUSES: readonly string[] = ['pending', 'delivered', 'failed'] satisfies DeliveryStatus[];

/** A delivery item read back, or the reason it is not one. */
export function parseDeliveryItem(item: Record<string, unknown>): Delivery | string {
  const { channel, event, status, attempts, createdAt, nextAttemptAt, lastError, deliveredAt } = item;
  if (typeof channel !== 'string') return 'channel is not a string';
  const decoded = decodeEvent(event);
  if (decoded.kind === 'bad') return `event: ${decoded.reason}`;
  if (typeof status !== 'string' || !STATUSES.includes(status)) return 'status is not a delivery status';
  if (typeof attempts !== 'number' || typeof createdAt !== 'number' || typeof nextAttemptAt !== 'number') {
    return 'attempts, createdAt and nextAttemptAt must be numbers';
  }
  return {
    channel,
    event: decoded.event,
    status: status as DeliveryStatus,
    attempts,
    createdAt,
    nextAttemptAt,
    ...(typeof lastError === 'string' ? { lastError } : {}),
    ...(typeof deliveredAt === 'number' ? { deliveredAt } : {}),
  };
}

export function toRouteItem(cluster: string, route: IncidentRoute, ttlAt: number): Record<string, unknown> {
  return {
    ...routeKey(cluster, route.incidentKey),
    incidentKey: route.incidentKey,
    channels: [...route.channels],
    threads: { ...route.threads },
    [TTL_ATTRIBUTE]: Math.floor(ttlAt / 1000),
  };
}

export function parseRouteItem(item: Record<string, unknown>): IncidentRoute | null {
  const { incidentKey, channels, threads } = item;
  if (typeof incidentKey !== 'string' || !Array.isArray(channels)) return null;
  return {
    incidentKey,
    channels: channels.filter((channel): channel is string => typeof channel === 'string'),
    threads: typeof threads === 'object' && threads !== null ? (threads as Record<string, string>) : {},
  };
}
