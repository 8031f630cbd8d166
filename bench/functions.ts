/**
 * Bundle size and cold initialisation of each Lambda function, bundled as the construct bundles
 * them (infra/functions.ts functionBuildOptions: esbuild, ESM, minified, split, `@aws-sdk/*` left
 * to the runtime). Cold init: a fresh node process imports the bundle, which builds the handler at
 * import (as the Lambda init phase does); the SDK is resolved from node_modules, as the runtime
 * resolves its own. Baseline, in the same run and the same way: an empty handler bundle, so the
 * ratio does not depend on this machine's speed. The in-process import of an empty handler is near
 * zero, so the baseline is its whole cold process (node's own start, spawn to exit).
 * "+ lazy": the same process then imports every chunk the handler loads on first use (store,
 * parameters, notifiers, secrets, executors): what a first invocation that needs all of them adds.
 * Targets: <= 1 MB and <= 150 ms init per function.
 * BENCH_COMPARE_TREE=<dir>: also bundle the functions of another checkout of this repository (for
 * example `git archive <commit> | tar -x -C <dir>`) with the same options and measure them the same
 * way in the same run: a before/after on one machine load.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { functionBuildOptions, PROTO_BUNDLE_PATH, PROTO_SOURCE } from '../infra/functions.ts';
import { summary } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// The bundle must resolve @aws-sdk from the project's node_modules, as Lambda resolves its own: a
// temporary folder links to them (node_modules may be shared with other checkouts: nothing is written there).
const dir = mkdtempSync(join(tmpdir(), 'bench-functions-'));
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
const RUNS = 7;

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Init and init + every lazy chunk, in fresh processes. */
function measure(outdir: string): { init: number[]; lazy: number[]; process: number[] } {
  const chunks = readdirSync(outdir).filter((name) => name.endsWith('.mjs') && name !== 'index.mjs');
  const probe = join(outdir, 'init.mjs');
  writeFileSync(
    probe,
    `const t = performance.now(); const m = await import('./index.mjs'); if (typeof m.handler !== 'function') throw new Error('no handler');
const init = performance.now() - t;
for (const chunk of ${JSON.stringify(chunks)}) await import('./' + chunk);
console.log(JSON.stringify([init, performance.now() - t]));`,
  );
  const env = {
    ...process.env,
    TABLE_NAME: 'bench',
    CONFIG_PARAMETER: '/bench/config',
    AWS_REGION: 'eu-west-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_OPTIONS: '',
  };
  const init: number[] = [];
  const lazy: number[] = [];
  const whole: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    const [a, b] = JSON.parse(execFileSync(process.execPath, [probe], { env, encoding: 'utf8' })) as [
      number,
      number,
    ];
    whole.push(performance.now() - started);
    init.push(a);
    lazy.push(b);
  }
  return { init, lazy, process: whole };
}

try {
  const baselineDir = join(dir, 'empty');
  mkdirSync(baselineDir);
  writeFileSync(join(baselineDir, 'index.mjs'), 'export const handler = async () => ({});\n');
  const empty = measure(baselineDir);
  const baseline = median(empty.process);
  console.log(
    `empty handler (baseline): cold init p50 ${median(empty.init).toFixed(1)} ms; whole process p50 ${baseline.toFixed(1)} ms`,
  );
  const compare = process.env.BENCH_COMPARE_TREE;
  const trees = compare
    ? [['', root] as const, [' (compared tree)', compare] as const]
    : [['', root] as const];
  for (const [label, tree] of trees)
    for (const entry of ['monitor', 'remediate'] as const) {
      const name = `${entry}${label}`;
      const outdir = join(dir, `${entry}${label ? '-compared' : ''}`);
      const options = functionBuildOptions(entry, outdir);
      await build({
        ...options,
        entryPoints: [join(tree, 'functions', entry, 'index.ts')],
        sourcemap: false,
      });
      copyFileSync(join(root, PROTO_SOURCE), join(outdir, PROTO_BUNDLE_PATH));
      const bytes = readdirSync(outdir)
        .filter((file) => file.endsWith('.mjs'))
        .reduce((sum, file) => sum + statSync(join(outdir, file)).size, 0);
      const index = statSync(join(outdir, 'index.mjs')).size;
      const { init, lazy, process: whole } = measure(outdir);
      console.log(
        `${name}: bundle ${(bytes / 1024).toFixed(0)} KiB in all (index.mjs ${(index / 1024).toFixed(0)} KiB; target <= 1024 KiB); ` +
          `cold init ${summary(init)} (target p50 <= 150 ms); init = ${(median(init) / baseline).toFixed(2)}x baseline; whole process with every lazy chunk ${(median(whole) / baseline).toFixed(2)}x; ` +
          `init + every lazy chunk ${summary(lazy)}`,
      );
    }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
