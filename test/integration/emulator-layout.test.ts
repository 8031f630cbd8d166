import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { znodePaths } from '../../shared/dremio/paths.ts';
import { ServerStatusClient } from '../../shared/observe/server-status.ts';
import type { ZooKeeperSession } from '../../shared/zookeeper/session.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { openReader, readChildren } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

const LATCH_NAME = /^_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-latch-\d{10}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function portIsClosed(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('emulated Dremio HA cluster in steady state', () => {
  let zk: ZooKeeperCluster;
  let cluster: EmulatedCluster;
  let session: ZooKeeperSession;
  const http = new ServerStatusClient({ timeoutMs: 800 });
  const paths = znodePaths({ clusterId: 'dremio' });

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 4000 });
    cluster = await startDremioCluster({
      zookeeper: zk.connectString,
      common: { sessionTimeoutMs: 4000, startupDelayMs: 100 },
    });
    session = await openReader(zk.connectString);
  });
  after(async () => {
    session?.close();
    await http.close();
    await cluster?.stop();
    await zk?.stop();
  });

  it('registers exactly one master, decoded with the facts field numbers', async () => {
    const masters = await readChildren(session, paths.master);
    assert.equal(masters.length, 1);
    const [master] = masters;
    const node = cluster.node('master-a');
    assert.match(master?.znode ?? '', UUID);
    assert.equal(master?.registration?.id, master?.znode);
    assert.equal(master?.registration?.name, 'master');
    assert.equal(master?.registration?.address, node.options.address);
    assert.equal(master?.registration?.fabricPort, 45678);
    assert.equal(master?.registration?.userPort, 31010);
    assert.deepEqual(master?.registration?.roles, { sqlQuery: true, javaExecutor: false, master: true });
    const registered = node.reports.find((report) => report.state === 'registered');
    assert.equal(master?.registration?.startTime, registered?.startTime);
  });

  it('lists the master and the coordinator under /coordinator with their own UUIDs, executors under /executor', async () => {
    const coordinators = await readChildren(session, paths.coordinator);
    assert.deepEqual(coordinators.map((view) => view.registration?.address).sort(), [
      '127.0.0.11',
      '127.0.0.21',
    ]);
    const [master] = await readChildren(session, paths.master);
    const masterAsCoordinator = coordinators.find((view) => view.registration?.address === '127.0.0.11');
    assert.notEqual(masterAsCoordinator?.znode, master?.znode, 'a different UUID in each set');
    assert.equal(masterAsCoordinator?.owner, master?.owner, 'one session per process');
    const executors = await readChildren(session, paths.executor);
    assert.deepEqual(executors.map((view) => view.registration?.address).sort(), [
      '127.0.0.31',
      '127.0.0.32',
    ]);
    for (const executor of executors) {
      assert.equal(executor.registration?.userPort, -1);
      assert.deepEqual(executor.registration?.roles, { sqlQuery: false, javaExecutor: true, master: false });
    }
  });

  it('keeps one Curator latch participant, the master, whose session owns the master znode', async () => {
    const participants = await readChildren(session, paths.masterLatch);
    assert.equal(participants.length, 1, 'the standby is blocked on the catalog lock, before ZooKeeper');
    const [leader] = participants;
    assert.match(leader?.znode ?? '', LATCH_NAME);
    const joined = cluster.node('master-a').reports.find((report) => report.state === 'latch-joined');
    assert.equal(leader?.data, joined?.participantId, 'latch data is the participant UUID');
    assert.match(leader?.data ?? '', UUID);
    const [master] = await readChildren(session, paths.master);
    assert.equal(leader?.owner, master?.owner);
  });

  it('keeps the standby invisible: no session, no znode, no open port, waiting on the lock', async () => {
    const standby = cluster.node('master-b');
    assert.equal(standby.running, true);
    const states = standby.reports.map((report) => report.state);
    assert.deepEqual(states, ['waiting-for-lock', 'lock-held-elsewhere']);
    assert.ok(
      standby.output.some((line) =>
        line.includes('Lock file to RocksDB is currently held by another process'),
      ),
    );
    assert.equal(await portIsClosed(standby.options.address, standby.options.webPort), true);
    assert.equal((await http.probe(standby.webUrl)).kind, 'refused');
    for (const path of [paths.master, paths.coordinator, paths.executor]) {
      const addresses = (await readChildren(session, path)).map((view) => view.registration?.address);
      assert.ok(!addresses.includes(standby.options.address), `${path} has no standby`);
    }
  });

  it('answers GET /apiv2/server_status with the JSON string "OK" on the master and the coordinator', async () => {
    for (const name of ['master-a', 'coordinator-a']) {
      const response = await fetch(`${cluster.node(name).webUrl}/apiv2/server_status`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(await response.text(), '"OK"');
      assert.equal((await http.probe(cluster.node(name).webUrl)).kind, 'ok');
    }
  });

  it('has no web server on executors', async () => {
    const executor = cluster.node('executor-a');
    assert.equal(
      executor.reports.some((report) => report.state === 'serving'),
      false,
    );
    assert.equal(await portIsClosed(executor.options.address, executor.options.webPort), true);
  });

  it('plays a zombie: HTTP hangs while the ZooKeeper registration lives', async () => {
    const coordinator = cluster.node('coordinator-a');
    const mark = coordinator.mark();
    coordinator.command({ kind: 'http', behaviour: { kind: 'zombie' } });
    await coordinator.waitFor('fault', { from: mark });
    const hung = await http.probe(coordinator.webUrl);
    assert.equal(hung.kind, 'timeout');
    assert.ok(hung.latencyMs >= 700, `timed out after ${hung.latencyMs} ms`);
    const coordinators = await readChildren(session, paths.coordinator);
    assert.ok(coordinators.some((view) => view.registration?.address === coordinator.options.address));
    coordinator.command({ kind: 'http', behaviour: { kind: 'normal' } });
  });

  it('answers slowly when told to', async () => {
    const coordinator = cluster.node('coordinator-a');
    const mark = coordinator.mark();
    coordinator.command({ kind: 'http', behaviour: { kind: 'slow', delayMs: 300 } });
    await coordinator.waitFor('fault', { from: mark });
    const slow = await http.probe(coordinator.webUrl);
    assert.equal(slow.kind, 'ok');
    assert.ok(slow.latencyMs >= 290, `answered after ${slow.latencyMs} ms`);
    coordinator.command({ kind: 'http', behaviour: { kind: 'normal' } });
  });
});

