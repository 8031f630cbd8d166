import type { Dispatcher } from 'undici';
import { isHttpUrl } from '../../config/urls.ts';
import { excerptOf, type HttpExchange, sendJson } from '../http.ts';
import type { DeliveryOutcome, Notification, Notifier } from '../notifier.ts';
import { renderSlackMessage } from './render.ts';

export interface SlackWebhookNotifierOptions {
  /** The configured channel name (`oncall-slack`). */
  readonly channel: string;
  /** The incoming webhook URL, already resolved from its secret. Never logged, never in a reason. */
  readonly webhookUrl: string;
  readonly dispatcher: Dispatcher;
  /** Bound on one delivery attempt (connect, answer, body). @default 5000 */
  readonly timeoutMs?: number;
}

const BODY_LIMIT_BYTES = 4096;

/** What Slack's incoming webhooks answer, and what each answer asks of the operator. */
const REVOKED = "the webhook URL is revoked or wrong; fix the channel's secret";
const CHANNEL_GONE =
  "the webhook's Slack channel is archived, deleted or closed to it; create a webhook for a live channel and update the channel's secret";
const MALFORMED = 'the message is malformed: a bug in dremio-ha-monitor, please report it';
const WEBHOOK_ERRORS: Readonly<Record<string, string>> = {
  no_service: REVOKED,
  no_service_id: REVOKED,
  no_team: REVOKED,
  team_disabled: REVOKED,
  invalid_token: REVOKED,
  channel_not_found: CHANNEL_GONE,
  channel_is_archived: CHANNEL_GONE,
  action_prohibited: CHANNEL_GONE,
  posting_to_general_channel_denied: CHANNEL_GONE,
  user_not_found: CHANNEL_GONE,
  invalid_payload: MALFORMED,
  too_many_attachments: MALFORMED,
};

/**
 * Slack incoming webhook: one POST per event. Webhooks cannot thread or edit, so every event is a
 * message of its own and no `thread` is returned.
 */
export class SlackWebhookNotifier implements Notifier {
  readonly channel: string;
  readonly #url: string;
  readonly #dispatcher: Dispatcher;
  readonly #timeoutMs: number;

  constructor(options: SlackWebhookNotifierOptions) {
    this.channel = options.channel;
    if (!isHttpUrl(options.webhookUrl)) {
      // The value is a secret: name the channel, never the value.
      throw new Error(`Slack channel ${options.channel}: the webhook URL is not an http(s) URL`);
    }
    this.#url = options.webhookUrl;
    this.#dispatcher = options.dispatcher;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome> {
    return sendJson(
      {
        url: this.#url,
        body: renderSlackMessage(notification.event, notification.context),
        dispatcher: this.#dispatcher,
        timeoutMs: this.#timeoutMs,
        signal,
        bodyLimitBytes: BODY_LIMIT_BYTES,
        secrets: [this.#url],
      },
      classifyWebhookAnswer,
    );
  }

  toJSON(): { kind: string; channel: string } {
    return { kind: 'slack-webhook', channel: this.channel };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SlackWebhookNotifier { channel: ${JSON.stringify(this.channel)} }`;
  }
}

/**
 * What an answer of a Slack webhook means: 2xx delivered; 429 (with Retry-After), 408, 5xx,
 * timeouts and network errors are worth retrying; any other answer will never work as configured.
 */
export function classifyWebhookAnswer(exchange: HttpExchange): DeliveryOutcome {
  switch (exchange.kind) {
    case 'timeout':
      return { kind: 'retry', reason: `Slack webhook did not answer within ${exchange.timeoutMs} ms` };
    case 'cancelled':
      return {
        kind: 'retry',
        reason: `Slack webhook: the attempt was cancelled by the caller (${exchange.why})`,
      };
    case 'failed':
      return {
        kind: 'retry',
        reason: `Slack webhook not reachable (${exchange.code}): ${exchange.message}`,
      };
    case 'answered':
      return classifyStatus(exchange.statusCode, exchange.body, exchange.retryAfterMs);
  }
}

function classifyStatus(status: number, body: string, retryAfterMs?: number): DeliveryOutcome {
  const excerpt = excerptOf(body);
  const answer = `${status}${excerpt ? ` ${excerpt}` : ''}`;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 429) {
    const wait =
      retryAfterMs === undefined ? '' : `; Slack asked to wait ${Math.round(retryAfterMs / 1000)} s`;
    return {
      kind: 'retry',
      reason: `Slack rate-limited the webhook (${answer})${wait}`,
      ...(retryAfterMs === undefined ? {} : { afterMs: retryAfterMs }),
    };
  }
  if (status === 408 || status >= 500)
    return { kind: 'retry', reason: `Slack answered ${answer}: its side failed` };
  if (status >= 400) {
    const advice =
      WEBHOOK_ERRORS[excerpt] ?? "check the channel's webhook URL: Slack refuses it as configured";
    return { kind: 'failed', reason: `Slack rejected the webhook (${answer}): ${advice}` };
  }
  if (status >= 300 && status < 400) {
    return {
      kind: 'failed',
      reason: `Slack answered a redirect (${status}) to the webhook: the webhook URL is wrong; fix the channel's secret`,
    };
  }
  return { kind: 'retry', reason: `Slack answered an unexpected ${answer}` };
}
