import assert from 'node:assert/strict';
import {
  type CommandResult,
  type DetectionPolicy,
  type DetectorState,
  defaultPolicy,
  detect,
  initialState,
  tick,
} from '../../shared/detect/index.ts';
import type { MonitorEvent } from '../../shared/events/types.ts';
import type { ServerStatus, ServerStatusKind } from '../../shared/observe/server-status.ts';
import type { MasterRegistration, ObservationProblem, Snapshot } from '../../shared/observe/snapshot.ts';
import type {
  ZooKeeperServerObservation,
  ZooKeeperServerState,
} from '../../shared/observe/zookeeper-servers.ts';

/** Builders of snapshots for detection tests: a cluster of two master candidates and one coordinator. */

export const T0 = Date.parse('2026-11-21T23:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const CLUSTER = 'prod';

export const A_ADDRESS = '10.0.0.11';
export const B_ADDRESS = '10.0.0.12';
export const C_ADDRESS = '10.0.0.21';

const COORDINATORS = [
  { address: A_ADDRESS, role: 'master-candidate' },
  { address: B_ADDRESS, role: 'master-candidate' },
  { address: C_ADDRESS, role: 'coordinator' },
] as const;

export function registration(
  address: string,
  options: { startTime?: number; owner?: string; znode?: string; fabricPort?: number } = {},
): MasterRegistration {
  const startTime = options.startTime ?? T0 - 3_600_000;
  return {
    address,
    fabricPort: options.fabricPort ?? 45678,
    userPort: 31010,
    startTime,
    registeredAt: startTime + 40_000,
    version: '25.2.0',
    znode: options.znode ?? `znode-${address}-${startTime}`,
    ephemeralOwner: options.owner ?? '0100000000000001',
  };
}

/** The master A, and the same process under another ZooKeeper session. */
export const A = registration(A_ADDRESS);
export const A_RENEWED: MasterRegistration = { ...A, ephemeralOwner: '0100000000000009' };
/** A new process on A's address. */
export const A_RESTARTED = registration(A_ADDRESS, { startTime: T0 + 5_000, owner: '0100000000000002' });
export const B = registration(B_ADDRESS, { startTime: T0 - 1_000, owner: '0100000000000003' });

export interface Scene {
  readonly cluster?: string;
  /** The master in the world (default A); the snapshot shows it only when ZooKeeper is readable. */
  readonly master?: MasterRegistration | null;
  /** Every master registration (default [master]). */
  readonly masters?: readonly MasterRegistration[];
  readonly reachable?: boolean;
  /** Default: true when reachable, else null. */
  readonly quorum?: boolean | null;
  /** One entry per ZooKeeper server (default three serving). */
  readonly servers?: readonly ZooKeeperServerState[];
  /** server_status answers by address; defaults follow the master (standby refuses). */
  readonly http?: Readonly<Record<string, ServerStatusKind>>;
  readonly executors?: number;
  readonly sessionTimeoutMs?: number | null;
  readonly problems?: readonly ObservationProblem[];
  /** Coordinators whose registration is gone (by address); default none. */
  readonly unregistered?: readonly string[];
}

export function status(kind: ServerStatusKind): ServerStatus {
  switch (kind) {
    case 'timeout':
      return { kind, latencyMs: 2000, phase: 'response' };
    case 'tls_error':
      return { kind, latencyMs: 5, reason: 'CERT_HAS_EXPIRED' };
    case 'unreachable':
      return { kind, latencyMs: 5, reason: 'EHOSTUNREACH' };
    case 'unexpected':
      return { kind, latencyMs: 5, statusCode: 500, bodyExcerpt: 'oops' };
    default:
      return { kind, latencyMs: 3 };
  }
}

function server(index: number, state: ZooKeeperServerState): ZooKeeperServerObservation {
  const serving = state === 'serving';
  return {
    host: `zk${index + 1}.corp`,
    port: 2181,
    serving,
    state,
    mode: serving ? (index === 0 ? 'leader' : 'follower') : null,
    latencyMs: 1,
    avgRequestLatencyMs: serving ? 0.5 : null,
    outstandingRequests: serving ? 0 : null,
    znodeCount: serving ? 40 : null,
    syncedFollowers: null,
    detail: serving ? null : 'This ZooKeeper instance is not currently serving requests',
  };
}

function defaultAnswer(
  address: string,
  role: string,
  worldMaster: MasterRegistration | null,
): ServerStatusKind {
  if (worldMaster?.address === address) return 'ok';
  if (role === 'master-candidate') return 'refused';
  return worldMaster ? 'ok' : 'master_down';
}

/** One snapshot at `at` (epoch ms) of the scene. */
export function snapshot(at: number, scene: Scene = {}): Snapshot {
  const worldMaster = scene.master === undefined ? A : scene.master;
  const reachable = scene.reachable ?? true;
  const masters = reachable ? (scene.masters ?? (worldMaster ? [worldMaster] : [])) : [];
  const master = masters[0] ?? null;
  return {
    cluster: scene.cluster ?? CLUSTER,
    observedAt: new Date(at).toISOString(),
    durationMs: 20,
    durations: { zookeeperMs: 10, serversMs: 5, httpMs: 15 },
    zookeeper: {
      reachable,
      quorum: scene.quorum === undefined ? (reachable ? true : null) : scene.quorum,
      servers: (scene.servers ?? ['serving', 'serving', 'serving']).map((state, index) =>
        server(index, state),
      ),
      negotiatedSessionTimeoutMs: scene.sessionTimeoutMs === undefined ? 40_000 : scene.sessionTimeoutMs,
    },
    master,
    masters,
    latch: { participants: [], leader: null, leaderIsMaster: null },
    coordinators: COORDINATORS.map(({ address, role }) => ({
      address,
      role,
      webUrl: `http://${address}:9047`,
      registered:
        reachable &&
        !scene.unregistered?.includes(address) &&
        (address === master?.address || role === 'coordinator'),
      isMaster: master?.address === address,
      http: status(scene.http?.[address] ?? defaultAnswer(address, role, worldMaster)),
    })),
    executors: {
      count: reachable ? (scene.executors ?? 2) : 0,
      addresses: reachable
        ? ['10.0.0.31', '10.0.0.32', '10.0.0.33', '10.0.0.34'].slice(0, scene.executors ?? 2)
        : [],
    },
    problems:
      scene.problems ??
      (reachable
        ? []
        : [{ kind: 'zookeeper_unreachable', where: 'zk1.corp:2181', detail: 'connect timeout' }]),
  };
}

/** Sortable unique ids, as the ULID generator gives in production. */
export function idGenerator(prefix = 'E'): () => string {
  let next = 0;
  return () => `${prefix}${String(next++).padStart(8, '0')}`;
}

/** A snapshot, or a clock tick with no snapshot. */
export type Frame = Snapshot | { readonly tick: number };

export interface Replay {
  readonly state: DetectorState;
  readonly events: MonitorEvent[];
  /** The events of each frame. */
  readonly steps: MonitorEvent[][];
}

/** Runs frames through detect and tick (a snapshot is judged 20 ms after it started). */
export function replay(
  frames: readonly Frame[],
  policy: DetectionPolicy = defaultPolicy(),
  start: DetectorState | null = null,
  newId: () => string = idGenerator(),
): Replay {
  let state = start;
  const steps: MonitorEvent[][] = [];
  for (const frame of frames) {
    const result =
      'tick' in frame
        ? tick(state ?? initialState(CLUSTER), frame.tick, policy, newId)
        : detect(state, frame, Date.parse(frame.observedAt) + frame.durationMs, policy, newId);
    state = result.state;
    steps.push(result.events);
  }
  if (state === null) throw new Error('replay: no frames');
  return { state, events: steps.flat(), steps };
}

/** Snapshots of the same scene every `everyMs` from `from`, `count` of them. */
export function series(from: number, count: number, everyMs: number, scene: Scene = {}): Snapshot[] {
  return Array.from({ length: count }, (_, index) => snapshot(from + index * everyMs, scene));
}

export function types(events: readonly MonitorEvent[]): string[] {
  return events.map((event) => event.type);
}

/** A cluster whose master went down at 10 s (MASTER_DOWN at 20 s) and stays down, and that incident's key. */
export function masterDown(): { state: DetectorState; key: string } {
  const at = (seconds: number) => T0 + seconds * SECOND;
  const run = replay([snapshot(at(0)), ...series(at(10), 2, 10 * SECOND, { master: null })]);
  const opened = run.events.find((event) => event.type === 'MASTER_DOWN');
  assert.ok(opened);
  return { state: run.state, key: opened.incidentKey };
}

/** The result of a command that must have been applied. */
export function applied(result: CommandResult): { state: DetectorState; events: MonitorEvent[] } {
  assert.equal(result.kind, 'applied', result.kind === 'rejected' ? JSON.stringify(result.error) : '');
  return result;
}
