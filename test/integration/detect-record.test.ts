import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { type DetectionPolicy, defaultPolicy } from '../../shared/detect/index.ts';
import type { MonitorEvent } from '../../shared/events/types.ts';
import { ClusterMonitor } from '../../shared/monitor/cluster-monitor.ts';
import { ClusterObserver } from '../../shared/observe/observer.ts';
import { watchCluster } from '../../shared/observe/watcher.ts';
import type { Store } from '../../shared/record/index.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import type { DremioNodeOptions } from '../support/dremio/options.ts';
import { ZooKeeperLink } from '../support/dremio/zookeeper-link.ts';
import { startDynalite } from '../support/dynalite.ts';
import { clusterConfigFor } from '../support/monitor-config.ts';
import { recordingStore } from '../support/recording-store.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SESSION_MS = 2500;
const FAST: Partial<DetectionPolicy> = {
  noAnswerMs: 1500,
  masterDownConfirmMs: 300,
  confirmSnapshots: 2,
};

async function allEvents(store: Store, cluster: string): Promise<MonitorEvent[]> {
  const events: MonitorEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.events({ cluster, ...(cursor ? { cursor } : {}) });
    events.push(...page.events);
    cursor = page.cursor;
  } while (cursor);
  return events;
}

describe('detect and record on the bench: real ZooKeeper, emulated Dremio, dynalite', () => {
  let zk: ZooKeeperCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  const observer = new ClusterObserver();

  before(async () => {
    zk = await startZooKeeper({ servers: 3, tickTime: 100, maxSessionTimeout: SESSION_MS });
    dynalite = await startDynalite();
  });
  after(async () => {
    await observer.close();
    await dynalite?.close();
    await zk?.stop();
  });

  /** An emulated cluster watched by a monitor recording into the store. */
  async function monitored(
    t: TestContext,
    clusterId: string,
    policy: Partial<DetectionPolicy>,
    nodes: Partial<DremioNodeOptions> = {},
    /** How the monitor reaches ZooKeeper (a relay the test can cut); Dremio always reaches it directly. */
    monitorConnect?: string,
  ) {
    const dremio: EmulatedCluster = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId, sessionTimeoutMs: SESSION_MS, startupDelayMs: 1500, exitDelayMs: 100, ...nodes },
    });
    t.after(() => dremio.stop());
    const config = clusterConfigFor(dremio, monitorConnect ?? zk.connectString, {
      name: clusterId,
      zookeeper: { operationTimeoutMs: 500, connectTimeoutMs: 800, sessionTimeoutMs: 4000 },
      // Dremio's session is 2.5 s here: probe fast enough to see the master refuse before it expires.
      http: { probeIntervalMs: 200 },
    });
    const { store, committedAt } = recordingStore(dynalite.store);
    const monitor = new ClusterMonitor(config, { store, policy: defaultPolicy(policy) });
    const judging = new Set<Promise<unknown>>();
    const watch = watchCluster(config, observer, {
      intervalMs: 200,
      onSnapshot: (snapshot) => {
        const judged = monitor
          .judge(snapshot)
          .catch((error) => t.diagnostic(`judge: ${error}`))
          .finally(() => judging.delete(judged));
        judging.add(judged);
      },
    });
    // Commits under way finish before the store closes.
    t.after(async () => {
      await watch.close();
      await Promise.all(judging);
    });
    await watch.ready;
    const events = () => allEvents(dynalite.store, clusterId);
    const types = async () => (await events()).map((event) => event.type);
    return { dremio, events, types, committedAt };
  }

  it('SIGKILL of the master: one MASTER_UNRESPONSIVE, one MASTER_DOWN, one FAILOVER_COMPLETED A -> B', async (t) => {
    const { dremio, events, types, committedAt } = await monitored(t, 'kill', FAST);
    const coordinator = dremio.node('coordinator-a');
    const standby = dremio.node('master-b');
    const from = standby.mark();
    await dremio.node('master-a').kill();
    await waitUntil(types, (list) => list.includes('FAILOVER_COMPLETED'), {
      what: 'failover recorded',
      timeoutMs: 15_000,
    });
    // A few more ticks: nothing is recorded twice.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const recorded = await events();
    const count = (type: string) => recorded.filter((event) => event.type === type).length;
    assert.equal(count('MASTER_UNRESPONSIVE'), 1);
    assert.equal(count('MASTER_DOWN'), 1);
    assert.equal(count('FAILOVER_COMPLETED'), 1);
    const order = recorded
      .map((event) => event.type)
      .filter((type) => type.startsWith('MASTER_') || type === 'FAILOVER_COMPLETED');
    assert.deepEqual(order.slice(0, 3), ['MASTER_UNRESPONSIVE', 'MASTER_DOWN', 'FAILOVER_COMPLETED']);
    const failover = recorded.find((event) => event.type === 'FAILOVER_COMPLETED');
    const facts = failover?.facts as { from: { address: string }; to: { address: string }; outageMs: number };
    assert.equal(facts.from.address, '127.0.0.11');
    assert.equal(facts.to.address, '127.0.0.12');
    assert.ok(facts.outageMs > 0);
    assert.ok(
      failover?.steps?.some((step) => step.includes('127.0.0.11')),
      'tells to restart the failed master',
    );
    const incident = recorded.find((event) => event.type === 'MASTER_DOWN')?.incidentKey;
    assert.equal(failover?.incidentKey, incident, 'the failover resolves the incident MASTER_DOWN opened');

    const goneAt = (await coordinator.waitFor('master-gone')).at;
    const registeredAt = (await standby.waitFor('registered', { from })).at;
    const downAt = committedAt.get(recorded.find((event) => event.type === 'MASTER_DOWN')?.id ?? '') ?? 0;
    const failoverAt = committedAt.get(failover?.id ?? '') ?? 0;
    t.diagnostic(
      `znode deleted -> MASTER_DOWN committed ${downAt - goneAt} ms (confirm window 300 ms); ` +
        `B registered -> FAILOVER_COMPLETED committed ${failoverAt - registeredAt} ms`,
    );
  });

  it('SIGTERM of the master: a fast failover is one FAILOVER_COMPLETED and no MASTER_DOWN', async (t) => {
    const { dremio, events, types } = await monitored(
      t,
      'term',
      { ...FAST, masterDownConfirmMs: 5000 },
      {
        startupDelayMs: 100,
      },
    );
    await dremio.node('master-a').terminate();
    await waitUntil(types, (list) => list.includes('FAILOVER_COMPLETED'), {
      what: 'failover recorded',
      timeoutMs: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recorded = await events();
    assert.equal(recorded.filter((event) => event.type === 'FAILOVER_COMPLETED').length, 1);
    assert.equal(recorded.filter((event) => event.type === 'MASTER_DOWN').length, 0);
  });

  it('a zombie master: MASTER_UNRESPONSIVE while registered, MASTER_RESPONSIVE when it answers again', async (t) => {
    const { dremio, types } = await monitored(t, 'zombie', FAST);
    const master = dremio.node('master-a');
    master.command({ kind: 'http', behaviour: { kind: 'zombie' } });
    await waitUntil(types, (list) => list.includes('MASTER_UNRESPONSIVE'), {
      what: 'unresponsive',
      timeoutMs: 10_000,
    });
    master.command({ kind: 'http', behaviour: { kind: 'normal' } });
    await waitUntil(types, (list) => list.includes('MASTER_RESPONSIVE'), {
      what: 'responsive',
      timeoutMs: 10_000,
    });
    assert.ok(!(await types()).includes('MASTER_DOWN'));
  });

  it('ZooKeeper quorum lost and back: QUORUM_LOST then RECOVERED, and never MASTER_DOWN', async (t) => {
    const { types } = await monitored(t, 'quorum', FAST, { sessionTimeoutMs: 60_000 });
    const [, second, third] = zk.servers;
    assert.ok(second && third);
    await Promise.all([second.kill(), third.kill()]);
    try {
      await waitUntil(types, (list) => list.includes('ZOOKEEPER_QUORUM_LOST'), {
        what: 'quorum lost',
        timeoutMs: 15_000,
      });
    } finally {
      await Promise.all([second.restart(), third.restart()]);
    }
    await waitUntil(types, (list) => list.includes('ZOOKEEPER_RECOVERED'), {
      what: 'recovered',
      timeoutMs: 20_000,
    });
    const list = await types();
    assert.ok(!list.includes('MASTER_DOWN'), `no MASTER_DOWN in ${list.join(', ')}`);
    assert.ok(!list.includes('FAILOVER_COMPLETED'));
  });

  it('the monitor cut off from every ZooKeeper server: OBSERVATION_FAILED with the coordinators as witness, never QUORUM_LOST or MASTER_DOWN', async (t) => {
    const link = new ZooKeeperLink();
    await link.open(zk.connectString);
    t.after(() => link.close());
    const { types, events } = await monitored(t, 'blind', FAST, {}, link.connectString);
    link.cut();
    try {
      await waitUntil(types, (list) => list.includes('OBSERVATION_FAILED'), {
        what: 'observation failed',
        timeoutMs: 15_000,
      });
      // Longer than the confirmations of quorum loss and MASTER_DOWN.
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      link.restore();
    }
    await waitUntil(types, (list) => list.includes('OBSERVATION_RECOVERED'), {
      what: 'observation recovered',
      timeoutMs: 20_000,
    });
    const recorded = await events();
    const list = recorded.map((event) => event.type);
    for (const type of ['ZOOKEEPER_QUORUM_LOST', 'ZOOKEEPER_DEGRADED', 'MASTER_DOWN', 'FAILOVER_COMPLETED']) {
      assert.ok(!list.includes(type as (typeof list)[number]), `no ${type} in ${list.join(', ')}`);
    }
    const failed = recorded.find((event) => event.type === 'OBSERVATION_FAILED');
    assert.match(failed?.summary ?? '', /still answer OK, so Dremio itself has ZooKeeper and a master/);
  });
});
