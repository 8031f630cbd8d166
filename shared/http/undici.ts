/**
 * undici's Agent and request, imported by path: the package root also loads fetch, WebSocket, the
 * caches and the mocks, about 230 KB of a Lambda bundle that the monitor never uses. undici is
 * pinned, and the tests of server_status and Slack run through these two functions.
 */

import type { Dispatcher } from 'undici';
import apiRequest from 'undici/lib/api/api-request.js';
import Agent from 'undici/lib/dispatcher/agent.js';

export type { Dispatcher };
export { Agent };

export interface HttpRequestOptions {
  readonly dispatcher: Dispatcher;
  readonly method: Dispatcher.HttpMethod;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** One request through `dispatcher`, as undici's `request(url, options)` does it (no redirects). */
export function httpRequest(
  url: string | URL,
  options: HttpRequestOptions,
): Promise<Dispatcher.ResponseData> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const { dispatcher, ...rest } = options;
  return apiRequest.call(dispatcher, {
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
  });
}

/** A time limit for one exchange: its signal, and `clear()` once the exchange is settled. */
export interface Deadline {
  readonly signal: AbortSignal;
  clear(): void;
}

/**
 * A signal that aborts with a `TimeoutError` after `ms`. Unlike `AbortSignal.timeout`, a settled
 * exchange clears its timer, so hundreds of probes a second leave no timers behind that fire later
 * and build an error nobody reads.
 */
export function deadlineAfter(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')),
    ms,
  );
  timer.unref?.();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
