/**
 * Probe figures: one cluster (3 ZooKeeper servers, 3 coordinators); 100 clusters at once; watch mode
 * from a ZooKeeper change to the new snapshot. The 100 clusters are registrations written straight
 * into ZooKeeper and in-process server_status endpoints, so the figure is the monitor's cost alone.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import zookeeper from 'node-zookeeper-client';
import { parseConfig } from '../shared/config/index.ts';
import { znodePaths } from '../shared/dremio/paths.ts';
import { ClusterObserver, observeClusters } from '../shared/observe/observer.ts';
import { watchCluster } from '../shared/observe/watcher.ts';
import { ZooKeeperSession } from '../shared/zookeeper/session.ts';
import { fakeRegistration } from '../test/support/registrations.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';
import { summary } from './stats.ts';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 100);
// Every simulated cluster shares this ensemble and 127.0.0.1, so lift ZooKeeper's 60 connections per IP.
const zk = await startZooKeeper({ servers: 3, tickTime: 200, maxClientCnxns: 0 });
// The simulated clusters (registrations and 300 endpoints) live in a child process, so that the
// memory figure below is the monitor's own.
const fixture = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('./many-clusters.ts', import.meta.url).pathname],
  {
    env: { ...process.env, BENCH_ZK: zk.connectString, BENCH_CLUSTERS: String(CLUSTERS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const [line] = (await once(createInterface({ input: fixture.stdout }), 'line')) as [string];
const clusters = JSON.parse(line) as unknown[];
const writer = await ZooKeeperSession.open({
  connect: zk.connectString,
  sessionTimeoutMs: 30_000,
  connectTimeoutMs: 5000,
});
const config = parseConfig({ clusters, probe: { concurrency: CLUSTERS } }, 'bench');
const observer = new ClusterObserver();
const baselineRss = process.memoryUsage().rss;
console.log(`monitor process before probing: RSS ${(baselineRss / 1024 / 1024).toFixed(0)} MB`);
try {
  const first = config.clusters[0];
  if (!first) throw new Error('no cluster');
  for (let warm = 0; warm < 5; warm += 1) await observer.observe(first);
  const single: number[] = [];
  for (let round = 0; round < 50; round += 1) {
    const started = performance.now();
    const snapshot = await observer.observe(first);
    single.push(performance.now() - started);
    if (!snapshot.master) throw new Error('no master seen');
  }
  console.log(`probe of one cluster (3 ZooKeeper servers, 3 coordinators): ${summary(single)}`);

  for (const concurrency of [CLUSTERS, 16]) {
    const walls: number[] = [];
    let rssPeak = 0;
    let heapPeak = 0;
    for (let round = 0; round < 5; round += 1) {
      const started = performance.now();
      const snapshots = await observeClusters(observer, config.clusters, { concurrency });
      walls.push(performance.now() - started);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      if (process.env.BENCH_DEBUG) {
        const worst = (key: 'zookeeperMs' | 'serversMs' | 'httpMs') =>
          Math.max(...snapshots.map((x) => x.durations[key]));
        console.log('worst', worst('zookeeperMs'), worst('serversMs'), worst('httpMs'));
      }
      const seen = snapshots.filter((snapshot) => snapshot.master !== null).length;
      if (seen !== CLUSTERS) throw new Error(`only ${seen} of ${CLUSTERS} masters seen`);
    }
    console.log(
      `${CLUSTERS} clusters at concurrency ${concurrency}: wall ${summary(walls)}; ` +
        `peak RSS ${(rssPeak / 1024 / 1024).toFixed(0)} MB, heap ${(heapPeak / 1024 / 1024).toFixed(0)} MB ` +
        `(the monitor process alone)`,
    );
  }

  const latencies: number[] = [];
  let changedAt = 0;
  let expected = 2;
  let resolveSeen: (() => void) | undefined;
  const watch = watchCluster(first, observer, {
    intervalMs: 600_000,
    onSnapshot: (snapshot) => {
      if (snapshot.executors.count === expected && resolveSeen) {
        latencies.push(performance.now() - changedAt);
        resolveSeen();
      }
    },
  });
  await watch.ready;
  for (let round = 0; round < 30; round += 1) {
    expected += 1;
    const seen = new Promise<void>((resolve) => {
      resolveSeen = resolve;
    });
    changedAt = performance.now();
    await writer.create(
      `${znodePaths({ clusterId: first.zookeeper.clusterId }).executor}/extra-${round}`,
      fakeRegistration('executor', `10.99.0.${round}`),
      zookeeper.CreateMode.EPHEMERAL,
    );
    await seen;
    resolveSeen = undefined;
  }
  await watch.close();
  console.log(`watch mode, ZooKeeper change -> new snapshot: ${summary(latencies)}`);
} finally {
  await observer.close();
  writer.close();
  fixture.kill();
  await zk.stop();
}
