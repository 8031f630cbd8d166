import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli as run } from '../support/cli.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

describe('dremio-ha-monitor probe', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dir: string;
  let configFile: string;

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 4000 });
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      common: { clusterId: 'analytics', sessionTimeoutMs: 4000, startupDelayMs: 100 },
    });
    dir = await mkdtemp(join(tmpdir(), 'probe-cli-'));
    configFile = join(dir, 'monitor.yaml');
    const coordinators = dremio.nodes
      .filter((node) => node.options.role !== 'executor')
      .map(
        (node) =>
          `      - address: ${node.options.address}\n        webUrl: ${node.webUrl}\n        role: ${node.options.role === 'master-candidate' ? 'master-candidate' : 'coordinator'}`,
      )
      .join('\n');
    await writeFile(
      configFile,
      `clusters:
  - name: analytics
    zookeeper:
      connect: ${zk.connectString}
      clusterId: analytics
    coordinators:
${coordinators}
    http: { timeoutMs: 500, connectTimeoutMs: 300 }
  - name: nowhere
    zookeeper: { connect: "127.0.0.1:1", connectTimeoutMs: 300, fourLetterWordTimeoutMs: 300 }
    coordinators:
      - { address: 127.0.0.1, webUrl: "http://127.0.0.1:1", role: coordinator }
`,
    );
  });
  after(async () => {
    await dremio?.stop();
    await zk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a readable table and exits 0 for a healthy cluster', async () => {
    const result = await run(['probe', '--config', configFile, '--cluster', 'analytics']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^analytics: HEALTHY/m);
    assert.match(result.stdout, /master\s+127\.0\.0\.11 fabric 45678/);
    assert.match(
      result.stdout,
      /127\.0\.0\.12\s+master-candidate\s+not registered\s+refused \(normal for a standby\)/,
    );
    assert.match(result.stdout, /executors\s+2: 127\.0\.0\.31, 127\.0\.0\.32/);
    assert.match(result.stdout, /zookeeper\s+quorum yes/);
  });

  it('prints {"clusters": [snapshot, ...]} with --json and exits 2 when one cluster is critical', async () => {
    const result = await run(['probe', '--json'], { DREMIO_HA_MONITOR_CONFIG: configFile });
    assert.equal(result.code, 2, result.stderr);
    const output = JSON.parse(result.stdout) as { clusters: Array<Record<string, unknown>> };
    assert.deepEqual(
      output.clusters.map((snapshot) => snapshot.cluster),
      ['analytics', 'nowhere'],
    );
    const [analytics, nowhere] = output.clusters;
    assert.ok(analytics && nowhere);
    for (const key of [
      'observedAt',
      'zookeeper',
      'master',
      'masters',
      'latch',
      'coordinators',
      'executors',
      'problems',
    ]) {
      assert.ok(key in analytics, `snapshot has ${key}`);
    }
    assert.equal((analytics.master as { address: string }).address, '127.0.0.11');
    assert.equal((nowhere.zookeeper as { reachable: boolean }).reachable, false);
  });

  it('exits 1 when a coordinator is degraded', async () => {
    const coordinator = dremio.node('coordinator-a');
    const mark = coordinator.mark();
    coordinator.command({ kind: 'http', behaviour: { kind: 'zombie' } });
    await coordinator.waitFor('fault', { from: mark });
    try {
      const result = await run(['probe', '--config', configFile, '--cluster', 'analytics']);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /^analytics: DEGRADED/m);
      assert.match(result.stdout, /127\.0\.0\.21\s+coordinator\s+registered\s+timeout/);
    } finally {
      coordinator.command({ kind: 'http', behaviour: { kind: 'normal' } });
    }
  });

  it('exits 3 for an unknown cluster, a bad option and an invalid file, naming what is wrong', async () => {
    const unknown = await run(['probe', '--config', configFile, '--cluster', 'nope']);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /no cluster named "nope" \(configured: analytics, nowhere\)/);

    const option = await run(['probe', '--frobnicate']);
    assert.equal(option.code, 3);
    assert.match(option.stderr, /--frobnicate/);

    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        clusters: [
          {
            name: 'a',
            zookeeper: { connect: 'zk:2181' },
            coordinators: [{ address: 'c', role: 'coordinator' }],
          },
          { name: 'b', zookeeper: { connect: 'zk1:2181;zk2' }, coordinators: [] },
        ],
      }),
    );
    const invalid = await run(['probe', '--config', bad]);
    assert.equal(invalid.code, 3);
    assert.match(invalid.stderr, /clusters\[1\]\.zookeeper\.connect: expected host:port\[,host:port\.\.\.\]/);
    assert.match(invalid.stderr, /clusters\[1\]\.coordinators/);
    assert.equal(invalid.stdout, '');
  });
});
