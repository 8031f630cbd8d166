/**
 * The test bench by hand: `npm run emulator -- [options]` starts a real ZooKeeper and an emulated
 * Dremio HA cluster, prints where everything is, and keeps it running until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { ServerStatusClient } from '../../../shared/observe/server-status.ts';
import { ZooKeeperSession } from '../../../shared/zookeeper/session.ts';
import { startZooKeeper } from '../zookeeper.ts';
import { startDremioCluster } from './cluster.ts';
import { describeCluster } from './describe.ts';

const USAGE = `usage: npm run emulator -- [--masters N] [--coordinators N] [--executors N]
       [--session-timeout-ms MS] [--cluster-id ID] [--root PATH] [--zookeeper HOST:PORT,...] [--zk-servers 1|3]`;

const { values } = parseArgs({
  options: {
    masters: { type: 'string', default: '2' },
    coordinators: { type: 'string', default: '1' },
    executors: { type: 'string', default: '2' },
    'session-timeout-ms': { type: 'string', default: '10000' },
    'cluster-id': { type: 'string', default: 'dremio' },
    root: { type: 'string', default: '' },
    zookeeper: { type: 'string' },
    'zk-servers': { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const sessionTimeoutMs = Number(values['session-timeout-ms']);
const zk = values.zookeeper
  ? undefined
  : await startZooKeeper({
      servers: values['zk-servers'] === '3' ? 3 : 1,
      tickTime: 500,
      maxSessionTimeout: Math.max(sessionTimeoutMs, 10_000),
    });
const connect = values.zookeeper ?? zk?.connectString ?? '';
const cluster = await startDremioCluster({
  zookeeper: connect,
  masterCandidates: Number(values.masters),
  coordinators: Number(values.coordinators),
  executors: Number(values.executors),
  common: {
    clusterId: values['cluster-id'],
    root: values.root,
    sessionTimeoutMs,
    startupDelayMs: 500,
    exitDelayMs: 1000,
  },
});
const session = await ZooKeeperSession.open({ connect, sessionTimeoutMs: 10_000, connectTimeoutMs: 5000 });
const http = new ServerStatusClient();
console.log(
  `ZooKeeper: ${connect}${zk ? ` (pids ${zk.servers.map((server) => server.pid).join(', ')})` : ''}`,
);
console.log((await describeCluster(session, cluster.nodes, http)).join('\n'));
console.log('\nKill a node with `kill -9 PID` (crash) or `kill PID` (clean stop). Ctrl-C stops everything.');

const stop = async () => {
  session.close();
  await http.close();
  await cluster.stop();
  await zk?.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
