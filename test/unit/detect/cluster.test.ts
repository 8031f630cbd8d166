import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canSeeMaster, type DetectionPolicy, defaultPolicy } from '../../../shared/detect/index.ts';
import { factsRecord } from '../../../shared/events/read.ts';
import {
  A_ADDRESS,
  B,
  B_ADDRESS,
  C_ADDRESS,
  type Frame,
  type Replay,
  replay,
  SECOND,
  series,
  snapshot,
  T0,
  types,
} from '../../support/detect-fixtures.ts';

const S10 = 10 * SECOND;
const at = (seconds: number) => T0 + seconds * SECOND;

interface Case {
  readonly name: string;
  readonly frames: readonly Frame[];
  readonly policy?: DetectionPolicy;
  readonly expect: readonly string[];
  readonly check?: (run: Replay) => void;
}

const coordinatorCases: Case[] = [
  {
    name: 'COORDINATOR_DOWN once timeouts lasted noAnswerMs and its registration is gone, COORDINATOR_RECOVERED at the first OK',
    frames: [
      ...series(at(0), 3, S10, { http: { [C_ADDRESS]: 'timeout' }, unregistered: [C_ADDRESS] }),
      snapshot(at(30), { http: { [C_ADDRESS]: 'refused' }, unregistered: [C_ADDRESS] }),
      snapshot(at(40)),
    ],
    expect: ['COORDINATOR_DOWN', 'COORDINATOR_RECOVERED'],
    check: ({ events, state, steps }) => {
      assert.deepEqual(types(steps[1] ?? []), ['COORDINATOR_DOWN']);
      const [down, up] = events;
      assert.equal(down?.severity, 'warning');
      assert.equal(factsRecord(down).address, C_ADDRESS);
      assert.equal(factsRecord(down).registered, false);
      assert.match(down?.summary ?? '', /10\.0\.0\.21.*no longer registered/);
      assert.match(down?.incidentKey ?? '', /^prod\/coordinator\//);
      assert.equal(up?.incidentKey, down?.incidentKey);
      assert.equal(up?.incidentAction, 'resolve');
      assert.deepEqual(state.incidents, []);
    },
  },
  {
    name: 'not answering but still registered: COORDINATOR_UNREACHABLE, then COORDINATOR_DOWN when the registration goes, one incident',
    frames: [
      snapshot(at(0)),
      ...series(at(1), 6, SECOND, { http: { [C_ADDRESS]: 'refused' } }),
      ...series(at(7), 30, SECOND, { http: { [C_ADDRESS]: 'refused' } }),
      snapshot(at(40), { http: { [C_ADDRESS]: 'refused' }, unregistered: [C_ADDRESS] }),
      snapshot(at(41), { http: { [C_ADDRESS]: 'refused' }, unregistered: [C_ADDRESS] }),
    ],
    expect: ['COORDINATOR_UNREACHABLE', 'COORDINATOR_DOWN'],
    check: ({ events, state }) => {
      const [unreachable, down] = events;
      assert.equal(unreachable?.at, new Date(at(6)).toISOString(), 'announced after coordinatorDownMs');
      assert.match(unreachable?.summary ?? '', /still registered in ZooKeeper/);
      assert.equal(down?.incidentAction, 'update');
      assert.equal(down?.incidentKey, unreachable?.incidentKey);
      assert.equal(state.coordinators[0]?.verdict, 'down');
    },
  },
  {
    name: 'a monitor blind to ZooKeeper never takes a missing registration for a gone one',
    frames: [
      snapshot(at(0)),
      ...series(at(1), 8, SECOND, { http: { [C_ADDRESS]: 'refused' }, reachable: false }),
    ],
    expect: ['OBSERVATION_FAILED', 'COORDINATOR_UNREACHABLE'],
    check: ({ events }) => assert.equal(factsRecord(events[1]).registrationKnown, false),
  },
  {
    name: '503 MASTER_DOWN while no master is registered is the master fault, not the coordinator',
    frames: series(at(0), 6, S10, { master: null }),
    expect: ['MASTER_DOWN'],
  },
  {
    name: '503 MASTER_DOWN while a master is registered counts',
    frames: series(at(0), 3, S10, { http: { [C_ADDRESS]: 'master_down' } }),
    expect: ['COORDINATOR_UNREACHABLE'],
  },
  {
    name: 'a standby master candidate that refuses is normal',
    frames: series(at(0), 10, S10, { http: { [B_ADDRESS]: 'refused' } }),
    expect: [],
  },
  {
    name: 'TLS errors and unexpected answers count',
    frames: [
      ...series(at(0), 2, S10, { http: { [C_ADDRESS]: 'tls_error' }, unregistered: [C_ADDRESS] }),
      snapshot(at(20), { http: { [C_ADDRESS]: 'unexpected' }, unregistered: [C_ADDRESS] }),
    ],
    expect: ['COORDINATOR_DOWN'],
  },
  {
    name: 'refusals: announced after coordinatorDownMs (5 s), over two probes at least',
    frames: [
      snapshot(at(0)),
      ...series(at(1), 5, SECOND, { http: { [C_ADDRESS]: 'refused' }, unregistered: [C_ADDRESS] }),
      snapshot(at(6), { http: { [C_ADDRESS]: 'refused' }, unregistered: [C_ADDRESS] }),
    ],
    expect: ['COORDINATOR_DOWN'],
    check: ({ steps, events }) => {
      // Refused from 1 s: 5 s have passed at the probe of 6 s.
      assert.deepEqual(types(steps[6] ?? []), ['COORDINATOR_DOWN']);
      assert.match(events[0]?.summary ?? '', /failing for 5 s/);
    },
  },
  {
    name: 'a timeout waits longer than a refusal: 5 s of timeouts are nothing yet',
    frames: [
      snapshot(at(0)),
      ...series(at(1), 6, SECOND, { http: { [C_ADDRESS]: 'timeout' } }),
      snapshot(at(7)),
    ],
    expect: [],
  },
  {
    name: 'the patience is a policy, and one probe is never enough',
    frames: [snapshot(at(0)), snapshot(at(1), { http: { [C_ADDRESS]: 'refused' } })],
    policy: defaultPolicy({ coordinatorDownMs: 0 }),
    expect: [],
  },
];

const executorCases: Case[] = [
  {
    name: 'EXECUTORS_LOW below the minimum over two snapshots, EXECUTORS_RECOVERED',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 2, S10, { executors: 1 }),
      snapshot(at(30), { executors: 1 }),
      snapshot(at(40), { executors: 2 }),
    ],
    policy: defaultPolicy({ minimumExecutors: 2 }),
    expect: ['EXECUTORS_LOW', 'EXECUTORS_RECOVERED'],
    check: ({ events }) => {
      assert.equal(factsRecord(events[0]).count, 1);
      assert.equal(factsRecord(events[0]).minimum, 2);
      assert.match(events[0]?.summary ?? '', /10\.0\.0\.31/);
    },
  },
  {
    name: 'minimum 0 never complains',
    frames: series(at(0), 4, S10, { executors: 0 }),
    expect: [],
  },
  {
    name: 'one low snapshot is not enough',
    frames: [snapshot(at(0), { executors: 0 }), snapshot(at(10))],
    policy: defaultPolicy({ minimumExecutors: 1 }),
    expect: [],
  },
];

