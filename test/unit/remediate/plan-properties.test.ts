import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type DetectorState, initialState, type MaintenanceWindow } from '../../../shared/detect/index.ts';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import type { MasterRegistration, Snapshot } from '../../../shared/observe/snapshot.ts';
import {
  type Action,
  defaultRemediationPolicy,
  type PlanDecision,
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
  SECOND,
  snapshot,
  T0,
} from '../../support/detect-fixtures.ts';
import { looseEvent } from '../../support/loose-event.ts';

/**
 * Properties of the planner over random histories: who is master (A, B, nobody, both), how the
 * nodes answer, whether the monitor sees, ZooKeeper's quorum, maintenance windows, FAILOVER_COMPLETED
 * and COORDINATOR_DOWN events, and the executor's outcomes fed back as a monitor would.
 */

const DAY_MS = 24 * 60 * MINUTE;

type WorldMaster = 'A' | 'B' | 'none' | 'split';
type Answer = 'ok' | 'refused' | 'timeout';

interface Step {
  readonly dtMs: number;
  readonly master: WorldMaster;
  readonly masterHttp: Answer;
  readonly coordinatorHttp: Answer;
  readonly reachable: boolean;
  readonly quorum: boolean | null;
  readonly detectorQuorumLost: boolean;
  readonly stale: boolean;
  /** Starts a window [now - startedMsAgo, now - startedMsAgo + lengthMs). */
  readonly window: { readonly startedMsAgo: number; readonly lengthMs: number } | null;
  /** A FAILOVER_COMPLETED that does not follow the world (from A or B to the master). */
  readonly spuriousFailover: 'A' | 'B' | null;
  readonly coordinatorDown: boolean;
  readonly coordinatorRaised: boolean;
  /** What the executor reports this step about the action in flight, if any. */
  readonly outcome: 'none' | 'succeeded' | 'failed' | 'failed-for-good';
}

/** Mostly `common`: trouble is the exception, or nothing would ever be due and allowed. */
const rare = <T>(common: T, ...others: T[]) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(common) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
  );

/** A value once in `every` steps, else null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, every: number) =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  dtMs: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 90 }).map((s) => s * SECOND) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 120 }).map((m) => m * MINUTE) },
  ),
  master: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<WorldMaster>('A', 'B') },
    { weight: 1, arbitrary: fc.constantFrom<WorldMaster>('none', 'split') },
  ),
  masterHttp: rare<Answer>('ok', 'refused', 'timeout'),
  coordinatorHttp: fc.constantFrom<Answer>('ok', 'timeout', 'timeout', 'refused'),
  reachable: rare(true, false),
  quorum: rare<boolean | null>(true, false, null),
  detectorQuorumLost: rare(false, true),
  stale: rare(false, true),
  window: sometimes(
    fc.record({
      startedMsAgo: fc.integer({ min: 0, max: 10 * MINUTE }),
      lengthMs: fc.integer({ min: MINUTE, max: 60 * MINUTE }),
    }),
    20,
  ),
  spuriousFailover: sometimes(fc.constantFrom<'A' | 'B'>('A', 'B'), 8),
  coordinatorDown: fc.boolean(),
  coordinatorRaised: rare(false, true),
  outcome: fc.constantFrom('none', 'none', 'succeeded', 'succeeded', 'failed', 'failed-for-good'),
});

const policyArbitrary: fc.Arbitrary<RemediationPolicy> = fc
  .record({
    dryRun: fc.boolean(),
    settleMs: fc.integer({ min: 0, max: 120 }).map((s) => s * SECOND),
    cooldownMs: fc.integer({ min: 0, max: 30 }).map((m) => m * MINUTE),
    dailyCap: fc.integer({ min: 1, max: 4 }),
    actionTimeoutMs: fc.integer({ min: 1, max: 15 }).map((m) => m * MINUTE),
  })
  .map((overrides) => defaultRemediationPolicy({ enabled: true, ...overrides }));

const INSTANCE_MAPS: ReadonlyArray<ReadonlyMap<string, string>> = [
  new Map([
    [A_ADDRESS, 'i-0000000000000000a'],
    [B_ADDRESS, 'i-0000000000000000b'],
    [C_ADDRESS, 'i-0000000000000000c'],
  ]),
  // A and B on one instance (a misconfiguration): neither may ever be restarted while the other is master.
  new Map([
    [A_ADDRESS, 'i-00000000000000000'],
    [B_ADDRESS, 'i-00000000000000000'],
  ]),
  new Map(),
];

const historyArbitrary = fc.record({
  policy: policyArbitrary,
  instances: fc.constantFrom(...INSTANCE_MAPS),
  steps: fc.array(stepArbitrary, { minLength: 1, maxLength: 60 }),
});

/** One run of the planner and the world it saw. */
interface Observed {
  readonly now: number;
  readonly step: Step;
  readonly snapshot: Snapshot;
  readonly detector: DetectorState;
  readonly fed: readonly MonitorEvent[];
  readonly events: readonly MonitorEvent[];
  readonly actions: readonly Action[];
  readonly decisions: readonly PlanDecision[];
  readonly state: RemediationState;
  /** The action in flight before the planner ran (after this step's outcome), by the test's account. */
  readonly outstanding: Outstanding | null;
}

