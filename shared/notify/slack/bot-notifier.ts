import type { Dispatcher } from 'undici';
import type { IncidentAction } from '../../events/types.ts';
import { type HttpExchange, postJson } from '../http.ts';
import type { DeliveryOutcome, Notification, Notifier } from '../notifier.ts';
import { redact } from '../redact.ts';
import { renderSlackAcknowledgedParent, renderSlackMessage, renderSlackResolvedParent } from './render.ts';

export interface SlackBotNotifierOptions {
  /** The configured channel name (`oncall-slack`). */
  readonly channel: string;
  /** The bot token (`xoxb-…`), already resolved from its secret. Never logged, never in a reason. */
  readonly token: string;
  /** The Slack channel id (`C0123456789`): `chat.update` needs the id, not the name. */
  readonly channelId: string;
  readonly dispatcher: Dispatcher;
  /** @default https://slack.com/api */
  readonly apiBaseUrl?: string;
  /** Bound on each API call. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * An Acknowledge button on the messages that open or update an incident: only when the monitor
   * serves Slack's interactions (the channel has a signing secret). @default false
   */
  readonly acknowledgeButton?: boolean;
}

/** The answer of one Web API call: its JSON, or what the delivery should report. */
export type SlackApiResult =
  | { readonly kind: 'ok'; readonly body: Readonly<Record<string, unknown>> }
  | { readonly kind: 'error'; readonly error: string; readonly outcome: DeliveryOutcome };

const BODY_LIMIT_BYTES = 256 * 1024;

const FIX_TOKEN = "the bot token is revoked, expired or wrong; fix the channel's secret";
/** Web API errors that no retry can fix, and what the operator should do about each. */
const CONFIGURATION_ERRORS: Readonly<Record<string, string>> = {
  invalid_auth: FIX_TOKEN,
  not_authed: FIX_TOKEN,
  account_inactive: FIX_TOKEN,
  token_revoked: FIX_TOKEN,
  token_expired: FIX_TOKEN,
  not_allowed_token_type: 'use a bot token (xoxb-)',
  missing_scope: 'give the Slack app the chat:write scope and reinstall it',
  no_permission: 'give the Slack app the chat:write scope and reinstall it',
  channel_not_found: 'the channel id is wrong, or the bot cannot see the channel; fix channelId',
  not_in_channel: 'invite the bot to the channel (/invite @the-bot)',
  is_archived: 'the channel is archived; unarchive it or configure another one',
  restricted_action: 'a workspace policy forbids the bot to post there',
  team_access_not_granted: 'the token has no access to that workspace',
};
/** Errors that mean the message itself is refused: a rendering bug, not worth retrying. */
const MESSAGE_ERRORS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_arguments',
  'invalid_json',
  'json_not_object',
]);
/** `chat.update` of the first message can no longer work; the resolve is still posted in the thread. */
const UPDATE_SKIPPED = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

/** Threaded replies that also show in the channel: what changes the incident, not a bookkeeping note. */
const BROADCAST: ReadonlySet<IncidentAction> = new Set(['update', 'remind', 'resolve', 'notice']);

/**
 * Slack bot (Web API): `chat.postMessage`. The first message of an incident returns its `ts` as the
 * thread; later events of the incident are replies in that thread, and an acknowledgement or a
 * resolve also turns the first message into a banner saying so (`chat.update`, done first so that a
 * retry repeats nothing visible: the update is idempotent, the reply is posted once it succeeded).
 */
export class SlackBotNotifier implements Notifier {
  readonly channel: string;
  readonly #token: string;
  readonly #channelId: string;
  readonly #dispatcher: Dispatcher;
  readonly #apiBaseUrl: string;
  readonly #timeoutMs: number;
  readonly #acknowledgeButton: boolean;

  constructor(options: SlackBotNotifierOptions) {
    this.channel = options.channel;
    if (typeof options.token !== 'string' || options.token.trim() === '') {
      throw new Error(`Slack channel ${options.channel}: the bot token is empty`);
    }
    if (typeof options.channelId !== 'string' || !/^[A-Z0-9]{2,32}$/.test(options.channelId)) {
      throw new Error(
        `Slack channel ${options.channel}: channelId must be a Slack channel id such as C0123456789`,
      );
    }
    this.#token = options.token;
    this.#channelId = options.channelId;
    this.#dispatcher = options.dispatcher;
    this.#apiBaseUrl = (options.apiBaseUrl ?? 'https://slack.com/api').replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#acknowledgeButton = options.acknowledgeButton ?? false;
  }