const zookeeperCases: Case[] = [
  {
    name: 'ZOOKEEPER_DEGRADED, escalated to ZOOKEEPER_QUORUM_LOST, then ZOOKEEPER_RECOVERED, one incident',
    frames: [
      ...series(at(0), 2, S10, { servers: ['serving', 'not_serving', 'serving'] }),
      snapshot(at(20), { servers: ['serving', 'not_serving', 'unreachable'], quorum: false }),
      snapshot(at(30), { servers: ['serving', 'not_serving', 'unreachable'], quorum: false }),
      snapshot(at(40)),
    ],
    expect: ['ZOOKEEPER_DEGRADED', 'ZOOKEEPER_QUORUM_LOST', 'ZOOKEEPER_RECOVERED'],
    check: ({ events }) => {
      assert.deepEqual(
        events.map((event) => [event.severity, event.incidentAction]),
        [
          ['warning', 'open'],
          ['critical', 'update'],
          ['info', 'resolve'],
        ],
      );
      assert.equal(new Set(events.map((event) => event.incidentKey)).size, 1);
      assert.match(events[0]?.summary ?? '', /zk2\.corp:2181/);
    },
  },
  {
    name: 'quorum lost does not freeze into a failover or MASTER_DOWN',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 5, S10, {
        master: null,
        quorum: false,
        servers: ['serving', 'unreachable', 'unreachable'],
      }),
    ],
    expect: ['ZOOKEEPER_QUORUM_LOST'],
  },
  {
    name: 'one bad snapshot is not enough',
    frames: [snapshot(at(0), { servers: ['serving', 'not_serving', 'serving'] }), snapshot(at(10))],
    expect: [],
  },
  {
    name: 'a server whose srvr is not whitelisted is unknown, not down',
    frames: series(at(0), 4, S10, { servers: ['unknown', 'unknown', 'unknown'] }),
    expect: [],
  },
  {
    name: 'an improvement from quorum lost to degraded is reported at once',
    frames: [
      ...series(at(0), 2, S10, { quorum: false, servers: ['serving', 'unreachable', 'unreachable'] }),
      snapshot(at(20), { servers: ['serving', 'serving', 'unreachable'] }),
    ],
    expect: ['ZOOKEEPER_QUORUM_LOST', 'ZOOKEEPER_DEGRADED'],
  },
];