interface Outstanding {
  readonly action: Action;
  readonly at: number;
  readonly deadline: number;
}

function registrationOf(master: WorldMaster): MasterRegistration | null {
  return master === 'A' ? A : master === 'B' || master === 'split' ? B : null;
}

function snapshotOf(step: Step, observedAt: number): Snapshot {
  const master = registrationOf(step.master);
  return snapshot(observedAt, {
    master,
    masters: master ? (step.master === 'split' ? [B, A] : [master]) : [],
    reachable: step.reachable,
    quorum: step.reachable ? step.quorum : step.quorum === false ? false : null,
    http: {
      ...(master ? { [master.address]: step.masterHttp } : {}),
      [C_ADDRESS]: step.coordinatorHttp,
    },
  });
}

function event(
  type: 'FAILOVER_COMPLETED' | 'COORDINATOR_DOWN',
  id: string,
  now: number,
  facts: Record<string, unknown>,
): MonitorEvent {
  return looseEvent({
    id,
    cluster: CLUSTER,
    type,
    severity: 'warning',
    at: new Date(now).toISOString(),
    incidentKey: `${CLUSTER}/x/${id}`,
    summary: type,
    facts,
    incidentAction: 'notice',
  });
}

/** Plays a history through the planner, feeding back outcomes as the executor would. */
function play(history: {
  policy: RemediationPolicy;
  instances: ReadonlyMap<string, string>;
  steps: readonly Step[];
}): Observed[] {
  const newId = idGenerator('R');
  const worldIds = idGenerator('W');
  const windows: MaintenanceWindow[] = [];
  let state: RemediationState | null = null;
  let outstanding: Outstanding | null = null;
  let previousMaster: MasterRegistration | null = A;
  let now = T0;
  const observed: Observed[] = [];
  for (const step of history.steps) {
    now += step.dtMs;
    const fed: MonitorEvent[] = [];
    if (outstanding && now < outstanding.deadline && step.outcome !== 'none') {
      const { action } = outstanding;
      fed.push(
        step.outcome === 'succeeded'
          ? remediationSucceeded(action, { durationMs: now - outstanding.at }, now, worldIds)
          : remediationFailed(action, 'it failed', { retryable: step.outcome === 'failed' }, now, worldIds),
      );
      outstanding = null;
    }
    const master = step.reachable && step.master !== 'split' ? registrationOf(step.master) : null;
    if (master && previousMaster && master.address !== previousMaster.address) {
      fed.push(event('FAILOVER_COMPLETED', worldIds(), now, { from: previousMaster, to: master }));
    }
    if (master) previousMaster = master;
    const current = registrationOf(step.master);
    if (step.spuriousFailover && current) {
      const from = step.spuriousFailover === 'A' ? A : B;
      fed.push(event('FAILOVER_COMPLETED', worldIds(), now, { from, to: current }));
    }
    if (step.coordinatorDown) fed.push(event('COORDINATOR_DOWN', worldIds(), now, { address: C_ADDRESS }));
    if (step.window) {
      const start = now - step.window.startedMsAgo;
      windows.push({
        id: worldIds(),
        start,
        end: start + step.window.lengthMs,
        owner: 'bob',
        reason: 'test',
        status: 'active',
      });
    }
    const detector: DetectorState = {
      ...initialState(CLUSTER),
      visibility: step.reachable ? { kind: 'seeing' } : { kind: 'blind', since: now },
      zookeeper: step.detectorQuorumLost
        ? { kind: 'raised', since: now, incidentKey: 'prod/zookeeper/z', level: 'quorum_lost', worse: 0 }
        : { kind: 'clear' },
      master: current
        ? { kind: 'present', master: { ...current }, lastSeenAt: now, responsiveness: { kind: 'answering' } }
        : { kind: 'unknown' },
      coordinators: step.coordinatorRaised
        ? [
            {
              address: C_ADDRESS,
              condition: { kind: 'raised', since: now, incidentKey: 'prod/coordinator/c' },
            },
          ]
        : [],
      maintenance: windows.filter((window) => window.end > now),
    };
    const seen = snapshotOf(step, step.stale ? now - 5 * MINUTE : now - 20);
    const before = outstanding;
    const result = planRemediation({
      previous: state,
      snapshot: seen,
      events: fed,
      detector,
      policy: history.policy,
      now,
      newId,
      instanceIds: history.instances,
    });
    state = result.state;
    observed.push({ now, step, snapshot: seen, detector, fed, ...result, outstanding: before });
    if (
      outstanding &&
      result.events.some(
        (e) => e.type === 'REMEDIATION_FAILED' && e.facts.actionId === outstanding?.action.id,
      )
    ) {
      outstanding = null;
    }
    const [action] = result.actions;
    if (action) outstanding = { action, at: now, deadline: now + history.policy.actionTimeoutMs };
  }
  return observed;
}