  async send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome> {
    const { event, context, thread } = notification;
    // The first message shows where the incident stands: resolved, or who took it (and no button).
    const parent =
      thread && event.incidentAction === 'resolve'
        ? renderSlackResolvedParent(event, thread)
        : thread && event.incidentAction === 'acknowledge'
          ? renderSlackAcknowledgedParent(event)
          : undefined;
    if (thread && parent) {
      const update = await this.#call(
        'chat.update',
        { channel: this.#channelId, ts: thread, ...parent },
        signal,
      );
      if (update.kind === 'error' && !UPDATE_SKIPPED.has(update.error)) return update.outcome;
    }
    const message = renderSlackMessage(event, context, { acknowledgeButton: this.#acknowledgeButton });
    const posted = await this.#call(
      'chat.postMessage',
      {
        channel: this.#channelId,
        ...message,
        ...(thread
          ? {
              thread_ts: thread,
              reply_broadcast: event.incidentAction !== undefined && BROADCAST.has(event.incidentAction),
            }
          : {}),
      },
      signal,
    );
    if (posted.kind === 'error') return posted.outcome;
    const ts = typeof posted.body.ts === 'string' ? posted.body.ts : undefined;
    const reference = thread ?? ts;
    return reference ? { kind: 'delivered', thread: reference } : { kind: 'delivered' };
  }

  async #call(method: string, body: Record<string, unknown>, signal: AbortSignal): Promise<SlackApiResult> {
    const exchange = await postJson({
      url: `${this.#apiBaseUrl}/${method}`,
      body,
      headers: { authorization: `Bearer ${this.#token}` },
      dispatcher: this.#dispatcher,
      timeoutMs: this.#timeoutMs,
      signal,
      bodyLimitBytes: BODY_LIMIT_BYTES,
      secrets: [this.#token],
    });
    const result = classifyApiAnswer(method, exchange);
    if (result.kind === 'ok' || result.outcome.kind === 'delivered') return result;
    return {
      ...result,
      outcome: { ...result.outcome, reason: redact(result.outcome.reason, [this.#token]) },
    };
  }

  toJSON(): { kind: string; channel: string; channelId: string } {
    return { kind: 'slack-bot', channel: this.channel, channelId: this.#channelId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SlackBotNotifier { channel: ${JSON.stringify(this.channel)}, channelId: ${JSON.stringify(this.#channelId)} }`;
  }
}

/**
 * What a Web API answer means. Slack answers HTTP 200 `{ok: false, error}` for most failures:
 * `ratelimited` (or HTTP 429) and unknown errors retry, token and channel problems fail, and a
 * refused message (`invalid_blocks`...) fails as a bug.
 */
export function classifyApiAnswer(method: string, exchange: HttpExchange): SlackApiResult {
  const error = (code: string, outcome: DeliveryOutcome): SlackApiResult => ({
    kind: 'error',
    error: code,
    outcome,
  });
  switch (exchange.kind) {
    case 'timeout':
      return error('timeout', {
        kind: 'retry',
        reason: `Slack ${method} did not answer within ${exchange.timeoutMs} ms`,
      });
    case 'cancelled':
      return error('cancelled', {
        kind: 'retry',
        reason: `Slack ${method}: the attempt was cancelled by the caller (${exchange.why})`,
      });
    case 'failed':
      return error(exchange.code, {
        kind: 'retry',
        reason: `Slack API not reachable for ${method} (${exchange.code}): ${exchange.message}`,
      });
    case 'answered':
      break;
  }
  const { statusCode, retryAfterMs } = exchange;
  const after = retryAfterMs === undefined ? {} : { afterMs: retryAfterMs };
  const wait = retryAfterMs === undefined ? '' : `; Slack asked to wait ${Math.round(retryAfterMs / 1000)} s`;
  if (statusCode === 429) {
    return error('ratelimited', {
      kind: 'retry',
      reason: `Slack rate-limited ${method} (429)${wait}`,
      ...after,
    });
  }
  if (statusCode === 408 || statusCode >= 500) {
    return error(`http_${statusCode}`, {
      kind: 'retry',
      reason: `Slack answered ${statusCode} to ${method}: its side failed`,
    });
  }
  if (statusCode < 200 || statusCode >= 300) {
    return error(`http_${statusCode}`, {
      kind: 'failed',
      reason: `Slack answered ${statusCode} to ${method}: check apiBaseUrl and the bot token`,
    });
  }
  const body = parseObject(exchange.body);
  if (!body) {
    return error('unreadable', {
      kind: 'retry',
      reason: `Slack answered ${method} with something other than JSON`,
    });
  }
  if (body.ok === true) return { kind: 'ok', body };
  const code =
    typeof body.error === 'string' && /^[a-z0-9_]{1,64}$/.test(body.error) ? body.error : 'unknown_error';
  if (code === 'ratelimited') {
    return error(code, {
      kind: 'retry',
      reason: `Slack rate-limited ${method} (ratelimited)${wait}`,
      ...after,
    });
  }
  const advice = Object.hasOwn(CONFIGURATION_ERRORS, code) ? CONFIGURATION_ERRORS[code] : undefined;
  if (advice) return error(code, { kind: 'failed', reason: `Slack refused ${method} (${code}): ${advice}` });
  if (MESSAGE_ERRORS.has(code)) {
    return error(code, {
      kind: 'failed',
      reason: `Slack refused the message in ${method} (${code}): a bug in dremio-ha-monitor, please report it`,
    });
  }
  return error(code, { kind: 'retry', reason: `Slack answered ${method} with an error (${code})` });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
