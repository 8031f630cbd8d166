/**
 * One emulated Dremio node, run as its own OS process so that SIGKILL behaves like a crashed JVM:
 * the catalog lock is freed by the kernel and the ZooKeeper session lives on until it expires.
 * Follows docs/dremio-ha.md; started by cluster.ts with its options as JSON in argv[2].
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import zookeeper from 'node-zookeeper-client';
import { znodePaths } from '../../../shared/dremio/paths.ts';
import {
  encodeRegistration,
  type Registration,
  type ServiceSetName,
} from '../../../shared/dremio/registration.ts';
import { ZooKeeperSession } from '../../../shared/zookeeper/session.ts';
import { CatalogLock } from './catalog-lock.ts';
import { type LatchStanding, LeaderLatchParticipant } from './leader-latch.ts';
import {
  type DremioNodeOptions,
  EXIT_LOST_MASTER_STATUS,
  type NodeCommand,
  type NodeReport,
  type NodeState,
} from './options.ts';
import { StatusServer } from './status-server.ts';
import { ZooKeeperLink } from './zookeeper-link.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as DremioNodeOptions;
const paths = znodePaths(options);
const link = new ZooKeeperLink();
const lock = new CatalogLock(options.dbDir);
const web = new StatusServer(() => masterUp);
web.behaviour = options.http;
const latch = new LeaderLatchParticipant(paths.masterLatch, (standing) => onStanding(standing));

let session: ZooKeeperSession | undefined;
let masterUp = false;
let masterWaiters: Array<() => void> = [];
/** Registrations this process made; re-created with the same ids on a new session, as Curator does. */
const registrations: Array<{ path: string; data: Uint8Array }> = [];
let leader = false;
let regainDeadline: NodeJS.Timeout | undefined;
let exiting = false;

function report(state: NodeState, details: Record<string, unknown> = {}): void {
  const line: NodeReport = { at: Date.now(), node: options.name, state, ...details };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.send?.(line);
}

async function connect(): Promise<ZooKeeperSession> {
  // Dremio's client retries without limit and blocks start-up until the first connection succeeds.
  for (;;) {
    try {
      const opened = await ZooKeeperSession.open({
        connect: link.connectString,
        sessionTimeoutMs: options.sessionTimeoutMs,
        connectTimeoutMs: 5000,
      });
      watchSession(opened);
      return opened;
    } catch {
      await sleep(500);
    }
  }
}

function watchSession(opened: ZooKeeperSession): void {
  opened.client.on('disconnected', () => {
    if (opened !== session) return;
    report('zookeeper-disconnected');
    // Curator: SUSPENDED takes leadership away at once (standard error policy).
    if (leader) onLeadershipLost();
  });
  opened.client.on('connected', () => {
    if (opened !== session) return;
    report('zookeeper-reconnected', { sessionId: opened.sessionId });
    if (options.role === 'master-candidate' && latch.znode) void latch.check().catch(() => undefined);
  });
  opened.client.on('expired', () => {
    if (opened !== session) return;
    report('zookeeper-session-expired', { sessionId: opened.sessionId });
    void renewSession(opened);
  });
}

async function renewSession(expired: ZooKeeperSession): Promise<void> {
  expired.close();
  if (leader) onLeadershipLost();
  session = await connect();
  report('zookeeper-session-renewed', { sessionId: session.sessionId });
  await watchMaster(session);
  // Curator's ServiceDiscovery re-registers with the same ids; the LeaderLatch resets and re-joins.
  if (options.role === 'master-candidate' && latch.znode !== undefined) await latch.join(session);
  for (const registration of registrations)
    await createEphemeral(session, registration.path, registration.data);
}

async function watchMaster(watched: ZooKeeperSession): Promise<void> {
  const rearm = () => {
    if (watched === session) void watchMaster(watched).catch(() => undefined);
  };
  const listing = await watched.children(paths.master, rearm);
  if (listing === null) {
    // No `B/master` yet: wait for it to be created.
    if ((await watched.exists(paths.master, rearm)) !== null) return watchMaster(watched);
    return setMasterUp(false);
  }
  setMasterUp(listing.children.length > 0);
}

function setMasterUp(up: boolean): void {
  if (up === masterUp) return;
  masterUp = up;
  report(up ? 'master-seen' : 'master-gone');
  if (up) {
    for (const wake of masterWaiters) wake();
    masterWaiters = [];
  }
}

function masterRegistered(): Promise<void> {
  if (masterUp) return Promise.resolve();
  report('waiting-for-master');
  return new Promise((resolve) => masterWaiters.push(resolve));
}

function onStanding(standing: LatchStanding): void {
  if (standing === 'leader') {
    if (!leader && regainDeadline) {
      clearTimeout(regainDeadline);
      regainDeadline = undefined;
      report('leadership-regained');
    }
    leader = true;
    electedWaiter?.();
    return;
  }
  // Another participant leads. A master that had lost leadership exits at once (MasterElectionService).
  if (regainDeadline) exitLostMasterStatus('another participant leads the election');
}

let electedWaiter: (() => void) | undefined;
function elected(): Promise<void> {
  if (leader) return Promise.resolve();
  return new Promise((resolve) => {
    electedWaiter = resolve;
  });
}

