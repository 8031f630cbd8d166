import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { type IncomingPost, type ScriptedReply, startHttpReceiver } from './http-receiver.ts';

/**
 * A local stand-in for PagerDuty's Events API v2 on 127.0.0.1 (`POST /v2/enqueue`). Every request
 * is checked against the documented v2 event schema below; an invalid one gets PagerDuty's 400
 * `invalid event` answer, a valid one 202 `success`, unless an answer was scripted. It keeps the
 * alerts it accepted by dedup_key (triggered, acknowledged, resolved), as PagerDuty would show them.
 */

export const ROUTING_KEY = 'R0UT1NGKEY0000000000000000TEST32';

const link = z.strictObject({ href: z.string().url(), text: z.string().optional() });
const image = z.strictObject({
  src: z.string().url(),
  href: z.string().url().optional(),
  alt: z.string().optional(),
});

/** The Events API v2 request, as PagerDuty documents it. */
export const pagerDutyV2Event = z.discriminatedUnion('event_action', [
  z.strictObject({
    routing_key: z.string().length(32),
    event_action: z.literal('trigger'),
    dedup_key: z.string().min(1).max(255).optional(),
    payload: z.strictObject({
      summary: z.string().min(1).max(1024),
      source: z.string().min(1),
      severity: z.enum(['critical', 'error', 'warning', 'info']),
      timestamp: z.iso.datetime().optional(),
      component: z.string().optional(),
      group: z.string().optional(),
      class: z.string().optional(),
      custom_details: z.record(z.string(), z.unknown()).optional(),
    }),
    images: z.array(image).optional(),
    links: z.array(link).optional(),
    client: z.string().optional(),
    client_url: z.string().url().optional(),
  }),
  z.strictObject({
    routing_key: z.string().length(32),
    event_action: z.enum(['acknowledge', 'resolve']),
    dedup_key: z.string().min(1).max(255),
  }),
]);

export type PagerDutyV2Event = z.output<typeof pagerDutyV2Event>;

export type PagerDutyAnswer =
  | { readonly kind: 'accept' }
  /** 429, with `Retry-After` in seconds when given. */
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown };

export interface PagerDutyRequest {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  /** The request when it passed the v2 schema. */
  readonly event?: PagerDutyV2Event;
  /** Why the schema refused it. */
  readonly invalid?: readonly string[];
  readonly answered: number;
}

export interface PagerDutyAlert {
  readonly dedupKey: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  /** Every accepted event of the alert, oldest first. */
  readonly events: PagerDutyV2Event[];
}

export interface PagerDutyReceiver {
  /** `http://127.0.0.1:<port>/v2/enqueue`: the channel's `eventsUrl`. */
  readonly eventsUrl: string;
  readonly requests: readonly PagerDutyRequest[];
  readonly alerts: ReadonlyMap<string, PagerDutyAlert>;
  /** Scripted answers for the next requests, one each, in order; afterwards valid requests get 202. */
  answer(...answers: PagerDutyAnswer[]): void;
  close(): Promise<void>;
}

export async function startPagerDutyReceiver(): Promise<PagerDutyReceiver> {
  const requests: PagerDutyRequest[] = [];
  const alerts = new Map<string, PagerDutyAlert>();
  const queue: PagerDutyAnswer[] = [];

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): ScriptedReply => ({
    status,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

  function handle({ method, path, headers, raw }: IncomingPost): ScriptedReply {
    if (method !== 'POST' || path !== '/v2/enqueue') return json(404, { status: 'not found' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const checked = pagerDutyV2Event.safeParse(parsed);
    const scripted = queue.shift();
    const entry = (answered: number, extra: Partial<PagerDutyRequest> = {}) =>
      requests.push({ headers, raw, answered, ...extra });
    if (!checked.success) {
      const errors = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      entry(400, { invalid: errors });
      return json(400, { status: 'invalid event', message: 'Event object is invalid', errors });
    }
    const event = checked.data;
    if (scripted && scripted.kind === 'rate-limited') {
      const retry = scripted.retryAfterSeconds;
      entry(429, { event });
      return json(
        429,
        { status: 'throttle', message: 'Requests for this service are arriving too quickly.' },
        retry === undefined ? {} : { 'retry-after': String(retry) },
      );
    }
    if (scripted && scripted.kind === 'status') {
      entry(scripted.status, { event });
      return json(scripted.status, scripted.body ?? {});
    }
    const dedupKey = event.dedup_key ?? `generated-${requests.length}`;
    const alert = alerts.get(dedupKey);
    if (event.event_action === 'trigger') {
      if (alert && alert.status !== 'resolved') alert.events.push(event);
      else alerts.set(dedupKey, { dedupKey, status: 'triggered', events: [event] });
    } else if (alert && alert.status !== 'resolved') {
      alert.status = event.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
      alert.events.push(event);
    }
    entry(202, { event });
    return json(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
  }

  const server = await startHttpReceiver(handle);
  return {
    eventsUrl: `${server.url}/v2/enqueue`,
    requests,
    alerts,
    answer: (...answers) => queue.push(...answers),
    close: () => server.close(),
  };
}
