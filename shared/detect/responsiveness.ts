import type { ServerStatusKind } from '../observe/server-status.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import { formatDuration, identityOf, nameOf } from './describe.ts';
import { type Context, emit, iso } from './emit.ts';
import { openOrUpdate, resolveOrNotice } from './incidents.ts';
import type { DetectionPolicy } from './policy.ts';
import type { PresentMaster } from './state.ts';

/** Answers that mean nothing answered: the process is gone or hung, or the network failed. */
const SILENT: ReadonlySet<ServerStatusKind> = new Set(['refused', 'timeout', 'unreachable']);

/** The master's own server_status answer, or null when its address is not a configured coordinator. */
function answerOf(snapshot: Snapshot, address: string): ServerStatusKind | null {
  return snapshot.coordinators.find((coordinator) => coordinator.address === address)?.http.kind ?? null;
}

/**
 * MASTER_UNRESPONSIVE after `unresponsiveProbes` silent snapshots of a registered master (it will
 * lose the election once its session expires); MASTER_RESPONSIVE when it answers again.
 */
export function judgeResponsiveness(
  ctx: Context,
  track: PresentMaster,
  snapshot: Snapshot,
  policy: DetectionPolicy,
): void {
  // Counting probes needs new probes: a repeated answer says nothing more.
  if (!ctx.httpFresh) return;
  const answer = answerOf(snapshot, track.master.address);
  const previous = track.responsiveness;
  if (answer === null || !SILENT.has(answer)) {
    if (previous.kind === 'unresponsive') {
      emit(ctx, {
        type: 'MASTER_RESPONSIVE',
        severity: 'info',
        summary: `Master ${nameOf(track.master)} answers again (${answer}) after ${formatDuration(ctx.time - previous.since)} without answering`,
        facts: { master: identityOf(track.master), answer, silentSince: iso(previous.since) },
        incident: resolveOrNotice(ctx.state, 'master', null),
      });
    }
    track.responsiveness = { kind: 'answering' };
    return;
  }
  const since = previous.kind === 'answering' ? ctx.time : previous.since;
  const probes = previous.kind === 'answering' ? 1 : previous.probes + 1;
  if (previous.kind === 'unresponsive' || probes < policy.unresponsiveProbes) {
    track.responsiveness = {
      kind: previous.kind === 'unresponsive' ? 'unresponsive' : 'silent',
      since,
      probes,
      answer,
    };
    return;
  }
  emit(ctx, {
    type: 'MASTER_UNRESPONSIVE',
    severity: 'warning',
    summary: `Master ${nameOf(track.master)} is registered but its web server has not answered for ${probes} probes (${answer}); Dremio fails over once its ZooKeeper session expires`,
    facts: {
      master: identityOf(track.master),
      answer,
      probes,
      silentSince: iso(since),
      ephemeralOwner: track.master.ephemeralOwner,
    },
    steps: [
      `Check ${track.master.address}: the Dremio process (hung, in a long GC, or killed), the host and the network.`,
      'If it is dead, a standby takes over once its ZooKeeper session expires; expect MASTER_DOWN, then FAILOVER_COMPLETED.',
    ],
    incident: openOrUpdate(ctx.state, 'master', null),
  });
  track.responsiveness = { kind: 'unresponsive', since, probes, answer };
}
