import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { monotonicFactory } from 'ulid';
import { factsRecord } from '../../shared/events/read.ts';
import { EVENT_TYPES, type EventType, type MonitorEvent } from '../../shared/events/types.ts';
import type { Delivery, EventQuery, Store } from '../../shared/record/index.ts';
import { StoreError } from '../../shared/record/store-error.ts';
import { looseEvent } from './loose-event.ts';

/**
 * The Store contract, one suite for every implementation: `describeStoreContract` runs it against
 * DynamoStore on dynalite (test/integration/store.test.ts) and the in-memory store the fast tests of
 * the orchestration use (test/unit/record/memory-store.test.ts), so the fake can never drift from the
 * real one unnoticed.
 */
export interface StoreUnderTest {
  /** Shared by the cases: each works on clusters of its own (freshCluster). */
  readonly store: Store;
  /** What StoreErrors name as their table. */
  readonly tableName: string;
  /** A store with nothing in it yet (for clusters()). */
  empty(): Promise<Store>;
  close(): Promise<void>;
}

export const T0 = Date.parse('2026-03-01T12:00:00.000Z');

let clusterCount = 0;
/** Each case works on its own cluster(s) of the shared store. */
export const freshCluster = (label: string) => `${label}-${++clusterCount}`;

export function makeEvents(
  cluster: string,
  count: number,
  options: { startMs?: number; stepMs?: number; types?: readonly EventType[] } = {},
): MonitorEvent[] {
  const next = monotonicFactory();
  const types = options.types ?? ['MASTER_DOWN'];
  return Array.from({ length: count }, (_, i) => {
    const atMs = (options.startMs ?? T0) + i * (options.stepMs ?? 1000);
    return looseEvent({
      id: next(atMs),
      cluster,
      type: types[i % types.length] as EventType,
      severity: 'critical',
      at: new Date(atMs).toISOString(),
      incidentKey: `${cluster}/master`,
      summary: `event ${i}`,
      facts: { index: i, master: { address: '10.0.0.1', fabricPort: 45678 }, addresses: ['a', 'b'] },
      ...(i % 3 === 0 ? { steps: ['restart the node'] } : {}),
      ...(i % 4 === 0 ? { suppressed: i % 8 === 0 } : {}),
      ...(i % 2 === 0 ? { incidentAction: i % 4 === 0 ? ('open' as const) : ('resolve' as const) } : {}),
    });
  });
}

export async function allEvents(store: Store, cluster: string): Promise<MonitorEvent[]> {
  const page = await store.events({ cluster, limit: 1000 });
  assert.equal(page.cursor, undefined);
  return page.events;
}

/** Every page of a query, with each page's size checked against the limit. */
export async function paginate(store: Store, query: EventQuery & { limit: number }): Promise<MonitorEvent[]> {
  const events: MonitorEvent[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.events({ ...query, ...(cursor ? { cursor } : {}) });
    assert.ok(page.events.length <= query.limit);
    events.push(...page.events);
    cursor = page.cursor;
    if (cursor === undefined) return events;
  }
  throw new Error('pagination never ended');
}

export const pending = (channel: string, event: MonitorEvent, createdAt = T0): Delivery => ({
  channel,
  event,
  status: 'pending',
  attempts: 0,
  createdAt,
  nextAttemptAt: createdAt,
});