/** Every address the current master goes by, and the instances behind them. */
function masterOf(
  run: Observed,
  instances: ReadonlyMap<string, string>,
): { addresses: Set<string>; instances: Set<string> } {
  const addresses = new Set(run.snapshot.masters.map((master) => master.address));
  for (const coordinator of run.snapshot.coordinators)
    if (coordinator.isMaster) addresses.add(coordinator.address);
  if (run.detector.master.kind === 'present') addresses.add(run.detector.master.master.address);
  const ids = [...addresses].map((address) => instances.get(address)).filter((id) => id !== undefined);
  return { addresses, instances: new Set(ids) };
}

function windowAt(run: Observed): boolean {
  return run.detector.maintenance.some((window) => window.start <= run.now && run.now < window.end);
}

/**
 * The guardrails that hold for `address` at this run, computed from the world alone (not from the
 * planner's state): no quorum, not seeing, a window, no healthy master, another action in flight, a
 * cooldown, the cap, the target being the master.
 */
function guardsFor(
  run: Observed,
  address: string,
  actions: ReadonlyArray<{ at: number; address: string }>,
  policy: RemediationPolicy,
  instances: ReadonlyMap<string, string>,
): string[] {
  const guards: string[] = [];
  const { snapshot: seen, step } = run;
  if (seen.zookeeper.quorum === false || step.detectorQuorumLost) guards.push('no-quorum');
  if (!step.reachable || step.stale) guards.push('cannot-observe');
  if (windowAt(run)) guards.push('maintenance');
  const master = seen.master;
  const answer = seen.coordinators.find((coordinator) => coordinator.address === master?.address)?.http.kind;
  if (seen.masters.length !== 1 || answer !== 'ok') guards.push('master-unhealthy');
  const flight = run.outstanding;
  const startedNow = run.actions.some((action) => action.target.address !== address);
  if (startedNow || (flight && run.now < flight.deadline && flight.action.target.address !== address)) {
    guards.push('in-flight');
  }
  // Earlier runs' actions, and one this run started for another node before deciding about this one.
  const earlier = [
    ...actions,
    ...run.actions
      .filter((action) => action.target.address !== address)
      .map((action) => ({ at: run.now, address: action.target.address })),
  ];
  const last = earlier.filter((action) => action.address === address).at(-1);
  if (last && last.at + policy.cooldownMs > run.now) guards.push('cooldown');
  if (earlier.filter((action) => run.now - action.at < DAY_MS).length >= policy.dailyCap)
    guards.push('daily-cap');
  const masters = masterOf(run, instances);
  const id = instances.get(address);
  if (masters.addresses.has(address) || (id !== undefined && masters.instances.has(id))) {
    guards.push('target-is-master');
  }
  return guards;
}

