/**
 * `npm run build`: what the package ships, in dist/.
 * - The library (dist/shared, dist/infra, ...): tsc, so that the code and its declarations come from
 *   the compiler that type-checks them, one module per source file for whoever imports it.
 * - The CLI (dist/cli-bundle): esbuild, bundled and split per command. A process that starts for one
 *   command should not resolve hundreds of files (zod alone is over 200): one chunk per command,
 *   loaded when the command runs, starts several times faster than the same code as modules.
 * Each gets the .proto that shared/dremio/registration.ts reads from next to itself.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
const PROTO = join(root, 'shared/dremio/coordination.proto');
copyFileSync(PROTO, join(dist, 'shared/dremio/coordination.proto'));

// infra/functions.ts, loaded from the sources through tsx (a dev dependency, present wherever the
// package is built), holds the bundling options the construct uses too.
const { register } = await import('tsx/esm/api');
register();
const { functionBuildOptions, REQUIRE_BANNER } = await import('../infra/functions.ts');

const cli = join(dist, 'cli-bundle');
await build({
  entryPoints: [join(root, 'cli/run.ts')],
  outdir: cli,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The source of every loaded module stays in the heap: whitespace-free and ASCII-only (a single
  // non-ASCII character makes V8 hold a whole file in two bytes a character), it takes about half.
  // Names are kept, so that stack traces and profiles still read.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  // level (under dynalite, the embedded store) loads native bindings: resolved from node_modules.
  external: ['dynalite'],
  banner: { js: REQUIRE_BANNER },
  logLevel: 'warning',
});
copyFileSync(PROTO, join(cli, 'coordination.proto'));

// The Lambda functions, bundled with the construct's own options, so that the compiled construct
// deploys them without esbuild.
for (const entry of ['monitor', 'remediate', 'interactions']) {
  const out = join(dist, 'lambda', entry);
  await build(functionBuildOptions(entry, out));
  copyFileSync(PROTO, join(out, 'coordination.proto'));
}
console.log('build: dist/ written');
