import { iso } from '../events/build.ts';
import { formatDuration } from '../events/format.ts';
import type { ServerStatus } from '../observe/server-status.ts';
import type { CoordinatorObservation, Snapshot } from '../observe/snapshot.ts';
import { type Context, emit } from './emit.ts';
import { openOrUpdate, resolveKey } from './incidents.ts';
import { type DetectionPolicy, lasted } from './policy.ts';
import type { Condition, CoordinatorTrack } from './state.ts';
import { canSeeMaster } from './visibility.ts';

/**
 * Whether a secondary coordinator's answer counts against it. A 503 "MASTER_DOWN" while no master
 * is registered is what a healthy coordinator says then (docs/dremio-ha.md#server-status): the master's fault.
 */
function failing(http: ServerStatus, snapshot: Snapshot): boolean {
  if (http.kind === 'ok') return false;
  return !(http.kind === 'master_down' && snapshot.masters.length === 0);
}

function describeAnswer(http: ServerStatus): string {
  switch (http.kind) {
    case 'timeout':
      return `timeout (${http.phase})`;
    case 'tls_error':
    case 'unreachable':
      return `${http.kind} (${http.reason})`;
    case 'unexpected':
      return `HTTP ${http.statusCode}`;
    default:
      return http.kind;
  }
}

/** How long this failing answer must last before COORDINATOR_DOWN: a timeout may be a pause. */
function patienceFor(http: ServerStatus, policy: DetectionPolicy): number {
  return http.kind === 'timeout' || http.kind === 'unreachable'
    ? policy.noAnswerMs
    : policy.coordinatorDownMs;
}

/**
 * Judges each coordinator of role `coordinator` (a master candidate that is not master refuses by
 * design: the invisible standby) once it has failed for its patience (`coordinatorDownMs`, or
 * `noAnswerMs` for timeouts), over two probes at least, measured in probe time. Two witnesses: the
 * monitor's probe, and Dremio's own view (the coordinator's registration in ZooKeeper). While it is
 * still registered it is COORDINATOR_UNREACHABLE (a warning: it died and its session has not expired
 * yet, or the monitor's path to it is broken); once the registration is gone too it is
 * COORDINATOR_DOWN, which is what remediation acts on. COORDINATOR_RECOVERED at its first good
 * answer, or when it leaves the configuration.
 */
export function judgeCoordinators(ctx: Context, snapshot: Snapshot, policy: DetectionPolicy): void {
  // Durations need new probes: a repeated answer says nothing more.
  if (!ctx.httpFresh) return;
  // A registration only counts as gone when Dremio's tree was read.
  const treeRead = canSeeMaster(snapshot);
  const observed = snapshot.coordinators.filter((coordinator) => coordinator.role === 'coordinator');
  const before = new Map(ctx.state.coordinators.map((track) => [track.address, track]));
  const next: CoordinatorTrack[] = [];
  for (const coordinator of observed) {
    const track = before.get(coordinator.address) ?? {
      address: coordinator.address,
      condition: { kind: 'clear' },
    };
    before.delete(coordinator.address);
    next.push(judgeOne(ctx, coordinator, track, { snapshot, policy, treeRead }));
  }
  for (const [address, track] of before) {
    if (track.condition.kind === 'raised')
      recovered(ctx, address, track.condition, 'no longer a configured coordinator');
  }
  ctx.state.coordinators = next;
}

