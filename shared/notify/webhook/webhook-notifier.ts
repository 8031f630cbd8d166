import type { Dispatcher } from 'undici';
import { isServiceUrl } from '../../config/urls.ts';
import { classifyAnswer, type HttpExchange, sendJson } from '../http.ts';
import type { DeliveryOutcome, Notification, Notifier } from '../notifier.ts';
import { webhookEnvelope } from './envelope.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './signature.ts';

export interface WebhookNotifierOptions {
  /** The configured channel name (`incident-bot`). */
  readonly channel: string;
  readonly url: string;
  /** The shared signing secret, resolved from its reference. Never logged. */
  readonly signingSecret: string;
  /** Extra headers (an API key...), resolved from their secrets. Never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher;
  /** @default Date.now: the signature's timestamp */
  readonly now?: () => number;
  /** Bound on one delivery attempt. @default 5000 */
  readonly timeoutMs?: number;
}

const BODY_LIMIT_BYTES = 4096;
const MIN_SECRET_CHARS = 16;

/**
 * A generic webhook: the versioned event envelope as JSON, signed (HMAC-SHA256 over timestamp and
 * body) in `X-Dremio-HA-Signature`, with the event id in `X-Dremio-HA-Event-Id` so a receiver can
 * drop the one duplicate the outbox may send after a crash.
 */
export class WebhookNotifier implements Notifier {
  readonly channel: string;
  readonly #url: string;
  readonly #secret: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #dispatcher: Dispatcher;
  readonly #now: () => number;
  readonly #timeoutMs: number;

  constructor(options: WebhookNotifierOptions) {
    this.channel = options.channel;
    if (!isServiceUrl(options.url)) {
      throw new Error(`webhook channel ${options.channel}: url must be https (http only for localhost)`);
    }
    if (typeof options.signingSecret !== 'string' || options.signingSecret.length < MIN_SECRET_CHARS) {
      throw new Error(
        `webhook channel ${options.channel}: the signing secret must be at least ${MIN_SECRET_CHARS} characters`,
      );
    }
    this.#url = options.url;
    this.#secret = options.signingSecret;
    this.#headers = options.headers ?? {};
    this.#dispatcher = options.dispatcher;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome> {
    const envelope = webhookEnvelope(notification.event, notification.context);
    // The exact text sent is the text signed: postJson serialises the same value the same way.
    const text = JSON.stringify(envelope);
    return sendJson(
      {
        url: this.#url,
        body: envelope,
        headers: {
          ...this.#headers,
          [SIGNATURE_HEADER]: signWebhook(this.#secret, text, this.#now()),
          [EVENT_ID_HEADER]: notification.event.id,
        },
        dispatcher: this.#dispatcher,
        timeoutMs: this.#timeoutMs,
        signal,
        bodyLimitBytes: BODY_LIMIT_BYTES,
        secrets: [this.#secret, ...Object.values(this.#headers)],
      },
      classifyWebhookReceiverAnswer,
    );
  }

  toJSON(): { kind: string; channel: string } {
    return { kind: 'webhook', channel: this.channel };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `WebhookNotifier { channel: ${JSON.stringify(this.channel)} }`;
  }
}

/** 2xx delivered; 429 (Retry-After), 408, 5xx and network errors retry; 410 and other 4xx fail. */
export function classifyWebhookReceiverAnswer(exchange: HttpExchange): DeliveryOutcome {
  return classifyAnswer(exchange, {
    service: 'the webhook receiver',
    rejected: (status) =>
      status === 410
        ? 'the receiver says it is gone for good; remove or fix the channel'
        : status === 401 || status === 403
          ? "the receiver refuses the signature or credentials; check the channel's signingSecret and headers"
          : 'the receiver refuses the request; check its logs and the channel url',
  });
}
