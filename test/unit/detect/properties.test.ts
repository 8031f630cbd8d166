import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  acknowledge,
  addMaintenance,
  canSeeMaster,
  type DetectorState,
  defaultPolicy,
  detect,
  tick,
} from '../../../shared/detect/index.ts';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import type { MasterRegistration, Snapshot } from '../../../shared/observe/snapshot.ts';
import {
  A,
  A_ADDRESS,
  A_RENEWED,
  A_RESTARTED,
  B,
  B_ADDRESS,
  C_ADDRESS,
  CLUSTER,
  idGenerator,
  MINUTE,
  snapshot,
  T0,
} from '../../support/detect-fixtures.ts';

/** A small model of the world: who is master, whether the monitor can see, how nodes answer. */
const MASTERS = { A, A_RENEWED, A_RESTARTED, B, none: null } as const;
type WorldMaster = keyof typeof MASTERS;

interface Step {
  readonly dtMs: number;
  readonly master: WorldMaster;
  readonly reachable: boolean;
  readonly quorum: boolean | null;
  readonly masterHttp: 'ok' | 'refused' | 'timeout' | 'master_down';
  readonly coordinatorHttp: 'ok' | 'master_down' | 'timeout' | 'refused';
  readonly executors: number;
  readonly split: boolean;
  readonly secondServer: 'serving' | 'not_serving' | 'unreachable';
  /** What happens after the snapshot: nothing, a clock tick, an acknowledgement, a maintenance window. */
  readonly afterwards: 'nothing' | 'tick' | 'ack' | 'maintenance';
  readonly delayMs: number;
}

