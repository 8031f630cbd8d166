/**
 * `npm run build`: the package's compiled JavaScript and declarations in dist/ (tsc, so that the
 * declarations and the code come from the compiler that type-checks them), plus the files the code
 * reads at run time next to it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
// Read by shared/dremio/registration.ts from next to itself.
copyFileSync(join(root, 'shared/dremio/coordination.proto'), join(dist, 'shared/dremio/coordination.proto'));
console.log('build: dist/ written');
