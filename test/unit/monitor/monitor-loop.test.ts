import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterConfig } from '../../../shared/config/index.ts';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import {
  type LoopLog,
  type MonitorLoopOptions,
  runLoopFor,
  startMonitorLoop,
} from '../../../shared/monitor/monitor-loop.ts';
import type { ClusterObserver } from '../../../shared/observe/observer.ts';
import type { Snapshot } from '../../../shared/observe/snapshot.ts';
import type { WatchOptions } from '../../../shared/observe/watcher.ts';
import { B, CLUSTER } from '../../support/detect-fixtures.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import {
  Clock,
  clusterConfig,
  FakeExecutor,
  FakeNotifier,
  failover,
  notifiersOf,
  until,
} from '../../support/orchestration.ts';

/** A watch the test drives: it reports the snapshots the test feeds, and whether it was closed. */
function fakeWatch(first: Snapshot) {
  const fed: { onSnapshot?: WatchOptions['onSnapshot']; closed: boolean } = { closed: false };
  const watch: NonNullable<MonitorLoopOptions['watch']> = (_cluster, _observer, options) => {
    fed.onSnapshot = options.onSnapshot;
    return {
      ready: Promise.resolve(first),
      close: async () => {
        fed.closed = true;
      },
    };
  };
  return { watch, fed };
}

// The watch is faked: the loop never touches the observer.
const observer = {} as ClusterObserver;

function loopOptions(cluster: ClusterConfig, overrides: Partial<MonitorLoopOptions> = {}) {
  const store = new MemoryStore();
  const clock = new Clock();
  const shots = failover();
  const { watch, fed } = fakeWatch(shots[0] as Snapshot);
  const pager = new FakeNotifier('pager');
  const team = new FakeNotifier('team');
  const told: MonitorEvent[][] = [];
  const logs: LoopLog[] = [];
  const options: MonitorLoopOptions = {
    clusters: [cluster],
    store,
    observer,
    notifiers: notifiersOf(pager, team),
    owner: 'me',
    now: clock.now,
    watch,
    intervalMs: 3_600_000,
    clockMs: 3_600_000,
    onEvents: (_cluster, events) => told.push([...events]),
    onLog: (entry) => logs.push(entry),
    ...overrides,
  };
  /** Feeds one snapshot as the watch would, at its time, and waits until it is decided. */
  const feed = async (loop: { monitor(name: string): { clock(): Promise<unknown> } }, shot: Snapshot) => {
    clock.after(shot);
    fed.onSnapshot?.(shot, 'change');
    // Decisions run one at a time: a clock decision after it resolves once the judgement is done.
    await loop.monitor(CLUSTER).clock();
  };
  return { options, store, clock, shots, fed, pager, team, told, logs, feed };
}

