import { readFile } from 'node:fs/promises';
import type { ClusterConfig } from '../config/index.ts';
import { znodePaths } from '../dremio/paths.ts';
import { type ZnodeWatcher, ZooKeeperSession, type ZooKeeperSessionOptions } from '../zookeeper/session.ts';
import { type DremioTree, readDremioTree } from './dremio-tree.ts';
import { type ServerStatus, ServerStatusClient } from './server-status.ts';
import type { CoordinatorObservation, ObservationProblem, Snapshot } from './snapshot.ts';
import {
  probeZooKeeperServer,
  quorumOf,
  serversOf,
  type ZooKeeperServerObservation,
} from './zookeeper-servers.ts';

export interface ObserverOptions {
  /** Opens ZooKeeper sessions (tests pass their own). @default ZooKeeperSession.open */
  readonly openSession?: (options: ZooKeeperSessionOptions) => Promise<ZooKeeperSession>;
  /** @default Date.now */
  readonly now?: () => number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The value of `work` and how long it took, in ms with two decimals. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const begin = performance.now();
  const value = await work();
  return [value, round(performance.now() - begin)];
}

export interface ZooKeeperRead {
  readonly tree: DremioTree | null;
  readonly negotiatedTimeoutMs: number | null;
}

/** The raw results of one observation, before they are joined into a snapshot. */
export interface ObservationParts {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly zookeeper: ZooKeeperRead;
  readonly zookeeperMs: number;
  readonly servers: readonly ZooKeeperServerObservation[];
  readonly serversMs: number;
  /** One entry per configured coordinator, in configuration order. */
  readonly http: ReadonlyArray<ServerStatus | undefined>;
  readonly httpMs: number;
  readonly problems: readonly ObservationProblem[];
}

