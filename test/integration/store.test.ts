import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
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
import { startDynalite, TEST_TABLE, type TestDynalite } from '../support/dynalite.ts';
import {
  allEvents,
  describeStoreContract,
  freshCluster,
  makeEvents,
  paginate,
  T0,
} from '../support/store-contract.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let tables = 0;
describeStoreContract('DynamoStore on dynalite', async () => {
  const db = await startDynalite();
  return {
    store: db.store,
    tableName: TEST_TABLE,
    empty: () => db.storeFor({ tableName: `contract-${++tables}` }),
    close: () => db.close(),
  };
});

/** What only DynamoDB has: a transaction's 100 items (the spill), time to live, raw items, tables. */
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
