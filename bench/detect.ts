/**
 * Detection figures: watch mode, from the deletion of the master znode to the committed MASTER_DOWN
 * (with a zero confirm window, so the figure is the pipeline's own: watch, read, detect, commit);
 * and how many store writes ticks on an unchanged cluster cost.
 */
import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { parseConfig } from '../shared/config/index.ts';
import { defaultPolicy } from '../shared/detect/index.ts';
import { znodePaths } from '../shared/dremio/paths.ts';
import { ClusterMonitor } from '../shared/monitor/cluster-monitor.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { watchCluster } from '../shared/observe/watcher.ts';
import { ZooKeeperSession } from '../shared/zookeeper/session.ts';
import { StatusServer } from '../test/support/dremio/status-server.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { recordingStore } from '../test/support/recording-store.ts';
import { fakeRegistration } from '../test/support/registrations.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';
import { summary } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const zk = await startZooKeeper({ tickTime: 200 });
const dynalite = await startDynalite();
const writer = await ZooKeeperSession.open({
  connect: zk.connectString,
  sessionTimeoutMs: 30_000,
  connectTimeoutMs: 5000,
});
const paths = znodePaths({ clusterId: 'bench' });
const web = new StatusServer(() => true);
const port = await web.listen('127.0.0.1', 0);

async function registerMaster(): Promise<string> {
  await writer.ensurePath(paths.master);
  return writer.create(
    `${paths.master}/${randomUUID()}`,
    fakeRegistration('master', '127.0.0.1'),
    zookeeper.CreateMode.EPHEMERAL,
  );
}

const recording = recordingStore(dynalite.store);
let masterDownCommittedAt: number | undefined;
const config = parseConfig(
  {
    clusters: [
      {
        name: 'bench',
        zookeeper: { connect: zk.connectString, clusterId: 'bench' },
        coordinators: [
          { address: '127.0.0.1', webUrl: `http://127.0.0.1:${port}`, role: 'master-candidate' },
        ],
      },
    ],
  },
  'bench',
);
const cluster = config.clusters[0];
if (!cluster) throw new Error('no cluster');
const observer = new ClusterObserver();
const monitor = new ClusterMonitor(cluster, {
  store: recording.store,
  policy: defaultPolicy({ masterDownConfirmMs: 0, confirmSnapshots: 1 }),
});
let current = await registerMaster();
try {
  // Writes per tick on an unchanged cluster: one-shot observations, as poll mode does.
  await monitor.judge(await observer.observe(cluster));
  const before = recording.commits();
  const TICKS = 50;
  for (let tick = 0; tick < TICKS; tick += 1) await monitor.judge(await observer.observe(cluster));
  console.log(
    `store writes per tick on an unchanged cluster: ${((recording.commits() - before) / TICKS).toFixed(2)} (${TICKS} ticks)`,
  );

  const latencies: number[] = [];
  const watch = watchCluster(cluster, observer, {
    intervalMs: 600_000,
    onSnapshot: (snapshot) =>
      void monitor.judge(snapshot).then((outcome) => {
        if (outcome.kind === 'committed' && outcome.events.some((event) => event.type === 'MASTER_DOWN')) {
          masterDownCommittedAt = performance.now();
        }
      }),
  });
  await watch.ready;
  for (let round = 0; round < ROUNDS; round += 1) {
    masterDownCommittedAt = undefined;
    const deleted = performance.now();
    await writer.remove(current);
    while (masterDownCommittedAt === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
    latencies.push(masterDownCommittedAt - deleted);
    current = await registerMaster();
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await watch.close();
  console.log(`watch mode, master znode deleted -> MASTER_DOWN committed: ${summary(latencies)}`);
} finally {
  await observer.close();
  writer.close();
  await web.close();
  await dynalite.close();
  await zk.stop();
}
