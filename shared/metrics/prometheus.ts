import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { MonitorEvent } from '../events/types.ts';
import { gaugesOf, type Snapshot } from '../observe/snapshot.ts';

/**
 * The Prometheus metrics of a long-running `watch`: the meanings of the Lambda's CloudWatch metrics
 * (docs/operations.md#running-watch-as-a-service), plus `/healthz`, the same dead man's switch
 * answered over HTTP. Only `watch` imports this module, so no other command loads prom-client.
 */

export const METRIC_NAMES = {
  masterUp: 'dremio_ha_master_up',
  coordinatorsUp: 'dremio_ha_coordinators_up',
  executors: 'dremio_ha_executors_registered',
  zookeeperServersServing: 'dremio_ha_zookeeper_servers_serving',
  observationDuration: 'dremio_ha_observation_duration_seconds',
  lastObservation: 'dremio_ha_last_observation_timestamp_seconds',
  events: 'dremio_ha_events_total',
  deliveryFailures: 'dremio_ha_delivery_failures_total',
  remediationFailures: 'dremio_ha_remediation_failures_total',
} as const;

/** How long a cluster may go without a completed observation before `/healthz` calls it overdue. */
export function staleAfterMs(intervalMs: number): number {
  // Three missed full observations, and never under a minute: one slow probe is not an outage.
  return Math.max(3 * intervalMs, 60_000);
}

export interface OverdueCluster {
  readonly cluster: string;
  /** ISO time of the last completed observation; null when none has completed since the start. */
  readonly lastObservationAt: string | null;
  /** Since the last observation (or since the start, when none). */
  readonly silentMs: number;
}

export interface Health {
  readonly ok: boolean;
  readonly staleAfterMs: number;
  readonly overdue: readonly OverdueCluster[];
}

/**
 * One registry per process, fed from the monitor loop's hooks. `now` is the clock of the dead man's
 * switch (tests pass their own); the start counts as the last observation of a cluster not yet
 * observed, so a process just started is healthy for one grace period and no longer.
 */
export class MonitorMetrics {
  readonly registry = new Registry();
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #staleAfterMs: number;
  readonly #lastObservation = new Map<string, number>();
  readonly #masterUp: Gauge<'cluster'>;
  readonly #coordinatorsUp: Gauge<'cluster'>;
  readonly #executors: Gauge<'cluster'>;
  readonly #zookeeperServing: Gauge<'cluster'>;
  readonly #duration: Gauge<'cluster'>;
  readonly #lastObservationGauge: Gauge<'cluster'>;
  readonly #events: Counter<'cluster' | 'type' | 'severity'>;
  readonly #deliveryFailures: Counter<'cluster'>;
  readonly #remediationFailures: Counter<'cluster'>;

