import { iso } from '../events/build.ts';
import { formatDuration } from '../events/format.ts';
import { type Context, emit } from './emit.ts';
import type { DetectionPolicy } from './policy.ts';

/** What a leadership change means for flapping: page it, or record it without paging. */
export type FlapVerdict =
  | { readonly kind: 'steady' }
  /** This change starts an episode: page it, then FLAPPING. */
  | { readonly kind: 'starts_episode'; readonly changes: number }
  /** An episode is on: record without paging. */
  | { readonly kind: 'flapping'; readonly since: number; readonly changes: number };

/** Counts a leadership change (failover or restart) at ctx.time within the flap window. */
export function countLeadershipChange(ctx: Context, policy: DetectionPolicy): FlapVerdict {
  const leadership = ctx.state.leadership;
  leadership.changes = [...recent(leadership.changes, ctx.time, policy), ctx.time];
  const changes = leadership.changes.length;
  if (leadership.episode.kind === 'flapping')
    return { kind: 'flapping', since: leadership.episode.since, changes };
  return changes >= policy.flapChanges ? { kind: 'starts_episode', changes } : { kind: 'steady' };
}

/** FLAPPING, once per episode; further leadership changes are suppressed until it settles. */
export function startEpisode(ctx: Context, policy: DetectionPolicy): void {
  const changes = ctx.state.leadership.changes;
  const event = emit(ctx, {
    type: 'FLAPPING',
    severity: 'warning',
    summary: `Leadership flapping: ${changes.length} master changes within ${formatDuration(policy.flapWindowMs)}; further failovers are recorded without paging until it settles`,
    facts: {
      changes: changes.map(iso),
      flapChanges: policy.flapChanges,
      flapWindowMs: policy.flapWindowMs,
    },
    steps: [
      'Find why masters keep failing: host health, the shared catalog (NFS locks), ZooKeeper session expiries.',
      'Watch the audit log: failovers during the episode are recorded with suppressed: true.',
    ],
    incident: { action: 'notice', segment: 'flapping', name: null },
  });
  ctx.state.leadership.episode = { kind: 'flapping', since: ctx.time, incidentKey: event.incidentKey };
}

/** Drops changes older than the window; the episode ends (quietly) when fewer than flapChanges remain. */
export function settleFlapping(ctx: Context, policy: DetectionPolicy): void {
  const leadership = ctx.state.leadership;
  leadership.changes = recent(leadership.changes, ctx.time, policy);
  if (leadership.episode.kind === 'flapping' && leadership.changes.length < policy.flapChanges) {
    leadership.episode = { kind: 'steady' };
  }
}

function recent(changes: readonly number[], time: number, policy: DetectionPolicy): number[] {
  return changes.filter((at) => time - at < policy.flapWindowMs);
}
