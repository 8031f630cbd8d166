import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Slack on 127.0.0.1: incoming webhooks (`POST /services/T…/B…/…`) and the
 * Web API methods the bot notifier calls (`POST /api/chat.postMessage`, `/api/chat.update`). It
 * records every request and answers as scripted, one answer per request (then `ok`).
 */

export type SlackAnswer =
  /** Webhook: 200 `ok`. API: `{ok: true, ts, channel}` (and the message is kept, by ts). */
  | { readonly kind: 'ok' }
  /** 429 with `Retry-After` (seconds); the API's body is `{ok: false, error: 'ratelimited'}`. */
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds?: number }
  /** Any HTTP answer: `{kind: 'status', status: 404, body: 'no_service'}`, 500... */
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  /** Never answers (until the receiver closes): for timeouts. */
  | { readonly kind: 'hang' }
  /** HTTP 200 `{ok: false, error}`, as the Web API reports most failures. */
  | { readonly kind: 'api-error'; readonly error: string; readonly retryAfterSeconds?: number };

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly kind: 'webhook' | 'api' | 'other';
  /** `chat.postMessage`, `chat.update`: for API calls. */
  readonly apiMethod?: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when it is not JSON. */
  readonly body: unknown;
  readonly raw: string;
  /** How it was answered. */
  readonly answer: SlackAnswer['kind'];
}

/** A message the fake Web API holds (bot mode), as posted then updated. */
export interface HeldMessage {
  readonly ts: string;
  readonly channel: string;
  readonly threadTs?: string;
  text: string;
  blocks: unknown;
  updates: number;
}

export type ScriptedAnswer = SlackAnswer | ((request: ReceivedRequest) => SlackAnswer);

export interface SlackReceiverOptions {
  /** Print each received message readably (true: to stdout). */
  readonly print?: boolean | ((text: string) => void);
  /** The bot token the fake API accepts; any other answers `invalid_auth`. */
  readonly token?: string;
}

export interface SlackReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The one webhook that exists; any other `/services/…` path answers 404 `no_service`. */
  readonly webhookUrl: string;
  /** Pass as `apiBaseUrl` to the bot notifier. */
  readonly apiBaseUrl: string;
  readonly token: string;
  readonly requests: readonly ReceivedRequest[];
  /** Bot-mode messages by ts, in posting order (a test may change them, to stage a case). */
  readonly messages: Map<string, HeldMessage>;
  /** Queues answers for the next requests, one each, in order; afterwards requests get `ok`. */
  answer(...answers: ScriptedAnswer[]): void;
  /** Resolves once `count` requests were received (all of them, oldest first). */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly ReceivedRequest[]>;
  /** Forgets requests, messages and queued answers. */
  reset(): void;
  close(): Promise<void>;
}

const WEBHOOK_PATH = '/services/T0000TEST/B0000TEST/Zx8QpW3rTy6UoI9aSd2FgH4j';
const DEFAULT_TOKEN = 'xoxb-0000000000-0000000000000-TestTokenNotARealOne';