  constructor(
    clusters: readonly string[],
    options: {
      readonly staleAfterMs: number;
      readonly now?: () => number;
      readonly processMetrics?: boolean;
    },
  ) {
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#staleAfterMs = options.staleAfterMs;
    const registers = [this.registry];
    const gauge = (name: string, help: string) =>
      new Gauge({ name, help, labelNames: ['cluster'] as const, registers });
    this.#masterUp = gauge(
      METRIC_NAMES.masterUp,
      '1 when exactly one master is registered in ZooKeeper and it answers server_status OK, else 0.',
    );
    this.#coordinatorsUp = gauge(
      METRIC_NAMES.coordinatorsUp,
      'Coordinators answering server_status OK in the last observation.',
    );
    this.#executors = gauge(METRIC_NAMES.executors, 'Executors registered in ZooKeeper.');
    this.#zookeeperServing = gauge(
      METRIC_NAMES.zookeeperServersServing,
      'ZooKeeper servers of the ensemble serving requests.',
    );
    this.#duration = gauge(METRIC_NAMES.observationDuration, 'How long the last observation took.');
    this.#lastObservationGauge = gauge(
      METRIC_NAMES.lastObservation,
      "Unix time of the last completed observation: the dead man's switch (a stale value means the monitor is stuck).",
    );
    this.#events = new Counter({
      name: METRIC_NAMES.events,
      help: 'Events recorded, by type and severity.',
      labelNames: ['cluster', 'type', 'severity'] as const,
      registers,
    });
    this.#deliveryFailures = new Counter({
      name: METRIC_NAMES.deliveryFailures,
      help: 'Deliveries given up (each recorded as a DELIVERY_FAILED event).',
      labelNames: ['cluster'] as const,
      registers,
    });
    this.#remediationFailures = new Counter({
      name: METRIC_NAMES.remediationFailures,
      help: 'Restarts that failed (REMEDIATION_FAILED events).',
      labelNames: ['cluster'] as const,
      registers,
    });
    for (const cluster of clusters) {
      // Present from the start at 0, so that increase() and absent() mean what they say.
      this.#deliveryFailures.inc({ cluster }, 0);
      this.#remediationFailures.inc({ cluster }, 0);
      this.#lastObservation.set(cluster, Number.NaN);
    }
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** A completed observation: the cluster's gauges and its dead man's switch. */
  observeSnapshot(snapshot: Snapshot): void {
    const cluster = snapshot.cluster;
    const labels = { cluster };
    // The same counts as the Lambda's CloudWatch metrics.
    const gauges = gaugesOf(snapshot);
    this.#masterUp.set(labels, gauges.masterUp);
    this.#coordinatorsUp.set(labels, gauges.coordinatorsUp);
    this.#executors.set(labels, gauges.executors);
    this.#zookeeperServing.set(labels, gauges.zookeeperServersServing);
    this.#duration.set(labels, snapshot.durationMs / 1000);
    const now = this.#now();
    this.#lastObservation.set(cluster, now);
    this.#lastObservationGauge.set(labels, now / 1000);
  }

  /** Events recorded for a cluster. */
  countEvents(cluster: string, events: readonly MonitorEvent[]): void {
    for (const event of events) {
      this.#events.inc({ cluster, type: event.type, severity: event.severity });
      if (event.type === 'REMEDIATION_FAILED') this.#remediationFailures.inc({ cluster });
      // Each delivery given up is recorded as one DELIVERY_FAILED, as the Lambda's metric counts it.
      if (event.type === 'DELIVERY_FAILED') this.#deliveryFailures.inc({ cluster });
    }
  }

  /** Whether every cluster has completed an observation within the stale limit. */
  health(): Health {
    const now = this.#now();
    const overdue: OverdueCluster[] = [];
    for (const [cluster, last] of this.#lastObservation) {
      const since = Number.isNaN(last) ? this.#startedAt : last;
      const silentMs = now - since;
      if (silentMs > this.#staleAfterMs) {
        overdue.push({
          cluster,
          lastObservationAt: Number.isNaN(last) ? null : new Date(last).toISOString(),
          silentMs,
        });
      }
    }
    return { ok: overdue.length === 0, staleAfterMs: this.#staleAfterMs, overdue };
  }
}

export interface MetricsServer {
  /** Where it listens (the port the kernel gave, when 0 was asked). */
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (the registry, Prometheus text format) and `GET /healthz` (200 while every
 * cluster is observed in time, else 503 naming the overdue ones); anything else is 404. Rejects when
 * the address cannot be bound.
 */
export async function startMetricsServer(
  metrics: MonitorMetrics,
  listen: { readonly host: string; readonly port: number },
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': metrics.registry.contentType });
          response.end(text);
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`${error instanceof Error ? error.message : String(error)}\n`);
        },
      );
      return;
    }
    if (request.method === 'GET' && path === '/healthz') {
      const health = metrics.health();
      response.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify({ status: health.ok ? 'ok' : 'overdue', ...health })}\n`);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found: GET /metrics or /healthz\n');
  });
  // Scrapes are short; an idle connection must not hold the process at shutdown.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
