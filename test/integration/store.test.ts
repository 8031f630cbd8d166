import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { monotonicFactory, ulid } from 'ulid';
import { EVENT_TYPES, type EventType, type MonitorEvent } from '../../shared/detect/event.ts';
import {
  connectStore,
  DataDirInUseError,
  DEFAULT_EVENT_RETENTION_MS,
  type DynamoStore,
  ensureTable,
  type ItemKey,
  StoreError,
  startLocalStore,
} from '../../shared/record/index.ts';
import { startDynalite, type TestDynalite } from '../support/dynalite.ts';
import { looseEvent } from '../support/loose-event.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
let clusterCount = 0;
/** Each test works on its own cluster(s) of the shared table. */
const freshCluster = (label: string) => `${label}-${++clusterCount}`;

function makeEvents(
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

async function allEvents(store: DynamoStore, cluster: string): Promise<MonitorEvent[]> {
  const page = await store.events({ cluster, limit: 1000 });
  assert.equal(page.cursor, undefined);
  return page.events;
}

/** Every page of a query, with each page's size checked against the limit. */
async function paginate(
  store: DynamoStore,
  query: Parameters<DynamoStore['events']>[0] & { limit: number },
): Promise<MonitorEvent[]> {
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

const byId = (a: MonitorEvent, b: MonitorEvent) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('DynamoStore on dynalite', () => {
  let db: TestDynalite;
  let store: DynamoStore;

  before(async () => {
    db = await startDynalite();
    store = db.store;
  });
  after(async () => {
    await db?.close();
  });

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
    assert.deepEqual(await store.commit(cluster, 1, { n: 'stale' }, losers), {
      kind: 'conflict',
      currentVersion: 2,
    });
    assert.deepEqual(await store.commit(cluster, 0, { n: 'new?' }, losers), {
      kind: 'conflict',
      currentVersion: 2,
    });
    assert.deepEqual(await store.load(cluster), { state: { n: 2 }, version: 2 });
    assert.equal((await allEvents(store, cluster)).length, 1);

    const never = freshCluster('conflict-none');
    assert.deepEqual(await store.commit(never, 4, {}, makeEvents(never, 2)), {
      kind: 'conflict',
      currentVersion: 0,
    });
    assert.deepEqual(await allEvents(store, never), []);
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
      assert.deepEqual(result, result.kind === 'committed' ? { kind: 'committed', version: 3 } : result);
      if (result.kind === 'conflict') assert.equal(result.currentVersion, 3);
    }
    assert.deepEqual(await store.load(cluster), { state: winner.state, version: 3 });
    assert.deepEqual(await allEvents(store, cluster), winner.events);
    for (const events of seen) assert.ok(events.length === 0 || isDeepStrictEqual(events, winner.events));
  });

  it('throws, naming the table and the key, when an event id is already recorded, and writes nothing', async () => {
    const cluster = freshCluster('duplicate');
    const [first, second] = makeEvents(cluster, 2);
    assert.ok(first && second);
    await store.commit(cluster, 0, { n: 1 }, [first]);
    await assert.rejects(
      store.commit(cluster, 1, { n: 2 }, [second, { ...first, summary: 'again' }]),
      (error) => {
        assert.ok(error instanceof StoreError);
        assert.equal(error.table, 'monitor-test');
        assert.deepEqual(error.key, { pk: `CLUSTER#${cluster}`, sk: `EVENT#${first.id}` });
        assert.match(
          error.message,
          /already recorded.*table "monitor-test" key pk="CLUSTER#duplicate-\d+" sk="EVENT#/,
        );
        assert.ok(error.cause instanceof Error);
        return true;
      },
    );
    assert.deepEqual(await store.load(cluster), { state: { n: 1 }, version: 1 });
    assert.deepEqual(await allEvents(store, cluster), [first]);
  });

  it('a decision of any size commits: 150 events with 300 deliveries, all recorded once, the state atomically', async () => {
    const cluster = freshCluster('many');
    const events = makeEvents(cluster, 150);
    const deliveries = events.flatMap((event) =>
      ['slack', 'sns'].map((channel) => ({
        channel,
        event,
        status: 'pending' as const,
        attempts: 0,
        createdAt: T0,
        nextAttemptAt: T0,
      })),
    );
    assert.deepEqual(await store.commit(cluster, 0, { n: 1 }, events, { deliveries, routes: [] }), {
      kind: 'committed',
      version: 1,
    });
    assert.deepEqual(await store.load(cluster), { state: { n: 1 }, version: 1 });
    assert.deepEqual(
      (await allEvents(store, cluster)).map((event) => event.id),
      events.map((event) => event.id),
    );
    for (const channel of ['slack', 'sns']) {
      assert.equal((await store.pendingDeliveries(cluster, channel, 1000)).length, 150, channel);
    }
    // The next decision commits on top as usual.
    assert.equal((await store.commit(cluster, 1, { n: 2 }, [])).kind, 'committed');
  });

  it('a monitor that dies between a large commit and its flush: the next load writes the rest, once; nobody commits on top before', async () => {
    const cluster = freshCluster('spill-crash');
    const crashing = await db.storeFor({ flushAfterCommit: false });
    const events = makeEvents(cluster, 250);
    assert.equal((await crashing.commit(cluster, 0, { n: 1 }, events)).kind, 'committed');
    assert.ok((await allEvents(store, cluster)).length < 250, 'the spill is not written yet');
    // A racing monitor that read version 1 before anyone flushed cannot commit on top of the spill.
    const other = await db.storeFor({ flushAfterCommit: false });
    assert.equal((await other.commit(cluster, 1, { n: 'lost' }, [])).kind, 'conflict');
    // Two monitors load at once: both flush, each batch is written once, all of it is there.
    const [a, b] = await Promise.all([store.load(cluster), (await db.storeFor()).load(cluster)]);
    assert.deepEqual(a, { state: { n: 1 }, version: 1 });
    assert.deepEqual(b, { state: { n: 1 }, version: 1 });
    const recorded = await allEvents(store, cluster);
    assert.deepEqual(
      recorded.map((event) => event.id),
      events.map((event) => event.id),
    );
    assert.equal((await store.commit(cluster, 1, { n: 2 }, [])).kind, 'committed');
  });

  it('refuses events of another cluster, duplicate ids in one commit, bad ids and states with no JSON form', async () => {
    const cluster = freshCluster('invalid');
    const [event] = makeEvents(cluster, 1);
    assert.ok(event);
    const refused = async (promise: Promise<unknown>, pattern: RegExp) =>
      assert.rejects(promise, (error) => error instanceof StoreError && pattern.test(error.message));
    await refused(store.commit(cluster, 0, {}, [{ ...event, cluster: 'other' }]), /event of cluster "other"/);
    await refused(store.commit(cluster, 0, {}, [event, event]), /the same event id twice/);
    await refused(store.commit(cluster, 0, {}, [{ ...event, id: 'evt-1' }]), /id is not an upper-case ULID/);
    await refused(store.commit(cluster, 0, {}, [{ ...event, id: event.id.toLowerCase() }]), /ULID/);
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
    await refused(store.commit(cluster, 0, JSON.parse('{"__proto__": {}}'), []), /map key at \.__proto__/);
    await refused(
      store.commit(cluster, 0, {}, [looseEvent({ ...event, facts: JSON.parse('{"constructor": 1}') })]),
      /map key at \.facts/,
    );
    await assert.rejects(store.commit(cluster, -1, {}, []), /expectedVersion must be an integer >= 0/);
    assert.deepEqual(await store.load(cluster), { state: null, version: 0 });
  });

  it('sets ttl to at plus the retention, 400 days unless configured', async () => {
    const cluster = freshCluster('ttl');
    const [event] = makeEvents(cluster, 1, { startMs: T0 + 123_456 });
    assert.ok(event);
    const ttlOf = async (key: ItemKey) =>
      (await db.documentClient.send(new GetCommand({ TableName: 'monitor-test', Key: key }))).Item?.ttl;
    await store.commit(cluster, 0, {}, [event]);
    const key = { pk: `CLUSTER#${cluster}`, sk: `EVENT#${event.id}` };
    assert.equal(DEFAULT_EVENT_RETENTION_MS, 400 * 86_400_000);
    assert.equal(await ttlOf(key), Math.floor((T0 + 123_456) / 1000) + 400 * 86_400);

    const shortLived = await db.storeFor({ eventRetentionMs: 3_600_000 });
    const other = freshCluster('ttl-short');
    const [short] = makeEvents(other, 1, { startMs: T0 + 123_456 });
    assert.ok(short);
    await shortLived.commit(other, 0, {}, [short]);
    assert.equal(
      await ttlOf({ pk: `CLUSTER#${other}`, sk: `EVENT#${short.id}` }),
      Math.floor(T0 / 1000) + 123 + 3600,
    );
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
        await store.commit(cluster, version, { upTo: i }, events.slice(i, i + 99));
        version++;
      }
      // Neighbours that must never leak in: another cluster, the state, a lease.
      const neighbour = `${cluster}x`;
      await store.commit(neighbour, 0, {}, makeEvents(neighbour, 3));
      await store.acquireLease(cluster, 'tick', 'me', 60_000, T0);
    });

    it('pages through all 250 events exactly once, oldest first and newest first, at any limit', async () => {
      for (const limit of [3, 7, 100, 249, 250, 1000]) {
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
      assert.equal(first.events.length, 100);
      assert.ok(first.cursor);
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
      assert.deepEqual(await range(iso(240)), span(240, 250));
      assert.deepEqual(await range(undefined, iso(3)), span(0, 3));
      assert.deepEqual(await range(iso(20), iso(20)), []);
      assert.deepEqual(await range(iso(30), iso(20)), []);
      assert.deepEqual(await range('1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'), []);
      assert.deepEqual(await range('1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'), span(0, 250));
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
        assert.deepEqual(await paginate(store, { cluster, limit, types: ['FAILOVER_COMPLETED'] }), expected);
      }
      const two = await paginate(store, { cluster, limit: 9, types: ['MASTER_DOWN', 'ZOOKEEPER_DEGRADED'] });
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
      await assert.rejects(store.events({ cluster, since: 'yesterday' }), RangeError);
    });
  });

  it('skips event items that do not parse back and reports them, never failing the query', async () => {
    const reported: { key: ItemKey; reason: string }[] = [];
    const tolerant = await db.storeFor({ onBadItem: (key, reason) => reported.push({ key, reason }) });
    const cluster = freshCluster('bad');
    const good = makeEvents(cluster, 6, { stepMs: 10_000 });
    await tolerant.commit(cluster, 0, {}, good);
    const pk = { S: `CLUSTER#${cluster}` };
    const base = (i: number) => {
      const id = ulid(T0 + i * 10_000 + 5_000);
      return { id, item: { pk, sk: { S: `EVENT#${id}` }, id: { S: id }, cluster: { S: cluster } } };
    };
    const fields = {
      type: { S: 'MASTER_DOWN' },
      severity: { S: 'critical' },
      at: { S: new Date(T0).toISOString() },
      incidentKey: { S: 'k' },
      summary: { S: 'hand-made' },
      facts: { M: {} },
    };
    const bad = [
      { ...base(0).item }, // nothing but the key
      { ...base(1).item, ...fields, facts: { S: 'not a map' } },
      { ...base(2).item, ...fields, type: { S: 'NO_SUCH_TYPE' } },
      { ...base(3).item, ...fields, steps: { L: [{ N: '1' }] } },
      { ...base(4).item, ...fields, id: { S: ulid(T0) } }, // id and sort key disagree
    ];
    for (const item of bad) {
      await db.client.send(new PutItemCommand({ TableName: 'monitor-test', Item: item }));
    }
    assert.deepEqual(await allEvents(tolerant, cluster), good);
    assert.equal(reported.length, 5);
    assert.deepEqual(
      reported.map(({ reason }) => reason),
      [
        'type is not a known event type',
        'facts is not a map',
        'type is not a known event type',
        'steps is not a list of strings',
        'the key does not match id and cluster',
      ],
    );
    assert.deepEqual(reported[0]?.key, { pk: pk.S, sk: bad[0]?.sk.S });
    assert.deepEqual(await paginate(tolerant, { cluster, limit: 1 }), good);
    assert.deepEqual(
      await paginate(store, { cluster, limit: 4, order: 'newest-first' }),
      [...good].reverse(),
    );
  });

  it('leases: acquire, held by another, extended by the owner, taken when expired, released', async () => {
    const cluster = freshCluster('lease');
    const at = (ms: number) => new Date(ms).toISOString();
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
    assert.equal((await store.acquireLease(cluster, 'remediate', 'c', 1_000, T0 + 17_000)).kind, 'acquired');
    await store.releaseLease(cluster, 'never-taken', 'x');
    await assert.rejects(store.acquireLease(cluster, 'remediate', 'c', 0, T0), RangeError);
  });

  it('lists the clusters that have a state, not those with only a lease', async () => {
    const own = await db.storeFor({ tableName: 'monitor-clusters' });
    assert.deepEqual(await own.clusters(), []);
    await own.commit('beta', 0, {}, makeEvents('beta', 2));
    await own.commit('alpha', 0, {}, []);
    await own.commit('alpha', 1, {}, makeEvents('alpha', 3));
    await own.acquireLease('gamma', 'tick', 'me', 1000, T0);
    assert.deepEqual(await own.clusters(), ['alpha', 'beta']);
  });

  it('ensureTable is idempotent and refuses a table with other keys', async () => {
    await ensureTable(db.client, 'monitor-test');
    await db.client.send(
      new CreateTableCommand({
        TableName: 'wrong-keys',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await assert.rejects(
      ensureTable(db.client, 'wrong-keys'),
      /table exists with other keys.*table "wrong-keys"/,
    );
  });

  it('names the table in errors when the table does not exist', async () => {
    const missing = connectStore({ endpoint: db.endpoint, tableName: 'no-such-table' });
    try {
      await assert.rejects(missing.store.load('prod'), (error) => {
        assert.ok(error instanceof StoreError);
        assert.match(
          error.message,
          /cannot load the state \(table "no-such-table" key pk="CLUSTER#prod" sk="STATE"\)/,
        );
        assert.equal((error.cause as Error).name, 'ResourceNotFoundException');
        return true;
      });
    } finally {
      await missing.close();
    }
  });

  it('emulates TransactWriteItems on dynalite: all or nothing, one reason per item', async () => {
    const table = 'monitor-test';
    const key = (sk: string) => ({ pk: 'TX', sk });
    await db.documentClient.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: table, Item: { ...key('a'), n: 1 } } }],
      }),
    );
    const attempt = db.documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { ...key('b'), n: 1 } } },
          {
            Update: {
              TableName: table,
              Key: key('a'),
              UpdateExpression: 'SET n = n + :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          { Delete: { TableName: table, Key: key('c') } },
          {
            ConditionCheck: {
              TableName: table,
              Key: key('d'),
              ConditionExpression: 'attribute_exists(pk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    );
    await assert.rejects(attempt, (error: Error & { CancellationReasons?: { Code?: string }[] }) => {
      assert.equal(error.name, 'TransactionCanceledException');
      assert.deepEqual(
        error.CancellationReasons?.map((reason) => reason.Code),
        ['None', 'None', 'None', 'ConditionalCheckFailed'],
      );
      return true;
    });
    const get = async (sk: string) =>
      (await db.documentClient.send(new GetCommand({ TableName: table, Key: key(sk), ConsistentRead: true })))
        .Item;
    assert.deepEqual(await get('a'), { ...key('a'), n: 1 });
    assert.equal(await get('b'), undefined);
    assert.equal(await get('d'), undefined);

    await db.documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: table,
              Key: key('a'),
              ConditionExpression: 'n = :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          { Put: { TableName: table, Item: { ...key('b'), n: 2 } } },
        ],
      }),
    );
    assert.deepEqual(await get('a'), { ...key('a'), n: 1 });
    assert.deepEqual(await get('b'), { ...key('b'), n: 2 });
    await assert.rejects(
      db.documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...key('e'), n: 1 } } },
            { Delete: { TableName: table, Key: key('e') } },
          ],
        }),
      ),
      { name: 'ValidationException', message: /multiple operations on one item/ },
    );
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
      // Non-empty keys; constructor and __proto__ are refused (see the test above).
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
    const commitsArb = fc.array(fc.record({ state: json, events: fc.array(eventArb, { maxLength: 4 }) }), {
      minLength: 1,
      maxLength: 5,
    });
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

