/**
 * The facts of each event type: what detection and remediation write, and what presentation reads.
 * Times are ISO strings, durations milliseconds. Events recorded by an older version may lack a
 * field added since, so whatever shows facts to people reads them through `read.ts`.
 */

/** A master's identity: a new process means a new start time. */
export interface MasterIdentity {
  readonly address: string;
  readonly fabricPort: number;
  readonly startTime: number;
}

/** The identity, registration and ZooKeeper session of a master. */
export interface MasterFacts extends MasterIdentity {
  readonly startedAt: string;
  readonly registeredAt: string;
  readonly version: string;
  readonly znode: string;
  readonly ephemeralOwner: string;
}

/** A server_status answer as the probe classified it (`kind`, and what went wrong). */
export interface ProbeAnswer {
  readonly kind: string;
  readonly latencyMs?: number;
  readonly statusCode?: number;
  readonly phase?: string;
  readonly reason?: string;
  readonly bodyExcerpt?: string;
}

/** What one ZooKeeper server answered the four-letter words. */
export interface ZooKeeperServerFacts {
  readonly server: string;
  readonly state: string;
  readonly mode: string | null;
  readonly detail: string | null;
}

export interface ObservationProblemFacts {
  readonly kind: string;
  readonly where: string;
  readonly detail: string;
}

/** Present on any event recorded while a maintenance window is active (then it does not page). */
export interface MaintenanceHold {
  readonly windowId: string;
  readonly owner: string;
  readonly until: string;
}

/** Present on a master change recorded while leadership flaps (then it does not page). */
export interface FlappingHold {
  readonly since: string;
  readonly changes: number;
}

/** What any event may carry besides its own facts: why it is held back from paging. */
export interface HoldFacts {
  readonly maintenance?: MaintenanceHold;
  readonly flapping?: FlappingHold;
}

/** Why a node needs a restart. */
export type RestartReason = 'failed-master' | 'coordinator-down';

/** The guardrails that hold a restart back. */
export type GuardrailRule =
  | 'no-quorum'
  | 'cannot-observe'
  | 'target-is-master'
  | 'master-unhealthy'
  | 'maintenance'
  | 'in-flight'
  | 'cooldown'
  | 'daily-cap';

/** The node a remediation event is about. */
export interface RestartTargetFacts {
  readonly address: string;
  readonly role: 'master-candidate' | 'coordinator';
  readonly instanceId: string | null;
  readonly reason: RestartReason;
}

interface MasterChangeFacts {
  readonly from: MasterIdentity;
  readonly to: MasterIdentity;
  /** From the old master's last sighting to the new one's registration: an upper bound. */
  readonly outageMs: number;
  /** From the new master's registration to this event. */
  readonly detectedMs: number;
  readonly lastSeenAt: string;
  readonly previous: MasterFacts;
  readonly master: MasterFacts;
  /** The change happened while the monitor could not observe ZooKeeper. */
  readonly observedGap: boolean;
  readonly masterDownAt: string | null;
}

interface CoordinatorFailingFacts {
  readonly address: string;
  readonly webUrl: string;
  readonly registered: boolean;
  readonly answer: ProbeAnswer;
  readonly probes?: number;
  readonly since: string;
}

interface ExecutorFacts {
  readonly count: number;
  readonly minimum: number;
  readonly addresses: readonly string[];
  readonly since: string;
}

interface ZooKeeperFacts {
  readonly servers: readonly ZooKeeperServerFacts[];
  readonly quorum: boolean | null;
  readonly since: string;
}

interface IncidentFacts {
  /** The incident's kind (`master`, `coordinator`, `remediation`...) and its subject, if any. */
  readonly incidentKind: string;
  readonly subject: string | null;
  readonly openedAt: string;
  readonly openedBy?: string;
}

interface WindowFacts {
  readonly windowId: string;
  readonly start: string;
  readonly end: string;
  readonly owner: string;
  readonly reason: string;
}

