import { secretsManagerReader } from '../shared/config/secrets-manager.ts';
import type { MonitorEvent } from '../shared/events/types.ts';
import { Agent } from '../shared/http/undici.ts';
import { startMonitorLoop } from '../shared/monitor/monitor-loop.ts';
import { buildNotifiers } from '../shared/notify/channels.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { isDeadLocalOwner, localOwner } from '../shared/record/local-owner.ts';
import { configuredExecutor } from '../shared/remediate/configured-executor.ts';
import {
  integerFlag,
  loadConfig,
  openStore,
  parse,
  runCommand,
  STORE_OPTIONS,
  STORE_USAGE,
  selectClusters,
} from './context.ts';
import { EXIT } from './exit-codes.ts';
import { eventJson, eventLine } from './render-event.ts';

const USAGE = `[--cluster NAME] [--json] [--interval-ms MS] [--clock-ms MS] ${STORE_USAGE}`;
const CLOCK_MS = 5000;

/**
 * `watch`: continuous local monitoring. Each cluster is watched through a held ZooKeeper session
 * (a change is judged within milliseconds) plus a full observation every interval; every committed
 * event is printed and delivered to its routed channels (retried every few seconds until delivered
 * or given up). Stops cleanly on SIGINT or SIGTERM.
 */
export function watchCommand(argv: readonly string[]): Promise<number> {
  return runCommand('watch', USAGE, async () => {
    const { values } = parse(argv, {
      ...STORE_OPTIONS,
      cluster: { type: 'string' },
      json: { type: 'boolean' },
      'interval-ms': { type: 'string' },
      'clock-ms': { type: 'string' },
    });
    const intervalMs = integerFlag(values, 'interval-ms', { fallback: 10_000, min: 100, max: 3_600_000 });
    const clockMs = integerFlag(values, 'clock-ms', { fallback: CLOCK_MS, min: 100, max: 3_600_000 });
    const config = await loadConfig(values.config);
    const clusters = selectClusters(config, values.cluster);
    const opened = await openStore(values);
    const observer = new ClusterObserver();
    const dispatcher = new Agent({ connect: { timeout: 5000 }, keepAliveTimeout: 10_000 });
    const notifiers = await buildNotifiers(config.channels, {
      dispatcher,
      secrets: { getSecret: secretsManagerReader() },
    });
    const owner = localOwner();
    const print = (events: readonly MonitorEvent[]) => {
      for (const event of events) console.log(values.json ? eventJson(event) : eventLine(event));
    };
    const loop = startMonitorLoop({
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
      executorFor: (cluster) => configuredExecutor(cluster),
      onEvents: (_cluster, events) => print(events),
      onLog: (entry) => console.error(JSON.stringify(entry)),
    });
    console.error(
      JSON.stringify({
        level: 'info',
        message: `watching ${clusters.map((c) => c.name).join(', ')}`,
        store: opened.endpoint,
      }),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    // Decisions, deliveries and outcomes under way finish before the store closes.
    await loop.close();
    await observer.close();
    await dispatcher.close();
    await opened.close();
    return EXIT.healthy;
  });
}
