import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterConfig } from '../../shared/config/index.ts';
import { factsRecord } from '../../shared/events/read.ts';
import type { MonitorEvent } from '../../shared/events/types.ts';
import { type MonitorLoop, startMonitorLoop } from '../../shared/monitor/monitor-loop.ts';
import { ClusterObserver } from '../../shared/observe/observer.ts';
import { LocalExecutor } from '../../shared/remediate/local/index.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { startDynalite } from '../support/dynalite.ts';
import { configFor } from '../support/monitor-config.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

const SESSION_MS = 2000;

/** What the assertions compare: the type and who it is about. */
function brief(event: MonitorEvent): string {
  const facts = event.facts as Record<string, { address?: string } | undefined>;
  if (event.type === 'FAILOVER_COMPLETED')
    return `${event.type} ${facts.from?.address} -> ${facts.to?.address}`;
  return `${event.type} ${facts.target?.address}`;
}

describe('remediation end to end: twice around the failover cycle on the bench', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let loop: MonitorLoop | undefined;
  const observer = new ClusterObserver();
  const live: MonitorEvent[] = [];

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 3000 });
    dynalite = await startDynalite();
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId: 'cycle', sessionTimeoutMs: SESSION_MS, startupDelayMs: 200, exitDelayMs: 100 },
    });
  });
  after(async () => {
    await loop?.close();
    await observer.close();
    await dremio?.stop();
    await dynalite?.close();
    await zk?.stop();
  });

  it('A killed -> B takes over -> A restarted as standby -> B killed -> A takes over -> B restarted; each step once, in order', async () => {
    const config = configFor(dremio, zk.connectString, {
      name: 'cycle',
      zookeeper: { operationTimeoutMs: 500 },
      http: { timeoutMs: 300, connectTimeoutMs: 200 },
      cluster: {
        detection: { masterDownConfirmMs: 300 },
        remediation: {
          enabled: true,
          settleMs: 1000,
          cooldownMs: 60_000,
          dailyCap: 2,
          actionTimeoutMs: 20_000,
          maxSnapshotAgeMs: 5000,
        },
      },
    });
    const cluster = config.clusters[0] as ClusterConfig;
    const nameAt = (address: string) => {
      const node = dremio.nodes.find((candidate) => candidate.options.address === address);
      if (!node) throw new Error(`no emulated node at ${address}`);
      return node.name;
    };
    const restarts: string[] = [];
    const executor = new LocalExecutor({
      restart: async (target) => {
        restarts.push(target.address);
        await dremio.restart(nameAt(target.address));
      },
      isRunning: async (target) => dremio.node(nameAt(target.address)).running,
    });
    loop = startMonitorLoop({
      clusters: config.clusters,
      store: dynalite.store,
      observer,
      notifiers: new Map(),
      owner: 'test',
      intervalMs: 200,
      clockMs: 300,
      verifyPollMs: 100,
      executorFor: (candidate) => (candidate.name === cluster.name ? executor : null),
      onEvents: (_cluster, events) => live.push(...events),
    });
    await loop.ready;
    const a = dremio.node('master-a').options.address;
    const b = dremio.node('master-b').options.address;
    const seen = (line: string) =>
      waitUntil(
        async () => live.map(brief),
        (lines) => lines.includes(line),
        { what: line, timeoutMs: 30_000, intervalMs: 50 },
      );

    // First time around: the master A dies, B takes over, the monitor restarts A.
    await dremio.node('master-a').kill();
    await seen(`REMEDIATION_SUCCEEDED ${a}`);
    const restartedA = dremio.node('master-a');
    await restartedA.waitFor('lock-held-elsewhere', { timeoutMs: 10_000 });
    assert.equal(dremio.master()?.name, 'master-b');

    // Second time around: B dies, the restarted A takes over, the monitor restarts B.
    await dremio.node('master-b').kill();
    await seen(`REMEDIATION_SUCCEEDED ${b}`);
    await dremio.node('master-b').waitFor('lock-held-elsewhere', { timeoutMs: 10_000 });
    assert.equal(dremio.master()?.name, 'master-a');
    await loop.close();
    loop = undefined;

    assert.deepEqual(restarts, [a, b], 'one restart per failed master, never the live one');
    const { events } = await dynalite.store.events({ cluster: 'cycle', limit: 1000 });
    assert.deepEqual(
      events.map((event) => event.id),
      live.map((event) => event.id),
      'the audit log holds what the loop committed, in order',
    );
    assert.equal(new Set(events.map((event) => event.id)).size, events.length, 'no event twice');
    const cycle = events.filter(
      (event) => event.type === 'FAILOVER_COMPLETED' || event.type.startsWith('REMEDIATION_'),
    );
    assert.deepEqual(cycle.map(brief), [
      `FAILOVER_COMPLETED ${a} -> ${b}`,
      `REMEDIATION_STARTED ${a}`,
      `REMEDIATION_SUCCEEDED ${a}`,
      `FAILOVER_COMPLETED ${b} -> ${a}`,
      `REMEDIATION_STARTED ${b}`,
      `REMEDIATION_SUCCEEDED ${b}`,
    ]);
    const at = (index: number) => cycle[index] as MonitorEvent;
    const [startedA, succeededA, startedB, succeededB] = [at(1), at(2), at(4), at(5)];
    for (const [started, succeeded, master] of [
      [startedA, succeededA, b],
      [startedB, succeededB, a],
    ] as const) {
      assert.equal(
        (factsRecord(started).master as { address: string }).address,
        master,
        'acted behind a healthy master',
      );
      assert.equal(factsRecord(succeeded).actionId, factsRecord(started).actionId);
      assert.equal(succeeded.incidentKey, started.incidentKey);
      assert.equal(succeeded.incidentAction, 'resolve');
      assert.deepEqual(factsRecord(succeeded).dremio, {
        rejoinedAs: 'standby',
        master,
        note: 'a standby is invisible while the master lives',
      });
      assert.equal((factsRecord(succeeded).machine as { running?: boolean }).running, true);
    }
    const state = await remediationStateOf(dynalite.store);
    assert.equal(state.inFlight, null, 'the lease is released');
    assert.deepEqual(state.needs, [], 'nothing left to restart');
    assert.equal(state.actionsAt.length, 2);
  });
});

async function remediationStateOf(store: Awaited<ReturnType<typeof startDynalite>>['store']) {
  const stored = (await store.load('cycle')).state as {
    remediation: { inFlight: unknown; needs: unknown[]; actionsAt: number[] };
  };
  return stored.remediation;
}
