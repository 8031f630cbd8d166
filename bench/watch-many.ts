/**
 * Memory of one `watch` process for 100 clusters: the built CLI (dist/cli-bundle/run.js, after `npm
 * run build`) when present, else the sources through tsx, watching BENCH_CLUSTERS simulated clusters
 * (many-clusters.ts: registrations in one ZooKeeper, server_status endpoints in another process) with
 * the embedded store in a temporary --data-dir and metrics on, for BENCH_WATCH_MS (60 s). Reports its
 * peak RSS (VmHWM) and the ratio to an idle node process measured in the same run.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BIN } from '../test/support/cli.ts';
import { freePort } from '../test/support/ports.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 100);
const RUN_MS = Number(process.env.BENCH_WATCH_MS ?? 60_000);
const BUNDLE = new URL('../dist/cli-bundle/run.js', import.meta.url).pathname;

/** kB figures of /proc/<pid>/status: VmRSS now, VmHWM the peak. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU seconds (user and system) a process has used, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function idleBaseline(): Promise<number> {
  const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const { peakMb } = memoryOf(idle.pid as number);
  idle.kill();
  return peakMb;
}

const zk = await startZooKeeper({ servers: 1, tickTime: 200, maxClientCnxns: 0 });
const fixture = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('./many-clusters.ts', import.meta.url).pathname],
  {
    env: { ...process.env, BENCH_ZK: zk.connectString, BENCH_CLUSTERS: String(CLUSTERS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const dir = await mkdtemp(join(tmpdir(), 'bench-watch-'));
try {
  const [line] = (await once(createInterface({ input: fixture.stdout }), 'line')) as [string];
  const config = join(dir, 'monitor.json');
  await writeFile(config, JSON.stringify({ clusters: JSON.parse(line) as unknown[] }));
  const baselineMb = await idleBaseline();
  const built = existsSync(BUNDLE);
  const port = await freePort();
  // BENCH_STORE=external: the store served by another process (`store serve`), as several watch
  // processes would share it, so that the figure leaves out the embedded dynalite.
  const external = process.env.BENCH_STORE === 'external';
  const storePort = await freePort();
  const server = external
    ? spawn(
        process.execPath,
        [
          built ? BUNDLE : BIN,
          'store',
          'serve',
          '--data-dir',
          join(dir, 'data'),
          '--port',
          String(storePort),
        ],
        { stdio: 'ignore' },
      )
    : null;
  if (server) await new Promise((resolve) => setTimeout(resolve, 3000));
  const storeArgs = external
    ? ['--store-endpoint', `http://127.0.0.1:${storePort}`]
    : ['--data-dir', join(dir, 'data')];
  const watch = spawn(
    process.execPath,
    [
      built ? BUNDLE : BIN,
      'watch',
      '--config',
      config,
      ...storeArgs,
      '--metrics-listen',
      `127.0.0.1:${port}`,
    ],
    // BENCH_WATCH_NODE_OPTIONS: V8 flags for the watch process alone (say --max-old-space-size=128).
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        NODE_OPTIONS: process.env.BENCH_WATCH_NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '',
      },
    },
  );
  watch.on('exit', () => server?.kill());
  let errors = 0;
  createInterface({ input: watch.stderr }).on('line', (text) => {
    if (text.includes('"level":"error"')) errors += 1;
  });
  const started = Date.now();
  const samples: number[] = [];
  while (Date.now() - started < RUN_MS) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (watch.exitCode !== null) throw new Error(`watch exited with ${watch.exitCode}`);
    samples.push(memoryOf(watch.pid as number).rssMb);
  }
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const up = text.split('\n').filter((row) => /^dremio_ha_master_up\{.*\} 1$/.test(row)).length;
  // What the process says of itself: the JS heap, and memory outside it (buffers, native).
  const gauge = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024 / 1024;
  const { rssMb, peakMb } = memoryOf(watch.pid as number);
  const cpuShare = cpuSecondsOf(watch.pid as number) / ((Date.now() - started) / 1000);
  watch.kill('SIGTERM');
  await once(watch, 'exit');
  console.log(
    `watch of ${CLUSTERS} clusters (${built ? 'built CLI' : 'sources through tsx'}, ${external ? 'store served by another process' : 'embedded store'}, metrics on${process.env.BENCH_WATCH_NODE_OPTIONS ? `, ${process.env.BENCH_WATCH_NODE_OPTIONS}` : ''}), ` +
      `${(RUN_MS / 1000).toFixed(0)} s: peak RSS ${peakMb.toFixed(0)} MB (RSS at the end ${rssMb.toFixed(0)} MB, ` +
      `median sample ${[...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]?.toFixed(0)} MB); ` +
      `${(peakMb / baselineMb).toFixed(1)} x an idle node (${baselineMb.toFixed(0)} MB); ` +
      `heap used ${gauge('nodejs_heap_size_used_bytes').toFixed(0)} MB of ${gauge('nodejs_heap_size_total_bytes').toFixed(0)} MB, ` +
      `external ${gauge('nodejs_external_memory_bytes').toFixed(0)} MB; ` +
      `CPU ${(cpuShare * 100).toFixed(1)}% of one core; ` +
      `${up} of ${CLUSTERS} masters up in /metrics; ${errors} error lines`,
  );
} finally {
  fixture.kill();
  await zk.stop();
  await rm(dir, { recursive: true, force: true });
}
