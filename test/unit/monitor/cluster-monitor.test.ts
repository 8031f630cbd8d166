import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import { clusterMonitorFor, type Outcome } from '../../../shared/monitor/cluster-monitor.ts';
import { CLUSTER, SECOND, snapshot, T0 } from '../../support/detect-fixtures.ts';
import { looseEvent } from '../../support/loose-event.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { Clock, clusterConfig, failover, idsAt, judgeAll, monitorOf } from '../../support/orchestration.ts';

const recorded = async (store: MemoryStore) => (await store.events({ cluster: CLUSTER, limit: 1000 })).events;
const types = (events: readonly MonitorEvent[]) => events.map((event) => event.type);
const outbox = (store: MemoryStore) =>
  store.deliveries(CLUSTER).map((delivery) => `${delivery.channel}:${delivery.event.type}`);

describe('ClusterMonitor on the memory store', () => {
  it('records a failover once, each event with its deliveries in the same commit', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const monitor = monitorOf(clusterConfig(), store, clock);
    const committed = await judgeAll(monitor, clock, failover());
    assert.deepEqual(types(committed), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.deepEqual(await recorded(store), committed);
    assert.deepEqual(outbox(store).sort(), [
      'pager:FAILOVER_COMPLETED',
      'pager:MASTER_DOWN',
      'team:FAILOVER_COMPLETED',
      'team:MASTER_DOWN',
    ]);
    // The incident remembers its channels, for its later messages.
    const [down] = committed;
    assert.deepEqual((await store.incidentRoute(CLUSTER, down?.incidentKey ?? ''))?.channels, [
      'pager',
      'team',
    ]);
    // The state is there for the next monitor: it records nothing again.
    const next = monitorOf(clusterConfig(), store, clock);
    assert.deepEqual(await judgeAll(next, clock, failover().slice(-3)), []);
    assert.equal((await recorded(store)).length, 2);
  });

  it('two monitors judging every snapshot at once record each event once', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const monitors = [0, 1].map(() => monitorOf(clusterConfig(), store, clock));
    const outcomes: Outcome[] = [];
    for (const shot of failover()) {
      clock.after(shot);
      outcomes.push(...(await Promise.all(monitors.map((monitor) => monitor.judge(shot)))));
    }
    const committed = outcomes.flatMap((outcome) => (outcome.kind === 'committed' ? outcome.events : []));
    assert.deepEqual(types(committed), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.deepEqual(types(await recorded(store)), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.equal(outbox(store).length, 4);
    assert.ok(store.stats.conflicts > 0, 'the monitors did race');
  });

  it('a lost commit race: the loser re-reads, re-decides, and nothing is recorded or sent twice', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const shots = failover();
    const [mine, theirs] = [
      monitorOf(clusterConfig(), store, clock),
      monitorOf(clusterConfig(), store, clock),
    ];
    await judgeAll(mine, clock, shots.slice(0, 7));
    await theirs.state();
    const down = shots[7];
    assert.ok(down);
    clock.after(down);
    let theirOutcome: Outcome | undefined;
    // Just before my commit of MASTER_DOWN, the other monitor commits its own.
    store.beforeCommit = async () => {
      store.beforeCommit = undefined;
      theirOutcome = await theirs.judge(down);
    };
    const conflictsBefore = store.stats.conflicts;
    const myOutcome = await mine.judge(down);
    assert.equal(theirOutcome?.kind, 'committed');
    assert.deepEqual(theirOutcome?.kind === 'committed' && types(theirOutcome.events), ['MASTER_DOWN']);
    assert.deepEqual(myOutcome, { kind: 'unchanged' });
    assert.equal(store.stats.conflicts, conflictsBefore + 1);
    assert.deepEqual(types(await recorded(store)), ['MASTER_DOWN']);
    assert.deepEqual(outbox(store).sort(), ['pager:MASTER_DOWN', 'team:MASTER_DOWN']);
    // The loser goes on from the winner's state: the failover is recorded once, by whoever commits it.
    const rest = shots.slice(8);
    assert.deepEqual(types(await judgeAll(mine, clock, rest)), ['FAILOVER_COMPLETED']);
    assert.deepEqual(await judgeAll(theirs, clock, rest.slice(-2)), []);
    assert.deepEqual(types(await recorded(store)), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
  });

  it('gives up when the state keeps moving under it, having written nothing of its own', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const shots = failover();
    const monitor = monitorOf(clusterConfig(), store, clock, { maxAttempts: 3 });
    await judgeAll(monitor, clock, shots.slice(0, 7));
    // Someone else commits (the same state) before each of this monitor's commits.
    store.beforeCommit = async (cluster) => {
      const hook = store.beforeCommit;
      store.beforeCommit = undefined;
      const current = await store.load(cluster);
      await store.commit(cluster, current.version, current.state, []);
      store.beforeCommit = hook;
    };
    const before = store.stats.conflicts;
    await assert.rejects(
      monitor.judge(shots[7] ?? snapshot(T0)),
      /cluster prod: state kept moving under 3 attempts to commit/,
    );
    assert.equal(store.stats.conflicts - before, 3);
    store.beforeCommit = undefined;
    assert.deepEqual(await recorded(store), []);
    assert.deepEqual(store.deliveries(CLUSTER), []);
    // The monitor is not stuck: the next decision records what it must.
    clock.after(shots[8] ?? snapshot(T0));
    const outcome = await monitor.judge(shots[8] ?? snapshot(T0));
    assert.deepEqual(outcome.kind === 'committed' && types(outcome.events), ['MASTER_DOWN']);
  });

  it('runs decisions one at a time, in order, even when they are asked for at once', async () => {
    const store = new MemoryStore();
    const shots = failover();
    // Each decision reads the clock once when it runs: the times of the snapshots, in order.
    const times = shots.map((shot) => Date.parse(shot.observedAt) + 100);
    const monitor = clusterMonitorFor(clusterConfig(), store, {
      now: () => times.shift() ?? Number.NaN,
      newIdAt: idsAt(),
    });
    const outcomes = await Promise.all(shots.map((shot) => monitor.judge(shot)));
    assert.equal(times.length, 0);
    const committed = outcomes.flatMap((outcome, i) =>
      outcome.kind === 'committed' ? [[i, types(outcome.events)]] : [],
    );
    assert.deepEqual(committed, [
      [7, ['MASTER_DOWN']],
      [15, ['FAILOVER_COMPLETED']],
    ]);
    assert.equal(store.stats.conflicts, 0);
    assert.deepEqual(types(await recorded(store)), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
  });

  it('the clock: no write while nothing material changes, one at the heartbeat', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const monitor = monitorOf(clusterConfig(), store, clock, { heartbeatMs: 60_000 });
    assert.deepEqual(await monitor.clock(), { kind: 'unchanged' }, 'no state yet: nothing to tick');
    assert.equal(store.stats.commits, 0);
    await judgeAll(monitor, clock, [snapshot(T0)]);
    const commits = store.stats.commits;
    for (const after of [1, 10, 59]) {
      clock.at = T0 + after * SECOND;
      assert.deepEqual(await monitor.clock(), { kind: 'unchanged' });
    }
    assert.equal(store.stats.commits, commits, 'bookkeeping only: not written');
    clock.at = T0 + 61 * SECOND;
    assert.deepEqual(await monitor.clock(), { kind: 'unchanged' });
    assert.equal(store.stats.commits, commits + 1, 'the heartbeat writes the state');
    assert.deepEqual(await recorded(store), []);
  });

  it('an unchanged cluster costs no write: healthy snapshots after the first are not written', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const monitor = monitorOf(clusterConfig(), store, clock);
    await judgeAll(
      monitor,
      clock,
      Array.from({ length: 10 }, (_, i) => snapshot(T0 + i * 5 * SECOND)),
    );
    assert.equal(store.stats.commits, 1);
  });

  it('commands: refused before any state, an unknown incident rejected, an acknowledgement routed like its incident', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const monitor = monitorOf(clusterConfig(), store, clock);
    await assert.rejects(monitor.acknowledge('prod/master/x', 'ana', 'on it'), /no recorded state yet/);
    assert.equal(store.stats.commits, 0);
    const shots = failover();
    const [down] = await judgeAll(monitor, clock, shots.slice(0, 10));
    assert.equal(down?.type, 'MASTER_DOWN');
    const version = (await store.load(CLUSTER)).version;
    const rejected = await monitor.acknowledge('prod/nothing', 'ana', 'on it');
    assert.equal(rejected.kind, 'rejected');
    assert.equal((await store.load(CLUSTER)).version, version, 'a rejection writes nothing');
    const acked = await monitor.acknowledge(down?.incidentKey ?? '', 'ana', 'on it');
    assert.equal(acked.kind, 'committed');
    assert.deepEqual(acked.kind === 'committed' && types(acked.events), ['INCIDENT_ACKNOWLEDGED']);
    assert.deepEqual(
      outbox(store)
        .filter((entry) => entry.endsWith('INCIDENT_ACKNOWLEDGED'))
        .sort(),
      ['pager:INCIDENT_ACKNOWLEDGED', 'team:INCIDENT_ACKNOWLEDGED'],
    );
  });

  it('record: other events (DELIVERY_FAILED) with the detector state unchanged', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const monitor = monitorOf(clusterConfig(), store, clock);
    await assert.rejects(
      monitor.record(() => []),
      /no recorded state yet/,
    );
    await judgeAll(monitor, clock, [snapshot(T0)]);
    const before = await store.load(CLUSTER);
    clock.at = T0 + SECOND;
    const outcome = await monitor.record((now, newId) => [
      looseEvent({
        id: newId(),
        cluster: CLUSTER,
        type: 'DELIVERY_FAILED',
        severity: 'critical',
        at: new Date(now).toISOString(),
        incidentKey: 'prod/delivery/1',
        incidentAction: 'notice',
        summary: 'could not deliver',
        facts: { channel: 'pager' },
      }),
    ]);
    assert.equal(outcome.kind, 'committed');
    const after = await store.load(CLUSTER);
    assert.equal(after.version, before.version + 1);
    assert.deepEqual(after.state, before.state);
    assert.deepEqual(types(await recorded(store)), ['DELIVERY_FAILED']);
    // Not to the channel that failed.
    assert.deepEqual(outbox(store), ['team:DELIVERY_FAILED']);
  });
});
