import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { znodePaths } from '../../shared/dremio/paths.ts';
import { ServerStatusClient } from '../../shared/observe/server-status.ts';
import type { RestartTarget } from '../../shared/remediate/executor.ts';
import { LocalExecutor } from '../../shared/remediate/local/index.ts';
import type { ZooKeeperSession } from '../../shared/zookeeper/session.ts';
import { startDremioCluster } from '../support/dremio/cluster.ts';
import { openReader, readChildren } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

const SESSION_MS = 2000;
const STARTUP_MS = 200;

describe('LocalExecutor on an emulated cluster on real ZooKeeper', () => {
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

  it('restarts a SIGKILLed master: it comes back as an invisible standby behind the new master', async (t) => {
    const dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: {
        clusterId: 'local',
        sessionTimeoutMs: SESSION_MS,
        startupDelayMs: STARTUP_MS,
        exitDelayMs: 200,
      },
    });
    t.after(() => dremio.stop());
    const paths = znodePaths({ clusterId: 'local' });
    const nodeAt = (address: string) => {
      const node = dremio.nodes.find((candidate) => candidate.options.address === address);
      if (!node) throw new Error(`no emulated node at ${address}`);
      return node;
    };
    const executor = new LocalExecutor({
      restart: async (target) => {
        await dremio.restart(nodeAt(target.address).name);
      },
      isRunning: async (target) => nodeAt(target.address).running,
    });
    const oldMaster = dremio.node('master-a');
    const standby = dremio.node('master-b');
    const target: RestartTarget = {
      cluster: 'local',
      address: oldMaster.options.address,
      role: 'master-candidate',
    };

    const from = standby.mark();
    await oldMaster.kill();
    await standby.waitFor('serving', { from, timeoutMs: 15_000 });
    const down = await executor.verify(target, AbortSignal.timeout(5000));
    assert.equal(down.kind, 'not-yet', 'a killed process is not verified');

    const outcome = await executor.restart(target, { method: 'reboot' }, AbortSignal.timeout(10_000));
    assert.deepEqual(outcome, {
      kind: 'done',
      facts: { address: target.address, role: 'master-candidate', method: 'reboot', executor: 'local' },
    });
    const restarted = dremio.node('master-a');
    assert.notEqual(restarted, oldMaster);
    assert.notEqual(restarted.pid, oldMaster.pid);
    assert.equal((await executor.verify(target, AbortSignal.timeout(5000))).kind, 'verified');

    await restarted.waitFor('waiting-for-lock', { timeoutMs: 10_000 });
    await restarted.waitFor('lock-held-elsewhere', { timeoutMs: 10_000 });
    // Long past the start-up delay: a standby that were to take over would have done so by now.
    await sleep(STARTUP_MS * 4);
    const states = restarted.reports.map((report) => report.state);
    assert.deepEqual(states, ['waiting-for-lock', 'lock-held-elsewhere'], 'blocked on the catalog lock');
    assert.equal(restarted.running, true);

    const masters = await readChildren(session, paths.master);
    assert.deepEqual(
      masters.map((view) => view.registration?.address),
      [standby.options.address],
      'the new master is the only one registered',
    );
    const coordinators = await readChildren(session, paths.coordinator);
    assert.ok(
      coordinators.every((view) => view.registration?.address !== target.address),
      'the standby registers nowhere',
    );
    assert.equal((await http.probe(restarted.webUrl)).kind, 'refused', 'the standby opens no web port');
    assert.equal((await http.probe(standby.webUrl)).kind, 'ok');
  });
});
