import type { Snapshot } from '../observe/snapshot.ts';

const MASTER_REGISTRATION = /\/master\/[^/]+$/;

/**
 * Whether the snapshot lets us judge the master: Dremio's tree was read, the quorum is not known
 * lost, and no registration under B/master failed to decode. Otherwise the master state is frozen:
 * a failure to observe is never a master down.
 */
export function canSeeMaster(snapshot: Snapshot): boolean {
  const zookeeper = snapshot.zookeeper;
  if (!zookeeper.reachable || zookeeper.quorum === false) return false;
  return !snapshot.problems.some(
    (problem) => problem.kind === 'undecodable_registration' && MASTER_REGISTRATION.test(problem.where),
  );
}
