/**
 * Peak RSS of the monitor function's work, to size its memory (infra: monitorMemoryMb,
 * remediateMemoryMb). Poll mode under load: one process (a warm container) polls each of 100
 * simulated clusters (bench/many-clusters.ts, as bench/probe.ts runs it) through the monitor
 * handler, three rounds. Watch mode: one cluster held for WATCH_MS (first, the peak being monotonic). The handler runs on the
 * in-memory store with the real Powertools logger and metrics (their output discarded); the process
 * runs through tsx, whose own memory is in the "loaded" figure: the work adds the difference.
 * The Lambda footprint is then the bundle loaded with every lazy chunk (measured in a fresh node,
 * no tsx) plus that difference. Run with --expose-gc (bench/run.ts does not) for the "after a full
 * GC" figures: V8 grows its heap before collecting when memory is plentiful, so the peak overstates
 * what a smaller function needs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { monitorHandler } from '../functions/monitor/handler.ts';
import { functionBuildOptions, PROTO_BUNDLE_PATH, PROTO_SOURCE } from '../infra/functions.ts';
import { parseConfig } from '../shared/config/index.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { localRuntime } from '../test/support/lambda-runtime.ts';
import { MemoryStore } from '../test/support/memory-store.ts';
import { startZooKeeper } from '../test/support/zookeeper.ts';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 100);
const WATCH_MS = Number(process.env.BENCH_WATCH_MS ?? 30_000);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
/** RSS after a full collection (with --expose-gc): what the work keeps, not what the heap has not yet collected. */
function liveRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}
/** Peak RSS of this process so far (maxRSS is in KiB). */
const peak = () => process.resourceUsage().maxRSS * 1024;

/** RSS of a fresh node that imported a function's bundle and every lazy chunk of it. */
function bundleRss(entry: 'monitor' | 'remediate', dir: string): Promise<number> {
  const outdir = join(dir, entry);
  return build({ ...functionBuildOptions(entry, outdir), sourcemap: false }).then(() => {
    copyFileSync(join(root, PROTO_SOURCE), join(outdir, PROTO_BUNDLE_PATH));
    const chunks = readdirSync(outdir).filter((name) => name.endsWith('.mjs'));
    const probe = join(outdir, 'rss.mjs');
    writeFileSync(
      probe,
      `for (const chunk of ${JSON.stringify(chunks)}) await import('./' + chunk); console.log(process.resourceUsage().maxRSS * 1024);`,
    );
    const env = {
      ...process.env,
      TABLE_NAME: 't',
      CONFIG_PARAMETER: '/c',
      AWS_REGION: 'eu-west-1',
      NODE_OPTIONS: '',
    };
    return Number(execFileSync(process.execPath, [probe], { env, encoding: 'utf8' }).trim());
  });
}

const root = fileURLToPath(new URL('..', import.meta.url));
// The bundles resolve @aws-sdk through a link to the project's node_modules (nothing written there).
const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
const zk = await startZooKeeper({ servers: 1, tickTime: 200, maxClientCnxns: 0 });
const fixture = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('./many-clusters.ts', import.meta.url).pathname],
  {
    env: { ...process.env, BENCH_ZK: zk.connectString, BENCH_CLUSTERS: String(CLUSTERS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
// Powertools writes one JSON line per log and metric: kept off the bench output.
const write = process.stdout.write.bind(process.stdout);
const say = (line: string) => write(`${line}\n`);
try {
  const [line] = (await once(createInterface({ input: fixture.stdout }), 'line')) as [string];
  const clusters = JSON.parse(line) as unknown[];
  const config = parseConfig({ clusters }, 'bench');
  const rss = { monitor: await bundleRss('monitor', dir), remediate: await bundleRss('remediate', dir) };
  say(
    `bundle loaded with every lazy chunk (fresh node): monitor ${mb(rss.monitor)}, remediate ${mb(rss.remediate)}`,
  );

  const loaded = peak();
  const liveLoaded = liveRss();
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const first = config.clusters[0];
  if (!first) throw new Error('no cluster');
  const watch = monitorHandler(
    localRuntime({
      config,
      store: new MemoryStore(),
      observer: new ClusterObserver(),
      settings: { mode: 'watch', watchMs: WATCH_MS, intervalMs: 2000 },
    }),
  );
  await watch({ cluster: first.name });
  const watched = peak();
  const live = liveRss();
  const observer = new ClusterObserver();
  const poll = monitorHandler(localRuntime({ config, store: new MemoryStore(), observer }));
  for (let round = 0; round < 3; round += 1) {
    for (const cluster of config.clusters) {
      const result = await poll({ cluster: cluster.name });
      if (!result.ok) throw new Error(result.error);
    }
  }
  const polled = peak();
  const livePolled = liveRss();
  process.stdout.write = write;
  say(`this process (tsx) loaded: peak RSS ${mb(loaded)}`);
  // Watch runs first: the peak is monotonic, so the poll figure also covers the watch before it.
  say(
    `watch, 1 cluster held ${WATCH_MS / 1000} s: peak RSS ${mb(watched)} (+${mb(watched - loaded)}); ` +
      `monitor footprint on Lambda ~ ${mb(rss.monitor + watched - loaded)}; after a full GC +${mb(live - liveLoaded)}`,
  );
  say(
    `poll, ${CLUSTERS} clusters x 3 rounds: peak RSS ${mb(polled)} (+${mb(polled - loaded)}); ` +
      `monitor footprint on Lambda ~ ${mb(rss.monitor + polled - loaded)}; after a full GC +${mb(livePolled - liveLoaded)}`,
  );
} finally {
  process.stdout.write = write;
  fixture.kill();
  await zk.stop();
  rmSync(dir, { recursive: true, force: true });
}
