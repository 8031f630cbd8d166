import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { BIN, runCli } from '../support/cli.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { startDynalite, TEST_TABLE } from '../support/dynalite.ts';
import { coordinatorsOf } from '../support/monitor-config.ts';
import { killOnExit } from '../support/processes.ts';
import { type SlackReceiver, startSlackReceiver } from '../support/slack-receiver.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

interface Recorded {
  readonly id: string;
  readonly type: string;
  readonly summary: string;
}

const unescapeSlack = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('from a SIGKILLed master to Slack, through the audit log and the outbox', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let slack: SlackReceiver;
  let dir: string;
  let store: string[];
  let output = '';

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 2500 });
    dynalite = await startDynalite();
    slack = await startSlackReceiver();
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId: 'billing', sessionTimeoutMs: 2500, startupDelayMs: 1500, exitDelayMs: 100 },
    });
    dir = await mkdtemp(join(tmpdir(), 'notify-e2e-'));
    const config = join(dir, 'monitor.json');
    await writeFile(
      config,
      JSON.stringify({
        clusters: [
          {
            name: 'billing',
            zookeeper: { connect: zk.connectString, clusterId: 'billing', operationTimeoutMs: 500 },
            coordinators: coordinatorsOf(dremio),
            http: { timeoutMs: 300, connectTimeoutMs: 200 },
            detection: { masterDownConfirmMs: 300 },
            routes: [{ channel: 'oncall' }],
            runbookUrl: 'https://wiki.example/dremio-failover',
          },
        ],
        channels: { oncall: { kind: 'slack-webhook', webhookUrl: { env: 'TEST_SLACK_WEBHOOK' } } },
        delivery: { backoffBaseMs: 200, backoffMaxMs: 400 },
      }),
    );
    store = ['--config', config, '--store-endpoint', dynalite.endpoint, '--table', TEST_TABLE];
  });
  after(async () => {
    await dremio?.stop();
    await slack?.close();
    await dynalite?.close();
    await zk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('Slack down for several rounds then back: every event delivered exactly once, in order, no secret anywhere', async () => {
    // Slack fails the first five requests: 500, 500, 429, timeout-free 503, 500.
    slack.answer(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'rate-limited', retryAfterSeconds: 1 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 500 },
    );
    const watch = spawn(
      process.execPath,
      [BIN, 'watch', '--json', '--interval-ms', '200', '--clock-ms', '300', ...store],
      {
        env: { ...process.env, TEST_SLACK_WEBHOOK: slack.webhookUrl },
      },
    );
    killOnExit(watch);
    watch.stdout.on('data', (chunk) => {
      output += chunk;
    });
    watch.stderr.on('data', (chunk) => {
      output += chunk;
    });
    await waitUntil(
      async () => output,
      (text) => text.includes('watching billing'),
      { what: 'watch started' },
    );
    await dremio.node('master-a').kill();

    const delivered = () =>
      slack.requests.filter((request) => request.kind === 'webhook' && request.answer === 'ok');
    await waitUntil(
      async () => delivered().map((request) => request.raw),
      (raws) => raws.some((raw) => raw.includes('127.0.0.12')),
      { what: 'the failover delivered to Slack', timeoutMs: 25_000, intervalMs: 100 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const exited = new Promise((resolve) => watch.once('exit', resolve));
    watch.kill('SIGTERM');
    assert.equal(await exited, 0);

    const events = await runCli(['events', '--json', ...store]);
    const recorded = events.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Recorded);
    assert.ok(recorded.some((event) => event.type === 'FAILOVER_COMPLETED'));
    const texts = delivered().map((request) => unescapeSlack((request.body as { text: string }).text));
    assert.equal(texts.length, recorded.length, `one Slack message per event:\n${texts.join('\n')}`);
    recorded.forEach((event, index) => {
      assert.ok(texts[index]?.includes(unescapeSlack(event.summary)), `message ${index} is ${event.type}`);
    });
    assert.ok(slack.requests.filter((request) => request.answer !== 'ok').length >= 5, 'the outage was real');

    // The webhook URL is a secret: not in the monitor's output, not in any stored item.
    const secretPart = new URL(slack.webhookUrl).pathname;
    assert.ok(!output.includes(secretPart), 'no secret in stdout or stderr');
    const { Items: items = [] } = await dynalite.documentClient.send(
      new ScanCommand({ TableName: TEST_TABLE }),
    );
    assert.ok(items.length > 0);
    assert.ok(!JSON.stringify(items).includes(secretPart), 'no secret in the store');
    const pending = await dynalite.store.pendingDeliveries('billing', 'oncall', 100);
    assert.deepEqual(pending, []);
  });
});
