import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
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
}

/**
 * The monitor itself crashes: `dremio-ha-monitor watch` SIGKILLed right after the master's SIGKILL,
 * and again while a message is on its way to Slack. Each restart picks up from the store: every
 * event recorded once, every message delivered (the one in flight at the crash at most twice), the
 * failover recorded once, and the restarted monitor resumes delivery at once (it takes over the
 * delivery lease of its dead predecessor instead of waiting a minute for it to expire).
 */
describe('watch killed and restarted in the middle of a failover', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let slack: SlackReceiver;
  let dir: string;
  let args: string[];
  const children: ChildProcess[] = [];
  const output: string[] = [];

  before(async () => {
    // Long enough for two restarts of the CLI (about 1.5 s each) before the master's session expires.
    zk = await startZooKeeper({ tickTime: 500, maxSessionTimeout: 20_000 });
    dynalite = await startDynalite();
    slack = await startSlackReceiver();
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId: 'crash' },
    });
    dir = await mkdtemp(join(tmpdir(), 'crash-watch-'));
    const config = join(dir, 'monitor.json');
    await writeFile(
      config,
      JSON.stringify({
        clusters: [
          {
            name: 'crash',
            zookeeper: { connect: zk.connectString, clusterId: 'crash' },
            coordinators: coordinatorsOf(dremio),
            routes: [{ channel: 'oncall' }],
          },
        ],
        channels: { oncall: { kind: 'slack-webhook', webhookUrl: { env: 'CRASH_SLACK_URL' } } },
      }),
    );
    args = ['--config', config, '--store-endpoint', dynalite.endpoint, '--table', TEST_TABLE];
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await dremio?.stop();
    await slack?.close();
    await dynalite?.close();
    await zk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A watch process, resolved once it watches. */
  async function watch(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [BIN, 'watch', '--json', ...args], {
      env: { ...process.env, CRASH_SLACK_URL: slack.webhookUrl },
    });
    killOnExit(child);
    children.push(child);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) =>
      output.push(`${children.length} out ${line.slice(0, 160)}`),
    );
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
        output.push(`${children.length} err ${line.slice(0, 300)}`);
        if (line.includes('watching crash')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`watch exited ${code} before it watched`)));
    });
    return child;
  }

  async function kill(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async function recorded(): Promise<Recorded[]> {
    const result = await runCli(['events', '--json', ...args]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Recorded);
  }

  it('records every event once, delivers every message, and resumes delivery at once', async (t) => {
    const first = await watch();
    // The first monitor has seen the master answer and recorded it: the state a restart resumes from.
    await waitUntil(
      () => dynalite.store.load('crash'),
      (stored) => JSON.stringify(stored.state ?? {}).includes('"lastAnsweredAt":1'),
      { what: 'the healthy master recorded', timeoutMs: 20_000, intervalMs: 100 },
    );
    const killedAt = Date.now();
    await dremio.node('master-a').kill();
    // The monitor dies a moment after the master, before it could say anything.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kill(first);

    // The next message Slack receives hangs: the monitor dies with it in flight.
    slack.answer({ kind: 'hang' });
    const second = await watch();
    const [hung] = await slack.waitForRequests(1, 20_000);
    await kill(second);
    t.diagnostic(`second watch killed ${Date.now() - killedAt} ms after the master`);

    await watch();
    // The message in flight at the crash goes out again within seconds, not after the dead monitor's
    // one-minute delivery lease.
    await waitUntil(
      async () => slack.requests.filter((request) => request.raw === hung?.raw).length,
      (sent) => sent >= 2,
      { what: 'the message in flight at the crash sent again', timeoutMs: 20_000, intervalMs: 100 },
    );
    const { value: events } = await waitUntil(
      recorded,
      (list) => list.some((e) => e.type === 'FAILOVER_COMPLETED'),
      {
        what: 'the failover recorded',
        timeoutMs: 40_000,
        intervalMs: 250,
      },
    );
    const requests = await waitUntil(
      async () => slack.requests,
      (list) =>
        events.every((event) =>
          list.some((request) => request.answer === 'ok' && request.raw.includes(event.id)),
        ),
      { what: 'every recorded event delivered', timeoutMs: 30_000, intervalMs: 100 },
    );
    const list = await recorded();
    const count = (type: string) => list.filter((event) => event.type === type).length;
    assert.equal(
      count('MASTER_UNRESPONSIVE'),
      1,
      `${list.map((event) => event.type).join(', ')} / hung: ${hung?.raw.slice(0, 200)}`,
    );
    assert.equal(count('FAILOVER_COMPLETED'), 1);
    assert.equal(new Set(list.map((event) => event.id)).size, list.length, 'no event recorded twice');

    const sent = (id: string) => requests.value.filter((request) => request.raw.includes(id)).length;
    const twice = list.filter((event) => sent(event.id) > 1);
    assert.deepEqual(
      twice.map((event) => event.id),
      list.filter((event) => hung?.raw.includes(event.id)).map((event) => event.id),
      'only the message in flight at the crash was sent twice',
    );
  });
});
