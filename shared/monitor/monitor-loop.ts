import type { ClusterConfig } from '../config/index.ts';
import { errorMessage } from '../errors.ts';
import type { MonitorEvent } from '../events/types.ts';
import type { DeliveryPolicy } from '../notify/deliver.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { ClusterObserver } from '../observe/observer.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import { type SessionEvent, type Watch, type WatchCause, watchCluster } from '../observe/watcher.ts';
import type { Store } from '../record/store.ts';
import { carryOut, outcomeEvent } from '../remediate/carry-out.ts';
import type { Executor } from '../remediate/executor.ts';
import type { RestartAction } from '../remediate/plan-types.ts';
import { deliverCluster } from './cluster-delivery.ts';
import { type ClusterMonitor, clusterMonitorFor, type Outcome } from './cluster-monitor.ts';

/** A line for the operator's log; never carries a secret (events and errors are already redacted). */
export type LoopLog =
  | { readonly level: 'info'; readonly cluster: string; readonly zookeeperSession: SessionEvent }
  | {
      readonly level: 'info';
      readonly cluster: string;
      readonly action: RestartAction;
      readonly phase: 'started';
    }
  | {
      readonly level: 'error';
      readonly cluster: string;
      readonly message: string;
      readonly [key: string]: unknown;
    };

export interface MonitorLoopOptions {
  readonly clusters: readonly ClusterConfig[];
  readonly store: Store;
  readonly observer: ClusterObserver;
  readonly notifiers: ReadonlyMap<string, Notifier>;
  /** Who holds delivery leases: host and process. */
  readonly owner: string;
  /** Whether a lease holder is known dead (a crashed monitor of this host): its leases are taken over. */
  readonly holderIsDead?: (owner: string) => boolean;
  /** The clock of decisions, deliveries and actions (tests pass their own). @default Date.now */
  readonly now?: () => number;
  /** Watches one cluster and reports its snapshots (tests feed their own). @default watchCluster */
  readonly watch?: typeof watchCluster;
  readonly delivery?: Partial<DeliveryPolicy>;
  /** Full observations this often. @default 10000 */
  readonly intervalMs?: number;
  /** Time-only decisions and delivery retries this often. @default 5000 */
  readonly clockMs?: number;
  /**
   * The executor of a cluster whose remediation is enabled, to carry out its actions in this
   * process; null leaves them to another (on AWS, the remediate function). @default none
   */
  readonly executorFor?: (cluster: ClusterConfig) => Executor | null;
  /**
   * Between the starts of two clusters' watches, so that a process watching many clusters does not
   * open every ZooKeeper session, connection and first commit at once. The spread never exceeds
   * half an interval. @default 20
   */
  readonly startSpacingMs?: number;
  /** Between verification polls of an action. @default 5000 */
  readonly verifyPollMs?: number;
  /** Every snapshot taken (a change, the interval, a new session), before it is judged. */
  readonly onSnapshot?: (snapshot: Snapshot, cause: WatchCause) => void;
  readonly onEvents?: (cluster: string, events: readonly MonitorEvent[]) => void;
  readonly onLog?: (entry: LoopLog) => void;
}

export interface MonitorLoop {
  /** Resolves when every cluster has been observed once. */
  readonly ready: Promise<void>;
  /** The monitor of a cluster, for commands and tests. */
  monitor(cluster: string): ClusterMonitor;
  /**
   * A decision from outside the loop (an acknowledgement from Slack) on a cluster's monitor, handled
   * as the loop's own: its events reported and delivered.
   */
  decide(cluster: string, decision: (monitor: ClusterMonitor) => Promise<Outcome>): Promise<Outcome>;
  /** Stops watching; decisions, deliveries and actions under way finish (actions are aborted). */
  close(): Promise<void>;
}

/**
 * The monitor's imperative shell, shared by `watch` and the Lambda's watch mode: per cluster a held
 * ZooKeeper watch plus a full observation every interval, each snapshot judged and committed, a
 * clock for reminders, deliveries after every commit and on the clock, and the restarts the
 * planner committed carried out and their outcomes recorded.
 */
