import { formatDuration } from '../detect/describe.ts';
import { canSeeMaster } from '../detect/detect.ts';
import { incidentKeyOf, iso } from '../detect/emit.ts';
import type { MonitorEvent } from '../detect/event.ts';
import type { DetectorState, MaintenanceWindow } from '../detect/state.ts';
import type { CoordinatorObservation, MasterRegistration, Snapshot } from '../observe/snapshot.ts';
import {
  blockSteps,
  lower,
  metWithoutRestart,
  needEvent,
  needReminder,
  REASON_TEXT,
  remediationFailed,
  ruleText,
  targetFacts,
} from './plan-events.ts';
import type { Block, PlanResult, RestartAction, Run } from './plan-types.ts';
import type { RemediationPolicy } from './policy.ts';
import {
  type BlockRule,
  cloneRemediationState,
  type InFlight,
  initialRemediationState,
  type Need,
  type NeedReason,
  type RemediationState,
} from './remediation-state.ts';

/**
 * The remediation planner: which failed node to restart now, or which guardrail holds it back. Pure:
 * no I/O, no clock (`now`), ids from `newId`. The executor carries out the actions it returns; their
 * outcomes come back as REMEDIATION_SUCCEEDED / REMEDIATION_FAILED events (`remediationSucceeded`,
 * `remediationFailed`) in a later run's `events`.
 */

const DAY_MS = 24 * 60 * 60_000;

/**
 * One run of the planner after detection. `events`: every event committed since the previous run
 * (detection's, and the executor's outcomes), each once. `detector`: the detector's state after
 * them (maintenance windows, visibility, ZooKeeper, the master). `instanceIds`: address -> EC2
 * instance id. At most one action per run and per cluster.
 */
export function plan(
  previous: RemediationState | null,
  snapshot: Snapshot,
  events: readonly MonitorEvent[],
  detector: DetectorState,
  policy: RemediationPolicy,
  now: number,
  newId: () => string,
  instanceIds: ReadonlyMap<string, string> = new Map(),
): PlanResult {
  const observedAt = Date.parse(snapshot.observedAt);
  if (!Number.isFinite(observedAt))
    throw new TypeError(`plan: observedAt is not a time: ${snapshot.observedAt}`);
  for (const cluster of [detector.cluster, previous?.cluster ?? snapshot.cluster]) {
    if (cluster !== snapshot.cluster) {
      throw new TypeError(`plan: a snapshot of ${snapshot.cluster} given the state of ${cluster}`);
    }
  }
  const run: Run = {
    state: previous ? cloneRemediationState(previous) : initialRemediationState(snapshot.cluster),
    snapshot,
    detector,
    policy,
    now,
    newId,
    instanceIds: new Map([...instanceIds].map(([address, id]) => [lower(address), id])),
    window: activeWindow(detector, now),
    actions: [],
    events: [],
    decisions: [],
  };
  settleOutcomes(run.state, events);
  expireLease(run);
  run.state.actionsAt = run.state.actionsAt.filter((at) => now - at < DAY_MS);
  run.state.cooldowns = Object.fromEntries(
    Object.entries(run.state.cooldowns).filter(([, until]) => until > now),
  );
  trackMasterHealth(run.state, snapshot, observedAt);
  if (policy.enabled) {
    addNeeds(run, events);
    dropNeedsMet(run);
    const blocks = clusterBlocks(run, observedAt);
    for (const need of run.state.needs) decide(run, need, blocks, observedAt);
    remindNeeds(run);
  }
  return { state: run.state, actions: run.actions, events: run.events, decisions: run.decisions };
}

// ---- outcomes and the lease ---------------------------------------------------------------------

/**
 * Applies the executor's outcome events to a state: the lease is released; a success ends the need,
 * a failure leaves it to be tried again (after the cooldown of the node, within the daily cap).
 */
export function applyOutcomes(state: RemediationState, events: readonly MonitorEvent[]): RemediationState {
  const next = cloneRemediationState(state);
  settleOutcomes(next, events);
  return next;
}

function settleOutcomes(state: RemediationState, events: readonly MonitorEvent[]): void {
  for (const event of events) {
    if (event.type !== 'REMEDIATION_SUCCEEDED' && event.type !== 'REMEDIATION_FAILED') continue;
    const id = event.facts.actionId;
    if (typeof id !== 'string') continue;
    if (state.inFlight?.id === id) state.inFlight = null;
    const need = state.needs.find((candidate) => candidate.lastActionId === id);
    // An outcome of an earlier attempt, after its lease expired and another began, changes nothing.
    if (!need || (need.actionId !== null && need.actionId !== id)) continue;
    if (event.type === 'REMEDIATION_SUCCEEDED') {
      state.needs = state.needs.filter((other) => other !== need);
      continue;
    }
    need.actionId = null;
    // A failure that retrying cannot fix (permission denied, no such instance) is not tried again.
    if (event.facts.retryable === false)
      need.stopped = typeof event.facts.reason === 'string' ? event.facts.reason : 'failed';
    pagedBy(need, event);
  }
}

