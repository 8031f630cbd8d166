import type { RestartReason } from '../events/facts.ts';
import type { MonitorEvent } from '../events/types.ts';
import { coordinatorAt } from './cluster-view.ts';
import { lower, metWithoutRestart, needReminder } from './plan-events.ts';
import type { Run } from './plan-types.ts';
import type { Need } from './remediation-state.ts';

/**
 * What needs a restart: a failed master (from FAILOVER_COMPLETED) and a coordinator down (by the
 * detector's account), until the world or a restart meets the need; and the reminders of the needs
 * that wait for a person.
 */

/** Adds a need for each failed master and coordinator down the events and the detector tell of. */
export function addNeeds(run: Run, events: readonly MonitorEvent[]): void {
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

function addNeed(
  run: Run,
  address: string,
  reason: RestartReason,
  since: number,
  cause: string | null,
): void {
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
export function dropNeedsMet(run: Run): void {
  for (const need of [...run.state.needs]) {
    if (need.actionId !== null) continue;
    const why = metBy(run, need);
    if (why === null) continue;
    run.state.needs = run.state.needs.filter((other) => other !== need);
    if (need.incidentKey !== null) run.events.push(metWithoutRestart(run, need, why));
  }
}

/** The need's incident waits for a person: reminders count from this page; a new page needs a new ack. */
export function pagedBy(need: Need, event: MonitorEvent): void {
  const at = Date.parse(event.at);
  need.paging = event.suppressed
    ? null
    : { severity: event.severity, summary: event.summary, lastNotifiedAt: Number.isFinite(at) ? at : 0 };
  need.acknowledged = null;
}

/**
 * INCIDENT_REMINDER for each remediation incident that waits for a person (a block or a failure
 * paged) and is not acknowledged, every `repeatIntervalMs`; nothing during maintenance.
 */
export function remindNeeds(run: Run): void {
  if (run.window) return;
  for (const need of run.state.needs) {
    const paging = need.paging;
    if (!paging || need.acknowledged || need.incidentKey === null) continue;
    if (run.now - paging.lastNotifiedAt < run.policy.repeatIntervalMs) continue;
    run.events.push(needReminder(run, need, paging));
    paging.lastNotifiedAt = run.now;
  }
}
