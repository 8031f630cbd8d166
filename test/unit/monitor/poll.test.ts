import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PollResult, runPoll } from '../../../shared/monitor/poll.ts';
import type { Snapshot } from '../../../shared/observe/snapshot.ts';
import { CLUSTER } from '../../support/detect-fixtures.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import {
  Clock,
  clusterConfig,
  FakeNotifier,
  failover,
  monitorOf,
  notifiersOf,
} from '../../support/orchestration.ts';

/** An observer that hands out the scripted snapshots in order, moving the clock to each. */
function scripted(shots: Snapshot[], clock: Clock, asked: (cluster: { name: string }) => void = () => {}) {
  return {
    observe: async (cluster: { name: string }): Promise<Snapshot> => {
      asked(cluster);
      const shot = shots.shift();
      assert.ok(shot);
      clock.after(shot);
      return shot;
    },
  };
}

describe('runPoll: one scheduled tick of one cluster', () => {
  it('observes, judges, commits and delivers in the same poll what it recorded', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const cluster = clusterConfig();
    const monitor = monitorOf(cluster, store, clock);
    const shots = failover();
    const observed: string[] = [];
    const observer = scripted(shots, clock, (asked) => observed.push(asked.name));
    const pager = new FakeNotifier('pager');
    const team = new FakeNotifier('team');
    const results: PollResult[] = [];
    while (shots.length > 0) {
      results.push(
        await runPoll({
          cluster,
          monitor,
          observer,
          store,
          notifiers: notifiersOf(pager, team),
          owner: 'lambda-1',
          now: clock.now,
        }),
      );
    }
    assert.equal(observed.length, 30);
    assert.ok(observed.every((name) => name === CLUSTER));
    const recorded = results.flatMap((result, i) => result.events.map((event) => [i, event.type]));
    assert.deepEqual(recorded, [
      [7, 'MASTER_DOWN'],
      [15, 'FAILOVER_COMPLETED'],
    ]);
    // Each poll delivered what it committed, to both channels.
    assert.deepEqual(
      results[7]?.delivery.delivered.map((delivery) => `${delivery.channel}:${delivery.event.type}`).sort(),
      ['pager:MASTER_DOWN', 'team:MASTER_DOWN'],
    );
    assert.equal(results[8]?.delivery.delivered.length, 0);
    assert.deepEqual(pager.types(), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.deepEqual(team.types(), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.equal(results[29]?.snapshot.master?.address, '10.0.0.12');
  });

  it('returns the DELIVERY_FAILED it recorded in its events, so that the function counts the failure', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const cluster = clusterConfig();
    const monitor = monitorOf(cluster, store, clock);
    const shots = failover();
    const refusing = new FakeNotifier('pager', () => ({ kind: 'failed', reason: 'topic does not exist' }));
    const observer = scripted(shots, clock);
    const types: string[] = [];
    while (shots.length > 0) {
      const result = await runPoll({
        cluster,
        monitor,
        observer,
        store,
        notifiers: notifiersOf(refusing, new FakeNotifier('team')),
        owner: 'lambda-1',
        now: clock.now,
      });
      types.push(...result.events.map((event) => event.type));
    }
    assert.deepEqual(types, ['MASTER_DOWN', 'DELIVERY_FAILED', 'FAILOVER_COMPLETED', 'DELIVERY_FAILED']);
  });

  it('delivers what an earlier poll left pending, and fails when the observation fails, writing nothing', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const cluster = clusterConfig();
    const monitor = monitorOf(cluster, store, clock);
    const shots = failover();
    const pager = new FakeNotifier('pager', () => ({ kind: 'retry', reason: 'throttled' }));
    const observer = scripted(shots, clock);
    for (let i = 0; i < 8; i++) {
      await runPoll({
        cluster,
        monitor,
        observer,
        store,
        notifiers: notifiersOf(pager),
        owner: 'lambda-1',
        now: clock.now,
      });
    }
    assert.equal((await store.pendingDeliveries(CLUSTER, 'pager', 10)).length, 1);
    pager.answer = () => ({ kind: 'delivered' });
    // The retry is due a while later (this observer leaves the clock alone).
    const next = shots.shift();
    assert.ok(next);
    clock.at = Date.parse(next.observedAt) + 60_000;
    const result = await runPoll({
      cluster,
      monitor,
      observer: { observe: async () => next },
      store,
      notifiers: notifiersOf(pager),
      owner: 'lambda-1',
      now: clock.now,
    });
    assert.deepEqual(result.events, []);
    assert.deepEqual(
      result.delivery.delivered.map((delivery) => delivery.event.type),
      ['MASTER_DOWN'],
    );

    const commits = store.stats.commits;
    const broken = { observe: async (): Promise<Snapshot> => Promise.reject(new Error('zk down and out')) };
    await assert.rejects(
      runPoll({
        cluster,
        monitor,
        observer: broken,
        store,
        notifiers: notifiersOf(pager),
        owner: 'lambda-1',
        now: clock.now,
      }),
      /zk down and out/,
    );
    assert.equal(store.stats.commits, commits);
  });
});
