import type { Acknowledgement } from '../detect/state.ts';
import type { GuardrailRule, RestartReason } from '../events/facts.ts';
import type { Severity } from '../events/types.ts';

/**
 * What the planner remembers about one cluster between runs. Plain JSON (times are epoch ms), kept
 * apart from the DetectorState: detection never reads it, and a change of its shape needs a new
 * `schemaVersion`. It is committed with the planner's events, conditionally on the version read,
 * so two monitors never both start an action (the `inFlight` lease).
 */
export interface RemediationState {
  schemaVersion: typeof REMEDIATION_STATE_SCHEMA_VERSION;
  cluster: string;
  /** observedAt of the newest snapshot that updated `masterHealth`; older snapshots do not. */
  lastObservedAt: number | null;
  /** The current master since it was first seen registered and answering 200, or null. */
  masterHealth: MasterHealth | null;
  /** Restarts wanted and not yet done, oldest first: they persist until done or no longer needed. */
  needs: Need[];
  /** The lease: the one action of the cluster in flight, or null. */
  inFlight: InFlight | null;
  /** Per node (lower-case address): no action on it before this time. Expired entries are dropped. */
  cooldowns: Record<string, number>;
  /** When each action of the last 24 hours started, oldest first: the daily cap counts them. */
  actionsAt: number[];
}

export const REMEDIATION_STATE_SCHEMA_VERSION = 1;

export interface MasterHealth {
  /** The master's identity (docs/dremio-ha.md#master-identity): a new process starts a new settle period. */
  address: string;
  fabricPort: number;
  startTime: number;
  /** observedAt of the first snapshot of an unbroken run in which it was registered and answered OK. */
  since: number;
}

// Why a node needs a restart (RestartReason) and the guardrails that hold one back (GuardrailRule)
// are part of the events' facts, so they are defined with them (events/facts.ts).

/** One node to restart, and how far its remediation got. */
export interface Need {
  /** As configured (case kept); compared without case. */
  address: string;
  role: 'master-candidate' | 'coordinator';
  reason: RestartReason;
  /** When the need arose (the failover or COORDINATOR_DOWN). */
  since: number;
  /** Not acted upon before this time (a failed master: the failover + settleMs). */
  dueAt: number;
  /** Id of the event that raised it, or null when it came from the detector's state. */
  cause: string | null;
  /** The remediation incident `<cluster>/remediation/<id>`, once an event about this need was emitted. */
  incidentKey: string | null;
  /** The block episode under way: it paged once and stays until the need is acted upon or goes away. */
  blocked: BlockEpisode | null;
  /** The id of its action in flight, or null. */
  actionId: string | null;
  /** The id of its latest action, for outcomes that arrive after the lease expired. */
  lastActionId: string | null;
  /** Actions started for it so far. */
  attempts: number;
  /** Why no more actions are tried (a failure retrying cannot fix), or null. */
  stopped: string | null;
  /**
   * The incident waits for a person: it last paged with a block or a failure (reminded every
   * `repeatIntervalMs` until acknowledged or acted upon). Null while nothing pages (an action in
   * flight, a block held back by maintenance). Absent in states written before reminders existed.
   */
  paging?: Paging | null;
  /** A person took the incident (`ack`): no reminders until the next block or failure. */
  acknowledged?: Acknowledgement | null;
}

export interface Paging {
  severity: Severity;
  /** The paging event's summary, repeated by its reminders. */
  summary: string;
  /** When it last paged (the event or its latest reminder). */
  lastNotifiedAt: number;
}

export interface BlockEpisode {
  rule: GuardrailRule;
  /** When the rule stops blocking, if known (a cooldown, a window's end); null for a condition. */
  until: number | null;
  since: number;
  /** The REMEDIATION_BLOCKED event that opened the episode. */
  eventId: string;
  /** Opened during a maintenance window, so it did not page: the first block after the window pages. */
  suppressed: boolean;
}

export interface InFlight {
  id: string;
  address: string;
  role: 'master-candidate' | 'coordinator';
  reason: RestartReason;
  instanceId: string | null;
  startedAt: number;
  /** The lease's expiry: startedAt + actionTimeoutMs. */
  deadline: number;
  incidentKey: string;
  dryRun: boolean;
}

/** The state before any run of the planner for `cluster`. */
export function initialRemediationState(cluster: string): RemediationState {
  return {
    schemaVersion: REMEDIATION_STATE_SCHEMA_VERSION,
    cluster,
    lastObservedAt: null,
    masterHealth: null,
    needs: [],
    inFlight: null,
    cooldowns: {},
    actionsAt: [],
  };
}

/** A deep copy to work on: the planner never changes its input. */
export function cloneRemediationState(state: RemediationState): RemediationState {
  if (state.schemaVersion !== REMEDIATION_STATE_SCHEMA_VERSION) {
    throw new TypeError(`remediation state: unsupported schemaVersion ${String(state.schemaVersion)}`);
  }
  return structuredClone(state);
}