function judgeOne(
  ctx: Context,
  coordinator: CoordinatorObservation,
  track: CoordinatorTrack,
  { snapshot, policy, treeRead }: { snapshot: Snapshot; policy: DetectionPolicy; treeRead: boolean },
): CoordinatorTrack {
  const { address, http } = coordinator;
  const condition = track.condition;
  const at = ctx.httpAt;
  if (!failing(http, snapshot)) {
    if (condition.kind === 'raised')
      recovered(ctx, address, condition, `server_status ${describeAnswer(http)}`);
    return { address, condition: { kind: 'clear' } };
  }
  const deregistered = treeRead && !coordinator.registered;
  if (condition.kind === 'raised') {
    // The verdict follows Dremio's view while the coordinator keeps failing.
    const verdict = track.verdict ?? 'down';
    const update = { key: condition.incidentKey };
    if (verdict === 'unreachable' && deregistered) {
      down(ctx, coordinator, condition.since, update);
      return { ...track, verdict: 'down' };
    }
    if (verdict === 'down' && treeRead && coordinator.registered) {
      unreachable(ctx, coordinator, condition.since, { update, treeRead });
      return { ...track, verdict: 'unreachable' };
    }
    return track;
  }
  const since = condition.kind === 'pending' ? condition.since : at;
  const probes = condition.kind === 'pending' ? condition.snapshots + 1 : 1;
  if (probes < 2 || !lasted(since, at, patienceFor(http, policy))) {
    return { address, condition: { kind: 'pending', since, snapshots: probes } };
  }
  const event = deregistered
    ? down(ctx, coordinator, since, null, probes)
    : unreachable(ctx, coordinator, since, { update: null, treeRead, probes });
  return {
    address,
    condition: { kind: 'raised', since, incidentKey: event.incidentKey },
    verdict: deregistered ? 'down' : 'unreachable',
  };
}

/** COORDINATOR_UNREACHABLE: it does not answer the monitor, but Dremio still counts it (or cannot be read). */
function unreachable(
  ctx: Context,
  coordinator: CoordinatorObservation,
  since: number,
  { update, treeRead, probes }: { update: { key: string } | null; treeRead: boolean; probes?: number },
) {
  const { address, http } = coordinator;
  return emit(ctx, {
    type: 'COORDINATOR_UNREACHABLE',
    severity: 'warning',
    summary: `Coordinator ${address} does not answer the monitor (server_status ${describeAnswer(http)} for ${formatDuration(ctx.httpAt - since)}) but is still registered in ZooKeeper: either it died and Dremio drops it when its session expires, or the monitor's path to it is broken. It is not restarted while registered`,
    facts: {
      address,
      webUrl: coordinator.webUrl,
      registered: coordinator.registered,
      registrationKnown: treeRead,
      answer: http,
      ...(probes === undefined ? {} : { probes }),
      since: iso(since),
    },
    steps: [
      `Check Dremio on ${address} (process, server.log, host): if it died, COORDINATOR_DOWN follows when its ZooKeeper session expires.`,
      `If it runs, check the path from the monitor to ${coordinator.webUrl} (port, security group, proxy, TLS).`,
    ],
    incident: update
      ? { action: 'update', key: update.key }
      : openOrUpdate(ctx.state, 'coordinator', address),
  });
}

/** COORDINATOR_DOWN: it does not answer and Dremio no longer counts it (its registration is gone). */
function down(
  ctx: Context,
  coordinator: CoordinatorObservation,
  since: number,
  update: { key: string } | null,
  probes?: number,
) {
  const { address, http } = coordinator;
  return emit(ctx, {
    type: 'COORDINATOR_DOWN',
    severity: 'warning',
    summary: `Coordinator ${address} is down: server_status ${describeAnswer(http)}, failing for ${formatDuration(ctx.httpAt - since)}, and no longer registered in ZooKeeper`,
    facts: {
      address,
      webUrl: coordinator.webUrl,
      registered: false,
      answer: http,
      ...(probes === undefined ? {} : { probes }),
      since: iso(since),
    },
    steps: [
      `Check Dremio on ${address} (process, server.log, host); queries routed to it fail.`,
      'A coordinator that started while no master was registered waits for one before it listens.',
    ],
    incident: update
      ? { action: 'update', key: update.key }
      : openOrUpdate(ctx.state, 'coordinator', address),
  });
}

function recovered(
  ctx: Context,
  address: string,
  raised: Extract<Condition, { kind: 'raised' }>,
  why: string,
): void {
  emit(ctx, {
    type: 'COORDINATOR_RECOVERED',
    severity: 'info',
    summary: `Coordinator ${address} recovered (${why}) after ${formatDuration(ctx.time - raised.since)}`,
    facts: { address, since: iso(raised.since), reason: why },
    incident: resolveKey(ctx.state, raised.incidentKey, 'coordinator'),
  });
}
