import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DetectorState, initialState, type MaintenanceWindow } from '../../../shared/detect/index.ts';
import type { GuardrailRule } from '../../../shared/events/facts.ts';
import { factsRecord } from '../../../shared/events/read.ts';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import type { MasterRegistration } from '../../../shared/observe/snapshot.ts';
import { acknowledgeRemediation } from '../../../shared/remediate/acknowledge.ts';
import {
  type Action,
  applyOutcomes,
  defaultRemediationPolicy,
  initialRemediationState,
  type PlanResult,
  planRemediation,
  type RemediationPolicy,
  type RemediationState,
  remediationFailed,
  remediationSucceeded,
} from '../../../shared/remediate/index.ts';
import {
  A,
  A_ADDRESS,
  B,
  B_ADDRESS,
  C_ADDRESS,
  CLUSTER,
  idGenerator,
  MINUTE,
  type Scene,
  SECOND,
  snapshot,
  T0,
} from '../../support/detect-fixtures.ts';
import { looseEvent } from '../../support/loose-event.ts';

/**
 * The planner, case by case: each trigger and each guardrail. The cluster of detect-fixtures: master
 * candidates A (10.0.0.11) and B (10.0.0.12), a coordinator C (10.0.0.21).
 */

const POLICY = defaultRemediationPolicy({ enabled: true });
const INSTANCES = new Map([
  [A_ADDRESS, 'i-0000000000000000a'],
  [B_ADDRESS, 'i-0000000000000000b'],
  [C_ADDRESS, 'i-0000000000000000c'],
]);
const at = (seconds: number) => T0 + seconds * SECOND;
/** After the failover: B is the master and answers, A is gone. */
const B_MASTER: Scene = { master: B };
/** B is the master, C does not answer. */
const C_DOWN: Scene = { master: B, http: { [C_ADDRESS]: 'timeout' }, unregistered: [C_ADDRESS] };

/** Runs the planner over time, keeping its state, as the monitor does. */
class Planner {
  state: RemediationState | null = null;
  detector: DetectorState = initialState(CLUSTER);
  readonly newId = idGenerator('R');
  readonly results: PlanResult[] = [];

  constructor(
    readonly policy: RemediationPolicy = POLICY,
    readonly instances: ReadonlyMap<string, string> = INSTANCES,
  ) {}

  /** A snapshot at `seconds`, judged 20 ms later (or at `now`). */
  run(
    seconds: number,
    scene: Scene = B_MASTER,
    events: readonly MonitorEvent[] = [],
    now = at(seconds) + 20,
  ): PlanResult {
    const result = planRemediation({
      previous: this.state,
      snapshot: snapshot(at(seconds), scene),
      events,
      detector: this.detector,
      policy: this.policy,
      now,
      newId: this.newId,
      instanceIds: this.instances,
    });
    this.state = result.state;
    this.results.push(result);
    return result;
  }

  /** Runs every `everySeconds` from `from` to `to` (inclusive), returning every result. */
  runs(from: number, to: number, everySeconds: number, scene: Scene = B_MASTER): PlanResult[] {
    const results: PlanResult[] = [];
    for (let seconds = from; seconds <= to; seconds += everySeconds) results.push(this.run(seconds, scene));
    return results;
  }

  get events(): MonitorEvent[] {
    return this.results.flatMap((result) => result.events);
  }

  get actions(): Action[] {
    return this.results.flatMap((result) => result.actions);
  }
}

const eventIds = idGenerator('D');

function failover(from: MasterRegistration, to: MasterRegistration, seconds: number): MonitorEvent {
  const id = eventIds();
  return looseEvent({
    id,
    cluster: CLUSTER,
    type: 'FAILOVER_COMPLETED',
    severity: 'critical',
    at: new Date(at(seconds)).toISOString(),
    incidentKey: `${CLUSTER}/master/${id}`,
    summary: `Failover: master moved from ${from.address} to ${to.address}`,
    facts: {
      from: { address: from.address, fabricPort: from.fabricPort, startTime: from.startTime },
      to: { address: to.address, fabricPort: to.fabricPort, startTime: to.startTime },
    },
    incidentAction: 'resolve',
  });
}

function coordinatorDown(address: string, seconds: number): MonitorEvent {
  const id = eventIds();
  return looseEvent({
    id,
    cluster: CLUSTER,
    type: 'COORDINATOR_DOWN',
    severity: 'warning',
    at: new Date(at(seconds)).toISOString(),
    incidentKey: `${CLUSTER}/coordinator/${id}`,
    summary: `Coordinator ${address} is down`,
    facts: { address },
    incidentAction: 'open',
  });
}

