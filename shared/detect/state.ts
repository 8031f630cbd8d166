import type { MonitorEvent, Severity } from '../events/types.ts';
import type { ServerStatusKind } from '../observe/server-status.ts';

/**
 * What detection remembers about one cluster between snapshots. Plain JSON (numbers are epoch
 * ms): it is stored as it is (DynamoDB) and read back by the next run, so a change of shape needs
 * a new `schemaVersion`.
 */
export interface DetectorState {
  schemaVersion: typeof STATE_SCHEMA_VERSION;
  cluster: string;
  /** observedAt of the newest snapshot judged; older or equal snapshots are ignored. */
  lastObservedAt: number | null;
  /** When the latest server_status answers judged were probed: a repeated answer is not a new probe. */
  lastHttpObservedAt?: number | null;
  /** When ZooKeeper was last observed (tree or four-letter words): a repeated observation counts once. */
  lastZooKeeperObservedAt?: number | null;
  /** The latest time the time-only transitions ran at (tick, detect, commands): never goes back. */
  clockAt: number | null;
  /** The session timeout ZooKeeper granted in the latest snapshot that said, for TAKEOVER_OVERDUE. */
  observedSessionTimeoutMs: number | null;
  /** Whether the latest snapshot let us judge the master; while blind, the master state is frozen. */
  visibility: Visibility;
  master: MasterTrack;
  splitBrain: Condition;
  executors: Condition;
  zookeeper: ZooKeeperTrack;
  /** OBSERVATION_FAILED: ZooKeeper unreadable while its quorum is not known lost. */
  observation: Condition;
  /** When the blindness was escalated to critical (nobody is watching); null or absent: not yet. */
  blindEscalatedAt?: number | null;
  /** Secondary coordinators (role `coordinator`), in configuration order. */
  coordinators: CoordinatorTrack[];
  leadership: LeadershipTrack;
  /** Open incidents only: a resolved incident leaves the list (and so is resolved once). */
  incidents: Incident[];
  /** Scheduled and active windows; a window leaves the list when it ends. */
  maintenance: MaintenanceWindow[];
}

export const STATE_SCHEMA_VERSION = 1;

export type Visibility = { kind: 'seeing' } | { kind: 'blind'; since: number };

/** A registration as detection keeps it. Identity: (address, fabricPort, startTime). */
export interface MasterRecord {
  address: string;
  fabricPort: number;
  startTime: number;
  registeredAt: number;
  version: string;
  znode: string;
  ephemeralOwner: string;
}

/**
 * The registered master's web server, judged over its server_status probes. `lastAnsweredAt`: when
 * this registration last answered at all (null: never, since the monitor first saw it; absent in
 * states stored before it was kept).
 */
export type Responsiveness =
  | { kind: 'answering'; lastAnsweredAt?: number | null }
  /**
   * Refused, timed out or unreachable since `since` (`probes` probes), not yet announced.
   * `refusedSince`: the start of the current run of refusals, null when the latest answer was not one.
   */
  | {
      kind: 'silent';
      since: number;
      probes: number;
      answer: ServerStatusKind;
      refusedSince?: number | null;
      lastAnsweredAt?: number | null;
    }
  /** MASTER_UNRESPONSIVE was emitted; `failoverExpectedAt`: when ZooKeeper should expire its session. */
  | {
      kind: 'unresponsive';
      since: number;
      probes: number;
      answer: ServerStatusKind;
      lastAnsweredAt?: number | null;
      failoverExpectedAt?: number | null;
    };

export interface PresentMaster {
  kind: 'present';
  master: MasterRecord;
  /** observedAt of the latest snapshot that showed this registration. */
  lastSeenAt: number;
  responsiveness: Responsiveness;
}

export type MasterDown =
  | { kind: 'unconfirmed' }
  | { kind: 'declared'; at: number; takeover: 'waiting' | 'overdue' };

export interface AbsentMaster {
  kind: 'absent';
  /** The master last seen, or null when none was ever seen. */
  previous: PresentMaster | null;
  /** observedAt of the first snapshot without a master. */
  since: number;
  /** Snapshots without a master, counting only those that could see. */
  snapshots: number;
  down: MasterDown;
}

export type MasterTrack = { kind: 'unknown' } | PresentMaster | AbsentMaster;

/** A condition confirmed over snapshots: clear, seen but unconfirmed, or raised with its incident. */
export type Condition =
  | { kind: 'clear' }
  | { kind: 'pending'; since: number; snapshots: number }
  | { kind: 'raised'; since: number; incidentKey: string };

export type ZooKeeperLevel = 'healthy' | 'degraded' | 'quorum_lost';

export type ZooKeeperTrack =
  | { kind: 'clear' }
  | { kind: 'pending'; since: number; snapshots: number }
  /** `worse`: consecutive snapshots worse than `level`, to confirm an escalation. */
  | {
      kind: 'raised';
      since: number;
      incidentKey: string;
      level: Exclude<ZooKeeperLevel, 'healthy'>;
      worse: number;
    };

export interface CoordinatorTrack {
  address: string;
  condition: Condition;
  /**
   * What a raised condition means: `unreachable`, the monitor gets no answer but Dremio still counts
   * the coordinator (its registration lives); `down`, both agree. Absent in states stored before: down.
   */
  verdict?: 'unreachable' | 'down';
}

export interface LeadershipTrack {
  /** observedAt of each leadership change (failover or restart) within the flap window. */
  changes: number[];
  episode: { kind: 'steady' } | { kind: 'flapping'; since: number; incidentKey: string };
}

export type IncidentKind =
  | 'master'
  | 'split_brain'
  | 'coordinator'
  | 'executors'
  | 'zookeeper'
  | 'observation';

export interface Acknowledgement {
  by: string;
  reason: string;
  at: number;
}

export interface Incident {
  /** `<cluster>/<kind>/<opening event id>`, at most 255 characters. */
  key: string;
  kind: IncidentKind;
  /** The coordinator's address for `coordinator`; null otherwise. */
  subject: string | null;
  openedAt: number;
  /** Id of the event that opened it. */
  openedBy: string;
  /** Severity and summary of its latest event (reminders repeat them). */
  severity: Severity;
  summary: string;
  /** When it last paged (an unsuppressed event); null when it opened during maintenance. */
  lastNotifiedAt: number | null;
  acknowledged?: Acknowledgement;
}

export interface MaintenanceWindow {
  id: string;
  start: number;
  end: number;
  owner: string;
  reason: string;
  status: 'scheduled' | 'active';
}

/** The state before any snapshot of `cluster`. */
export function initialState(cluster: string): DetectorState {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    cluster,
    lastObservedAt: null,
    clockAt: null,
    observedSessionTimeoutMs: null,
    visibility: { kind: 'seeing' },
    master: { kind: 'unknown' },
    splitBrain: { kind: 'clear' },
    executors: { kind: 'clear' },
    zookeeper: { kind: 'clear' },
    observation: { kind: 'clear' },
    coordinators: [],
    leadership: { changes: [], episode: { kind: 'steady' } },
    incidents: [],
    maintenance: [],
  };
}

/** A deep copy to work on: the functions of this module never change their input. */
export function cloneState(state: DetectorState): DetectorState {
  if (state.schemaVersion !== STATE_SCHEMA_VERSION) {
    throw new TypeError(`detector state: unsupported schemaVersion ${String(state.schemaVersion)}`);
  }
  return structuredClone(state);
}

/** The result of detect and tick: the next state and what happened. */
export interface Transition {
  readonly state: DetectorState;
  readonly events: MonitorEvent[];
}
