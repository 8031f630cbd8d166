import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenFlag, UsageError } from '../../../cli/context.ts';
import { watchSettings } from '../../../cli/watch.ts';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import {
  METRIC_NAMES,
  MonitorMetrics,
  staleAfterMs,
  startMetricsServer,
} from '../../../shared/metrics/prometheus.ts';
import { B, MINUTE, SECOND, snapshot, T0 } from '../../support/detect-fixtures.ts';
import { looseEvent } from '../../support/loose-event.ts';

/** The value of one sample line of the text format, by metric name and exact label set. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function event(type: MonitorEvent['type'], severity: MonitorEvent['severity']): MonitorEvent {
  return looseEvent({
    id: `E-${type}`,
    cluster: 'prod',
    type,
    severity,
    at: new Date(T0).toISOString(),
    incidentKey: `prod:${type}`,
    incidentAction: 'notice',
    summary: type,
    facts: {},
  });
}

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Prometheus metrics of watch', () => {
  it('gives the gauges the Lambda metrics meanings', async () => {
    const time = clock(T0);
    const metrics = new MonitorMetrics(['prod'], {
      staleAfterMs: MINUTE,
      now: time.now,
      processMetrics: false,
    });
    metrics.observeSnapshot(snapshot(T0, { executors: 3, servers: ['serving', 'not_serving', 'serving'] }));
    let text = await metrics.registry.metrics();
    assert.equal(sample(text, METRIC_NAMES.masterUp, 'cluster="prod"'), 1);
    // The master answers OK, its standby refuses, the plain coordinator answers OK.
    assert.equal(sample(text, METRIC_NAMES.coordinatorsUp, 'cluster="prod"'), 2);
    assert.equal(sample(text, METRIC_NAMES.executors, 'cluster="prod"'), 3);
    assert.equal(sample(text, METRIC_NAMES.zookeeperServersServing, 'cluster="prod"'), 2);
    assert.equal(sample(text, METRIC_NAMES.lastObservation, 'cluster="prod"'), T0 / 1000);
    assert.equal(sample(text, METRIC_NAMES.deliveryFailures, 'cluster="prod"'), 0, 'present from the start');

    // Two masters registered: not up, even though one answers.
    time.advance(10 * SECOND);
    metrics.observeSnapshot(snapshot(T0 + 10 * SECOND, { masters: [B, { ...B, address: '10.0.0.99' }] }));
    text = await metrics.registry.metrics();
    assert.equal(sample(text, METRIC_NAMES.masterUp, 'cluster="prod"'), 0);
    assert.equal(sample(text, METRIC_NAMES.lastObservation, 'cluster="prod"'), (T0 + 10 * SECOND) / 1000);
    metrics.observeSnapshot(snapshot(T0 + 11 * SECOND, { master: null }));
    text = await metrics.registry.metrics();
    assert.equal(sample(text, METRIC_NAMES.masterUp, 'cluster="prod"'), 0);
  });

  it('counts events by type and severity, remediation and delivery failures apart', async () => {
    const metrics = new MonitorMetrics(['prod'], { staleAfterMs: MINUTE, processMetrics: false });
    metrics.countEvents('prod', [event('MASTER_DOWN', 'critical'), event('FAILOVER_COMPLETED', 'warning')]);
    metrics.countEvents('prod', [event('MASTER_DOWN', 'critical'), event('REMEDIATION_FAILED', 'critical')]);
    metrics.countEvents('prod', [event('DELIVERY_FAILED', 'critical'), event('DELIVERY_FAILED', 'critical')]);
    metrics.countEvents('prod', [event('DELIVERY_FAILED', 'critical')]);
    const text = await metrics.registry.metrics();
    assert.equal(
      sample(text, METRIC_NAMES.events, 'cluster="prod",type="MASTER_DOWN",severity="critical"'),
      2,
    );
    assert.equal(
      sample(text, METRIC_NAMES.events, 'cluster="prod",type="FAILOVER_COMPLETED",severity="warning"'),
      1,
    );
    assert.equal(sample(text, METRIC_NAMES.remediationFailures, 'cluster="prod"'), 1);
    assert.equal(sample(text, METRIC_NAMES.deliveryFailures, 'cluster="prod"'), 3);
    assert.equal(
      sample(text, METRIC_NAMES.events, 'cluster="prod",type="DELIVERY_FAILED",severity="critical"'),
      3,
    );
  });

  it('is healthy while every cluster was observed within the limit, and names the overdue ones', () => {
    const time = clock(T0);
    const metrics = new MonitorMetrics(['prod', 'sales'], { staleAfterMs: MINUTE, now: time.now });
    // Just started: nothing observed yet, but the grace period has not run out.
    time.advance(MINUTE);
    assert.deepEqual(metrics.health(), { ok: true, staleAfterMs: MINUTE, overdue: [] });
    metrics.observeSnapshot(snapshot(time.now(), { cluster: 'prod' }));
    time.advance(1);
    const first = metrics.health();
    assert.equal(first.ok, false);
    assert.deepEqual(first.overdue, [{ cluster: 'sales', lastObservationAt: null, silentMs: MINUTE + 1 }]);

    metrics.observeSnapshot(snapshot(time.now(), { cluster: 'sales' }));
    assert.equal(metrics.health().ok, true);
    // prod observed at T0 + 1 min, sales 1 ms later: at T0 + 2 min prod is exactly at the limit.
    time.advance(MINUTE - 1);
    assert.equal(metrics.health().ok, true, 'at the limit is not over it');
    time.advance(1);
    assert.deepEqual(metrics.health().overdue, [
      { cluster: 'prod', lastObservationAt: new Date(T0 + MINUTE).toISOString(), silentMs: MINUTE + 1 },
    ]);
  });

  it('waits three full observations, and at least a minute', () => {
    assert.equal(staleAfterMs(10_000), 60_000);
    assert.equal(staleAfterMs(200), 60_000);
    assert.equal(staleAfterMs(60_000), 180_000);
  });

  it('serves /metrics and /healthz, and 404 for anything else', async () => {
    const time = clock(T0);
    const metrics = new MonitorMetrics(['prod'], { staleAfterMs: MINUTE, now: time.now });
    const server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${server.address.port}`;
    try {
      metrics.observeSnapshot(snapshot(T0));
      const scraped = await fetch(`${base}/metrics`);
      assert.equal(scraped.status, 200);
      assert.match(scraped.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await scraped.text();
      assert.equal(sample(text, METRIC_NAMES.masterUp, 'cluster="prod"'), 1);
      assert.match(text, /^process_resident_memory_bytes \d+/m, 'the process metrics too');

      const healthy = await fetch(`${base}/healthz`);
      assert.equal(healthy.status, 200);
      assert.equal(((await healthy.json()) as { status: string }).status, 'ok');

      time.advance(MINUTE + 1);
      const overdue = await fetch(`${base}/healthz`);
      assert.equal(overdue.status, 503);
      const body = (await overdue.json()) as { status: string; overdue: { cluster: string }[] };
      assert.equal(body.status, 'overdue');
      assert.deepEqual(
        body.overdue.map((entry) => entry.cluster),
        ['prod'],
      );

      for (const [method, path] of [
        ['GET', '/'],
        ['GET', '/metrics/x'],
        ['POST', '/metrics'],
      ] as const) {
        const response = await fetch(`${base}${path}`, { method });
        assert.equal(response.status, 404, `${method} ${path}`);
        await response.text();
      }
    } finally {
      await server.close();
    }
  });
});

describe('--metrics-listen', () => {
  it('takes HOST:PORT and [IPv6]:PORT', () => {
    assert.deepEqual(listenFlag({ l: '127.0.0.1:9464' }, 'l'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(listenFlag({ l: '[::1]:9464' }, 'l'), { host: '::1', port: 9464 });
    assert.deepEqual(listenFlag({ l: 'localhost:1' }, 'l'), { host: 'localhost', port: 1 });
    assert.equal(listenFlag({}, 'l'), undefined);
  });

  it('refuses anything else as a usage error naming the flag', () => {
    for (const bad of [
      '9464',
      '127.0.0.1',
      '127.0.0.1:0',
      '127.0.0.1:65536',
      ':9464',
      '::1:9464',
      'a b:1',
      'x:port',
    ]) {
      assert.throws(
        () => watchSettings(['--metrics-listen', bad]),
        (error: unknown) =>
          error instanceof UsageError && error.message.startsWith(`--metrics-listen ${JSON.stringify(bad)}`),
        bad,
      );
    }
  });
});