function ofType(events: readonly MonitorEvent[], type: MonitorEvent['type']): MonitorEvent[] {
  return events.filter((event) => event.type === type);
}

function window(id: string, fromSeconds: number, toSeconds: number): MaintenanceWindow {
  return {
    id,
    start: at(fromSeconds),
    end: at(toSeconds),
    owner: 'bob',
    reason: 'upgrade',
    status: 'active',
  };
}

/** A planner after failover A -> B at 0 s, B answering from 0 s. */
function afterFailover(policy: RemediationPolicy = POLICY): Planner {
  const planner = new Planner(policy);
  planner.run(0, B_MASTER, [failover(A, B, 0)]);
  return planner;
}

describe('remediation planner: triggers', () => {
  it('restarts the failed master once the new master has answered for the settle period', () => {
    const planner = afterFailover();
    const waiting = planner.runs(10, 50, 10);
    assert.deepEqual(
      waiting.flatMap((result) => result.events),
      [],
    );
    assert.ok(waiting.every((result) => result.decisions[0]?.kind === 'wait'));
    const result = planner.run(60);
    assert.equal(result.actions.length, 1);
    const [action] = result.actions;
    assert.deepEqual(action?.target, {
      address: A_ADDRESS,
      role: 'master-candidate',
      instanceId: 'i-0000000000000000a',
      reason: 'failed-master',
    });
    assert.equal(action?.dryRun, false);
    const [started] = result.events;
    assert.equal(started?.type, 'REMEDIATION_STARTED');
    assert.equal(started?.severity, 'info');
    assert.equal(started?.incidentAction, 'open');
    assert.equal(started?.incidentKey, `${CLUSTER}/remediation/${started?.id}`);
    assert.equal(action?.incidentKey, started?.incidentKey);
    assert.equal(factsRecord(started).actionId, action?.id);
    assert.match(started?.summary ?? '', /^Restarting Dremio on 10\.0\.0\.11 \(the failed master\)/);
    const state = planner.state;
    assert.equal(state?.inFlight?.id, action?.id);
    assert.equal(state?.inFlight?.deadline, at(60) + 20 + POLICY.actionTimeoutMs);
    assert.deepEqual(state?.cooldowns, { [A_ADDRESS]: at(60) + 20 + POLICY.cooldownMs });
    assert.deepEqual(state?.actionsAt, [at(60) + 20]);
  });

  it("a block that leaves the cluster without a standby is critical; a coordinator's is a warning", () => {
    const starting: Scene = { master: B, http: { [B_ADDRESS]: 'refused' } };
    // Two master candidates: B is the master, A failed. Held back, A leaves no standby at all.
    const master = new Planner();
    master.run(0, starting, [failover(A, B, 0)]);
    const [blocked] = master.runs(10, 120, 10, starting).flatMap((result) => result.events);
    assert.equal(blocked?.type, 'REMEDIATION_BLOCKED');
    assert.equal(blocked?.severity, 'critical');
    assert.equal(factsRecord(blocked).noStandby, true);
    assert.match(blocked?.summary ?? '', /the cluster has no standby/);
    // A coordinator held back leaves every standby in place: a warning.
    const coordinator = new Planner();
    coordinator.run(0, { ...C_DOWN, http: { [B_ADDRESS]: 'timeout', [C_ADDRESS]: 'timeout' } }, [
      coordinatorDown(C_ADDRESS, 0),
    ]);
    const [held] = coordinator.results.flatMap((result) => result.events);
    assert.equal(held?.type, 'REMEDIATION_BLOCKED');
    assert.equal(held?.severity, 'warning');
    assert.equal(factsRecord(held).noStandby, false);
  });

  it('waits for a new master that does not answer yet, without paging, within the settle period', () => {
    const planner = new Planner();
    const starting: Scene = { master: B, http: { [B_ADDRESS]: 'refused' } };
    planner.run(0, starting, [failover(A, B, 0)]);
    planner.runs(10, 50, 10, starting);
    assert.deepEqual(planner.events, []);
    // Still not answering when the restart is due: blocked, and it says so once.
    const blocked = planner.runs(60, 120, 10, starting).flatMap((result) => result.events);
    assert.deepEqual(
      blocked.map((event) => [event.type, factsRecord(event).rule, event.incidentAction]),
      [['REMEDIATION_BLOCKED', 'master-unhealthy', 'open']],
    );
    // It answers from 130 s: the restart follows 60 s later, in the same incident.
    planner.runs(130, 180, 10);
    const result = planner.run(190);
    assert.equal(result.actions.length, 1);
    assert.equal(result.events[0]?.incidentAction, 'update');
    assert.equal(result.events[0]?.incidentKey, blocked[0]?.incidentKey);
  });

  it('restarts a secondary coordinator reported down, once the master has settled', () => {
    const planner = new Planner();
    planner.run(0, C_DOWN);
    const result = planner.run(60, C_DOWN, [coordinatorDown(C_ADDRESS, 60)]);
    assert.deepEqual(result.actions[0]?.target, {
      address: C_ADDRESS,
      role: 'coordinator',
      instanceId: 'i-0000000000000000c',
      reason: 'coordinator-down',
    });
  });

  it("takes a coordinator down from the detector's state too (an event missed, remediation enabled later)", () => {
    const planner = new Planner();
    planner.detector = {
      ...initialState(CLUSTER),
      coordinators: [
        {
          address: C_ADDRESS,
          condition: { kind: 'raised', since: at(-600), incidentKey: 'prod/coordinator/x' },
        },
      ],
    };
    planner.run(0, C_DOWN);
    const result = planner.run(60, C_DOWN);
    assert.equal(result.actions[0]?.target.address, C_ADDRESS);
    assert.equal(factsRecord(result.events[0]).cause, null);
  });

  it('never restarts a coordinator Dremio still counts: unreachable from the monitor, or registered again', () => {
    const planner = new Planner();
    planner.detector = {
      ...initialState(CLUSTER),
      coordinators: [
        {
          address: C_ADDRESS,
          condition: { kind: 'raised', since: at(-600), incidentKey: 'prod/coordinator/x' },
          verdict: 'unreachable',
        },
      ],
    };
    const stillRegistered: Scene = { master: B, http: { [C_ADDRESS]: 'refused' } };
    planner.runs(0, 600, 30, stillRegistered);
    assert.deepEqual(planner.actions, [], 'unreachable from the monitor is never restarted');
    assert.deepEqual(planner.state?.needs, []);
    // A COORDINATOR_DOWN whose coordinator registered again before the restart: the need is met.
    const again = new Planner();
    again.run(0, C_DOWN);
    again.run(60, stillRegistered, [coordinatorDown(C_ADDRESS, 60)]);
    again.runs(70, 400, 30, stillRegistered);
    assert.deepEqual(again.actions, []);
  });

  it('never restarts a master candidate for COORDINATOR_DOWN, nor a node that is not configured', () => {
    const planner = new Planner();
    planner.run(0);
    const events = [coordinatorDown(A_ADDRESS, 0), coordinatorDown('10.9.9.9', 0)];
    planner.run(60, B_MASTER, events);
    const stranger = { ...A, address: '10.9.9.9' };
    planner.run(70, B_MASTER, [failover(stranger, B, 70)]);
    planner.runs(80, 300, 20);
    assert.deepEqual(planner.actions, []);
    assert.deepEqual(planner.state?.needs, []);
  });

  it('drops a need the world met: the failed master is master again, or registered again', () => {
    const back = afterFailover();
    back.run(30, { master: A }, [failover(B, A, 30)]);
    // B is now the failed master; A is master again: only B is left to restart.
    assert.deepEqual(
      back.state?.needs.map((need) => need.address),
      [B_ADDRESS],
    );
    const registered = afterFailover();
    const scene: Scene = { master: B };
    const result = planRemediation({
      previous: registered.state,
      snapshot: {
        ...snapshot(at(30), scene),
        coordinators: snapshot(at(30), scene).coordinators.map((coordinator) =>
          coordinator.address === A_ADDRESS ? { ...coordinator, registered: true } : coordinator,
        ),
      },
      events: [],
      detector: registered.detector,
      policy: POLICY,
      now: at(30) + 20,
      newId: registered.newId,
    });
    assert.deepEqual(result.state.needs, []);
    assert.deepEqual(result.events, []);
  });

  it('resolves the incident of a need met without a restart, once it had paged', () => {
    const planner = new Planner();
    const silentMaster: Scene = {
      master: B,
      http: { [B_ADDRESS]: 'timeout', [C_ADDRESS]: 'timeout' },
      unregistered: [C_ADDRESS],
    };
    const blocked = planner.run(0, silentMaster, [coordinatorDown(C_ADDRESS, 0)]);
    assert.equal(factsRecord(blocked.events[0]).rule, 'master-unhealthy');
    planner.run(10, silentMaster);
    const result = planner.run(20, { master: B, http: { [B_ADDRESS]: 'timeout' } });
    assert.equal(result.events.length, 1);
    const [resolved] = result.events;
    assert.equal(resolved?.type, 'REMEDIATION_SUCCEEDED');
    assert.equal(resolved?.incidentAction, 'resolve');
    assert.equal(resolved?.incidentKey, blocked.events[0]?.incidentKey);
    assert.equal(factsRecord(resolved).actionId, null);
    assert.equal(factsRecord(resolved).why, 'answers OK again');
    assert.deepEqual(planner.state?.needs, []);
  });
});

