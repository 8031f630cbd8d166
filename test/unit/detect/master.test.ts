import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DetectionPolicy, defaultPolicy, detect } from '../../../shared/detect/index.ts';
import { factsRecord } from '../../../shared/events/read.ts';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import {
  A,
  A_ADDRESS,
  A_RENEWED,
  A_RESTARTED,
  B,
  B_ADDRESS,
  type Frame,
  idGenerator,
  type Replay,
  registration,
  replay,
  SECOND,
  series,
  snapshot,
  T0,
  types,
} from '../../support/detect-fixtures.ts';

const S10 = 10 * SECOND;
/** B as a new process that registered at 10 s. */
const B_STARTING = { ...registration(B_ADDRESS, { startTime: T0 + 9_000 }), registeredAt: T0 + 10_000 };
const at = (seconds: number) => T0 + seconds * SECOND;

function only(events: readonly MonitorEvent[], type: string): MonitorEvent {
  const found = events.filter((event) => event.type === type);
  assert.equal(found.length, 1, `exactly one ${type} in ${types(events).join(',')}`);
  return found[0] as MonitorEvent;
}

interface Case {
  readonly name: string;
  readonly frames: readonly Frame[];
  readonly policy?: DetectionPolicy;
  /** The event types of the whole run, in order. */
  readonly expect: readonly string[];
  readonly check?: (run: Replay) => void;
}

const SIGKILL: readonly Frame[] = [
  snapshot(at(0)),
  snapshot(at(10), { http: { [A_ADDRESS]: 'refused' } }),
  snapshot(at(20), { http: { [A_ADDRESS]: 'refused' } }),
  snapshot(at(30), { http: { [A_ADDRESS]: 'refused' } }),
  snapshot(at(40), { http: { [A_ADDRESS]: 'refused' } }),
  snapshot(at(50), { master: null, http: { [A_ADDRESS]: 'refused' } }),
  snapshot(at(60), { master: null, http: { [A_ADDRESS]: 'refused' } }),
  snapshot(at(70), { master: B, http: { [A_ADDRESS]: 'refused' } }),
];

