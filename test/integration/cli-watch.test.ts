import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli as run } from '../support/cli.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { startDynalite, TEST_TABLE } from '../support/dynalite.ts';
import { coordinatorsOf } from '../support/monitor-config.ts';
import { killOnExit } from '../support/processes.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

interface Printed {
  readonly id: string;
  readonly cluster: string;
  readonly type: string;
  readonly severity: string;
  readonly at: string;
  readonly summary: string;
  readonly incidentKey: string;
  readonly from?: { address: string };
  readonly to?: { address: string };
}

describe('dremio-ha-monitor watch, events, status, ack, maintenance', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let dir: string;
  let store: string[];
  const watchers: Array<{ child: ChildProcess; printed: Printed[]; started: Promise<void> }> = [];

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 2500 });
    dynalite = await startDynalite();
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId: 'sales', sessionTimeoutMs: 2500, startupDelayMs: 1500, exitDelayMs: 100 },
    });
    dir = await mkdtemp(join(tmpdir(), 'watch-cli-'));
    const config = join(dir, 'monitor.json');
    await writeFile(
      config,
      JSON.stringify({
        clusters: [
          {
            name: 'sales',
            zookeeper: { connect: zk.connectString, clusterId: 'sales', operationTimeoutMs: 500 },
            coordinators: coordinatorsOf(dremio),
            http: { timeoutMs: 300, connectTimeoutMs: 200 },
            detection: { masterDownConfirmMs: 300 },
          },
        ],
      }),
    );
    store = ['--config', config, '--store-endpoint', dynalite.endpoint, '--table', TEST_TABLE];
    // Two monitors on one store, as two Lambda invocations or two hosts would be.
    for (let index = 0; index < 2; index += 1) {
      const child = spawn(process.execPath, [BIN, 'watch', '--json', '--interval-ms', '200', ...store]);
      killOnExit(child);
      const printed: Printed[] = [];
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        printed.push(JSON.parse(line) as Printed);
      });
      const started = new Promise<void>((resolve) => {
        createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
          if (line.includes('watching sales')) resolve();
        });
      });
      watchers.push({ child, printed, started });
    }
    await Promise.all(watchers.map((watcher) => watcher.started));
  });
  after(async () => {
    for (const { child } of watchers) child.kill('SIGKILL');
    await dremio?.stop();
    await dynalite?.close();
    await zk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function recorded(): Promise<Printed[]> {
    const result = await run(['events', '--json', ...store]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Printed);
  }

  it('two watchers on one store record one MASTER_DOWN and one FAILOVER_COMPLETED, each printed once', async () => {
    await dremio.node('master-a').kill();
    const { value } = await waitUntil(
      recorded,
      (events) => events.some((e) => e.type === 'FAILOVER_COMPLETED'),
      {
        what: 'failover in the audit log',
        timeoutMs: 20_000,
        intervalMs: 200,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    const events = await recorded();
    const seen = watchers.map((w) => w.printed.map((e) => `${e.at} ${e.type}`).join(' | ')).join(' // ');
    assert.equal(events.filter((e) => e.type === 'MASTER_DOWN').length, 1, seen);
    assert.equal(events.filter((e) => e.type === 'FAILOVER_COMPLETED').length, 1);
    const failover = value.find((e) => e.type === 'FAILOVER_COMPLETED');
    assert.equal(failover?.from?.address, '127.0.0.11');
    assert.equal(failover?.to?.address, '127.0.0.12');
    for (const key of ['id', 'cluster', 'type', 'severity', 'at', 'summary'] as const)
      assert.ok(failover?.[key]);

    const printed = watchers.flatMap((watcher) => watcher.printed);
    const ids = printed.map((event) => event.id);
    assert.equal(new Set(ids).size, ids.length, 'no event printed twice');
    assert.deepEqual(
      [...ids].sort(),
      events.map((event) => event.id).sort(),
      'every recorded event printed once',
    );

    const status = await run(['status', '--json', ...store]);
    const [sales] = (JSON.parse(status.stdout) as { clusters: Array<{ master: { address: string } | null }> })
      .clusters;
    assert.equal(sales?.master?.address, '127.0.0.12');
  });

  it('acknowledges an open incident, and refuses an unknown one with exit 3', async () => {
    const coordinator = dremio.node('coordinator-a');
    coordinator.command({ kind: 'http', behaviour: { kind: 'zombie' } });
    const { value } = await waitUntil(
      recorded,
      // A hung coordinator keeps its registration: unreachable from the monitor, not down.
      (events) => events.some((e) => e.type === 'COORDINATOR_UNREACHABLE'),
      {
        what: 'coordinator unreachable',
        timeoutMs: 15_000,
        intervalMs: 200,
      },
    );
    const key = value.find((e) => e.type === 'COORDINATOR_UNREACHABLE')?.incidentKey ?? '';
    const ack = await run(['ack', key, '--by', 'alice', '--reason', 'restarting it', ...store]);
    assert.equal(ack.code, 0, ack.stderr);
    assert.match(ack.stdout, /INCIDENT_ACKNOWLEDGED/);
    const status = await run(['status', ...store]);
    assert.match(
      status.stdout,
      new RegExp(`open warning ${key.replace(/[/]/g, '\\/')} .* acknowledged by alice`),
    );
    const unknown = await run(['ack', 'sales/coordinator/NOPE', '--by', 'alice', '--reason', 'x', ...store]);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /unknown incident/);
    coordinator.command({ kind: 'http', behaviour: { kind: 'normal' } });
    await waitUntil(recorded, (events) => events.some((e) => e.type === 'COORDINATOR_RECOVERED'), {
      what: 'coordinator recovered',
      timeoutMs: 15_000,
      intervalMs: 200,
    });
  });

  it('opens, lists and ends a maintenance window, announced at both ends', async () => {
    const added = await run([
      'maintenance',
      'add',
      '--cluster',
      'sales',
      '--end',
      '+1h',
      '--owner',
      'bob',
      '--reason',
      'upgrade to 25.2',
      ...store,
    ]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /MAINTENANCE_STARTED/);
    const listed = await run(['maintenance', 'list', ...store]);
    const id = /^sales {2}(\S+) {2}active/m.exec(listed.stdout)?.[1];
    assert.ok(id, listed.stdout);
    const ended = await run(['maintenance', 'end', '--cluster', 'sales', id, ...store]);
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(ended.stdout, /MAINTENANCE_ENDED/);
    const types = (await recorded()).map((event) => event.type);
    assert.ok(types.includes('MAINTENANCE_STARTED') && types.includes('MAINTENANCE_ENDED'));
  });

  it('stops cleanly on SIGTERM', async () => {
    for (const { child } of watchers) {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
