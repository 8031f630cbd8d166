/** The emulated failover itself, from SIGKILL to the standby serving: the baseline of every later figure. */
import { znodePaths } from '../shared/dremio/paths.ts';
import { ZooKeeperSession } from '../shared/zookeeper/session.ts';
import { startDremioCluster } from '../test/support/dremio/cluster.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SESSION_MS = 2000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: SESSION_MS });
const session = await ZooKeeperSession.open({
  connect: zk.connectString,
  sessionTimeoutMs: 4000,
  connectTimeoutMs: 5000,
});
const clusterStart: number[] = [];
const expiry: number[] = [];
const takeover: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    const clusterId = `bench-${round}`;
    const started = performance.now();
    const cluster = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId, sessionTimeoutMs: SESSION_MS, startupDelayMs: 200, exitDelayMs: 100 },
    });
    clusterStart.push(performance.now() - started);
    const standby = cluster.node('master-b');
    const from = standby.mark();
    const killedAt = Date.now();
    await cluster.node('master-a').kill();
    const gone = await cluster.node('coordinator-a').waitFor('master-gone');
    const serving = await standby.waitFor('serving', { from });
    expiry.push(gone.at - killedAt);
    takeover.push(serving.at - killedAt);
    const masters = await session.children(znodePaths({ clusterId }).master);
    if (masters?.children.length !== 1)
      throw new Error(`round ${round}: ${masters?.children.length} masters`);
    await cluster.stop();
  }
} finally {
  session.close();
  await zk.stop();
}
const format = (values: number[]) =>
  `p50 ${median(values).toFixed(0)} ms (${values.map((v) => v.toFixed(0)).join(', ')})`;
console.log(`emulated cluster (2 candidates, 1 coordinator, 1 executor) up: ${format(clusterStart)}`);
console.log(`SIGKILL -> master znode gone (negotiated session ${SESSION_MS} ms): ${format(expiry)}`);
console.log(`SIGKILL -> standby serving 200 (start-up 200 ms): ${format(takeover)}`);
