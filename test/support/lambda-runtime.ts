import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, SERVICE_NAME } from '../../functions/contract.ts';
import { createLogger } from '../../functions/logging.ts';
import type { MonitorSettings, Runtime } from '../../functions/runtime.ts';
import type { MonitorConfig } from '../../shared/config/index.ts';
import type { ClusterObserver } from '../../shared/observe/observer.ts';
import type { Store } from '../../shared/record/store.ts';

/**
 * A Lambda `Runtime` on the bench: the given configuration, store and observer, the real Powertools
 * logger and metrics (the full set), no channels unless given, poll mode unless told otherwise.
 */
export function localRuntime(options: {
  readonly config: MonitorConfig;
  readonly store: Store;
  readonly observer: ClusterObserver;
  readonly settings?: Partial<MonitorSettings>;
  readonly notifiers?: Runtime['notifiers'];
  readonly executorFor?: Runtime['executorFor'];
  readonly slackSigningSecrets?: readonly string[];
}): Runtime {
  return {
    logger: createLogger(),
    metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME }),
    config: async () => options.config,
    store: options.store,
    observer: options.observer,
    notifiers: options.notifiers ?? (async () => new Map()),
    ...(options.executorFor ? { executorFor: options.executorFor } : {}),
    ...(options.slackSigningSecrets
      ? { slackSigningSecrets: async () => options.slackSigningSecrets ?? [] }
      : {}),
    settings: {
      mode: 'poll',
      watchMs: 65_000,
      intervalMs: 10_000,
      remediationTopicArn: undefined,
      metrics: 'full',
      ...options.settings,
    },
  };
}
