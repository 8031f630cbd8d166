/**
 * One poll-mode invocation of the monitor function, warm, on the bench: the handler given
 * EventBridge Scheduler's input for a healthy emulated cluster (2 master candidates, 1 coordinator,
 * 1 executor) on real ZooKeeper, recording into dynalite. The README's cost estimate assumes 1 s per
 * invocation in a VPC; this is the same work on loopback.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, SERVICE_NAME } from '../functions/contract.ts';
import { createLogger } from '../functions/logging.ts';
import { monitorHandler } from '../functions/monitor/handler.ts';
import type { Runtime } from '../functions/runtime.ts';
import { parseConfig } from '../shared/config/index.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { startDremioCluster } from '../test/support/dremio/cluster.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { coordinatorsOf } from '../test/support/monitor-config.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';
import { summary } from './stats.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

const zk = await startZooKeeper({ tickTime: 200 });
const dynalite = await startDynalite();
const dremio = await startDremioCluster({
  zookeeper: zk.connectString,
  executors: 1,
  common: { clusterId: 'poll', sessionTimeoutMs: 4000, startupDelayMs: 200 },
});
const observer = new ClusterObserver();
try {
  const config = parseConfig(
    {
      clusters: [
        {
          name: 'poll',
          zookeeper: { connect: zk.connectString, clusterId: 'poll' },
          coordinators: coordinatorsOf(dremio),
        },
      ],
    },
    'bench',
  );
  const runtime: Runtime = {
    logger: createLogger(),
    metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME }),
    config: async () => config,
    store: dynalite.store,
    observer,
    notifiers: async () => new Map(),
    settings: { mode: 'poll', watchMs: 0, tickMs: 10_000, remediationTopicArn: undefined },
  };
  const handler = monitorHandler(runtime);
  const first = performance.now();
  await handler({ cluster: 'poll' });
  const firstMs = performance.now() - first;
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now();
    const result = await handler({ cluster: 'poll' });
    times.push(performance.now() - started);
    if (!result.ok) throw new Error(result.error);
  }
  console.log(
    `poll invocation (observe, judge, tick, deliver, metrics): first ${firstMs.toFixed(1)} ms; then ${summary(times)}`,
  );
} finally {
  await observer.close();
  await dremio.stop();
  await dynalite.close();
  await zk.stop();
}
