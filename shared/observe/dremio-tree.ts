import { orderLatchParticipants } from '../dremio/latch.ts';
import type { ZnodePaths } from '../dremio/paths.ts';
import { decodeRegistration, type Registration } from '../dremio/registration.ts';
import { ownerOf, type ZnodeWatcher, type ZooKeeperSession } from '../zookeeper/session.ts';
import type {
  LatchObservation,
  LatchParticipantObservation,
  MasterRegistration,
  ObservationProblem,
} from './snapshot.ts';

/** Dremio's registrations and election as read from ZooKeeper at one moment. */
export interface DremioTree {
  readonly masters: MasterRegistration[];
  readonly coordinators: Array<{ readonly address: string; readonly znode: string }>;
  readonly executors: Array<{ readonly address: string; readonly znode: string }>;
  readonly latch: LatchObservation;
  readonly problems: ObservationProblem[];
}

interface ReadRegistration {
  readonly znode: string;
  readonly owner: string;
  readonly registration: Registration;
}

/**
 * Lists children, leaving a watch when asked; a missing parent (Dremio's parents are container
 * znodes) lists as empty, with a watch for its creation.
 */
async function listChildren(
  session: ZooKeeperSession,
  path: string,
  watcher?: ZnodeWatcher,
): Promise<string[]> {
  const listing = await session.children(path, watcher);
  if (listing !== null) return listing.children;
  if (watcher && (await session.exists(path, watcher)) !== null) return listChildren(session, path, watcher);
  return [];
}

async function readSet(
  session: ZooKeeperSession,
  path: string,
  problems: ObservationProblem[],
  watcher?: ZnodeWatcher,
): Promise<ReadRegistration[]> {
  const children = await listChildren(session, path, watcher);
  const reads = await Promise.all(
    children.map(async (znode) => ({ znode, read: await session.data(`${path}/${znode}`) })),
  );
  const registrations: ReadRegistration[] = [];
  for (const { znode, read } of reads) {
    if (read === null) continue; // gone between the listing and the read
    const decoded = decodeRegistration(read.data);
    if (decoded.kind === 'invalid') {
      problems.push({ kind: 'undecodable_registration', where: `${path}/${znode}`, detail: decoded.reason });
      continue;
    }
    registrations.push({ znode, owner: ownerOf(read.stat), registration: decoded.registration });
  }
  return registrations;
}

async function readLatch(
  session: ZooKeeperSession,
  path: string,
  watcher?: ZnodeWatcher,
): Promise<LatchParticipantObservation[]> {
  const ordered = orderLatchParticipants(await listChildren(session, path, watcher));
  const reads = await Promise.all(ordered.map((participant) => session.data(`${path}/${participant.znode}`)));
  const participants: LatchParticipantObservation[] = [];
  ordered.forEach((participant, index) => {
    const read = reads[index];
    if (!read) return;
    participants.push({
      ...participant,
      participantId: (read.data?.toString('utf8') ?? '').slice(0, 64),
      ephemeralOwner: ownerOf(read.stat),
    });
  });
  return participants;
}

/** The oldest registration first, so that `masters[0]` is the incumbent during a split brain. */
function byAge(a: MasterRegistration, b: MasterRegistration): number {
  return a.startTime - b.startTime || a.znode.localeCompare(b.znode);
}

/** Reads the whole tree; with a watcher, leaves a child watch on each of the four directories. */
export async function readDremioTree(
  session: ZooKeeperSession,
  paths: ZnodePaths,
  watcher?: ZnodeWatcher,
): Promise<DremioTree> {
  const problems: ObservationProblem[] = [];
  const [masters, coordinators, executors, participants] = await Promise.all([
    readSet(session, paths.master, problems, watcher),
    readSet(session, paths.coordinator, problems, watcher),
    readSet(session, paths.executor, problems, watcher),
    readLatch(session, paths.masterLatch, watcher),
  ]);
  const masterRegistrations = masters
    .map(
      ({ znode, owner, registration }): MasterRegistration => ({
        address: registration.address,
        fabricPort: registration.fabricPort,
        userPort: registration.userPort,
        startTime: registration.startTime,
        registeredAt: registration.registrationTimeUtc,
        version: registration.dremioVersion,
        znode,
        ephemeralOwner: owner,
      }),
    )
    .sort(byAge);
  const leader = participants[0] ?? null;
  const master = masterRegistrations[0];
  return {
    masters: masterRegistrations,
    coordinators: coordinators.map(({ znode, registration }) => ({ address: registration.address, znode })),
    executors: executors.map(({ znode, registration }) => ({ address: registration.address, znode })),
    latch: {
      participants,
      leader,
      leaderIsMaster: leader && master ? leader.ephemeralOwner === master.ephemeralOwner : null,
    },
    problems,
  };
}