/** After the failover, the restart of A started at 60 s. */
function started(): { planner: Planner; action: Action } {
  const planner = afterFailover();
  const action = planner.run(60).actions[0];
  assert.ok(action);
  return { planner, action };
}

describe('remediation planner: outcomes and the lease', () => {
  it('a success ends the need and frees the lease; its event resolves the incident', () => {
    const { planner, action } = started();
    const succeeded = remediationSucceeded(action, { durationMs: 90_000 }, at(150), planner.newId);
    assert.equal(succeeded.incidentKey, action.incidentKey);
    assert.equal(succeeded.incidentAction, 'resolve');
    assert.equal(succeeded.severity, 'info');
    assert.deepEqual(succeeded.facts, {
      actionId: action.id,
      target: { ...action.target },
      dryRun: false,
      durationMs: 90_000,
    });
    const result = planner.run(160, B_MASTER, [succeeded]);
    assert.equal(result.state.inFlight, null);
    assert.deepEqual(result.state.needs, []);
    assert.deepEqual(result.events, []);
    // The cooldown and the daily count stay.
    assert.equal(result.state.actionsAt.length, 1);
    assert.ok(result.state.cooldowns[A_ADDRESS]);
  });

  it('a failure pages, keeps the need, and it is tried again when the cooldown ends', () => {
    const { planner, action } = started();
    const failed = remediationFailed(action, 'EC2 throttled', { retryable: true }, at(150), planner.newId);
    assert.equal(failed.severity, 'critical');
    assert.equal(failed.incidentAction, 'update');
    assert.equal(failed.incidentKey, action.incidentKey);
    assert.equal(factsRecord(failed).reason, 'EC2 throttled');
    const blocked = planner.run(160, B_MASTER, [failed]);
    assert.equal(blocked.state.inFlight, null);
    assert.deepEqual(
      blocked.events.map((event) => [
        event.type,
        factsRecord(event).rule,
        factsRecord(event).until,
        event.incidentAction,
      ]),
      [['REMEDIATION_BLOCKED', 'cooldown', new Date(at(60) + 20 + 15 * MINUTE).toISOString(), 'update']],
    );
    planner.runs(170, 950, 60);
    assert.equal(planner.actions.length, 1, 'nothing before the cooldown ends');
    const retry = planner.run(961);
    assert.equal(retry.actions.length, 1);
    assert.equal(factsRecord(retry.events[0]).attempt, 2);
    assert.equal(retry.events[0]?.incidentKey, action.incidentKey);
  });

  it('a failure that retrying cannot fix stops the attempts', () => {
    const { planner, action } = started();
    const failed = remediationFailed(
      action,
      'UnauthorizedOperation',
      { retryable: false },
      at(150),
      planner.newId,
    );
    planner.run(160, B_MASTER, [failed]);
    planner.runs(1000, 5000, 500);
    assert.equal(planner.actions.length, 1);
    assert.deepEqual(ofType(planner.events, 'REMEDIATION_BLOCKED'), []);
    assert.equal(planner.state?.needs[0]?.stopped, 'UnauthorizedOperation');
  });

  it('an action without an outcome by its deadline fails, and the lease is free', () => {
    const { planner, action } = started();
    planner.run(600);
    assert.equal(planner.state?.inFlight?.id, action.id);
    const result = planner.run(661);
    const [expired] = result.events;
    assert.equal(expired?.type, 'REMEDIATION_FAILED');
    assert.equal(factsRecord(expired).actionId, action.id);
    assert.equal(factsRecord(expired).expired, true);
    assert.equal(expired?.incidentKey, action.incidentKey);
    assert.equal(result.state.inFlight, null);
  });

  it('ignores an outcome of an attempt that is no longer the latest, and its own events', () => {
    const { planner, action } = started();
    const stale = remediationSucceeded({ ...action, id: 'R-other' }, {}, at(70), planner.newId);
    const result = planner.run(70, B_MASTER, [stale, ...planner.events]);
    assert.equal(result.state.inFlight?.id, action.id);
    assert.equal(result.state.needs.length, 1);
  });

  it('applyOutcomes applies outcomes alone, without changing its input', () => {
    const { planner, action } = started();
    const before = structuredClone(planner.state);
    const next = applyOutcomes(planner.state ?? initialRemediationState(CLUSTER), [
      remediationSucceeded(action, {}, at(90), planner.newId),
    ]);
    assert.equal(next.inFlight, null);
    assert.deepEqual(planner.state, before);
  });

  it('outcome facts of the executor cannot override the action', () => {
    const { action } = started();
    const event = remediationFailed(
      action,
      'x',
      { actionId: 'forged', target: 'forged' },
      at(90),
      () => 'E1',
    );
    assert.equal(factsRecord(event).actionId, action.id);
    assert.deepEqual(factsRecord(event).target, { ...action.target });
  });
});

