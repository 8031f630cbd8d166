import type { MonitorEvent } from '../../shared/events/types.ts';
import { DEFAULT_EVENT_RETENTION_MS } from '../../shared/record/dynamo-store.ts';
import {
  decodeCursor,
  encodeCursor,
  eventLimit,
  eventSortKeyRange,
} from '../../shared/record/event-query.ts';
import {
  CLUSTER_PREFIX,
  clusterPk,
  EVENT_PREFIX,
  eventKey,
  leaseKey,
  parseEventItem,
  STATE_SK,
  stateKey,
  TTL_ATTRIBUTE,
  toEventItem,
  toJson,
} from '../../shared/record/items.ts';
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
} from '../../shared/record/outbox.ts';
import type {
  CommitResult,
  EventPage,
  EventQuery,
  Lease,
  LeaseResult,
  Store,
  StoredState,
} from '../../shared/record/store.ts';
import { type ItemKey, StoreError } from '../../shared/record/store-error.ts';

type Item = Record<string, unknown>;

export interface MemoryStoreOptions {
  /** Named in StoreErrors, as DynamoStore names its table. @default 'memory' */
  readonly tableName?: string;
  /** @default 400 days, as DynamoStore */
  readonly eventRetentionMs?: number;
  /** Clock for the state's `updatedAt` and the routes' time to live. @default Date.now */
  readonly now?: () => number;
}

/**
 * A Store in memory with DynamoStore's contract (test/support/store-contract.ts runs the same cases
 * on both): the same single-table items (built and parsed by shared/record/items.ts and outbox.ts, so
 * what is read back is exactly what DynamoStore reads back), one conditional commit that writes all
 * or nothing, conflicts as values, leases, the outbox and event paging. Every operation yields to the
 * event loop once before it acts, so concurrent callers interleave as they would on a real table;
 * what it does after that is synchronous, hence atomic. Not modelled: the time to live (nothing
 * expires), DynamoDB's item and transaction size limits (no spill is ever needed).
 *
 * For tests it also counts commits and conflicts, lets a test run something just before a commit is
 * applied (`beforeCommit`: another monitor winning the race) and reads deliveries and leases back.
 */
