/**
 * Detection on the shipped defaults, per mode, and beside it in the same run the generic stack a
 * team would otherwise run (Prometheus + blackbox_exporter + Alertmanager, tuned). One setting is
 * not Dremio's usual: ZooKeeper grants 8 s sessions instead of 40-90 s, so that a failover takes
 * seconds; every figure but "SIGKILL -> FAILOVER_COMPLETED" is independent of it, and that one is the
 * session plus the standby's start-up.
 */

import { monitorHandler } from '../functions/monitor/handler.ts';
import type { EventType, MonitorEvent } from '../shared/events/types.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { defaultsConfig, startDefaultCluster, watchedCluster } from '../test/support/defaults-bench.ts';
import { DremioNode } from '../test/support/dremio/cluster.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { localRuntime } from '../test/support/lambda-runtime.ts';
import { recordingStore } from '../test/support/recording-store.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';
import { summary } from './stats.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SESSION_MS = 8000;
const SCHEDULE_MS = 60_000;

/** A death falls anywhere in the probe cadence: wait a random part of a second before it. */
const randomPhase = () => new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 1000));

const zk = await startZooKeeper({ tickTime: 500, maxSessionTimeout: SESSION_MS });
const dynalite = await startDynalite();
const results = {
  unresponsive: [] as number[],
  failoverAfterRegistered: [] as number[],
  failoverAfterKill: [] as number[],
  coordinatorAnnounced: [] as number[],
  coordinatorDown: [] as number[],
  pollUnresponsive: [] as number[],
  pollFailover: [] as number[],
  pollHeldMs: [] as number[],
};
console.log(
  `shipped defaults; ZooKeeper grants ${SESSION_MS / 1000} s sessions (Dremio's usual cap is 40-60 s); ${ROUNDS} rounds`,
);
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    // CLI watch (the Lambda's watch mode runs the same loop).
    const cluster = await watchedCluster({
      zookeeper: zk.connectString,
      clusterId: `watch-${round}`,
      store: dynalite.store,
    });
    try {
      const standby = cluster.dremio.node('master-b');
      const mark = standby.mark();
      await randomPhase();
      const killedAt = Date.now();
      await cluster.dremio.node('master-a').kill();
      const unresponsive = await cluster.waitForEvent('MASTER_UNRESPONSIVE', {
        from: killedAt,
        timeoutMs: 30_000,
      });
      const registered = await standby.waitFor('registered', { from: mark, timeoutMs: 60_000 });
      const failover = await cluster.waitForEvent('FAILOVER_COMPLETED', {
        from: killedAt,
        timeoutMs: 30_000,
      });
      results.unresponsive.push(unresponsive.at - killedAt);
      results.failoverAfterRegistered.push(failover.at - DremioNode.registeredAt(registered));
      results.failoverAfterKill.push(failover.at - killedAt);
      await randomPhase();
      const coordinatorKilledAt = Date.now();
      await cluster.dremio.node('coordinator-a').kill();
      const announced = await cluster.waitForEvent('COORDINATOR_UNREACHABLE', {
        from: coordinatorKilledAt,
        timeoutMs: 30_000,
      });
      const down = await cluster.waitForEvent('COORDINATOR_DOWN', {
        from: coordinatorKilledAt,
        timeoutMs: 30_000,
      });
      results.coordinatorAnnounced.push(announced.at - coordinatorKilledAt);
      results.coordinatorDown.push(down.at - coordinatorKilledAt);
    } finally {
      await cluster.close();
    }

    // Lambda poll, one invocation a minute: the invocation after the death confirms and stays.
    const clusterId = `poll-${round}`;
    const dremio = await startDefaultCluster({ zookeeper: zk.connectString, clusterId });
    const observer = new ClusterObserver();
    try {
      const config = defaultsConfig(dremio, { zookeeper: zk.connectString, clusterId });
      const { store, committedAt } = recordingStore(dynalite.store);
      const handler = monitorHandler(
        localRuntime({ config, store, observer, settings: { mode: 'poll', watchMs: SCHEDULE_MS + 5000 } }),
      );
      await handler({ cluster: clusterId });
      const standby = dremio.node('master-b');
      const mark = standby.mark();
      await dremio.node('master-a').kill();
      const invokedAt = Date.now();
      await handler({ cluster: clusterId });
      const returnedAt = Date.now();
      const { events } = await dynalite.store.events({ cluster: clusterId, limit: 1000 });
      const at = (type: EventType) => {
        const event = events.find((candidate: MonitorEvent) => candidate.type === type);
        return event ? (committedAt.get(event.id) ?? Number.NaN) : Number.NaN;
      };
      const registered = await standby.waitFor('registered', { from: mark, timeoutMs: 1 });
      results.pollUnresponsive.push(at('MASTER_UNRESPONSIVE') - invokedAt);
      results.pollFailover.push(at('FAILOVER_COMPLETED') - DremioNode.registeredAt(registered));
      results.pollHeldMs.push(returnedAt - invokedAt);
    } finally {
      await observer.close();
      await dremio.stop();
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log('CLI watch and Lambda watch (one loop):');
  console.log(`  master SIGKILL -> MASTER_UNRESPONSIVE recorded:        ${summary(results.unresponsive)}`);
  console.log(
    `  new master registered -> FAILOVER_COMPLETED recorded:  ${summary(results.failoverAfterRegistered)}`,
  );
  console.log(
    `  master SIGKILL -> FAILOVER_COMPLETED recorded:         ${summary(results.failoverAfterKill)} (session ${SESSION_MS / 1000} s + start-up)`,
  );
  console.log(
    `  coordinator SIGKILL -> COORDINATOR_UNREACHABLE recorded: ${summary(results.coordinatorAnnounced)}`,
  );
  console.log(
    `  coordinator SIGKILL -> COORDINATOR_DOWN recorded:      ${summary(results.coordinatorDown)} (when its session expires)`,
  );
  console.log(`Lambda poll (one invocation a minute; the death falls anywhere in the minute):`);
  console.log(
    `  invocation start -> MASTER_UNRESPONSIVE recorded:      ${summary(results.pollUnresponsive)}`,
  );
  console.log(
    `  so SIGKILL -> MASTER_UNRESPONSIVE: at most ${((SCHEDULE_MS + Math.max(...results.pollUnresponsive)) / 1000).toFixed(1)} s, on average ${((SCHEDULE_MS / 2 + mean(results.pollUnresponsive)) / 1000).toFixed(1)} s (the wait for the next invocation plus the above)`,
  );
  console.log(
    `  new master registered -> FAILOVER_COMPLETED recorded:  ${summary(results.pollFailover)} (by the invocation that stayed)`,
  );
  console.log(
    `  that invocation's length (billed while the cluster was in motion): ${summary(results.pollHeldMs)}`,
  );

  // Loaded last: the comparison needs Debian's Prometheus packages and says so when they are missing.
  const { comparePrometheus } = await import('./prometheus-comparison.ts');
  await comparePrometheus({
    zookeeper: zk.connectString,
    store: dynalite.store,
    rounds: ROUNDS,
  });
} finally {
  await dynalite.close();
  await zk.stop();
}