/** Joins ZooKeeper, server and HTTP observations into a snapshot, by coordinator address. Pure. */
export function assembleSnapshot(cluster: ClusterConfig, parts: ObservationParts): Snapshot {
  const problems = [...parts.problems];
  const tree = parts.zookeeper.tree;
  const master = tree?.masters[0] ?? null;
  const registered = new Set(tree?.coordinators.map((c) => c.address) ?? []);
  const configured = new Set(cluster.coordinators.map((c) => c.address));
  for (const address of [...registered].sort()) {
    if (!configured.has(address)) {
      problems.push({
        kind: 'unknown_coordinator',
        where: znodePaths(cluster.zookeeper).coordinator,
        detail: `coordinator ${address} is registered but not in the configuration`,
      });
    }
  }
  const coordinators: CoordinatorObservation[] = cluster.coordinators.map((coordinator, index) => ({
    address: coordinator.address,
    role: coordinator.role,
    webUrl: coordinator.webUrl,
    registered: registered.has(coordinator.address),
    isMaster: master?.address === coordinator.address,
    http: parts.http[index] ?? { kind: 'unreachable', latencyMs: 0, reason: 'not probed' },
  }));
  return {
    cluster: cluster.name,
    observedAt: new Date(parts.startedAt).toISOString(),
    durationMs: parts.durationMs,
    durations: { zookeeperMs: parts.zookeeperMs, serversMs: parts.serversMs, httpMs: parts.httpMs },
    zookeeper: {
      reachable: tree !== null,
      quorum: quorumOf(parts.servers, tree !== null),
      servers: parts.servers,
      negotiatedSessionTimeoutMs: parts.zookeeper.negotiatedTimeoutMs,
    },
    master,
    masters: tree?.masters ?? [],
    latch: tree?.latch ?? { participants: [], leader: null, leaderIsMaster: null },
    coordinators,
    executors: {
      count: tree?.executors.length ?? 0,
      addresses: [...new Set(tree?.executors.map((e) => e.address))].sort(),
    },
    problems: [...problems, ...(tree?.problems ?? [])],
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause =
      error.cause === undefined ? '' : `: ${String((error.cause as Error)?.message ?? error.cause)}`;
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * Builds one snapshot of a cluster: ZooKeeper's tree through a short-lived session, each ZooKeeper
 * server through four-letter words and each coordinator's server_status, all at once, each bounded
 * by its own timeout. A failure to observe becomes data in the snapshot, never an exception.
 */
export class ClusterObserver {
  readonly #openSession: (options: ZooKeeperSessionOptions) => Promise<ZooKeeperSession>;
  readonly #now: () => number;
  /** One HTTP client (one undici dispatcher) per distinct connect timeout and CA bundle. */
  readonly #httpClients = new Map<string, Promise<ServerStatusClient>>();

  constructor(options: ObserverOptions = {}) {
    this.#openSession = options.openSession ?? ((sessionOptions) => ZooKeeperSession.open(sessionOptions));
    this.#now = options.now ?? Date.now;
  }

  async observe(
    cluster: ClusterConfig,
    options: { signal?: AbortSignal; round?: ObservationRound } = {},
  ): Promise<Snapshot> {
    const round = options.round ?? new ObservationRound();
    try {
      return assembleSnapshot(cluster, await this.observeParts(cluster, { ...options, round }));
    } finally {
      if (!options.round) round.close();
    }
  }

  /**
   * The three observations at once. With `session`, ZooKeeper is read through that (held) session
   * and `watcher` is left on Dremio's directories; without, a short-lived session is opened.
   */
  async observeParts(
    cluster: ClusterConfig,
    options: {
      signal?: AbortSignal;
      session?: ZooKeeperSession;
      watcher?: ZnodeWatcher;
      round?: ObservationRound;
    } = {},
  ): Promise<ObservationParts> {
    const shared = options.round ?? new ObservationRound();
    const startedAt = this.#now();
    const started = performance.now();
    const problems: ObservationProblem[] = [];
    const [[zookeeper, zookeeperMs], [servers, serversMs], [http, httpMs]] = await Promise.all([
      timed(() => this.readZooKeeper(cluster, problems, options.session ?? shared, options.watcher)),
      timed(() => this.probeServers(cluster, shared, options.signal)),
      timed(() => this.probeCoordinators(cluster, problems, options.signal)),
    ]);
    if (!options.round) shared.close();
    return {
      startedAt,
      durationMs: round(performance.now() - started),
      zookeeper,
      zookeeperMs,
      servers,
      serversMs,
      http,
      httpMs,
      problems,
    };
  }

  /** Closes the HTTP dispatchers. */
  async close(): Promise<void> {
    const clients = await Promise.all(this.#httpClients.values());
    this.#httpClients.clear();
    await Promise.all(clients.map((client) => client.close()));
  }

  /**
   * Reads Dremio's tree through a held session, or through the round's session for this connect
   * string (opened once and shared by the clusters of one ensemble); failures become problems.
   */
  async readZooKeeper(
    cluster: ClusterConfig,
    problems: ObservationProblem[],
    through: ZooKeeperSession | ObservationRound,
    watcher?: ZnodeWatcher,
  ): Promise<ZooKeeperRead> {
    // The configured request (Dremio's 90 s by default): the server grants us what it grants Dremio.
    const { connect, connectTimeoutMs, operationTimeoutMs, sessionTimeoutMs } = cluster.zookeeper;
    let session: ZooKeeperSession;
    try {
      session =
        through instanceof ObservationRound
          ? await through.session(
              `${connect}|${connectTimeoutMs}|${operationTimeoutMs}|${sessionTimeoutMs}`,
              () => this.#openSession({ connect, connectTimeoutMs, operationTimeoutMs, sessionTimeoutMs }),
            )
          : through;
    } catch (error) {
      problems.push({ kind: 'zookeeper_unreachable', where: connect, detail: describeError(error) });
      return { tree: null, negotiatedTimeoutMs: null };
    }
    try {
      const tree = await readDremioTree(session, znodePaths(cluster.zookeeper), watcher);
      return { tree, negotiatedTimeoutMs: session.negotiatedTimeoutMs };
    } catch (error) {
      problems.push({ kind: 'zookeeper_read_failed', where: connect, detail: describeError(error) });
      return { tree: null, negotiatedTimeoutMs: session.negotiatedTimeoutMs };
    }
  }

  /** Every ZooKeeper server of the cluster through four-letter words (one exchange per server per round). */
  probeServers(
    cluster: ClusterConfig,
    round: ObservationRound,
    signal?: AbortSignal,
  ): Promise<ZooKeeperServerObservation[]> {
    const timeoutMs = cluster.zookeeper.fourLetterWordTimeoutMs;
    return Promise.all(
      serversOf(cluster.zookeeper.connect).map(({ host, port }) =>
        round.server(`${host}:${port}|${timeoutMs}`, () =>
          probeZooKeeperServer(host, port, { timeoutMs, ...(signal ? { signal } : {}) }),
        ),
      ),
    );
  }

  /**
   * `GET /apiv2/server_status` of every configured coordinator at once, in configuration order; a
   * client that cannot be built (an unreadable CA file) becomes a `probe_failed` problem.
   */
  async probeCoordinators(
    cluster: ClusterConfig,
    problems: ObservationProblem[],
    signal?: AbortSignal,
  ): Promise<Array<CoordinatorObservation['http'] | undefined>> {
    let client: ServerStatusClient;
    try {
      client = await this.#httpClient(cluster);
    } catch (error) {
      problems.push({ kind: 'probe_failed', where: 'http.caFile', detail: describeError(error) });
      return cluster.coordinators.map(() => undefined);
    }
    return Promise.all(
      cluster.coordinators.map((coordinator) =>
        client.probe(coordinator.webUrl, {
          timeoutMs: cluster.http.timeoutMs,
          ...(signal ? { signal } : {}),
        }),
      ),
    );
  }

  #httpClient(cluster: ClusterConfig): Promise<ServerStatusClient> {
    const { connectTimeoutMs, timeoutMs, caFile } = cluster.http;
    const key = `${connectTimeoutMs}|${caFile ?? ''}`;
    let client = this.#httpClients.get(key);
    if (!client) {
      client = (async () => {
        const ca = caFile ? await readFile(caFile, 'utf8') : undefined;
        return new ServerStatusClient({ connectTimeoutMs, timeoutMs, ...(ca ? { ca } : {}) });
      })();
      // A CA file that cannot be read is retried on the next observation, not cached as a failure.
      client.catch(() => this.#httpClients.delete(key));
      this.#httpClients.set(key, client);
    }
    return client;
  }
}

/**
 * What one round of observations shares: one ZooKeeper session per connect string and one
 * four-letter-word exchange per ZooKeeper server, so clusters that share an ensemble (different
 * roots or cluster ids) cost the ensemble one session and one `srvr` each round, not one per cluster.
 */
export class ObservationRound {
  readonly #sessions = new Map<string, Promise<ZooKeeperSession>>();
  readonly #servers = new Map<string, Promise<ZooKeeperServerObservation>>();

  session(key: string, open: () => Promise<ZooKeeperSession>): Promise<ZooKeeperSession> {
    let session = this.#sessions.get(key);
    if (!session) {
      session = open();
      this.#sessions.set(key, session);
    }
    return session;
  }

  server(key: string, probe: () => Promise<ZooKeeperServerObservation>): Promise<ZooKeeperServerObservation> {
    let observation = this.#servers.get(key);
    if (!observation) {
      observation = probe();
      this.#servers.set(key, observation);
    }
    return observation;
  }

  /** Closes the round's sessions (those still opening are closed when they open). */
  close(): void {
    for (const session of this.#sessions.values()) {
      session.then(
        (opened) => opened.close(),
        () => undefined,
      );
    }
    this.#sessions.clear();
    this.#servers.clear();
  }
}

/**
 * Observes many clusters under one concurrency bound. One cluster's failure (even a bug) never
 * breaks another's snapshot: it becomes a snapshot with `reachable: false` and a `probe_failed` problem.
 */
export async function observeClusters(
  observer: ClusterObserver,
  clusters: readonly ClusterConfig[],
  { concurrency, signal }: { concurrency: number; signal?: AbortSignal },
): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = new Array(clusters.length);
  const round = new ObservationRound();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < clusters.length; index = next++) {
      const cluster = clusters[index] as ClusterConfig;
      try {
        snapshots[index] = await observer.observe(cluster, { round, ...(signal ? { signal } : {}) });
      } catch (error) {
        snapshots[index] = failedSnapshot(cluster, describeError(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, clusters.length)) }, worker));
  } finally {
    round.close();
  }
  return snapshots;
}

function failedSnapshot(cluster: ClusterConfig, detail: string): Snapshot {
  return {
    cluster: cluster.name,
    observedAt: new Date().toISOString(),
    durationMs: 0,
    durations: { zookeeperMs: 0, serversMs: 0, httpMs: 0 },
    zookeeper: { reachable: false, quorum: null, servers: [], negotiatedSessionTimeoutMs: null },
    master: null,
    masters: [],
    latch: { participants: [], leader: null, leaderIsMaster: null },
    coordinators: [],
    executors: { count: 0, addresses: [] },
    problems: [{ kind: 'probe_failed', where: cluster.name, detail }],
  };
}
