/**
 * The report's data model: what the audit log of one cluster says happened over a time range. Plain
 * data (times are epoch ms), built by `buildTimeline` and drawn by `renderReport`.
 */
import type { EventType, MonitorEvent, Severity } from '../events/types.ts';

export interface TimelineOptions {
  readonly cluster: string;
  /** End of the range (epoch ms): what is still going on is drawn up to here. */
  readonly until: number;
  /** Start of the range; left out: the first event's time (or `until` when there is none). */
  readonly since?: number;
}

export interface Interval {
  readonly from: number;
  readonly to: number;
}

/** One node's time as the registered master. Periods are ordered and never overlap. */
export interface MasterPeriod extends Interval {
  readonly address: string;
  /** False when the node was master already when the range (or what the log shows) began. */
  readonly fromKnown: boolean;
  /** Still master at `until`. */
  readonly ongoing: boolean;
  /** The start time of the Dremio process, when an event says. */
  readonly processStart: number | null;
  /** The event that ended the period (MASTER_DOWN, FAILOVER_COMPLETED, ...), null when ongoing. */
  readonly endedBy: EventType | null;
}

/** A time with no master registered: between a master's end and the next one's start. */
export interface NoMasterPeriod extends Interval {
  readonly ongoing: boolean;
}

/** A change of master process: another node (failover) or the same node, new process (restart). */
export interface Failover {
  readonly eventId: string;
  readonly kind: 'failover' | 'restart';
  readonly at: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly incidentKey: string;
  /** The first MASTER_UNRESPONSIVE or MASTER_DOWN of the incident the failover resolved. */
  readonly firstSignAt: number | null;
  readonly firstSignType: EventType | null;
  /** From the first sign to FAILOVER_COMPLETED; without one, facts.outageMs (last seen to new master). */
  readonly outageMs: number | null;
  readonly outageFrom: 'first-sign' | 'last-seen' | null;
  /** When the old master was last seen registered (facts.lastSeenAt). */
  readonly lastSeenAt: number | null;
  /** No master registered for up to this long (facts.outageMs). */
  readonly noMasterMs: number | null;
  /** The new master's registration to the monitor seeing it (facts.detectedMs). */
  readonly detectedMs: number | null;
  /** The old master's last sighting to MASTER_DOWN (its facts.downForMs), when declared. */
  readonly downDeclaredMs: number | null;
  /** The master's web server silent since (MASTER_UNRESPONSIVE facts.silentSince). */
  readonly silentSince: number | null;
  /** Seen after the monitor could not observe: the change happened unseen. */
  readonly observedGap: boolean;
  /** Recorded without paging (maintenance or flapping). */
  readonly suppressed: boolean;
}

export interface Incident {
  readonly key: string;
  /** The key's segment: master, coordinator, zookeeper, remediation, ... */
  readonly kind: string;
  /** The opening event's type; null when it opened before the range. */
  readonly openedByType: EventType | null;
  /** Null when it opened before the range and no event says when. */
  readonly openedAt: number | null;
  readonly resolvedAt: number | null;
  readonly resolvedByType: EventType | null;
  /** Opened to resolved, or to `until` while open; null when the opening is unknown. */
  readonly durationMs: number | null;
  readonly open: boolean;
  /** The highest severity of its events. */
  readonly severity: Severity;
  readonly summary: string;
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: number | null;
  readonly reminders: number;
  readonly events: number;
  /** Every event of it was held back (maintenance or flapping). */
  readonly suppressed: boolean;
}

export type RemediationOutcome = 'succeeded' | 'failed' | 'in-flight' | 'not-needed';

export interface RemediationAction {
  /** Null for a need met without a restart (REMEDIATION_SUCCEEDED, outcome no-longer-needed). */
  readonly actionId: string | null;
  readonly target: string | null;
  readonly role: string | null;
  readonly instanceId: string | null;
  /** Why the node needed it: failed-master, coordinator-down. */
  readonly need: string | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly outcome: RemediationOutcome;
  readonly durationMs: number | null;
  readonly dryRun: boolean;
  readonly attempt: number | null;
  /** Why it failed (facts.reason), or why it was not needed (facts.why). */
  readonly reason: string | null;
  readonly retryable: boolean | null;
  readonly incidentKey: string;
}

export interface RemediationBlock {
  readonly eventId: string;
  readonly at: number;
  readonly target: string | null;
  readonly need: string | null;
  readonly rule: string | null;
  readonly until: number | null;
  readonly summary: string;
}

export interface DeliveryFailure {
  readonly eventId: string;
  readonly at: number;
  readonly channel: string | null;
  readonly failedEventId: string | null;
  readonly failedEventType: string | null;
  readonly attempts: number | null;
  readonly reason: string | null;
}

export interface MaintenanceWindow extends Interval {
  readonly windowId: string;
  readonly owner: string | null;
  readonly reason: string | null;
  readonly ongoing: boolean;
}

export interface ClusterTimeline {
  readonly cluster: string;
  readonly since: number;
  readonly until: number;
  /** The nodes drawn, in order of first appearance (masters first, then remediation targets). */
  readonly nodes: readonly string[];
  readonly masterPeriods: readonly MasterPeriod[];
  readonly noMaster: readonly NoMasterPeriod[];
  readonly splitBrain: readonly Interval[];
  readonly maintenance: readonly MaintenanceWindow[];
  readonly failovers: readonly Failover[];
  readonly incidents: readonly Incident[];
  readonly remediation: readonly RemediationAction[];
  readonly blocks: readonly RemediationBlock[];
  readonly deliveryFailures: readonly DeliveryFailure[];
  /** The audit log of the range, oldest first. */
  readonly events: readonly MonitorEvent[];
}
