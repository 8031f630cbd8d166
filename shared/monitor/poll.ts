import type { ClusterConfig } from '../config/schema.ts';
import type { MonitorEvent } from '../events/types.ts';
import type { DeliveryPolicy } from '../notify/deliver.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { ClusterObserver } from '../observe/observer.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import type { Store } from '../record/store.ts';
import type { RestartAction } from '../remediate/plan-types.ts';
import { type ClusterDeliveryRound, deliverCluster } from './cluster-delivery.ts';
import type { ClusterMonitor } from './cluster-monitor.ts';

export interface PollOptions {
  readonly cluster: ClusterConfig;
  readonly monitor: ClusterMonitor;
  readonly observer: Pick<ClusterObserver, 'observe'>;
  readonly store: Store;
  readonly notifiers: ReadonlyMap<string, Notifier>;
  /** Who holds delivery leases. */
  readonly owner: string;
  readonly delivery?: Partial<DeliveryPolicy>;
  /** The clock of the delivery round. @default Date.now */
  readonly now?: () => number;
}

export interface PollResult {
  readonly snapshot: Snapshot;
  /** Events committed by this poll (detection, the planner, the clock, then DELIVERY_FAILED), in order. */
  readonly events: readonly MonitorEvent[];
  /** Restarts the planner started in this poll, for whoever carries them out. */
  readonly actions: readonly RestartAction[];
  readonly delivery: ClusterDeliveryRound;
}

/**
 * One poll of one cluster, as a scheduled invocation runs it: observe -> detect and plan -> commit
 * -> time-only transitions -> deliver what is pending (this poll's and earlier ones').
 */
export async function runPoll(options: PollOptions): Promise<PollResult> {
  const { cluster, monitor } = options;
  const snapshot = await options.observer.observe(cluster);
  const events: MonitorEvent[] = [];
  const actions: RestartAction[] = [];
  for (const decide of [() => monitor.judge(snapshot), () => monitor.clock()]) {
    const outcome = await decide();
    if (outcome.kind !== 'committed') continue;
    events.push(...outcome.events);
    actions.push(...outcome.actions);
  }
  const delivery = await deliverCluster({
    cluster,
    monitor,
    store: options.store,
    notifiers: options.notifiers,
    owner: options.owner,
    ...(options.delivery ? { policy: options.delivery } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { snapshot, events: [...events, ...delivery.recorded], actions, delivery };
}
