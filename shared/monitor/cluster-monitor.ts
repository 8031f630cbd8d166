import { monotonicFactory } from 'ulid';
import type { ClusterConfig } from '../config/index.ts';
import {
  acknowledge,
  type CommandResult,
  type DetectionPolicy,
  type DetectorState,
  defaultPolicy,
  detect,
  isMaterialChange,
  tick,
} from '../detect/index.ts';
import type { MonitorEvent } from '../events/types.ts';
import { type ChannelRoute, incidentsToLookUp, planOutbox } from '../notify/routing.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import type { Store } from '../record/store.ts';
import { acknowledgeRemediation } from '../remediate/acknowledge.ts';
import { applyOutcomes } from '../remediate/in-flight.ts';
import { planRemediation } from '../remediate/plan.ts';
import type { RestartAction } from '../remediate/plan-types.ts';
import { defaultRemediationPolicy, type RemediationPolicy } from '../remediate/policy.ts';
import { isMaterialRemediationChange, type MonitorState, monitorStateOf } from './monitor-state.ts';

export interface ClusterMonitorOptions {
  readonly store: Store;
  readonly policy: DetectionPolicy;
  /** @default Date.now */
  readonly now?: () => number;
  /** Event ids; must be upper-case ULIDs whose time is the decision's. @default ulid's monotonic factory */
  readonly newIdAt?: (now: number) => string;
  /** How long a state whose only changes are bookkeeping may go unwritten. @default 300000 */
  readonly heartbeatMs?: number;
  /** Attempts when another monitor commits first. @default 5 */
  readonly maxAttempts?: number;
  /** Which channels get which events; deliveries are committed with their events. @default none */
  readonly routes?: readonly ChannelRoute[];
  /** Remediation: the planner runs after detection on every snapshot. @default off */
  readonly remediation?: {
    readonly policy: RemediationPolicy;
    /** Address -> EC2 instance id, from the configuration. */
    readonly instanceIds: ReadonlyMap<string, string>;
  };
}

/** A decision: the next state and what it records. */
interface Decided {
  readonly state: MonitorState;
  readonly events: readonly MonitorEvent[];
  readonly actions?: readonly RestartAction[];
}

/** What one decision did. */
export type Outcome =
  | {
      readonly kind: 'committed';
      readonly events: readonly MonitorEvent[];
      readonly version: number;
      /** Restarts the planner started in this commit (their lease is committed): carry them out. */
      readonly actions: readonly RestartAction[];
    }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'rejected'; readonly error: Extract<CommandResult, { kind: 'rejected' }>['error'] };

/**
 * Judges one cluster and records the outcome: detect (pure) then one conditional commit of state and
 * events. Another monitor committing first is a conflict: re-read, re-decide, so racing monitors
 * record one set of events. A decision that changes only bookkeeping is not written (until the
 * heartbeat), so an unchanged cluster costs no write. The state is kept in memory between decisions.
 */
