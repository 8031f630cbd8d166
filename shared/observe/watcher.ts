import type { ClusterConfig } from '../config/index.ts';
import { ZooKeeperSession, type ZooKeeperSessionOptions } from '../zookeeper/session.ts';
import {
  assembleSnapshot,
  type ClusterObserver,
  type ObservationParts,
  ObservationRound,
  timed,
} from './observer.ts';
import type { ObservationProblem, Snapshot } from './snapshot.ts';

/**
 * Why a watched snapshot was taken: the first one, a ZooKeeper change, the full observation's
 * interval, a new session, or a round of server_status probes.
 */
export type WatchCause = 'start' | 'change' | 'interval' | 'session' | 'probe';

/** What happened to the watcher's own ZooKeeper session. */
export type SessionEvent =
  | { readonly kind: 'connected'; readonly sessionId: string }
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'reconnected'; readonly sessionId: string }
  | { readonly kind: 'expired'; readonly sessionId: string }
  | { readonly kind: 'connect_failed'; readonly reason: string };

export interface WatchOptions {
  readonly onSnapshot: (snapshot: Snapshot, cause: WatchCause) => void;
  readonly onSessionEvent?: (event: SessionEvent) => void;
  /** Full observations (Dremio's tree re-read, four-letter words) this often. @default 10000 */
  readonly intervalMs?: number;
  /** Rounds of server_status probes this often. @default the cluster's `http.probeIntervalMs` */
  readonly probeIntervalMs?: number;
  /** A burst of ZooKeeper changes within this window makes one snapshot. @default 20 */
  readonly coalesceMs?: number;
  readonly openSession?: (options: ZooKeeperSessionOptions) => Promise<ZooKeeperSession>;
}

export interface Watch {
  /** Resolves with the first snapshot. */
  readonly ready: Promise<Snapshot>;
  close(): Promise<void>;
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

/** The latest result of each of the three observations, joined into a snapshot whenever one changes. */
class LatestParts {
  httpAt = 0;
  zookeeperAt = 0;
  #lastEmittedAt = 0;

  constructor(
    private parts: ObservationParts,
    private zookeeperProblems: readonly ObservationProblem[],
    private httpProblems: readonly ObservationProblem[],
  ) {
    this.httpAt = parts.startedAt;
    this.zookeeperAt = parts.startedAt;
  }

  static from(parts: ObservationParts): LatestParts {
    const isHttp = (problem: ObservationProblem) => problem.kind === 'probe_failed';
    return new LatestParts(
      parts,
      parts.problems.filter((problem) => !isHttp(problem)),
      parts.problems.filter(isHttp),
    );
  }

  zookeeper(
    read: Pick<ObservationParts, 'zookeeper' | 'zookeeperMs'>,
    problems: readonly ObservationProblem[],
  ) {
    this.parts = { ...this.parts, ...read };
    this.zookeeperProblems = problems;
    this.zookeeperAt = Date.now();
  }

  servers(read: Pick<ObservationParts, 'servers' | 'serversMs'>) {
    this.parts = { ...this.parts, ...read };
    this.zookeeperAt = Date.now();
  }

  http(
    read: Pick<ObservationParts, 'http' | 'httpMs'>,
    startedAt: number,
    problems: readonly ObservationProblem[],
  ) {
    this.parts = { ...this.parts, ...read };
    this.httpAt = startedAt;
    this.httpProblems = problems;
  }

  /** A snapshot as of now (strictly after the previous one), its answers dated by their probe round. */
  snapshot(cluster: ClusterConfig, durationMs: number): Snapshot {
    const at = Math.max(Date.now(), this.#lastEmittedAt + 1);
    this.#lastEmittedAt = at;
    const parts: ObservationParts = {
      ...this.parts,
      startedAt: at,
      durationMs,
      problems: [...this.zookeeperProblems, ...this.httpProblems],
    };
    return {
      ...assembleSnapshot(cluster, parts),
      httpObservedAt: new Date(this.httpAt).toISOString(),
      zookeeperObservedAt: new Date(Math.min(this.zookeeperAt, at)).toISOString(),
    };
  }
}

/**
 * Holds a ZooKeeper session with child watches on `master`, `coordinator`, `executor` and the master
 * latch, and probes every coordinator's server_status every `probeIntervalMs` (one round at a time).
 * A ZooKeeper change yields a snapshot within about `coalesceMs` plus one read of the tree; a probe
 * round yields one as soon as its answers are in; the full observation (tree re-read and four-letter
 * words) runs every `intervalMs`. Each snapshot joins the latest of the three, so a slow or frozen
 * ZooKeeper never delays what the coordinators answer. Watches are re-armed by every read, and a new
 * session is opened (and reported) when the old one expires.
 */
export function watchCluster(
  cluster: ClusterConfig,
  observer: ClusterObserver,
  options: WatchOptions,
): Watch {
  const intervalMs = options.intervalMs ?? 10_000;
  const probeIntervalMs = options.probeIntervalMs ?? cluster.http.probeIntervalMs;
  const coalesceMs = options.coalesceMs ?? 20;
  const open = options.openSession ?? ((sessionOptions) => ZooKeeperSession.open(sessionOptions));
  let session: ZooKeeperSession | undefined;
  let latest: LatestParts | undefined;
  let closed = false;
  let pending: NodeJS.Timeout | undefined;
  let interval: NodeJS.Timeout | undefined;
  let nextProbe: NodeJS.Timeout | undefined;
  let probing: Promise<unknown> = Promise.resolve();
  let chain: Promise<unknown> = Promise.resolve();
  const watcher = () => schedule();

  const publish = (cause: WatchCause, durationMs: number) => {
    if (closed || !latest) return;
    options.onSnapshot(latest.snapshot(cluster, durationMs), cause);
  };

  /** ZooKeeper work one at a time, in order, so the tree never goes back in time. */
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };

