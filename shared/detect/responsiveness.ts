import { iso } from '../events/build.ts';
import { formatClock, formatDuration } from '../events/format.ts';
import type { ServerStatusKind } from '../observe/server-status.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import { identityOf, nameOf } from './describe.ts';
import { type Context, emit } from './emit.ts';
import { openOrUpdate, resolveOrNotice } from './incidents.ts';
import { type DetectionPolicy, lasted, sessionTimeoutFor } from './policy.ts';
import type { PresentMaster, Responsiveness } from './state.ts';

/** Answers that mean nothing answered: the process is gone or hung, or the network failed. */
const SILENT: ReadonlySet<ServerStatusKind> = new Set(['refused', 'timeout', 'unreachable']);

/** The master's own server_status answer, or null when its address is not a configured coordinator. */
function answerOf(snapshot: Snapshot, address: string): ServerStatusKind | null {
  return snapshot.coordinators.find((coordinator) => coordinator.address === address)?.http.kind ?? null;
}

type Silent = Extract<Responsiveness, { kind: 'silent' }>;

/**
 * What the silence means, or null while it proves nothing yet. A refusal is positive evidence that
 * nothing listens: after `masterRefusedMs` of refusals the master's process is gone (critical). A
 * timeout or a network failure may be a pause: it waits `noAnswerMs` (warning). A master that has
 * never answered since it registered is starting, until `startupGraceMs` after its registration.
 */
export function silenceVerdict(
  silent: Silent,
  master: PresentMaster['master'],
  at: number,
  policy: DetectionPolicy,
): 'refused' | 'no_answer' | null {
  if (silent.probes < 2) return null;
  const neverAnswered = (silent.lastAnsweredAt ?? null) === null;
  if (neverAnswered && at - master.registeredAt < policy.startupGraceMs) return null;
  const refusedSince = silent.refusedSince ?? null;
  if (refusedSince !== null && refusedSince < at && lasted(refusedSince, at, policy.masterRefusedMs)) {
    return 'refused';
  }
  return lasted(silent.since, at, policy.noAnswerMs) ? 'no_answer' : null;
}

/**
 * MASTER_UNRESPONSIVE once the registered master's silence means something (`silenceVerdict`),
 * with when the failover is expected: ZooKeeper expires the session of a dead master one session
 * timeout after it was last alive, and only then can a standby take over. MASTER_RESPONSIVE when
 * it answers again. Durations are measured in probe time, so repeated answers count for nothing.
 */
export function judgeResponsiveness(
  ctx: Context,
  track: PresentMaster,
  snapshot: Snapshot,
  policy: DetectionPolicy,
): void {
  if (!ctx.httpFresh) return;
  const at = ctx.httpAt;
  const answer = answerOf(snapshot, track.master.address);
  const previous = track.responsiveness;
  const lastAnsweredAt = previous.lastAnsweredAt ?? null;
  if (answer === null || !SILENT.has(answer)) {
    if (previous.kind === 'unresponsive') {
      emit(ctx, {
        type: 'MASTER_RESPONSIVE',
        severity: 'info',
        summary: `Master ${nameOf(track.master)} answers again (${answer}) after ${formatDuration(at - previous.since)} without answering`,
        facts: { master: identityOf(track.master), answer, silentSince: iso(previous.since) },
        incident: resolveOrNotice(ctx.state, 'master', null),
      });
    }
    track.responsiveness = { kind: 'answering', lastAnsweredAt: answer === null ? lastAnsweredAt : at };
    return;
  }
  if (previous.kind === 'unresponsive') {
    track.responsiveness = { ...previous, probes: previous.probes + 1, answer };
    return;
  }
  const silent: Silent =
    previous.kind === 'answering'
      ? { kind: 'silent', since: at, probes: 1, answer, refusedSince: null, lastAnsweredAt }
      : { ...previous, probes: previous.probes + 1, answer };
  silent.refusedSince = answer === 'refused' ? (silent.refusedSince ?? at) : null;
  const verdict = silenceVerdict(silent, track.master, at, policy);
  if (verdict === null) {
    track.responsiveness = silent;
    return;
  }
  const sessionMs = sessionTimeoutFor(policy, ctx.state.observedSessionTimeoutMs);
  const failoverExpectedAt = lastAnsweredAt === null ? null : lastAnsweredAt + sessionMs;
  unresponsive(ctx, track, silent, verdict, { at, sessionMs, failoverExpectedAt });
  track.responsiveness = {
    kind: 'unresponsive',
    since: silent.since,
    probes: silent.probes,
    answer,
    lastAnsweredAt,
    failoverExpectedAt,
  };
}

function unresponsive(
  ctx: Context,
  track: PresentMaster,
  silent: Silent,
  verdict: 'refused' | 'no_answer',
  timing: { at: number; sessionMs: number; failoverExpectedAt: number | null },
): void {
  const { at, sessionMs, failoverExpectedAt } = timing;
  const master = track.master;
  const lastAnsweredAt = silent.lastAnsweredAt ?? null;
  const what =
    verdict === 'refused'
      ? `refuses connections (nothing listens on its web port) for ${formatDuration(at - (silent.refusedSince ?? silent.since))}`
      : `has not answered for ${formatDuration(at - silent.since)} (${silent.answer})`;
  const eta =
    failoverExpectedAt === null
      ? `If its process is dead, Dremio fails over once ZooKeeper expires its session (${formatDuration(sessionMs)})`
      : failoverExpectedAt > at
        ? `Failover expected by ${formatClock(failoverExpectedAt)} (in about ${formatDuration(failoverExpectedAt - at)}), when ZooKeeper expires its session`
        : `Failover expected now: its ZooKeeper session (${formatDuration(sessionMs)}) should have expired at ${formatClock(failoverExpectedAt)}`;
  emit(ctx, {
    type: 'MASTER_UNRESPONSIVE',
    // A refusal after answering means no process behind the port: queries fail now.
    severity: verdict === 'refused' ? 'critical' : 'warning',
    summary: `Master ${nameOf(master)} is registered but ${what}. ${eta}; then a standby must start`,
    facts: {
      master: identityOf(master),
      answer: silent.answer,
      evidence: verdict,
      probes: silent.probes,
      silentSince: iso(silent.since),
      lastAnsweredAt: lastAnsweredAt === null ? null : iso(lastAnsweredAt),
      sessionTimeoutMs: sessionMs,
      failoverExpectedBy: failoverExpectedAt === null ? null : iso(failoverExpectedAt),
      ephemeralOwner: master.ephemeralOwner,
    },
    steps:
      verdict === 'refused'
        ? [
            `Queries through ${master.address} fail now. Check the Dremio process on ${master.address} (killed, crashed, out of memory) and its server.log.`,
            'A standby takes over once ZooKeeper expires the session: expect FAILOVER_COMPLETED (or MASTER_DOWN if no standby registers).',
          ]
        : [
            `Check ${master.address}: the Dremio process (hung, in a long GC), the host and the network between the monitor and it.`,
            'If it is dead, a standby takes over once its ZooKeeper session expires; expect FAILOVER_COMPLETED.',
          ],
    incident: openOrUpdate(ctx.state, 'master', null),
  });
}
