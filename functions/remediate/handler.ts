import type { Context, SNSEvent } from 'aws-lambda';
import type { MonitorEvent } from '../../shared/events/types.ts';
import { clusterMonitorFor } from '../../shared/monitor/cluster-monitor.ts';
import { type ActionRun, runActionInFlight } from '../../shared/monitor/run-action.ts';
import { emitEventMetrics } from '../metrics.ts';
import type { Runtime } from '../runtime.ts';

/** What one SNS record led to. */
export type RemediateResult = ActionRun | { readonly kind: 'ignored'; readonly reason: string };

/** How long before the function's own timeout verification stops, to record the outcome. */
const RECORD_MARGIN_MS = 30_000;

/** The cluster and action a REMEDIATION_STARTED message names, or why it names none. */
function named(message: string): { cluster: string; actionId: string } | string {
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
 * The remediate function, the only one allowed to restart instances, triggered by REMEDIATION_STARTED
 * on the remediation topic. The message only names the action; `runActionInFlight` takes it from the
 * store and carries it out at most once. A failure to read or record throws, so the invocation is
 * retried and then dead-lettered.
 */
export function remediateHandler(runtime: Runtime) {
  const { logger, metrics } = runtime;
  return async (
    event: SNSEvent,
    context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
  ): Promise<RemediateResult[]> => {
    const results: RemediateResult[] = [];
    for (const record of event.Records ?? []) {
      const target = named(record.Sns?.Message ?? '');
      if (typeof target === 'string') {
        logger.error('ignored message', { reason: target, messageId: record.Sns?.MessageId });
        results.push({ kind: 'ignored', reason: target });
        continue;
      }
      const config = await runtime.config();
      const cluster = config.clusters.find((one) => one.name === target.cluster);
      if (!cluster || !runtime.executorFor) {
        const reason = cluster ? 'built without an executor' : `no cluster named ${target.cluster}`;
        logger.error('ignored message', { reason, actionId: target.actionId });
        results.push({ kind: 'ignored', reason });
        continue;
      }
      const remaining = context?.getRemainingTimeInMillis?.();
      const run = await runActionInFlight({
        cluster,
        monitor: clusterMonitorFor(cluster, runtime.store),
        store: runtime.store,
        executor: await runtime.executorFor(cluster),
        observe: () => runtime.observer.observe(cluster),
        actionId: target.actionId,
        owner: context?.awsRequestId ?? `pid:${process.pid}`,
        ...(remaining === undefined ? {} : { giveUpBy: Date.now() + remaining - RECORD_MARGIN_MS }),
      });
      if (run.kind === 'carried-out')
        emitEventMetrics(metrics, cluster.name, run.events, runtime.settings.metrics);
      logger.info(run.kind === 'skipped' ? 'action skipped' : 'outcome recorded', {
        cluster: cluster.name,
        ...run,
      });
      results.push(run);
    }
    return results;
  };
}