describe('remediation planner: guardrails', () => {
  it('does nothing at all unless enabled', () => {
    const planner = new Planner(defaultRemediationPolicy());
    planner.run(0, C_DOWN, [failover(A, B, 0), coordinatorDown(C_ADDRESS, 0)]);
    planner.runs(10, 3600, 60, C_DOWN);
    assert.deepEqual(planner.events, []);
    assert.deepEqual(planner.actions, []);
    assert.deepEqual(planner.state?.needs, []);
  });

  it('in dry run, plans and records everything but marks the action so nothing is called', () => {
    const planner = afterFailover(defaultRemediationPolicy({ enabled: true, dryRun: true }));
    const result = planner.run(60);
    assert.equal(result.actions[0]?.dryRun, true);
    assert.equal(factsRecord(result.events[0]).dryRun, true);
    assert.match(result.events[0]?.summary ?? '', /^Dry run: would restart Dremio on 10\.0\.0\.11/);
    assert.equal(result.state.inFlight?.dryRun, true);
    assert.equal(result.state.actionsAt.length, 1);
    const action = result.actions[0];
    assert.ok(action);
    const done = remediationSucceeded(action, {}, at(61), planner.newId);
    assert.match(done.summary, /^Dry run: the restart of 10\.0\.0\.11/);
  });

  const cases: Array<{
    name: string;
    rule: GuardrailRule;
    until?: number | null;
    scene?: Scene;
    now?: number;
    detector?: Partial<DetectorState>;
    instances?: ReadonlyMap<string, string>;
    /** Critical when B is seen as the master: holding A back leaves no standby. */
    severity?: 'warning' | 'critical';
  }> = [
    // No master seen: B may be the standby taking over, so a warning.
    { name: 'no master registered', rule: 'master-unhealthy', scene: { master: null }, severity: 'warning' },
    {
      name: 'the master does not answer',
      rule: 'master-unhealthy',
      scene: { master: B, http: { [B_ADDRESS]: 'timeout' } },
    },
    {
      name: 'the failed master registered as a master too (split brain)',
      rule: 'target-is-master',
      scene: { master: B, masters: [B, A] },
    },
    { name: 'ZooKeeper quorum lost (snapshot)', rule: 'no-quorum', scene: { master: B, quorum: false } },
    {
      name: 'ZooKeeper quorum lost (detector)',
      rule: 'no-quorum',
      detector: {
        zookeeper: {
          kind: 'raised',
          since: at(0),
          incidentKey: 'prod/zookeeper/x',
          level: 'quorum_lost',
          worse: 0,
        },
      },
    },
    {
      name: 'ZooKeeper unreachable',
      rule: 'cannot-observe',
      scene: { master: B, reachable: false },
      severity: 'warning',
    },
    {
      name: 'the master registration cannot be decoded',
      rule: 'cannot-observe',
      scene: {
        master: B,
        problems: [{ kind: 'undecodable_registration', where: '/dremio/master/x', detail: 'bad' }],
      },
    },
    { name: 'a stale snapshot', rule: 'cannot-observe', now: at(100) + 3 * MINUTE },
    {
      name: 'the detector is blind',
      rule: 'cannot-observe',
      detector: { visibility: { kind: 'blind', since: at(0) } },
    },
    {
      name: 'an active maintenance window',
      rule: 'maintenance',
      until: at(4000),
      detector: { maintenance: [window('upgrade', 50, 4000)] },
    },
    {
      name: 'the failed master shares its instance id with the master',
      rule: 'target-is-master',
      instances: new Map([
        [A_ADDRESS, 'i-0000000000000000a'],
        [B_ADDRESS, 'i-0000000000000000a'],
      ]),
    },
    {
      name: 'the detector still knows the failed master as the master',
      rule: 'target-is-master',
      detector: {
        master: {
          kind: 'present',
          master: { ...A },
          lastSeenAt: at(0),
          responsiveness: { kind: 'answering' },
        },
      },
    },
  ];

  for (const {
    name,
    rule,
    until = null,
    scene = B_MASTER,
    now,
    detector,
    instances,
    severity = 'critical',
  } of cases) {
    it(`blocks the restart of the failed master: ${name} (${rule}), and says so once`, () => {
      const planner = new Planner(POLICY, instances ?? INSTANCES);
      planner.run(0, B_MASTER, [failover(A, B, 0)]);
      planner.runs(10, 50, 10);
      planner.detector = { ...initialState(CLUSTER), ...detector };
      const first = planner.run(100, scene, [], now);
      assert.deepEqual(first.actions, []);
      assert.deepEqual(
        first.events.map((event) => [
          event.type,
          event.severity,
          event.incidentAction,
          factsRecord(event).rule,
        ]),
        // Two master candidates: held back, the failed one leaves the cluster without a standby.
        [['REMEDIATION_BLOCKED', severity, 'open', rule]],
      );
      const [event] = first.events;
      assert.equal(factsRecord(event).until, until === null ? null : new Date(until).toISOString());
      assert.equal(event?.incidentKey, `${CLUSTER}/remediation/${event?.id}`);
      assert.deepEqual(factsRecord(event).target, {
        address: A_ADDRESS,
        role: 'master-candidate',
        instanceId: 'i-0000000000000000a',
        reason: 'failed-master',
      });
      assert.ok((event?.steps ?? []).length > 0);
      for (let seconds = 110; seconds <= 300; seconds += 10) {
        const again = planner.run(seconds, scene, [], now === undefined ? undefined : now + seconds * SECOND);
        assert.deepEqual(again.actions, []);
        assert.deepEqual(again.events, [], 'one REMEDIATION_BLOCKED per episode');
      }
    });
  }

  it('holds a block during maintenance back from paging, and pages once the window ends if still blocked', () => {
    const planner = afterFailover();
    planner.detector = { ...initialState(CLUSTER), maintenance: [window('upgrade', 50, 300)] };
    const held = planner.run(60);
    assert.equal(held.events[0]?.suppressed, true);
    assert.deepEqual(factsRecord(held.events[0]).maintenance, {
      windowId: 'upgrade',
      owner: 'bob',
      until: new Date(at(300)).toISOString(),
    });
    planner.runs(70, 290, 20);
    assert.equal(planner.events.length, 1);
    // After the window, the master is down: that block pages, as an update of the same incident.
    const paged = planner.run(310, { master: null });
    assert.deepEqual(
      paged.events.map((event) => [factsRecord(event).rule, event.suppressed, event.incidentAction]),
      [['master-unhealthy', undefined, 'update']],
    );
  });

  it('acts right after a maintenance window when nothing else blocks', () => {
    const planner = afterFailover();
    planner.detector = { ...initialState(CLUSTER), maintenance: [window('upgrade', 50, 300)] };
    planner.runs(60, 290, 10);
    const result = planner.run(300);
    assert.equal(result.actions.length, 1);
    assert.equal(result.events[0]?.incidentAction, 'update');
  });

  it('keeps one action in flight per cluster: the second need is blocked until the lease ends', () => {
    const planner = new Planner();
    planner.run(0, C_DOWN, [failover(A, B, 0), coordinatorDown(C_ADDRESS, 0)]);
    planner.runs(10, 50, 10, C_DOWN);
    const result = planner.run(60, C_DOWN);
    assert.deepEqual(
      result.actions.map((action) => action.target.address),
      [A_ADDRESS],
    );
    const blocked = ofType(result.events, 'REMEDIATION_BLOCKED');
    assert.deepEqual(
      blocked.map((event) => [factsRecord(event).rule, factsRecord(event).until]),
      [['in-flight', new Date(at(60) + 20 + 10 * MINUTE).toISOString()]],
    );
    const first = result.actions[0];
    assert.ok(first);
    const next = planner.run(120, C_DOWN, [remediationSucceeded(first, {}, at(119), planner.newId)]);
    assert.deepEqual(
      next.actions.map((action) => action.target.address),
      [C_ADDRESS],
    );
    assert.equal(next.events[0]?.incidentKey, blocked[0]?.incidentKey);
  });

  it('cools a node down: a coordinator down again soon after its restart waits, and is restarted then', () => {
    const planner = new Planner();
    planner.run(0, C_DOWN);
    const first = planner.run(60, C_DOWN, [coordinatorDown(C_ADDRESS, 60)]).actions[0];
    assert.ok(first);
    planner.run(120, B_MASTER, [remediationSucceeded(first, {}, at(119), planner.newId)]);
    const blocked = planner.run(300, C_DOWN, [coordinatorDown(C_ADDRESS, 300)]);
    assert.deepEqual(
      blocked.events.map((event) => [factsRecord(event).rule, factsRecord(event).until]),
      [['cooldown', new Date(at(60) + 20 + 15 * MINUTE).toISOString()]],
    );
    planner.runs(310, 950, 20, C_DOWN);
    assert.equal(planner.actions.length, 1);
    const again = planner.run(961, C_DOWN);
    assert.equal(again.actions[0]?.target.address, C_ADDRESS);
  });

  it('caps actions per cluster in any 24 hours, then acts when the oldest leaves the window', () => {
    const policy = defaultRemediationPolicy({ enabled: true, dailyCap: 2, cooldownMs: 0 });
    const planner = new Planner(policy);
    planner.run(0, C_DOWN);
    let seconds = 60;
    for (const _ of [1, 2]) {
      const action = planner.run(seconds, C_DOWN, [coordinatorDown(C_ADDRESS, seconds)]).actions[0];
      assert.ok(action);
      planner.run(seconds + 60, B_MASTER, [
        remediationSucceeded(action, {}, at(seconds + 59), planner.newId),
      ]);
      seconds += 3600;
    }
    const blocked = planner.run(seconds, C_DOWN, [coordinatorDown(C_ADDRESS, seconds)]);
    assert.deepEqual(
      blocked.events.map((event) => [factsRecord(event).rule, factsRecord(event).until]),
      [['daily-cap', new Date(at(60) + 20 + 24 * 60 * MINUTE).toISOString()]],
    );
    const dayLater = 60 + 24 * 3600;
    planner.runs(seconds + 600, dayLater - 1, 3600, C_DOWN);
    assert.equal(planner.actions.length, 2);
    assert.equal(planner.run(dayLater + 1, C_DOWN).actions.length, 1);
  });

  it('reports a condition before a rule that ends, and every rule in facts.rules', () => {
    const planner = afterFailover();
    planner.detector = { ...initialState(CLUSTER), maintenance: [window('upgrade', 50, 300)] };
    const result = planner.run(60, { master: null });
    assert.equal(factsRecord(result.events[0]).rule, 'master-unhealthy');
    assert.deepEqual(factsRecord(result.events[0]).rules, [
      { rule: 'master-unhealthy', until: null },
      { rule: 'maintenance', until: new Date(at(300)).toISOString() },
    ]);
  });

  it('does not change its input and refuses a state of another cluster', () => {
    const planner = afterFailover();
    const state = structuredClone(planner.state);
    const detector = structuredClone(planner.detector);
    const options = {
      previous: planner.state,
      snapshot: snapshot(at(60), B_MASTER),
      events: [],
      detector: planner.detector,
      policy: POLICY,
      now: at(61),
      newId: idGenerator(),
    };
    planRemediation(options);
    assert.deepEqual(planner.state, state);
    assert.deepEqual(planner.detector, detector);
    assert.throws(
      () => planRemediation({ ...options, snapshot: snapshot(at(60), { cluster: 'other' }) }),
      TypeError,
    );
  });

  it('says in the plan whether the service is asked before the restart', () => {
    const blind = afterFailover().run(60);
    assert.equal(factsRecord(blind.events[0]).looksFirst, false);
    assert.match(
      blind.events[0]?.steps?.join(' ') ?? '',
      /cannot be checked before the restart.*dryRun first/,
    );
    const looking = afterFailover(defaultRemediationPolicy({ enabled: true, looksBeforeRestart: true })).run(
      60,
    );
    assert.equal(factsRecord(looking.events[0]).looksFirst, true);
    assert.match(looking.events[0]?.steps?.join(' ') ?? '', /asked first \(systemctl is-active\)/);
  });

  it('validates the policy', () => {
    assert.deepEqual(defaultRemediationPolicy(), {
      enabled: false,
      dryRun: false,
      settleMs: 60_000,
      cooldownMs: 900_000,
      dailyCap: 3,
      actionTimeoutMs: 600_000,
      maxSnapshotAgeMs: 120_000,
      repeatIntervalMs: 1_800_000,
      looksBeforeRestart: false,
    });
    assert.throws(() => defaultRemediationPolicy({ dailyCap: 0 }), RangeError);
    assert.throws(() => defaultRemediationPolicy({ settleMs: 1.5 }), RangeError);
    assert.throws(() => defaultRemediationPolicy({ enabled: 'yes' as unknown as boolean }), RangeError);
  });
});

