import type { ServerStatus } from '../observe/server-status.ts';
import type { CoordinatorObservation, Snapshot } from '../observe/snapshot.ts';
import { formatDuration } from './describe.ts';
import { type Context, emit, iso } from './emit.ts';
import { openOrUpdate, resolveKey } from './incidents.ts';
import { type DetectionPolicy, lasted } from './policy.ts';
import type { Condition, CoordinatorTrack } from './state.ts';

/**
 * Whether a secondary coordinator's answer counts against it. A 503 "MASTER_DOWN" while no master
 * is registered is what a healthy coordinator says then (facts 3.1): the master's fault.
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
 * COORDINATOR_DOWN once a coordinator of role `coordinator` has failed for its patience
 * (`coordinatorDownMs`, or `noAnswerMs` for timeouts), over at least two probes, measured in probe
 * time (a master candidate that is not master refuses by design: the invisible standby);
 * COORDINATOR_RECOVERED at its first good answer, or when it leaves the configuration.
 */
export function judgeCoordinators(ctx: Context, snapshot: Snapshot, policy: DetectionPolicy): void {
  // Durations need new probes: a repeated answer says nothing more.
  if (!ctx.httpFresh) return;
  const observed = snapshot.coordinators.filter((coordinator) => coordinator.role === 'coordinator');
  const before = new Map(ctx.state.coordinators.map((track) => [track.address, track.condition]));
  const next: CoordinatorTrack[] = [];
  for (const coordinator of observed) {
    const condition = before.get(coordinator.address) ?? { kind: 'clear' };
    before.delete(coordinator.address);
    next.push({
      address: coordinator.address,
      condition: judgeOne(ctx, coordinator, condition, snapshot, policy),
    });
  }
  for (const [address, condition] of before) {
    if (condition.kind === 'raised') recovered(ctx, address, condition, 'no longer a configured coordinator');
  }
  ctx.state.coordinators = next;
}

function judgeOne(
  ctx: Context,
  coordinator: CoordinatorObservation,
  condition: Condition,
  snapshot: Snapshot,
  policy: DetectionPolicy,
): Condition {
  const { address, http } = coordinator;
  const at = ctx.httpAt;
  if (!failing(http, snapshot)) {
    if (condition.kind === 'raised')
      recovered(ctx, address, condition, `server_status ${describeAnswer(http)}`);
    return { kind: 'clear' };
  }
  if (condition.kind === 'raised') return condition;
  const since = condition.kind === 'pending' ? condition.since : at;
  const probes = condition.kind === 'pending' ? condition.snapshots + 1 : 1;
  if (probes < 2 || !lasted(since, at, patienceFor(http, policy))) {
    return { kind: 'pending', since, snapshots: probes };
  }
  const event = emit(ctx, {
    type: 'COORDINATOR_DOWN',
    severity: 'warning',
    summary: `Coordinator ${address} is down: server_status ${describeAnswer(http)}, failing for ${formatDuration(at - since)} (${probes} probes)`,
    facts: {
      address,
      webUrl: coordinator.webUrl,
      registered: coordinator.registered,
      answer: http,
      probes,
      since: iso(since),
    },
    steps: [
      `Check Dremio on ${address} (process, server.log, host); queries routed to it fail.`,
      'A coordinator that started while no master was registered waits for one before it listens.',
    ],
    incident: openOrUpdate(ctx.state, 'coordinator', address),
  });
  return { kind: 'raised', since, incidentKey: event.incidentKey };
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
