import type { Context, SNSEvent } from 'aws-lambda';
import { clusterMonitorFor } from '../../shared/cluster-monitor.ts';
import type { MonitorEvent } from '../../shared/detect/index.ts';
import { carryOut, outcomeEvent } from '../../shared/remediate/carry-out.ts';
import { actionInFlight } from '../../shared/remediate/plan.ts';
import { emitEventMetrics } from '../metrics.ts';
import type { Runtime } from '../runtime.ts';

/** What one SNS record led to. */
export type RemediateResult =
  | { readonly kind: 'carried-out'; readonly actionId: string; readonly outcome: 'succeeded' | 'failed' }
  | { readonly kind: 'skipped'; readonly actionId: string | null; readonly reason: string };

/** How long before the function's own timeout verification stops, to record the outcome. */
const RECORD_MARGIN_MS = 30_000;

function startedEvent(message: string): { cluster: string; actionId: string } | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return 'the SNS message is not JSON';
  }
  const event = (parsed as { event?: Partial<MonitorEvent> } | null)?.event;
  if (event?.type !== 'REMEDIATION_STARTED')
    return `not a REMEDIATION_STARTED event (${String(event?.type)})`;
  const actionId = event.facts?.actionId;
  if (typeof event.cluster !== 'string' || typeof actionId !== 'string') {
    return 'REMEDIATION_STARTED without cluster or facts.actionId';
  }
  return { cluster: event.cluster, actionId };
}

/**
 * The remediate function, the only one allowed to restart instances. Triggered by REMEDIATION_STARTED
 * on the remediation topic, it takes the action from the store, not from the message: only the
 * action that holds the cluster's lease (`inFlight`) with that id is carried out, and only by the
 * invocation that takes its store lease, so a redelivered message, a late one (past the deadline, the
 * planner has recorded it failed) or a forged one restarts nothing. The outcome is committed with the
 * lease's release; a failure to record throws, so the invocation is retried and then dead-lettered.
 */
export function remediateHandler(runtime: Runtime) {
  const { logger, metrics } = runtime;
  return async (
    event: SNSEvent,
    context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
  ): Promise<RemediateResult[]> => {
    const results: RemediateResult[] = [];
    for (const record of event.Records ?? []) {
      const started = startedEvent(record.Sns?.Message ?? '');
      if (typeof started === 'string') {
        logger.error('ignored message', { reason: started, messageId: record.Sns?.MessageId });
        results.push({ kind: 'skipped', actionId: null, reason: started });
        continue;
      }
      results.push(await handle(started.cluster, started.actionId, context));
    }
    return results;
  };

  async function handle(
    name: string,
    actionId: string,
    context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'> | undefined,
  ): Promise<RemediateResult> {
    const skip = (reason: string): RemediateResult => {
      logger.warn('action skipped', { cluster: name, actionId, reason });
      return { kind: 'skipped', actionId, reason };
    };
    const config = await runtime.config();
    const cluster = config.clusters.find((one) => one.name === name);
    if (!cluster) return skip(`no cluster named ${name} in the configuration`);
    if (!cluster.remediation.enabled) return skip(`remediation is not enabled for ${name}`);
    if (!runtime.executorFor) throw new Error('the remediate function was built without an executor');
    const executor = runtime.executorFor(cluster);
    const monitor = clusterMonitorFor(cluster, runtime.store);
    const action = actionInFlight((await monitor.monitorState())?.remediation ?? null);
    if (action?.id !== actionId) return skip('not the action in flight (settled, expired or unknown)');
    const now = Date.now();
    if (now >= action.deadline) return skip('past its deadline');
    const owner = context?.awsRequestId ?? `pid:${process.pid}`;
    const lease = await runtime.store.acquireLease(
      name,
      `action-${actionId}`,
      owner,
      action.deadline - now + 60_000,
      now,
    );
    if (lease.kind === 'held') return skip(`already being carried out by ${lease.lease.owner}`);
    logger.info('restarting', { cluster: name, actionId, target: action.target, dryRun: action.dryRun });
    const remaining = context?.getRemainingTimeInMillis?.();
    const settled = await carryOut(action, {
      executor,
      method: cluster.remediation.method,
      observe: () => runtime.observer.observe(cluster),
      deadline:
        remaining === undefined
          ? action.deadline
          : Math.min(action.deadline, now + remaining - RECORD_MARGIN_MS),
    });
    const outcome = await monitor.recordOutcome((at, newId) => outcomeEvent(action, settled, at, newId));
    if (outcome.kind === 'committed') emitEventMetrics(metrics, name, outcome.events);
    logger.info('outcome recorded', { cluster: name, actionId, outcome: settled.kind });
    return { kind: 'carried-out', actionId, outcome: settled.kind };
  }
}
