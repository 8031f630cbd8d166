import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli } from '../support/cli.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { coordinatorsOf } from '../support/monitor-config.ts';
import { freePort } from '../support/ports.ts';
import { killOnExit } from '../support/processes.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

/** Every sample of the text format: `name{labels}` -> value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

/** The events of a type counted for sales, whatever their severity. */
function counted(metrics: Map<string, number>, type: string): { total: number; severities: string[] } {
  const prefix = `dremio_ha_events_total{cluster="sales",type="${type}",severity="`;
  const matching = [...metrics].filter(([name]) => name.startsWith(prefix));
  return {
    total: matching.reduce((sum, [, value]) => sum + value, 0),
    severities: matching.map(([name]) => name.slice(prefix.length, -2)),
  };
}

describe('watch --metrics-listen: /metrics and /healthz of the real CLI', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dir: string;
  let config: string;
  let watch: ChildProcess;
  let base: string;
  let stderr = '';

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 2500 });
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 2,
      common: { clusterId: 'sales', sessionTimeoutMs: 2500, startupDelayMs: 1500, exitDelayMs: 100 },
    });
    dir = await mkdtemp(join(tmpdir(), 'watch-metrics-'));
    config = join(dir, 'monitor.json');
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
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    watch = spawn(process.execPath, [
      BIN,
      'watch',
      '--json',
      '--interval-ms',
      '200',
      '--config',
      config,
      '--data-dir',
      join(dir, 'data'),
      '--metrics-listen',
      `127.0.0.1:${port}`,
    ]);
    killOnExit(watch);
    watch.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    await waitUntil(
      async () => stderr,
      (text) => text.includes('watching sales'),
      { what: 'watch started', timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.match(stderr, new RegExp(`"metrics":"http://127\\.0\\.0\\.1:${port}/metrics"`));
  });
  after(async () => {
    watch?.kill('SIGKILL');
    await dremio?.stop();
    await zk?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, 200);
    return samples(await response.text());
  };

  it('shows the cluster as it is, with a fresh last observation, and /healthz 200', async () => {
    const { value, at } = await waitUntil(
      scrape,
      (metrics) =>
        metrics.get('dremio_ha_master_up{cluster="sales"}') === 1 &&
        metrics.get('dremio_ha_executors_registered{cluster="sales"}') === 2,
      { what: 'master up and 2 executors', timeoutMs: 20_000, intervalMs: 200 },
    );
    // Two candidates (the master answers, the standby refuses) and one plain coordinator.
    assert.equal(value.get('dremio_ha_coordinators_up{cluster="sales"}'), 2);
    assert.equal(value.get('dremio_ha_zookeeper_servers_serving{cluster="sales"}'), 1);
    const last = value.get('dremio_ha_last_observation_timestamp_seconds{cluster="sales"}') ?? 0;
    assert.ok(at / 1000 - last < 5, `last observation ${at / 1000 - last} s old`);
    assert.equal(value.get('dremio_ha_delivery_failures_total{cluster="sales"}'), 0);
    assert.ok((value.get('process_resident_memory_bytes') ?? 0) > 10_000_000, 'the process metrics');

    // The gauge keeps moving with the interval's observations.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const later = (await scrape()).get('dremio_ha_last_observation_timestamp_seconds{cluster="sales"}') ?? 0;
    assert.ok(later > last, `${later} after ${last}`);

    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', ok: true, staleAfterMs: 60_000, overdue: [] });
    const other = await fetch(`${base}/`);
    assert.equal(other.status, 404);
    await other.text();
  });

  it('counts the failover after a SIGKILL of the master, and shows the new master up', async () => {
    await dremio.node('master-a').kill();
    const { value } = await waitUntil(
      scrape,
      (metrics) =>
        counted(metrics, 'FAILOVER_COMPLETED').total === 1 &&
        metrics.get('dremio_ha_master_up{cluster="sales"}') === 1,
      { what: 'one failover counted and the new master up', timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.deepEqual(counted(value, 'MASTER_DOWN'), { total: 1, severities: ['critical'] });
    assert.equal(
      value.get('dremio_ha_coordinators_up{cluster="sales"}'),
      2,
      'the new master and the coordinator',
    );
  });

  it('refuses an address it cannot bind, and a malformed one, with exit 3', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    assert.ok(address && typeof address === 'object');
    try {
      const data = ['--config', config, '--data-dir', join(dir, 'other')];
      const busy = await runCli(['watch', ...data, '--metrics-listen', `127.0.0.1:${address.port}`]);
      assert.equal(busy.code, 3, busy.stderr);
      assert.match(busy.stderr, /--metrics-listen 127\.0\.0\.1:\d+: cannot listen there \(EADDRINUSE\)/);
      const malformed = await runCli(['watch', ...data, '--metrics-listen', '9464']);
      assert.equal(malformed.code, 3);
      assert.match(malformed.stderr, /--metrics-listen "9464": expected HOST:PORT/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