/** The need's incident waits for a person: reminders count from this page; a new page needs a new ack. */
function pagedBy(need: Need, event: MonitorEvent): void {
  const at = Date.parse(event.at);
  need.paging = event.suppressed
    ? null
    : { severity: event.severity, summary: event.summary, lastNotifiedAt: Number.isFinite(at) ? at : 0 };
  need.acknowledged = null;
}

/** An action without an outcome by its deadline failed: the lease is free again. */
function expireLease(run: Run): void {
  const flight = run.state.inFlight;
  if (!flight || run.now < flight.deadline) return;
  run.state.inFlight = null;
  const need = run.state.needs.find((candidate) => candidate.actionId === flight.id);
  if (need) need.actionId = null;
  const within = formatDuration(flight.deadline - flight.startedAt);
  const failed = remediationFailed(
    actionOf(flight, run.state.cluster),
    `no outcome within ${within}: the executor did not report`,
    { startedAt: iso(flight.startedAt), deadline: iso(flight.deadline), expired: true },
    run.now,
    run.newId,
  );
  run.events.push(failed);
  if (need) pagedBy(need, failed);
}

/** The action holding the cluster's lease, as the planner started it, or null. */
export function actionInFlight(state: RemediationState | null): RestartAction | null {
  return state?.inFlight ? actionOf(state.inFlight, state.cluster) : null;
}

function actionOf(flight: InFlight, cluster: string): RestartAction {
  return {
    kind: 'restart',
    id: flight.id,
    cluster,
    target: {
      address: flight.address,
      role: flight.role,
      ...(flight.instanceId === null ? {} : { instanceId: flight.instanceId }),
      reason: flight.reason,
    },
    dryRun: flight.dryRun,
    deadline: flight.deadline,
    incidentKey: flight.incidentKey,
  };
}

// ---- what the snapshot says -----------------------------------------------------------------------

function coordinatorAt(snapshot: Snapshot, address: string): CoordinatorObservation | undefined {
  return snapshot.coordinators.find((coordinator) => lower(coordinator.address) === lower(address));
}

/** The one registered master, when the monitor can see it and it answers 200 "OK". */
function healthyMaster(snapshot: Snapshot): MasterRegistration | null {
  const master = snapshot.master;
  if (!canSeeMaster(snapshot) || !master || snapshot.masters.length !== 1) return null;
  return coordinatorAt(snapshot, master.address)?.http.kind === 'ok' ? master : null;
}

