/**
 * The same SIGKILL of the master seen by the monitor (watch, shipped defaults) and by the stack a
 * team would otherwise run: Prometheus + blackbox_exporter + Alertmanager, tuned for speed. Both
 * watch one emulated cluster at once, so each round's ratio compares like with like.
 */
import type { Store } from '../shared/record/store.ts';
import { watchedCluster } from '../test/support/defaults-bench.ts';
import { prometheusStackMissing, startPrometheusStack } from './prometheus-stack.ts';
import { summary } from './stats.ts';

const ALERT = 'DremioMasterCandidateStoppedAnswering';

export async function comparePrometheus(options: {
  readonly zookeeper: string;
  readonly store: Store;
  readonly rounds: number;
}): Promise<void> {
  const missing = prometheusStackMissing();
  if (missing !== null) {
    console.log(`Prometheus comparison skipped: ${missing}`);
    return;
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  const ratios: number[] = [];
  let profile = '';
  for (let round = 0; round < options.rounds; round += 1) {
    const cluster = await watchedCluster({
      zookeeper: options.zookeeper,
      clusterId: `prometheus-${round}`,
      store: options.store,
    });
    const targets = cluster.dremio.nodes
      .filter((node) => node.options.role !== 'executor')
      .map((node) => ({
        node: node.name,
        role:
          node.options.role === 'master-candidate' ? ('master-candidate' as const) : ('coordinator' as const),
        webUrl: node.webUrl,
      }));
    const stack = await startPrometheusStack({ targets });
    profile = stack.profile;
    try {
      await stack.ready(60_000);
      // A scrape or two of the healthy master, so that the rule knows it was serving.
      // The kill falls anywhere in both probe cadences.
      await new Promise((resolve) => setTimeout(resolve, 12_000 + Math.random() * 5000));
      const killedAt = Date.now();
      await cluster.dremio.node('master-a').kill();
      const [unresponsive, alert] = await Promise.all([
        cluster.waitForEvent('MASTER_UNRESPONSIVE', { from: killedAt, timeoutMs: 30_000 }),
        stack.waitForFiring(ALERT, { sinceMs: killedAt, labels: { node: 'master-a' }, timeoutMs: 90_000 }),
      ]);
      ours.push(unresponsive.at - killedAt);
      theirs.push(alert.at - killedAt);
      ratios.push((alert.at - killedAt) / (unresponsive.at - killedAt));
    } finally {
      await stack.stop();
      await cluster.close();
    }
  }
  console.log(`The same SIGKILL, seen by both at once (${options.rounds} rounds):`);
  console.log(`  dremio-ha-monitor watch, defaults: MASTER_UNRESPONSIVE recorded  ${summary(ours)}`);
  console.log(`  Prometheus stack (${profile}): alert at the receiver  ${summary(theirs)}`);
  console.log(`  ratio Prometheus / dremio-ha-monitor, pair by pair: ${summary(ratios, 'x')}`);
}
