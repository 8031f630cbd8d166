/**
 * Notification figures, on loopback: from a committed event to the Slack receiver holding it; and
 * end to end in watch mode, from the deletion of the master znode to the Slack message (confirm
 * window 0, so the figure is the pipeline's own: watch, read, detect, commit, deliver).
 */
import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { Agent } from 'undici';
import { parseConfig } from '../shared/config/index.ts';
import { defaultPolicy } from '../shared/detect/index.ts';
import { znodePaths } from '../shared/dremio/paths.ts';
import { deliverCluster } from '../shared/monitor/cluster-delivery.ts';
import { ClusterMonitor } from '../shared/monitor/cluster-monitor.ts';
import { SlackWebhookNotifier } from '../shared/notify/slack/index.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { watchCluster } from '../shared/observe/watcher.ts';
import { ZooKeeperSession } from '../shared/zookeeper/session.ts';
import { StatusServer } from '../test/support/dremio/status-server.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { fakeRegistration } from '../test/support/registrations.ts';
import { startSlackReceiver } from '../test/support/slack-receiver.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';
import { summary } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const zk = await startZooKeeper({ tickTime: 200 });
const dynalite = await startDynalite();
const slack = await startSlackReceiver();
const dispatcher = new Agent();
const writer = await ZooKeeperSession.open({
  connect: zk.connectString,
  sessionTimeoutMs: 30_000,
  connectTimeoutMs: 5000,
});
const web = new StatusServer(() => true);
const port = await web.listen('127.0.0.1', 0);
const paths = znodePaths({ clusterId: 'bench' });
const config = parseConfig(
  {
    clusters: [
      {
        name: 'bench',
        zookeeper: { connect: zk.connectString, clusterId: 'bench' },
        coordinators: [
          { address: '127.0.0.1', webUrl: `http://127.0.0.1:${port}`, role: 'master-candidate' },
        ],
        routes: [{ channel: 'slack' }],
      },
    ],
    channels: { slack: { kind: 'slack-webhook', webhookUrl: { env: 'UNUSED' } } },
  },
  'bench',
);
const cluster = config.clusters[0];
if (!cluster) throw new Error('no cluster');
const notifiers = new Map([
  ['slack', new SlackWebhookNotifier({ channel: 'slack', webhookUrl: slack.webhookUrl, dispatcher })],
]);
const monitor = new ClusterMonitor(cluster, {
  store: dynalite.store,
  policy: defaultPolicy({ masterDownConfirmMs: 0, confirmSnapshots: 1 }),
  routes: cluster.routes,
});
const deliver = () => deliverCluster({ cluster, monitor, store: dynalite.store, notifiers, owner: 'bench' });
const registerMaster = async () => {
  await writer.ensurePath(paths.master);
  return writer.create(
    `${paths.master}/${randomUUID()}`,
    fakeRegistration('master', '127.0.0.1'),
    zookeeper.CreateMode.EPHEMERAL,
  );
};
const observer = new ClusterObserver();
let current = await registerMaster();
try {
  await monitor.judge(await observer.observe(cluster));
  await deliver();
  // A committed event to the receiver holding it: one routed event per round.
  const committedToSlack: number[] = [];
  for (let round = 0; round < ROUNDS * 2; round += 1) {
    const before = slack.requests.length;
    const outcome = await monitor.record((now, newId) => [
      {
        id: newId(),
        cluster: 'bench',
        type: 'MAINTENANCE_STARTED',
        severity: 'info',
        at: new Date(now).toISOString(),
        incidentKey: `bench/maintenance/${round}`,
        incidentAction: 'notice',
        summary: `bench round ${round}`,
        facts: {
          windowId: `round-${round}`,
          start: new Date(now).toISOString(),
          end: new Date(now).toISOString(),
          owner: 'bench',
          reason: 'bench',
        },
      },
    ]);
    if (outcome.kind !== 'committed') throw new Error('not committed');
    const committed = performance.now();
    await deliver();
    if (slack.requests.length !== before + 1) throw new Error('not delivered');
    committedToSlack.push(performance.now() - committed);
  }
  console.log(`committed event -> Slack receiver holding it: ${summary(committedToSlack)}`);

  const endToEnd: number[] = [];
  let deletedAt = 0;
  let seen: (() => void) | undefined;
  const watch = watchCluster(cluster, observer, {
    intervalMs: 600_000,
    onSnapshot: (snapshot) =>
      void monitor.judge(snapshot).then(async (outcome) => {
        if (outcome.kind !== 'committed') return;
        await deliver();
        if (outcome.events.some((event) => event.type === 'MASTER_DOWN')) seen?.();
      }),
  });
  await watch.ready;
  for (let round = 0; round < ROUNDS; round += 1) {
    const arrived = new Promise<void>((resolve) => {
      seen = resolve;
    });
    deletedAt = performance.now();
    await writer.remove(current);
    await arrived;
    endToEnd.push(performance.now() - deletedAt);
    current = await registerMaster();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await watch.close();
  console.log(`watch mode, master znode deleted -> MASTER_DOWN in Slack: ${summary(endToEnd)}`);
} finally {
  await observer.close();
  writer.close();
  await web.close();
  await dispatcher.close();
  await slack.close();
  await dynalite.close();
  await zk.stop();
}