describe('startMonitorLoop with a fake watch, notifiers and the memory store', () => {
  it('judges each snapshot, tells onEvents, delivers after the commit, and closes its watch', async () => {
    const t = loopOptions(clusterConfig());
    const loop = startMonitorLoop(t.options);
    await loop.ready;
    for (const shot of t.shots) await t.feed(loop, shot);
    await until(() => t.pager.sent.length === 2 && t.team.sent.length === 2);
    await loop.close();
    assert.ok(t.fed.closed);
    assert.deepEqual(
      t.told.map((events) => events.map((event) => event.type)),
      [['MASTER_DOWN'], ['FAILOVER_COMPLETED']],
    );
    assert.deepEqual(t.pager.types(), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.deepEqual(t.team.types(), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.deepEqual(
      (await t.store.events({ cluster: CLUSTER })).events.map((event) => event.type),
      ['MASTER_DOWN', 'FAILOVER_COMPLETED'],
    );
    assert.deepEqual(t.logs, []);
    assert.throws(() => loop.monitor('nope'), /no cluster named nope/);
  });

  it('tells onEvents of the DELIVERY_FAILED it records for a channel that refuses for good', async () => {
    const t = loopOptions(clusterConfig());
    const refusing = new FakeNotifier('pager', () => ({ kind: 'failed', reason: 'topic does not exist' }));
    const loop = startMonitorLoop({ ...t.options, notifiers: notifiersOf(refusing, t.team) });
    await loop.ready;
    for (const shot of t.shots) await t.feed(loop, shot);
    const told = () => t.told.flat().map((event) => event.type);
    await until(() => told().filter((type) => type === 'DELIVERY_FAILED').length === 2);
    await loop.close();
    // When a round runs against the judging is timing; what onEvents hears is not.
    assert.deepEqual(told().sort(), [
      'DELIVERY_FAILED',
      'DELIVERY_FAILED',
      'FAILOVER_COMPLETED',
      'MASTER_DOWN',
    ]);
  });

  it('carries out a planned restart with the executor and records its outcome once', async () => {
    const executor = new FakeExecutor();
    const cluster = clusterConfig({ remediation: { enabled: true, settleMs: 5000 } });
    const t = loopOptions(cluster, { executorFor: () => executor, verifyPollMs: 1 });
    const loop = startMonitorLoop(t.options);
    await loop.ready;
    for (const shot of t.shots) await t.feed(loop, shot);
    const succeeded = async () =>
      (await t.store.events({ cluster: CLUSTER, types: ['REMEDIATION_SUCCEEDED'] })).events.length === 1;
    await until(succeeded);
    // More snapshots of the healthy cluster start nothing again.
    for (const shot of t.shots.slice(-3)) await t.feed(loop, { ...shot, master: B });
    await loop.close();
    assert.equal(executor.restarts.length, 1);
    assert.ok(await succeeded());
    assert.ok(t.logs.some((entry) => 'phase' in entry && entry.phase === 'started'));
  });

  it('close waits for a delivery under way; a notifier that throws is logged, not thrown', async () => {
    const t = loopOptions(clusterConfig());
    let release = () => {};
    t.pager.answer = () =>
      new Promise((resolve) => {
        release = () => resolve({ kind: 'delivered' });
      });
    t.team.answer = () => {
      throw new Error('team is on fire');
    };
    const loop = startMonitorLoop(t.options);
    await loop.ready;
    for (const shot of t.shots.slice(0, 8)) await t.feed(loop, shot);
    await until(() => t.pager.sent.length === 1);
    const closing = loop.close();
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(closed, false, 'still delivering');
    release();
    await closing;
    assert.deepEqual(
      t.store.deliveries(CLUSTER).map((delivery) => `${delivery.channel}:${delivery.status}`),
      ['pager:delivered', 'team:pending'],
    );
    assert.ok(
      t.logs.some((entry) => entry.level === 'error' && /team is on fire/.test(entry.message)),
      JSON.stringify(t.logs),
    );
  });
});

describe('runLoopFor', () => {
  it('ends as soon as settled says so, and closes the loop', async () => {
    const t = loopOptions(clusterConfig());
    let checks = 0;
    const ran = await runLoopFor(t.options, 10_000, {
      checkMs: 5,
      settled: async () => {
        checks += 1;
        return checks === 3;
      },
    });
    assert.equal(checks, 3);
    assert.ok(ran < 5_000, `ran ${ran} ms`);
    assert.ok(t.fed.closed);
  });

  it('runs for its budget when never settled', async () => {
    const t = loopOptions(clusterConfig());
    const ran = await runLoopFor(t.options, 60, { checkMs: 10, settled: async () => false });
    assert.ok(ran >= 60, `ran ${ran} ms`);
    assert.ok(t.fed.closed);
  });
});

describe('startMonitorLoop starts many clusters one after another', () => {
  const clusters = ['a', 'b', 'c', 'd'].map((name) => ({ ...clusterConfig(), name }) as ClusterConfig);
  function recordingWatch(first: Snapshot) {
    const started: Array<{ name: string; at: number }> = [];
    const closed: string[] = [];
    const watch: NonNullable<MonitorLoopOptions['watch']> = (cluster) => {
      started.push({ name: cluster.name, at: performance.now() });
      return {
        ready: Promise.resolve(first),
        close: async () => {
          closed.push(cluster.name);
        },
      };
    };
    return { watch, started, closed };
  }

  it('spaces the starts (the first at once), in the order of the configuration, and is ready once all are', async () => {
    const t = loopOptions(clusterConfig());
    const { watch, started } = recordingWatch(t.shots[0] as Snapshot);
    const begun = performance.now();
    const loop = startMonitorLoop({ ...t.options, clusters, watch, startSpacingMs: 40 });
    assert.deepEqual(
      started.map((start) => start.name),
      ['a'],
    );
    await loop.ready;
    assert.deepEqual(
      started.map((start) => start.name),
      ['a', 'b', 'c', 'd'],
    );
    const last = (started[3]?.at ?? 0) - begun;
    assert.ok(last >= 110, `the fourth started after three spacings (${last.toFixed(0)} ms)`);
    await loop.close();
  });

  it('never spreads the starts over more than half an interval', async () => {
    const t = loopOptions(clusterConfig());
    const { watch, started } = recordingWatch(t.shots[0] as Snapshot);
    const loop = startMonitorLoop({ ...t.options, clusters, watch, startSpacingMs: 60_000, intervalMs: 200 });
    await loop.ready;
    assert.equal(started.length, 4);
    await loop.close();
  });

  it('a watch closed before its start never starts', async () => {
    const t = loopOptions(clusterConfig());
    const { watch, started, closed } = recordingWatch(t.shots[0] as Snapshot);
    const loop = startMonitorLoop({ ...t.options, clusters, watch, startSpacingMs: 10_000 });
    loop.ready.catch(() => undefined);
    await loop.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(
      started.map((start) => start.name),
      ['a'],
    );
    assert.deepEqual(closed, ['a']);
    await assert.rejects(loop.ready, /closed before its first snapshot/);
  });
});
