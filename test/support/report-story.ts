import { monotonicFactory, ulid } from 'ulid';
import type { EventType, IncidentAction, MonitorEvent, Severity } from '../../shared/events/types.ts';
import { looseEvent } from './loose-event.ts';

/**
 * Six hours of a cluster, as detection, the planner and delivery record them (facts as in
 * shared/detect/, shared/remediate/plan-events.ts and shared/monitor/cluster-delivery.ts), for the
 * report's tests and its screenshot: coord-a.corp is master, stops answering, leaves ZooKeeper,
 * coord-b.corp takes over, the monitor restarts coord-a.corp; coord-c.corp goes down, its restart
 * is blocked then fails (still open, acknowledged); coord-b.corp restarts during maintenance;
 * ZooKeeper degrades for 20 minutes. Ids are ULIDs of the events' times, as the store needs.
 */

export const HOUR = 3_600_000;
const A = { address: 'coord-a.corp', fabricPort: 45678, startTime: 0 };
const B = { address: 'coord-b.corp', fabricPort: 45678, startTime: 0 };
const C = 'coord-c.corp';

export interface Story {
  readonly events: MonitorEvent[];
  readonly start: number;
  readonly until: number;
  /** The incident keys, by what they are about. */
  readonly keys: {
    readonly master: string;
    readonly remediationA: string;
    readonly coordinator: string;
    readonly remediationC: string;
    readonly zookeeper: string;
  };
  readonly actions: { readonly a: string; readonly c: string };
}