describe('remediation planner: reminders and acknowledgement', () => {
  const MINUTES_30 = 30 * 60;

  /** A, the failed master, restarted and failed for good at 150 s: its incident waits for a person. */
  function stoppedNeed(): { planner: Planner; incidentKey: string } {
    const { planner, action } = started();
    const failed = remediationFailed(
      action,
      'UnauthorizedOperation',
      { retryable: false },
      at(150),
      planner.newId,
    );
    planner.run(160, B_MASTER, [failed]);
    return { planner, incidentKey: failed.incidentKey };
  }

  it('a failure that waits for a person is reminded every repeatIntervalMs, on its incident, at its severity', () => {
    const { planner, incidentKey } = stoppedNeed();
    planner.runs(170, 150 + 2 * MINUTES_30 + 60, 60);
    const reminders = ofType(planner.events, 'INCIDENT_REMINDER');
    assert.equal(reminders.length, 2, 'one per 30 minutes after the failure');
    for (const reminder of reminders) {
      assert.equal(reminder.incidentKey, incidentKey);
      assert.equal(reminder.incidentAction, 'remind');
      assert.equal(reminder.severity, 'critical');
      assert.match(
        reminder.summary,
        /^Still open after .*: Restart of 10\.0\.0\.11 .* failed: UnauthorizedOperation/,
      );
      assert.ok(reminder.steps?.some((step) => step.includes(`ack ${incidentKey}`)));
    }
    const gap = Date.parse(reminders[1]?.at ?? '') - Date.parse(reminders[0]?.at ?? '');
    assert.ok(gap >= MINUTES_30 * SECOND, `${gap} ms between reminders`);
  });

  it('an acknowledgement stops the reminders, once; unknown keys are refused', () => {
    const { planner, incidentKey } = stoppedNeed();
    const state = planner.state as RemediationState;
    const taken = acknowledgeRemediation(
      state,
      incidentKey,
      'alice',
      'IAM fix under way',
      at(200),
      planner.newId,
    );
    assert.equal(taken.kind, 'applied');
    if (taken.kind !== 'applied') return;
    assert.deepEqual(
      taken.events.map((event) => [event.type, event.incidentKey, event.incidentAction]),
      [['INCIDENT_ACKNOWLEDGED', incidentKey, 'acknowledge']],
    );
    assert.equal(state.needs[0]?.acknowledged ?? null, null, 'the input state is not changed');
    planner.state = taken.state;
    planner.runs(260, 150 + 3 * MINUTES_30, 60);
    assert.deepEqual(ofType(planner.events, 'INCIDENT_REMINDER'), []);
    const again = acknowledgeRemediation(taken.state, incidentKey, 'bob', 'me too', at(300), planner.newId);
    assert.equal(again.kind === 'rejected' && again.error.kind, 'already_acknowledged');
    const unknown = acknowledgeRemediation(
      taken.state,
      'prod/remediation/NOPE',
      'bob',
      'x',
      at(300),
      planner.newId,
    );
    assert.equal(unknown.kind === 'rejected' && unknown.error.kind, 'unknown_incident');
  });

  it('a block that lasts is reminded as well, at its severity; nothing is reminded during maintenance', () => {
    const planner = afterFailover();
    const noQuorum: Scene = { master: B, quorum: false };
    for (let seconds = 60; seconds <= 60 + MINUTES_30 + 60; seconds += 60) planner.run(seconds, noQuorum);
    assert.equal(ofType(planner.events, 'REMEDIATION_BLOCKED').length, 1, 'one block per episode');
    const [reminder] = ofType(planner.events, 'INCIDENT_REMINDER');
    // No standby while A waits: critical, and so is its reminder.
    assert.equal(reminder?.severity, 'critical');

    const quiet = stoppedNeed().planner;
    quiet.detector = { ...quiet.detector, maintenance: [window('W1', 0, 10 * MINUTES_30)] };
    quiet.runs(170, 150 + 3 * MINUTES_30, 60);
    assert.deepEqual(ofType(quiet.events, 'INCIDENT_REMINDER'), []);
  });
});
