/**
 * Bundle size and cold initialisation of each Lambda function, bundled as the construct bundles
 * them (esbuild, ESM, minified, `@aws-sdk/*` left to the runtime). Cold init: a fresh node process
 * imports the bundle, which builds the handler and its clients at import (as the Lambda init phase
 * does); the SDK is resolved from node_modules, as the runtime resolves its own.
 * Targets: <= 1 MB and <= 150 ms per function.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundlingOptions, PROTO_BUNDLE_PATH, PROTO_SOURCE } from '../infra/functions.ts';
import { summary } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const options = bundlingOptions();
// The bundle must resolve @aws-sdk from the project's node_modules, as Lambda resolves its own.
const dir = mkdtempSync(join(root, 'node_modules', '.bench-bundle-'));
const RUNS = 7;

try {
  for (const name of ['monitor', 'remediate']) {
    const outdir = join(dir, name);
    const outfile = join(outdir, 'index.mjs');
    await build({
      entryPoints: [join(root, 'functions', name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: options.target ?? 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      external: [...(options.externalModules ?? [])],
      banner: { js: options.banner ?? '' },
      logLevel: 'warning',
    });
    copyFileSync(join(root, PROTO_SOURCE), join(outdir, PROTO_BUNDLE_PATH));
    const bytes = statSync(outfile).size;
    const probe = join(outdir, 'init.mjs');
    writeFileSync(
      probe,
      `const t = performance.now(); const m = await import('./index.mjs'); if (typeof m.handler !== 'function') throw new Error('no handler'); console.log(performance.now() - t);`,
    );
    const env = {
      ...process.env,
      TABLE_NAME: 'bench',
      CONFIG_PARAMETER: '/bench/config',
      AWS_REGION: 'eu-west-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NODE_OPTIONS: '',
    };
    const times: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      times.push(Number(execFileSync(process.execPath, [probe], { env, encoding: 'utf8' }).trim()));
    }
    console.log(
      `${name}: bundle ${(bytes / 1024).toFixed(0)} KiB (target <= 1024 KiB); cold init ${summary(times)} (target p50 <= 150 ms)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