const cases: Case[] = [
  {
    name: 'a healthy steady state emits nothing',
    frames: series(at(0), 30, S10),
    expect: [],
  },
  {
    name: 'SIGKILL: unresponsive, then down after the window, then failover A -> B in one incident',
    frames: SIGKILL,
    expect: ['MASTER_UNRESPONSIVE', 'MASTER_DOWN', 'FAILOVER_COMPLETED'],
    check: ({ events, steps, state }) => {
      // Refused at 10 s and again at 20 s: nothing listens, announced at the second refusal.
      assert.deepEqual(types(steps[2] ?? []), ['MASTER_UNRESPONSIVE']);
      const unresponsive = only(events, 'MASTER_UNRESPONSIVE');
      assert.equal(unresponsive.severity, 'critical');
      assert.equal(factsRecord(unresponsive).evidence, 'refused');
      // Last answer at 0 s, session 40 s: ZooKeeper expires it at 40 s.
      assert.equal(factsRecord(unresponsive).failoverExpectedBy, new Date(at(40)).toISOString());
      assert.match(unresponsive.summary, /Failover expected by 23:00:40 UTC \(in about 20 s\)/);
      assert.deepEqual(types(steps[6] ?? []), ['MASTER_DOWN']);
      const failover = only(events, 'FAILOVER_COMPLETED');
      assert.equal(failover.severity, 'critical');
      assert.deepEqual(factsRecord(failover).from, {
        address: A_ADDRESS,
        fabricPort: 45678,
        startTime: A.startTime,
      });
      assert.deepEqual(factsRecord(failover).to, {
        address: B_ADDRESS,
        fabricPort: 45678,
        startTime: B.startTime,
      });
      assert.equal(factsRecord(failover).outageMs, 30 * SECOND); // last seen at 40 s, B seen at 70 s
      assert.equal(factsRecord(failover).detectedMs, at(70) - B.registeredAt);
      assert.equal(factsRecord(failover).observedGap, false);
      assert.equal(failover.at, new Date(at(70)).toISOString());
      assert.match(failover.summary, /10\.0\.0\.11.*10\.0\.0\.12/);
      assert.ok(failover.steps?.some((step) => step.includes(`Restart Dremio on ${A_ADDRESS}`)));
      assert.ok(failover.steps?.some((step) => /queries/.test(step)));
      const keys = new Set(events.map((event) => event.incidentKey));
      assert.equal(keys.size, 1, 'one master incident from warning to failover');
      assert.deepEqual(
        events.map((event) => event.incidentAction),
        ['open', 'update', 'resolve'],
      );
      assert.match(events[0]?.incidentKey ?? '', /^prod\/master\/E\d+$/);
      assert.deepEqual(state.incidents, []);
    },
  },
  {
    name: 'MASTER_RESPONSIVE when the same master answers again',
    frames: [
      ...series(at(0), 3, S10, { http: { [A_ADDRESS]: 'timeout' } }),
      snapshot(at(30), { http: { [A_ADDRESS]: 'unreachable' } }),
      snapshot(at(40)),
    ],
    expect: ['MASTER_UNRESPONSIVE', 'MASTER_RESPONSIVE'],
    check: ({ events, steps, state }) => {
      // Timeouts wait noAnswerMs (10 s): announced at the second probe, as a warning.
      assert.deepEqual(types(steps[1] ?? []), ['MASTER_UNRESPONSIVE']);
      assert.equal(events[0]?.severity, 'warning');
      assert.equal(factsRecord(events[0]).evidence, 'no_answer');
      // It never answered while watched: no time to count the session from.
      assert.equal(factsRecord(events[0]).failoverExpectedBy, null);
      assert.equal(events[1]?.incidentAction, 'resolve');
      assert.equal(events[1]?.incidentKey, events[0]?.incidentKey);
      assert.deepEqual(state.incidents, []);
    },
  },
  {
    name: 'one refusal is not enough, nor refusals that have not lasted masterRefusedMs',
    frames: [
      snapshot(at(0)),
      snapshot(at(10), { http: { [A_ADDRESS]: 'refused' } }),
      snapshot(at(20)),
      snapshot(at(30), { http: { [A_ADDRESS]: 'refused' } }),
      snapshot(at(30.5), { http: { [A_ADDRESS]: 'refused' } }),
      snapshot(at(31)),
    ],
    expect: [],
  },
  {
    name: 'two refusals a second apart are enough',
    frames: [snapshot(at(0)), ...series(at(1), 2, SECOND, { http: { [A_ADDRESS]: 'refused' } })],
    expect: ['MASTER_UNRESPONSIVE'],
    check: ({ steps }) => assert.deepEqual(types(steps[2] ?? []), ['MASTER_UNRESPONSIVE']),
  },
  {
    name: 'a master frozen for 4 s (its probes time out) is not announced',
    frames: [
      snapshot(at(0)),
      ...series(at(1), 4, SECOND, { http: { [A_ADDRESS]: 'timeout' } }),
      ...series(at(5), 3, SECOND),
    ],
    expect: [],
  },
  {
    name: 'a new master that registered but does not listen yet is starting, until startupGraceMs',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 20, 3 * SECOND, { master: B_STARTING, http: { [B_ADDRESS]: 'refused' } }),
      ...series(at(71), 2, SECOND, { master: B_STARTING, http: { [B_ADDRESS]: 'refused' } }),
    ],
    expect: ['FAILOVER_COMPLETED', 'MASTER_UNRESPONSIVE'],
    check: ({ events, steps }) => {
      // Registered at 10 s; the grace ends at 70 s: announced at 71 s, not before.
      assert.deepEqual(types(steps[21] ?? []), ['MASTER_UNRESPONSIVE']);
      assert.equal(factsRecord(events[1]).lastAnsweredAt, null);
    },
  },
  {
    name: 'a new master that answered once is judged like any other',
    frames: [
      snapshot(at(0)),
      snapshot(at(10), { master: B_STARTING }),
      ...series(at(11), 2, SECOND, { master: B_STARTING, http: { [B_ADDRESS]: 'refused' } }),
    ],
    expect: ['FAILOVER_COMPLETED', 'MASTER_UNRESPONSIVE'],
  },
  {
    name: 'a 503 from the master itself is an answer, not silence',
    frames: series(at(0), 5, S10, { http: { [A_ADDRESS]: 'master_down' } }),
    expect: [],
  },
  {
    name: 'short gap: a failover faster than the confirm window is its own incident, opened and resolved',
    frames: [
      snapshot(at(0)),
      snapshot(at(3), { master: null }),
      snapshot(at(6), { master: null }),
      snapshot(at(9), { master: B }),
    ],
    expect: ['FAILOVER_COMPLETED'],
    check: ({ events, state }) => {
      const failover = only(events, 'FAILOVER_COMPLETED');
      assert.equal(failover.incidentAction, 'notice');
      assert.equal(factsRecord(failover).outageMs, 9 * SECOND);
      assert.equal(factsRecord(failover).masterDownAt, null);
      assert.deepEqual(state.incidents, []);
    },
  },
  {
    name: 'direct change of master between two snapshots',
    frames: [snapshot(at(0)), snapshot(at(10), { master: B })],
    expect: ['FAILOVER_COMPLETED'],
  },
  {
    name: 'one empty snapshot over the window is not MASTER_DOWN (two snapshots are needed)',
    frames: [snapshot(at(0)), snapshot(at(60), { master: null }), snapshot(at(120))],
    expect: [],
  },
  {
    name: 'restart on the same address (new start time) is MASTER_RESTARTED, not a failover',
    frames: [snapshot(at(0)), snapshot(at(10), { master: null }), snapshot(at(15), { master: A_RESTARTED })],
    expect: ['MASTER_RESTARTED'],
    check: ({ events }) => {
      const restarted = only(events, 'MASTER_RESTARTED');
      assert.equal(restarted.severity, 'warning');
      assert.equal(restarted.incidentAction, 'notice');
    },
  },
  {
    name: 'a restart slower than the window resolves the MASTER_DOWN incident',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 3, S10, { master: null }),
      snapshot(at(40), { master: A_RESTARTED }),
    ],
    expect: ['MASTER_DOWN', 'MASTER_RESTARTED'],
    check: ({ events }) => {
      assert.equal(events[1]?.incidentAction, 'resolve');
      assert.equal(events[1]?.incidentKey, events[0]?.incidentKey);
    },
  },
  {
    name: 'the same master back after MASTER_DOWN is MASTER_RETURNED',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 2, S10, { master: null }),
      snapshot(at(30), { master: A_RENEWED }),
    ],
    expect: ['MASTER_DOWN', 'MASTER_RETURNED'],
    check: ({ events }) => {
      const back = only(events, 'MASTER_RETURNED');
      assert.equal(back.severity, 'info');
      assert.equal(back.incidentAction, 'resolve');
      assert.equal(factsRecord(back).sessionRenewed, true);
      assert.equal(factsRecord(back).downForMs, 30 * SECOND);
    },
  },
  {
    name: 'session renewal: same identity and znode, new ephemeralOwner',
    frames: [
      snapshot(at(0)),
      snapshot(at(10), { master: A_RENEWED }),
      snapshot(at(20), { master: A_RENEWED }),
    ],
    expect: ['ZK_SESSION_RENEWED'],
    check: ({ events }) => {
      const renewed = only(events, 'ZK_SESSION_RENEWED');
      assert.equal(renewed.severity, 'info');
      assert.equal(factsRecord(renewed).fromSession, A.ephemeralOwner);
      assert.equal(factsRecord(renewed).toSession, A_RENEWED.ephemeralOwner);
    },
  },
  {
    name: 'session renewal across a short blip of B/master',
    frames: [snapshot(at(0)), snapshot(at(10), { master: null }), snapshot(at(15), { master: A_RENEWED })],
    expect: ['ZK_SESSION_RENEWED'],
  },
  {
    name: 'no master at the first look: MASTER_DOWN, then MASTER_RETURNED (no earlier master to fail over from)',
    frames: [...series(at(0), 3, S10, { master: null }), snapshot(at(30), { master: B })],
    expect: ['MASTER_DOWN', 'MASTER_RETURNED'],
    check: ({ events }) => {
      assert.equal(factsRecord(events[0]).previous, null);
      assert.equal(factsRecord(events[1]).previous, null);
    },
  },
  {
    name: 'the confirm window is a policy',
    frames: [snapshot(at(0)), ...series(at(10), 4, S10, { master: null })],
    policy: defaultPolicy({ masterDownConfirmMs: 30 * SECOND }),
    expect: ['MASTER_DOWN'],
    check: ({ steps }) => assert.deepEqual(types(steps[4] ?? []), ['MASTER_DOWN']),
  },
  {
    name: 'split brain confirmed over two snapshots, then resolved',
    frames: [
      snapshot(at(0)),
      snapshot(at(10), { masters: [A, B] }),
      snapshot(at(20), { masters: [A, B] }),
      snapshot(at(30), { masters: [A, B] }),
      snapshot(at(40)),
    ],
    expect: ['SPLIT_BRAIN_SUSPECTED', 'SPLIT_BRAIN_RESOLVED'],
    check: ({ events }) => {
      assert.equal(events[0]?.severity, 'critical');
      assert.match(events[0]?.summary ?? '', /10\.0\.0\.11.*10\.0\.0\.12/);
      assert.equal(events[1]?.incidentKey, events[0]?.incidentKey);
      assert.equal(events[1]?.incidentAction, 'resolve');
    },
  },
  {
    name: 'a single split-brain snapshot is not enough',
    frames: [snapshot(at(0)), snapshot(at(10), { masters: [A, B] }), snapshot(at(20))],
    expect: [],
  },
];

