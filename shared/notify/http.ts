import { type Dispatcher, httpRequest } from '../http/undici.ts';
import type { DeliveryOutcome } from './notifier.ts';
import { redact } from './redact.ts';

/** The raw result of one POST to a notification service (Slack, PagerDuty, a webhook...), before it means anything. Messages are already redacted. */
export type HttpExchange =
  | {
      readonly kind: 'answered';
      readonly statusCode: number;
      /** Retry-After in ms, when the service said (seconds or an HTTP date). */
      readonly retryAfterMs?: number;
      readonly body: string;
    }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  /** The caller's signal was aborted (its own time limit, a shutdown): not sent, or not known to be. */
  | { readonly kind: 'cancelled'; readonly why: string }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

export interface PostJsonOptions {
  readonly url: string;
  /** POST unless said otherwise; a GET sends no body. */
  readonly method?: 'POST' | 'GET';
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** The body is read up to this many bytes; the rest is dropped. */
  readonly bodyLimitBytes: number;
  /** Strings that must not appear in `message` (the webhook URL, the token). */
  readonly secrets: readonly string[];
}

/** One POST of a JSON body (or a GET), bounded by `timeoutMs` (connect, answer and body together). */
export async function postJson(options: PostJsonOptions): Promise<HttpExchange> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await httpRequest(options.url, {
      dispatcher: options.dispatcher,
      signal: AbortSignal.any([options.signal, deadline]),
      ...(options.method === 'GET'
        ? { method: 'GET', headers: { accept: 'application/json', ...options.headers } }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
            body: JSON.stringify(options.body),
          }),
    });
    // Redacted before anything shortens it: the service or a proxy may echo the URL or the token.
    const body = redact(await readCapped(response.body, options.bodyLimitBytes), options.secrets);
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return {
      kind: 'answered',
      statusCode: response.statusCode,
      body,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (error) {
    if (options.signal.aborted) return { kind: 'cancelled', why: abortName(options.signal) };
    if (deadline.aborted) return { kind: 'timeout', timeoutMs: options.timeoutMs };
    return {
      kind: 'failed',
      code: errorCode(error),
      message: redact(errorMessage(error), options.secrets).slice(0, 300),
    };
  }
}

/** `Retry-After: 30` or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date (`Sat, 21 Nov 2026 23:00:20 GMT`); anything else is unreadable.
  const date = /^[A-Za-z]{3},/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function abortName(signal: AbortSignal): string {
  const name = (signal.reason as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'AbortError';
}

function errorCode(error: unknown): string {
  let current: unknown = error;
  // undici wraps socket errors: the useful code is often on `cause`.
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const candidate = current as { code?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[A-Z0-9_]{2,64}$/.test(candidate.code)) return candidate.code;
    current = candidate.cause;
  }
  return 'UNKNOWN';
}

function errorMessage(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '' && !messages.includes(message)) messages.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return (messages.join(': ') || String(error)).replace(/\s+/g, ' ');
}

const EXCERPT_CHARS = 100;

/** One line of an answer's body, at most EXCERPT_CHARS characters. */
export function excerptOf(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

export interface AnswerClassification {
  /** Who answered, for people: `PagerDuty`, `Alertmanager`, `the webhook`. */
  readonly service: string;
  /** What to tell the operator about a 4xx (other than 408 and 429) or a redirect: it will never work as sent. */
  readonly rejected: (status: number, excerpt: string) => string;
}

/**
 * The meaning of one exchange with an HTTP notification service, for the services that follow HTTP's
 * own rules: 2xx delivered; 429 (with Retry-After), 408, 5xx, timeouts, cancellations and network
 * errors are worth retrying; any other 4xx and a redirect will never work as configured. Channels
 * whose service answers in its own way (Slack's Web API answers 200 with `ok: false`) classify
 * their answers themselves.
 */
export function classifyAnswer(exchange: HttpExchange, how: AnswerClassification): DeliveryOutcome {
  const { service } = how;
  switch (exchange.kind) {
    case 'timeout':
      return { kind: 'retry', reason: `${service} did not answer within ${exchange.timeoutMs} ms` };
    case 'cancelled':
      return {
        kind: 'retry',
        reason: `${service}: the attempt was cancelled by the caller (${exchange.why})`,
      };
    case 'failed':
      return { kind: 'retry', reason: `${service} not reachable (${exchange.code}): ${exchange.message}` };
    case 'answered': {
      const { statusCode: status, retryAfterMs } = exchange;
      const excerpt = excerptOf(exchange.body);
      const answer = `${status}${excerpt ? ` ${excerpt}` : ''}`;
      if (status >= 200 && status < 300) return { kind: 'delivered' };
      if (status === 429) {
        const wait =
          retryAfterMs === undefined ? '' : `; it asked to wait ${Math.round(retryAfterMs / 1000)} s`;
        return {
          kind: 'retry',
          reason: `${service} rate-limited the delivery (${answer})${wait}`,
          ...(retryAfterMs === undefined ? {} : { afterMs: retryAfterMs }),
        };
      }
      if (status === 408 || status >= 500)
        return { kind: 'retry', reason: `${service} answered ${answer}: its side failed` };
      if (status >= 300 && status < 500)
        return {
          kind: 'failed',
          reason: `${service} refused the delivery (${answer}): ${how.rejected(status, excerpt)}`,
        };
      return { kind: 'retry', reason: `${service} answered an unexpected ${answer}` };
    }
  }
}

/**
 * One delivery attempt of a JSON body: the POST, its meaning (`classify`), and a reason with every
 * secret masked. The shape every HTTP channel's `send` shares.
 */
export async function sendJson(
  options: PostJsonOptions,
  classify: (exchange: HttpExchange) => DeliveryOutcome,
): Promise<DeliveryOutcome> {
  return outcomeOf(await postJson(options), classify, options.secrets);
}

/** What an exchange means (`classify`), with every secret masked in the reason. */
export function outcomeOf(
  exchange: HttpExchange,
  classify: (exchange: HttpExchange) => DeliveryOutcome,
  secrets: readonly string[],
): DeliveryOutcome {
  const outcome = classify(exchange);
  return outcome.kind === 'delivered' ? outcome : { ...outcome, reason: redact(outcome.reason, secrets) };
}
