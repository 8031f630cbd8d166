import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { monitorHandler } from '../../functions/monitor/handler.ts';
import type { MonitorSettings } from '../../functions/runtime.ts';
import type { EventType, MonitorEvent } from '../../shared/events/types.ts';
import { ClusterObserver } from '../../shared/observe/observer.ts';
import { defaultsConfig, startDefaultCluster } from '../support/defaults-bench.ts';
import { DremioNode } from '../support/dremio/cluster.ts';
import { startDynalite } from '../support/dynalite.ts';
import { localRuntime } from '../support/lambda-runtime.ts';
import { recordingStore } from '../support/recording-store.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

/**
 * The monitor function's two modes on the shipped defaults (only ZooKeeper's session cap is short,
 * 8 s, so that the failover takes seconds). Poll mode is invoked as the one-minute schedule would,
 * once while healthy and once after the master died.
 */
const SESSION_MS = 8000;
const WATCH_MS = 65_000;

describe('the monitor function on the shipped defaults', () => {
  let zk: ZooKeeperCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  const observer = new ClusterObserver();
  const originalLog = console.log;

  before(async () => {
    zk = await startZooKeeper({ tickTime: 500, maxSessionTimeout: SESSION_MS });
    dynalite = await startDynalite();
    // The function's JSON logs and metrics would drown the test report.
    console.log = () => undefined;
  });
  after(async () => {
    console.log = originalLog;
    await observer.close();
    await dynalite?.close();
    await zk?.stop();
  });

  async function deployed(clusterId: string, mode: MonitorSettings['mode']) {
    const dremio = await startDefaultCluster({ zookeeper: zk.connectString, clusterId });
    const config = defaultsConfig(dremio, { zookeeper: zk.connectString, clusterId });
    const { store, committedAt } = recordingStore(dynalite.store);
    const runtime = localRuntime({ config, store, observer, settings: { mode, watchMs: WATCH_MS } });
    const recorded = async (type: EventType): Promise<{ event: MonitorEvent; at: number } | undefined> => {
      const { events } = await dynalite.store.events({ cluster: clusterId, limit: 1000 });
      const event = events.find((candidate) => candidate.type === type);
      return event && { event, at: committedAt.get(event.id) ?? Number.NaN };
    };
    return { dremio, handler: monitorHandler(runtime), recorded };
  }

  it('poll: a healthy tick leaves at once; after the master died, the invocation confirms it in seconds and stays until the failover', async (t) => {
    const { dremio, handler, recorded } = await deployed('poll', 'poll');
    t.after(() => dremio.stop());
    const scheduled = { cluster: 'poll' };
    const healthyStart = Date.now();
    assert.deepEqual(await handler(scheduled), { ok: true, cluster: 'poll', mode: 'poll', events: 0 });
    assert.ok(Date.now() - healthyStart < 10_000, 'a healthy poll does not stay');

    const standby = dremio.node('master-b');
    const from = standby.mark();
    await dremio.node('master-a').kill();
    // The next scheduled invocation: here at once; on AWS up to a minute after the death.
    const invokedAt = Date.now();
    const result = await handler(scheduled);
    const returnedAt = Date.now();
    assert.equal(result.ok, true);

    const unresponsive = await recorded('MASTER_UNRESPONSIVE');
    assert.ok(unresponsive, 'MASTER_UNRESPONSIVE recorded');
    assert.ok(
      unresponsive.at - invokedAt <= 3000,
      `recorded ${unresponsive.at - invokedAt} ms into the invocation`,
    );
    assert.equal(unresponsive.event.severity, 'critical');
    const registered = await standby.waitFor('registered', { from, timeoutMs: 1 });
    const failover = await recorded('FAILOVER_COMPLETED');
    assert.ok(failover, 'FAILOVER_COMPLETED recorded by the same invocation');
    assert.ok(
      failover.at - DremioNode.registeredAt(registered) <= 1000,
      `recorded ${failover.at - DremioNode.registeredAt(registered)} ms after it registered`,
    );
    assert.ok(returnedAt - failover.at < 5000, 'the invocation left once the cluster settled');
    assert.ok(returnedAt - invokedAt < WATCH_MS, 'within its budget');
  });

  it('watch: master SIGKILL -> MASTER_UNRESPONSIVE within 3 s', async (t) => {
    const { dremio, handler, recorded } = await deployed('watch', 'watch');
    t.after(() => dremio.stop());
    // An invocation watching for 15 s, as the schedule starts one every minute for watchMs.
    const invocation = handler(
      { cluster: 'watch' },
      {
        getRemainingTimeInMillis: () => 25_000,
        awsRequestId: 'watch-1',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const killedAt = Date.now();
    await dremio.node('master-a').kill();
    const result = await invocation;
    assert.equal(result.ok, true);
    const unresponsive = await recorded('MASTER_UNRESPONSIVE');
    assert.ok(unresponsive, 'MASTER_UNRESPONSIVE recorded');
    assert.ok(
      unresponsive.at - killedAt <= 3000,
      `recorded ${unresponsive.at - killedAt} ms after the SIGKILL`,
    );
  });
});