describe('emulated cluster with a ZooKeeper root and a non-default cluster id', () => {
  let zk: ZooKeeperCluster;
  let cluster: EmulatedCluster;
  let session: ZooKeeperSession;

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 4000 });
    cluster = await startDremioCluster({
      zookeeper: zk.connectString,
      masterCandidates: 1,
      executors: 1,
      common: { clusterId: 'dremio-prod', root: 'tenants/blue', sessionTimeoutMs: 4000, startupDelayMs: 50 },
    });
    session = await openReader(zk.connectString);
  });
  after(async () => {
    session?.close();
    await cluster?.stop();
    await zk?.stop();
  });

  it('moves every path under /<root>/<clusterId> and leaves /dremio alone', async () => {
    const paths = znodePaths({ clusterId: 'dremio-prod', root: 'tenants/blue' });
    assert.equal(paths.base, '/tenants/blue/dremio-prod');
    assert.equal((await readChildren(session, paths.master)).length, 1);
    assert.equal((await readChildren(session, paths.coordinator)).length, 2);
    assert.equal((await readChildren(session, paths.executor)).length, 1);
    assert.equal((await readChildren(session, paths.masterLatch)).length, 1);
    assert.equal(await session.exists('/dremio'), null);
    assert.deepEqual((await session.children('/'))?.children.sort(), ['tenants', 'zookeeper']);
  });
});