function stepArbitrary(masters: readonly WorldMaster[]): fc.Arbitrary<Step> {
  return fc.record({
    dtMs: fc.integer({ min: 1, max: 120_000 }),
    master: fc.constantFrom(...masters),
    reachable: fc.oneof(
      { weight: 4, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    quorum: fc.oneof(
      { weight: 6, arbitrary: fc.constant<boolean | null>(true) },
      { weight: 1, arbitrary: fc.constantFrom<boolean | null>(false, null) },
    ),
    masterHttp: fc.constantFrom('ok', 'ok', 'refused', 'timeout', 'master_down'),
    coordinatorHttp: fc.constantFrom('ok', 'ok', 'master_down', 'timeout', 'refused'),
    executors: fc.integer({ min: 0, max: 3 }),
    split: fc.oneof(
      { weight: 6, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
    secondServer: fc.constantFrom('serving', 'serving', 'serving', 'not_serving', 'unreachable'),
    afterwards: fc.constantFrom('nothing', 'nothing', 'nothing', 'tick', 'ack', 'maintenance'),
    delayMs: fc.integer({ min: 0, max: 45 * MINUTE }),
  });
}

function snapshotOf(step: Step, time: number, cluster: string): Snapshot {
  const master: MasterRegistration | null = MASTERS[step.master];
  const other = master?.address === B_ADDRESS ? A : B;
  return snapshot(time, {
    cluster,
    master,
    masters: master ? (step.split ? [master, other] : [master]) : [],
    reachable: step.reachable,
    quorum: step.reachable && step.quorum === null ? true : step.quorum,
    servers: ['serving', step.secondServer, 'serving'],
    http: {
      ...(master ? { [master.address]: step.masterHttp } : {}),
      [C_ADDRESS]: step.coordinatorHttp,
    },
    executors: step.executors,
  });
}

interface Judged {
  readonly snapshot: Snapshot;
  readonly canSee: boolean;
  /** The events of detect on this snapshot. */
  readonly events: readonly MonitorEvent[];
}

interface Simulation {
  readonly judged: readonly Judged[];
  /** Every event, snapshots, ticks and commands alike, in order. */
  readonly events: readonly MonitorEvent[];
}

const policy = defaultPolicy({ minimumExecutors: 1 });

/** Runs the steps; checks on the way that states round-trip through JSON and repeats change nothing. */
function simulate(steps: readonly Step[], cluster = CLUSTER): Simulation {
  const newId = idGenerator();
  let state: DetectorState | null = null;
  let time = T0;
  const judged: Judged[] = [];
  const events: MonitorEvent[] = [];
  const record = (next: { state: DetectorState; events: MonitorEvent[] }) => {
    assert.deepStrictEqual(JSON.parse(JSON.stringify(next.state)), next.state);
    events.push(...next.events);
    state = next.state;
  };
  for (const step of steps) {
    time += step.dtMs;
    const snap = snapshotOf(step, time, cluster);
    const result = detect(state, snap, time + 20, policy, newId);
    record(result);
    judged.push({ snapshot: snap, canSee: canSeeMaster(snap), events: result.events });
    const again = detect(result.state, snap, time + 40, policy, newId);
    assert.deepEqual(again.events, []);
    assert.equal(again.state, result.state);
    const current = result.state;
    const later = time + 20 + step.delayMs;
    if (step.afterwards === 'tick') record(tick(current, later, policy, newId));
    if (step.afterwards === 'ack' && current.incidents.length > 0) {
      const target = current.incidents[step.delayMs % current.incidents.length];
      if (target && !target.acknowledged)
        record(acknowledge(current, target.key, 'oncall', 'looking', time + 30, newId));
    }
    if (step.afterwards === 'maintenance') {
      const window = { start: time + 30, end: later + MINUTE, owner: 'ops', reason: 'patching' };
      record(addMaintenance(current, window, time + 30, newId));
    }
  }
  return { judged, events };
}

const identityKey = (identity: unknown) => JSON.stringify(identity);
const runs = { numRuns: 150 };
const sequences = (masters: readonly WorldMaster[] = Object.keys(MASTERS) as WorldMaster[]) =>
  fc.array(stepArbitrary(masters), { minLength: 1, maxLength: 40 });

describe('detect: properties over random histories', () => {
  it('the same snapshot twice emits nothing new, and every state survives JSON', () => {
    fc.assert(
      fc.property(sequences(), (steps) => {
        simulate(steps);
      }),
      runs,
    );
  });

  it('no failover or restart without a master seen before', () => {
    fc.assert(
      fc.property(sequences(), (steps) => {
        const seen = new Set<string>();
        for (const { snapshot: snap, canSee, events } of simulate(steps).judged) {
          for (const event of events) {
            if (event.type === 'FAILOVER_COMPLETED' || event.type === 'MASTER_RESTARTED') {
              assert.ok(seen.has(identityKey(event.facts.from)), `${event.type} from a master never seen`);
              assert.notDeepEqual(event.facts.from, event.facts.to);
            }
          }
          if (canSee && snap.master) {
            const { address, fabricPort, startTime } = snap.master;
            seen.add(identityKey({ address, fabricPort, startTime }));
          }
        }
      }),
      runs,
    );
  });

  it('an incident is resolved at most once, and nothing follows its resolution', () => {
    fc.assert(
      fc.property(sequences(), (steps) => {
        const closed = new Set<string>();
        for (const event of simulate(steps).events) {
          assert.ok(!closed.has(event.incidentKey), `${event.type} after ${event.incidentKey} was resolved`);
          if (event.incidentAction === 'resolve' || event.incidentAction === 'notice') {
            if (event.incidentAction === 'resolve' || !event.type.startsWith('MAINTENANCE_'))
              closed.add(event.incidentKey);
          }
        }
      }),
      runs,
    );
  });

  it('a snapshot that cannot see the master never yields a master event', () => {
    const masterTypes = new Set([
      'MASTER_DOWN',
      'FAILOVER_COMPLETED',
      'MASTER_RESTARTED',
      'MASTER_RETURNED',
      'ZK_SESSION_RENEWED',
      'MASTER_UNRESPONSIVE',
      'MASTER_RESPONSIVE',
    ]);
    fc.assert(
      fc.property(sequences(), (steps) => {
        for (const { canSee, events } of simulate(steps).judged) {
          if (!canSee)
            assert.deepEqual(
              events.filter((event) => masterTypes.has(event.type)),
              [],
            );
        }
      }),
      runs,
    );
  });

  it('observation failures alone never yield MASTER_DOWN', () => {
    const blind = stepArbitrary(Object.keys(MASTERS) as WorldMaster[]).map((step) => ({
      ...step,
      reachable: false,
    }));
    const first = stepArbitrary(['A']).map((step) => ({ ...step, reachable: true, quorum: true }));
    fc.assert(
      fc.property(first, fc.array(blind, { minLength: 1, maxLength: 40 }), (head, tail) => {
        const types = simulate([head, ...tail]).events.map((event) => event.type);
        assert.ok(!types.includes('MASTER_DOWN'));
        assert.ok(!types.includes('FAILOVER_COMPLETED'));
      }),
      runs,
    );
  });

  it('the same process under new sessions is never a failover', () => {
    fc.assert(
      fc.property(sequences(['A', 'A_RENEWED', 'none']), (steps) => {
        const types = simulate(steps).events.map((event) => event.type);
        assert.ok(!types.includes('FAILOVER_COMPLETED'));
        assert.ok(!types.includes('MASTER_RESTARTED'));
      }),
      runs,
    );
  });

  it('every event has a unique id, a key of at most 255 characters, and one line of summary', () => {
    const clusters = fc.constantFrom(CLUSTER, 'c'.repeat(63), 'x'.repeat(300));
    fc.assert(
      fc.property(clusters, sequences(), (cluster, steps) => {
        const { events } = simulate(steps, cluster);
        assert.equal(new Set(events.map((event) => event.id)).size, events.length);
        for (const event of events) {
          assert.ok(event.incidentKey.length <= 255, event.incidentKey);
          assert.ok(event.incidentKey.length > 0);
          assert.equal(event.cluster, cluster);
          assert.ok(!/\n/.test(event.summary));
          assert.equal(new Date(event.at).toISOString(), event.at);
        }
      }),
      runs,
    );
  });

  it('the addresses the model uses are the fixture addresses', () => {
    assert.deepEqual(
      [A.address, A_RENEWED.address, A_RESTARTED.address, B.address],
      [A_ADDRESS, A_ADDRESS, A_ADDRESS, B_ADDRESS],
    );
  });
});
