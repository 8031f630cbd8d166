import type { MonitorEvent } from '../events/types.ts';
import type { Context } from './emit.ts';
import type { Condition } from './state.ts';

export interface ConditionHooks {
  /** Emits the event that raises the condition (it opens the incident); `since`: first bad snapshot. */
  raise(since: number, snapshots: number): MonitorEvent;
  /** Emits the event that clears the raised condition (it resolves the incident). */
  recover(raised: Extract<Condition, { kind: 'raised' }>): void;
}

/**
 * One snapshot of a confirmed condition: raised after `needed` consecutive bad snapshots, cleared
 * by the first good one (a recovery needs no confirmation: it is news people wait for).
 */
export function advanceCondition(
  ctx: Context,
  condition: Condition,
  bad: boolean,
  needed: number,
  hooks: ConditionHooks,
): Condition {
  if (!bad) {
    if (condition.kind === 'raised') hooks.recover(condition);
    return { kind: 'clear' };
  }
  if (condition.kind === 'raised') return condition;
  const since = condition.kind === 'pending' ? condition.since : ctx.time;
  const snapshots = condition.kind === 'pending' ? condition.snapshots + 1 : 1;
  if (snapshots < needed) return { kind: 'pending', since, snapshots };
  const event = hooks.raise(since, snapshots);
  return { kind: 'raised', since, incidentKey: event.incidentKey };
}
