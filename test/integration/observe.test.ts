import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import zookeeper from 'node-zookeeper-client';
import { ClusterObserver, observeClusters } from '../../shared/observe/observer.ts';
import { healthOf } from '../../shared/observe/snapshot.ts';
import { ZooKeeperSession } from '../../shared/zookeeper/session.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { clusterConfigFor } from '../support/monitor-config.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

const SESSION_MS = 2500;

describe('observing an emulated cluster on a 3-server ZooKeeper ensemble', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  const observer = new ClusterObserver();

  before(async () => {
    zk = await startZooKeeper({ servers: 3, tickTime: 100, maxSessionTimeout: SESSION_MS });
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      // A start-up delay long enough that the no-master gap is seen on a loaded machine too.
      common: { sessionTimeoutMs: SESSION_MS, startupDelayMs: 1000, exitDelayMs: 100 },
    });
  });
  after(async () => {
    await observer.close();
    await dremio?.stop();
    await zk?.stop();
  });

  it('sees a healthy cluster: the master, registered coordinators, the standby refusing, executors, a quorum', async () => {
    const config = clusterConfigFor(dremio, zk.connectString);
    const snapshot = await observer.observe(config);
    const master = dremio.node('master-a');
    assert.equal(snapshot.cluster, 'bench');
    assert.equal(snapshot.master?.address, master.options.address);
    assert.equal(snapshot.master?.fabricPort, 45678);
    assert.equal(snapshot.master?.startTime, master.reports.find((r) => r.state === 'registered')?.startTime);
    assert.equal(snapshot.masters.length, 1);
    assert.equal(snapshot.latch.participants.length, 1);
    assert.equal(snapshot.latch.leaderIsMaster, true);
    assert.deepEqual(
      snapshot.coordinators.map((c) => [c.address, c.registered, c.isMaster, c.http.kind]),
      [
        ['127.0.0.11', true, true, 'ok'],
        ['127.0.0.12', false, false, 'refused'],
        ['127.0.0.21', true, false, 'ok'],
      ],
    );
    assert.deepEqual(snapshot.executors, { count: 2, addresses: ['127.0.0.31', '127.0.0.32'] });
    assert.equal(snapshot.zookeeper.reachable, true);
    assert.equal(snapshot.zookeeper.quorum, true);
    assert.deepEqual(snapshot.zookeeper.servers.map((s) => s.mode).sort(), [
      'follower',
      'follower',
      'leader',
    ]);
    assert.equal(snapshot.zookeeper.servers.find((s) => s.mode === 'leader')?.syncedFollowers, 2);
    assert.equal(snapshot.zookeeper.negotiatedSessionTimeoutMs, SESSION_MS);
    assert.deepEqual(snapshot.problems, []);
    assert.equal(healthOf(snapshot), 'healthy');
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot, 'plain and serialisable');
  });

  it('flags a zombie master: ZooKeeper registration alive, server_status timing out', async () => {
    const master = dremio.node('master-a');
    const mark = master.mark();
    master.command({ kind: 'http', behaviour: { kind: 'zombie' } });
    await master.waitFor('fault', { from: mark });
    const snapshot = await observer.observe(clusterConfigFor(dremio, zk.connectString));
    const seen = snapshot.coordinators.find((c) => c.isMaster);
    assert.equal(snapshot.master?.address, master.options.address);
    assert.equal(seen?.http.kind, 'timeout');
    assert.ok(snapshot.durationMs < 1500, `bounded by the HTTP timeout: ${snapshot.durationMs} ms`);
    assert.equal(healthOf(snapshot), 'degraded');
    master.command({ kind: 'http', behaviour: { kind: 'normal' } });
  });

  it('turns garbage bytes in a master znode into a typed problem, not a crash', async () => {
    const session = await ZooKeeperSession.open({
      connect: zk.connectString,
      sessionTimeoutMs: 4000,
      connectTimeoutMs: 3000,
    });
    await session.create(
      '/dremio/master/garbage',
      Buffer.from([0xff, 0x01, 0x02]),
      zookeeper.CreateMode.EPHEMERAL,
    );
    try {
      const snapshot = await observer.observe(clusterConfigFor(dremio, zk.connectString));
      assert.equal(snapshot.master?.address, '127.0.0.11');
      assert.deepEqual(
        snapshot.problems.map((p) => [p.kind, p.where]),
        [['undecodable_registration', '/dremio/master/garbage']],
      );
    } finally {
      session.close();
    }
  });

  it('reports degraded with one ensemble server down and the quorum kept', async () => {
    const [first] = zk.servers;
    assert.ok(first);
    await first.kill();
    try {
      const snapshot = await observer.observe(clusterConfigFor(dremio, zk.connectString));
      assert.equal(snapshot.zookeeper.reachable, true);
      assert.equal(snapshot.zookeeper.quorum, true);
      assert.deepEqual(
        snapshot.zookeeper.servers.map((s) => s.serving),
        [false, true, true],
      );
      assert.equal(snapshot.zookeeper.servers[0]?.state, 'unreachable');
      assert.equal(snapshot.master?.address, '127.0.0.11');
      assert.equal(healthOf(snapshot), 'degraded');
    } finally {
      await first.restart();
    }
  });

  it('follows a SIGKILLed master: registration kept until the session expires, then none, then the standby', async () => {
    const config = clusterConfigFor(dremio, zk.connectString);
    const oldMaster = dremio.node('master-a');
    await oldMaster.kill();
    const kept = await observer.observe(config);
    assert.equal(kept.master?.address, '127.0.0.11', 'still registered right after the kill');
    assert.equal(kept.coordinators.find((c) => c.isMaster)?.http.kind, 'refused');

    // The coordinator learns of the expiry through its own watch a moment after ZooKeeper: wait for both.
    const gap = await waitUntil(
      () => observer.observe(config),
      (snapshot) =>
        snapshot.master === null &&
        snapshot.coordinators.find((c) => c.address === '127.0.0.21')?.http.kind === 'master_down',
      { what: 'no master registered and the coordinator answering MASTER_DOWN', intervalMs: 10 },
    );
    assert.equal(gap.value.zookeeper.reachable, true, 'a missing master, not a failure to observe');
    assert.equal(healthOf(gap.value), 'critical');

    const next = await waitUntil(
      () => observer.observe(config),
      (snapshot) => snapshot.master !== null,
      { what: 'the standby registered' },
    );
    assert.equal(next.value.master?.address, '127.0.0.12');
    assert.notEqual(next.value.master?.ephemeralOwner, kept.master?.ephemeralOwner);
  });

  it('reports the quorum lost with two of three servers down, within its timeouts', async () => {
    const [, second, third] = zk.servers;
    assert.ok(second && third);
    await second.kill();
    await third.kill();
    try {
      // The survivor answers "not serving" once it has noticed (a moment when it answers nothing at
      // all proves nothing: quorum null); it never claims a quorum meanwhile.
      const config = clusterConfigFor(dremio, zk.connectString);
      let snapshot = await observer.observe(config);
      for (let attempt = 0; snapshot.zookeeper.quorum !== false && attempt < 20; attempt += 1) {
        assert.notEqual(snapshot.zookeeper.quorum, true);
        await new Promise((resolve) => setTimeout(resolve, 250));
        snapshot = await observer.observe(config);
      }
      assert.equal(snapshot.zookeeper.quorum, false);
      assert.equal(snapshot.zookeeper.reachable, false);
      assert.equal(snapshot.master, null);
      assert.equal(snapshot.problems[0]?.kind, 'zookeeper_unreachable');
      assert.ok(snapshot.durationMs < 3000, `bounded: ${snapshot.durationMs} ms`);
      assert.equal(healthOf(snapshot), 'critical');
    } finally {
      await Promise.all([second.restart(), third.restart()]);
    }
  });
});

