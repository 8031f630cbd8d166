import { buildEvent, type EventInput } from '../../shared/events/build.ts';
import type { RestartTargetFacts } from '../../shared/events/facts.ts';
import type { NotificationContext } from '../../shared/events/present.ts';
import { EVENT_TYPES, type EventType, type MonitorEvent } from '../../shared/events/types.ts';
import type { Notification } from '../../shared/notify/notifier.ts';

/**
 * One representative event of every type, shaped as detection makes them (summaries, facts and
 * steps follow shared/detect/), for rendering tests and golden files. The story: cluster `prod`,
 * master candidates coord-a.corp (the master) and coord-b.corp, a coordinator coord-c.corp.
 */

export const T0 = Date.parse('2026-11-21T23:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const at = (seconds: number) => iso(T0 + seconds * 1000);

export const CLUSTER = 'prod';
const A = { address: 'coord-a.corp', fabricPort: 45678, startTime: T0 - 3_600_000 };
const B = { address: 'coord-b.corp', fabricPort: 45678, startTime: T0 - 86_400_000 };
const C = 'coord-c.corp';
const A_TARGET: RestartTargetFacts = {
  address: A.address,
  role: 'master-candidate',
  instanceId: 'i-0abc1234def567890',
  reason: 'failed-master',
};
const C_TARGET: RestartTargetFacts = {
  address: C,
  role: 'coordinator',
  instanceId: 'i-0abc1234def567892',
  reason: 'coordinator-down',
};
/** The ids of the restart of coord-a.corp and of coord-c.corp. */
const REMEDIATION_A = '01KAQ9A1M3XJ5V7W9YBCDEFGHJ';
const REMEDIATION_C = '01KAQ9C1M3XJ5V7W9YBCDEFGHJ';

/** A ULID-shaped id, distinct per number. */
export function fixtureId(n: number): string {
  return `01KAQ8${String(n).padStart(2, '0')}M3XJ5V7W9YBCDEFGHJ`;
}

/** The id of the sample event of a type. */
export function idOf(type: EventType): string {
  return fixtureId(EVENT_TYPES.indexOf(type) + 1);
}

const MASTER_INCIDENT = `${CLUSTER}/master/${idOf('MASTER_UNRESPONSIVE')}`;

function masterFacts(master: typeof A, registeredAfterMs: number, owner: string) {
  return {
    ...master,
    startedAt: iso(master.startTime),
    registeredAt: iso(master.startTime + registeredAfterMs),
    version: '25.2.0',
    znode: `/dremio/master/${owner === '0100000000000001' ? '3f2a1c9e' : '8b7d6e5f'}-4c1d-4e2a-9b1f-7a0c2d4e6f81`,
    ephemeralOwner: owner,
  };
}

const servers = (down: readonly string[]) =>
  ['zk1.corp:2181', 'zk2.corp:2181', 'zk3.corp:2181'].map((server) => ({
    server,
    state: down.includes(server) ? 'unreachable' : 'serving',
    mode: down.includes(server) ? null : server === 'zk2.corp:2181' ? 'leader' : 'follower',
    detail: down.includes(server) ? 'ECONNREFUSED' : null,
  }));

/** A sample as detection would draft it; built by the same builder, so its facts are typed. */
type Draft<T extends EventType> = Omit<EventInput<T>, 'id' | 'cluster' | 'type' | 'incidentKey' | 'at'> & {
  /** ISO time. */
  readonly at: string;
  readonly incidentKey?: string;
};

const DRAFTS: { readonly [T in EventType]: (id: string) => Draft<T> } = {
  MASTER_UNRESPONSIVE: () => ({
    severity: 'critical',
    at: at(30),
    summary:
      'Master coord-a.corp (fabric 45678) is registered but refuses connections (nothing listens on its web port) for 1 s. Failover expected by 23:01:08 UTC (in about 38 s), when ZooKeeper expires its session; then a standby must start',
    facts: {
      master: A,
      answer: 'refused',
      evidence: 'refused',
      probes: 2,
      silentSince: at(29),
      lastAnsweredAt: at(28),
      sessionTimeoutMs: 40_000,
      failoverExpectedBy: at(68),
      ephemeralOwner: '0100000000000001',
    },
    steps: [
      'Queries through coord-a.corp fail now. Check the Dremio process on coord-a.corp (killed, crashed, out of memory) and its server.log.',
      'A standby takes over once ZooKeeper expires the session: expect FAILOVER_COMPLETED (or MASTER_DOWN if no standby registers).',
    ],
    incidentKey: MASTER_INCIDENT,
    incidentAction: 'open',
  }),
  MASTER_RESPONSIVE: () => ({
    severity: 'info',
    at: at(50),
    summary: 'Master coord-a.corp (fabric 45678) answers again (ok) after 40 s without answering',
    facts: { master: A, answer: 'ok', silentSince: at(10) },
    incidentKey: MASTER_INCIDENT,
    incidentAction: 'resolve',
  }),
  MASTER_DOWN: () => ({
    severity: 'critical',
    at: at(52),
    summary:
      'No master registered for 12 s: coord-a.corp (fabric 45678) is gone from ZooKeeper and no standby has registered yet',
    facts: {
      previous: masterFacts(A, 41_200, '0100000000000001'),
      lastSeenAt: at(40),
      absentSince: at(42),
      downForMs: 12_000,
      snapshots: 3,
      latchParticipants: 1,
      latchLeader: null,
      coordinatorsAnsweringMasterDown: [C],
      takeoverExpectedBy: at(40 + 90 + 180),
    },
    steps: [
      'Queries fail until a master registers: a standby takes over once the old session expired and it has started.',
      `If no master is registered by ${at(310)}, TAKEOVER_OVERDUE follows: start a master candidate by hand.`,
      "Check that a standby is running: it waits on the catalog lock ('Lock file to RocksDB is currently held by another process').",
    ],
    incidentKey: MASTER_INCIDENT,
    incidentAction: 'update',
  }),
  TAKEOVER_OVERDUE: () => ({
    severity: 'critical',
    at: at(311),
    summary:
      'No master for 4 min 31 s since coord-a.corp was last seen: no standby has taken over (expected within 4 min 30 s); a person must act',
    facts: {
      previous: A,
      lastSeenAt: at(40),
      downForMs: 271_000,
      sessionTimeoutMs: 90_000,
      standbyStartupBudgetMs: 180_000,
    },
    steps: [
      'Check each master candidate: is Dremio running, and what does its server.log say (catalog lock, election, startup errors)?',
      'Check the shared catalog storage (NFS mount and locks): a standby cannot take the lock if it is unavailable.',
      'Start Dremio on a master candidate (or restart coord-a.corp).',
    ],
    incidentKey: MASTER_INCIDENT,
    incidentAction: 'update',
  }),
  FAILOVER_COMPLETED: () => ({
    severity: 'critical',
    at: at(165),
    summary:
      'Failover: master moved from coord-a.corp (fabric 45678) to coord-b.corp (fabric 45678) after up to 2 min 5 s; restart coord-a.corp so it rejoins as a standby',
    facts: {
      from: A,
      to: B,
      outageMs: 125_000,
      detectedMs: 1_480,
      lastSeenAt: at(40),
      previous: masterFacts(A, 41_200, '0100000000000001'),
      master: { ...masterFacts(B, 0, '0100000000000003'), registeredAt: at(163.52) },
      observedGap: false,
      masterDownAt: at(52),
    },
    steps: [
      'Restart the queries that were running: Dremio failed them when coord-a.corp went down.',
      'Restart Dremio on coord-a.corp (the failed master) so it rejoins as a standby: Dremio does not restart it.',
      'Find why coord-a.corp failed (server.log, the host, its ZooKeeper session); coord-b.corp now serves.',
    ],
    incidentKey: MASTER_INCIDENT,
    incidentAction: 'resolve',
  }),
  MASTER_RESTARTED: (id) => ({
    severity: 'warning',
    at: at(75),
    summary:
      'Master coord-a.corp (fabric 45678) restarted (new process started 2026-11-21T23:00:20.000Z); no master for up to 35 s',
    facts: {
      from: A,
      to: { ...A, startTime: T0 + 20_000 },
      outageMs: 35_000,
      detectedMs: 900,
      lastSeenAt: at(40),
      previous: masterFacts(A, 41_200, '0100000000000001'),
      master: masterFacts({ ...A, startTime: T0 + 20_000 }, 54_100, '0100000000000004'),
      observedGap: false,
      masterDownAt: null,
    },
    steps: [
      'Restart the queries that were running: Dremio failed them when coord-a.corp restarted.',
      'Find why coord-a.corp restarted (server.log, out of memory, a host reboot) if nobody planned it.',
    ],
    incidentKey: `${CLUSTER}/master/${id}`,
    incidentAction: 'notice',
  }),
  MASTER_RETURNED: () => ({
    severity: 'info',
    at: at(95),
    summary: 'Master coord-a.corp (fabric 45678) is registered again after 55 s without a master',
    facts: {
      master: masterFacts(A, 41_200, '0100000000000009'),
      previous: A,
      downForMs: 55_000,
      sessionRenewed: true,
    },
    steps: ['Restart the queries that failed while no master was registered.'],
    incidentKey: MASTER_INCIDENT,
    incidentAction: 'resolve',
  }),
  ZK_SESSION_RENEWED: (id) => ({
    severity: 'info',
    at: at(12),
    summary:
      'Master coord-a.corp (fabric 45678) renewed its ZooKeeper session (0100000000000001 -> 0100000000000009); the same process, not a failover',
    facts: {
      master: A,
      fromSession: '0100000000000001',
      toSession: '0100000000000009',
      fromZnode: '/dremio/master/3f2a1c9e-4c1d-4e2a-9b1f-7a0c2d4e6f81',
      toZnode: '/dremio/master/3f2a1c9e-4c1d-4e2a-9b1f-7a0c2d4e6f81',
    },
    incidentKey: `${CLUSTER}/master/${id}`,
    incidentAction: 'notice',
  }),
  SPLIT_BRAIN_SUSPECTED: (id) => ({
    severity: 'critical',
    at: at(20),
    summary:
      '2 master registrations at once: coord-a.corp (fabric 45678, started 2026-11-21T22:00:00.000Z), coord-b.corp (fabric 45678, started 2026-11-20T23:00:00.000Z); more than one process may act as master',
    facts: {
      masters: [
        { ...A, ephemeralOwner: '0100000000000001' },
        { ...B, ephemeralOwner: '0100000000000003' },
      ],
      since: at(10),
      snapshots: 2,
      latchLeader: 'a7c3e1f0-5b2d-4c8e-9f1a-3d6b8e0c2f47',
      leaderIsMaster: true,
    },
    steps: [
      'Find the process that holds the catalog lock and serves (server_status 200 on its web port).',
      'Stop Dremio on the other address, then start it again so it rejoins as a standby. Never restart both.',
    ],
    incidentKey: `${CLUSTER}/split-brain/${id}`,
    incidentAction: 'open',
  }),
  SPLIT_BRAIN_RESOLVED: () => ({
    severity: 'info',
    at: at(80),
    summary:
      'One master registration again (coord-a.corp (fabric 45678, started 2026-11-21T22:00:00.000Z)) after 1 min 10 s',
    facts: { master: A, since: at(10) },
    incidentKey: `${CLUSTER}/split-brain/${idOf('SPLIT_BRAIN_SUSPECTED')}`,
    incidentAction: 'resolve',
  }),
  COORDINATOR_DOWN: (id) => ({
    severity: 'warning',
    at: at(30),
    summary: `Coordinator ${C} is down: server_status timeout (response) for 3 probes`,
    facts: {
      address: C,
      webUrl: `http://${C}:9047`,
      registered: true,
      answer: { kind: 'timeout', latencyMs: 2001.3, phase: 'response' },
      probes: 3,
      since: at(10),
    },
    steps: [
      `Check Dremio on ${C} (process, server.log, host); queries routed to it fail.`,
      'A coordinator that started while no master was registered waits for one before it listens.',
    ],
    incidentKey: `${CLUSTER}/coordinator/${id}`,
    incidentAction: 'open',
  }),
  COORDINATOR_UNREACHABLE: (id) => ({
    severity: 'warning',
    at: at(15),
    summary: `Coordinator ${C} does not answer the monitor (server_status refused for 5 s) but is still registered in ZooKeeper: either it died and Dremio drops it when its session expires, or the monitor's path to it is broken. It is not restarted while registered`,
    facts: {
      address: C,
      webUrl: `http://${C}:9047`,
      registered: true,
      registrationKnown: true,
      answer: { kind: 'refused', latencyMs: 0.8 },
      probes: 6,
      since: at(10),
    },
    steps: [
      `Check Dremio on ${C} (process, server.log, host): if it died, COORDINATOR_DOWN follows when its ZooKeeper session expires.`,
      `If it runs, check the path from the monitor to http://${C}:9047 (port, security group, proxy, TLS).`,
    ],
    incidentKey: `${CLUSTER}/coordinator/${id}`,
    incidentAction: 'open',
  }),
  COORDINATOR_RECOVERED: () => ({
    severity: 'info',
    at: at(250),
    summary: `Coordinator ${C} recovered (server_status ok) after 4 min`,
    facts: { address: C, since: at(10), reason: 'server_status ok' },
    incidentKey: `${CLUSTER}/coordinator/${idOf('COORDINATOR_DOWN')}`,
    incidentAction: 'resolve',
  }),
  EXECUTORS_LOW: (id) => ({
    severity: 'warning',
    at: at(20),
    summary: '1 executor(s) registered, fewer than the minimum 2: exec-1.corp',
    facts: { count: 1, minimum: 2, addresses: ['exec-1.corp'], since: at(10), snapshots: 2 },
    steps: [
      'Queries queue or fail without executors: check the missing executor hosts and their Dremio processes.',
    ],
    incidentKey: `${CLUSTER}/executors/${id}`,
    incidentAction: 'open',
  }),
  EXECUTORS_RECOVERED: () => ({
    severity: 'info',
    at: at(610),
    summary: '2 executor(s) registered again (minimum 2) after 10 min',
    facts: { count: 2, minimum: 2, addresses: ['exec-1.corp', 'exec-2.corp'], since: at(10) },
    incidentKey: `${CLUSTER}/executors/${idOf('EXECUTORS_LOW')}`,
    incidentAction: 'resolve',
  }),
  ZOOKEEPER_DEGRADED: (id) => ({
    severity: 'warning',
    at: at(20),
    summary: 'ZooKeeper degraded: zk3.corp:2181 not serving; quorum kept',
    facts: { level: 'degraded', servers: servers(['zk3.corp:2181']), quorum: true, since: at(10) },
    steps: ['Restore the ZooKeeper server that is down: one more failure may lose the quorum.'],
    incidentKey: `${CLUSTER}/zookeeper/${id}`,
    incidentAction: 'open',
  }),
  ZOOKEEPER_QUORUM_LOST: () => ({
    severity: 'critical',
    at: at(60),
    summary:
      'ZooKeeper quorum lost: zk1.corp:2181, zk3.corp:2181 down; Dremio cannot elect or track a master until it returns (this is not a failover)',
    facts: {
      level: 'quorum_lost',
      servers: servers(['zk1.corp:2181', 'zk3.corp:2181']),
      quorum: false,
      since: at(10),
    },
    steps: [
      'Restore the ZooKeeper servers that are down, one at a time, until a majority serves.',
      'Do not restart Dremio masters meanwhile: they halt themselves if the outage outlasts the election timeout.',
    ],
    incidentKey: `${CLUSTER}/zookeeper/${idOf('ZOOKEEPER_DEGRADED')}`,
    incidentAction: 'update',
  }),
  ZOOKEEPER_RECOVERED: () => ({
    severity: 'info',
    at: at(190),
    summary: 'ZooKeeper recovered: every server serving, quorum kept, after 3 min',
    facts: { servers: servers([]), quorum: true, since: at(10) },
    incidentKey: `${CLUSTER}/zookeeper/${idOf('ZOOKEEPER_DEGRADED')}`,
    incidentAction: 'resolve',
  }),
  OBSERVATION_FAILED: (id) => ({
    severity: 'warning',
    at: at(20),
    summary:
      "The monitor cannot read Dremio's master from ZooKeeper (zookeeper_unreachable at zk1.corp:2181,zk2.corp:2181,zk3.corp:2181); master changes are not judged until it can",
    facts: {
      problems: [
        {
          kind: 'zookeeper_unreachable',
          where: 'zk1.corp:2181,zk2.corp:2181,zk3.corp:2181',
          detail: 'connect timed out after 3000 ms',
        },
      ],
      reachable: false,
      servers: servers([]),
      quorum: null,
      since: at(10),
      snapshots: 2,
    },
    steps: [
      "Check the monitor's network path to ZooKeeper and the problems above: this is the monitor failing to see, not the master failing.",
    ],
    incidentKey: `${CLUSTER}/observation/${id}`,
    incidentAction: 'open',
  }),
  OBSERVATION_RECOVERED: () => ({
    severity: 'info',
    at: at(100),
    summary: 'The monitor reads the master from ZooKeeper again after 1 min 30 s',
    facts: { since: at(10), blindForMs: 90_000 },
    incidentKey: `${CLUSTER}/observation/${idOf('OBSERVATION_FAILED')}`,
    incidentAction: 'resolve',
  }),
  FLAPPING: (id) => ({
    severity: 'warning',
    at: at(900),
    summary:
      'Leadership flapping: 3 master changes within 30 min; further failovers are recorded without paging until it settles',
    facts: { changes: [at(165), at(520), at(900)], flapChanges: 3, flapWindowMs: 1_800_000 },
    steps: [
      'Find why masters keep failing: host health, the shared catalog (NFS locks), ZooKeeper session expiries.',
      'Watch the audit log: failovers during the episode are recorded with suppressed: true.',
    ],
    incidentKey: `${CLUSTER}/flapping/${id}`,
    incidentAction: 'notice',
  }),
  INCIDENT_REMINDER: () => ({
    severity: 'critical',
    at: at(1852),
    summary:
      'Still open after 30 min: No master registered for 12 s: coord-a.corp (fabric 45678) is gone from ZooKeeper and no standby has registered yet',
    facts: {
      incidentKind: 'master',
      subject: null,
      openedAt: at(52),
      openedBy: idOf('MASTER_UNRESPONSIVE'),
      openForMs: 1_800_000,
      reason: 'repeat',
    },
    incidentKey: MASTER_INCIDENT,
    incidentAction: 'remind',
  }),
  INCIDENT_ACKNOWLEDGED: () => ({
    severity: 'info',
    at: at(400),
    summary:
      'alice acknowledged: No master registered for 12 s: coord-a.corp (fabric 45678) is gone from ZooKeeper and no standby has registered yet (restarting coord-a)',
    facts: {
      incidentKind: 'master',
      subject: null,
      openedAt: at(52),
      openedBy: idOf('MASTER_UNRESPONSIVE'),
      by: 'alice',
      reason: 'restarting coord-a',
    },
    incidentKey: MASTER_INCIDENT,
    incidentAction: 'acknowledge',
  }),
  MAINTENANCE_STARTED: () => ({
    severity: 'info',
    at: at(0),
    summary:
      'Maintenance upgrade-25.2 started by bob for 2 h: upgrade to 25.2; events are recorded without paging until 2026-11-22T01:00:00.000Z',
    facts: { windowId: 'upgrade-25.2', start: at(0), end: at(7200), owner: 'bob', reason: 'upgrade to 25.2' },
    incidentKey: `${CLUSTER}/maintenance/upgrade-25.2`,
    incidentAction: 'notice',
  }),
  MAINTENANCE_ENDED: () => ({
    severity: 'info',
    at: at(5400),
    summary: 'Maintenance upgrade-25.2 (bob) was ended early; 1 incident(s) still open',
    facts: {
      windowId: 'upgrade-25.2',
      start: at(0),
      end: at(7200),
      owner: 'bob',
      reason: 'upgrade to 25.2',
      outcome: 'ended_early',
      openIncidents: [`${CLUSTER}/coordinator/${idOf('COORDINATOR_DOWN')}`],
    },
    incidentKey: `${CLUSTER}/maintenance/upgrade-25.2`,
    incidentAction: 'notice',
  }),
  DELIVERY_FAILED: (id) => ({
    severity: 'warning',
    at: at(86_400),
    summary: `Channel oncall-sms gave up on FAILOVER_COMPLETED ${idOf('FAILOVER_COMPLETED')} after 12 attempts: SNS topic not found`,
    facts: {
      channel: 'oncall-sms',
      eventId: idOf('FAILOVER_COMPLETED'),
      eventType: 'FAILOVER_COMPLETED',
      attempts: 12,
      reason: 'SNS topic not found',
    },
    incidentKey: `${CLUSTER}/delivery/${id}`,
    incidentAction: 'notice',
  }),
  REMEDIATION_STARTED: (id) => ({
    severity: 'info',
    at: at(226),
    summary:
      'Restarting Dremio on coord-a.corp (the failed master) so it rejoins as a standby; outcome expected by 2026-11-21T23:13:46.000Z',
    facts: {
      actionId: REMEDIATION_A,
      target: A_TARGET,
      dryRun: false,
      attempt: 1,
      deadline: at(826),
      since: at(165),
      cause: idOf('FAILOVER_COMPLETED'),
      master: { address: B.address, fabricPort: B.fabricPort, healthySince: at(166) },
      blockedSince: null,
      looksFirst: true,
    },
    steps: ['Watch for REMEDIATION_SUCCEEDED or REMEDIATION_FAILED about coord-a.corp.'],
    incidentKey: `${CLUSTER}/remediation/${id}`,
    incidentAction: 'open',
  }),
  REMEDIATION_SUCCEEDED: () => ({
    severity: 'info',
    at: at(400),
    summary: 'Restarted Dremio on coord-a.corp (the failed master): it rejoins as a standby',
    facts: { actionId: REMEDIATION_A, target: A_TARGET, dryRun: false, durationMs: 174_000 },
    incidentKey: `${CLUSTER}/remediation/${idOf('REMEDIATION_STARTED')}`,
    incidentAction: 'resolve',
  }),
  REMEDIATION_FAILED: () => ({
    severity: 'critical',
    at: at(1000),
    summary:
      'Restart of coord-c.corp (coordinator down) failed: Dremio did not answer OK within 10 min of the restart',
    facts: {
      actionId: REMEDIATION_C,
      target: C_TARGET,
      dryRun: false,
      startedAt: at(400),
      reason: 'Dremio did not answer OK within 10 min of the restart',
    },
    steps: [
      'Restart Dremio on coord-c.corp by hand, and check that it answers OK.',
      'Find why the restart failed (the reason above, the instance, the server.log of Dremio).',
      'The monitor tries again after the cooldown of the node, within the daily cap.',
    ],
    incidentKey: `${CLUSTER}/remediation/${idOf('REMEDIATION_BLOCKED')}`,
    incidentAction: 'update',
  }),
  REMEDIATION_BLOCKED: (id) => ({
    severity: 'warning',
    at: at(226),
    summary:
      'Restart of coord-c.corp (coordinator down) is blocked: another action is in flight (restart of coord-a.corp); the monitor acts after 2026-11-21T23:13:46.000Z if it is still needed',
    facts: {
      noStandby: false,
      rule: 'in-flight',
      until: at(826),
      target: C_TARGET,
      rules: [{ rule: 'in-flight', until: at(826) }],
      since: at(30),
      cause: idOf('COORDINATOR_DOWN'),
      attempts: 0,
    },
    steps: ['Wait for the action in flight: this one follows.'],
    incidentKey: `${CLUSTER}/remediation/${id}`,
    incidentAction: 'open',
  }),
};

/** The representative event of a type. */
export function sampleEvent<T extends EventType>(type: T): MonitorEvent {
  const id = idOf(type);
  const { incidentKey, at: time, ...draft } = DRAFTS[type](id) as Draft<T>;
  return buildEvent<T>({
    id,
    cluster: CLUSTER,
    type,
    at: Date.parse(time),
    incidentKey: incidentKey ?? `${CLUSTER}/${type.toLowerCase()}/${id}`,
    ...draft,
  }) as MonitorEvent;
}

/** The context a notifier gets for the sample events: a runbook and the master's Dremio UI. */
export function sampleContext(event: MonitorEvent): NotificationContext {
  const master = event.type === 'FAILOVER_COMPLETED' ? 'coord-b.corp' : 'coord-a.corp';
  return {
    runbookUrl: 'https://wiki.corp/dremio/failover',
    ...(event.type.startsWith('MASTER_') ||
    event.type === 'FAILOVER_COMPLETED' ||
    event.type === 'TAKEOVER_OVERDUE'
      ? { masterWebUrl: `http://${master}:9047` }
      : {}),
    remediationEnabled: false,
  };
}

/** A maintenance-held copy of an event (suppressed, facts.maintenance), as detection records it. */
export function heldBack(event: MonitorEvent): MonitorEvent {
  const maintenance = { windowId: 'upgrade-25.2', owner: 'bob', until: at(7200) };
  return { ...event, suppressed: true, facts: { ...event.facts, maintenance } } as MonitorEvent;
}

/** The sample notification of a type, as SNS and the other channels get it (remediation enabled). */
export function sampleNotification(type: EventType): Notification {
  const event = sampleEvent(type);
  return { event, context: { ...sampleContext(event), remediationEnabled: true } };
}
