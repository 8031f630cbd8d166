/**
 * Bench fixture, run as its own process: registers BENCH_CLUSTERS simulated Dremio clusters in the
 * ZooKeeper at BENCH_ZK (3 coordinators, the first master, 2 executors each), serves their
 * server_status, prints their cluster configurations as one JSON line, and runs until killed.
 */
import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { znodePaths } from '../shared/dremio/paths.ts';
import type { ServiceSetName } from '../shared/dremio/registration.ts';
import { ZooKeeperSession } from '../shared/zookeeper/session.ts';
import { StatusServer } from '../test/support/dremio/status-server.ts';
import { fakeRegistration } from '../test/support/registrations.ts';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 100);
const zk = { connectString: process.env.BENCH_ZK ?? '' };
const servers: StatusServer[] = [];
const writer = await ZooKeeperSession.open({
  connect: zk.connectString,
  sessionTimeoutMs: 30_000,
  connectTimeoutMs: 5000,
});

async function register(path: string, address: string, name: string): Promise<void> {
  const id = randomUUID();
  await writer.ensurePath(path);
  const registration = fakeRegistration(name as ServiceSetName, address);
  await writer.create(`${path}/${id}`, registration, zookeeper.CreateMode.EPHEMERAL);
}

/** A cluster of 3 coordinators (the first is master), 2 executors, served by in-process endpoints. */
async function makeCluster(index: number) {
  const clusterId = `c${index}`;
  const paths = znodePaths({ clusterId });
  const coordinators = [];
  for (let node = 0; node < 3; node += 1) {
    const address = `127.0.${1 + Math.floor(index / 50)}.${(index % 50) * 4 + node + 1}`;
    const server = new StatusServer(() => true);
    const port = await server.listen(address, 0);
    servers.push(server);
    if (node === 0) await register(paths.master, address, 'master');
    await register(paths.coordinator, address, 'coordinator');
    coordinators.push({
      address,
      webUrl: `http://${address}:${port}`,
      role: node < 2 ? 'master-candidate' : 'coordinator',
    });
  }
  for (let executor = 0; executor < 2; executor += 1)
    await register(paths.executor, `10.${index}.0.${executor}`, 'executor');
  return { name: clusterId, zookeeper: { connect: zk.connectString, clusterId }, coordinators };
}

const clusters = [];
for (let index = 0; index < CLUSTERS; index += 1) clusters.push(await makeCluster(index));
process.stdout.write(`${JSON.stringify(clusters)}\n`);
