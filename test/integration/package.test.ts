import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runCli } from '../support/cli.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

/** A probe's JSON with what changes from one observation to the next (times, latencies) blanked. */
function stable(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => stable(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, stable(item, name)]));
  }
  if (/(At|Ms|latency|Latency|Time|zxid|Zxid|ephemeralOwner|detail)$/.test(key)) return typeof value;
  return value;
}

describe('the npm package, packed and installed into an empty folder', { timeout: 300_000 }, () => {
  let dir: string;
  let bin: string;
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let configFile: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'package-'));
    // prepack builds dist/ (tsc for the library, esbuild for the CLI), as `npm publish` would.
    await run('npm', ['pack', '--pack-destination', dir, '--silent'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const tarball = (await readdir(dir)).find((name) => name.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    const app = join(dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), '{"name": "consumer", "private": true, "type": "module"}\n');
    await run('npm', ['install', join(dir, tarball), '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: app,
      maxBuffer: 64 * 1024 * 1024,
    });
    bin = join(app, 'node_modules/dremio-ha-monitor/bin/dremio-ha-monitor.js');

    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 4000 });
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      common: { clusterId: 'analytics', sessionTimeoutMs: 4000, startupDelayMs: 100 },
    });
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
      `clusters:\n  - name: analytics\n    zookeeper:\n      connect: ${zk.connectString}\n      clusterId: analytics\n    coordinators:\n${coordinators}\n`,
    );
  });
  after(async () => {
    await dremio?.stop();
    await zk?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ships compiled JavaScript and no TypeScript sources, and runs without a loader', async () => {
    const installed = join(dir, 'app/node_modules/dremio-ha-monitor');
    const files = await readdir(installed, { recursive: true });
    assert.ok(files.includes('dist/cli-bundle/run.js'));
    assert.ok(files.includes('dist/shared/events/types.d.ts'), 'type declarations ship');
    assert.deepEqual(
      files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
      [],
      'no TypeScript source ships',
    );
    assert.equal(
      files.some((file) => file.startsWith('node_modules/tsx')),
      false,
    );
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      version: string;
    };
    const version = await runCli(['--version'], {}, bin);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), manifest.version);
  });

  it('says the same as the sources: --help, and the probe JSON of a healthy cluster', async () => {
    const [builtHelp, sourceHelp] = await Promise.all([runCli(['--help'], {}, bin), runCli(['--help'])]);
    assert.equal(builtHelp.stdout, sourceHelp.stdout);
    const args = ['probe', '--config', configFile, '--json'];
    const built = await runCli(args, {}, bin);
    const source = await runCli(args);
    assert.equal(built.code, 0, built.stderr);
    assert.equal(source.code, 0, source.stderr);
    const [builtJson, sourceJson] = [JSON.parse(built.stdout), JSON.parse(source.stdout)];
    assert.equal(builtJson.clusters[0].master.address, '127.0.0.11');
    assert.deepEqual(stable(builtJson), stable(sourceJson));
  });

  it('exports the construct: a separate CDK app instantiates it from the package and synthesises offline', async () => {
    const app = join(dir, 'app');
    // The peers a team's CDK app already has; the package itself brings neither them nor esbuild.
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      await symlink(join(ROOT, 'node_modules', peer), join(app, 'node_modules', peer), 'dir');
    }
    assert.equal((await readdir(join(app, 'node_modules'))).includes('esbuild'), false);
    await writeFile(
      join(app, 'app.mjs'),
      `import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { parseConfig } from 'dremio-ha-monitor';
import { DremioFailoverMonitor, propsFromConfig } from 'dremio-ha-monitor/cdk';

const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'TeamStack', { env: { account: '123456789012', region: 'eu-west-1' } });
const config = parseConfig(
  {
    clusters: [{ name: 'prod', zookeeper: { connect: 'zk1:2181' }, coordinators: [{ address: '10.0.0.7', role: 'master-candidate' }] }],
    aws: { vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-0abc1234', 'subnet-0abc5678'] } },
  },
  'team.yaml',
);
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
  vpcId: 'vpc-0abc1234',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  privateSubnetIds: ['subnet-0abc1234', 'subnet-0abc5678'],
});
new DremioFailoverMonitor(stack, 'Monitor', { ...propsFromConfig(config, 'team'), vpc });
app.synth();
`,
    );
    const out = join(dir, 'cdk.out');
    await run(process.execPath, ['app.mjs', out], { cwd: app, maxBuffer: 64 * 1024 * 1024 });
    const template = JSON.parse(await readFile(join(out, 'TeamStack.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
      >;
    };
    const functions = Object.values(template.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.Runtime === 'nodejs22.x',
    );
    assert.equal(functions.length, 2, 'the monitor and the remediate functions');
    for (const fn of functions) {
      assert.equal(fn.Properties.Handler, 'index.handler');
      const key = String((fn.Properties.Code as { S3Key?: unknown }).S3Key ?? '');
      const files = await readdir(join(out, `asset.${key.replace(/\.zip$/, '')}`));
      assert.ok(files.includes('index.mjs') && files.includes('coordination.proto'), files.join(', '));
    }
  });
});
