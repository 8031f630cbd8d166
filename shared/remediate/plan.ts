import type { DetectorState } from '../detect/state.ts';
import { incidentKeyOf, iso } from '../events/build.ts';
import type { MonitorEvent } from '../events/types.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import { activeWindow } from './cluster-view.ts';
import {
  blocksFor,
  clusterBlocks,
  forgetExpiredLimits,
  leavesNoStandby,
  masterSettledAt,
  primaryBlock,
  trackMasterHealth,
} from './guardrails.ts';
import { actionOf, expireLease, settleOutcomes } from './in-flight.ts';
import { addNeeds, dropNeedsMet, pagedBy, remindNeeds } from './needs.ts';
import { blockSteps, lower, needEvent, REASON_TEXT, ruleText, targetFacts } from './plan-events.ts';
import type { Block, PlanResult, Run } from './plan-types.ts';
import type { RemediationPolicy } from './policy.ts';
import {
  cloneRemediationState,
  type InFlight,
  initialRemediationState,
  type Need,
  type RemediationState,
} from './remediation-state.ts';

/**
 * The remediation planner: which failed node to restart now, or which guardrail holds it back. Pure:
 * no I/O, no clock (`now`), ids from `newId`. The executor carries out the actions it returns; their
 * outcomes come back as REMEDIATION_SUCCEEDED / REMEDIATION_FAILED events (`remediationSucceeded`,
 * `remediationFailed`) in a later run's `events`. What needs a restart is in `needs.ts`, what holds
 * one back in `guardrails.ts`, the action in flight in `in-flight.ts`.
 */

/** The inputs of one run of the planner. */
export interface PlanOptions {
  /** The planner's state after its previous run; null for a cluster it never planned for. */
  readonly previous: RemediationState | null;
  readonly snapshot: Snapshot;
  /** Every event committed since the previous run (detection's, and the executor's outcomes), each once. */
  readonly events: readonly MonitorEvent[];
  /** The detector's state after `events`: maintenance windows, visibility, ZooKeeper, the master. */
  readonly detector: DetectorState;
  readonly policy: RemediationPolicy;
  /** Epoch ms. */
  readonly now: number;
  readonly newId: () => string;
  /** Address -> EC2 instance id, for the nodes whose instance the caller knows. */
  readonly instanceIds?: ReadonlyMap<string, string>;
}

/** One run of the planner after detection. At most one action per run and per cluster. */
export function planRemediation(options: PlanOptions): PlanResult {
  const { previous, snapshot, events, detector, policy, now, newId, instanceIds = new Map() } = options;
  const observedAt = Date.parse(snapshot.observedAt);
  if (!Number.isFinite(observedAt))
    throw new TypeError(`planRemediation: observedAt is not a time: ${snapshot.observedAt}`);
  for (const cluster of [detector.cluster, previous?.cluster ?? snapshot.cluster]) {
    if (cluster !== snapshot.cluster) {
      throw new TypeError(`planRemediation: a snapshot of ${snapshot.cluster} given the state of ${cluster}`);
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
  forgetExpiredLimits(run.state, now);
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
  const settledAt = masterSettledAt(run);
  if (settledAt === null || observedAt < settledAt) {
    // The master answers but has not for settleMs yet: a wait with a known, short end, not a block.
    run.decisions.push({ kind: 'wait', address, reason, why: 'settling', until: settledAt });
    return;
  }
  act(run, need);
}

function block(run: Run, need: Need, blocks: readonly Block[]): void {
  const chosen = primaryBlock(blocks);
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