const byId = (a: MonitorEvent, b: MonitorEvent) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let under: StoreUnderTest;
    let store: Store;

    before(async () => {
      under = await open();
      store = under.store;
    });
    after(async () => {
      await under?.close();
    });

    describe('state and the conditional commit', () => {
      it('loads version 0 and null for a cluster never committed', async () => {
        assert.deepEqual(await store.load(freshCluster('empty')), { state: null, version: 0 });
      });

      it('commits state and events and loads them back, the version going up by one', async () => {
        const cluster = freshCluster('roundtrip');
        const state = {
          phase: 'MASTER_DOWN',
          since: '2026-03-01T12:00:00.000Z',
          counts: [1, 2.5, -3],
          ok: false,
          x: null,
        };
        const events = makeEvents(cluster, 5);
        assert.deepEqual(await store.commit(cluster, 0, state, events), { kind: 'committed', version: 1 });
        assert.deepEqual(await store.load(cluster), { state, version: 1 });
        assert.deepEqual(await allEvents(store, cluster), events);

        const next = { phase: 'HEALTHY', nested: { deep: { list: [{ a: 'b' }] } } };
        assert.deepEqual(await store.commit(cluster, 1, next, []), { kind: 'committed', version: 2 });
        assert.deepEqual(await store.commit(cluster, 2, next, []), { kind: 'committed', version: 3 });
        assert.deepEqual(await store.load(cluster), { state: next, version: 3 });
        assert.equal((await allEvents(store, cluster)).length, 5);
      });

      it('keeps no reference to what it was given, nor gives one out', async () => {
        const cluster = freshCluster('copies');
        const state = { list: [1] };
        const [event] = makeEvents(cluster, 1);
        assert.ok(event);
        await store.commit(cluster, 0, state, [event]);
        state.list.push(2);
        (event.facts as unknown as { index: number }).index = 99;
        const loaded = await store.load(cluster);
        assert.deepEqual(loaded.state, { list: [1] });
        (loaded.state as { list: number[] }).list.push(3);
        assert.deepEqual((await store.load(cluster)).state, { list: [1] });
        assert.equal(factsRecord((await allEvents(store, cluster))[0]).index, 0);
      });

      it('stores the JSON form of the state and events (undefined dropped, dates as strings)', async () => {
        const cluster = freshCluster('json');
        const [event] = makeEvents(cluster, 1);
        assert.ok(event);
        const withUndefined = looseEvent({
          ...event,
          steps: undefined,
          facts: { when: new Date(T0), gone: undefined },
        });
        await store.commit(cluster, 0, { a: undefined, b: new Date(T0), c: [1] }, [withUndefined]);
        assert.deepEqual((await store.load(cluster)).state, { b: new Date(T0).toISOString(), c: [1] });
        const { steps: _, ...withoutSteps } = event;
        assert.deepEqual(await allEvents(store, cluster), [
          { ...withoutSteps, facts: { when: new Date(T0).toISOString() } },
        ]);
      });

      it('returns a conflict, not an exception, when the version moved, and writes nothing', async () => {
        const cluster = freshCluster('conflict');
        await store.commit(cluster, 0, { n: 1 }, makeEvents(cluster, 1));
        await store.commit(cluster, 1, { n: 2 }, []);
        const losers = makeEvents(cluster, 10, { startMs: T0 + 60_000 });
        const outbox = { deliveries: losers.map((event) => pending('slack', event)), routes: [] };
        assert.deepEqual(await store.commit(cluster, 1, { n: 'stale' }, losers, outbox), {
          kind: 'conflict',
          currentVersion: 2,
        });
        assert.deepEqual(await store.commit(cluster, 0, { n: 'new?' }, losers), {
          kind: 'conflict',
          currentVersion: 2,
        });
        assert.deepEqual(await store.commit(cluster, 3, { n: 'ahead?' }, losers), {
          kind: 'conflict',
          currentVersion: 2,
        });
        assert.deepEqual(await store.load(cluster), { state: { n: 2 }, version: 2 });
        assert.equal((await allEvents(store, cluster)).length, 1);
        assert.deepEqual(await store.pendingDeliveries(cluster, 'slack', 100), []);

        const never = freshCluster('conflict-none');
        assert.deepEqual(await store.commit(never, 4, {}, makeEvents(never, 2)), {
          kind: 'conflict',
          currentVersion: 0,
        });
        assert.deepEqual(await allEvents(store, never), []);
        assert.deepEqual(await store.load(never), { state: null, version: 0 });
      });

      it('lets exactly one of 20 writers racing from the same version commit, with only its events', async () => {
        const cluster = freshCluster('race');
        await store.commit(cluster, 0, { writer: 'first' }, []);
        await store.commit(cluster, 1, { writer: 'second' }, []);
        const writers = Array.from({ length: 20 }, (_, w) => ({
          state: { writer: w },
          events: makeEvents(cluster, 3, { startMs: T0 + w * 10_000 }),
        }));
        // Readers racing with the writers see the winner's events or none: never a loser's, even briefly.
        const seen: MonitorEvent[][] = [];
        const readers = Array.from({ length: 40 }, async () =>
          seen.push((await store.events({ cluster })).events),
        );
        const [results] = await Promise.all([
          Promise.all(writers.map((w) => store.commit(cluster, 2, w.state, w.events))),
          ...readers,
        ]);
        const winners = results.flatMap((result, w) => (result.kind === 'committed' ? [w] : []));
        assert.equal(winners.length, 1, JSON.stringify(results));
        const winner = writers[winners[0] as number];
        assert.ok(winner);
        for (const result of results) {
          if (result.kind === 'committed') assert.deepEqual(result, { kind: 'committed', version: 3 });
          else assert.deepEqual(result, { kind: 'conflict', currentVersion: 3 });
        }
        assert.deepEqual(await store.load(cluster), { state: winner.state, version: 3 });
        assert.deepEqual(await allEvents(store, cluster), winner.events);
        assert.equal(seen.length, 40);
        for (const events of seen) assert.ok(events.length === 0 || isDeepStrictEqual(events, winner.events));
      });

      it('throws, naming the table and the key, when an event id is already recorded, and writes nothing', async () => {
        const cluster = freshCluster('duplicate');
        const [first, second] = makeEvents(cluster, 2);
        assert.ok(first && second);
        await store.commit(cluster, 0, { n: 1 }, [first]);
        await assert.rejects(
          store.commit(cluster, 1, { n: 2 }, [second, { ...first, summary: 'again' }], {
            deliveries: [pending('slack', second)],
            routes: [],
          }),
          (error) => {
            assert.ok(error instanceof StoreError);
            assert.equal(error.table, under.tableName);
            assert.deepEqual(error.key, { pk: `CLUSTER#${cluster}`, sk: `EVENT#${first.id}` });
            assert.match(
              error.message,
              new RegExp(
                `already recorded.*table "${under.tableName}" key pk="CLUSTER#duplicate-\\d+" sk="EVENT#`,
              ),
            );
            assert.ok(error.cause instanceof Error);
            return true;
          },
        );
        assert.deepEqual(await store.load(cluster), { state: { n: 1 }, version: 1 });
        assert.deepEqual(await allEvents(store, cluster), [first]);
        assert.deepEqual(await store.pendingDeliveries(cluster, 'slack', 100), []);
      });

      it('refuses events of another cluster, duplicate ids in one commit, bad ids and states with no JSON form', async () => {
        const cluster = freshCluster('invalid');
        const [event] = makeEvents(cluster, 1);
        assert.ok(event);
        const refused = async (promise: Promise<unknown>, pattern: RegExp) =>
          assert.rejects(promise, (error) => error instanceof StoreError && pattern.test(error.message));
        await refused(
          store.commit(cluster, 0, {}, [{ ...event, cluster: 'other' }]),
          /event of cluster "other"/,
        );
        await refused(store.commit(cluster, 0, {}, [event, event]), /the same event id twice/);
        await refused(
          store.commit(cluster, 0, {}, [{ ...event, id: 'evt-1' }]),
          /id is not an upper-case ULID/,
        );
        await refused(store.commit(cluster, 0, {}, [{ ...event, id: event.id.toLowerCase() }]), /ULID/);
        await refused(
          store.commit(cluster, 0, {}, [looseEvent({ ...event, type: 'NO_SUCH_TYPE' as EventType })]),
          /type is not a known event type/,
        );
        await refused(store.commit(cluster, 0, { big: 10n }, []), /cannot store the state.*BigInt/);
        await refused(
          store.commit(cluster, 0, { huge: 2 ** 60 }, []),
          /cannot commit version 1.*MAX_SAFE_INTEGER/,
        );
        // The SDK's marshalling mistakes these map keys for a class instance, or drops them on the way back.
        await refused(
          store.commit(cluster, 0, { a: [{ constructor: 'x' }] }, []),
          /map key at \.a\[0\]\.constructor/,
        );
        await refused(
          store.commit(cluster, 0, JSON.parse('{"__proto__": {}}'), []),
          /map key at \.__proto__/,
        );
        await refused(
          store.commit(cluster, 0, {}, [looseEvent({ ...event, facts: JSON.parse('{"constructor": 1}') })]),
          /map key at \.facts/,
        );
        await assert.rejects(store.commit(cluster, -1, {}, []), /expectedVersion must be an integer >= 0/);
        await assert.rejects(store.commit(cluster, 1.5, {}, []), /expectedVersion must be an integer >= 0/);
        await assert.rejects(store.load(''), TypeError);
        assert.deepEqual(await store.load(cluster), { state: null, version: 0 });
        assert.deepEqual(await allEvents(store, cluster), []);
      });

      it('lists the clusters that have a state, sorted, not those with only a lease', async () => {
        const own = await under.empty();
        assert.deepEqual(await own.clusters(), []);
        await own.commit('beta', 0, {}, makeEvents('beta', 2));
        await own.commit('alpha', 0, {}, []);
        await own.commit('alpha', 1, {}, makeEvents('alpha', 3));
        await own.acquireLease('gamma', 'tick', 'me', 1000, T0);
        assert.equal((await own.commit('delta', 3, {}, [])).kind, 'conflict');
        assert.deepEqual(await own.clusters(), ['alpha', 'beta']);
      });

      it('property: any sequence of commits with the right versions is loaded back exactly', async () => {
        const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
          value: fc.oneof(
            { depthSize: 'small', maxDepth: 4 },
            fc.constant(null),
            fc.boolean(),
            fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }),
            fc.integer().map((n) => n / 1000),
            fc.string({ unit: 'grapheme' }),
            fc.array(tie('value'), { maxLength: 4 }),
            tie('object'),
          ),
          // Non-empty keys; constructor and __proto__ are refused (see above).
          object: fc.dictionary(
            fc
              .string({ minLength: 1, unit: 'grapheme-ascii' })
              .filter((key) => key !== 'constructor' && key !== '__proto__'),
            tie('value'),
            { maxKeys: 5 },
          ),
        })).object;
        const eventArb = fc.record(
          {
            type: fc.constantFrom(...EVENT_TYPES),
            severity: fc.constantFrom('info' as const, 'warning' as const, 'critical' as const),
            offsetMs: fc.integer({ min: 0, max: 10 ** 9 }),
            incidentKey: fc.string({ maxLength: 40 }),
            summary: fc.string({ unit: 'grapheme', maxLength: 80 }),
            facts: json as fc.Arbitrary<Record<string, unknown>>,
            steps: fc.array(fc.string(), { maxLength: 3 }),
            suppressed: fc.boolean(),
          },
          { requiredKeys: ['type', 'severity', 'offsetMs', 'incidentKey', 'summary', 'facts'] },
        );
        const commitsArb = fc.array(
          fc.record({ state: json, events: fc.array(eventArb, { maxLength: 4 }) }),
          { minLength: 1, maxLength: 5 },
        );
        await fc.assert(
          fc.asyncProperty(commitsArb, async (commits) => {
            const cluster = freshCluster('property');
            const next = monotonicFactory();
            const recorded: MonitorEvent[] = [];
            for (const [i, commit] of commits.entries()) {
              const events = commit.events.map(({ offsetMs, ...rest }): MonitorEvent => {
                const atMs = T0 + offsetMs;
                return looseEvent({ id: next(atMs), cluster, at: new Date(atMs).toISOString(), ...rest });
              });
              assert.deepEqual(await store.commit(cluster, i, commit.state, events), {
                kind: 'committed',
                version: i + 1,
              });
              recorded.push(...events);
            }
            const last = commits[commits.length - 1];
            assert.deepEqual(await store.load(cluster), {
              state: JSON.parse(JSON.stringify(last?.state)),
              version: commits.length,
            });
            assert.deepEqual(
              await allEvents(store, cluster),
              JSON.parse(JSON.stringify([...recorded].sort(byId))),
            );
          }),
          { numRuns: 40 },
        );
      });
    });

    describe('events query', () => {
      const cluster = freshCluster('query');
      const types: EventType[] = [
        'MASTER_DOWN',
        'FAILOVER_COMPLETED',
        'COORDINATOR_DOWN',
        'ZOOKEEPER_DEGRADED',
      ];
      const events = makeEvents(cluster, 250, { stepMs: 1000, types });
      const iso = (i: number) => new Date(T0 + i * 1000).toISOString();

      before(async () => {
        let version = 0;
        for (let i = 0; i < events.length; i += 99) {
          const slice = events.slice(i, i + 99);
          assert.equal((await store.commit(cluster, version, { upTo: i }, slice)).kind, 'committed');
          version++;
        }
        // Neighbours that must never leak in: another cluster, the state, a lease, deliveries and a route.
        const neighbour = `${cluster}x`;
        await store.commit(neighbour, 0, {}, makeEvents(neighbour, 3));
        await store.acquireLease(cluster, 'tick', 'me', 60_000, T0);
        const [first] = makeEvents(cluster, 1, { startMs: T0 + 10_000_000 });
        assert.ok(first);
        await store.commit(cluster, version, {}, [first], {
          deliveries: [pending('slack', first)],
          routes: [{ incidentKey: first.incidentKey, channels: ['slack'], threads: {} }],
        });
        events.push(first);
      });

      it('pages through all the events exactly once, oldest first and newest first, at any limit', async () => {
        for (const limit of [3, 7, 100, 250, 251, 1000]) {
          assert.deepEqual(await paginate(store, { cluster, limit }), events, `limit ${limit}`);
          const newest = await paginate(store, { cluster, limit, order: 'newest-first' });
          assert.deepEqual(newest, [...events].reverse(), `newest first, limit ${limit}`);
        }
        const some = { cluster, limit: 1, since: iso(100), until: iso(120) };
        assert.deepEqual(await paginate(store, some), events.slice(100, 120));
        assert.deepEqual(
          await paginate(store, { ...some, order: 'newest-first' }),
          events.slice(100, 120).reverse(),
        );
        const first = await store.events({ cluster });
        assert.deepEqual(first.events, events.slice(0, 100));
        assert.ok(first.cursor);
        const second = await store.events({ cluster, cursor: first.cursor });
        assert.deepEqual(second.events, events.slice(100, 200));
      });

      it('selects [since, until) by the time of the event ids', async () => {
        const range = async (since?: string, until?: string) =>
          (
            await paginate(store, {
              cluster,
              limit: 1000,
              ...(since === undefined ? {} : { since }),
              ...(until === undefined ? {} : { until }),
            })
          ).map((event) => Number(event.summary.slice(6)));
        const span = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
        assert.deepEqual(await range(iso(10), iso(20)), span(10, 20));
        assert.deepEqual(await range(new Date(T0 + 10_001).toISOString(), iso(20)), span(11, 20));
        assert.deepEqual(await range(iso(10), new Date(T0 + 19_999).toISOString()), span(10, 20));
        assert.deepEqual(await range(iso(240), iso(250)), span(240, 250));
        assert.deepEqual(await range(undefined, iso(3)), span(0, 3));
        assert.deepEqual(await range(iso(20), iso(20)), []);
        assert.deepEqual(await range(iso(30), iso(20)), []);
        assert.deepEqual(await range('1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'), []);
        assert.deepEqual(await range('1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'), [
          ...span(0, 250),
          0,
        ]);
        const newest = await store.events({
          cluster,
          since: iso(10),
          until: iso(20),
          order: 'newest-first',
          limit: 3,
        });
        assert.deepEqual(
          newest.events.map((event) => event.summary),
          ['event 19', 'event 18', 'event 17'],
        );
      });

      it('filters by type, across pages, and with a time range', async () => {
        const expected = events.filter((event) => event.type === 'FAILOVER_COMPLETED');
        for (const limit of [1, 5, 1000]) {
          assert.deepEqual(
            await paginate(store, { cluster, limit, types: ['FAILOVER_COMPLETED'] }),
            expected,
          );
        }
        const two = await paginate(store, {
          cluster,
          limit: 9,
          types: ['MASTER_DOWN', 'ZOOKEEPER_DEGRADED'],
        });
        assert.deepEqual(
          two,
          events.filter((event) => event.type === 'MASTER_DOWN' || event.type === 'ZOOKEEPER_DEGRADED'),
        );
        const ranged = await paginate(store, {
          cluster,
          limit: 2,
          types: ['COORDINATOR_DOWN'],
          since: iso(100),
          until: iso(120),
          order: 'newest-first',
        });
        assert.deepEqual(
          ranged.map((event) => event.summary),
          ['event 118', 'event 114', 'event 110', 'event 106', 'event 102'],
        );
        assert.deepEqual(await store.events({ cluster, types: [] }), { events: [] });
        assert.deepEqual(await store.events({ cluster, types: ['TAKEOVER_OVERDUE'] }), { events: [] });
      });

      it('refuses a bad cursor, limit or time with a RangeError', async () => {
        const { cursor } = await store.events({ cluster, limit: 1 });
        assert.ok(cursor);
        await assert.rejects(store.events({ cluster: 'other', cursor }), RangeError);
        await assert.rejects(store.events({ cluster, cursor: 'not-a-cursor' }), RangeError);
        await assert.rejects(store.events({ cluster, limit: 0 }), RangeError);
        await assert.rejects(store.events({ cluster, limit: 1001 }), RangeError);
        await assert.rejects(store.events({ cluster, limit: 2.5 }), RangeError);
        await assert.rejects(store.events({ cluster, since: 'yesterday' }), RangeError);
        await assert.rejects(store.events({ cluster, until: 'tomorrow' }), RangeError);
      });
    });

    describe('the outbox', () => {
      it('commits deliveries with their events; pending ones come back per channel, in event order, up to the limit', async () => {
        const cluster = freshCluster('outbox');
        const events = makeEvents(cluster, 5);
        const deliveries = events.flatMap((event) => [pending('slack', event), pending('sns', event)]);
        // Committed in another order than the events': they still come back in event order.
        await store.commit(cluster, 0, {}, events, { deliveries: [...deliveries].reverse(), routes: [] });
        const slack = await store.pendingDeliveries(cluster, 'slack', 100);
        assert.deepEqual(
          slack,
          events.map((event) => pending('slack', event)),
        );
        assert.deepEqual(
          await store.pendingDeliveries(cluster, 'slack', 2),
          events.slice(0, 2).map((event) => pending('slack', event)),
        );
        assert.equal((await store.pendingDeliveries(cluster, 'sns', 100)).length, 5);
        // Another channel whose name starts the same, another cluster: nothing.
        assert.deepEqual(await store.pendingDeliveries(cluster, 'sla', 100), []);
        assert.deepEqual(await store.pendingDeliveries(freshCluster('outbox'), 'slack', 100), []);
        // Deliveries are no events.
        assert.equal((await allEvents(store, cluster)).length, 5);
      });

      it('saves the outcome of an attempt: delivered and failed ones are no longer pending, a retry keeps its place', async () => {
        const cluster = freshCluster('saved');
        const [a, b, c] = makeEvents(cluster, 3);
        assert.ok(a && b && c);
        await store.commit(cluster, 0, {}, [a, b, c], {
          deliveries: [pending('slack', a), pending('slack', b), pending('slack', c)],
          routes: [],
        });
        await store.saveDelivery({
          ...pending('slack', a),
          status: 'delivered',
          attempts: 1,
          deliveredAt: T0 + 5,
        });
        await store.saveDelivery({
          ...pending('slack', b),
          attempts: 2,
          nextAttemptAt: T0 + 4000,
          lastError: '503',
        });
        await store.saveDelivery({
          ...pending('slack', c),
          status: 'failed',
          attempts: 1,
          lastError: 'gone',
        });
        assert.deepEqual(await store.pendingDeliveries(cluster, 'slack', 100), [
          { ...pending('slack', b), attempts: 2, nextAttemptAt: T0 + 4000, lastError: '503' },
        ]);
      });

      it('refuses to save a delivery that was never committed, and creates none', async () => {
        const cluster = freshCluster('unknown-delivery');
        const [event] = makeEvents(cluster, 1);
        assert.ok(event);
        await store.commit(cluster, 0, {}, [event]);
        await assert.rejects(store.saveDelivery(pending('slack', event)), (error) => {
          assert.ok(error instanceof StoreError);
          assert.match(error.message, /cannot save the delivery/);
          assert.deepEqual(error.key, { pk: `CLUSTER#${cluster}`, sk: `DELIVERY#slack#${event.id}` });
          return true;
        });
        assert.deepEqual(await store.pendingDeliveries(cluster, 'slack', 100), []);
      });

      it('keeps the route of an incident and the thread of each channel; no route for an incident never opened', async () => {
        const cluster = freshCluster('route');
        const [event] = makeEvents(cluster, 1);
        assert.ok(event);
        assert.equal(await store.incidentRoute(cluster, event.incidentKey), null);
        const route = { incidentKey: event.incidentKey, channels: ['slack', 'sns'], threads: {} };
        await store.commit(cluster, 0, {}, [event], {
          deliveries: [pending('slack', event)],
          routes: [route],
        });
        assert.deepEqual(await store.incidentRoute(cluster, event.incidentKey), route);
        await store.saveThread(cluster, event.incidentKey, 'slack', '1700000000.000100');
        await store.saveThread(cluster, event.incidentKey, 'sns', 'message-1');
        assert.deepEqual(await store.incidentRoute(cluster, event.incidentKey), {
          ...route,
          threads: { slack: '1700000000.000100', sns: 'message-1' },
        });
        // Another incident, another cluster: no route.
        assert.equal(await store.incidentRoute(cluster, `${event.incidentKey}/other`), null);
        assert.equal(await store.incidentRoute(freshCluster('route'), event.incidentKey), null);
        await assert.rejects(
          store.saveThread(cluster, 'never-opened', 'slack', 'x'),
          (error) => error instanceof StoreError && /cannot save the thread/.test(error.message),
        );
        assert.equal(await store.incidentRoute(cluster, 'never-opened'), null);
        // A later commit that widens the route replaces it.
        const [later] = makeEvents(cluster, 1, { startMs: T0 + 60_000 });
        assert.ok(later);
        const widened = { ...route, channels: ['slack', 'sns', 'email'], threads: { slack: '1' } };
        await store.commit(cluster, 1, {}, [later], { deliveries: [], routes: [widened] });
        assert.deepEqual(await store.incidentRoute(cluster, event.incidentKey), widened);
      });
    });

    describe('leases', () => {
      const at = (ms: number) => new Date(ms).toISOString();

      it('acquire, held by another, extended by the owner, taken when expired, released', async () => {
        const cluster = freshCluster('lease');
        assert.deepEqual(await store.acquireLease(cluster, 'remediate', 'a', 10_000, T0), {
          kind: 'acquired',
          lease: { name: 'remediate', owner: 'a', expiresAt: at(T0 + 10_000) },
        });
        assert.deepEqual(await store.acquireLease(cluster, 'remediate', 'b', 10_000, T0 + 5_000), {
          kind: 'held',
          lease: { name: 'remediate', owner: 'a', expiresAt: at(T0 + 10_000) },
        });
        // Another name or cluster is another lease.
        assert.equal((await store.acquireLease(cluster, 'tick', 'b', 10_000, T0)).kind, 'acquired');
        assert.equal(
          (await store.acquireLease(freshCluster('lease'), 'remediate', 'b', 10_000, T0)).kind,
          'acquired',
        );
        // The owner extends it.
        assert.deepEqual(await store.acquireLease(cluster, 'remediate', 'a', 10_000, T0 + 6_000), {
          kind: 'acquired',
          lease: { name: 'remediate', owner: 'a', expiresAt: at(T0 + 16_000) },
        });
        assert.equal((await store.acquireLease(cluster, 'remediate', 'b', 10_000, T0 + 15_999)).kind, 'held');
        // Expired at T0 + 16 s: b takes it.
        assert.deepEqual(await store.acquireLease(cluster, 'remediate', 'b', 30_000, T0 + 16_000), {
          kind: 'acquired',
          lease: { name: 'remediate', owner: 'b', expiresAt: at(T0 + 46_000) },
        });
        // a no longer owns it: its release changes nothing.
        await store.releaseLease(cluster, 'remediate', 'a');
        const held = await store.acquireLease(cluster, 'remediate', 'c', 1_000, T0 + 17_000);
        assert.deepEqual(held, {
          kind: 'held',
          lease: { name: 'remediate', owner: 'b', expiresAt: at(T0 + 46_000) },
        });
        await store.releaseLease(cluster, 'remediate', 'b');
        assert.equal(
          (await store.acquireLease(cluster, 'remediate', 'c', 1_000, T0 + 17_000)).kind,
          'acquired',
        );
        await store.releaseLease(cluster, 'never-taken', 'x');
        await assert.rejects(store.acquireLease(cluster, 'remediate', 'c', 0, T0), RangeError);
        await assert.rejects(store.acquireLease(cluster, 'remediate', 'c', 1.5, T0), RangeError);
        await assert.rejects(store.acquireLease(cluster, 'remediate', 'c', 1000, Number.NaN), RangeError);
        await assert.rejects(store.acquireLease(cluster, 'remediate', '', 1000, T0), TypeError);
      });

      it('takes over a lease from the holder named dead, only from that one', async () => {
        const cluster = freshCluster('takeover');
        await store.acquireLease(cluster, 'deliver:slack', 'host:100', 60_000, T0);
        // Naming someone else dead changes nothing.
        assert.deepEqual(
          await store.acquireLease(cluster, 'deliver:slack', 'host:200', 60_000, T0 + 1_000, {
            takeOverFrom: 'host:999',
          }),
          {
            kind: 'held',
            lease: { name: 'deliver:slack', owner: 'host:100', expiresAt: at(T0 + 60_000) },
          },
        );
        assert.deepEqual(
          await store.acquireLease(cluster, 'deliver:slack', 'host:200', 60_000, T0 + 1_000, {
            takeOverFrom: 'host:100',
          }),
          {
            kind: 'acquired',
            lease: { name: 'deliver:slack', owner: 'host:200', expiresAt: at(T0 + 61_000) },
          },
        );
        // The dead one, were it alive after all, no longer holds it.
        assert.equal(
          (await store.acquireLease(cluster, 'deliver:slack', 'host:100', 60_000, T0 + 2_000)).kind,
          'held',
        );
      });

      it('of several owners racing for a free lease, exactly one gets it', async () => {
        const cluster = freshCluster('lease-race');
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.acquireLease(cluster, 'action-1', `owner-${i}`, 60_000, T0),
          ),
        );
        const acquired = results.filter((result) => result.kind === 'acquired');
        assert.equal(acquired.length, 1, JSON.stringify(results));
        const winner = acquired[0]?.lease.owner;
        for (const result of results) assert.equal(result.lease.owner, winner);
      });
    });
  });
}
