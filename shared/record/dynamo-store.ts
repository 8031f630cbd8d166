import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { MonitorEvent } from '../events/types.ts';
import { decodeCursor, encodeCursor, eventLimit, eventSortKeyRange } from './event-query.ts';
import {
  CLUSTER_PREFIX,
  eventKey,
  leaseKey,
  parseEventItem,
  STATE_SK,
  stateKey,
  TTL_ATTRIBUTE,
  toEventItem,
  toJson,
} from './items.ts';
import {
  DELIVERY_PREFIX,
  type Delivery,
  deliveryKey,
  type IncidentRoute,
  type Outbox,
  parseDeliveryItem,
  parseRouteItem,
  routeKey,
  toDeliveryItem,
  toRouteItem,
} from './outbox.ts';
import type { CommitResult, EventPage, EventQuery, Lease, LeaseResult, Store, StoredState } from './store.ts';
import { type ItemKey, StoreError } from './store-error.ts';

export const DEFAULT_EVENT_RETENTION_MS = 400 * 86_400_000;
/** DynamoDB transactions hold at most 100 items: the state and 99 others. */
export const MAX_EVENTS_PER_COMMIT = 99;
/** Spilled items ride in the state item, which DynamoDB caps at 400 KB: leave room for the state. */
const MAX_SPILL_BYTES = 300 * 1024;
/** Lease items outlive their expiry by a day, then DynamoDB's time to live removes them. */
const LEASE_TTL_GRACE_S = 86_400;

export interface DynamoStoreOptions {
  /** Built by the caller (connectStore, a Lambda handler, a test); default unmarshalling (plain numbers). */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long an event is kept: its `ttl` is `at` plus this (default 400 days). */
  readonly eventRetentionMs?: number;
  /** Told about each event item that does not parse back (skipped, never fatal). */
  readonly onBadItem?: (key: ItemKey, reason: string) => void;
  /** Clock for the state's `updatedAt` (ms since the epoch). */
  readonly now?: () => number;
  /**
   * Write a commit's spilled items right after it (the default). Tests turn it off to be the
   * monitor that crashed between a large commit and its flush.
   */
  readonly flushAfterCommit?: boolean;
}

type Item = Record<string, unknown>;

/** The Store on one DynamoDB table (single-table layout: see items.ts). */
export class DynamoStore implements Store {
  readonly tableName: string;
  readonly #client: DynamoDBDocumentClient;
  readonly #retentionMs: number;
  readonly #onBadItem: (key: ItemKey, reason: string) => void;
  readonly #now: () => number;
  readonly #flushAfterCommit: boolean;

