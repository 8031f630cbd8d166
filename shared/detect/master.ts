import type { Snapshot } from '../observe/snapshot.ts';
import { sameIdentity } from './describe.ts';
import type { Context } from './emit.ts';
import { changeOfMaster, presentAt, recordOf } from './master-change.ts';
import { checkSession, confirmDown, returned } from './master-down.ts';
import type { DetectionPolicy } from './policy.ts';
import { judgeResponsiveness } from './responsiveness.ts';
import type { AbsentMaster, MasterRecord, PresentMaster } from './state.ts';

/**
 * Follows the master registration through a snapshot that could see ZooKeeper. `observedGap`:
 * the snapshots before this one could not, so a change may have happened unseen.
 */
export function judgeMaster(
  ctx: Context,
  snapshot: Snapshot,
  policy: DetectionPolicy,
  observedGap: boolean,
): void {
  const current = snapshot.master ? recordOf(snapshot.master) : null;
  const track = ctx.state.master;
  if (current === null) {
    const absent: AbsentMaster =
      track.kind === 'absent'
        ? { ...track, snapshots: track.snapshots + 1 }
        : {
            kind: 'absent',
            previous: track.kind === 'present' ? track : null,
            since: ctx.time,
            snapshots: 1,
            down: { kind: 'unconfirmed' },
          };
    ctx.state.master = absent;
    confirmDown(ctx, absent, snapshot, policy);
    return;
  }
  const next =
    track.kind === 'unknown'
      ? presentAt(current, ctx.time)
      : track.kind === 'present'
        ? fromPresent(ctx, track, current, policy, observedGap)
        : fromAbsent(ctx, track, current, policy, observedGap);
  ctx.state.master = next;
  judgeResponsiveness(ctx, next, snapshot, policy);
}

function fromPresent(
  ctx: Context,
  track: PresentMaster,
  current: MasterRecord,
  policy: DetectionPolicy,
  observedGap: boolean,
): PresentMaster {
  if (sameIdentity(track.master, current)) {
    checkSession(ctx, track.master, current);
    return { ...track, master: current, lastSeenAt: ctx.time };
  }
  changeOfMaster(ctx, track, current, { observedGap, down: { kind: 'unconfirmed' } }, policy);
  return presentAt(current, ctx.time);
}

function fromAbsent(
  ctx: Context,
  track: AbsentMaster,
  current: MasterRecord,
  policy: DetectionPolicy,
  observedGap: boolean,
): PresentMaster {
  const previous = track.previous;
  if (previous !== null && !sameIdentity(previous.master, current)) {
    changeOfMaster(ctx, previous, current, { observedGap, down: track.down }, policy);
    return presentAt(current, ctx.time);
  }
  if (track.down.kind === 'declared') {
    returned(ctx, track, current);
    return presentAt(current, ctx.time);
  }
  if (previous === null) return presentAt(current, ctx.time);
  // A short blip of the same process: nothing to report but a new session, if any.
  checkSession(ctx, previous.master, current);
  return { ...previous, master: current, lastSeenAt: ctx.time };
}
