import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import zookeeper from 'node-zookeeper-client';

import { ClusterObserver } from '../../shared/observe/observer.ts';
import type { Snapshot } from '../../shared/observe/snapshot.ts';
import { type SessionEvent, type WatchCause, watchCluster } from '../../shared/observe/watcher.ts';
import { ZooKeeperSession } from '../../shared/zookeeper/session.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { ZooKeeperLink } from '../support/dremio/zookeeper-link.ts';
import { clusterConfigFor } from '../support/monitor-config.ts';
import { freeze } from '../support/processes.ts';
import { fakeRegistration } from '../support/registrations.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

describe('watching a cluster through a held ZooKeeper session', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  const observer = new ClusterObserver();

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 2000 });
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { sessionTimeoutMs: 2000, startupDelayMs: 100, exitDelayMs: 100 },
    });
  });
  after(async () => {
    await observer.close();
    await dremio?.stop();
    await zk?.stop();
  });

  it('emits a snapshot on each ZooKeeper change, coalescing a burst, and re-arms its watches', async (t) => {
    const seen: Array<{ snapshot: Snapshot; cause: WatchCause; at: number }> = [];
    const config = clusterConfigFor(dremio, zk.connectString, { zookeeper: { sessionTimeoutMs: 4000 } });
    const watch = watchCluster(config, observer, {
      intervalMs: 60_000,
      onSnapshot: (snapshot, cause) => seen.push({ snapshot, cause, at: performance.now() }),
    });
    t.after(() => watch.close());
    const first = await watch.ready;
    assert.equal(first.executors.count, 1);
    assert.equal(seen[0]?.cause, 'start');

    const session = await ZooKeeperSession.open({
      connect: zk.connectString,
      sessionTimeoutMs: 4000,
      connectTimeoutMs: 3000,
    });
    t.after(() => session.close());
    const latencies: number[] = [];
    for (let round = 1; round <= 3; round += 1) {
      const before = seen.length;
      // A burst: three executors register at once.
      const created = performance.now();
      await Promise.all(
        [1, 2, 3].map((index) =>
          session.create(
            `/dremio/executor/extra-${round}-${index}`,
            fakeRegistration('executor', `10.0.${round}.${index}`),
            zookeeper.CreateMode.EPHEMERAL,
          ),
        ),
      );
      const { value } = await waitUntil(
        async () => seen.slice(before).find((entry) => entry.snapshot.executors.count === 1 + 3 * round),
        (entry) => entry !== undefined,
        { what: `round ${round} seen`, timeoutMs: 3000, intervalMs: 5 },
      );
      latencies.push(Math.round((value?.at ?? 0) - created));
      assert.equal(value?.cause, 'change');
      assert.ok(seen.length - before <= 2, `burst of 3 coalesced into ${seen.length - before} snapshots`);
    }
    t.diagnostic(`change -> snapshot latency: ${latencies.join(', ')} ms`);
  });

  it('sees the master go and the standby come without polling, and reports its own session expiring', async (t) => {
    const events: SessionEvent[] = [];
    const seen: Array<{ snapshot: Snapshot; cause: WatchCause }> = [];
    // The monitor reaches ZooKeeper through a relay the test can cut, as a network partition would.
    const link = new ZooKeeperLink();
    await link.open(zk.connectString);
    t.after(() => link.close());
    const config = clusterConfigFor(dremio, link.connectString, { zookeeper: { sessionTimeoutMs: 2000 } });
    const watch = watchCluster(config, observer, {
      intervalMs: 60_000,
      onSnapshot: (snapshot, cause) => seen.push({ snapshot, cause }),
      onSessionEvent: (event) => events.push(event),
    });
    t.after(() => watch.close());
    const first = await watch.ready;
    const masterBefore = first.master?.address;
    assert.ok(masterBefore);
    const current = dremio.nodes.find((node) => node.options.address === masterBefore);
    await current?.terminate();
    await waitUntil(
      async () => seen.at(-1)?.snapshot,
      (snapshot) =>
        snapshot !== undefined && snapshot.master !== null && snapshot.master.address !== masterBefore,
      { what: 'new master seen through watches', timeoutMs: 10_000 },
    );
    assert.ok(seen.some((entry) => entry.cause === 'change' && entry.snapshot.master === null));

    // Cut the monitor off past its session timeout: on its return the session is expired.
    link.cut();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    link.restore();
    await waitUntil(
      async () => events,
      (list) =>
        list.some((event) => event.kind === 'expired') &&
        list.filter((e) => e.kind === 'connected').length >= 2,
      { what: 'expiry reported and a new session opened', timeoutMs: 15_000 },
    );
    await waitUntil(
      async () => seen.find((entry) => entry.cause === 'session'),
      (entry) => entry?.snapshot.zookeeper.reachable === true,
      { what: 'a snapshot from the new session', timeoutMs: 10_000 },
    );
  });

  it('probes every coordinator each probeIntervalMs, and a frozen ZooKeeper does not hold the probes back', async (t) => {
    const seen: Array<{ snapshot: Snapshot; cause: WatchCause; at: number }> = [];
    const config = clusterConfigFor(dremio, zk.connectString, {
      zookeeper: { sessionTimeoutMs: 4000, operationTimeoutMs: 1000 },
      http: { probeIntervalMs: 100 },
    });
    const watch = watchCluster(config, observer, {
      intervalMs: 300,
      onSnapshot: (snapshot, cause) => seen.push({ snapshot, cause, at: Date.now() }),
    });
    t.after(() => watch.close());
    await watch.ready;
    const pid = zk.servers[0]?.pid;
    assert.ok(pid);
    const frozenAt = Date.now();
    // Shorter than what the sessions of this suite (2 s) survive.
    await freeze(pid, 1000);
    const during = seen.filter((entry) => entry.cause === 'probe' && entry.at > frozenAt + 100);
    const probedAt = during.map((entry) => Date.parse(entry.snapshot.httpObservedAt ?? ''));
    assert.ok(probedAt.length >= 5, `${probedAt.length} probe rounds while ZooKeeper was frozen`);
    for (const [index, time] of probedAt.entries()) {
      if (index > 0) assert.ok(time > (probedAt[index - 1] ?? 0), 'each round is a new probe');
    }
    assert.ok(
      during.every((entry) => entry.snapshot.coordinators.some((c) => c.isMaster && c.http.kind === 'ok')),
      'the master still answers',
    );
    const times = seen.map((entry) => Date.parse(entry.snapshot.observedAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'snapshots never go back in time',
    );
    assert.equal(new Set(times).size, times.length);
  });
});
