/**
 * The folders show the pipeline, and arrows only point down it: a stage of `shared/` (config,
 * observe, detect, remediate, record, notify, report, ...) never imports the orchestration above it
 * (`shared/monitor/`), the event domain (`shared/events/`) below every stage imports none of them,
 * and `shared/` never imports the shells around it (cli, functions, infra, demo, bench, test). Run by `npm run lint`; exits 1 naming every import that runs back up.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHELLS = ['cli', 'functions', 'infra', 'demo', 'bench', 'test', 'scripts'];
const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

const problems = [];
for (const file of files(join(root, 'shared'))) {
  const from = relative(root, file);
  // shared/index.ts is the package's front door, above every stage and the orchestration alike.
  const inMonitor = from.startsWith('shared/monitor/') || from === 'shared/index.ts';
  const inEvents = from.startsWith('shared/events/');
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = relative(root, resolve(dirname(file), match[1]));
    const top = target.split('/')[0];
    if (SHELLS.includes(top))
      problems.push(`${from} imports ${target}: shared/ never imports the shells around it`);
    else if (inEvents && !target.startsWith('shared/events/')) {
      problems.push(`${from} imports ${target}: the event domain lies below every stage and imports none`);
    } else if (!inMonitor && target.startsWith('shared/monitor/')) {
      problems.push(`${from} imports ${target}: a stage never imports the orchestration that calls it`);
    }
  }
}
if (problems.length > 0) {
  console.error(
    `check-imports: ${problems.length} import(s) run back up the pipeline:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log('check-imports: every import of shared/ points down the pipeline');
