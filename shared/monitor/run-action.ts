import type { ClusterConfig } from '../config/schema.ts';
import type { MonitorEvent } from '../events/types.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import type { Store } from '../record/store.ts';
import { carryOut, outcomeEvent } from '../remediate/carry-out.ts';
import type { Executor } from '../remediate/executor.ts';
import { actionInFlight } from '../remediate/in-flight.ts';
import type { ClusterMonitor } from './cluster-monitor.ts';

export type ActionRun =
  | {
      readonly kind: 'carried-out';
      readonly actionId: string;
      readonly outcome: 'succeeded' | 'failed';
      /** The outcome event as committed (none when the commit found nothing to record). */
      readonly events: readonly MonitorEvent[];
    }
  | { readonly kind: 'skipped'; readonly actionId: string; readonly reason: string };

export interface RunActionOptions {
  readonly cluster: ClusterConfig;
  readonly monitor: ClusterMonitor;
  readonly store: Store;
  readonly executor: Executor;
  /** A fresh observation of the cluster, for verification. */
  readonly observe: () => Promise<Snapshot>;
  /** The action a trigger (a message) names; only that action is carried out. */
  readonly actionId: string;
  /** Who takes the action's lease: a request id. */
  readonly owner: string;
  /** Verification gives up by then at the latest (the caller's own time limit), epoch ms. */
  readonly giveUpBy?: number;
  readonly pollMs?: number;
  readonly now?: () => number;
}

/** How long the action's own lease outlives its deadline, so a late redelivery still finds it held. */
const LEASE_GRACE_MS = 60_000;

/**
 * Carries out a planned restart named by a trigger, at most once: the action is taken from the
 * store, not from the trigger; only the action that holds the cluster's lease (`inFlight`) with that
 * id, before its deadline, and only by the caller that takes the action's own store lease. So a
 * redelivered, late or forged trigger restarts nothing. The outcome is committed with the release of
 * the cluster's lease.
 */
export async function runActionInFlight(options: RunActionOptions): Promise<ActionRun> {
  const { cluster, monitor, actionId } = options;
  const now = options.now ?? Date.now;
  const skip = (reason: string): ActionRun => ({ kind: 'skipped', actionId, reason });
  if (!cluster.remediation.enabled) return skip(`remediation is not enabled for ${cluster.name}`);
  const action = actionInFlight((await monitor.monitorState())?.remediation ?? null);
  if (action?.id !== actionId) return skip('not the action in flight (settled, expired or unknown)');
  const startedAt = now();
  if (startedAt >= action.deadline) return skip('past its deadline');
  const lease = await options.store.acquireLease(
    cluster.name,
    `action-${actionId}`,
    options.owner,
    action.deadline - startedAt + LEASE_GRACE_MS,
    startedAt,
  );
  if (lease.kind === 'held') return skip(`already being carried out by ${lease.lease.owner}`);
  const settled = await carryOut(action, {
    executor: options.executor,
    method: cluster.remediation.method,
    observe: options.observe,
    deadline: Math.min(action.deadline, options.giveUpBy ?? action.deadline),
    now,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
  const recorded = await monitor.recordOutcome((at, newId) => outcomeEvent(action, settled, at, newId));
  return {
    kind: 'carried-out',
    actionId,
    outcome: settled.kind,
    events: recorded.kind === 'committed' ? recorded.events : [],
  };
}
