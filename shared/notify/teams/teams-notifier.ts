import type { Dispatcher } from 'undici';
import { isServiceUrl } from '../../config/urls.ts';
import { classifyAnswer, type HttpExchange, sendJson } from '../http.ts';
import type { DeliveryOutcome, Notification, Notifier } from '../notifier.ts';
import { renderTeamsMessage } from './card.ts';

export interface TeamsNotifierOptions {
  /** The configured channel name (`oncall-teams`). */
  readonly channel: string;
  /** The workflow's webhook URL (it carries a `sig=` signature), resolved from its secret. Never logged. */
  readonly webhookUrl: string;
  readonly dispatcher: Dispatcher;
  /** Bound on one delivery attempt. @default 5000 */
  readonly timeoutMs?: number;
}

const BODY_LIMIT_BYTES = 4096;

/**
 * Microsoft Teams through a Workflows webhook: one POST of an Adaptive Card per event. A workflow
 * answers 202 once it took the request; it cannot thread or edit, so every event is a card of its own.
 */
export class TeamsNotifier implements Notifier {
  readonly channel: string;
  readonly #url: string;
  readonly #dispatcher: Dispatcher;
  readonly #timeoutMs: number;

  constructor(options: TeamsNotifierOptions) {
    this.channel = options.channel;
    if (!isServiceUrl(options.webhookUrl)) {
      // The value is a secret: name the channel, never the value.
      throw new Error(`Teams channel ${options.channel}: the workflow webhook URL is not an https URL`);
    }
    this.#url = options.webhookUrl;
    this.#dispatcher = options.dispatcher;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome> {
    return sendJson(
      {
        url: this.#url,
        body: renderTeamsMessage(notification.event, notification.context),
        dispatcher: this.#dispatcher,
        timeoutMs: this.#timeoutMs,
        signal,
        bodyLimitBytes: BODY_LIMIT_BYTES,
        secrets: [this.#url],
      },
      classifyTeamsAnswer,
    );
  }

  toJSON(): { kind: string; channel: string } {
    return { kind: 'teams-workflow', channel: this.channel };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TeamsNotifier { channel: ${JSON.stringify(this.channel)} }`;
  }
}

/** 2xx (202) delivered; 429 (Retry-After), 408, 5xx and network errors retry; other answers fail. */
export function classifyTeamsAnswer(exchange: HttpExchange): DeliveryOutcome {
  return classifyAnswer(exchange, {
    service: 'the Teams workflow',
    rejected: (status) =>
      status === 400 || status === 413
        ? 'the workflow refused the card: a bug in dremio-ha-monitor, please report it'
        : "the workflow URL is revoked, expired or wrong (or the workflow is off); fix the channel's secret",
  });
}
