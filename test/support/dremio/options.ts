import type { HttpBehaviour } from './status-server.ts';

export type DremioRole = 'master-candidate' | 'coordinator' | 'executor';

/** Everything one emulated Dremio node process is told at start (see the facts for the defaults). */
export interface DremioNodeOptions {
  /** A label for people and logs, e.g. `master-a`. Not published anywhere. */
  readonly name: string;
  readonly role: DremioRole;
  /** The ZooKeeper connect string, `host:port[,host:port...]`. */
  readonly zookeeper: string;
  /** `dremio.exec.cluster-id`. @default 'dremio' */
  readonly clusterId: string;
  /** `dremio.exec.zk.root`, the Curator namespace in front of every path. @default '' */
  readonly root: string;
  /** `zk.client.session.timeout`, before the server clamps it. @default 90000 */
  readonly sessionTimeoutMs: number;
  /** `registration.publish-host`; also the address the web server binds to. */
  readonly address: string;
  /** @default 9047 */
  readonly webPort: number;
  /** @default 45678 */
  readonly fabricPort: number;
  /** @default 31010 (-1 on executor-only nodes) */
  readonly userPort: number;
  readonly dremioVersion: string;
  /** From winning the election (or seeing a master) to registering: KV store, catalog, services. */
  readonly startupDelayMs: number;
  /**
   * From registering to the web server listening. Dremio starts its web server last, so a new master
   * is registered a moment before it answers; a large deployment takes seconds. @default 0
   */
  readonly webStartDelayMs: number;
  /** A coordinator that also executes queries registers under `/executor` too. */
  readonly alsoExecutor: boolean;
  /** `paths.db`, shared by the master candidates; the catalog lock lives in `<dbDir>/catalog/LOCK`. */
  readonly dbDir: string;
  /** `dremio.exec.zk.election.timeout`: how long a master that lost leadership waits to regain it. @default 60000 */
  readonly electionTimeoutMs: number;
  /** `ProcessExit` sleeps this long before `Runtime.halt`. @default 5000 */
  readonly exitDelayMs: number;
  /** @default { kind: 'normal' } */
  readonly http: HttpBehaviour;
}

export const DREMIO_DEFAULTS = {
  clusterId: 'dremio',
  root: '',
  sessionTimeoutMs: 90_000,
  webPort: 9047,
  fabricPort: 45678,
  userPort: 31010,
  dremioVersion: '25.2.0-emulated',
  startupDelayMs: 500,
  webStartDelayMs: 0,
  alsoExecutor: false,
  electionTimeoutMs: 60_000,
  exitDelayMs: 5000,
  http: { kind: 'normal' },
} as const satisfies Partial<DremioNodeOptions>;

/** What a node process reports about itself, one JSON line on stdout and over IPC. */
export interface NodeReport {
  readonly at: number;
  readonly node: string;
  readonly state: NodeState;
  readonly [detail: string]: unknown;
}

export type NodeState =
  | 'waiting-for-lock'
  | 'lock-held-elsewhere'
  | 'lock-acquired'
  | 'zookeeper-connected'
  | 'zookeeper-disconnected'
  | 'zookeeper-reconnected'
  | 'zookeeper-session-expired'
  | 'zookeeper-session-renewed'
  | 'latch-joined'
  | 'elected'
  | 'leadership-lost'
  | 'leadership-regained'
  | 'waiting-for-master'
  | 'registered'
  | 'serving'
  | 'master-seen'
  | 'master-gone'
  | 'fault'
  | 'stopping'
  | 'exiting';

/** What the parent can tell a running node (over IPC). */
export type NodeCommand =
  | { readonly kind: 'http'; readonly behaviour: HttpBehaviour }
  | { readonly kind: 'zookeeper'; readonly link: 'cut' | 'restore' };

/** Dremio's process exit codes (UserBitShared.proto, DremioExitCodes). */
export const EXIT_LOST_MASTER_STATUS = 3;
