import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { factsRecord } from '../../shared/events/read.ts';
import type { MonitorEvent } from '../../shared/events/types.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { startDynalite, TEST_TABLE } from '../support/dynalite.ts';
import { coordinatorsOf } from '../support/monitor-config.ts';
import { killOnExit } from '../support/processes.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

const WATCH = new URL('../support/watch-local.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');

/**
 * The monitor dies in the middle of a restart it is carrying out (SIGKILL while the executor's call
 * is under way; the restart itself goes on, as an EC2 stop-start would). The next monitor never
 * carries out the same action again, and records its outcome once: at the action's deadline, as
 * expired, since nobody is left to verify it.
 */
describe('watch killed while it restarts the failed master', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let control: Server;
  let controlUrl: string;
  let dir: string;
  let config: string;
  const restarts: string[] = [];
  const held: ServerResponse[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    zk = await startZooKeeper({ tickTime: 200, maxSessionTimeout: 4000 });
    dynalite = await startDynalite();
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId: 'act' },
    });
    // The executor's side: a restart is held open (the test decides when it ends); `running` answers.
    control = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://control');
      const address = url.searchParams.get('address') ?? '';
      const node = dremio.nodes.find((candidate) => candidate.options.address === address);
      if (url.pathname === '/restart') {
        restarts.push(address);
        held.push(response);
        return;
      }
      response.end(node?.running ? 'yes' : 'no');
    });
    await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
    const port = (control.address() as { port: number }).port;
    controlUrl = `http://127.0.0.1:${port}`;
    dir = await mkdtemp(join(tmpdir(), 'crash-action-'));
    config = join(dir, 'monitor.json');
    await writeFile(
      config,
      JSON.stringify({
        clusters: [
          {
            name: 'act',
            zookeeper: { connect: zk.connectString, clusterId: 'act' },
            coordinators: coordinatorsOf(dremio),
            remediation: { enabled: true, settleMs: 1000, actionTimeoutMs: 10_000 },
          },
        ],
      }),
    );
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const response of held) response.destroy();
    control?.closeAllConnections();
    await new Promise((resolve) => control?.close(resolve));
    await dremio?.stop();
    await dynalite?.close();
    await zk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function watch(): Promise<ChildProcess> {
    const options = { config, endpoint: dynalite.endpoint, table: TEST_TABLE, control: controlUrl };
    const child = spawn(process.execPath, ['--import', TSX, WATCH, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    children.push(child);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', () => undefined);
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
        if (line === 'watching') resolve();
      });
      child.once('exit', (code) => reject(new Error(`the watch process exited ${code}`)));
    });
    return child;
  }

  const recorded = async (): Promise<MonitorEvent[]> =>
    (await dynalite.store.events({ cluster: 'act', limit: 1000 })).events;

  it('never carries out the action twice, and records its outcome once', async () => {
    const first = await watch();
    await dremio.node('master-a').kill();
    // The failover, the settle period, then the restart: the monitor dies while it is under way.
    await waitUntil(
      async () => restarts.length,
      (count) => count === 1,
      {
        what: 'the restart under way',
        timeoutMs: 40_000,
        intervalMs: 50,
      },
    );
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    // The restart goes on without the monitor: the failed master comes back, waiting as a standby.
    const restarted = await dremio.restart('master-a');
    await restarted.waitFor('lock-held-elsewhere', { timeoutMs: 20_000 });

    await watch();
    const { value: events } = await waitUntil(
      recorded,
      (list) =>
        list.some((event) => event.type === 'REMEDIATION_FAILED' || event.type === 'REMEDIATION_SUCCEEDED'),
      { what: 'the outcome of the action', timeoutMs: 40_000, intervalMs: 250 },
    );
    // A few more seconds: nothing is carried out or recorded again.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const list = await recorded();
    const ofType = (type: string) => list.filter((event) => event.type === type);
    assert.equal(restarts.length, 1, 'the action was carried out once');
    const [started, ...more] = ofType('REMEDIATION_STARTED');
    assert.deepEqual(more, []);
    const outcomes = [...ofType('REMEDIATION_FAILED'), ...ofType('REMEDIATION_SUCCEEDED')];
    assert.equal(outcomes.length, 1, `outcomes: ${outcomes.map((event) => event.type).join(', ')}`);
    assert.equal(factsRecord(outcomes[0]).actionId, factsRecord(started).actionId);
    assert.equal(outcomes[0]?.type, 'REMEDIATION_FAILED');
    assert.equal(
      factsRecord(outcomes[0]).expired,
      true,
      'nobody was left to verify it: expired at its deadline',
    );
    assert.ok(events.length > 0);
  });
});
