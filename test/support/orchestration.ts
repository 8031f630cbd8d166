import { monotonicFactory } from 'ulid';
import { type ClusterConfig, parseConfig } from '../../shared/config/index.ts';
import type { MonitorEvent } from '../../shared/events/types.ts';
import { type ClusterMonitor, clusterMonitorFor } from '../../shared/monitor/cluster-monitor.ts';
import type { DeliveryOutcome, Notification, Notifier } from '../../shared/notify/notifier.ts';
import type { Snapshot } from '../../shared/observe/snapshot.ts';
import type { Store } from '../../shared/record/store.ts';
import type {
  ActionOutcome,
  Executor,
  RestartTarget,
  ServiceState,
  VerifyOutcome,
} from '../../shared/remediate/executor.ts';
import { A_ADDRESS, B, B_ADDRESS, C_ADDRESS, CLUSTER, SECOND, snapshot, T0 } from './detect-fixtures.ts';

/**
 * Fakes for fast tests of the orchestration (shared/monitor/): the cluster of detect-fixtures as a
 * configuration, a failover story, a settable clock, deterministic event ids, a notifier and an
 * executor that record what they were asked.
 */

export const RUNBOOK = 'https://wiki.corp/runbooks/dremio';

/**
 * The cluster of detect-fixtures (A and B master candidates, C a coordinator), master down confirmed
 * after 2 s; critical events to `pager`, every event to `team`.
 */
export function clusterConfig(overrides: Record<string, unknown> = {}): ClusterConfig {
  const topic = (name: string) => ({ kind: 'sns', topicArn: `arn:aws:sns:us-east-1:123456789012:${name}` });
  return parseConfig(
    {
      channels: { pager: topic('pager'), team: topic('team'), other: topic('other') },
      clusters: [
        {
          name: CLUSTER,
          zookeeper: { connect: 'zk1.corp:2181' },
          coordinators: [
            { address: A_ADDRESS, role: 'master-candidate', instanceId: 'i-0aaaaaaaaaaaaaaaa' },
            { address: B_ADDRESS, role: 'master-candidate', instanceId: 'i-0bbbbbbbbbbbbbbbb' },
            { address: C_ADDRESS, role: 'coordinator' },
          ],
          detection: { masterDownConfirmMs: 2000 },
          routes: [{ channel: 'pager', severities: ['critical'] }, { channel: 'team' }],
          runbookUrl: RUNBOOK,
          ...overrides,
        },
      ],
    },
    'test',
  ).clusters[0] as ClusterConfig;
}

/**
 * A master (A) for 5 s, none for 10 s, then B: one snapshot a second. Judged in order it records
 * MASTER_DOWN (snapshot 7) and FAILOVER_COMPLETED (snapshot 15); with remediation on, also
 * REMEDIATION_STARTED (snapshot 20, once B settled for 5 s), a restart of A.
 */
export function failover(): Snapshot[] {
  return [
    ...Array.from({ length: 5 }, (_, i) => snapshot(T0 + i * SECOND)),
    ...Array.from({ length: 10 }, (_, i) => snapshot(T0 + (5 + i) * SECOND, { master: null })),
    ...Array.from({ length: 15 }, (_, i) => snapshot(T0 + (15 + i) * SECOND, { master: B })),
  ];
}

/** A clock the test sets; decisions read it. */
export class Clock {
  at = T0;
  readonly now = (): number => this.at;
  /** The time a monitor judges a snapshot at: 100 ms after it was taken. */
  after(shot: Snapshot): number {
    this.at = Date.parse(shot.observedAt) + 100;
    return this.at;
  }
}

/** ULIDs of the decision's time with a fixed random part: deterministic, sortable, valid for the store. */
export function idsAt(): (now: number) => string {
  const next = monotonicFactory(() => 0.5);
  return (now) => next(now);
}

/** A monitor of `cluster` as the configuration asks, on the test's clock and ids. */
export function monitorOf(
  cluster: ClusterConfig,
  store: Store,
  clock: Clock,
  options: { heartbeatMs?: number; maxAttempts?: number } = {},
): ClusterMonitor {
  return clusterMonitorFor(cluster, store, { now: clock.now, newIdAt: idsAt(), ...options });
}

/** Judges snapshots in order, each at its own time; the events committed. */
export async function judgeAll(
  monitor: ClusterMonitor,
  clock: Clock,
  shots: readonly Snapshot[],
): Promise<MonitorEvent[]> {
  const events: MonitorEvent[] = [];
  for (const shot of shots) {
    clock.after(shot);
    const outcome = await monitor.judge(shot);
    if (outcome.kind === 'committed') events.push(...outcome.events);
  }
  return events;
}

export type Answer = (
  notification: Notification,
  attempt: number,
) => DeliveryOutcome | Promise<DeliveryOutcome>;

/** A channel that remembers every notification it was sent; delivers unless told otherwise. */
export class FakeNotifier implements Notifier {
  readonly sent: Notification[] = [];
  constructor(
    readonly channel: string,
    public answer: Answer = () => ({ kind: 'delivered' }),
  ) {}

  async send(notification: Notification): Promise<DeliveryOutcome> {
    this.sent.push(notification);
    return this.answer(notification, this.sent.length);
  }

  /** The types of the events sent, in order. */
  types(): string[] {
    return this.sent.map((notification) => notification.event.type);
  }
}

export function notifiersOf(...notifiers: FakeNotifier[]): Map<string, FakeNotifier> {
  return new Map(notifiers.map((notifier) => [notifier.channel, notifier]));
}

/** An executor that restarts and verifies at once, and counts its calls. Without `inspect` unless given. */
export class FakeExecutor implements Executor {
  readonly restarts: RestartTarget[] = [];
  readonly verifies: RestartTarget[] = [];
  restartAnswer: ActionOutcome = { kind: 'done', facts: { requestId: 'req-1' } };
  verifyAnswer: VerifyOutcome = { kind: 'verified', facts: { statusChecks: 'ok' } };
  inspect?: (target: RestartTarget, signal: AbortSignal) => Promise<ServiceState>;

  async restart(target: RestartTarget): Promise<ActionOutcome> {
    this.restarts.push(target);
    return this.restartAnswer;
  }

  async verify(target: RestartTarget): Promise<VerifyOutcome> {
    this.verifies.push(target);
    return this.verifyAnswer;
  }
}

/** Resolves once `condition` holds, checking every few ms; rejects after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