export class ClusterMonitor {
  readonly #store: Store;
  readonly #policy: DetectionPolicy;
  readonly #now: () => number;
  readonly #newIdAt: (now: number) => string;
  readonly #heartbeatMs: number;
  readonly #maxAttempts: number;
  readonly #routes: readonly ChannelRoute[];
  readonly #remediation: ClusterMonitorOptions['remediation'];
  #state: MonitorState | null = null;
  #version = 0;
  #loaded = false;
  #writtenAt = Number.NEGATIVE_INFINITY;
  /** Decisions run one at a time, in order. */
  #chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly cluster: ClusterConfig,
    options: ClusterMonitorOptions,
  ) {
    this.#store = options.store;
    this.#policy = options.policy;
    this.#now = options.now ?? Date.now;
    const next = monotonicFactory();
    this.#newIdAt = options.newIdAt ?? ((now) => next(now));
    this.#heartbeatMs = options.heartbeatMs ?? 300_000;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#routes = options.routes ?? [];
    this.#remediation = options.remediation;
  }

  /** The state as last decided (committed or not), after loading it when needed. */
  async state(): Promise<DetectorState | null> {
    if (!this.#loaded) await this.#load();
    return this.#state?.detector ?? null;
  }

  /** Both states as last decided. */
  async monitorState(): Promise<MonitorState | null> {
    if (!this.#loaded) await this.#load();
    return this.#state;
  }

  /**
   * Judges a snapshot of this cluster: detection, then (when remediation is on) the planner over
   * the detection's events, committed together.
   */
  judge(snapshot: Snapshot): Promise<Outcome> {
    return this.#decide((state, now, newId) => {
      const detected = detect(state?.detector ?? null, snapshot, now, this.#policy, newId);
      const remediation = this.#remediation;
      if (!remediation)
        return {
          state: { detector: detected.state, remediation: state?.remediation ?? null },
          events: detected.events,
        };
      const planned = planRemediation({
        previous: state?.remediation ?? null,
        snapshot,
        events: detected.events,
        detector: detected.state,
        policy: remediation.policy,
        now,
        newId,
        instanceIds: remediation.instanceIds,
      });
      return {
        state: { detector: detected.state, remediation: planned.state },
        events: [...detected.events, ...planned.events],
        actions: planned.actions,
      };
    });
  }

  /** Time-only transitions (reminders, takeover overdue, maintenance edges) with no new snapshot. */
  clock(): Promise<Outcome> {
    return this.#decide((state, now, newId) => {
      if (!state) return null;
      const ticked = tick(state.detector, now, this.#policy, newId);
      return ticked && { state: { ...state, detector: ticked.state }, events: ticked.events };
    });
  }

  /** An operator's command (ack, maintenance), through the same commit path. */
  command(
    apply: (state: DetectorState, now: number, newId: () => string) => CommandResult,
  ): Promise<Outcome> {
    return this.#decide((state, now, newId) => {
      if (!state)
        throw new Error(`cluster ${this.cluster.name} has no recorded state yet: run the monitor first`);
      const result = apply(state.detector, now, newId);
      return result.kind === 'rejected'
        ? result
        : { state: { ...state, detector: result.state }, events: result.events };
    });
  }

  /**
   * A person acknowledges an incident: detection's, or a remediation incident (a blocked or failed
   * restart). Either way INCIDENT_ACKNOWLEDGED is recorded and the reminders stop.
   */
  acknowledge(incidentKey: string, by: string, reason: string): Promise<Outcome> {
    return this.#decide((state, now, newId) => {
      if (!state)
        throw new Error(`cluster ${this.cluster.name} has no recorded state yet: run the monitor first`);
      const detected = acknowledge(state.detector, incidentKey, by, reason, now, newId);
      const remediation = state.remediation;
      if (detected.kind === 'applied')
        return { state: { ...state, detector: detected.state }, events: detected.events };
      if (detected.error.kind !== 'unknown_incident' || !remediation) return detected;
      const taken = acknowledgeRemediation(remediation, incidentKey, by, reason, now, newId);
      return taken.kind === 'applied'
        ? { state: { ...state, remediation: taken.state }, events: taken.events }
        : { ...detected, error: taken.error };
    });
  }

  /**
   * Records the outcome of a restart (REMEDIATION_SUCCEEDED or REMEDIATION_FAILED, made by
   * `remediationSucceeded` / `remediationFailed`) and releases its lease, in one commit.
   */
  recordOutcome(make: (now: number, newId: () => string) => MonitorEvent): Promise<Outcome> {
    return this.#decide((state, now, newId) => {
      if (!state) throw new Error(`cluster ${this.cluster.name} has no recorded state yet`);
      const event = make(now, newId);
      const remediation = state.remediation && applyOutcomes(state.remediation, [event]);
      return { state: { ...state, remediation }, events: [event] };
    });
  }

  #decide(
    decide: (
      state: MonitorState | null,
      now: number,
      newId: () => string,
    ) => Decided | Extract<CommandResult, { kind: 'rejected' }> | null,
  ) {
    const run = async (): Promise<Outcome> => {
      for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
        if (!this.#loaded) await this.#load();
        const now = this.#now();
        const decided = decide(this.#state, now, () => this.#newIdAt(now));
        if (decided === null) return { kind: 'unchanged' };
        if ('kind' in decided) return { kind: 'rejected', error: decided.error };
        const { state, events, actions = [] } = decided;
        const material =
          events.length > 0 ||
          isMaterialChange(this.#state?.detector ?? null, state.detector) ||
          isMaterialRemediationChange(this.#state?.remediation ?? null, state.remediation);
        if (!material && now - this.#writtenAt < this.#heartbeatMs) {
          this.#state = state;
          return { kind: 'unchanged' };
        }
        const outbox = await this.#outbox(events, now);
        const result = await this.#store.commit(this.cluster.name, this.#version, state, events, outbox);
        if (result.kind === 'committed') {
          this.#state = state;
          this.#version = result.version;
          this.#writtenAt = now;
          return events.length > 0 || actions.length > 0
            ? { kind: 'committed', events, version: result.version, actions }
            : { kind: 'unchanged' };
        }
        this.#loaded = false;
      }
      throw new Error(
        `cluster ${this.cluster.name}: state kept moving under ${this.#maxAttempts} attempts to commit`,
      );
    };
    const next = this.#chain.then(run, run);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Records events that are not the detector's (DELIVERY_FAILED), with the state unchanged. */
  record(make: (now: number, newId: () => string) => MonitorEvent[]): Promise<Outcome> {
    return this.#decide((state, now, newId) => {
      if (!state) throw new Error(`cluster ${this.cluster.name} has no recorded state yet`);
      return { state, events: make(now, newId) };
    });
  }

  async #outbox(events: readonly MonitorEvent[], now: number) {
    if (this.#routes.length === 0 || events.length === 0) return { deliveries: [], routes: [] };
    const keys = incidentsToLookUp(events);
    const known = new Map(
      await Promise.all(
        keys.map(async (key) => [key, await this.#store.incidentRoute(this.cluster.name, key)] as const),
      ),
    );
    return planOutbox(events, this.#routes, known, now);
  }

  async #load(): Promise<void> {
    const stored = await this.#store.load(this.cluster.name);
    this.#state = monitorStateOf(stored.state);
    this.#version = stored.version;
    this.#loaded = true;
  }
}

/** The remediation policy a cluster's configuration asks for. */
export function remediationPolicyOf(cluster: ClusterConfig): RemediationPolicy {
  const { enabled, dryRun, settleMs, cooldownMs, dailyCap, actionTimeoutMs, maxSnapshotAgeMs } =
    cluster.remediation;
  return defaultRemediationPolicy({
    enabled,
    dryRun,
    settleMs,
    cooldownMs,
    dailyCap,
    actionTimeoutMs,
    maxSnapshotAgeMs,
    repeatIntervalMs: cluster.detection.repeatIntervalMs,
    looksBeforeRestart: cluster.remediation.ec2.serviceUnit !== undefined,
  });
}

/** A ClusterMonitor as the configuration asks: its detection policy, routes and remediation. */
export function clusterMonitorFor(
  cluster: ClusterConfig,
  store: Store,
  options: Omit<ClusterMonitorOptions, 'store' | 'policy'> = {},
): ClusterMonitor {
  const instanceIds = new Map(
    cluster.coordinators.flatMap((node) =>
      node.instanceId ? [[node.address, node.instanceId] as const] : [],
    ),
  );
  return new ClusterMonitor(cluster, {
    store,
    policy: defaultPolicy({ ...cluster.detection, minimumExecutors: cluster.executors.minimum }),
    routes: cluster.routes,
    ...(cluster.remediation.enabled
      ? { remediation: { policy: remediationPolicyOf(cluster), instanceIds } }
      : {}),
    ...options,
  });
}