/** The story of cluster `cluster` from `start` (epoch ms) for six hours. */
export function reportStory(start: number, cluster = 'prod'): Story {
  const newId = monotonicFactory();
  const t = (h: number, m: number, s = 0) => start + h * HOUR + m * 60_000 + s * 1000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const a = { ...A, startTime: start - 30 * 86_400_000 };
  const b = { ...B, startTime: start - 30 * 86_400_000 };
  const b2 = { ...B, startTime: t(3, 29, 40) };
  const events: MonitorEvent[] = [];
  const ids: string[] = [];
  const key = (segment: string, index: number) => `${cluster}/${segment}/${ids[index]}`;
  const add = (
    at: number,
    type: EventType,
    severity: Severity,
    incidentAction: IncidentAction,
    incidentKey: string | ((id: string) => string),
    summary: string,
    facts: Record<string, unknown>,
    suppressed = false,
  ) => {
    const id = newId(at);
    ids.push(id);
    events.push(
      looseEvent({
        id,
        cluster,
        type,
        severity,
        at: iso(at),
        incidentKey: typeof incidentKey === 'string' ? incidentKey : incidentKey(id),
        summary,
        facts,
        ...(suppressed ? { suppressed: true } : {}),
        incidentAction,
      }),
    );
    return id;
  };
  const own = (segment: string) => (id: string) => `${cluster}/${segment}/${id}`;
  // Not event ids: the factory must only see the events' times, in order.
  const actionA = ulid(t(1, 4, 10));
  const actionC = ulid(t(1, 8));
  const targetA = {
    address: A.address,
    role: 'master-candidate',
    instanceId: 'i-0abc1234def567890',
    reason: 'failed-master',
  };
  const targetC = {
    address: C,
    role: 'coordinator',
    instanceId: 'i-0abc1234def567892',
    reason: 'coordinator-down',
  };

  add(
    t(0, 20),
    'ZK_SESSION_RENEWED',
    'info',
    'notice',
    own('master'),
    'Master coord-a.corp (fabric 45678) renewed its ZooKeeper session (0x01 -> 0x02); the same process, not a failover',
    { master: a, fromSession: '0100000000000001', toSession: '0100000000000002' },
  );
  add(
    t(1, 0),
    'MASTER_UNRESPONSIVE',
    'warning',
    'open',
    own('master'),
    'Master coord-a.corp (fabric 45678) is registered but its web server has not answered for 3 probes (timeout); Dremio fails over once its ZooKeeper session expires',
    {
      master: a,
      answer: 'timeout',
      probes: 3,
      silentSince: iso(t(0, 59, 40)),
      ephemeralOwner: '0100000000000002',
    },
  );
  const master = key('master', 1);
  add(
    t(1, 1, 40),
    'MASTER_DOWN',
    'critical',
    'update',
    master,
    'No master registered for 15 s: coord-a.corp (fabric 45678) is gone from ZooKeeper and no standby has registered yet',
    {
      previous: { ...a, startedAt: iso(a.startTime) },
      lastSeenAt: iso(t(1, 1, 25)),
      absentSince: iso(t(1, 1, 28)),
      downForMs: 15_000,
      snapshots: 3,
      latchParticipants: 1,
      latchLeader: null,
      coordinatorsAnsweringMasterDown: [C],
      takeoverExpectedBy: iso(t(1, 5, 55)),
    },
  );
  add(
    t(1, 3, 10),
    'FAILOVER_COMPLETED',
    'critical',
    'resolve',
    master,
    'Failover: master moved from coord-a.corp (fabric 45678) to coord-b.corp (fabric 45678) after up to 1 min 45 s; restart coord-a.corp so it rejoins as a standby',
    {
      from: a,
      to: b,
      outageMs: 105_000,
      detectedMs: 1_500,
      lastSeenAt: iso(t(1, 1, 25)),
      observedGap: false,
      masterDownAt: iso(t(1, 1, 40)),
    },
  );
  add(
    t(1, 4, 10),
    'REMEDIATION_STARTED',
    'info',
    'open',
    own('remediation'),
    'Restarting Dremio on coord-a.corp (the failed master) so it rejoins as a standby; outcome expected by the deadline',
    {
      actionId: actionA,
      target: targetA,
      dryRun: false,
      attempt: 1,
      deadline: iso(t(1, 14, 10)),
      since: iso(t(1, 3, 10)),
    },
  );
  const remediationA = key('remediation', 4);
  add(
    t(1, 5),
    'COORDINATOR_DOWN',
    'warning',
    'open',
    own('coordinator'),
    'Coordinator coord-c.corp is down: server_status refused for 3 probes',
    { address: C, registered: false, answer: { kind: 'refused' }, probes: 3, since: iso(t(1, 4, 20)) },
  );
  const coordinator = key('coordinator', 5);
  add(
    t(1, 5, 1),
    'REMEDIATION_BLOCKED',
    'warning',
    'open',
    own('remediation'),
    'Restart of coord-c.corp (coordinator down) is blocked: another action is in flight (restart of coord-a.corp)',
    {
      rule: 'in-flight',
      until: iso(t(1, 14, 10)),
      target: targetC,
      rules: [{ rule: 'in-flight', until: iso(t(1, 14, 10)) }],
      since: iso(t(1, 5)),
      attempts: 0,
    },
  );
  const remediationC = key('remediation', 6);
  add(
    t(1, 7, 30),
    'REMEDIATION_SUCCEEDED',
    'info',
    'resolve',
    remediationA,
    'Restarted Dremio on coord-a.corp (the failed master): it rejoins as a standby',
    { actionId: actionA, target: targetA, dryRun: false },
  );
  add(
    t(1, 8),
    'REMEDIATION_STARTED',
    'info',
    'update',
    remediationC,
    'Restarting Dremio on coord-c.corp (coordinator down); outcome expected by the deadline',
    {
      actionId: actionC,
      target: targetC,
      dryRun: false,
      attempt: 1,
      deadline: iso(t(1, 18)),
      since: iso(t(1, 5)),
    },
  );
  add(
    t(1, 18),
    'REMEDIATION_FAILED',
    'critical',
    'update',
    remediationC,
    'Restart of coord-c.corp (coordinator down) failed: Dremio did not answer OK within 10 min of the restart',
    {
      actionId: actionC,
      target: targetC,
      dryRun: false,
      reason: 'Dremio did not answer OK within 10 min of the restart',
      retryable: true,
    },
  );
  add(
    t(1, 35),
    'INCIDENT_REMINDER',
    'warning',
    'remind',
    coordinator,
    'Still open after 30 min: Coordinator coord-c.corp is down',
    {
      incidentKind: 'coordinator',
      subject: C,
      openedAt: iso(t(1, 5)),
      openForMs: 1_800_000,
      reason: 'repeat',
    },
  );
  add(
    t(1, 40),
    'INCIDENT_ACKNOWLEDGED',
    'info',
    'acknowledge',
    coordinator,
    'alice acknowledged: Coordinator coord-c.corp is down (disk full, cleaning up)',
    {
      incidentKind: 'coordinator',
      subject: C,
      openedAt: iso(t(1, 5)),
      by: 'alice',
      reason: 'disk full, cleaning up',
    },
  );
  add(
    t(2, 18, 5),
    'DELIVERY_FAILED',
    'critical',
    'notice',
    own('delivery'),
    `Could not deliver REMEDIATION_FAILED to channel oncall-sms after 9 attempt(s): SNS topic not found`,
    {
      channel: 'oncall-sms',
      eventId: ids[9],
      eventType: 'REMEDIATION_FAILED',
      attempts: 9,
      reason: 'SNS topic not found',
    },
  );
  add(
    t(3, 0),
    'MAINTENANCE_STARTED',
    'info',
    'notice',
    `${cluster}/maintenance/os-patch`,
    'Maintenance os-patch started by bob for 1 h: OS patches; events are recorded without paging',
    { windowId: 'os-patch', start: iso(t(3, 0)), end: iso(t(4, 0)), owner: 'bob', reason: 'OS patches' },
  );
  add(
    t(3, 30),
    'MASTER_RESTARTED',
    'warning',
    'notice',
    own('master'),
    'Master coord-b.corp (fabric 45678) restarted (new process); no master for up to 30 s',
    {
      from: b,
      to: b2,
      outageMs: 30_000,
      detectedMs: 800,
      lastSeenAt: iso(t(3, 29, 30)),
      observedGap: false,
      masterDownAt: null,
      maintenance: { windowId: 'os-patch', owner: 'bob' },
    },
    true,
  );
  add(
    t(4, 0),
    'MAINTENANCE_ENDED',
    'info',
    'notice',
    `${cluster}/maintenance/os-patch`,
    'Maintenance os-patch (bob) ended; 2 incident(s) still open',
    {
      windowId: 'os-patch',
      start: iso(t(3, 0)),
      end: iso(t(4, 0)),
      owner: 'bob',
      reason: 'OS patches',
      outcome: 'expired',
      openIncidents: [coordinator, remediationC],
    },
  );
  add(
    t(4, 30),
    'ZOOKEEPER_DEGRADED',
    'warning',
    'open',
    own('zookeeper'),
    'ZooKeeper degraded: zk3.corp:2181 not serving; quorum kept',
    { level: 'degraded', quorum: true, since: iso(t(4, 29)) },
  );
  const zookeeper = key('zookeeper', 16);
  add(
    t(4, 50),
    'ZOOKEEPER_RECOVERED',
    'info',
    'resolve',
    zookeeper,
    'ZooKeeper recovered: every server serving, quorum kept, after 21 min',
    { quorum: true, since: iso(t(4, 29)) },
  );
  return {
    events,
    start,
    until: t(6, 0),
    keys: { master, remediationA, coordinator, remediationC, zookeeper },
    actions: { a: actionA, c: actionC },
  };
}