describe('detect: the master', () => {
  for (const { name, frames, policy, expect, check } of cases) {
    it(name, () => {
      const run = replay(frames, policy);
      assert.deepEqual(types(run.events), expect);
      check?.(run);
    });
  }
});

describe('repeated server_status answers (watch-mode change snapshots)', () => {
  it('never counts an answer repeated from an earlier probe towards MASTER_UNRESPONSIVE', () => {
    const policy = defaultPolicy();
    const newId = idGenerator();
    let state = detect(null, snapshot(T0), T0, policy, newId).state;
    // Five change snapshots that all repeat one refused probe: one probe, not five.
    const probedAt = new Date(T0 + SECOND).toISOString();
    for (let index = 1; index <= 5; index += 1) {
      const at = T0 + SECOND + index * 10;
      const repeated = { ...snapshot(at, { http: { [A_ADDRESS]: 'refused' } }), httpObservedAt: probedAt };
      const step = detect(state, repeated, at, policy, newId);
      assert.deepEqual(types(step.events), []);
      state = step.state;
    }
    // A new probe that still finds it silent is the second: now it is announced.
    const fresh = snapshot(T0 + 2 * SECOND, { http: { [A_ADDRESS]: 'refused' } });
    assert.deepEqual(types(detect(state, fresh, T0 + 2 * SECOND, policy, newId).events), [
      'MASTER_UNRESPONSIVE',
    ]);
  });
});