const observationCases: Case[] = [
  {
    name: 'OBSERVATION_FAILED after two unreadable snapshots; the master is frozen; OBSERVATION_RECOVERED',
    frames: [snapshot(at(0)), ...series(at(10), 30, S10, { reachable: false }), snapshot(at(400))],
    expect: ['OBSERVATION_FAILED', 'OBSERVATION_RECOVERED'],
    check: ({ events }) => {
      assert.equal(events[0]?.severity, 'warning');
      assert.match(events[0]?.summary ?? '', /zookeeper_unreachable/);
    },
  },
  {
    name: 'a master changed while the monitor could not see: FAILOVER_COMPLETED with observedGap',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 3, S10, { reachable: false }),
      snapshot(at(40), { master: B }),
    ],
    expect: ['OBSERVATION_FAILED', 'OBSERVATION_RECOVERED', 'FAILOVER_COMPLETED'],
    check: ({ events }) => {
      const failover = events[2];
      assert.equal(factsRecord(failover).observedGap, true);
      assert.equal(factsRecord(failover).outageMs, 40 * SECOND);
      assert.match(failover?.summary ?? '', /could not observe/);
    },
  },
  {
    name: 'no ZooKeeper server answers: OBSERVATION_FAILED (blind), never QUORUM_LOST or DEGRADED; the coordinators witness',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 3, S10, {
        reachable: false,
        quorum: null,
        servers: ['unreachable', 'unreachable', 'unreachable'],
      }),
    ],
    expect: ['OBSERVATION_FAILED'],
    check: ({ events }) => {
      assert.equal(events[0]?.severity, 'warning');
      assert.match(events[0]?.summary ?? '', /coordinators 10\.0\.0\.11, 10\.0\.0\.21 still answer OK/);
      assert.deepEqual(factsRecord(events[0]).coordinators, [
        { address: A_ADDRESS, role: 'master-candidate', answer: 'ok' },
        { address: B_ADDRESS, role: 'master-candidate', answer: 'refused' },
        { address: C_ADDRESS, role: 'coordinator', answer: 'ok' },
      ]);
    },
  },
  {
    name: 'blindness that lasts blindCriticalMs becomes critical, once: nobody is watching',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 2, S10, { reachable: false }),
      // Blind since the first unreadable snapshot (10 s): 300 s later, at 310 s.
      { tick: at(309) },
      { tick: at(310) },
      { tick: at(900) },
      snapshot(at(901)),
    ],
    expect: ['OBSERVATION_FAILED', 'OBSERVATION_FAILED', 'OBSERVATION_RECOVERED'],
    check: ({ events, steps }) => {
      assert.deepEqual(types(steps[4] ?? []), ['OBSERVATION_FAILED']);
      const escalated = events[1];
      assert.equal(escalated?.severity, 'critical');
      assert.equal(escalated?.incidentAction, 'update');
      assert.equal(escalated?.incidentKey, events[0]?.incidentKey);
      assert.match(escalated?.summary ?? '', /Nobody is watching prod/);
      assert.match(escalated?.summary ?? '', /says nothing about the cluster itself/);
    },
  },
  {
    name: 'while blind: never MASTER_DOWN, TAKEOVER_OVERDUE or a failover, however long',
    frames: [snapshot(at(0)), ...series(at(10), 60, S10, { reachable: false, master: null })],
    expect: ['OBSERVATION_FAILED', 'OBSERVATION_FAILED'],
  },
  {
    name: 'the blindness threshold is a policy',
    frames: [snapshot(at(0)), ...series(at(10), 2, S10, { reachable: false }), { tick: at(70) }],
    policy: defaultPolicy({ blindCriticalMs: 60_000 }),
    expect: ['OBSERVATION_FAILED', 'OBSERVATION_FAILED'],
  },
  {
    name: 'a single unreadable snapshot is not OBSERVATION_FAILED',
    frames: [snapshot(at(0)), snapshot(at(10), { reachable: false }), snapshot(at(20))],
    expect: [],
  },
  {
    name: 'unreadable with the quorum known lost is QUORUM_LOST alone',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 3, S10, {
        reachable: false,
        quorum: false,
        servers: ['unreachable', 'unreachable', 'serving'],
      }),
    ],
    expect: ['ZOOKEEPER_QUORUM_LOST'],
  },
  {
    name: 'an undecodable master registration freezes the master and is an observation failure',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 3, S10, {
        master: null,
        problems: [{ kind: 'undecodable_registration', where: '/dremio/master/abc', detail: 'bad protobuf' }],
      }),
    ],
    expect: ['OBSERVATION_FAILED'],
  },
  {
    name: 'an OBSERVATION_FAILED that becomes a quorum loss stays open until the master can be seen',
    frames: [
      snapshot(at(0)),
      ...series(at(10), 2, S10, { reachable: false }),
      ...series(at(30), 2, S10, {
        reachable: false,
        quorum: false,
        servers: ['unreachable', 'unreachable', 'serving'],
      }),
      snapshot(at(50)),
    ],
    expect: ['OBSERVATION_FAILED', 'ZOOKEEPER_QUORUM_LOST', 'ZOOKEEPER_RECOVERED', 'OBSERVATION_RECOVERED'],
  },
];