/** The facts every remediation outcome starts with; the executor adds what it saw. */
export interface OutcomeFacts {
  readonly actionId: string;
  readonly target: RestartTargetFacts;
  readonly dryRun: boolean;
  /** What the executor saw and did (instance states, request ids, verification...). */
  readonly [executorFact: string]: unknown;
}

export interface FactsByType {
  readonly MASTER_UNRESPONSIVE: HoldFacts & {
    readonly master: MasterIdentity;
    /** The latest server_status answer kind (`refused`, `timeout`...). */
    readonly answer: string | null;
    /** `refused`: nothing listens (critical); `no_answer`: hung, paused or unreachable. */
    readonly evidence: 'refused' | 'no_answer';
    readonly probes: number;
    readonly silentSince: string;
    readonly lastAnsweredAt: string | null;
    readonly sessionTimeoutMs: number;
    readonly failoverExpectedBy: string | null;
    readonly ephemeralOwner: string;
  };
  readonly MASTER_RESPONSIVE: HoldFacts & {
    readonly master: MasterIdentity;
    readonly answer: string | null;
    readonly silentSince: string;
  };
  readonly MASTER_DOWN: HoldFacts & {
    readonly previous: MasterFacts | null;
    readonly lastSeenAt: string | null;
    readonly absentSince: string;
    readonly downForMs: number;
    readonly snapshots: number;
    readonly latchParticipants: number;
    readonly latchLeader: string | null;
    readonly coordinatorsAnsweringMasterDown: readonly string[];
    readonly takeoverExpectedBy: string;
  };
  readonly FAILOVER_COMPLETED: HoldFacts & MasterChangeFacts;
  readonly MASTER_RESTARTED: HoldFacts & MasterChangeFacts;
  readonly MASTER_RETURNED: HoldFacts & {
    readonly master: MasterFacts;
    readonly previous: MasterIdentity | null;
    readonly downForMs: number;
    readonly sessionRenewed: boolean;
  };
  readonly ZK_SESSION_RENEWED: HoldFacts & {
    readonly master: MasterIdentity;
    readonly fromSession: string;
    readonly toSession: string;
    readonly fromZnode: string;
    readonly toZnode: string;
  };
  readonly SPLIT_BRAIN_SUSPECTED: HoldFacts & {
    readonly masters: ReadonlyArray<MasterIdentity & { readonly ephemeralOwner: string }>;
    readonly since: string;
    readonly snapshots: number;
    readonly latchLeader: string | null;
    readonly leaderIsMaster: boolean | null;
  };
  readonly SPLIT_BRAIN_RESOLVED: HoldFacts & {
    readonly master: MasterIdentity | null;
    readonly since: string;
  };
  readonly COORDINATOR_UNREACHABLE: HoldFacts &
    CoordinatorFailingFacts & {
      /** False when the ZooKeeper tree could not be read: `registered` is then the last known. */
      readonly registrationKnown: boolean;
    };
  readonly COORDINATOR_DOWN: HoldFacts & CoordinatorFailingFacts;
  readonly COORDINATOR_RECOVERED: HoldFacts & {
    readonly address: string;
    readonly since: string;
    readonly reason: string;
  };
  readonly EXECUTORS_LOW: HoldFacts & ExecutorFacts & { readonly snapshots: number };
  readonly EXECUTORS_RECOVERED: HoldFacts & ExecutorFacts;
  readonly ZOOKEEPER_DEGRADED: HoldFacts & ZooKeeperFacts & { readonly level: 'degraded' | 'quorum_lost' };
  readonly ZOOKEEPER_QUORUM_LOST: HoldFacts & ZooKeeperFacts & { readonly level: 'degraded' | 'quorum_lost' };
  readonly ZOOKEEPER_RECOVERED: HoldFacts & ZooKeeperFacts;
  readonly OBSERVATION_FAILED: HoldFacts & {
    readonly since: string;
    readonly problems?: readonly ObservationProblemFacts[];
    readonly reachable?: boolean;
    readonly servers?: readonly ZooKeeperServerFacts[];
    readonly quorum?: boolean | null;
    /** What each coordinator answered: a second witness of whether Dremio itself is fine. */
    readonly coordinators?: ReadonlyArray<{
      readonly address: string;
      readonly role: string;
      readonly answer: string;
    }>;
    readonly snapshots?: number;
    /** Set on the escalation to critical after `blindCriticalMs`. */
    readonly blindForMs?: number;
    readonly escalated?: boolean;
  };
  readonly OBSERVATION_RECOVERED: HoldFacts & { readonly since: string; readonly blindForMs: number };
  readonly TAKEOVER_OVERDUE: HoldFacts & {
    readonly previous: MasterIdentity | null;
    readonly lastSeenAt: string;
    readonly downForMs: number;
    readonly sessionTimeoutMs: number;
    readonly standbyStartupBudgetMs: number;
  };
  readonly FLAPPING: HoldFacts & {
    readonly changes: readonly string[];
    readonly flapChanges: number;
    readonly flapWindowMs: number;
  };
  readonly INCIDENT_REMINDER: HoldFacts &
    IncidentFacts & {
      readonly openForMs: number;
      /** `never_paged`: opened during maintenance; `repeat`: nobody acknowledged it. */
      readonly reason: 'never_paged' | 'repeat';
      /** On a remediation incident: the node it is about. */
      readonly target?: Omit<RestartTargetFacts, 'instanceId'>;
    };
  readonly INCIDENT_ACKNOWLEDGED: HoldFacts &
    IncidentFacts & { readonly by: string; readonly reason: string };
  readonly MAINTENANCE_STARTED: WindowFacts;
  readonly MAINTENANCE_ENDED: WindowFacts & {
    readonly outcome: 'expired' | 'ended_early' | 'cancelled';
    /** The keys of the incidents still open when it ended. */
    readonly openIncidents: readonly string[];
  };
  readonly DELIVERY_FAILED: HoldFacts & {
    readonly channel: string;
    readonly eventId: string;
    readonly eventType: string;
    readonly attempts: number;
    readonly reason: string | null;
  };
  readonly REMEDIATION_STARTED: HoldFacts & {
    readonly actionId: string;
    readonly target: RestartTargetFacts;
    readonly dryRun: boolean;
    readonly attempt: number;
    readonly deadline: string;
    readonly since: string;
    /** The id of the event that made the need (FAILOVER_COMPLETED, COORDINATOR_DOWN). */
    readonly cause: string | null;
    /** The master that had answered OK for the settle period when the restart was decided. */
    readonly master: {
      readonly address: string;
      readonly fabricPort: number;
      readonly healthySince: string;
    } | null;
    readonly blockedSince: string | null;
    /** The executor asks whether Dremio already runs before it restarts anything. */
    readonly looksFirst: boolean;
  };
  readonly REMEDIATION_SUCCEEDED: HoldFacts &
    (
      | OutcomeFacts
      | {
          /** Null: the need was met without a restart (the node came back by itself). */
          readonly actionId: null;
          readonly target: RestartTargetFacts;
          readonly outcome: 'no-longer-needed';
          readonly why: string;
          readonly attempts: number;
          readonly since: string;
        }
    );
  readonly REMEDIATION_FAILED: HoldFacts &
    OutcomeFacts & { readonly reason: string; readonly retryable?: boolean };
  readonly REMEDIATION_BLOCKED: HoldFacts & {
    /** The failed master is held back and no other candidate runs: a failure of the master is an outage. */
    readonly noStandby: boolean;
    readonly rule: GuardrailRule;
    readonly until: string | null;
    readonly target: RestartTargetFacts;
    readonly rules: ReadonlyArray<{ readonly rule: GuardrailRule; readonly until: string | null }>;
    readonly since: string;
    readonly cause: string | null;
    readonly attempts: number;
  };
}

/** The facts of events of type `T`. */
export type FactsOf<T extends keyof FactsByType> = FactsByType[T];
