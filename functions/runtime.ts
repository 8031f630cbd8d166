import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { ClusterConfig, MonitorConfig } from '../shared/config/schema.ts';
import { ConfigError, parseConfig } from '../shared/config/validate.ts';
import { Agent } from '../shared/http/undici.ts';
import type { Notifier } from '../shared/notify/notifier.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import type { Store } from '../shared/record/store.ts';
import type { Executor } from '../shared/remediate/executor.ts';
import { ENV, METRIC_NAMESPACE, METRIC_SETS, type MetricSet, SERVICE_NAME } from './contract.ts';
import { lazyStore } from './lazy/store.ts';
import { createLogger } from './logging.ts';

/** The internal channel that carries REMEDIATION_STARTED to the remediate function. */
export const REMEDIATION_CHANNEL = 'remediation';

/** How the monitor function runs, from its environment. */
export interface MonitorSettings {
  readonly mode: 'poll' | 'watch';
  readonly watchMs: number;
  readonly intervalMs: number;
  readonly remediationTopicArn: string | undefined;
  /** Which metrics to emit: the alarms' only, or also the dashboard's. */
  readonly metrics: MetricSet;
}

/** Everything a handler needs, built once per container (the cold start) and passed in: tests build their own. */
export interface Runtime {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The configuration; cached, re-read every few minutes. */
  readonly config: () => Promise<MonitorConfig>;
  readonly store: Store;
  readonly observer: ClusterObserver;
  /** The notifiers of a configuration (the secrets resolved once per configuration). */
  readonly notifiers: (config: MonitorConfig) => Promise<ReadonlyMap<string, Notifier>>;
  /**
   * Only the remediate function has one (and the EC2 permissions): the monitor's bundle has no EC2
   * client. May load the executor's module on first use, hence the promise.
   */
  readonly executorFor?: (cluster: ClusterConfig) => Executor | Promise<Executor>;
  /** The signing secrets of the Slack bot channels that take Acknowledge clicks, resolved. */
  readonly slackSigningSecrets?: (config: MonitorConfig) => Promise<readonly string[]>;
  readonly settings: MonitorSettings;
}

function integerFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive integer`);
  return parsed;
}

export function settingsFrom(env: NodeJS.ProcessEnv): MonitorSettings {
  const mode = env[ENV.mode] ?? 'poll';
  if (mode !== 'poll' && mode !== 'watch') throw new Error(`${ENV.mode} must be poll or watch, got ${mode}`);
  const metrics = env[ENV.metrics] || 'minimal';
  if (!METRIC_SETS.includes(metrics as MetricSet)) {
    throw new Error(`${ENV.metrics} must be ${METRIC_SETS.join(' or ')}, got ${metrics}`);
  }
  return {
    mode,
    watchMs: integerFrom(env, ENV.watchMs, 65_000),
    intervalMs: integerFrom(env, ENV.intervalMs, 10_000),
    remediationTopicArn: env[ENV.remediationTopicArn] || undefined,
    metrics: metrics as MetricSet,
  };
}

/** A cluster that remediates on AWS also routes REMEDIATION_STARTED to the remediation channel. */
export function withRemediationRoute(cluster: ClusterConfig, enabled: boolean): ClusterConfig {
  if (!enabled || !cluster.remediation.enabled) return cluster;
  return {
    ...cluster,
    routes: [...cluster.routes, { channel: REMEDIATION_CHANNEL, types: ['REMEDIATION_STARTED'] }],
  };
}

const CONFIG_MAX_AGE_S = 300;

/**
 * The configuration as the app stores it in SSM: the file converted to JSON (the app reads YAML
 * or JSON), so the functions parse JSON only and carry no YAML parser. Validated in full, as the CLI does.
 */
export function configFromParameter(text: string, source: string): MonitorConfig {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [
      { path: '(root)', message: `not JSON (the app stores the file as JSON): ${(error as Error).message}` },
    ]);
  }
  return parseConfig(document, source);
}

/**
 * `configFromParameter` that returns the same object while the text stays the same: a warm container
 * validates its configuration once, and what is cached per configuration (the notifiers, their
 * clients and resolved secrets) is built once, not on every invocation.
 */
export function configParser(): (text: string, source: string) => MonitorConfig {
  let last: { readonly text: string; readonly config: MonitorConfig } | undefined;
  return (text, source) => {
    if (last?.text !== text) last = { text, config: configFromParameter(text, source) };
    return last.config;
  };
}

/**
 * The runtime on AWS, from the function's environment (the construct sets it). The init phase builds
 * only what has no AWS SDK behind it: the store, the SSM parameter, the notifiers (SNS) and Secrets
 * Manager load their modules at first use (`import()`, a chunk of the bundle each), and Secrets
 * Manager only when a channel references a secret.
 */
export function awsRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const tableName = env[ENV.tableName];
  const parameter = env[ENV.configParameter];
  if (!tableName || !parameter) {
    throw new Error(`${ENV.tableName} and ${ENV.configParameter} must be set (the construct sets them)`);
  }
  const settings = settingsFrom(env);
  const parseOnce = configParser();
  const dispatcher = new Agent({ connect: { timeout: 5000 }, keepAliveTimeout: 10_000 });
  const notifierCache = new WeakMap<MonitorConfig, Promise<Map<string, Notifier>>>();
  const getSecret = async (arn: string) => {
    const { getSecret: read } = await import('@aws-lambda-powertools/parameters/secrets');
    const value = await read(arn, { maxAge: CONFIG_MAX_AGE_S });
    if (typeof value !== 'string') throw new Error(`secret ${arn} has no string value`);
    return value;
  };
  return {
    logger: createLogger(),
    metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME }),
    config: async () => {
      const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
      const text = await getParameter(parameter, { maxAge: CONFIG_MAX_AGE_S });
      if (typeof text !== 'string') throw new Error(`SSM parameter ${parameter} is missing or empty`);
      return parseOnce(text, `ssm:${parameter}`);
    },
    store: lazyStore(async () => (await import('./lazy/dynamo-store.ts')).dynamoStore(tableName)),
    observer: new ClusterObserver(),
    notifiers: (config) => {
      let built = notifierCache.get(config);
      if (!built) {
        built = import('./notifiers.ts').then(({ notifiersFor }) =>
          notifiersFor(config, {
            dispatcher,
            getSecret,
            ...(settings.remediationTopicArn
              ? { remediation: { topicArn: settings.remediationTopicArn } }
              : {}),
          }),
        );
        notifierCache.set(config, built);
      }
      return built;
    },
    slackSigningSecrets: async (config) => {
      const { slackSigningSecrets } = await import('../shared/notify/channels.ts');
      return slackSigningSecrets(config.channels, { getSecret });
    },
    settings,
  };
}