const RUNS = { numRuns: 300 };

describe('remediation planner properties', () => {
  it('never targets the current master, by address or by instance', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        for (const run of play(history)) {
          const masters = masterOf(run, history.instances);
          for (const action of run.actions) {
            assert.ok(
              !masters.addresses.has(action.target.address),
              `restarts the master ${action.target.address}`,
            );
            const id = action.target.instanceId;
            assert.ok(id === undefined || !masters.instances.has(id), `restarts the master's instance ${id}`);
          }
        }
      }),
      RUNS,
    );
  });

  it('never exceeds the daily cap in any 24 hours, nor acts on a node in its cooldown', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const times: Array<{ at: number; address: string }> = [];
        for (const run of play(history)) {
          for (const action of run.actions) times.push({ at: run.now, address: action.target.address });
        }
        for (const { at } of times) {
          const within = times.filter((other) => other.at <= at && at - other.at < DAY_MS);
          assert.ok(within.length <= history.policy.dailyCap, `${within.length} actions in 24 h`);
        }
        for (const [index, action] of times.entries()) {
          const previous = times
            .slice(0, index)
            .filter((other) => other.address === action.address)
            .at(-1);
          if (previous)
            assert.ok(action.at - previous.at >= history.policy.cooldownMs, 'acted in a cooldown');
        }
      }),
      RUNS,
    );
  });

  it('never plans two actions in flight: one per run, and none until the last one ended', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        for (const run of play(history)) {
          assert.ok(run.actions.length <= 1);
          if (run.actions.length === 0) continue;
          const flight = run.outstanding;
          assert.ok(
            flight === null || run.now >= flight.deadline,
            'an action started while another was in flight',
          );
          assert.equal(run.state.inFlight?.id, run.actions[0]?.id);
        }
      }),
      RUNS,
    );
  });

  it('never acts during a window, without quorum, when it cannot observe, or before the master settled', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        // The current master's unbroken run of healthy snapshots, from the snapshots alone.
        type Healthy = { address: string; startTime: number; since: number };
        let healthy: Healthy | null = null;
        let lastObservedAt = Number.NEGATIVE_INFINITY;
        for (const run of play(history)) {
          const { snapshot: seen } = run;
          const master = seen.master;
          const answer = seen.coordinators.find((c) => c.address === master?.address)?.http.kind;
          const isHealthy =
            seen.zookeeper.reachable &&
            seen.zookeeper.quorum !== false &&
            seen.masters.length === 1 &&
            answer === 'ok';
          const observedAt = Date.parse(seen.observedAt);
          if (observedAt > lastObservedAt) {
            lastObservedAt = observedAt;
            const known: Healthy | null = healthy;
            if (!isHealthy || !master) healthy = null;
            else if (!known || known.address !== master.address || known.startTime !== master.startTime) {
              healthy = { address: master.address, startTime: master.startTime, since: observedAt };
            }
          }
          if (run.actions.length === 0) continue;
          assert.ok(!windowAt(run), 'acted during maintenance');
          assert.notEqual(seen.zookeeper.quorum, false, 'acted without quorum');
          assert.ok(!run.step.detectorQuorumLost, 'acted while the detector knows the quorum lost');
          assert.ok(run.step.reachable && !run.step.stale, 'acted without observing');
          assert.ok(isHealthy, 'acted without a healthy master');
          assert.ok(
            healthy && observedAt - healthy.since >= history.policy.settleMs,
            'acted before the master settled',
          );
        }
      }),
      RUNS,
    );
  });

  it('never holds back a due action silently: a wait is never a guardrail, a block always is one', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const actions: Array<{ at: number; address: string }> = [];
        for (const run of play(history)) {
          for (const decision of run.decisions) {
            const guards = guardsFor(run, decision.address, actions, history.policy, history.instances);
            if (decision.kind === 'blocked') {
              assert.ok(guards.includes(decision.rule), `blocked by ${decision.rule}, guards ${guards}`);
            } else if (decision.kind === 'act' || (decision.kind === 'wait' && decision.why === 'settling')) {
              assert.deepEqual(guards, [], `${decision.kind} ${decision.address} despite ${guards}`);
            }
          }
          for (const action of run.actions) actions.push({ at: run.now, address: action.target.address });
        }
      }),
      RUNS,
    );
  });

  it('says every block once per episode: one paging REMEDIATION_BLOCKED, at most one held back by a window', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const runs = play(history);
        for (const address of [A_ADDRESS, B_ADDRESS, C_ADDRESS]) {
          // An episode: the runs from the need's first block to its action, or until it is gone.
          let episode: Array<{ run: Observed; decision: PlanDecision }> = [];
          const close = () => {
            checkEpisode(address, episode);
            episode = [];
          };
          for (const run of runs) {
            const decision = run.decisions.find((candidate) => candidate.address === address);
            if (!decision) {
              close();
              continue;
            }
            episode.push({ run, decision });
            if (decision.kind === 'act') close();
          }
          close();
        }
      }),
      RUNS,
    );
  });

  it('keeps every remediation incident well formed: opened once, updated while open, resolved once', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const open = new Set<string>();
        const closed = new Set<string>();
        for (const run of play(history)) {
          const remediation = [...run.fed, ...run.events].filter((event) =>
            event.type.startsWith('REMEDIATION_'),
          );
          for (const event of remediation) {
            const key = event.incidentKey;
            assert.ok(key.startsWith(`${CLUSTER}/remediation/`), key);
            assert.ok(!closed.has(key), `${event.type} after its incident resolved`);
            if (event.incidentAction === 'open') {
              assert.ok(!open.has(key), `${key} opened twice`);
              open.add(key);
            } else {
              assert.ok(open.has(key), `${event.type} ${event.incidentAction} of an incident never opened`);
              if (event.incidentAction === 'resolve') {
                open.delete(key);
                closed.add(key);
              }
            }
          }
        }
      }),
      RUNS,
    );
  });
});

