/** The REMEDIATION_* events: their texts, steps and facts, for the planner and the executor's outcomes. */
import { buildEvent, incidentKeyOf, iso, maintenanceHold } from '../events/build.ts';
import type {
  FactsByType,
  GuardrailRule,
  OutcomeFacts,
  RestartReason,
  RestartTargetFacts,
} from '../events/facts.ts';
import { formatDuration } from '../events/format.ts';
import type { EventOf, EventType, IncidentAction, MonitorEvent, Severity } from '../events/types.ts';
import type { Action, Block, Run } from './plan-types.ts';
import type { Need, Paging } from './remediation-state.ts';

export const REASON_TEXT: { readonly [R in RestartReason]: string } = {
  'failed-master': 'the failed master',
  'coordinator-down': 'coordinator down',
};

export function ruleText(run: Run, rule: GuardrailRule): string {
  const { policy, state } = run;
  switch (rule) {
    case 'no-quorum':
      return 'ZooKeeper has lost its quorum';
    case 'cannot-observe':
      return 'the monitor cannot observe the cluster (ZooKeeper unreadable or a stale snapshot)';
    case 'target-is-master':
      return 'the node has the address or instance id of the current master';
    case 'master-unhealthy':
      return 'no single master is registered and answering OK';
    case 'maintenance':
      return `maintenance window ${run.window?.id ?? ''} is active`;
    case 'in-flight':
      return `another action is in flight (restart of ${state.inFlight?.address ?? '?'})`;
    case 'cooldown':
      return `the node was acted upon less than ${formatDuration(policy.cooldownMs)} ago`;
    case 'daily-cap':
      return `${state.actionsAt.length} actions in the last 24 h reach the daily cap of ${policy.dailyCap}`;
  }
}

export function blockSteps(run: Run, need: Need, chosen: Block): string[] {
  const byHand = `If it cannot wait, restart Dremio on ${need.address} by hand.`;
  switch (chosen.rule) {
    case 'no-quorum':
      return [
        'Restore ZooKeeper first (ZOOKEEPER_QUORUM_LOST): no Dremio node is restarted meanwhile.',
        byHand,
      ];
    case 'cannot-observe':
      return ["Check the monitor's access to ZooKeeper and the coordinators (OBSERVATION_FAILED).", byHand];
    case 'target-is-master':
      return [`Check the configuration: ${need.address} shares its address or instance id with the master.`];
    case 'master-unhealthy':
      return [
        `Look at the master first (MASTER_UNRESPONSIVE, MASTER_DOWN, SPLIT_BRAIN_SUSPECTED): nothing is restarted until it has answered for ${formatDuration(run.policy.settleMs)}.`,
        byHand,
      ];
    case 'maintenance':
      return [
        'Nothing if the maintenance covers it: the monitor acts after the window if still needed.',
        byHand,
      ];
    case 'in-flight':
      return ['Wait for the action in flight: this one follows.'];
    case 'cooldown':
      return [`Find why ${need.address} keeps failing before it is restarted again.`, byHand];
    case 'daily-cap':
      return ['Find why nodes keep failing: the monitor does not act again before the cap frees up.', byHand];
  }
}

export function targetFacts(run: Run, need: Need): RestartTargetFacts {
  const instanceId = run.instanceIds.get(lower(need.address)) ?? null;
  return { address: need.address, role: need.role, instanceId, reason: need.reason };
}

export interface EventDraft<T extends EventType> {
  readonly type: T;
  readonly severity: Severity;
  readonly summary: string;
  readonly facts: FactsByType[T];
  readonly steps?: readonly string[];
}

/** An event of the need's remediation incident: it opens the incident, or updates the open one. */
export function needEvent<T extends EventType>(
  run: Run,
  need: Need,
  draft: EventDraft<T>,
  id = run.newId(),
): EventOf<T> {
  const incidentAction: IncidentAction = need.incidentKey === null ? 'open' : 'update';
  const incidentKey = need.incidentKey ?? incidentKeyOf(run.state.cluster, 'remediation', id);
  const window = run.window;
  // As detection records events during maintenance: held back from paging, the window in the facts.
  const facts: FactsByType[T] = window
    ? { ...draft.facts, maintenance: maintenanceHold(window) }
    : draft.facts;
  const event = makeEvent(
    run.state.cluster,
    id,
    run.now,
    incidentKey,
    incidentAction,
    { ...draft, facts },
    !!window,
  );
  need.incidentKey = incidentKey;
  run.events.push(event as MonitorEvent);
  return event;
}

export function makeEvent<T extends EventType>(
  cluster: string,
  id: string,
  now: number,
  incidentKey: string,
  incidentAction: IncidentAction,
  draft: EventDraft<T>,
  suppressed = false,
): EventOf<T> {
  return buildEvent({ id, cluster, at: now, incidentKey, incidentAction, suppressed, ...draft });
}

