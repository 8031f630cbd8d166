import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { configFromParameter } from '../../functions/runtime.ts';
import { PROJECT_ROOT, PROTO_BUNDLE_PATH, PROTO_SOURCE } from '../../infra/functions.ts';
import { parseConfigText } from '../../shared/config/index.ts';

const EXAMPLE = join(PROJECT_ROOT, 'examples/dremio-ha-monitor.yaml');

/**
 * What one index.mjs may weigh. The handlers measured 1.16 MB (357 KB gzipped), undici alone 536 KB:
 * this catches the AWS SDK (which the runtime provides) or dynalite being bundled by mistake.
 */
const MAX_BUNDLE_BYTES = 1024 * 1024;

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cdk.out.infra-app-'));
  dirs.push(dir);
  return dir;
}

interface Run {
  readonly code: number | null;
  readonly stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs the CDK app as `cdk synth` does: context and output directory through the environment. */
function runApp(
  context: Record<string, unknown>,
  outdir: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return run(['--import', 'tsx', 'infra/app.ts'], {
    CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:enable-asset-metadata': true, ...context }),
    CDK_OUTDIR: outdir,
    DREMIO_HA_MONITOR_CONFIG: '',
    ...env,
  });
}

/** `npm run synth` itself: the CDK CLI, offline, running the app of cdk.json, with bundling. */
function runSynth(config: string, outdir: string): Promise<Run> {
  return run(
    [
      join(PROJECT_ROOT, 'node_modules/aws-cdk/bin/cdk'),
      'synth',
      '--no-notices',
      '-q',
      '-c',
      `config=${config}`,
      '-o',
      outdir,
    ],
    { CDK_DISABLE_CLI_TELEMETRY: 'true', DREMIO_HA_MONITOR_CONFIG: '' },
  );
}

/**
 * Imports a bundle in a child process as Lambda would, which also reads coordination.proto. The
 * handlers build their clients at load, so the child is ended once the import resolved.
 */
function load(file: string): Promise<Run> {
  const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => process.exit(typeof m.handler === 'function' ? 0 : 2))`;
  return run(['--input-type=module', '-e', script], {
    AWS_REGION: 'eu-west-1',
    TABLE_NAME: 'table',
    CONFIG_PARAMETER: '/config',
  });
}

/** A copy of the example without its vpc block (the key line and the lines indented under it). */
async function configWithoutVpc(): Promise<string> {
  const dir = await tempDir();
  const config = join(dir, 'no-vpc.yaml');
  await writeFile(config, readFileSync(EXAMPLE, 'utf8').replace(/^ {2}vpc:.*\n(?: {4}.*\n)+/m, ''));
  return config;
}

describe('infra/app.ts', () => {
  let outdir = '';
  let synth: Run = { code: null, stderr: '' };
  let refused: Run = { code: null, stderr: '' };
  let template: {
    Resources: Record<
      string,
      { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }
    >;
  } = { Resources: {} };

  // Both apps at once: each spends seconds loading aws-cdk-lib.
  before(async () => {
    outdir = await tempDir();
    const noVpc = await configWithoutVpc();
    [synth, refused] = await Promise.all([
      runSynth(EXAMPLE, outdir),
      runApp({}, join(outdir, 'refused'), { DREMIO_HA_MONITOR_CONFIG: noVpc }),
    ]);
    if (synth.code === 0) {
      template = JSON.parse(await readFile(join(outdir, 'dremio-ha-monitor.template.json'), 'utf8'));
    }
  });

  it('`npm run synth` synthesizes the example offline, with cdk-nag AwsSolutions finding nothing, and stores the file as compact JSON', async () => {
    assert.equal(synth.code, 0, synth.stderr);
    const report = join(outdir, 'validation-report.json');
    if (existsSync(report)) {
      assert.deepEqual(JSON.parse(await readFile(report, 'utf8')).pluginReports, []);
    }
    const parameter = Object.values(template.Resources).find(
      (resource) => resource.Type === 'AWS::SSM::Parameter',
    );
    const stored = String(parameter?.Properties.Value);
    assert.ok(!stored.includes('\n'), 'compact');
    assert.deepEqual(
      configFromParameter(stored, 'ssm'),
      parseConfigText(readFileSync(EXAMPLE, 'utf8'), 'ssm'),
      'the functions read the same configuration',
    );
  });

  it('bundles index.mjs, its chunks and coordination.proto next to them, under 1 MB, loadable as ESM', async () => {
    const functions = Object.values(template.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    // monitor, remediate, and interactions: the example's slack-bot channel has a signing secret.
    assert.equal(functions.length, 3);
    // The Lambda runtime's AWS SDK, played by ours; nothing else may come from node_modules.
    await symlink(join(PROJECT_ROOT, 'node_modules'), join(outdir, 'node_modules'), 'dir');
    const loads: Array<Promise<Run>> = [];
    for (const fn of functions) {
      const asset = join(outdir, fn.Metadata?.['aws:asset:path'] ?? 'missing');
      const files = await readdir(asset);
      // The chunks a handler loads with import() at first use (infra/functions.ts functionBuildOptions).
      const chunks = files.filter((file) => file.endsWith('.mjs') && file !== 'index.mjs');
      assert.deepEqual(files.filter((file) => !chunks.includes(file) && !file.endsWith('.mjs.map')).sort(), [
        'coordination.proto',
        'index.mjs',
      ]);
      assert.deepEqual(
        readFileSync(join(asset, PROTO_BUNDLE_PATH)),
        readFileSync(join(PROJECT_ROOT, PROTO_SOURCE)),
      );
      const size = ['index.mjs', ...chunks].reduce((sum, file) => sum + statSync(join(asset, file)).size, 0);
      assert.ok(size < MAX_BUNDLE_BYTES, `the bundle is ${size} bytes`);
      loads.push(load(join(asset, 'index.mjs')));
    }
    for (const result of await Promise.all(loads)) assert.equal(result.code, 0, result.stderr);
  });

  it('refuses a configuration without aws.vpc: exit 1 and one line on stderr', () => {
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /aws\.vpc: required to deploy/);
  });
});