describe('local store (dynalite on LevelDB in a data directory)', () => {
  let parent: string;
  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'dremio-ha-monitor-store-'));
  });
  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('keeps state, events and leases across close and reopen, and shares them through its endpoint', async () => {
    const dataDir = join(parent, 'nested', 'data');
    const events = makeEvents('prod', 4);
    const first = await startLocalStore({ dataDir });
    assert.equal(first.dataDir, dataDir);
    assert.match(first.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    await first.store.commit('prod', 0, { phase: 'HEALTHY' }, events);
    await first.store.acquireLease('prod', 'tick', 'me', 60_000, T0);

    // A second process would connect to the endpoint, never open the directory.
    const shared = connectStore({ endpoint: first.endpoint, tableName: 'dremio-ha-monitor' });
    assert.deepEqual(await shared.store.load('prod'), { state: { phase: 'HEALTHY' }, version: 1 });
    await shared.close();
    await assert.rejects(startLocalStore({ dataDir }), (error) => {
      assert.ok(error instanceof DataDirInUseError);
      assert.equal(error.pid, process.pid);
      assert.equal(error.endpoint, first.endpoint);
      assert.match(
        error.message,
        /in use by process \d+, serving http:\/\/127\.0\.0\.1:\d+: connect to that endpoint/,
      );
      return true;
    });
    await first.close();

    const second = await startLocalStore({ dataDir });
    try {
      assert.deepEqual(await second.store.load('prod'), { state: { phase: 'HEALTHY' }, version: 1 });
      assert.deepEqual(await allEvents(second.store, 'prod'), events);
      assert.deepEqual(await second.store.clusters(), ['prod']);
      assert.equal((await second.store.acquireLease('prod', 'tick', 'other', 1000, T0 + 1000)).kind, 'held');
      assert.deepEqual(await second.store.commit('prod', 1, { phase: 'MASTER_DOWN' }, []), {
        kind: 'committed',
        version: 2,
      });
    } finally {
      await second.close();
    }
  });

  it('takes over a data directory left locked by a process that died', async () => {
    const dataDir = join(parent, 'stale');
    const first = await startLocalStore({ dataDir });
    await first.store.commit('prod', 0, { n: 1 }, []);
    await first.close();
    const dead = 4_194_305; // above Linux's highest pid_max (2^22): no process has it
    await writeFile(
      join(dataDir, 'store.pid'),
      JSON.stringify({ pid: dead, endpoint: 'http://127.0.0.1:1' }),
    );
    const second = await startLocalStore({ dataDir });
    try {
      assert.deepEqual(await second.store.load('prod'), { state: { n: 1 }, version: 1 });
    } finally {
      await second.close();
    }
  });
});
