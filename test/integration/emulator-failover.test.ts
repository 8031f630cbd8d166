import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { znodePaths } from '../../shared/dremio/paths.ts';
import { ServerStatusClient } from '../../shared/observe/server-status.ts';
import type { ZooKeeperSession } from '../../shared/zookeeper/session.ts';
import { startDremioCluster } from '../support/dremio/cluster.ts';
import type { DremioNodeOptions } from '../support/dremio/options.ts';
import { openReader, readChildren, waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

const SESSION_MS = 3000;

describe('emulated Dremio failover on real ZooKeeper', () => {
  let zk: ZooKeeperCluster;
  let session: ZooKeeperSession;
  const http = new ServerStatusClient({ timeoutMs: 500, connectTimeoutMs: 300 });

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 10_000 });
    session = await openReader(zk.connectString);
  });
  after(async () => {
    session?.close();
    await http.close();
    await zk?.stop();
  });

  async function cluster(clusterId: string, common: Partial<DremioNodeOptions> = {}) {
    return startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId, sessionTimeoutMs: SESSION_MS, startupDelayMs: 200, exitDelayMs: 200, ...common },
    });
  }

  it('SIGKILL of the master: znodes outlive it until the session expires, then the standby takes over', async (t) => {
    // A start-up long enough that the gap (no master, coordinator 503) is seen on a loaded machine too.
    const dremio = await cluster('kill', { startupDelayMs: 800 });
    t.after(() => dremio.stop());
    const paths = znodePaths({ clusterId: 'kill' });
    const [before] = await readChildren(session, paths.master);
    const oldMaster = dremio.node('master-a');
    const standby = dremio.node('master-b');
    const coordinator = dremio.node('coordinator-a');
    const from = standby.mark();

    const killedAt = Date.now();
    const exit = await oldMaster.kill();
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal((await readChildren(session, paths.master)).length, 1, 'a crashed master stays registered');

    const gap = await waitUntil(
      () => http.probe(coordinator.webUrl),
      (status) => status.kind === 'master_down',
      { what: 'coordinator answering MASTER_DOWN' },
    );
    const gone = await readChildren(session, paths.master);
    assert.equal(gone.length, 0, 'MASTER_DOWN while no master is registered');
    const lockAt = (await standby.waitFor('lock-acquired', { from })).at;
    const electedAt = (await standby.waitFor('elected', { from })).at;
    const registeredAt = (await standby.waitFor('registered', { from })).at;
    const servingAt = (await standby.waitFor('serving', { from })).at;
    const masterGoneAt = (await coordinator.waitFor('master-gone')).at;

    const [after] = await readChildren(session, paths.master);
    assert.equal(after?.registration?.address, standby.options.address);
    assert.notEqual(after?.registration?.startTime, before?.registration?.startTime);
    assert.notEqual(after?.owner, before?.owner);
    assert.equal((await http.probe(standby.webUrl)).kind, 'ok');
    await waitUntil(
      () => http.probe(coordinator.webUrl),
      (status) => status.kind === 'ok',
      { what: 'coordinator OK again' },
    );

    // The lock is freed by the kernel at once; the latch waits for the session to expire.
    assert.ok(lockAt - killedAt < 1500, `lock taken ${lockAt - killedAt} ms after the kill`);
    const expiry = masterGoneAt - killedAt;
    assert.ok(expiry >= SESSION_MS / 3 && expiry <= SESSION_MS + 1500, `session expired after ${expiry} ms`);
    assert.ok(electedAt >= masterGoneAt - 200, 'elected only once the old session expired');
    assert.ok(gap.at >= masterGoneAt - 100);
    t.diagnostic(
      `failover timeline (session ${SESSION_MS} ms, start-up 800 ms): lock +${lockAt - killedAt} ms, ` +
        `master znode gone +${expiry} ms, coordinator 503 seen +${gap.at - killedAt} ms, ` +
        `elected +${electedAt - killedAt} ms, registered +${registeredAt - killedAt} ms, ` +
        `serving 200 +${servingAt - killedAt} ms`,
    );
  });

  it('SIGTERM of the master: clean shutdown frees its znodes within seconds, long before the session would expire', async (t) => {
    const dremio = await cluster('term', { sessionTimeoutMs: 10_000 });
    t.after(() => dremio.stop());
    const paths = znodePaths({ clusterId: 'term' });
    const master = dremio.node('master-a');
    const standby = dremio.node('master-b');
    const from = standby.mark();
    const stoppedAt = Date.now();
    const exit = await master.terminate();
    assert.equal(exit.code, 0);
    const states = master.reports.map((report) => report.state);
    assert.equal(states.at(-1), 'exiting');
    assert.equal(master.reports.at(-1)?.reason, 'SIGTERM');
    assert.ok(states.indexOf('stopping') >= 0 && states.indexOf('stopping') < states.length - 1);
    const gone = await waitUntil(
      () => readChildren(session, paths.master),
      (masters) => masters.every((view) => view.registration?.address !== master.options.address),
      { what: 'old master deregistered', timeoutMs: 5000 },
    );
    assert.ok(gone.at - stoppedAt < 3000, `deregistered ${gone.at - stoppedAt} ms after SIGTERM`);
    const serving = await standby.waitFor('serving', { from, timeoutMs: 5000 });
    t.diagnostic(
      `SIGTERM: znodes gone +${gone.at - stoppedAt} ms, standby serving +${serving.at - stoppedAt} ms`,
    );
  });

  it('session lost for longer than the election timeout: the master exits with code 3 and the standby takes over', async (t) => {
    const dremio = await cluster('cut', { electionTimeoutMs: 1000 });
    t.after(() => dremio.stop());
    const master = dremio.node('master-a');
    const standby = dremio.node('master-b');
    const from = standby.mark();
    const mark = master.mark();
    master.command({ kind: 'zookeeper', link: 'cut' });
    await master.waitFor('leadership-lost', { from: mark });
    const exit = await master.exited;
    assert.equal(exit.code, 3);
    assert.ok(master.output.some((line) => line.includes('Dremio is exiting. Node lost its master status.')));
    await standby.waitFor('serving', { from, timeoutMs: 10_000 });
  });

  it('a short cut does not fail over: the master regains leadership with the same session', async (t) => {
    const dremio = await cluster('blip', { electionTimeoutMs: 5000 });
    t.after(() => dremio.stop());
    const paths = znodePaths({ clusterId: 'blip' });
    const [before] = await readChildren(session, paths.master);
    const master = dremio.node('master-a');
    const mark = master.mark();
    master.command({ kind: 'zookeeper', link: 'cut' });
    await master.waitFor('leadership-lost', { from: mark });
    master.command({ kind: 'zookeeper', link: 'restore' });
    await master.waitFor('leadership-regained', { from: mark, timeoutMs: 5000 });
    assert.equal(master.running, true);
    const [after] = await readChildren(session, paths.master);
    assert.deepEqual(after, before);
  });

  it('a cut past session expiry renews the session: same registration ids, new ephemeral owner', async (t) => {
    const dremio = await cluster('renew', { electionTimeoutMs: 15_000, sessionTimeoutMs: 1000 });
    t.after(() => dremio.stop());
    const paths = znodePaths({ clusterId: 'renew' });
    const [before] = await readChildren(session, paths.master);
    const master = dremio.node('master-a');
    const mark = master.mark();
    master.command({ kind: 'zookeeper', link: 'cut' });
    await waitUntil(
      () => readChildren(session, paths.master),
      (masters) => masters.length === 0,
      { what: 'session expiry' },
    );
    master.command({ kind: 'zookeeper', link: 'restore' });
    await master.waitFor('zookeeper-session-expired', { from: mark, timeoutMs: 5000 });
    await master.waitFor('leadership-regained', { from: mark, timeoutMs: 5000 });
    const { value } = await waitUntil(
      () => readChildren(session, paths.master),
      (masters) => masters.length === 1,
      { what: 're-registration' },
    );
    const [after] = value;
    assert.equal(after?.znode, before?.znode);
    assert.deepEqual(after?.registration, before?.registration);
    assert.notEqual(after?.owner, before?.owner);
    assert.equal(master.running, true);
  });
});
