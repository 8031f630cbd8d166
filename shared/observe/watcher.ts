import type { ClusterConfig } from '../config/index.ts';
import { ZooKeeperSession, type ZooKeeperSessionOptions } from '../zookeeper/session.ts';
import { assembleSnapshot, type ClusterObserver, type ObservationParts } from './observer.ts';
import type { Snapshot } from './snapshot.ts';

/** Why a watched snapshot was taken. */
export type WatchCause = 'start' | 'change' | 'interval' | 'session';

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
  /** Full observations (four-letter words and HTTP too) this often. @default 10000 */
  readonly intervalMs?: number;
  /** A burst of ZooKeeper changes within this window makes one snapshot. @default 20 */
  readonly coalesceMs?: number;
  readonly openSession?: (options: ZooKeeperSessionOptions) => Promise<ZooKeeperSession>;
}

export interface Watch {
  /** Resolves with the first snapshot. */
  readonly ready: Promise<Snapshot>;
  close(): Promise<void>;
}

/**
 * Holds a ZooKeeper session with child watches on `master`, `coordinator`, `executor` and the master
 * latch. A change yields a snapshot within about `coalesceMs` plus one read of the tree, carrying the
 * latest HTTP and server results; a full observation runs every `intervalMs`. Watches are re-armed
 * by every read, and a new session is opened (and reported) when the old one expires.
 */
export function watchCluster(
  cluster: ClusterConfig,
  observer: ClusterObserver,
  options: WatchOptions,
): Watch {
  const intervalMs = options.intervalMs ?? 10_000;
  const coalesceMs = options.coalesceMs ?? 20;
  const open = options.openSession ?? ((sessionOptions) => ZooKeeperSession.open(sessionOptions));
  let session: ZooKeeperSession | undefined;
  let last: ObservationParts | undefined;
  let closed = false;
  let pending: NodeJS.Timeout | undefined;
  let interval: NodeJS.Timeout | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const watcher = () => schedule();

  /** One observation at a time, in order, so snapshots never go back in time. */
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };

  const full = (cause: WatchCause) =>
    serial(async () => {
      if (closed) return undefined;
      const current = session ?? (await connect());
      const parts = await observer.observeParts(cluster, {
        ...(current ? { session: current, watcher } : {}),
      });
      last = parts;
      const snapshot = assembleSnapshot(cluster, parts);
      if (!closed) options.onSnapshot(snapshot, cause);
      return snapshot;
    });

  const treeOnly = () =>
    serial(async () => {
      // Without a live session the next full observation (interval or new session) takes over.
      if (closed || !last || !session) return;
      const startedAt = Date.now();
      const started = performance.now();
      const problems = last.problems.filter((problem) => problem.kind === 'probe_failed');
      const zookeeper = await observer.readZooKeeper(cluster, problems, session, watcher);
      const zookeeperMs = Math.round((performance.now() - started) * 100) / 100;
      const parts = { ...last, startedAt, durationMs: zookeeperMs, zookeeper, zookeeperMs, problems };
      const httpObservedAt = new Date(last.startedAt).toISOString();
      if (!closed) options.onSnapshot({ ...assembleSnapshot(cluster, parts), httpObservedAt }, 'change');
    });

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

  const ready = full('start').then((snapshot) => {
    if (!snapshot) throw new Error(`watch of ${cluster.name} closed before its first snapshot`);
    return snapshot;
  });
  interval = setInterval(() => void full('interval'), intervalMs);

  return {
    ready,
    async close() {
      closed = true;
      clearInterval(interval);
      clearTimeout(pending);
      interval = undefined;
      await chain;
      session?.close();
      session = undefined;
    },
  };
}