function onLeadershipLost(): void {
  leader = false;
  if (regainDeadline || exiting) return;
  report('leadership-lost', { electionTimeoutMs: options.electionTimeoutMs });
  regainDeadline = setTimeout(
    () => exitLostMasterStatus(`leadership not regained within ${options.electionTimeoutMs} ms`),
    options.electionTimeoutMs,
  );
}

/** ProcessExit: print, sleep, then halt. No shutdown hooks: znodes stay until the session expires. */
function exitLostMasterStatus(reason: string): void {
  if (exiting) return;
  exiting = true;
  report('exiting', { code: EXIT_LOST_MASTER_STATUS, reason });
  process.stderr.write('Dremio is exiting. Node lost its master status.\n');
  setTimeout(() => process.exit(EXIT_LOST_MASTER_STATUS), options.exitDelayMs);
}

async function createEphemeral(target: ZooKeeperSession, path: string, data: Uint8Array): Promise<void> {
  await target.ensurePath(path.slice(0, path.lastIndexOf('/')));
  try {
    await target.create(path, data, zookeeper.CreateMode.EPHEMERAL);
  } catch (error) {
    if ((error as { code?: string }).code !== 'NODE_EXISTS') throw error;
  }
}

/** NodeRegistration: `master`, then `coordinator`, then `executor`, each with a fresh UUID. */
async function register(sets: ServiceSetName[]): Promise<void> {
  const target = session as ZooKeeperSession;
  const startTime = Date.now();
  const executes = options.role === 'executor' || options.alsoExecutor;
  const ids: Record<string, string> = {};
  // When the first znode (the master's, for a master) was created: what a watcher sees first.
  const firstRegisteredAt = Date.now();
  for (const set of sets) {
    const id = randomUUID();
    const registration: Registration = {
      id,
      name: set,
      registrationTimeUtc: Date.now(),
      address: options.address,
      userPort: options.role === 'executor' ? -1 : options.userPort,
      fabricPort: options.fabricPort,
      conduitPort: -1,
      startTime,
      dremioVersion: options.dremioVersion,
      nodeTag: '',
      availableCores: 4,
      maxDirectMemory: 8 * 1024 ** 3,
      roles: {
        sqlQuery: options.role !== 'executor',
        javaExecutor: executes,
        master: options.role === 'master-candidate',
      },
    };
    const path = `${paths.base}/${set}/${id}`;
    const data = encodeRegistration(registration);
    await createEphemeral(target, path, data);
    registrations.push({ path, data });
    ids[set] = id;
  }
  report('registered', { ids, startTime, sessionId: target.sessionId, firstRegisteredAt });
}

async function serveHttp(): Promise<void> {
  if (options.webStartDelayMs > 0) await sleep(options.webStartDelayMs);
  const port = await web.listen(options.address, options.webPort);
  report('serving', { webPort: port });
}

/** SIGTERM: Dremio's order: web server, deregistration, catalog lock, latch, session. */
async function shutDown(): Promise<void> {
  if (exiting) return;
  exiting = true;
  report('stopping');
  await web.close();
  const current = session;
  for (const registration of registrations.splice(0).reverse()) {
    await current?.remove(registration.path).catch(() => false);
  }
  await lock.release();
  await latch.leave().catch(() => undefined);
  current?.close();
  link.close();
  report('exiting', { code: 0, reason: 'SIGTERM' });
  process.exit(0);
}

function obey(command: NodeCommand): void {
  if (command.kind === 'http') web.behaviour = command.behaviour;
  else if (command.link === 'cut') link.cut();
  else link.restore();
  report('fault', { command });
}

async function main(): Promise<void> {
  process.on('SIGTERM', () => void shutDown());
  process.on('message', (command: NodeCommand) => obey(command));
  process.on('disconnect', () => undefined);

  if (options.role === 'master-candidate') {
    // Gate 1: the RocksDB catalog lock. While blocked: no session, no znodes, no port.
    report('waiting-for-lock', { lock: lock.path });
    await lock.acquire(() => {
      process.stdout.write(
        'Lock file to RocksDB is currently held by another process. Will wait until lock is freed.\n',
      );
      report('lock-held-elsewhere');
    });
    report('lock-acquired');
  }
  await link.open(options.zookeeper);
  session = await connect();
  report('zookeeper-connected', {
    sessionId: session.sessionId,
    negotiatedTimeoutMs: session.negotiatedTimeoutMs,
  });
  await watchMaster(session);

  if (options.role === 'master-candidate') {
    // Gate 2: the LeaderLatch at B/leader-latch/master.
    const znode = await latch.join(session);
    report('latch-joined', { znode, participantId: latch.participantId });
    await elected();
    report('elected');
    await sleep(options.startupDelayMs);
    await register(options.alsoExecutor ? ['master', 'coordinator', 'executor'] : ['master', 'coordinator']);
    await serveHttp();
    return;
  }
  // NonMasterSingletonRegistry: nothing starts before a master is registered.
  await masterRegistered();
  await sleep(options.startupDelayMs);
  if (options.role === 'coordinator') {
    await register(options.alsoExecutor ? ['coordinator', 'executor'] : ['coordinator']);
    await serveHttp();
  } else {
    await register(['executor']);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`emulated node ${options.name} failed: ${(error as Error).stack ?? String(error)}\n`);
  // SERVICE_START_FAILURE
  process.exit(4);
});
