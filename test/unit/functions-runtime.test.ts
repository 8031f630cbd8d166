import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { ALARM_METRICS, METRIC_SETS, METRICS, type MetricSet } from '../../functions/contract.ts';
import { lazyStore } from '../../functions/lazy/store.ts';
import { emitEventMetrics, emitHeartbeat, emitSnapshotMetrics } from '../../functions/metrics.ts';
import { configFromParameter, configParser, settingsFrom } from '../../functions/runtime.ts';
import { ConfigError } from '../../shared/config/index.ts';
import type { MonitorEvent } from '../../shared/events/types.ts';
import type { Snapshot } from '../../shared/observe/snapshot.ts';
import { MemoryStore } from '../support/memory-store.ts';

const TEXT = JSON.stringify({
  clusters: [
    {
      name: 'prod',
      zookeeper: { connect: 'zk1:2181' },
      coordinators: [{ address: 'a', role: 'master-candidate' }],
    },
  ],
});

describe('the functions read their configuration from SSM', () => {
  it('parses a text once: the same text gives the same object, a new text a new one', () => {
    const parse = configParser();
    const first = parse(TEXT, 'ssm:/c');
    assert.equal(parse(TEXT, 'ssm:/c'), first, 'cached per text, so per-configuration caches hit');
    const changed = parse(TEXT.replace('zk1', 'zk2'), 'ssm:/c');
    assert.notEqual(changed, first);
    assert.equal(changed.clusters[0]?.zookeeper.connect, 'zk2:2181');
  });

  it('names the parameter and what is wrong: not JSON, or an invalid configuration', () => {
    assert.throws(
      () => configFromParameter('clusters: []', 'ssm:/c'),
      (error: unknown) => error instanceof ConfigError && /^ssm:\/c: \(root\): not JSON/.test(error.message),
    );
    assert.throws(
      () => configFromParameter('{"clusters": []}', 'ssm:/c'),
      (error: unknown) => error instanceof ConfigError && error.message.includes('ssm:/c: clusters'),
    );
  });

  it('refuses a mode or a duration it does not know, naming the variable', () => {
    assert.throws(() => settingsFrom({ MONITOR_MODE: 'stream' }), /MONITOR_MODE must be poll or watch/);
    assert.throws(() => settingsFrom({ WATCH_MS: '-5' }), /WATCH_MS must be a positive integer/);
    assert.deepEqual(settingsFrom({}), {
      mode: 'poll',
      watchMs: 65_000,
      intervalMs: 10_000,
      remediationTopicArn: undefined,
      metrics: 'minimal',
    });
  });
});

/** Records what the emitters add: the metric names, in order. */
function recordingMetrics(): { metrics: Metrics; names: string[] } {
  const names: string[] = [];
  const sink = {
    addDimension: () => undefined,
    addDimensions: () => undefined,
    addMetric: (name: string) => {
      names.push(name);
    },
    publishStoredMetrics: () => undefined,
    singleMetric: () => sink,
  };
  // The emitters use only these members of Powertools' Metrics.
  return { metrics: sink as unknown as Metrics, names };
}

const SNAPSHOT = {
  cluster: 'prod',
  durationMs: 12,
  master: { address: 'a' },
  masters: [{ address: 'a' }],
  coordinators: [{ address: 'a', http: { kind: 'ok' } }],
  executors: { count: 2 },
  zookeeper: { servers: [{ serving: true }] },
} as unknown as Snapshot;

/** Every event type that has a metric of its own, and one that has none. */
const EVENTS = ['DELIVERY_FAILED', 'REMEDIATION_FAILED', 'FAILOVER_COMPLETED'].map(
  (type) => ({ type }) as MonitorEvent,
);

function emitAll(set: MetricSet): Set<string> {
  const { metrics, names } = recordingMetrics();
  emitSnapshotMetrics(metrics, SNAPSHOT, set);
  emitEventMetrics(metrics, 'prod', EVENTS, set);
  emitHeartbeat(metrics, 'prod');
  return new Set(names);
}

describe('the metric sets', () => {
  it('minimal emits exactly the metrics the alarms watch, even when everything happens', () => {
    assert.deepEqual(emitAll('minimal'), new Set(ALARM_METRICS));
    assert.deepEqual(
      new Set(ALARM_METRICS),
      new Set([METRICS.heartbeat, METRICS.deliveryFailures, METRICS.remediationFailures]),
    );
  });

  it('minimal emits only the heartbeat while nothing fails: one custom metric per cluster', () => {
    const { metrics, names } = recordingMetrics();
    emitSnapshotMetrics(metrics, SNAPSHOT, 'minimal');
    emitEventMetrics(metrics, 'prod', [{ type: 'FAILOVER_COMPLETED' } as MonitorEvent], 'minimal');
    emitHeartbeat(metrics, 'prod');
    assert.deepEqual(names, [METRICS.heartbeat]);
  });

  it('full emits every metric of the contract', () => {
    assert.deepEqual(emitAll('full'), new Set(Object.values(METRICS)));
  });

  it('is minimal unless METRIC_SET says full, and refuses another value', () => {
    assert.equal(settingsFrom({}).metrics, 'minimal');
    assert.equal(settingsFrom({ METRIC_SET: 'full' }).metrics, 'full');
    assert.throws(() => settingsFrom({ METRIC_SET: 'all' }), /METRIC_SET must be minimal or full, got all/);
    assert.deepEqual([...METRIC_SETS], ['minimal', 'full']);
  });
});

describe('lazyStore', () => {
  it('builds the store at the first call, once, and builds again after a failed build', async () => {
    let builds = 0;
    const memory = new MemoryStore();
    const store = lazyStore(async () => {
      builds += 1;
      if (builds === 1) throw new Error('no network yet');
      return memory;
    });
    assert.equal(builds, 0, 'nothing is built at init');
    await assert.rejects(store.clusters(), /no network yet/);
    assert.deepEqual(await store.clusters(), []);
    assert.equal((await store.load('prod')).version, (await memory.load('prod')).version);
    assert.equal(builds, 2);
  });
});
