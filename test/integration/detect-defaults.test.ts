import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { factsRecord } from '../../shared/events/read.ts';
import type { EventType } from '../../shared/events/types.ts';
import { type WatchedCluster, watchedCluster } from '../support/defaults-bench.ts';
import { DremioNode } from '../support/dremio/cluster.ts';
import { startDynalite } from '../support/dynalite.ts';
import { freeze } from '../support/processes.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

/**
 * The detection targets on the shipped defaults (no detection, HTTP or interval key set), on the
 * bench. Only the session ZooKeeper grants is shorter than Dremio's usual 40-90 s (8 s), so that a
 * failover takes seconds; it is still longer than the freezes below, which sessions survive.
 */
const SESSION_MS = 8000;
const NOISE: readonly EventType[] = ['MASTER_UNRESPONSIVE', 'MASTER_DOWN'];

describe('detection on the shipped defaults (watch)', () => {
  let zk: ZooKeeperCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  const opened: WatchedCluster[] = [];
  const watched = async (clusterId: string, nodes?: Parameters<typeof watchedCluster>[0]['nodes']) => {
    const cluster = await watchedCluster({
      zookeeper: zk.connectString,
      clusterId,
      store: dynalite.store,
      ...(nodes ? { nodes } : {}),
    });
    opened.push(cluster);
    return cluster;
  };

  before(async () => {
    zk = await startZooKeeper({ tickTime: 500, maxSessionTimeout: SESSION_MS });
    dynalite = await startDynalite();
  });
  after(async () => {
    await Promise.all(opened.map((cluster) => cluster.close()));
    await dynalite?.close();
    await zk?.stop();
  });

  it('master SIGKILL: MASTER_UNRESPONSIVE (critical, with the ETA) within 3 s, FAILOVER_COMPLETED within 1 s of the new master registering', async () => {
    const cluster = await watched('kill');
    const standby = cluster.dremio.node('master-b');
    const from = standby.mark();
    const killedAt = Date.now();
    await cluster.dremio.node('master-a').kill();
    const unresponsive = await cluster.waitForEvent('MASTER_UNRESPONSIVE', {
      from: killedAt,
      timeoutMs: 10_000,
    });
    assert.ok(
      unresponsive.at - killedAt <= 3000,
      `recorded ${unresponsive.at - killedAt} ms after the SIGKILL`,
    );
    assert.equal(unresponsive.event.severity, 'critical');
    assert.equal(
      factsRecord(unresponsive.event).sessionTimeoutMs,
      SESSION_MS,
      'the session ZooKeeper granted',
    );
    // The last answer came within a probe interval (1 s) before the SIGKILL.
    const expected = Date.parse(String(factsRecord(unresponsive.event).failoverExpectedBy));
    assert.ok(expected > killedAt - 1100 + SESSION_MS && expected <= killedAt + SESSION_MS, 'the ETA');
    assert.match(unresponsive.event.summary, /Failover expected by \d\d:\d\d:\d\d UTC \(in about \d+ s\)/);

    const registered = await standby.waitFor('registered', { from, timeoutMs: 30_000 });
    const failover = await cluster.waitForEvent('FAILOVER_COMPLETED', { from: killedAt, timeoutMs: 5000 });
    assert.ok(
      failover.at - DremioNode.registeredAt(registered) <= 1000,
      `recorded ${failover.at - DremioNode.registeredAt(registered)} ms after it registered`,
    );
    // ZooKeeper expired the session about when the ETA said.
    assert.ok(
      Math.abs(DremioNode.registeredAt(registered) - expected) < 3000,
      `registered ${DremioNode.registeredAt(registered) - expected} ms from the ETA`,
    );
    assert.equal(cluster.typesSince(killedAt).filter((type) => type === 'MASTER_UNRESPONSIVE').length, 1);
  });

  it('secondary coordinator SIGKILL: announced within 10 s (COORDINATOR_UNREACHABLE), COORDINATOR_DOWN once Dremio drops it too', async () => {
    const cluster = await watched('coordinator');
    const coordinator = cluster.dremio.node('coordinator-a');
    const killedAt = Date.now();
    await coordinator.kill();
    const first = await cluster.waitForEvent('COORDINATOR_UNREACHABLE', {
      from: killedAt,
      timeoutMs: 20_000,
    });
    assert.ok(first.at - killedAt <= 10_000, `announced ${first.at - killedAt} ms after the SIGKILL`);
    assert.equal(factsRecord(first.event).address, coordinator.options.address);
    assert.equal(factsRecord(first.event).registered, true, 'its session has not expired yet');
    // Its registration goes when ZooKeeper expires its session: then both witnesses agree.
    const down = await cluster.waitForEvent('COORDINATOR_DOWN', {
      from: killedAt,
      timeoutMs: SESSION_MS + 10_000,
    });
    assert.ok(down.at - killedAt >= SESSION_MS - SESSION_MS / 3, 'not before its session could expire');
    assert.equal(down.event.incidentKey, first.event.incidentKey);
  });

  describe('no new noise', () => {
    it('a master frozen for 4 s (SIGSTOP, SIGCONT): HTTP times out, the session survives', async () => {
      const cluster = await watched('frozen-master');
      const from = Date.now();
      await freeze(cluster.dremio.node('master-a').pid, 4000);
      await new Promise((resolve) => setTimeout(resolve, 6000));
      const types = cluster.typesSince(from);
      assert.deepEqual(
        types.filter((type) => NOISE.includes(type)),
        [],
        `recorded ${types.join(', ')}`,
      );
      assert.ok(!types.includes('FAILOVER_COMPLETED'));
    });

    it('ZooKeeper frozen for 5 s: sessions survive, the master is neither unresponsive nor down', async () => {
      const cluster = await watched('frozen-zookeeper');
      const pid = zk.servers[0]?.pid;
      assert.ok(pid);
      const from = Date.now();
      await freeze(pid, 5000);
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      const types = cluster.typesSince(from);
      assert.deepEqual(
        types.filter((type) => NOISE.includes(type) || type === 'FAILOVER_COMPLETED'),
        [],
        `recorded ${types.join(', ')}`,
      );
    });

    it('a clean SIGTERM switchover: FAILOVER_COMPLETED only', async () => {
      const cluster = await watched('switchover');
      const from = Date.now();
      await cluster.dremio.node('master-a').terminate();
      await cluster.waitForEvent('FAILOVER_COMPLETED', { from, timeoutMs: 20_000 });
      // Past masterDownConfirmMs (10 s): nothing else comes.
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      assert.deepEqual(cluster.typesSince(from), ['FAILOVER_COMPLETED']);
    });

    it('a new master whose web server is still starting (registered, not yet listening for 5 s)', async () => {
      const cluster = await watched('slow-web', { 'master-b': { webStartDelayMs: 5000 } });
      const standby = cluster.dremio.node('master-b');
      const mark = standby.mark();
      const from = Date.now();
      await cluster.dremio.node('master-a').terminate();
      await cluster.waitForEvent('FAILOVER_COMPLETED', { from, timeoutMs: 20_000 });
      await standby.waitFor('serving', { from: mark, timeoutMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.deepEqual(cluster.typesSince(from), ['FAILOVER_COMPLETED']);
    });
  });
});
