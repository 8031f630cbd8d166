/**
 * Whole-process figures of the installed CLI, as a user's shell sees them: `node -e 0` (the floor),
 * the built CLI's `--version`, and its `probe --json` of one healthy emulated cluster, each the
 * median of several runs with its peak RSS (GNU time, where present), and the ratio to the floor.
 * The same through the sources (tsx), for comparison. Builds dist/ first when it is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDremioCluster } from '../test/support/dremio/cluster.ts';
import { coordinatorsOf } from '../test/support/monitor-config.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';
import { percentile } from './stats.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const BUILT = join(ROOT, 'dist/cli-bundle/run.js');
const SOURCES = join(ROOT, 'bin/dremio-ha-monitor.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

if (!existsSync(BUILT))
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });

interface Run {
  readonly ms: number;
  readonly rssMb: number | null;
}

function once(args: readonly string[]): Run {
  const command = GNU_TIME ?? process.execPath;
  const argv = GNU_TIME ? ['-f', '%M', process.execPath, ...args] : [...args];
  const started = performance.now();
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const kb = GNU_TIME ? Number(result.stderr.trim().split('\n').at(-1)) : Number.NaN;
  return { ms, rssMb: Number.isFinite(kb) ? kb / 1024 : null };
}

function measure(args: readonly string[]): { ms: number; rssMb: number | null } {
  once(args); // warm the file cache
  const runs = Array.from({ length: RUNS }, () => once(args));
  const rss = runs.map((run) => run.rssMb).filter((value): value is number => value !== null);
  return {
    ms: percentile(
      runs.map((run) => run.ms),
      0.5,
    ),
    rssMb: rss.length > 0 ? Math.max(...rss) : null,
  };
}

const zk = await startZooKeeper({ tickTime: 200 });
const dremio = await startDremioCluster({ zookeeper: zk.connectString, common: { clusterId: 'bench' } });
const dir = await mkdtemp(join(tmpdir(), 'bench-startup-'));
try {
  const config = join(dir, 'monitor.json');
  await writeFile(
    config,
    JSON.stringify({
      clusters: [
        {
          name: 'bench',
          zookeeper: { connect: zk.connectString, clusterId: 'bench' },
          coordinators: coordinatorsOf(dremio),
        },
      ],
    }),
  );
  const floor = measure(['-e', '0']);
  const rows: Array<[string, { ms: number; rssMb: number | null }]> = [
    ['node -e 0 (the floor)', floor],
    ['built CLI --version', measure([BUILT, '--version'])],
    ['built CLI probe --json, one healthy cluster', measure([BUILT, 'probe', '--json', '--config', config])],
    ['sources (tsx) --version', measure([SOURCES, '--version'])],
    ['sources (tsx) probe --json', measure([SOURCES, 'probe', '--json', '--config', config])],
  ];
  console.log(`whole process, median of ${RUNS} runs (peak RSS: the largest run)`);
  for (const [label, figure] of rows) {
    const rss = figure.rssMb === null ? '' : `, ${figure.rssMb.toFixed(0)} MiB`;
    console.log(
      `  ${label}: ${figure.ms.toFixed(0)} ms${rss} (${(figure.ms / floor.ms).toFixed(2)}x the floor)`,
    );
  }
} finally {
  await dremio.stop();
  await zk.stop();
  await rm(dir, { recursive: true, force: true });
}
