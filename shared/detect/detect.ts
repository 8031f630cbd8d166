import type { Snapshot } from '../observe/snapshot.ts';
import { judgeExecutors, judgeSplitBrain } from './cluster.ts';
import { judgeCoordinators } from './coordinators.ts';
import { type Context, timeContext } from './emit.ts';
import { settleFlapping } from './flapping.ts';
import { remind } from './incidents.ts';
import { advanceMaintenance } from './maintenance.ts';
import { judgeMaster } from './master.ts';
import { checkTakeover } from './master-down.ts';
import type { DetectionPolicy } from './policy.ts';
import { cloneState, type DetectorState, initialState, type Transition } from './state.ts';
import { canSeeMaster } from './visibility.ts';

export { canSeeMaster } from './visibility.ts';

import { escalateBlindness, judgeObservation, judgeZooKeeper } from './zookeeper.ts';

/**
 * Judges one snapshot against what came before; also runs what `tick` runs. Pure: no I/O, no
 * clock (`now`, epoch ms, is the clock for time-only transitions), ids from `newId`. A snapshot
 * not newer than the last one judged changes nothing. Snapshot events carry the snapshot's
 * observedAt; reminders, TAKEOVER_OVERDUE and maintenance edges found after it carry `now`.
 */
export function detect(
  previous: DetectorState | null,
  snapshot: Snapshot,
  now: number,
  policy: DetectionPolicy,
  newId: () => string,
): Transition {
  const observedAt = Date.parse(snapshot.observedAt);
  if (!Number.isFinite(observedAt))
    throw new TypeError(`detect: observedAt is not a time: ${snapshot.observedAt}`);
  if (previous !== null && previous.cluster !== snapshot.cluster) {
    throw new TypeError(`detect: a snapshot of ${snapshot.cluster} given the state of ${previous.cluster}`);
  }
  const base = previous ?? initialState(snapshot.cluster);
  if (base.lastObservedAt !== null && observedAt <= base.lastObservedAt) return { state: base, events: [] };
  const httpAt = snapshot.httpObservedAt === undefined ? observedAt : Date.parse(snapshot.httpObservedAt);
  const lastHttpAt = base.lastHttpObservedAt ?? null;
  const httpFresh = lastHttpAt === null || httpAt > lastHttpAt;
  const ctx: Context = {
    state: cloneState(base),
    newId,
    events: [],
    time: observedAt,
    httpFresh,
    httpAt,
  };
  if (httpFresh) ctx.state.lastHttpObservedAt = httpAt;
  advanceMaintenance(ctx);
  judgeSnapshot(ctx, snapshot, policy);
  ctx.state.lastObservedAt = observedAt;
  timePass(ctx, Math.max(now, observedAt), policy);
  return { state: ctx.state, events: ctx.events };
}

/**
 * The time-only transitions, with no snapshot: maintenance windows starting and ending,
 * TAKEOVER_OVERDUE, the end of a flapping episode, and INCIDENT_REMINDER. Events carry `now`.
 */
export function tick(
  state: DetectorState,
  now: number,
  policy: DetectionPolicy,
  newId: () => string,
): Transition {
  const ctx = timeContext(state, now, newId);
  timePass(ctx, now, policy);
  return { state: ctx.state, events: ctx.events };
}

function timePass(ctx: Context, now: number, policy: DetectionPolicy): void {
  const clock = Math.max(now, ctx.state.clockAt ?? now);
  ctx.time = clock;
  advanceMaintenance(ctx);
  checkTakeover(ctx, policy);
  escalateBlindness(ctx, policy);
  settleFlapping(ctx, policy);
  remind(ctx, policy.repeatIntervalMs);
  ctx.state.clockAt = clock;
}

function judgeSnapshot(ctx: Context, snapshot: Snapshot, policy: DetectionPolicy): void {
  const state = ctx.state;
  const canSee = canSeeMaster(snapshot);
  const observedGap = state.visibility.kind === 'blind';
  const sessionMs = snapshot.zookeeper.negotiatedSessionTimeoutMs;
  if (sessionMs !== null && sessionMs > 0) state.observedSessionTimeoutMs = sessionMs;
  // Conditions confirmed over snapshots count only new ZooKeeper observations: a probe round repeats
  // the last one, which says nothing more about ZooKeeper.
  const zookeeperAt =
    snapshot.zookeeperObservedAt === undefined ? ctx.time : Date.parse(snapshot.zookeeperObservedAt);
  const zookeeperFresh = zookeeperAt > (state.lastZooKeeperObservedAt ?? Number.NEGATIVE_INFINITY);
  if (zookeeperFresh) {
    state.lastZooKeeperObservedAt = zookeeperAt;
    judgeZooKeeper(ctx, snapshot, policy);
    judgeObservation(ctx, snapshot, canSee, policy);
  }
  if (canSee) {
    judgeMaster(ctx, snapshot, policy, observedGap);
    if (zookeeperFresh) {
      judgeSplitBrain(ctx, snapshot, policy);
      judgeExecutors(ctx, snapshot, policy);
    }
    state.visibility = { kind: 'seeing' };
  } else if (state.visibility.kind === 'seeing') {
    state.visibility = { kind: 'blind', since: ctx.time };
  }
  judgeCoordinators(ctx, snapshot, policy);
}
