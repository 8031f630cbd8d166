import { monotonicFactory } from 'ulid';
import type { ClusterConfig } from './config/index.ts';
import {
  type CommandResult,
  type DetectionPolicy,
  type DetectorState,
  detect,
  isMaterialChange,
  type MonitorEvent,
  type Transition,
  tick,
} from './detect/index.ts';
import { type ChannelRoute, incidentsToLookUp, planOutbox } from './notify/routing.ts';
import type { Snapshot } from './observe/snapshot.ts';
import type { Store } from './record/store.ts';

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
}

/** What one decision did. */
export type Outcome =
  | { readonly kind: 'committed'; readonly events: readonly MonitorEvent[]; readonly version: number }
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
  #state: DetectorState | null = null;
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
  }

  /** The state as last decided (committed or not), after loading it when needed. */
  async state(): Promise<DetectorState | null> {
    if (!this.#loaded) await this.#load();
    return this.#state;
  }

  /** Judges a snapshot of this cluster. */
  judge(snapshot: Snapshot): Promise<Outcome> {
    return this.#decide((state, now, newId) => detect(state, snapshot, now, this.#policy, newId));
  }

  /** Time-only transitions (reminders, takeover overdue, maintenance edges) with no new snapshot. */
  clock(): Promise<Outcome> {
    return this.#decide((state, now, newId) => (state ? tick(state, now, this.#policy, newId) : null));
  }

  /** An operator's command (ack, maintenance), through the same commit path. */
  command(
    apply: (state: DetectorState, now: number, newId: () => string) => CommandResult,
  ): Promise<Outcome> {
    return this.#decide((state, now, newId) => {
      if (!state)
        throw new Error(`cluster ${this.cluster.name} has no recorded state yet: run the monitor first`);
      return apply(state, now, newId);
    });
  }

  #decide(
    decide: (
      state: DetectorState | null,
      now: number,
      newId: () => string,
    ) => Transition | CommandResult | null,
  ) {
    const run = async (): Promise<Outcome> => {
      for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
        if (!this.#loaded) await this.#load();
        const now = this.#now();
        const decided = decide(this.#state, now, () => this.#newIdAt(now));
        if (decided === null) return { kind: 'unchanged' };
        if ('kind' in decided && decided.kind === 'rejected')
          return { kind: 'rejected', error: decided.error };
        const { state, events } = decided;
        const material = events.length > 0 || isMaterialChange(this.#state, state);
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
          return events.length > 0
            ? { kind: 'committed', events, version: result.version }
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
    this.#state = (stored.state as DetectorState | null) ?? null;
    this.#version = stored.version;
    this.#loaded = true;
  }
}