function checkEpisode(address: string, runs: ReadonlyArray<{ run: Observed; decision: PlanDecision }>): void {
  const blocked = runs.filter(({ decision }) => decision.kind === 'blocked');
  const events = runs.flatMap(({ run }) =>
    run.events.filter(
      (event) =>
        event.type === 'REMEDIATION_BLOCKED' &&
        (event.facts.target as { address?: string }).address === address,
    ),
  );
  const paging = events.filter((event) => !event.suppressed);
  const held = events.filter((event) => event.suppressed);
  assert.ok(held.length <= 1, `${held.length} held-back REMEDIATION_BLOCKED in one episode`);
  assert.ok(paging.length <= 1, `${paging.length} paging REMEDIATION_BLOCKED in one episode`);
  if (blocked.length === 0) {
    assert.equal(events.length, 0);
    return;
  }
  const first = blocked[0];
  assert.ok(first && first.decision.kind === 'blocked' && first.decision.eventId !== null, 'a silent block');
  const outside = blocked.find(({ run }) => !windowAt(run));
  if (outside) {
    assert.equal(paging.length, 1, 'a block outside maintenance that never paged');
    assert.ok(outside.run.events.includes(paging[0] as MonitorEvent), 'paged late');
  } else {
    assert.equal(paging.length, 0);
  }
}