/** A reminder of a need's incident that waits for a person (its last block or failure, again). */
export function needReminder(run: Run, need: Need, paging: Paging): MonitorEvent {
  const openForMs = run.now - need.since;
  return makeEvent(run.state.cluster, run.newId(), run.now, need.incidentKey ?? '', 'remind', {
    type: 'INCIDENT_REMINDER',
    severity: paging.severity,
    summary: `Still open after ${formatDuration(openForMs)}: ${paging.summary}`,
    facts: {
      incidentKind: 'remediation',
      subject: need.address,
      openedAt: iso(need.since),
      openForMs,
      reason: 'repeat',
      target: { address: need.address, role: need.role, reason: need.reason },
    },
    steps: [
      `Restart Dremio on ${need.address} by hand if it cannot wait, or clear what holds the monitor back.`,
      `Acknowledge to stop the reminders: dremio-ha-monitor ack ${need.incidentKey ?? ''} --by NAME --reason TEXT`,
    ],
  });
}

/** A need met without a restart while its incident is open: the incident resolves (no action id). */
export function metWithoutRestart(run: Run, need: Need, why: string): MonitorEvent {
  const id = run.newId();
  return makeEvent(run.state.cluster, id, run.now, need.incidentKey ?? '', 'resolve', {
    type: 'REMEDIATION_SUCCEEDED',
    severity: 'info',
    summary: `${need.address} ${why}: no restart needed any more (${REASON_TEXT[need.reason]})`,
    facts: {
      actionId: null,
      target: targetFacts(run, need),
      outcome: 'no-longer-needed',
      why,
      attempts: need.attempts,
      since: iso(need.since),
    },
  });
}

export function outcomeKey(action: Action): string {
  return action.incidentKey ?? incidentKeyOf(action.cluster, 'remediation', action.id);
}

/** The action's own facts first, then the executor's (which cannot override them). */
export function outcomeFacts(action: Action, extra: Readonly<Record<string, unknown>>): OutcomeFacts {
  const { address, role, instanceId, reason } = action.target;
  const own = {
    actionId: action.id,
    target: { address, role, instanceId: instanceId ?? null, reason },
    dryRun: action.dryRun,
  };
  return { ...own, ...extra, ...own };
}

/** The executor's success: resolves the remediation incident. `facts`: what the executor saw. */
export function remediationSucceeded(
  action: Action,
  facts: Readonly<Record<string, unknown>>,
  now: number,
  newId: () => string,
): MonitorEvent {
  const { address, reason } = action.target;
  return makeEvent(action.cluster, newId(), now, outcomeKey(action), 'resolve', {
    type: 'REMEDIATION_SUCCEEDED',
    severity: 'info',
    summary: action.dryRun
      ? `Dry run: the restart of ${address} (${REASON_TEXT[reason]}) was recorded; nothing was called`
      : successText(action, facts),
    facts: outcomeFacts(action, facts),
  });
}

/** A success says exactly what was verified, never more. */
function successText(action: Action, facts: Readonly<Record<string, unknown>>): string {
  const { address, reason } = action.target;
  const standby = action.target.role === 'master-candidate';
  if (facts.alreadyRunning === true) {
    return `Dremio already runs on ${address} (${REASON_TEXT[reason]}): its service is active, so nothing was restarted${standby ? '; it waits as a standby' : ''}`;
  }
  const verified = Array.isArray(facts.verified) ? (facts.verified as unknown[]) : [];
  if (!standby) {
    return verified.includes('registered')
      ? `Restarted Dremio on ${address} (${REASON_TEXT[reason]}): it registered again and answers OK`
      : `Restarted Dremio on ${address} (${REASON_TEXT[reason]})`;
  }
  return verified.includes('service-active')
    ? `Restarted Dremio on ${address} (${REASON_TEXT[reason]}): the machine runs, the Dremio service is active and the master still answers OK; it waits as a standby`
    : `Restarted the machine of ${address} (${REASON_TEXT[reason]}): it runs and the master still answers OK. Whether Dremio waits there as a standby cannot be seen from outside (set remediation.ec2.serviceUnit)`;
}

/**
 * The executor's failure (or no outcome by the deadline): updates the remediation incident at
 * critical severity, so it pages. The need stays and is tried again after the cooldown of the
 * node, unless `facts.retryable` is false (permission denied, no such instance): then it waits for
 * a person, and its incident resolves when the node is back.
 */
export function remediationFailed(
  action: Action,
  reason: string,
  facts: Readonly<Record<string, unknown>>,
  now: number,
  newId: () => string,
): MonitorEvent {
  const { address } = action.target;
  return makeEvent(action.cluster, newId(), now, outcomeKey(action), 'update', {
    type: 'REMEDIATION_FAILED',
    severity: 'critical',
    summary: `Restart of ${address} (${REASON_TEXT[action.target.reason]}) failed: ${reason}`,
    facts: { ...outcomeFacts(action, facts), reason },
    steps: [
      `Restart Dremio on ${address} by hand, and check that it ${action.target.reason === 'failed-master' ? 'rejoins as a standby' : 'answers OK'}.`,
      'Find why the restart failed (the reason above, the instance, the server.log of Dremio).',
      'The monitor tries again after the cooldown of the node, within the daily cap.',
    ],
  });
}

export function lower(address: string): string {
  return address.toLowerCase();
}
