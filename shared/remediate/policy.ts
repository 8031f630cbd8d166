/**
 * How bold remediation is, per cluster. Every default errs on the side of not acting: a restart
 * loop or a restart of the wrong node does more harm than a page (docs/remediation.md#why-these-rules).
 */
export interface RemediationPolicy {
  /**
   * Whether the monitor restarts failed nodes of this cluster at all. Default false: remediation is
   * opt-in per cluster; while off, the planner tracks nothing, plans nothing and says nothing (the
   * detection events already tell a person what to restart).
   */
  readonly enabled: boolean;
  /**
   * Plan and record everything (REMEDIATION_STARTED with `facts.dryRun`, cooldowns, the daily cap,
   * the lease) and mark every action `dryRun`, so that the executor calls nothing. Default false.
   * Use it to watch what the monitor would do on a cluster before letting it act.
   */
  readonly dryRun: boolean;
  /**
   * How long the master must have been registered and answering 200 `"OK"`, without a break, before
   * the planner touches any node; also how long after a failover it waits before restarting the old
   * master. Default 60 000 ms: a new master registers before its web server listens (docs/dremio-ha.md#startup-order) and
   * may still lose its lock in its first seconds; a minute of steady answers proves it serves.
   */
  readonly settleMs: number;
  /**
   * After an action on a node, how long before another action on the same node. Default 900 000 ms
   * (15 min): long enough for a restarted master candidate to start and settle as a standby, and it
   * turns a node that keeps failing into a few restarts and a page instead of a restart loop
   * (Exhibitor #308). A need blocked by a cooldown is acted upon when the cooldown ends.
   */
  readonly cooldownMs: number;
  /**
   * The most actions per cluster in any 24 hours (a rolling window, so no burst at midnight).
   * Default 3: a failover and its restart, a second one, and one spare; more than that in a day is a
   * problem a person must look at (orchestrator #1217: repeated recoveries made it worse).
   */
  readonly dailyCap: number;
  /**
   * The lease of an action: no other action starts before its outcome or this long after it
   * started, whichever comes first; without an outcome by then it is recorded as failed. The
   * executor must give up within it. Default 600 000 ms (10 min): stopping and starting an EC2
   * instance and Dremio's start-up on a large catalog take minutes, not tens of minutes.
   */
  readonly actionTimeoutMs: number;
  /**
   * A snapshot older than this (from `observedAt` to now) does not count as seeing the cluster: the
   * planner never acts on stale information and reports `cannot-observe` instead. Default 120 000 ms:
   * two runs of a one-minute schedule (the CLI observes every 10 s).
   */
  readonly maxSnapshotAgeMs: number;
  /**
   * How often a remediation incident that waits for a person (a blocked restart, a failed one) pages
   * again until someone acknowledges it. Default 1 800 000 ms (30 min), as detection's reminders
   * (`clusters[].detection.repeatIntervalMs` sets both).
   */
  readonly repeatIntervalMs: number;
  /**
   * Whether the executor can look before restarting (EC2 with `remediation.ec2.serviceUnit`: is the
   * Dremio service already active?). Without it the plan says the check is not possible. Default false.
   */
  readonly looksBeforeRestart: boolean;
}

const DEFAULTS: RemediationPolicy = {
  enabled: false,
  dryRun: false,
  settleMs: 60_000,
  cooldownMs: 15 * 60_000,
  dailyCap: 3,
  actionTimeoutMs: 10 * 60_000,
  maxSnapshotAgeMs: 120_000,
  repeatIntervalMs: 30 * 60_000,
  looksBeforeRestart: false,
};

type NumericField = {
  [K in keyof RemediationPolicy]: RemediationPolicy[K] extends number ? K : never;
}[keyof RemediationPolicy];

/** Smallest allowed value of each numeric field: a cap of 0 would block every action, silently. */
const MINIMUM: { readonly [K in NumericField]: number } = {
  settleMs: 0,
  cooldownMs: 0,
  dailyCap: 1,
  actionTimeoutMs: 1000,
  maxSnapshotAgeMs: 1000,
  repeatIntervalMs: 1000,
};

/** The defaults with `overrides` applied. Throws a RangeError on a value out of range. */
export function defaultRemediationPolicy(overrides: Partial<RemediationPolicy> = {}): RemediationPolicy {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const policy: RemediationPolicy = { ...DEFAULTS, ...given };
  for (const key of ['enabled', 'dryRun', 'looksBeforeRestart'] as const) {
    if (typeof policy[key] !== 'boolean')
      throw new RangeError(`remediation policy: ${key} must be a boolean`);
  }
  for (const key of Object.keys(MINIMUM) as NumericField[]) {
    const value = policy[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MINIMUM[key]) {
      throw new RangeError(`remediation policy: ${key} must be an integer >= ${MINIMUM[key]}`);
    }
  }
  return Object.freeze(policy);
}