function trackMasterHealth(state: RemediationState, snapshot: Snapshot, observedAt: number): void {
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

function activeWindow(detector: DetectorState, now: number): MaintenanceWindow | undefined {
  const covering = detector.maintenance.filter((window) => window.start <= now && now < window.end);
  return covering.sort((a, b) => b.end - a.end)[0];
}

/** Every address the master goes by: the snapshot's registrations, and the detector's master. */
function masterAddresses(run: Run): Set<string> {
  const addresses = run.snapshot.masters.map((master) => master.address);
  for (const coordinator of run.snapshot.coordinators)
    if (coordinator.isMaster) addresses.push(coordinator.address);
  if (run.detector.master.kind === 'present') addresses.push(run.detector.master.master.address);
  return new Set(addresses.map(lower));
}

// ---- needs --------------------------------------------------------------------------------------

function addNeeds(run: Run, events: readonly MonitorEvent[]): void {
  for (const event of events) {
    const at = Date.parse(event.at);
    const since = Number.isFinite(at) ? at : run.now;
    if (event.type === 'FAILOVER_COMPLETED') {
      const from = event.facts.from;
      const address =
        typeof from === 'object' && from !== null ? (from as { address?: unknown }).address : null;
      if (typeof address === 'string') addNeed(run, address, 'failed-master', since, event.id);
    }
    if (event.type === 'COORDINATOR_DOWN' && typeof event.facts.address === 'string') {
      addNeed(run, event.facts.address, 'coordinator-down', since, event.id);
    }
  }
  // A coordinator still down by the detector's account is a need even if its event came before.
  // One only unreachable from the monitor (Dremio still counts it) is never restarted.
  for (const track of run.detector.coordinators) {
    if (track.condition.kind === 'raised' && (track.verdict ?? 'down') === 'down') {
      addNeed(run, track.address, 'coordinator-down', track.condition.since, null);
    }
  }
  run.state.needs.sort((a, b) => a.since - b.since);
}

function addNeed(run: Run, address: string, reason: NeedReason, since: number, cause: string | null): void {
  if (run.state.needs.some((need) => lower(need.address) === lower(address))) return;
  const coordinator = coordinatorAt(run.snapshot, address);
  // Only a configured node can be restarted; a secondary coordinator is never the master.
  if (!coordinator || (reason === 'coordinator-down' && coordinator.role !== 'coordinator')) return;
  run.state.needs.push({
    address: coordinator.address,
    role: coordinator.role,
    reason,
    since,
    dueAt: reason === 'failed-master' ? since + run.policy.settleMs : since,
    cause,
    incidentKey: null,
    blocked: null,
    actionId: null,
    lastActionId: null,
    attempts: 0,
    stopped: null,
  });
}

/** Why a need is met without an action, or null while it still needs one. */
function metBy(run: Run, need: Need): string | null {
  const coordinator = coordinatorAt(run.snapshot, need.address);
  if (!coordinator) return 'no longer a configured coordinator';
  if (need.reason === 'coordinator-down') {
    if (coordinator.http.kind === 'ok') return 'answers OK again';
    // Two witnesses before acting: while Dremio counts it, only the monitor's path may be broken.
    return coordinator.registered ? 'registered in ZooKeeper again' : null;
  }
  const master = run.snapshot.master;
  if (run.snapshot.masters.length === 1 && master && lower(master.address) === lower(need.address)) {
    return 'is the master again';
  }
  return coordinator.registered ? 'registered again' : null;
}

/** Needs met by the world (not while their action is in flight: its outcome tells). */
function dropNeedsMet(run: Run): void {
  for (const need of [...run.state.needs]) {
    if (need.actionId !== null) continue;
    const why = metBy(run, need);
    if (why === null) continue;
    run.state.needs = run.state.needs.filter((other) => other !== need);
    if (need.incidentKey !== null) run.events.push(metWithoutRestart(run, need, why));
  }
}

// ---- reminders ----------------------------------------------------------------------------------

/**
 * INCIDENT_REMINDER for each remediation incident that waits for a person (a block or a failure
 * paged) and is not acknowledged, every `repeatIntervalMs`; nothing during maintenance.
 */
function remindNeeds(run: Run): void {
  if (run.window) return;
  for (const need of run.state.needs) {
    const paging = need.paging;
    if (!paging || need.acknowledged || need.incidentKey === null) continue;
    if (run.now - paging.lastNotifiedAt < run.policy.repeatIntervalMs) continue;
    run.events.push(needReminder(run, need, paging));
    paging.lastNotifiedAt = run.now;
  }
}

// ---- guardrails ---------------------------------------------------------------------------------

/** The guardrails that hold for every node of the cluster in this run. */
function clusterBlocks(run: Run, observedAt: number): Block[] {
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
function blocksFor(run: Run, need: Need, clusterWide: readonly Block[]): Block[] {
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

const CONDITION_ORDER: readonly BlockRule[] = [
  'no-quorum',
  'cannot-observe',
  'target-is-master',
  'master-unhealthy',
];

/** The rule to report: a condition with no known end first, else the one that ends last. */
function primary(blocks: readonly Block[]): Block {
  for (const rule of CONDITION_ORDER) {
    const found = blocks.find((block) => block.rule === rule);
    if (found) return found;
  }
  return [...blocks].sort((a, b) => (b.until ?? 0) - (a.until ?? 0))[0] as Block;
}

// ---- deciding -----------------------------------------------------------------------------------

function decide(run: Run, need: Need, clusterWide: readonly Block[], observedAt: number): void {
  const { address, reason } = need;
  if (need.actionId !== null) {
    run.decisions.push({
      kind: 'wait',
      address,
      reason,
      why: 'acting',
      until: run.state.inFlight?.deadline ?? null,
    });
    return;
  }
  if (need.stopped !== null) {
    run.decisions.push({ kind: 'wait', address, reason, why: 'stopped', until: null });
    return;
  }
  if (run.now < need.dueAt) {
    run.decisions.push({ kind: 'wait', address, reason, why: 'not-due', until: need.dueAt });
    return;
  }
  const blocks = blocksFor(run, need, clusterWide);
  if (blocks.length > 0) {
    block(run, need, blocks);
    return;
  }
  const health = run.state.masterHealth;
  const master = run.snapshot.master;
  const same = health && master && health.address === master.address && health.startTime === master.startTime;
  const settledAt = health && same ? health.since + run.policy.settleMs : null;
  if (settledAt === null || observedAt < settledAt) {
    // The master answers but has not for settleMs yet: a wait with a known, short end, not a block.
    run.decisions.push({ kind: 'wait', address, reason, why: 'settling', until: settledAt });
    return;
  }
  act(run, need);
}

function block(run: Run, need: Need, blocks: readonly Block[]): void {
  const chosen = primary(blocks);
  const suppressed = run.window !== undefined;
  const episode = need.blocked;
  if (episode && !(episode.suppressed && !suppressed)) {
    // The episode paged already (or is held back by the window still): one page per episode.
    episode.rule = chosen.rule;
    episode.until = chosen.until;
    run.decisions.push({
      kind: 'blocked',
      address: need.address,
      reason: need.reason,
      ...chosen,
      eventId: null,
    });
    return;
  }
  const noStandby = leavesNoStandby(run, need);
  const event = needEvent(run, need, {
    type: 'REMEDIATION_BLOCKED',
    // A failed master held back with no other candidate left: the next failure of the master is an outage.
    severity: noStandby ? 'critical' : 'warning',
    summary: `Restart of ${need.address} (${REASON_TEXT[need.reason]}) is blocked: ${ruleText(run, chosen.rule)}; ${
      chosen.until === null
        ? 'the monitor acts once that clears'
        : `the monitor acts after ${iso(chosen.until)} if it is still needed`
    }${noStandby ? '. Until it runs again the cluster has no standby: a failure of the master is an outage' : ''}`,
    facts: {
      noStandby,
      rule: chosen.rule,
      until: chosen.until === null ? null : iso(chosen.until),
      target: targetFacts(run, need),
      rules: blocks.map((one) => ({ rule: one.rule, until: one.until === null ? null : iso(one.until) })),
      since: iso(need.since),
      cause: need.cause,
      attempts: need.attempts,
    },
    steps: blockSteps(run, need, chosen),
  });
  need.blocked = { rule: chosen.rule, until: chosen.until, since: run.now, eventId: event.id, suppressed };
  pagedBy(need, event);
  run.decisions.push({
    kind: 'blocked',
    address: need.address,
    reason: need.reason,
    ...chosen,
    eventId: event.id,
  });
}

/**
 * Whether holding back this restart leaves the cluster without any standby: the need is a failed
 * master candidate and every other configured master candidate is the master or failed too.
 */
function leavesNoStandby(run: Run, need: Need): boolean {
  if (need.reason !== 'failed-master') return false;
  const failed = new Set(
    run.state.needs.filter((one) => one.reason === 'failed-master').map((one) => lower(one.address)),
  );
  return !run.snapshot.coordinators.some(
    (node) => node.role === 'master-candidate' && !node.isMaster && !failed.has(lower(node.address)),
  );
}

function act(run: Run, need: Need): void {
  const { state, policy, now } = run;
  const eventId = run.newId();
  const actionId = run.newId();
  const incidentKey = need.incidentKey ?? incidentKeyOf(state.cluster, 'remediation', eventId);
  const instanceId = run.instanceIds.get(lower(need.address)) ?? null;
  const flight: InFlight = {
    id: actionId,
    address: need.address,
    role: need.role,
    reason: need.reason,
    instanceId,
    startedAt: now,
    deadline: now + policy.actionTimeoutMs,
    incidentKey,
    dryRun: policy.dryRun,
  };
  const action = actionOf(flight, state.cluster);
  const master = state.masterHealth;
  const event = needEvent(
    run,
    need,
    {
      type: 'REMEDIATION_STARTED',
      severity: 'info',
      summary: `${policy.dryRun ? 'Dry run: would restart' : 'Restarting'} Dremio on ${need.address} (${REASON_TEXT[need.reason]})${
        need.reason === 'failed-master' ? ' so it rejoins as a standby' : ''
      }; outcome expected by ${iso(flight.deadline)}`,
      facts: {
        actionId,
        target: targetFacts(run, need),
        dryRun: policy.dryRun,
        attempt: need.attempts + 1,
        deadline: iso(flight.deadline),
        since: iso(need.since),
        cause: need.cause,
        master: master && {
          address: master.address,
          fabricPort: master.fabricPort,
          healthySince: iso(master.since),
        },
        blockedSince: need.blocked ? iso(need.blocked.since) : null,
        looksFirst: policy.looksBeforeRestart,
      },
      steps: [
        `Watch for REMEDIATION_SUCCEEDED or REMEDIATION_FAILED about ${need.address}.`,
        policy.looksBeforeRestart
          ? 'The Dremio service is asked first (systemctl is-active): if it already runs, nothing is restarted.'
          : 'Whether Dremio already runs there cannot be checked before the restart (no remediation.ec2.serviceUnit): run remediation with dryRun first, and set the service unit.',
      ],
    },
    eventId,
  );
  need.incidentKey = event.incidentKey;
  need.blocked = null;
  need.paging = null;
  need.acknowledged = null;
  need.actionId = actionId;
  need.lastActionId = actionId;
  need.attempts += 1;
  state.inFlight = flight;
  state.cooldowns[lower(need.address)] = now + policy.cooldownMs;
  state.actionsAt.push(now);
  run.actions.push(action);
  run.decisions.push({ kind: 'act', address: need.address, reason: need.reason, actionId });
}
