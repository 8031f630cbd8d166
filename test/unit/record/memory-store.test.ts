import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../support/memory-store.ts';
import { describeStoreContract, makeEvents, pending, T0 } from '../../support/store-contract.ts';

describeStoreContract('MemoryStore', async () => ({
  store: new MemoryStore({ tableName: 'memory-test' }),
  tableName: 'memory-test',
  empty: async () => new MemoryStore(),
  close: async () => {},
}));

/** What only the test double has: its counters, its hook and its read-backs. */
describe('MemoryStore for tests', () => {
  it('counts commits and conflicts', async () => {
    const store = new MemoryStore();
    await store.commit('prod', 0, {}, []);
    await store.commit('prod', 0, {}, []);
    await store.commit('prod', 1, {}, []);
    assert.deepEqual(store.stats, { commits: 3, conflicts: 1 });
  });

  it('beforeCommit lets another writer win the race: the commit then conflicts and writes nothing', async () => {
    const store = new MemoryStore();
    const [winner, loser] = [makeEvents('prod', 1), makeEvents('prod', 1, { startMs: T0 + 5000 })];
    store.beforeCommit = async (cluster, expected) => {
      store.beforeCommit = undefined;
      assert.equal((await store.commit(cluster, expected, { by: 'other' }, winner ?? [])).kind, 'committed');
    };
    assert.deepEqual(await store.commit('prod', 0, { by: 'me' }, loser ?? []), {
      kind: 'conflict',
      currentVersion: 1,
    });
    assert.deepEqual(await store.load('prod'), { state: { by: 'other' }, version: 1 });
    assert.deepEqual((await store.events({ cluster: 'prod' })).events, winner);
  });

  it('reads every delivery back, whatever its status, and a lease as stored', async () => {
    const store = new MemoryStore();
    const [event] = makeEvents('prod', 1);
    assert.ok(event);
    await store.commit('prod', 0, {}, [event], {
      deliveries: [pending('sns', event), pending('slack', event)],
      routes: [],
    });
    await store.saveDelivery({
      ...pending('slack', event),
      status: 'delivered',
      attempts: 1,
      deliveredAt: T0,
    });
    assert.deepEqual(
      store.deliveries('prod').map(({ channel, status }) => [channel, status]),
      [
        ['slack', 'delivered'],
        ['sns', 'pending'],
      ],
    );
    assert.equal(store.lease('prod', 'x'), undefined);
    await store.acquireLease('prod', 'x', 'me', 1000, T0);
    assert.deepEqual(store.lease('prod', 'x'), {
      name: 'x',
      owner: 'me',
      expiresAt: new Date(T0 + 1000).toISOString(),
    });
  });
});