  constructor(options: DynamoStoreOptions) {
    this.#flushAfterCommit = options.flushAfterCommit ?? true;
    this.tableName = options.tableName;
    this.#client = options.client;
    this.#retentionMs = options.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS;
    this.#onBadItem = options.onBadItem ?? (() => {});
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#retentionMs) || this.#retentionMs <= 0) {
      throw new RangeError(`eventRetentionMs must be a positive integer, got ${this.#retentionMs}`);
    }
  }

  async load(cluster: string): Promise<StoredState> {
    const key = stateKey(checkName(cluster, 'cluster'));
    const { Item: item } = await this.#send('cannot load the state', key, () =>
      this.#client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    if (item === undefined) return { state: null, version: 0 };
    // A large commit's spilled items are written before anyone decides on top of it.
    if (Array.isArray((item as Item).spill)) await this.#flushSpill(key);
    const { version, state } = item as Item;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
      throw new StoreError('the state item has no valid version', { table: this.tableName, key });
    }
    return { state: state ?? null, version };
  }

  async commit(
    cluster: string,
    expectedVersion: number,
    state: unknown,
    events: readonly MonitorEvent[],
    outbox: Outbox = { deliveries: [], routes: [] },
  ): Promise<CommitResult> {
    const key = stateKey(checkName(cluster, 'cluster'));
    const fail = (message: string, cause?: unknown, at: ItemKey = key) =>
      new StoreError(message, { table: this.tableName, key: at, cause });
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      throw fail(`expectedVersion must be an integer >= 0, got ${expectedVersion}`);
    }
    const ids = new Set<string>();
    const eventPuts = events.map((event) => {
      const at = eventKey(cluster, event.id);
      if (event.cluster !== cluster)
        throw fail(`event of cluster ${JSON.stringify(event.cluster)}`, undefined, at);
      if (ids.has(event.id)) throw fail('the same event id twice in one commit', undefined, at);
      ids.add(event.id);
      try {
        const item = toEventItem(event, this.#retentionMs);
        return {
          Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
        };
      } catch (error) {
        throw fail('cannot store the event', error, at);
      }
    });
    let stateJson: unknown;
    try {
      stateJson = toJson(state);
    } catch (error) {
      throw fail('cannot store the state', error);
    }
    const version = expectedVersion + 1;
    // Events first, the state last: the order means nothing to DynamoDB, but the local emulation
    // (dynalite-transactions.ts) applies items in order, so a crash there can only orphan events.
    const outboxPuts = [
      ...outbox.deliveries.map((delivery) => ({
        Put: { TableName: this.tableName, Item: toDeliveryItem(delivery, this.#retentionMs) },
      })),
      ...outbox.routes.map((route) => ({
        Put: {
          TableName: this.tableName,
          Item: toRouteItem(cluster, route, this.#now() + this.#retentionMs),
        },
      })),
    ];
    // One transaction holds 100 items. What does not fit is spilled into the state item itself, so it
    // commits atomically with the state and its first items, and is written right after, idempotently
    // (by this monitor, or by whoever loads the state next if this one dies first).
    const puts = [...eventPuts, ...outboxPuts];
    const inline = puts.slice(0, MAX_EVENTS_PER_COMMIT);
    const spill = puts.slice(MAX_EVENTS_PER_COMMIT).map((put) => put.Put.Item);
    if (spill.length > 0 && Buffer.byteLength(JSON.stringify(spill)) > MAX_SPILL_BYTES) {
      throw fail(
        `cannot commit ${events.length} events with ${outboxPuts.length} outbox items: more than one transaction and ${MAX_SPILL_BYTES} bytes of spill can hold`,
      );
    }
    const statePut = {
      Put: {
        TableName: this.tableName,
        Item: {
          ...key,
          version,
          state: stateJson,
          updatedAt: new Date(this.#now()).toISOString(),
          ...(spill.length > 0 ? { spill, spillSeq: 0 } : {}),
        },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              // Never on top of a spill not yet written: the loser loads, which writes it first.
              ConditionExpression: '#version = :expected AND attribute_not_exists(#spill)',
              ExpressionAttributeNames: { '#version': 'version', '#spill': 'spill' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      },
    };
    const stateIndex = inline.length;
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: [...inline, statePut] }));
      if (spill.length > 0 && this.#flushAfterCommit) await this.#flushSpill(key);
      return { kind: 'committed', version };
    } catch (error) {
      const reasons = cancellationCodes(error);
      if (reasons[stateIndex] === 'ConditionalCheckFailed') {
        const currentVersion = await this.load(cluster).then(
          (stored) => stored.version,
          () => null,
        );
        return { kind: 'conflict', currentVersion };
      }
      const duplicate = reasons.indexOf('ConditionalCheckFailed');
      const event = events[duplicate];
      if (event) throw fail('the event id is already recorded', error, eventKey(cluster, event.id));
      throw fail(`cannot commit version ${version}`, error);
    }
  }

  async events(query: EventQuery): Promise<EventPage> {
    const cluster = checkName(query.cluster, 'cluster');
    const limit = eventLimit(query);
    const range = eventSortKeyRange(query);
    if (range === null || query.types?.length === 0) return { events: [] };
    const types = query.types ?? [];
    const typeValues = Object.fromEntries(types.map((type, i) => [`:type${i}`, type]));
    let startKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor, cluster);
    const events: MonitorEvent[] = [];
    for (;;) {
      const remaining = limit - events.length;
      const page = await this.#send(
        'cannot query events',
        { pk: `${CLUSTER_PREFIX}${cluster}`, sk: range.low },
        () =>
          this.#client.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
              ...(types.length > 0
                ? {
                    FilterExpression: `#type IN (${Object.keys(typeValues).join(', ')})`,
                    ExpressionAttributeNames: { '#type': 'type' },
                  }
                : {}),
              ExpressionAttributeValues: {
                ':pk': `${CLUSTER_PREFIX}${cluster}`,
                ':low': range.low,
                ':high': range.high,
                ...typeValues,
              },
              ScanIndexForward: query.order !== 'newest-first',
              ConsistentRead: true,
              // Limit caps the items read, not those returned: with a filter, read more per request.
              Limit: types.length > 0 ? Math.max(remaining, 100) : remaining,
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          ),
      );
      const items = (page.Items ?? []) as Item[];
      for (const [index, item] of items.entries()) {
        const parsed = parseEventItem(item);
        if (parsed.kind === 'event') events.push(parsed.event);
        else this.#onBadItem({ pk: String(item.pk), sk: String(item.sk) }, parsed.reason);
        if (events.length === limit) {
          const last = index === items.length - 1;
          const next = last
            ? (page.LastEvaluatedKey as ItemKey | undefined)
            : { pk: String(item.pk), sk: String(item.sk) };
          return next ? { events, cursor: encodeCursor(next) } : { events };
        }
      }
      if (page.LastEvaluatedKey === undefined) return { events };
      startKey = page.LastEvaluatedKey as ItemKey;
    }
  }

  async clusters(): Promise<string[]> {
    // A Scan reads the whole table (every event too): fine for a few clusters and their audit logs.
    // Past that, a registry item or a sparse index on the state items would replace it.
    const names = new Set<string>();
    let startKey: Item | undefined;
    do {
      const page = await this.#send('cannot list the clusters', undefined, () =>
        this.#client.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: 'sk = :state',
            ProjectionExpression: 'pk',
            ExpressionAttributeValues: { ':state': STATE_SK },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const pk: unknown = item.pk;
        if (typeof pk === 'string' && pk.startsWith(CLUSTER_PREFIX))
          names.add(pk.slice(CLUSTER_PREFIX.length));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return [...names].sort();
  }

  async pendingDeliveries(cluster: string, channel: string, limit: number): Promise<Delivery[]> {
    const pk = `${CLUSTER_PREFIX}${checkName(cluster, 'cluster')}`;
    const prefix = `${DELIVERY_PREFIX}${channel}#`;
    const pending: Delivery[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#send('cannot read deliveries', { pk, sk: prefix }, () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            FilterExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ':pending': 'pending' },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of (page.Items ?? []) as Item[]) {
        const parsed = parseDeliveryItem(item);
        if (typeof parsed === 'string') this.#onBadItem({ pk, sk: String(item.sk) }, parsed);
        else if (pending.length < limit) pending.push(parsed);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && pending.length < limit);
    return pending;
  }

  async saveDelivery(delivery: Delivery): Promise<void> {
    const key = deliveryKey(delivery.event.cluster, delivery.channel, delivery.event.id);
    await this.#send('cannot save the delivery', key, () =>
      this.#client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toDeliveryItem(delivery, this.#retentionMs),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  async incidentRoute(cluster: string, incidentKey: string): Promise<IncidentRoute | null> {
    const key = routeKey(checkName(cluster, 'cluster'), incidentKey);
    const { Item: item } = await this.#send('cannot read the incident route', key, () =>
      this.#client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return item ? parseRouteItem(item as Item) : null;
  }

  async saveThread(cluster: string, incidentKey: string, channel: string, thread: string): Promise<void> {
    const key = routeKey(checkName(cluster, 'cluster'), incidentKey);
    await this.#send('cannot save the thread', key, () =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #threads.#channel = :thread',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#threads': 'threads', '#channel': channel },
          ExpressionAttributeValues: { ':thread': thread },
        }),
      ),
    );
  }

  async acquireLease(
    cluster: string,
    name: string,
    owner: string,
    ttlMs: number,
    now: number,
    { takeOverFrom }: { readonly takeOverFrom?: string } = {},
  ): Promise<LeaseResult> {
    const key = leaseKey(checkName(cluster, 'cluster'), checkName(name, 'lease name'));
    checkName(owner, 'lease owner');
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0)
      throw new RangeError(`ttlMs must be a positive integer, got ${ttlMs}`);
    if (!Number.isFinite(now)) throw new RangeError(`now must be a time in ms, got ${now}`);
    const lease: Lease = { name, owner, expiresAt: new Date(now + ttlMs).toISOString() };
    // expiresAt is always toISOString() (fixed width), so comparing the strings compares the times.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, ...lease, [TTL_ATTRIBUTE]: Math.ceil((now + ttlMs) / 1000) + LEASE_TTL_GRACE_S },
            ConditionExpression: `attribute_not_exists(pk) OR #owner = :owner OR #expiresAt <= :now${takeOverFrom === undefined ? '' : ' OR #owner = :dead'}`,
            ExpressionAttributeNames: { '#owner': 'owner', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: {
              ':owner': owner,
              ':now': new Date(now).toISOString(),
              ...(takeOverFrom === undefined ? {} : { ':dead': takeOverFrom }),
            },
          }),
        );
        return { kind: 'acquired', lease };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) {
          throw new StoreError('cannot acquire the lease', { table: this.tableName, key, cause: error });
        }
      }
      const held = await this.#readLease(key);
      // Released or expired since the write was refused: try again.
      if (
        held &&
        held.owner !== owner &&
        held.owner !== takeOverFrom &&
        held.expiresAt > new Date(now).toISOString()
      ) {
        return { kind: 'held', lease: held };
      }
    }
    throw new StoreError('cannot acquire the lease: the lease item is refused and unreadable', {
      table: this.tableName,
      key,
    });
  }

  async releaseLease(cluster: string, name: string, owner: string): Promise<void> {
    const key = leaseKey(checkName(cluster, 'cluster'), checkName(name, 'lease name'));
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      // Not ours (taken over after it expired) or already gone: nothing to release.
      if (isConditionalCheckFailed(error)) return;
      throw new StoreError('cannot release the lease', { table: this.tableName, key, cause: error });
    }
  }

  /**
   * Writes the items a large commit spilled into the state item, at most 99 per transaction, each
   * transaction removing what it wrote from the spill under a condition on `spillSeq`: of two
   * flushers only one writes each batch, and a batch is never written after it left the spill.
   */
  async #flushSpill(key: ItemKey): Promise<void> {
    for (let round = 0; round < 1000; round += 1) {
      const { Item: item } = await this.#send('cannot read the state', key, () =>
        this.#client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
      );
      const spill = (item as Item | undefined)?.spill;
      const seq = (item as Item | undefined)?.spillSeq;
      if (!Array.isArray(spill) || spill.length === 0 || typeof seq !== 'number') return;
      const batch = spill.slice(0, MAX_EVENTS_PER_COMMIT) as Item[];
      const rest = spill.slice(MAX_EVENTS_PER_COMMIT);
      const update = {
        Update: {
          TableName: this.tableName,
          Key: key,
          ConditionExpression: '#seq = :seq',
          ...(rest.length === 0
            ? {
                UpdateExpression: 'REMOVE #spill, #seq',
                ExpressionAttributeNames: { '#spill': 'spill', '#seq': 'spillSeq' },
                ExpressionAttributeValues: { ':seq': seq },
              }
            : {
                UpdateExpression: 'SET #spill = :rest, #seq = :next',
                ExpressionAttributeNames: { '#spill': 'spill', '#seq': 'spillSeq' },
                ExpressionAttributeValues: { ':seq': seq, ':rest': rest, ':next': seq + 1 },
              }),
        },
      };
      try {
        await this.#client.send(
          new TransactWriteCommand({
            TransactItems: [
              ...batch.map((spilled) => ({ Put: { TableName: this.tableName, Item: spilled } })),
              update,
            ],
          }),
        );
      } catch (error) {
        // Another flusher took this batch: read again and go on with what is left.
        if (cancellationCodes(error).at(-1) === 'ConditionalCheckFailed') continue;
        throw new StoreError('cannot write the spilled items of a commit', {
          table: this.tableName,
          key,
          cause: error,
        });
      }
    }
    throw new StoreError('the spill of a commit did not drain', { table: this.tableName, key });
  }

  async #readLease(key: ItemKey): Promise<Lease | undefined> {
    const { Item: item } = await this.#send('cannot read the lease', key, () =>
      this.#client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    const { name, owner, expiresAt } = (item ?? {}) as Item;
    if (typeof name !== 'string' || typeof owner !== 'string' || typeof expiresAt !== 'string')
      return undefined;
    return { name, owner, expiresAt };
  }

  async #send<T>(message: string, key: ItemKey | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new StoreError(message, { table: this.tableName, ...(key ? { key } : {}), cause: error });
    }
  }
}

function checkName(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** The per-item codes of a TransactionCanceledException ([] for any other error). */
function cancellationCodes(error: unknown): (string | undefined)[] {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return [];
  const reasons: unknown = (error as { CancellationReasons?: unknown }).CancellationReasons;
  if (!Array.isArray(reasons)) return [];
  return reasons.map((reason: { Code?: unknown } | null) =>
    typeof reason?.Code === 'string' ? reason.Code : undefined,
  );
}
