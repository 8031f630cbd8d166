import { monitorHandler } from '../functions/monitor/handler.ts';
import { parseConfig } from '../shared/config/index.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { startDremioCluster } from '../test/support/dremio/cluster.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { localRuntime } from '../test/support/lambda-runtime.ts';
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
  const runtime = localRuntime({ config, store: dynalite.store, observer });
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
