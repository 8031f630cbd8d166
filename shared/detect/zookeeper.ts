import { iso } from '../events/build.ts';
import type { FactsByType, ZooKeeperServerFacts } from '../events/facts.ts';
import { formatDuration } from '../events/format.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import type { ZooKeeperServerObservation } from '../observe/zookeeper-servers.ts';
import { advanceCondition } from './condition.ts';
import { type Context, emit } from './emit.ts';
import { openOrUpdate, resolveKey } from './incidents.ts';
import type { DetectionPolicy } from './policy.ts';
import type { ZooKeeperLevel, ZooKeeperTrack } from './state.ts';

type Raised = Extract<ZooKeeperTrack, { kind: 'raised' }>;
const RANK: { readonly [L in ZooKeeperLevel]: number } = { healthy: 0, degraded: 1, quorum_lost: 2 };

const serverName = (server: ZooKeeperServerObservation) => `${server.host}:${server.port}`;

/**
 * A server counts as down only on evidence (`not_serving`, `unreachable`); `unknown` (srvr not
 * whitelisted, unrecognised answer) is listed in the facts but never raises anything alone.
 */
function downServers(snapshot: Snapshot): ZooKeeperServerObservation[] {
  return snapshot.zookeeper.servers.filter(
    (server) => server.state === 'not_serving' || server.state === 'unreachable',
  );
}

/**
 * The ensemble's level, or null when the monitor cannot tell: no server answered and no read
 * succeeded, so the monitor may be the one cut off (then nothing is raised or cleared).
 */
export function zooKeeperLevel(snapshot: Snapshot): ZooKeeperLevel | null {
  if (snapshot.zookeeper.quorum === false) return 'quorum_lost';
  const servers = snapshot.zookeeper.servers;
  if (!snapshot.zookeeper.reachable && servers.every((server) => server.state === 'unreachable')) return null;
  return downServers(snapshot).length > 0 ? 'degraded' : 'healthy';
}

/**
 * ZOOKEEPER_DEGRADED (a server down, quorum kept) and ZOOKEEPER_QUORUM_LOST, each confirmed over
 * `confirmSnapshots`; an improvement is reported at once (QUORUM_LOST back to DEGRADED updates the
 * incident, healthy resolves it with ZOOKEEPER_RECOVERED).
 */
export function judgeZooKeeper(ctx: Context, snapshot: Snapshot, policy: DetectionPolicy): void {
  const level = zooKeeperLevel(snapshot);
  if (level === null) return;
  const track = ctx.state.zookeeper;
  if (track.kind !== 'raised') {
    if (level === 'healthy') {
      ctx.state.zookeeper = { kind: 'clear' };
      return;
    }
    const since = track.kind === 'pending' ? track.since : ctx.time;
    const snapshots = track.kind === 'pending' ? track.snapshots + 1 : 1;
    ctx.state.zookeeper =
      snapshots < policy.confirmSnapshots
        ? { kind: 'pending', since, snapshots }
        : raise(ctx, snapshot, level, since, null);
    return;
  }
  if (level === 'healthy') {
    recover(ctx, snapshot, track);
    ctx.state.zookeeper = { kind: 'clear' };
  } else if (RANK[level] < RANK[track.level]) {
    ctx.state.zookeeper = raise(ctx, snapshot, level, track.since, track.incidentKey);
  } else if (RANK[level] > RANK[track.level]) {
    const worse = track.worse + 1;
    ctx.state.zookeeper =
      worse < policy.confirmSnapshots
        ? { ...track, worse }
        : raise(ctx, snapshot, level, track.since, track.incidentKey);
  } else {
    ctx.state.zookeeper = { ...track, worse: 0 };
  }
}

function raise(
  ctx: Context,
  snapshot: Snapshot,
  level: Raised['level'],
  since: number,
  incidentKey: string | null,
): Raised {
  const down = downServers(snapshot).map(serverName);
  const lost = level === 'quorum_lost';
  const event = emit(ctx, {
    type: lost ? 'ZOOKEEPER_QUORUM_LOST' : 'ZOOKEEPER_DEGRADED',
    severity: lost ? 'critical' : 'warning',
    summary: lost
      ? `ZooKeeper quorum lost${down.length > 0 ? `: ${down.join(', ')} down` : ''}; Dremio cannot elect or track a master until it returns (this is not a failover)`
      : `ZooKeeper degraded: ${down.join(', ')} not serving; quorum kept`,
    facts: { level, servers: serverFacts(snapshot), quorum: snapshot.zookeeper.quorum, since: iso(since) },
    steps: lost
      ? [
          'Restore the ZooKeeper servers that are down, one at a time, until a majority serves.',
          'Do not restart Dremio masters meanwhile: they halt themselves if the outage outlasts the election timeout.',
        ]
      : ['Restore the ZooKeeper server that is down: one more failure may lose the quorum.'],
    incident: incidentKey
      ? { action: 'update', key: incidentKey }
      : openOrUpdate(ctx.state, 'zookeeper', null),
  });
  return { kind: 'raised', since, incidentKey: event.incidentKey, level, worse: 0 };
}

