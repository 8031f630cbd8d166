import type { MonitorEvent } from '../shared/events/types.ts';
import { Agent } from '../shared/http/undici.ts';
import { type MonitorLoop, startMonitorLoop } from '../shared/monitor/monitor-loop.ts';
import { keepYoungGenerationSmall } from '../shared/monitor/young-generation.ts';
import { buildNotifiers, slackSigningSecrets } from '../shared/notify/channels.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { isDeadLocalOwner, localOwner } from '../shared/record/local-owner.ts';
import {
  integerFlag,
  listenFlag,
  loadConfig,
  openStore,
  parse,
  runCommand,
  STORE_OPTIONS,
  STORE_USAGE,
  selectClusters,
  UsageError,
} from './context.ts';
import { EXIT } from './exit-codes.ts';
import { eventJson, eventLine } from './render-event.ts';
import { INTERACTIONS_PATH, startSlackListener } from './slack-listen.ts';

/**
 * Secrets Manager, loaded at the first secret a channel asks for: a configuration without one never
 * holds the AWS SDK's Secrets Manager modules in memory.
 */
function lazySecretsManager(): (arn: string) => Promise<string> {
  let reader: Promise<(arn: string) => Promise<string>> | undefined;
  return async (arn) => {
    reader ??= import('../shared/config/secrets-manager.ts').then((module) => module.secretsManagerReader());
    return (await reader)(arn);
  };
}

const USAGE = `[--cluster NAME] [--json] [--interval-ms MS] [--clock-ms MS] [--metrics-listen HOST:PORT] [--slack-listen HOST:PORT] ${STORE_USAGE}`;
const CLOCK_MS = 5000;

/** The options of `watch`, exported so that a service unit's command line can be checked against them. */
export const WATCH_OPTIONS = {
  ...STORE_OPTIONS,
  cluster: { type: 'string' },
  json: { type: 'boolean' },
  'interval-ms': { type: 'string' },
  'clock-ms': { type: 'string' },
  'metrics-listen': { type: 'string' },
  'slack-listen': { type: 'string' },
} as const;

/** The command line of `watch`, checked: a UsageError names the first bad flag. */
export function watchSettings(argv: readonly string[]) {
  const { values, positionals } = parse(argv, WATCH_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  return {
    values,
    intervalMs: integerFlag(values, 'interval-ms', { fallback: 10_000, min: 100, max: 3_600_000 }),
    clockMs: integerFlag(values, 'clock-ms', { fallback: CLOCK_MS, min: 100, max: 3_600_000 }),
    metricsListen: listenFlag(values, 'metrics-listen'),
    slackListen: listenFlag(values, 'slack-listen'),
  };
}

/**
 * `watch`: continuous local monitoring. Each cluster is watched through a held ZooKeeper session
 * (a change is judged within milliseconds) plus a full observation every interval; every committed
 * event is printed and delivered to its routed channels (retried every few seconds until delivered
 * or given up). Stops cleanly on SIGINT or SIGTERM.
 */
export function watchCommand(argv: readonly string[]): Promise<number> {
  return runCommand('watch', USAGE, async () => {
    const { values, intervalMs, clockMs, metricsListen, slackListen } = watchSettings(argv);
    keepYoungGenerationSmall();
    const config = await loadConfig(values.config);
    const clusters = selectClusters(config, values.cluster);
    // Bound before anything else opens, so that a taken address fails the start, not a scrape later.
    const metrics = metricsListen ? await serveMetrics(clusters, intervalMs, metricsListen) : undefined;
    try {
      const secrets = { getSecret: lazySecretsManager() };
      const signingSecrets = slackListen ? await slackSigningSecrets(config.channels, secrets) : [];
      if (slackListen && signingSecrets.length === 0) {
        throw new UsageError('--slack-listen: no slack-bot channel has a signingSecret to check clicks with');
      }
      const opened = await openStore(values);
      const observer = new ClusterObserver();
      const dispatcher = new Agent({ connect: { timeout: 5000 }, keepAliveTimeout: 10_000 });
      const notifiers = await buildNotifiers(config.channels, { dispatcher, secrets });
      const owner = localOwner();
      const print = (events: readonly MonitorEvent[]) => {
        for (const event of events) console.log(values.json ? eventJson(event) : eventLine(event));
      };
      // The EC2 and SSM clients (most of this command's code) load only when a cluster restarts nodes.
      const executors = clusters.some((cluster) => cluster.remediation.enabled)
        ? await import('../shared/remediate/configured-executor.ts')
        : null;
      // Bound before the loop starts, so that a taken address fails the start; clicks wait for the loop.
      let loop: MonitorLoop | undefined;
      const slack = slackListen
        ? await startSlackListener({
            listen: slackListen,
            config,
            store: opened.store,
            decide: (cluster, decision) =>
              loop ? loop.decide(cluster.name, decision) : Promise.reject(new Error('not watching yet')),
            signingSecrets,
            dispatcher,
            log: (entry) => console.error(JSON.stringify(entry)),
          }).catch(async (error: NodeJS.ErrnoException) => {
            await Promise.all([observer.close(), dispatcher.close(), opened.close()]);
            throw new UsageError(
              `--slack-listen ${hostPort(slackListen)}: cannot listen there (${error.code ?? error.message})`,
            );
          })
        : undefined;
      loop = startMonitorLoop({
        clusters,
        store: opened.store,
        observer,
        notifiers,
        owner,
        // A watch restarted after a crash delivers at once: its dead predecessor's leases are taken over.
        holderIsDead: (holder) => isDeadLocalOwner(holder),
        delivery: config.delivery,
        intervalMs,
        clockMs,
        ...(executors ? { executorFor: (cluster) => executors.configuredExecutor(cluster) } : {}),
        ...(metrics ? { onSnapshot: (snapshot) => metrics.registry.observeSnapshot(snapshot) } : {}),
        onEvents: (cluster, events) => {
          metrics?.registry.countEvents(cluster, events);
          print(events);
        },
        onLog: (entry) => console.error(JSON.stringify(entry)),
      });
      console.error(
        JSON.stringify({
          level: 'info',
          message: `watching ${clusters.map((c) => c.name).join(', ')}`,
          store: opened.endpoint,
          ...(metrics ? { metrics: `http://${hostPort(metrics.server.address)}/metrics` } : {}),
          ...(slack ? { slackInteractions: `http://${hostPort(slack.address)}${INTERACTIONS_PATH}` } : {}),
        }),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      // No new clicks; then decisions, deliveries and outcomes under way finish before the store closes.
      await slack?.close();
      await loop.close();
      await observer.close();
      await dispatcher.close();
      await opened.close();
    } finally {
      // Whatever happened, a listening socket must not keep the process alive.
      await metrics?.server.close();
    }
    return EXIT.healthy;
  });
}

function hostPort({ host, port }: { readonly host: string; readonly port: number }): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The metrics registry and its HTTP server; prom-client is loaded only when asked for. */
async function serveMetrics(
  clusters: readonly { readonly name: string }[],
  intervalMs: number,
  listen: { readonly host: string; readonly port: number },
) {
  const prometheus = await import('../shared/metrics/prometheus.ts');
  const registry = new prometheus.MonitorMetrics(
    clusters.map((cluster) => cluster.name),
    { staleAfterMs: prometheus.staleAfterMs(intervalMs) },
  );
  try {
    return { registry, server: await prometheus.startMetricsServer(registry, listen) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--metrics-listen ${hostPort(listen)}: cannot listen there (${code})`);
  }
}