export async function startSlackReceiver(options: SlackReceiverOptions = {}): Promise<SlackReceiver> {
  const token = options.token ?? DEFAULT_TOKEN;
  const print =
    options.print === true
      ? (text: string) => process.stdout.write(`${text}\n`)
      : typeof options.print === 'function'
        ? options.print
        : undefined;
  const requests: ReceivedRequest[] = [];
  const messages = new Map<string, HeldMessage>();
  const queue: ScriptedAnswer[] = [];
  const received = new EventEmitter();
  let sequence = 0;

  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const path = request.url ?? '/';
      const kind = path.startsWith('/services/') ? 'webhook' : path.startsWith('/api/') ? 'api' : 'other';
      const apiMethod = kind === 'api' ? path.slice('/api/'.length).split('?')[0] : undefined;
      const draft: ReceivedRequest = {
        method: request.method ?? 'GET',
        path,
        kind,
        ...(apiMethod ? { apiMethod } : {}),
        headers: request.headers,
        body: parseJson(raw),
        raw,
        answer: 'ok',
      };
      const scripted = queue.shift();
      const answer = (typeof scripted === 'function' ? scripted(draft) : scripted) ?? { kind: 'ok' };
      requests.push({ ...draft, answer: answer.kind });
      if (print && answer.kind !== 'hang') print(describeRequest(draft, answer));
      received.emit('request');
      respond(response, draft, answer);
    });
  });

  function respond(response: ServerResponse, request: ReceivedRequest, answer: SlackAnswer): void {
    const retryAfter = (seconds?: number): Record<string, string> =>
      seconds === undefined ? {} : { 'retry-after': String(seconds) };
    switch (answer.kind) {
      case 'hang':
        return;
      case 'status':
        response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
        return;
      case 'rate-limited':
        if (request.kind === 'api') {
          json(response, 429, { ok: false, error: 'ratelimited' }, retryAfter(answer.retryAfterSeconds));
        } else {
          response
            .writeHead(429, { 'content-type': 'text/plain', ...retryAfter(answer.retryAfterSeconds) })
            .end('rate_limited');
        }
        return;
      case 'api-error':
        json(response, 200, { ok: false, error: answer.error }, retryAfter(answer.retryAfterSeconds));
        return;
      case 'ok':
        if (request.kind === 'webhook') {
          if (request.path !== WEBHOOK_PATH) response.writeHead(404).end('no_service');
          else if (request.method !== 'POST' || !isObject(request.body))
            response.writeHead(400).end('invalid_payload');
          else response.writeHead(200, { 'content-type': 'text/html' }).end('ok');
        } else if (request.kind === 'api') json(response, 200, api(request));
        else response.writeHead(404).end('not found');
    }
  }

  /** The fake Web API: token check, chat.postMessage and chat.update. */
  function api(request: ReceivedRequest): Record<string, unknown> {
    if (request.headers.authorization !== `Bearer ${token}`) return { ok: false, error: 'invalid_auth' };
    const body = isObject(request.body) ? request.body : {};
    const channel = typeof body.channel === 'string' ? body.channel : '';
    if (channel === '') return { ok: false, error: 'channel_not_found' };
    if (request.apiMethod === 'chat.postMessage') {
      sequence += 1;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(sequence).padStart(6, '0')}`;
      const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
      if (threadTs !== undefined && !messages.has(threadTs)) return { ok: false, error: 'thread_not_found' };
      const message: HeldMessage = {
        ts,
        channel,
        ...(threadTs ? { threadTs } : {}),
        text: String(body.text ?? ''),
        blocks: body.blocks,
        updates: 0,
      };
      messages.set(ts, message);
      return {
        ok: true,
        channel,
        ts,
        message: { ts, text: message.text, ...(threadTs ? { thread_ts: threadTs } : {}) },
      };
    }
    if (request.apiMethod === 'chat.update') {
      const held = typeof body.ts === 'string' ? messages.get(body.ts) : undefined;
      if (!held || held.channel !== channel) return { ok: false, error: 'message_not_found' };
      held.text = String(body.text ?? '');
      held.blocks = body.blocks;
      held.updates += 1;
      return { ok: true, channel, ts: held.ts, text: held.text };
    }
    return { ok: false, error: 'unknown_method' };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    webhookUrl: `${url}${WEBHOOK_PATH}`,
    apiBaseUrl: `${url}/api`,
    token,
    requests,
    messages,
    answer: (...answers) => {
      queue.push(...answers);
    },
    waitForRequests: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return false;
          received.off('request', check);
          clearTimeout(timer);
          resolve([...requests]);
          return true;
        };
        const timer = setTimeout(() => {
          received.off('request', check);
          reject(
            new Error(`the Slack receiver got ${requests.length} of ${count} requests in ${timeoutMs} ms`),
          );
        }, timeoutMs);
        if (!check()) received.on('request', check);
      }),
    reset: () => {
      requests.length = 0;
      messages.clear();
      queue.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- printing -------------------------------------------------------------------------------

const EMOJI: Readonly<Record<string, string>> = {
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_blue_circle: '🔵',
  white_check_mark: '✅',
};

/** One Slack mrkdwn string as terminal text: links as `label <url>`, dates as their fallback. */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(
      /<([^|>]+)\|([^>]*)>/g,
      (_, url: string, label: string) => `${label} <${url.replace(/&amp;/g, '&')}>`,
    )
    .replace(/:([a-z_]+):/g, (whole, name: string) => EMOJI[name] ?? whole)
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A Block Kit message as readable lines (sections, fields two to a line, context). */
export function formatSlackMessage(message: unknown): string {
  if (!isObject(message)) return '(not a JSON object)';
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  if (blocks.length === 0) return mrkdwnToText(String(message.text ?? ''));
  const lines: string[] = [];
  for (const block of blocks) {
    if (!isObject(block)) continue;
    const text = isObject(block.text) ? String(block.text.text ?? '') : undefined;
    if (text !== undefined) lines.push(...mrkdwnToText(text).split('\n'));
    if (Array.isArray(block.fields)) {
      const fields = block.fields.map((field) =>
        mrkdwnToText(isObject(field) ? String(field.text ?? '') : '').replace('\n', ': '),
      );
      for (let i = 0; i < fields.length; i += 2) lines.push(`  ${fields.slice(i, i + 2).join('    ')}`);
    }
    if (Array.isArray(block.elements)) {
      const elements = block.elements.map((element) =>
        mrkdwnToText(isObject(element) ? String(element.text ?? '') : ''),
      );
      lines.push(`  ${elements.join(' ')}`);
    }
  }
  return lines.join('\n');
}

function describeRequest(request: ReceivedRequest, answer: SlackAnswer): string {
  const body = isObject(request.body) ? request.body : {};
  const where =
    request.kind === 'webhook'
      ? 'webhook'
      : `${request.apiMethod ?? request.path} ${String(body.channel ?? '')}${typeof body.thread_ts === 'string' ? ` thread ${body.thread_ts}` : ''}${typeof body.ts === 'string' ? ` ts ${body.ts}` : ''}`;
  const answered =
    answer.kind === 'ok' ? '' : ` (answered ${answer.kind}${'status' in answer ? ` ${answer.status}` : ''})`;
  const rule = '─'.repeat(Math.max(4, 96 - where.length - answered.length));
  return `── Slack ${where}${answered} ${rule}\n${formatSlackMessage(request.body)}\n`;
}
