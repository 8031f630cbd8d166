import type { Dispatcher } from 'undici';
import { classifyAnswer, type HttpExchange, sendJson } from '../http.ts';
import type { DeliveryOutcome, Notification, Notifier } from '../notifier.ts';
import { renderPagerDutyEvent } from './render.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface PagerDutyNotifierOptions {
  /** The configured channel name (`oncall-pagerduty`). */
  readonly channel: string;
  /** The integration's routing key, already resolved from its secret. Never logged, never in a reason. */
  readonly routingKey: string;
  readonly dispatcher: Dispatcher;
  /** @default https://events.pagerduty.com/v2/enqueue */
  readonly eventsUrl?: string;
  /** Bound on one delivery attempt (connect, answer, body). @default 5000 */
  readonly timeoutMs?: number;
}

const BODY_LIMIT_BYTES = 4096;
const ROUTING_KEY = /^[A-Za-z0-9]{20,64}$/;

/**
 * PagerDuty Events API v2: one POST per event that asks something of PagerDuty (render.ts decides
 * which); the others are delivered without a request. PagerDuty answers 202 when it took the event,
 * 400 when it never will (given up at once: DELIVERY_FAILED), 429 when the integration sends too
 * fast (retried, after Retry-After when it says).
 */
export class PagerDutyNotifier implements Notifier {
  readonly channel: string;
  readonly #routingKey: string;
  readonly #dispatcher: Dispatcher;
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(options: PagerDutyNotifierOptions) {
    this.channel = options.channel;
    if (typeof options.routingKey !== 'string' || !ROUTING_KEY.test(options.routingKey.trim())) {
      // The value is a secret: say what is wrong with it, never what it is.
      throw new Error(
        `PagerDuty channel ${options.channel}: the routing key is not a PagerDuty integration key (32 letters and digits, from the service's Events API v2 integration)`,
      );
    }
    this.#routingKey = options.routingKey.trim();
    this.#dispatcher = options.dispatcher;
    this.#url = options.eventsUrl ?? PAGERDUTY_EVENTS_URL;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome> {
    const request = renderPagerDutyEvent(notification.event, notification.context);
    if (request === null) return { kind: 'delivered' };
    return sendJson(
      {
        url: this.#url,
        body: { routing_key: this.#routingKey, ...request },
        dispatcher: this.#dispatcher,
        timeoutMs: this.#timeoutMs,
        signal,
        bodyLimitBytes: BODY_LIMIT_BYTES,
        secrets: [this.#routingKey],
      },
      classifyPagerDutyAnswer,
    );
  }

  toJSON(): { kind: string; channel: string } {
    return { kind: 'pagerduty', channel: this.channel };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PagerDutyNotifier { channel: ${JSON.stringify(this.channel)} }`;
  }
}

/**
 * What PagerDuty's answer means. 2xx (202) delivered; 429, 408, 5xx, timeouts and network errors
 * retry; 400 is a refused event: a wrong routing key (fix the secret) or a malformed event (a bug),
 * given up at once; any other 4xx is a wrong events URL or a proxy in the way.
 */
export function classifyPagerDutyAnswer(exchange: HttpExchange): DeliveryOutcome {
  return classifyAnswer(exchange, {
    service: 'PagerDuty',
    rejected: (status, excerpt) => {
      if (status === 400) {
        return /routing.?key/i.test(excerpt)
          ? "PagerDuty does not accept the routing key; fix the channel's routingKey secret (the Events API v2 integration key)"
          : 'PagerDuty refuses the event as malformed: a bug in dremio-ha-monitor, please report it';
      }
      return "check eventsUrl: it should be https://events.pagerduty.com/v2/enqueue (or your PagerDuty region's)";
    },
  });
}
