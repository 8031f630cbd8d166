/**
 * How patient detection is. Every default comes from how Dremio behaves
 * (docs/dremio-ha.md) and from what operators ask of a monitor (docs/detection.md#why-it-waits).
 */
export interface DetectionPolicy {
  /**
   * How long a registered master must refuse connections, over at least two probes, before
   * MASTER_UNRESPONSIVE (critical). Default 1000 ms: a refusal means nothing listens on the web
   * port; a master that answered and now refuses has no process behind the port (it died or is
   * dying), so two refusals a second apart are enough. A master that has never answered since it
   * registered is starting instead (`startupGraceMs`).
   */
  readonly masterRefusedMs: number;
  /**
   * How long a registered master or a secondary coordinator may time out or be unreachable, over
   * at least two probes, before it is announced (MASTER_UNRESPONSIVE as a warning,
   * COORDINATOR_DOWN). Default 10 000 ms: a timeout can be a garbage-collection pause or overload
   * that passes, and a process that is only frozen keeps its ZooKeeper session.
   */
  readonly noAnswerMs: number;
  /**
   * A master registered less than this long ago that has never answered is starting, not
   * unresponsive: Dremio registers before its web server listens. Default 60 000 ms.
   */
  readonly startupGraceMs: number;
  /**
   * How long `B/master` must stay empty (and over at least `confirmSnapshots` snapshots) before
   * MASTER_DOWN. Default 10 000 ms: a clean restart deregisters and the standby registers within
   * a few seconds (bench: SIGTERM to standby serving in about 0.3 s, plus Dremio's 5 s query grace
   * period, docs/dremio-ha.md#failover-timing); a longer gap is an outage.
   */
  readonly masterDownConfirmMs: number;
  /**
   * Consecutive snapshots that must agree before a condition is raised (MASTER_DOWN,
   * SPLIT_BRAIN_SUSPECTED, EXECUTORS_LOW, ZOOKEEPER_*, OBSERVATION_FAILED). Default 2: one
   * observation is never enough to page (docs/detection.md#why-it-waits); recoveries need one snapshot.
   */
  readonly confirmSnapshots: number;
  /**
   * Dremio's ZooKeeper session timeout for TAKEOVER_OVERDUE. Default null: the timeout ZooKeeper
   * granted the monitor's own session (same server caps, docs/dremio-ha.md#sessions), else 90 000 ms (Dremio's
   * `zk.client.session.timeout`). Set it when the monitor requests a shorter session than Dremio.
   */
  readonly sessionTimeoutMs: number | null;
  /**
   * Time a standby needs, after the old master's session expired, to take the catalog lock, win
   * the latch, start every service and register (docs/dremio-ha.md#failover-timing).
   * Default 180 000 ms: a large catalog takes minutes to open; past that, nobody is taking
   * over and TAKEOVER_OVERDUE asks a person to act.
   */
  readonly standbyStartupBudgetMs: number;
  /**
   * How long a secondary coordinator (role `coordinator`) may refuse connections or answer
   * anything but `"OK"`, over at least two probes, before COORDINATOR_DOWN. Default 5000 ms: long
   * enough to ride out a hiccup, short enough to warn in seconds. Timeouts wait `noAnswerMs`. A
   * 503 `"MASTER_DOWN"` while no master is registered is the master's fault and does not count.
   */
  readonly coordinatorDownMs: number;
  /**
   * How long the monitor may be blind (OBSERVATION_FAILED) before that is critical itself: nobody
   * is watching the cluster, and a failover would go unannounced. Default 300 000 ms (5 min): longer
   * than a ZooKeeper leader election or a network blip, shorter than an outage nobody hears of.
   */
  readonly blindCriticalMs: number;
  /**
   * The fewest registered executors (config `clusters[].executors.minimum`). Default 0: never
   * EXECUTORS_LOW.
   */
  readonly minimumExecutors: number;
  /**
   * Leadership changes (failovers and restarts) within `flapWindowMs` that make an episode of
   * FLAPPING. Default 3: one failover is an incident, a second may be the failed master restarted
   * and winning again, a third is a loop (Patroni #825, Exhibitor #308).
   */
  readonly flapChanges: number;
  /** The sliding window for `flapChanges`. Default 1 800 000 ms (30 min). */
  readonly flapWindowMs: number;
  /**
   * INCIDENT_REMINDER interval for an open, unacknowledged incident. Default 1 800 000 ms
   * (30 min): often enough that an incident is not forgotten overnight, rare enough not to
   * drown a channel (Alertmanager repeats every 4 h, which operators find too quiet for an
   * outage).
   */
  readonly repeatIntervalMs: number;
}

/** Dremio's requested session timeout (docs/dremio-ha.md#sessions), used when nothing better is known. */
export const DREMIO_SESSION_TIMEOUT_MS = 90_000;

const DEFAULTS: DetectionPolicy = {
  masterRefusedMs: 1000,
  noAnswerMs: 10_000,
  startupGraceMs: 60_000,
  masterDownConfirmMs: 10_000,
  confirmSnapshots: 2,
  sessionTimeoutMs: null,
  standbyStartupBudgetMs: 180_000,
  coordinatorDownMs: 5000,
  blindCriticalMs: 300_000,
  minimumExecutors: 0,
  flapChanges: 3,
  flapWindowMs: 30 * 60_000,
  repeatIntervalMs: 30 * 60_000,
};

/** Smallest allowed value of each numeric field (counts need at least one snapshot). */
const MINIMUM: { readonly [K in keyof DetectionPolicy]: number } = {
  masterRefusedMs: 0,
  noAnswerMs: 0,
  startupGraceMs: 0,
  masterDownConfirmMs: 0,
  confirmSnapshots: 1,
  sessionTimeoutMs: 1,
  standbyStartupBudgetMs: 0,
  coordinatorDownMs: 0,
  blindCriticalMs: 0,
  minimumExecutors: 0,
  flapChanges: 2,
  flapWindowMs: 1,
  repeatIntervalMs: 1,
};

/** The defaults with `overrides` applied. Throws a RangeError on a value that is not an integer in range. */
export function defaultPolicy(overrides: Partial<DetectionPolicy> = {}): DetectionPolicy {
  const policy: DetectionPolicy = { ...DEFAULTS, ...withoutUndefined(overrides) };
  for (const key of Object.keys(MINIMUM) as (keyof DetectionPolicy)[]) {
    const value = policy[key];
    if (value === null && key === 'sessionTimeoutMs') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MINIMUM[key]) {
      throw new RangeError(`detection policy: ${key} must be an integer >= ${MINIMUM[key]}`);
    }
  }
  return Object.freeze(policy);
}

function withoutUndefined(overrides: Partial<DetectionPolicy>): Partial<DetectionPolicy> {
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
}

/** The session timeout TAKEOVER_OVERDUE counts with: the policy's, else the observed one, else Dremio's. */
export function sessionTimeoutFor(policy: DetectionPolicy, observedMs: number | null): number {
  return policy.sessionTimeoutMs ?? observedMs ?? DREMIO_SESSION_TIMEOUT_MS;
}

/** Timers and clock reads jitter by a few ms: a probe one interval after another counts as one interval. */
const PROBE_JITTER_MS = 50;

/** Whether what began at `since` (a probe time) has lasted `ms` by the probe at `at`. */
export function lasted(since: number, at: number, ms: number): boolean {
  return at - since + PROBE_JITTER_MS >= ms;
}