for (const [title, cases] of [
  ['coordinators', coordinatorCases],
  ['executors', executorCases],
  ['ZooKeeper', zookeeperCases],
  ['observation', observationCases],
] as const) {
  describe(`detect: ${title}`, () => {
    for (const { name, frames, policy, expect, check } of cases) {
      it(name, () => {
        const run = replay(frames, policy);
        assert.deepEqual(types(run.events), expect);
        check?.(run);
      });
    }
  });
}

describe('canSeeMaster', () => {
  const cases: Array<[string, Parameters<typeof snapshot>[1], boolean]> = [
    ['a readable tree', {}, true],
    ['no session', { reachable: false }, false],
    ['quorum lost', { quorum: false }, false],
    ['unknown quorum but a read', { quorum: null }, true],
    [
      'an undecodable coordinator is not about the master',
      { problems: [{ kind: 'undecodable_registration', where: '/dremio/coordinator/abc', detail: 'x' }] },
      true,
    ],
    [
      'an undecodable master under a root',
      {
        problems: [
          { kind: 'undecodable_registration', where: '/tenants/blue/dremio/master/abc', detail: 'x' },
        ],
      },
      false,
    ],
  ];
  for (const [name, scene, expected] of cases) {
    it(name, () => assert.equal(canSeeMaster(snapshot(T0, scene)), expected));
  }
  it('the fixture marks the master A as its coordinator', () => {
    assert.equal(snapshot(T0).coordinators.find((c) => c.isMaster)?.address, A_ADDRESS);
  });
});
