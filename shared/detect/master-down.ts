import { iso } from '../events/build.ts';
import { formatDuration } from '../events/format.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import { identityOf, masterFacts, nameOf, sameIdentity } from './describe.ts';
import { type Context, emit } from './emit.ts';
import { openIncident, openOrUpdate, resolveOrNotice } from './incidents.ts';
import { type DetectionPolicy, sessionTimeoutFor } from './policy.ts';
import type { AbsentMaster, MasterRecord } from './state.ts';

/** When the master was last seen registered (or first missed, when none ever was). */
export function lastSeenOf(track: AbsentMaster): number {
  return track.previous?.lastSeenAt ?? track.since;
}

/**
 * When a standby could start to take over: when the registration went (a clean stop, or a dead
 * master's session expiring), or earlier when the master was seen dying and its session was due
 * to expire before the monitor saw the registration go (it was blind meanwhile).
 */
function takeoverStartOf(track: AbsentMaster): number {
  const responsiveness = track.previous?.responsiveness;
  const expected =
    responsiveness?.kind === 'unresponsive' ? (responsiveness.failoverExpectedAt ?? null) : null;
  return expected === null ? track.since : Math.min(track.since, expected);
}

function takeoverDeadline(track: AbsentMaster, policy: DetectionPolicy): number {
  return takeoverStartOf(track) + policy.standbyStartupBudgetMs;
}

/** MASTER_DOWN once B/master stayed empty over masterDownConfirmMs and confirmSnapshots snapshots. */
export function confirmDown(
  ctx: Context,
  track: AbsentMaster,
  snapshot: Snapshot,
  policy: DetectionPolicy,
): void {
  if (track.down.kind === 'declared') return;
  if (track.snapshots < policy.confirmSnapshots || ctx.time - track.since < policy.masterDownConfirmMs)
    return;
  const previous = track.previous?.master ?? null;
  const lastSeen = lastSeenOf(track);
  const deadline = takeoverDeadline(track, policy);
  const latch = snapshot.latch;
  emit(ctx, {
    type: 'MASTER_DOWN',
    severity: 'critical',
    summary: previous
      ? `No master registered for ${formatDuration(ctx.time - lastSeen)}: ${nameOf(previous)} is gone from ZooKeeper and no standby has registered yet`
      : `No master registered in ZooKeeper (for ${formatDuration(ctx.time - track.since)} since the monitor first looked)`,
    facts: {
      previous: previous ? masterFacts(previous) : null,
      lastSeenAt: previous ? iso(lastSeen) : null,
      absentSince: iso(track.since),
      downForMs: ctx.time - lastSeen,
      snapshots: track.snapshots,
      latchParticipants: latch.participants.length,
      latchLeader: latch.leader?.participantId ?? null,
      coordinatorsAnsweringMasterDown: snapshot.coordinators
        .filter((coordinator) => coordinator.http.kind === 'master_down')
        .map((coordinator) => coordinator.address),
      takeoverExpectedBy: iso(deadline),
    },
    steps: [
      'Queries fail until a master registers: a standby takes over once the old session expired and it has started.',
      `If no master is registered by ${iso(deadline)}, TAKEOVER_OVERDUE follows: start a master candidate by hand.`,
      "Check that a standby is running: it waits on the catalog lock ('Lock file to RocksDB is currently held by another process').",
    ],
    incident: openOrUpdate(ctx.state, 'master', null),
  });
  track.down = { kind: 'declared', at: ctx.time, takeover: 'waiting' };
}

/** MASTER_RETURNED: a master registered after MASTER_DOWN, the same process or (first run) any. */
export function returned(ctx: Context, track: AbsentMaster, current: MasterRecord): void {
  const previous = track.previous?.master ?? null;
  const renewed = previous !== null && previous.ephemeralOwner !== current.ephemeralOwner;
  emit(ctx, {
    type: 'MASTER_RETURNED',
    severity: 'info',
    summary: `Master ${nameOf(current)} is registered again after ${formatDuration(ctx.time - lastSeenOf(track))} without a master${previous ? '' : ' (no earlier master known)'}`,
    facts: {
      master: masterFacts(current),
      previous: previous ? identityOf(previous) : null,
      downForMs: ctx.time - lastSeenOf(track),
      sessionRenewed: renewed,
    },
    steps: ['Restart the queries that failed while no master was registered.'],
    incident: resolveOrNotice(ctx.state, 'master', null),
  });
}

/** ZK_SESSION_RENEWED: the same process (identity) registered under a new ZooKeeper session. */
export function checkSession(ctx: Context, before: MasterRecord, current: MasterRecord): void {
  if (!sameIdentity(before, current) || before.ephemeralOwner === current.ephemeralOwner) return;
  emit(ctx, {
    type: 'ZK_SESSION_RENEWED',
    severity: 'info',
    summary: `Master ${nameOf(current)} renewed its ZooKeeper session (${before.ephemeralOwner} -> ${current.ephemeralOwner}); the same process, not a failover`,
    facts: {
      master: identityOf(current),
      fromSession: before.ephemeralOwner,
      toSession: current.ephemeralOwner,
      fromZnode: before.znode,
      toZnode: current.znode,
    },
    incident: { action: 'notice', segment: 'master', name: null },
  });
}

/** TAKEOVER_OVERDUE, once per MASTER_DOWN: no standby registered within session + startup budget. */
export function checkTakeover(ctx: Context, policy: DetectionPolicy): void {
  const track = ctx.state.master;
  if (track.kind !== 'absent' || track.down.kind !== 'declared' || track.down.takeover === 'overdue') return;
  if (ctx.state.visibility.kind === 'blind') return;
  const deadline = takeoverDeadline(track, policy);
  if (ctx.time <= deadline) return;
  const incident = openIncident(ctx.state, 'master');
  const previous = track.previous?.master ?? null;
  const lastSeen = lastSeenOf(track);
  emit(ctx, {
    type: 'TAKEOVER_OVERDUE',
    severity: 'critical',
    summary: `No master for ${formatDuration(ctx.time - lastSeen)}${previous ? ` since ${previous.address} was last seen` : ''}: no standby has taken over (expected within ${formatDuration(deadline - lastSeen)}); a person must act`,
    facts: {
      previous: previous ? identityOf(previous) : null,
      lastSeenAt: iso(lastSeen),
      downForMs: ctx.time - lastSeen,
      sessionTimeoutMs: sessionTimeoutFor(policy, ctx.state.observedSessionTimeoutMs),
      standbyStartupBudgetMs: policy.standbyStartupBudgetMs,
    },
    steps: [
      'Check each master candidate: is Dremio running, and what does its server.log say (catalog lock, election, startup errors)?',
      'Check the shared catalog storage (NFS mount and locks): a standby cannot take the lock if it is unavailable.',
      `Start Dremio on a master candidate${previous ? ` (or restart ${previous.address})` : ''}.`,
    ],
    incident: incident
      ? { action: 'update', key: incident.key }
      : { action: 'open', kind: 'master', subject: null },
  });
  track.down = { ...track.down, takeover: 'overdue' };
}
