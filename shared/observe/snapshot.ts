import type { ServerStatus } from './server-status.ts';
import type { ZooKeeperServerObservation } from './zookeeper-servers.ts';

/** One decoded registration under `B/master` (docs/dremio-ha.md#master-identity). Identity: (address, fabricPort, startTime). */
export interface MasterRegistration {
  readonly address: string;
  readonly fabricPort: number;
  readonly userPort: number;
  readonly startTime: number;
  /** When the registration was built (`registration_time_UTC`): the master has served since then. */
  readonly registeredAt: number;
  readonly version: string;
  /** The registration UUID (znode name): stable across ZooKeeper reconnects of one process. */
  readonly znode: string;
  /** The owning session, 16 hex digits: changes when the process gets a new session. */
  readonly ephemeralOwner: string;
}

export interface LatchParticipantObservation {
  readonly znode: string;
  readonly sequence: number;
  /** The participant UUID stored in the znode (no address: docs/dremio-ha.md#leader-latch). */
  readonly participantId: string;
  readonly ephemeralOwner: string;
}

export interface LatchObservation {
  /** Candidates past the catalog lock gate, leader first. A standby blocked on the lock is not here. */
  readonly participants: readonly LatchParticipantObservation[];
  readonly leader: LatchParticipantObservation | null;
  /** Whether the latch leader's session owns the master registration; null when either is missing. */
  readonly leaderIsMaster: boolean | null;
}

export interface CoordinatorObservation {
  readonly address: string;
  readonly role: 'master-candidate' | 'coordinator';
  readonly webUrl: string;
  /** Registered under `B/coordinator` (joined by the published address). */
  readonly registered: boolean;
  /** The current master registration has this address. */
  readonly isMaster: boolean;
  readonly http: ServerStatus;
}

/** Why part of the picture is missing: data, never an exception. */
export type ObservationProblem =
  | { readonly kind: 'zookeeper_unreachable'; readonly where: string; readonly detail: string }
  | { readonly kind: 'zookeeper_read_failed'; readonly where: string; readonly detail: string }
  | { readonly kind: 'undecodable_registration'; readonly where: string; readonly detail: string }
  | { readonly kind: 'unknown_coordinator'; readonly where: string; readonly detail: string }
  | { readonly kind: 'probe_failed'; readonly where: string; readonly detail: string };

export interface ZooKeeperObservation {
  /** A session was opened and Dremio's tree was read. */
  readonly reachable: boolean;
  /** A majority of the configured servers serves; null when that cannot be told. */
  readonly quorum: boolean | null;
  readonly servers: readonly ZooKeeperServerObservation[];
  /** The timeout the server granted the monitor's session (a lower bound on Dremio's, same server caps). */
  readonly negotiatedSessionTimeoutMs: number | null;
}

/** One observation of one cluster: plain, serialisable, the input of detection. */
export interface Snapshot {
  readonly cluster: string;
  /** ISO time when the observation started. */
  readonly observedAt: string;
  /**
   * When the coordinators' server_status was probed, when earlier than `observedAt`: a watch-mode
   * snapshot taken on a ZooKeeper change carries the latest HTTP results, which are not new probes.
   */
  readonly httpObservedAt?: string;
  /**
   * When ZooKeeper (Dremio's tree, the four-letter words) was last observed, when earlier than
   * `observedAt`: a snapshot taken for a round of probes carries the latest ZooKeeper results.
   */
  readonly zookeeperObservedAt?: string;
  readonly durationMs: number;
  readonly durations: { readonly zookeeperMs: number; readonly serversMs: number; readonly httpMs: number };
  readonly zookeeper: ZooKeeperObservation;
  /** The master registration, or null. With several registrations, the oldest (see `masters`). */
  readonly master: MasterRegistration | null;
  /** Every registration under `B/master`: more than one is split-brain evidence. */
  readonly masters: readonly MasterRegistration[];
  readonly latch: LatchObservation;
  readonly coordinators: readonly CoordinatorObservation[];
  readonly executors: { readonly count: number; readonly addresses: readonly string[] };
  readonly problems: readonly ObservationProblem[];
}

/** The verdict of a snapshot for the CLI's exit code and table: no judgement of history. */
export type SnapshotHealth = 'healthy' | 'degraded' | 'critical';

/**
 * Critical: no master, several masters, no quorum, or ZooKeeper unreadable. Degraded: any
 * ZooKeeper server not serving, a coordinator not answering OK (a standby candidate refusing is
 * normal), or any observation problem. Pure.
 */
export function healthOf(snapshot: Snapshot): SnapshotHealth {
  const zk = snapshot.zookeeper;
  if (!zk.reachable || zk.quorum === false || snapshot.master === null || snapshot.masters.length > 1) {
    return 'critical';
  }
  const standbyRefusing = (c: CoordinatorObservation) =>
    c.role === 'master-candidate' && !c.isMaster && !c.registered && c.http.kind === 'refused';
  const coordinatorTrouble = snapshot.coordinators.some((c) => c.http.kind !== 'ok' && !standbyRefusing(c));
  if (coordinatorTrouble || zk.servers.some((server) => !server.serving) || snapshot.problems.length > 0) {
    return 'degraded';
  }
  return 'healthy';
}

/** The counts the monitor's metrics report of one snapshot (CloudWatch and Prometheus alike). */
export interface SnapshotGauges {
  /** 1 when one master is registered and answers OK, else 0. */
  readonly masterUp: 0 | 1;
  readonly coordinatorsUp: number;
  readonly executors: number;
  readonly zookeeperServersServing: number;
}

/** The metric counts of a snapshot. Pure. */
export function gaugesOf(snapshot: Snapshot): SnapshotGauges {
  const master = snapshot.master;
  const masterAnswers =
    master !== null &&
    snapshot.masters.length === 1 &&
    snapshot.coordinators.some((node) => node.address === master.address && node.http.kind === 'ok');
  return {
    masterUp: masterAnswers ? 1 : 0,
    coordinatorsUp: snapshot.coordinators.filter((node) => node.http.kind === 'ok').length,
    executors: snapshot.executors.count,
    zookeeperServersServing: snapshot.zookeeper.servers.filter((server) => server.serving).length,
  };
}
