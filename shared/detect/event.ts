/**
 * The events of dremio-ha-monitor: a public contract (names never change; see
 * docs/events.md#event-reference). Detection makes them, the store records them, notifiers send them.
 */
export const EVENT_TYPES = [
  'MASTER_UNRESPONSIVE',
  'MASTER_RESPONSIVE',
  'MASTER_DOWN',
  'FAILOVER_COMPLETED',
  'MASTER_RESTARTED',
  'MASTER_RETURNED',
  'ZK_SESSION_RENEWED',
  'SPLIT_BRAIN_SUSPECTED',
  'SPLIT_BRAIN_RESOLVED',
  'COORDINATOR_DOWN',
  'COORDINATOR_RECOVERED',
  'EXECUTORS_LOW',
  'EXECUTORS_RECOVERED',
  'ZOOKEEPER_DEGRADED',
  'ZOOKEEPER_QUORUM_LOST',
  'ZOOKEEPER_RECOVERED',
  'OBSERVATION_FAILED',
  'OBSERVATION_RECOVERED',
  'TAKEOVER_OVERDUE',
  'FLAPPING',
  'INCIDENT_REMINDER',
  'INCIDENT_ACKNOWLEDGED',
  'MAINTENANCE_STARTED',
  'MAINTENANCE_ENDED',
  'DELIVERY_FAILED',
  'REMEDIATION_STARTED',
  'REMEDIATION_SUCCEEDED',
  'REMEDIATION_FAILED',
  'REMEDIATION_BLOCKED',
  // Added after the others, so that the order (and every stored or sample id derived from it) holds.
  'COORDINATOR_UNREACHABLE',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type Severity = 'info' | 'warning' | 'critical';

/**
 * What an event does to its incident, for notifiers (PagerDuty's trigger / acknowledge / resolve):
 * `open` starts the incident (its key is new), `update` adds to an open one (an escalation, say),
 * `remind` repeats an open one, `acknowledge` records a person taking it, `resolve` ends it (at most
 * once per key), and `notice` is an incident opened and resolved at once (a completed failover
 * nobody saw start, a session renewal, a maintenance window starting or ending).
 */
export type IncidentAction = 'open' | 'update' | 'remind' | 'acknowledge' | 'resolve' | 'notice';

/** A master's identity (docs/dremio-ha.md#master-identity): a new process means a new start time. */
export interface MasterIdentity {
  readonly address: string;
  readonly fabricPort: number;
  readonly startTime: number;
}

/** One recorded event. Plain JSON: it is stored, sent and printed as it is. */
export interface MonitorEvent {
  /** Sortable unique id (ULID), from an injected generator. */
  readonly id: string;
  readonly cluster: string;
  readonly type: EventType;
  readonly severity: Severity;
  /** ISO time of the snapshot (or clock tick) that produced it. */
  readonly at: string;
  /** Dedup key of the incident the event belongs to (<= 255 characters). */
  readonly incidentKey: string;
  /** One line for people. */
  readonly summary: string;
  /** The facts that justify the event (addresses, identities, durations, problems...). */
  readonly facts: Readonly<Record<string, unknown>>;
  /** What an operator should do, when there is something to do. */
  readonly steps?: readonly string[];
  /**
   * True when the event is recorded but must not page: a maintenance window is active
   * (`facts.maintenance`) or leadership is flapping (`facts.flapping`).
   */
  readonly suppressed?: boolean;
  /** What the event does to the incident `incidentKey` names; detection always sets it. */
  readonly incidentAction?: IncidentAction;
}