export class MemoryStore implements Store {
  readonly tableName: string;
  /** Commits attempted (validated and applied or refused by their condition), and those refused. */
  readonly stats = { commits: 0, conflicts: 0 };
  /** Runs after a commit is validated and before its condition is checked; awaited. */
  beforeCommit: ((cluster: string, expectedVersion: number) => Promise<void> | void) | undefined;
  readonly #items = new Map<string, Map<string, Item>>();
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.tableName = options.tableName ?? 'memory';
    this.#retentionMs = options.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#retentionMs) || this.#retentionMs <= 0) {
      throw new RangeError(`eventRetentionMs must be a positive integer, got ${this.#retentionMs}`);
    }
  }

  async load(cluster: string): Promise<StoredState> {
    const key = stateKey(checkName(cluster, 'cluster'));
    await turn();
    const item = this.#get(key);
    if (item === undefined) return { state: null, version: 0 };
    const { version, state } = item;
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
    const eventItems = events.map((event) => {
      const at = eventKey(cluster, event.id);
      if (event.cluster !== cluster)
        throw fail(`event of cluster ${JSON.stringify(event.cluster)}`, undefined, at);
      if (ids.has(event.id)) throw fail('the same event id twice in one commit', undefined, at);
      ids.add(event.id);
      try {
        return toEventItem(event, this.#retentionMs);
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
    const items = [
      ...eventItems,
      ...outbox.deliveries.map((delivery) => toDeliveryItem(delivery, this.#retentionMs)),
      ...outbox.routes.map((route) => toRouteItem(cluster, route, this.#now() + this.#retentionMs)),
    ];
    const stateItem: Item = {
      ...key,
      version,
      state: stateJson,
      updatedAt: new Date(this.#now()).toISOString(),
    };
    // What the SDK's marshalling refuses, refused here too (before anything is written).
    for (const item of [...items, stateItem]) {
      const problem = unmarshallable(item);
      if (problem !== undefined) throw fail(`cannot commit version ${version}`, new Error(problem));
    }
    await this.beforeCommit?.(cluster, expectedVersion);
    await turn();
    // From here on, synchronous: the transaction.
    this.stats.commits += 1;
    const current = this.#get(key)?.version ?? 0;
    if (current !== expectedVersion) {
      this.stats.conflicts += 1;
      return { kind: 'conflict', currentVersion: typeof current === 'number' ? current : null };
    }
    for (const [index, item] of eventItems.entries()) {
      const at = { pk: String(item.pk), sk: String(item.sk) };
      if (this.#get(at) !== undefined) {
        const cause = Object.assign(new Error('Transaction cancelled: ConditionalCheckFailed'), {
          name: 'TransactionCanceledException',
        });
        throw fail('the event id is already recorded', cause, eventKey(cluster, events[index]?.id ?? ''));
      }
    }
    for (const item of items) this.#put(item);
    this.#put(stateItem);
    return { kind: 'committed', version };
  }

  async events(query: EventQuery): Promise<EventPage> {
    const cluster = checkName(query.cluster, 'cluster');
    const limit = eventLimit(query);
    const range = eventSortKeyRange(query);
    if (range === null || query.types?.length === 0) return { events: [] };
    const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor, cluster);
    await turn();
    const newestFirst = query.order === 'newest-first';
    const keys = this.#sortKeys(cluster)
      .filter((sk) => sk >= range.low && sk <= range.high && sk.startsWith(EVENT_PREFIX))
      .filter((sk) => start === undefined || (newestFirst ? sk < start.sk : sk > start.sk));
    if (newestFirst) keys.reverse();
    const events: MonitorEvent[] = [];
    for (const [index, sk] of keys.entries()) {
      const item = this.#get({ pk: clusterPk(cluster), sk });
      if (item === undefined) continue;
      if (query.types !== undefined && !query.types.includes(String(item.type))) continue;
      const parsed = parseEventItem(item);
      if (parsed.kind === 'bad') continue;
      events.push(parsed.event);
      if (events.length === limit) {
        const more = keys.slice(index + 1).some((next) => {
          const type = this.#get({ pk: clusterPk(cluster), sk: next })?.type;
          return query.types === undefined || query.types.includes(String(type));
        });
        return more ? { events, cursor: encodeCursor({ pk: clusterPk(cluster), sk }) } : { events };
      }
    }
    return { events };
  }

  async clusters(): Promise<string[]> {
    await turn();
    return [...this.#items.entries()]
      .filter(([pk, items]) => pk.startsWith(CLUSTER_PREFIX) && items.has(STATE_SK))
      .map(([pk]) => pk.slice(CLUSTER_PREFIX.length))
      .sort();
  }

  async pendingDeliveries(cluster: string, channel: string, limit: number): Promise<Delivery[]> {
    const pk = clusterPk(checkName(cluster, 'cluster'));
    await turn();
    return this.#deliveries(pk, `${DELIVERY_PREFIX}${channel}#`)
      .filter((delivery) => delivery.status === 'pending')
      .slice(0, limit);
  }

  async saveDelivery(delivery: Delivery): Promise<void> {
    const key = deliveryKey(delivery.event.cluster, delivery.channel, delivery.event.id);
    await turn();
    if (this.#get(key) === undefined) {
      throw new StoreError('cannot save the delivery', {
        table: this.tableName,
        key,
        cause: conditionalCheckFailed(),
      });
    }
    this.#put(toDeliveryItem(delivery, this.#retentionMs));
  }

  async incidentRoute(cluster: string, incidentKey: string): Promise<IncidentRoute | null> {
    const key = routeKey(checkName(cluster, 'cluster'), incidentKey);
    await turn();
    const item = this.#get(key);
    return item ? parseRouteItem(item) : null;
  }

  async saveThread(cluster: string, incidentKey: string, channel: string, thread: string): Promise<void> {
    const key = routeKey(checkName(cluster, 'cluster'), incidentKey);
    await turn();
    const item = this.#get(key);
    if (item === undefined) {
      throw new StoreError('cannot save the thread', {
        table: this.tableName,
        key,
        cause: conditionalCheckFailed(),
      });
    }
    const threads = typeof item.threads === 'object' && item.threads !== null ? item.threads : {};
    this.#put({ ...item, threads: { ...threads, [channel]: thread } });
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
    await turn();
    const held = this.lease(cluster, name);
    if (
      held === undefined ||
      held.owner === owner ||
      held.expiresAt <= new Date(now).toISOString() ||
      (takeOverFrom !== undefined && held.owner === takeOverFrom)
    ) {
      this.#put({ ...key, ...lease, [TTL_ATTRIBUTE]: Math.ceil((now + ttlMs) / 1000) + 86_400 });
      return { kind: 'acquired', lease };
    }
    return { kind: 'held', lease: held };
  }

  async releaseLease(cluster: string, name: string, owner: string): Promise<void> {
    const key = leaseKey(checkName(cluster, 'cluster'), checkName(name, 'lease name'));
    await turn();
    if (this.#get(key)?.owner === owner) this.#items.get(key.pk)?.delete(key.sk);
  }

  // Not part of Store: for tests to look at.

  /** Every delivery of a cluster (any status), by channel then commit order. */
  deliveries(cluster: string): Delivery[] {
    return this.#deliveries(clusterPk(cluster), DELIVERY_PREFIX);
  }

  /** A lease as stored (expired or not), or undefined. */
  lease(cluster: string, name: string): Lease | undefined {
    const { name: stored, owner, expiresAt } = this.#get(leaseKey(cluster, name)) ?? {};
    if (typeof stored !== 'string' || typeof owner !== 'string' || typeof expiresAt !== 'string')
      return undefined;
    return { name: stored, owner, expiresAt };
  }

  #deliveries(pk: string, prefix: string): Delivery[] {
    return this.#sortKeys(pk.slice(CLUSTER_PREFIX.length))
      .filter((sk) => sk.startsWith(prefix))
      .flatMap((sk) => {
        const item = this.#get({ pk, sk });
        const parsed = item === undefined ? 'gone' : parseDeliveryItem(item);
        return typeof parsed === 'string' ? [] : [parsed];
      });
  }

  #sortKeys(cluster: string): string[] {
    return [...(this.#items.get(clusterPk(cluster))?.keys() ?? [])].sort();
  }

  /** A copy: nobody holds a reference into the table. */
  #get(key: ItemKey): Item | undefined {
    const item = this.#items.get(key.pk)?.get(key.sk);
    return item === undefined ? undefined : structuredClone(item);
  }

  #put(item: Item): void {
    const pk = String(item.pk);
    let items = this.#items.get(pk);
    if (items === undefined) {
      items = new Map();
      this.#items.set(pk, items);
    }
    items.set(String(item.sk), structuredClone(item));
  }
}

/** The real one, even when a test mocks the timers (node:test's mock.timers). */
const immediately = globalThis.setImmediate;
/** Lets whatever else is ready run first, as a request to a table would. */
const turn = () => new Promise<void>((resolve) => immediately(resolve));

function checkName(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

function conditionalCheckFailed(): Error {
  return Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
  });
}

/** Why the AWS SDK's document marshalling would refuse a JSON value (a number it cannot keep), or undefined. */
function unmarshallable(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (value > Number.MAX_SAFE_INTEGER)
      return `Number ${value} is greater than Number.MAX_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.`;
    if (value < Number.MIN_SAFE_INTEGER)
      return `Number ${value} is lesser than Number.MIN_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.`;
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const item of Object.values(value)) {
    const problem = unmarshallable(item);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
