import type { NotificationContext } from '../events/present.ts';
import type { MonitorEvent } from '../events/types.ts';

export type { NotificationContext };

export interface Notification {
  readonly event: MonitorEvent;
  readonly context: NotificationContext;
  /**
   * What an earlier delivery of this incident on this channel returned (for example the Slack
   * message `ts` of the incident's first message, to thread under and update). Empty at first.
   */
  readonly thread?: string;
}

/**
 * The answer of one delivery attempt. Only the adapter knows whether a failure is worth retrying;
 * the retry loop is written once, in the delivery stage.
 */
export type DeliveryOutcome =
  /** `thread`: a reference later messages of the incident can use (Slack `ts`, SNS MessageId). */
  | { readonly kind: 'delivered'; readonly thread?: string }
  /** Worth trying again: 429, 5xx, timeouts, throttling. `afterMs` when the service said when. */
  | { readonly kind: 'retry'; readonly reason: string; readonly afterMs?: number }
  /** Will never work as configured: a revoked webhook, a missing topic, no permission. */
  | { readonly kind: 'failed'; readonly reason: string };

/** One channel of one technology. Reasons never contain secrets (webhook URLs, tokens). */
export interface Notifier {
  /** The configured channel name (`oncall-slack`, `pager-sns`...). */
  readonly channel: string;
  send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome>;
}

/**
 * A channel whose alerts expire unless they are sent again (Alertmanager resolves an alert at its
 * `endsAt`, as it does Prometheus's): each delivery round hands it the latest alerting event of every
 * open incident routed to it, when it says it is due.
 */
export interface KeepsAlertsAlive {
  /** Whether the open incidents of `cluster` are due to be sent again at `now`. */
  keepAliveDue(cluster: string, now: number): boolean;
  keepAlive(
    cluster: string,
    notifications: readonly Notification[],
    signal: AbortSignal,
  ): Promise<DeliveryOutcome>;
}

export function keepsAlertsAlive(notifier: Notifier): notifier is Notifier & KeepsAlertsAlive {
  const candidate = notifier as Partial<KeepsAlertsAlive>;
  return typeof candidate.keepAlive === 'function' && typeof candidate.keepAliveDue === 'function';
}