  const start = () =>
    serial(async () => {
      if (closed) return undefined;
      const current = session ?? (await connect());
      const parts = await observer.observeParts(cluster, {
        ...(current ? { session: current, watcher } : {}),
      });
      latest = LatestParts.from(parts);
      const snapshot = latest.snapshot(cluster, parts.durationMs);
      if (!closed) options.onSnapshot(snapshot, 'start');
      return snapshot;
    });

  /** The tree through the held session (opened anew when there is none) and the four-letter words. */
  const full = (cause: WatchCause) =>
    serial(async () => {
      if (closed || !latest) return;
      const started = performance.now();
      const current = session ?? (await connect());
      const problems: ObservationProblem[] = [];
      const round = new ObservationRound();
      try {
        const [[zookeeper, zookeeperMs], [servers, serversMs]] = await Promise.all([
          timed(() =>
            observer.readZooKeeper(cluster, problems, current ?? round, current ? watcher : undefined),
          ),
          timed(() => observer.probeServers(cluster, round)),
        ]);
        latest.zookeeper({ zookeeper, zookeeperMs }, problems);
        latest.servers({ servers, serversMs });
      } finally {
        round.close();
      }
      publish(cause, round2(performance.now() - started));
    });

  const treeOnly = () =>
    serial(async () => {
      // Without a live session the next full observation (interval or new session) takes over.
      if (closed || !latest || !session) return;
      const problems: ObservationProblem[] = [];
      const [zookeeper, zookeeperMs] = await timed(() =>
        observer.readZooKeeper(cluster, problems, session as ZooKeeperSession, watcher),
      );
      latest.zookeeper({ zookeeper, zookeeperMs }, problems);
      publish('change', zookeeperMs);
    });

  /** One round of server_status probes, then the next one `probeIntervalMs` after this one began. */
  const probe = async () => {
    if (closed || !latest) return;
    const startedAt = Date.now();
    const problems: ObservationProblem[] = [];
    const [http, httpMs] = await timed(() => observer.probeCoordinators(cluster, problems));
    if (closed) return;
    latest.http({ http, httpMs }, startedAt, problems);
    publish('probe', httpMs);
    nextProbe = setTimeout(startProbe, Math.max(0, startedAt + probeIntervalMs - Date.now()));
  };
  const startProbe = () => {
    probing = probe().catch(() => undefined);
  };

  function schedule(): void {
    if (closed || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      void treeOnly();
    }, coalesceMs);
  }

  async function connect(): Promise<ZooKeeperSession | undefined> {
    const {
      connect: connectString,
      connectTimeoutMs,
      operationTimeoutMs,
      sessionTimeoutMs,
    } = cluster.zookeeper;
    try {
      const opened = await open({
        connect: connectString,
        connectTimeoutMs,
        operationTimeoutMs,
        sessionTimeoutMs,
      });
      if (closed) {
        opened.close();
        return undefined;
      }
      session = opened;
      options.onSessionEvent?.({ kind: 'connected', sessionId: opened.sessionId });
      opened.client.on('disconnected', () => {
        if (session === opened) options.onSessionEvent?.({ kind: 'disconnected' });
      });
      opened.client.on('connected', () => {
        if (session !== opened) return;
        options.onSessionEvent?.({ kind: 'reconnected', sessionId: opened.sessionId });
        schedule();
      });
      opened.client.on('expired', () => {
        if (session !== opened) return;
        options.onSessionEvent?.({ kind: 'expired', sessionId: opened.sessionId });
        opened.close();
        session = undefined;
        void full('session');
      });
      return opened;
    } catch (error) {
      options.onSessionEvent?.({ kind: 'connect_failed', reason: (error as Error).message });
      return undefined;
    }
  }

  const ready = start().then((snapshot) => {
    if (!snapshot) throw new Error(`watch of ${cluster.name} closed before its first snapshot`);
    nextProbe = setTimeout(startProbe, probeIntervalMs);
    return snapshot;
  });
  interval = setInterval(() => void full('interval'), intervalMs);

  return {
    ready,
    async close() {
      closed = true;
      clearInterval(interval);
      clearTimeout(pending);
      clearTimeout(nextProbe);
      interval = undefined;
      await Promise.all([chain, probing]);
      session?.close();
      session = undefined;
    },
  };
}