describe('observing what cannot be reached', () => {
  let blackHole: Server;
  let blackHolePort = 0;
  const held = new Set<import('node:net').Socket>();
  const observer = new ClusterObserver();

  before(async () => {
    // Accepts TCP connections and never says a word: a ZooKeeper and a web server that hang.
    blackHole = createServer((socket) => {
      held.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    blackHolePort = (blackHole.address() as { port: number }).port;
  });
  after(async () => {
    await observer.close();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it('gives reachable: false within its timeouts for black-hole and refused ZooKeeper addresses', async () => {
    const { parseConfig } = await import('../../shared/config/index.ts');
    const config = parseConfig(
      {
        clusters: [
          {
            name: 'black-hole',
            zookeeper: {
              connect: `127.0.0.1:${blackHolePort}`,
              connectTimeoutMs: 400,
              fourLetterWordTimeoutMs: 300,
            },
            coordinators: [
              { address: '127.0.0.1', webUrl: `http://127.0.0.1:${blackHolePort}`, role: 'coordinator' },
            ],
            http: { timeoutMs: 300, connectTimeoutMs: 200 },
          },
          {
            name: 'nothing-there',
            zookeeper: { connect: '127.0.0.1:1,127.0.0.1:2,127.0.0.1:3', connectTimeoutMs: 400 },
            coordinators: [{ address: '127.0.0.1', webUrl: 'http://127.0.0.1:1', role: 'master-candidate' }],
          },
        ],
      },
      'test',
    );
    const started = performance.now();
    const [hole, none] = await observeClusters(observer, config.clusters, { concurrency: 2 });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1500, `both bounded, together: ${elapsed} ms`);
    assert.equal(hole?.zookeeper.reachable, false);
    assert.equal(hole?.zookeeper.servers[0]?.state, 'unreachable');
    assert.equal(hole?.coordinators[0]?.http.kind, 'timeout');
    assert.equal(none?.zookeeper.reachable, false);
    // No server answered: the monitor cannot tell a lost quorum from its own blindness.
    assert.equal(none?.zookeeper.quorum, null);
    assert.deepEqual(
      none?.zookeeper.servers.map((s) => s.detail),
      ['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED'],
    );
    assert.equal(none?.coordinators[0]?.http.kind, 'refused');
    for (const snapshot of [hole, none]) assert.equal(snapshot?.master, null);
  });
});
