import { iso } from '../events/build.ts';
import { formatDuration } from '../events/format.ts';
import type { MonitorEvent } from '../events/types.ts';
import { pagedBy } from './needs.ts';
import { remediationFailed } from './plan-events.ts';
import type { RestartAction, Run } from './plan-types.ts';
import { cloneRemediationState, type InFlight, type RemediationState } from './remediation-state.ts';

/**
 * The action in flight: the cluster's lease, held from the planner's REMEDIATION_STARTED until the
 * executor's outcome event comes back, or until its deadline passes without one.
 */

/**
 * Applies the executor's outcome events to a state: the lease is released; a success ends the need,
 * a failure leaves it to be tried again (after the cooldown of the node, within the daily cap).
 */
export function applyOutcomes(state: RemediationState, events: readonly MonitorEvent[]): RemediationState {
  const next = cloneRemediationState(state);
  settleOutcomes(next, events);
  return next;
}

/** `applyOutcomes` on a state the caller owns. */
export function settleOutcomes(state: RemediationState, events: readonly MonitorEvent[]): void {
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

/** An action without an outcome by its deadline failed: the lease is free again. */
export function expireLease(run: Run): void {
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

export function actionOf(flight: InFlight, cluster: string): RestartAction {
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
