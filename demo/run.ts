/**
 * `npm run demo`: starts a real ZooKeeper and an emulated Dremio HA cluster (two master candidates
 * sharing a catalog lock, one coordinator, two executors), prints the ZooKeeper tree and every
 * node's server_status, then stops everything. `--keep` leaves it running until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { ServerStatusClient } from '../shared/observe/server-status.ts';
import { ZooKeeperSession } from '../shared/zookeeper/session.ts';
import { startDremioCluster } from '../test/support/dremio/cluster.ts';
import { describeCluster } from '../test/support/dremio/describe.ts';
import { INSTALL_HINT, startZooKeeper, zookeeperInstalled } from '../test/support/zookeeper.ts';

const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
if (!zookeeperInstalled()) {
  console.error(INSTALL_HINT);
  process.exit(1);
}

const started = Date.now();
const zk = await startZooKeeper({ tickTime: 200, maxSessionTimeout: 4000 });
const cluster = await startDremioCluster({
  zookeeper: zk.connectString,
  common: { sessionTimeoutMs: 4000, startupDelayMs: 300, exitDelayMs: 500 },
});
const session = await ZooKeeperSession.open({
  connect: zk.connectString,
  sessionTimeoutMs: 4000,
  connectTimeoutMs: 5000,
});
const http = new ServerStatusClient({ timeoutMs: 1000 });
console.log(
  `Real ZooKeeper at ${zk.connectString}; emulated Dremio cluster up in ${Date.now() - started} ms.\n`,
);
console.log((await describeCluster(session, cluster.nodes, http)).join('\n'));

const stop = async () => {
  session.close();
  await http.close();
  await cluster.stop();
  await zk.stop();
};
if (values.keep) {
  console.log(
    '\n--keep: running. Kill the master with `kill -9 PID` and watch the standby take over. Ctrl-C stops.',
  );
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
} else {
  await stop();
  console.log('\nStopped: no process left behind. `npm run demo -- --keep` leaves the cluster running.');
}
