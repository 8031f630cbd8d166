import { canSeeMaster } from '../detect/detect.ts';
import type { GuardrailRule } from '../events/facts.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import { coordinatorAt, healthyMaster, masterAddresses } from './cluster-view.ts';
import { lower } from './plan-events.ts';
import type { Block, Run } from './plan-types.ts';
import type { Need, RemediationState } from './remediation-state.ts';

/**
 * What holds a restart back: the cluster's state (quorum, visibility, a healthy master, maintenance),
 * the node's (it is the master, another action is in flight, its cooldown), the daily cap; the
 * master's settle period; whether holding back leaves the cluster with no standby.
 */

const DAY_MS = 24 * 60 * 60_000;

/** Forgets actions older than a day (the daily cap's window) and cooldowns that ended. */
export function forgetExpiredLimits(state: RemediationState, now: number): void {
  state.actionsAt = state.actionsAt.filter((at) => now - at < DAY_MS);
  state.cooldowns = Object.fromEntries(Object.entries(state.cooldowns).filter(([, until]) => until > now));
}

/** Records since when the current master has been healthy (a newer snapshot only). */
export function trackMasterHealth(state: RemediationState, snapshot: Snapshot, observedAt: number): void {
  if (state.lastObservedAt !== null && observedAt <= state.lastObservedAt) return;
  state.lastObservedAt = observedAt;
  const master = healthyMaster(snapshot);
  const known = state.masterHealth;
  if (!master) state.masterHealth = null;
  else if (
    !known ||
    known.address !== master.address ||
    known.fabricPort !== master.fabricPort ||
    known.startTime !== master.startTime
  ) {
    const { address, fabricPort, startTime } = master;
    state.masterHealth = { address, fabricPort, startTime, since: observedAt };
  }
}

/**
 * When the master of this snapshot will have answered for `settleMs`, or null when it is not the
 * one tracked healthy.
 */
export function masterSettledAt(run: Run): number | null {
  const health = run.state.masterHealth;
  const master = run.snapshot.master;
  const same = health && master && health.address === master.address && health.startTime === master.startTime;
  return health && same ? health.since + run.policy.settleMs : null;
}

/** The guardrails that hold for every node of the cluster in this run. */
export function clusterBlocks(run: Run, observedAt: number): Block[] {
  const { snapshot, detector, policy, now } = run;
  const blocks: Block[] = [];
  const zookeeper = detector.zookeeper;
  if (
    snapshot.zookeeper.quorum === false ||
    (zookeeper.kind === 'raised' && zookeeper.level === 'quorum_lost')
  ) {
    blocks.push({ rule: 'no-quorum', until: null });
  }
  const httpAt = snapshot.httpObservedAt === undefined ? observedAt : Date.parse(snapshot.httpObservedAt);
  const stale = !(now - observedAt <= policy.maxSnapshotAgeMs && now - httpAt <= policy.maxSnapshotAgeMs);
  if (stale || !canSeeMaster(snapshot) || detector.visibility.kind === 'blind') {
    blocks.push({ rule: 'cannot-observe', until: null });
  }
  if (!healthyMaster(snapshot)) blocks.push({ rule: 'master-unhealthy', until: null });
  if (run.window) blocks.push({ rule: 'maintenance', until: run.window.end });
  return blocks;
}

/** The cluster's guardrails and the node's own, in order of importance. */
export function blocksFor(run: Run, need: Need, clusterWide: readonly Block[]): Block[] {
  const { state, now, policy } = run;
  const blocks = [...clusterWide];
  const masters = masterAddresses(run);
  const instanceId = run.instanceIds.get(lower(need.address));
  const masterInstances = new Set([...masters].map((address) => run.instanceIds.get(address)));
  if (
    masters.has(lower(need.address)) ||
    coordinatorAt(run.snapshot, need.address)?.isMaster === true ||
    (instanceId !== undefined && masterInstances.has(instanceId))
  ) {
    blocks.push({ rule: 'target-is-master', until: null });
  }
  if (state.inFlight) blocks.push({ rule: 'in-flight', until: state.inFlight.deadline });
  const cooldown = state.cooldowns[lower(need.address)];
  if (cooldown !== undefined && cooldown > now) blocks.push({ rule: 'cooldown', until: cooldown });
  if (state.actionsAt.length >= policy.dailyCap) {
    const freed = state.actionsAt[state.actionsAt.length - policy.dailyCap] ?? now;
    blocks.push({ rule: 'daily-cap', until: freed + DAY_MS });
  }
  return blocks;
}

const CONDITION_ORDER: readonly GuardrailRule[] = [
  'no-quorum',
  'cannot-observe',
  'target-is-master',
  'master-unhealthy',
];

/** The rule to report: a condition with no known end first, else the one that ends last. */
export function primaryBlock(blocks: readonly Block[]): Block {
  for (const rule of CONDITION_ORDER) {
    const found = blocks.find((block) => block.rule === rule);
    if (found) return found;
  }
  return [...blocks].sort((a, b) => (b.until ?? 0) - (a.until ?? 0))[0] as Block;
}

/**
 * Whether holding back this restart leaves the cluster without any standby: the need is a failed
 * master candidate and every other configured master candidate is the master or failed too.
 */
export function leavesNoStandby(run: Run, need: Need): boolean {
  if (need.reason !== 'failed-master') return false;
  const failed = new Set(
    run.state.needs.filter((one) => one.reason === 'failed-master').map((one) => lower(one.address)),
  );
  return !run.snapshot.coordinators.some(
    (node) => node.role === 'master-candidate' && !node.isMaster && !failed.has(lower(node.address)),
  );
}
