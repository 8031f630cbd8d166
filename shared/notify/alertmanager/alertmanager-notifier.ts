import type { Dispatcher } from 'undici';
import { ALERTMANAGER_RESOLVE_TIMEOUT_MS } from '../../config/channel-defaults.ts';
import { isAlertmanagerUrl, parseUrl } from '../../config/urls.ts';
import { classifyAnswer, excerptOf, type HttpExchange, outcomeOf, postJson, sendJson } from '../http.ts';
import type { DeliveryOutcome, KeepsAlertsAlive, Notification, Notifier } from '../notifier.ts';
import {
  alertmanagerAction,
  incidentMatcher,
  type PostableAlert,
  renderAlert,
  resolvedAlert,
} from './render.ts';

export interface AlertmanagerNotifierOptions {
  /** The configured channel name (`alertmanager`). */
  readonly channel: string;
  /** The Alertmanager's base URL (`http://alertmanager:9093`, with its route prefix if it has one). */
  readonly url: string;
  /** Extra headers (`Authorization` for a proxy in front of it), resolved from their secrets. Never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher;
  /** An open incident's alert ends this long after it was last sent. @default 900000 (15 min) */
  readonly resolveTimeoutMs?: number;
  /** Open incidents are sent again at most this often. @default 60000 */
  readonly keepAliveEveryMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** Bound on one request. @default 5000 */
  readonly timeoutMs?: number;
}

export const DEFAULT_KEEP_ALIVE_EVERY_MS = 60_000;
const BODY_LIMIT_BYTES = 4096;
/** A GET of an incident's alerts: a handful, with their annotations. */
const ALERTS_LIMIT_BYTES = 1_048_576;

/**
 * Prometheus Alertmanager through its API v2: alerting events fire alerts, a resolution ends every
 * alert of the incident (found by its `incident` label), and open incidents are sent again every
 * round so that Alertmanager does not resolve them on its own.
 */
export class AlertmanagerNotifier implements Notifier, KeepsAlertsAlive {
  readonly channel: string;
  readonly #base: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #dispatcher: Dispatcher;
  readonly #resolveTimeoutMs: number;
  readonly #keepAliveEveryMs: number;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #keptAliveAt = new Map<string, number>();