function recover(ctx: Context, snapshot: Snapshot, track: Raised): void {
  emit(ctx, {
    type: 'ZOOKEEPER_RECOVERED',
    severity: 'info',
    summary: `ZooKeeper recovered: every server serving, quorum ${snapshot.zookeeper.quorum === true ? 'kept' : 'not known lost'}, after ${formatDuration(ctx.time - track.since)}`,
    facts: { servers: serverFacts(snapshot), quorum: snapshot.zookeeper.quorum, since: iso(track.since) },
    incident: resolveKey(ctx.state, track.incidentKey, 'zookeeper'),
  });
}

function serverFacts(snapshot: Snapshot): ZooKeeperServerFacts[] {
  return snapshot.zookeeper.servers.map((server) => ({
    server: serverName(server),
    state: server.state,
    mode: server.mode,
    detail: server.detail,
  }));
}

/**
 * What the coordinators answered while the monitor could not read ZooKeeper: a second witness. A
 * coordinator answering `"OK"` has a working ZooKeeper session and sees a master.
 */
function witnesses(snapshot: Snapshot): {
  answering: string[];
  facts: NonNullable<FactsByType['OBSERVATION_FAILED']['coordinators']>;
} {
  return {
    answering: snapshot.coordinators.filter((c) => c.http.kind === 'ok').map((c) => c.address),
    facts: snapshot.coordinators.map((c) => ({ address: c.address, role: c.role, answer: c.http.kind })),
  };
}

/**
 * OBSERVATION_FAILED when the master could not be judged (ZooKeeper unreachable, or its master
 * registration undecodable) for `confirmSnapshots` snapshots while the quorum is not known lost
 * (quorum loss explains itself), with what the coordinators answered meanwhile; OBSERVATION_RECOVERED
 * when it can be judged again. Blindness that lasts is escalated by `escalateBlindness`.
 */
export function judgeObservation(
  ctx: Context,
  snapshot: Snapshot,
  canSee: boolean,
  policy: DetectionPolicy,
): void {
  const quorum = snapshot.zookeeper.quorum;
  const current = ctx.state.observation;
  if (current.kind === 'raised' && !canSee) return;
  const problems = snapshot.problems.filter((problem) => problem.kind !== 'unknown_coordinator');
  const failed = !canSee && quorum !== false;
  const { answering, facts: coordinators } = witnesses(snapshot);
  const secondWitness =
    answering.length > 0
      ? `; coordinators ${answering.join(', ')} still answer OK, so Dremio itself has ZooKeeper and a master`
      : '';
  ctx.state.observation = advanceCondition(ctx, current, failed, policy.confirmSnapshots, {
    raise: (since, snapshots) =>
      emit(ctx, {
        type: 'OBSERVATION_FAILED',
        severity: 'warning',
        summary: `The monitor cannot read Dremio's master from ZooKeeper (${problems.map((p) => `${p.kind} at ${p.where}`).join('; ') || 'no detail'}); master changes are not judged until it can${secondWitness}`,
        facts: {
          problems,
          reachable: snapshot.zookeeper.reachable,
          servers: serverFacts(snapshot),
          quorum,
          coordinators,
          since: iso(since),
          snapshots,
        },
        steps: [
          "Check the monitor's network path to ZooKeeper and the problems above: this is the monitor failing to see, not the master failing.",
        ],
        incident: openOrUpdate(ctx.state, 'observation', null),
      }),
    recover: (raised) => {
      ctx.state.blindEscalatedAt = null;
      emit(ctx, {
        type: 'OBSERVATION_RECOVERED',
        severity: 'info',
        summary: `The monitor reads the master from ZooKeeper again after ${formatDuration(ctx.time - raised.since)}`,
        facts: { since: iso(raised.since), blindForMs: ctx.time - raised.since },
        incident: resolveKey(ctx.state, raised.incidentKey, 'observation'),
      });
    },
  });
}

/**
 * A blind monitor is an unwatched cluster: once OBSERVATION_FAILED has lasted `blindCriticalMs`, it
 * is updated to critical, once, saying that nobody is watching (not that the cluster is down).
 */
export function escalateBlindness(ctx: Context, policy: DetectionPolicy): void {
  const observation = ctx.state.observation;
  if (observation.kind !== 'raised' || (ctx.state.blindEscalatedAt ?? null) !== null) return;
  if (ctx.time - observation.since < policy.blindCriticalMs) return;
  emit(ctx, {
    type: 'OBSERVATION_FAILED',
    severity: 'critical',
    summary: `Nobody is watching ${ctx.state.cluster}: the monitor has not been able to read ZooKeeper for ${formatDuration(ctx.time - observation.since)}. This says nothing about the cluster itself; a failover now would go unannounced`,
    facts: { since: iso(observation.since), blindForMs: ctx.time - observation.since, escalated: true },
    steps: [
      "Restore the monitor's path to ZooKeeper (network, security groups, DNS, the monitor's host), or watch the cluster another way meanwhile.",
    ],
    incident: { action: 'update', key: observation.incidentKey },
  });
  ctx.state.blindEscalatedAt = ctx.time;
}