export function startMonitorLoop(options: MonitorLoopOptions): MonitorLoop {
  const intervalMs = options.intervalMs ?? 10_000;
  const clockMs = options.clockMs ?? 5000;
  const log = options.onLog ?? (() => undefined);
  const pending = new Set<Promise<unknown>>();
  const watches: Watch[] = [];
  const clocks: NodeJS.Timeout[] = [];
  const monitors = new Map<string, ClusterMonitor>();
  const deciders = new Map<string, (work: Promise<Outcome>) => Promise<unknown>>();
  const stopping = new AbortController();
  const spacingMs = Math.min(
    options.startSpacingMs ?? 20,
    intervalMs / 2 / Math.max(1, options.clusters.length),
  );

  for (const [index, cluster] of options.clusters.entries()) {
    const monitor = clusterMonitorFor(cluster, options.store, ...(options.now ? [{ now: options.now }] : []));
    monitors.set(cluster.name, monitor);
    const executor = cluster.remediation.enabled ? (options.executorFor?.(cluster) ?? null) : null;
    let latest: Snapshot | undefined;
    const track = (work: Promise<unknown>) => {
      const done = work
        .catch((error) => log({ level: 'error', cluster: cluster.name, message: errorMessage(error) }))
        .finally(() => pending.delete(done));
      pending.add(done);
    };
    // One delivery round at a time per cluster in this process (the store's lease covers others).
    let delivering: Promise<unknown> = Promise.resolve();
    const deliver = () => {
      delivering = delivering
        .then(() =>
          deliverCluster({
            cluster,
            monitor,
            store: options.store,
            notifiers: options.notifiers,
            owner: options.owner,
            ...(options.delivery ? { policy: options.delivery } : {}),
            ...(options.holderIsDead ? { holderIsDead: options.holderIsDead } : {}),
            ...(options.now ? { now: options.now } : {}),
          }),
        )
        .then((round) => {
          // The DELIVERY_FAILED events are events like any other: printed, counted, shown.
          if (round.recorded.length > 0) options.onEvents?.(cluster.name, round.recorded);
          for (const { channel, event, lastError } of round.failed) {
            log({
              level: 'error',
              cluster: cluster.name,
              message: 'delivery given up',
              channel,
              eventId: event.id,
              lastError,
            });
          }
          for (const { channel, outcome } of round.keptAlive) {
            if (outcome.kind === 'delivered') continue;
            log({
              level: 'error',
              cluster: cluster.name,
              message: 'open alerts not sent again',
              channel,
              reason: outcome.reason,
            });
          }
        });
      track(delivering);
    };
    const act = async (action: RestartAction) => {
      if (!executor) return;
      log({ level: 'info', cluster: cluster.name, action, phase: 'started' });
      const settled = await carryOut(action, {
        executor,
        method: cluster.remediation.method,
        observe: async () => latest ?? Promise.reject(new Error('no observation yet')),
        deadline: action.deadline,
        signal: stopping.signal,
        ...(options.now ? { now: options.now } : {}),
        ...(options.verifyPollMs === undefined ? {} : { pollMs: options.verifyPollMs }),
      });
      await decide(monitor.recordOutcome((now, newId) => outcomeEvent(action, settled, now, newId)));
    };
    const decide = (work: Promise<Outcome>): Promise<unknown> => {
      const handled = work.then((outcome) => {
        if (outcome.kind !== 'committed') return;
        if (outcome.events.length > 0) options.onEvents?.(cluster.name, outcome.events);
        deliver();
        for (const action of outcome.actions) track(act(action));
      });
      track(handled);
      return handled;
    };
    deciders.set(cluster.name, decide);
    watches.push(
      startAfter(index * spacingMs, cluster.name, () =>
        (options.watch ?? watchCluster)(cluster, options.observer, {
          intervalMs,
          onSnapshot: (snapshot, cause) => {
            latest = snapshot;
            options.onSnapshot?.(snapshot, cause);
            decide(monitor.judge(snapshot));
          },
          onSessionEvent: (event) => log({ level: 'info', cluster: cluster.name, zookeeperSession: event }),
        }),
      ),
    );
    clocks.push(
      setInterval(() => {
        decide(monitor.clock());
        // Retries of deliveries that failed earlier.
        deliver();
      }, clockMs),
    );
    deliver();
  }

  return {
    ready: Promise.all(watches.map((watch) => watch.ready)).then(() => undefined),
    monitor(name) {
      const found = monitors.get(name);
      if (!found) throw new Error(`no cluster named ${name} in this loop`);
      return found;
    },
    async decide(name, decision) {
      const monitor = this.monitor(name);
      const work = decision(monitor);
      await deciders.get(name)?.(work);
      return work;
    },
    async close() {
      for (const clock of clocks) clearInterval(clock);
      await Promise.all(watches.map((watch) => watch.close()));
      stopping.abort();
      // Decisions, deliveries and outcomes under way finish before the caller closes the store.
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}

/** A watch begun `delayMs` from now (at once when 0); closing it first means it never begins. */
function startAfter(delayMs: number, cluster: string, begin: () => Watch): Watch {
  if (delayMs <= 0) return begin();
  let watch: Watch | undefined;
  let cancel: (() => void) | undefined;
  const ready = new Promise<Snapshot>((resolve, reject) => {
    const timer = setTimeout(() => {
      cancel = undefined;
      watch = begin();
      watch.ready.then(resolve, reject);
    }, delayMs);
    cancel = () => {
      clearTimeout(timer);
      reject(new Error(`watch of ${cluster} closed before its first snapshot`));
    };
  });
  return {
    ready,
    async close() {
      cancel?.();
      await watch?.close();
    },
  };
}

/**
 * Runs the monitor loop for up to `budgetMs`, then closes it cleanly; `settled`, checked every
 * `checkMs`, ends it sooner (a poll that stayed to watch an incident leaves once it resolved).
 * Resolves with how long it ran.
 */
export async function runLoopFor(
  options: MonitorLoopOptions,
  budgetMs: number,
  { settled, checkMs = 250 }: { settled?: (loop: MonitorLoop) => Promise<boolean>; checkMs?: number } = {},
): Promise<number> {
  const started = Date.now();
  const loop = startMonitorLoop(options);
  try {
    await loop.ready.catch(() => undefined);
    while (Date.now() - started < budgetMs) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(checkMs, budgetMs - (Date.now() - started))),
      );
      if (settled && (await settled(loop))) break;
    }
  } finally {
    await loop.close();
  }
  return Date.now() - started;
}