  constructor(options: AlertmanagerNotifierOptions) {
    this.channel = options.channel;
    const base = alertmanagerBaseUrl(options.url);
    if (base === null) {
      throw new Error(
        `Alertmanager channel ${options.channel}: url must be an http(s) URL without credentials, query or fragment`,
      );
    }
    this.#base = base;
    this.#headers = options.headers ?? {};
    this.#dispatcher = options.dispatcher;
    this.#resolveTimeoutMs = options.resolveTimeoutMs ?? ALERTMANAGER_RESOLVE_TIMEOUT_MS;
    this.#keepAliveEveryMs = options.keepAliveEveryMs ?? DEFAULT_KEEP_ALIVE_EVERY_MS;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome> {
    const { event, context } = notification;
    switch (alertmanagerAction(event)) {
      case null:
        return { kind: 'delivered' };
      case 'fire':
        return this.#post([renderAlert(event, context, this.#now(), this.#resolveTimeoutMs)], signal);
      case 'resolve': {
        const firing = await this.#alertsOf(event.incidentKey, signal);
        if (!Array.isArray(firing)) return firing;
        if (firing.length === 0) return { kind: 'delivered' };
        const now = this.#now();
        return this.#post(
          firing.map((alert) => resolvedAlert(alert, now)),
          signal,
        );
      }
    }
  }

  keepAliveDue(cluster: string, now: number): boolean {
    return now - (this.#keptAliveAt.get(cluster) ?? Number.NEGATIVE_INFINITY) >= this.#keepAliveEveryMs;
  }

  async keepAlive(
    cluster: string,
    notifications: readonly Notification[],
    signal: AbortSignal,
  ): Promise<DeliveryOutcome> {
    const now = this.#now();
    const alerts = notifications
      .filter(({ event }) => alertmanagerAction(event) === 'fire')
      .map(({ event, context }) => renderAlert(event, context, now, this.#resolveTimeoutMs));
    const outcome = alerts.length === 0 ? { kind: 'delivered' as const } : await this.#post(alerts, signal);
    if (outcome.kind === 'delivered') this.#keptAliveAt.set(cluster, now);
    return outcome;
  }

  #post(alerts: readonly PostableAlert[], signal: AbortSignal): Promise<DeliveryOutcome> {
    return sendJson(
      {
        url: `${this.#base}/api/v2/alerts`,
        body: alerts,
        headers: this.#headers,
        dispatcher: this.#dispatcher,
        timeoutMs: this.#timeoutMs,
        signal,
        bodyLimitBytes: BODY_LIMIT_BYTES,
        secrets: Object.values(this.#headers),
      },
      classifyAlertmanagerAnswer,
    );
  }

  /** The incident's alerts Alertmanager holds (firing, silenced or inhibited), or why not known. */
  async #alertsOf(incidentKey: string, signal: AbortSignal): Promise<PostableAlert[] | DeliveryOutcome> {
    const secrets = Object.values(this.#headers);
    const exchange = await postJson({
      method: 'GET',
      url: `${this.#base}/api/v2/alerts?filter=${encodeURIComponent(incidentMatcher(incidentKey))}`,
      headers: this.#headers,
      dispatcher: this.#dispatcher,
      timeoutMs: this.#timeoutMs,
      signal,
      bodyLimitBytes: ALERTS_LIMIT_BYTES,
      secrets,
    });
    if (exchange.kind !== 'answered' || exchange.statusCode < 200 || exchange.statusCode >= 300) {
      return outcomeOf(exchange, classifyAlertmanagerAnswer, secrets);
    }
    const alerts = readAlerts(exchange.body);
    if (alerts === null) {
      return {
        kind: 'failed',
        reason: `Alertmanager answered the list of alerts with something else (${excerptOf(exchange.body)}): is url an Alertmanager's base URL?`,
      };
    }
    // Only this incident's: the filter is Alertmanager's, the check is ours.
    return alerts.filter((alert) => alert.labels.incident === incidentKey);
  }

  toJSON(): { kind: string; channel: string } {
    return { kind: 'alertmanager', channel: this.channel };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AlertmanagerNotifier { channel: ${JSON.stringify(this.channel)} }`;
  }
}

/** The alerts of a `GET /api/v2/alerts` answer, or null when it is not such an answer. */
function readAlerts(body: string): PostableAlert[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const alerts: PostableAlert[] = [];
  for (const item of parsed) {
    const alert = item as Partial<Record<keyof PostableAlert, unknown>>;
    if (!isStringRecord(alert.labels) || typeof alert.startsAt !== 'string') return null;
    alerts.push({
      labels: alert.labels,
      annotations: isStringRecord(alert.annotations) ? alert.annotations : {},
      startsAt: alert.startsAt,
      endsAt: typeof alert.endsAt === 'string' ? alert.endsAt : alert.startsAt,
      ...(typeof alert.generatorURL === 'string' && alert.generatorURL !== ''
        ? { generatorURL: alert.generatorURL }
        : {}),
    });
  }
  return alerts;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}

/** 2xx delivered; 429, 408, 5xx and network errors retry; 400, 404 and other 4xx fail, saying why. */
export function classifyAlertmanagerAnswer(exchange: HttpExchange): DeliveryOutcome {
  return classifyAnswer(exchange, {
    service: 'Alertmanager',
    rejected: (status) =>
      status === 400
        ? 'it refused the alert: a bug in dremio-ha-monitor, please report it'
        : status === 404 || (status >= 300 && status < 400)
          ? "no API v2 there: url must be the Alertmanager's base URL (http://host:9093, with its --web.route-prefix), Alertmanager 0.16 or later"
          : status === 401 || status === 403
            ? "it refuses the credentials: check the channel's headers"
            : 'it refuses the request; check the channel url',
  });
}

/** The URL without a trailing slash, when it is http(s) without credentials, query or fragment. */
export function alertmanagerBaseUrl(value: unknown): string | null {
  return isAlertmanagerUrl(value) ? (parseUrl(value) as URL).href.replace(/\/+$/, '') : null;
}
