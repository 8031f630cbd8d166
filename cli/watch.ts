import { hostname } from 'node:os';
import { Agent } from 'undici';
import type { MonitorEvent } from '../shared/detect/index.ts';
import { buildNotifiers } from '../shared/notify/channels.ts';
import { deliverCluster } from '../shared/notify/cluster-delivery.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { type Watch, watchCluster } from '../shared/observe/watcher.ts';
import {
  loadConfig,
  monitorFor,
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
    const config = await loadConfig(values.config);
    const clusters = selectClusters(config, values.cluster);
    const intervalMs = Number(values['interval-ms'] ?? 10_000);
    const clockMs = Number(values['clock-ms'] ?? CLOCK_MS);
    const opened = await openStore(values);
    const observer = new ClusterObserver();
    const dispatcher = new Agent({ connect: { timeout: 5000 }, keepAliveTimeout: 10_000 });
    const notifiers = await buildNotifiers(config.channels, { dispatcher });
    const owner = `${hostname()}:${process.pid}`;
    const print = (events: readonly MonitorEvent[]) => {
      for (const event of events) console.log(values.json ? eventJson(event) : eventLine(event));
    };
    const report = (cluster: string, error: unknown) =>
      console.error(
        JSON.stringify({ level: 'error', cluster, message: (error as Error).message ?? String(error) }),
      );
    const watches: Watch[] = [];
    const pending = new Set<Promise<unknown>>();
    const clocks: NodeJS.Timeout[] = [];
    for (const cluster of clusters) {
      const monitor = monitorFor(cluster, opened.store);
      const track = (work: Promise<unknown>) => {
        const done = work.catch((error) => report(cluster.name, error)).finally(() => pending.delete(done));
        pending.add(done);
      };
      // One delivery round at a time per cluster in this process (the store's lease covers others).
      let delivering: Promise<unknown> = Promise.resolve();
      const deliver = () => {
        delivering = delivering
          .then(() =>
            deliverCluster({
              cluster,
              monitor,
              store: opened.store,
              notifiers,
              owner,
              policy: config.delivery,
            }),
          )
          .then((round) => {
            for (const delivery of round.failed) {
              const { channel, event, lastError } = delivery;
              console.error(
                JSON.stringify({
                  level: 'error',
                  cluster: cluster.name,
                  channel,
                  eventId: event.id,
                  lastError,
                }),
              );
            }
          });
        track(delivering);
      };
      const decide = (work: Promise<Awaited<ReturnType<typeof monitor.judge>>>) =>
        track(
          work.then((outcome) => {
            if (outcome.kind !== 'committed') return;
            print(outcome.events);
            deliver();
          }),
        );
      watches.push(
        watchCluster(cluster, observer, {
          intervalMs,
          onSnapshot: (snapshot) => decide(monitor.judge(snapshot)),
          onSessionEvent: (event) =>
            console.error(JSON.stringify({ level: 'info', cluster: cluster.name, zookeeperSession: event })),
        }),
      );
      clocks.push(
        setInterval(() => {
          decide(monitor.clock());
          // Retries of deliveries that failed earlier.
          deliver();
        }, clockMs),
      );
      deliver();
    }
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
    for (const clock of clocks) clearInterval(clock);
    await Promise.all(watches.map((watch) => watch.close()));
    // Decisions and deliveries under way finish before the store closes.
    while (pending.size > 0) await Promise.all(pending);
    await observer.close();
    await dispatcher.close();
    await opened.close();
    return EXIT.healthy;
  });
}
