import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, deadlineAfter, httpRequest } from '../http/undici.ts';

/** What `GET /apiv2/server_status` told us about one coordinator (docs/dremio-ha.md#server-status). */
export type ServerStatus =
  | { readonly kind: 'ok'; readonly latencyMs: number }
  | { readonly kind: 'master_down'; readonly latencyMs: number }
  /** Nothing listens: a standby master candidate (normal), or a stopped or starting node. */
  | { readonly kind: 'refused'; readonly latencyMs: number }
  | { readonly kind: 'timeout'; readonly latencyMs: number; readonly phase: 'connect' | 'response' }
  | { readonly kind: 'tls_error'; readonly latencyMs: number; readonly reason: string }
  /** No route, name not resolved, connection reset: the network failed, not the node's answer. */
  | { readonly kind: 'unreachable'; readonly latencyMs: number; readonly reason: string }
  | {
      readonly kind: 'unexpected';
      readonly latencyMs: number;
      readonly statusCode: number;
      readonly bodyExcerpt: string;
    };

export type ServerStatusKind = ServerStatus['kind'];

/** The raw outcome of one HTTP exchange, before classification. */
export type HttpExchange =
  | {
      readonly kind: 'answered';
      readonly statusCode: number;
      readonly body: string;
      /** The body went past the read limit: what was read is not the whole answer. */
      readonly truncated?: boolean;
    }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

const BODY_LIMIT_BYTES = 4096;
const EXCERPT_CHARS = 120;
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'TimeoutError',
  'AbortError',
]);
/**
 * How long a connection is kept for the next probe. Probes come every second or so, and Jetty (Dremio's
 * web server) keeps an idle connection 30 s by default, so reusing it spares a TCP (and TLS) handshake,
 * a socket and undici's connection objects per probe, which are most of what a watch of many clusters
 * allocates. A server that announces a shorter `Keep-Alive: timeout` is obeyed.
 */
const KEEP_ALIVE_MS = 10_000;
/** What a kept connection that the server closed meanwhile fails with: one fresh connection settles it. */
const STALE_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_)/;

/** Turns one exchange into what it means for Dremio. Pure: the HTTP adapter below does the I/O. */
export function classifyServerStatus(exchange: HttpExchange, latencyMs: number): ServerStatus {
  if (exchange.kind === 'failed') {
    if (exchange.code === 'ECONNREFUSED') return { kind: 'refused', latencyMs };
    if (TIMEOUT_CODES.has(exchange.code)) {
      return {
        kind: 'timeout',
        latencyMs,
        phase: exchange.code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect' : 'response',
      };
    }
    if (TLS_CODE.test(exchange.code)) return { kind: 'tls_error', latencyMs, reason: exchange.code };
    return { kind: 'unreachable', latencyMs, reason: exchange.code };
  }
  // Dremio's answer is a few bytes: a body past the limit is not Dremio's "OK", whatever it starts with.
  const answer = exchange.truncated ? undefined : parseJsonString(exchange.body);
  if (exchange.statusCode === 200 && answer === 'OK') return { kind: 'ok', latencyMs };
  if (exchange.statusCode === 503 && answer === 'MASTER_DOWN') return { kind: 'master_down', latencyMs };
  return {
    kind: 'unexpected',
    latencyMs,
    statusCode: exchange.statusCode,
    bodyExcerpt: exchange.body.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_CHARS),
  };
}

function parseJsonString(body: string): string | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface ServerStatusClientOptions {
  /** Bound on the TCP (and TLS) connect. @default 1000 */
  readonly connectTimeoutMs?: number;
  /** Bound on the whole exchange, connect included. @default 2000 */
  readonly timeoutMs?: number;
  /** PEM bundle of extra trusted CAs for https coordinators. */
  readonly ca?: string;
  /** Pass a dispatcher to share one across many probes (one per process is enough). */
  readonly dispatcher?: Dispatcher;
}

/** Probes `GET <webUrl>/apiv2/server_status` through one shared undici dispatcher. */
export class ServerStatusClient {
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #timeoutMs: number;

  constructor(options: ServerStatusClientOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: options.connectTimeoutMs ?? 1000, ...(options.ca ? { ca: options.ca } : {}) },
        keepAliveTimeout: KEEP_ALIVE_MS,
        connections: 4,
      });
  }

  /** One probe; `timeoutMs` overrides the client's bound on the whole exchange. */
  async probe(
    webUrl: string,
    { signal, timeoutMs }: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<ServerStatus> {
    const started = performance.now();
    const exchange = await this.#exchange(
      new URL('/apiv2/server_status', webUrl),
      timeoutMs ?? this.#timeoutMs,
      signal,
    );
    return classifyServerStatus(exchange, Math.round((performance.now() - started) * 100) / 100);
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async #exchange(url: URL, timeoutMs: number, signal?: AbortSignal): Promise<HttpExchange> {
    const { signal: deadline, clear } = deadlineAfter(timeoutMs);
    try {
      return await this.#attemptTwice(url, deadline, signal);
    } finally {
      clear();
    }
  }

  async #attemptTwice(url: URL, deadline: AbortSignal, signal?: AbortSignal): Promise<HttpExchange> {
    const first = await this.#attempt(url, deadline, signal);
    // A kept connection the node closed (it restarted, or dropped idle connections) fails at once;
    // the same GET on a new connection says what the node says now: an answer, or a refusal.
    if (
      first.kind === 'failed' &&
      STALE_CONNECTION_CODES.has(first.code) &&
      !deadline.aborted &&
      !signal?.aborted
    ) {
      return this.#attempt(url, deadline, signal);
    }
    return first;
  }

  async #attempt(url: URL, deadline: AbortSignal, signal?: AbortSignal): Promise<HttpExchange> {
    try {
      const response = await httpRequest(url, {
        method: 'GET',
        dispatcher: this.#dispatcher,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        headers: { accept: 'application/json' },
      });
      const { text, truncated } = await readCapped(response.body);
      return { kind: 'answered', statusCode: response.statusCode, body: text, truncated };
    } catch (error) {
      return {
        kind: 'failed',
        code: errorCode(error, deadline),
        message: (error as Error).message ?? String(error),
      };
    }
  }
}

/**
 * The body up to BODY_LIMIT_BYTES. Read through events rather than an async iterator: a watch reads
 * hundreds of these small answers a second, and the iterator's promises are most of their garbage.
 */
function readCapped(body: Readable): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      body.off('data', onData);
      resolve({
        text: Buffer.concat(chunks).subarray(0, BODY_LIMIT_BYTES).toString('utf8'),
        truncated: size > BODY_LIMIT_BYTES,
      });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        body.destroy();
        finish();
      }
    };
    body.on('data', onData);
    body.once('end', finish);
    body.once('error', reject);
  });
}

function errorCode(error: unknown, deadline: AbortSignal): string {
  if (deadline.aborted) return 'TimeoutError';
  let current: unknown = error;
  // undici wraps socket errors: the useful code is often on `cause`.
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const candidate = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string') return candidate.code;
    if (candidate.name === 'AbortError' || candidate.name === 'TimeoutError') return candidate.name;
    current = candidate.cause;
  }
  return 'UNKNOWN';
}
