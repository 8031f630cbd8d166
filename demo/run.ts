/**
 * `npm run demo`: a Dremio failover detected, announced, repaired and recorded, on this machine.
 * Real ZooKeeper, an emulated Dremio HA cluster (two master candidates sharing a catalog lock, one
 * coordinator, two executors, each its own OS process), the monitor in watch mode on the embedded
 * store, a local Slack that prints what it receives, remediation through the local executor. Then:
 * SIGKILL the master, watch the events, the failover, the restart of the failed master as a standby,
 * and print the timeline and the audit log. `--keep` leaves everything running.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { eventLine } from '../cli/render-event.ts';
import { INSTALL_HINT, zookeeperInstalled } from '../test/support/zookeeper.ts';
import { DEMO_SETTINGS, type DemoRun, startDemo } from './scenario.ts';
import { printTimeline } from './timeline.ts';

// The demo runs on the Node it is given; the SDK's notice about Node 20 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    report: { type: 'string', default: 'demo-report.html' },
  },
});
if (!zookeeperInstalled()) {
  console.error(`demo: ${INSTALL_HINT}`);
  process.exit(1);
}

const workDir = await mkdtemp(join(tmpdir(), 'dremio-ha-demo-'));
let demo: DemoRun | undefined;
let exitCode = 0;
try {
  demo = await startDemo({ dataDir: join(workDir, 'store'), print: (line) => console.log(line) });
  console.log(
    `\nReal ZooKeeper at ${demo.zookeeper}; the emulated cluster and the monitor are up in ${demo.startupMs} ms.`,
  );
  for (const node of demo.nodes())
    console.log(`  ${node.name.padEnd(14)} ${node.role.padEnd(17)} pid ${node.pid}`);

  if (values.keep) {
    console.log(`
--keep: the cluster and the monitor keep running; remediation is on (demo pid ${process.pid}).
  kill -9 ${demo.masterPid()}     # the master: watch the failover and the restart below
  node bin/dremio-ha-monitor.js events --store-endpoint ${demo.storeEndpoint} --table dremio-ha-monitor
  node bin/dremio-ha-monitor.js status --store-endpoint ${demo.storeEndpoint} --table dremio-ha-monitor --config ${demo.configFile}
Ctrl-C stops everything.`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } else {
    console.log(`\n${DEMO_SETTINGS.join('\n')}`);
    console.log('\nThe scenario: SIGKILL the master, as a crashed JVM or a lost machine.\n');
    const result = await demo.playFailover();
    console.log('');
    printTimeline(result, (line) => console.log(line));
    console.log('\nThe audit log (what `dremio-ha-monitor events` prints):');
    for (const event of result.auditLog) console.log(`  ${eventLine(event)}`);
    const report = resolve(values.report);
    await writeFile(report, result.reportHtml);
    console.log(`\nThe failover report (what \`dremio-ha-monitor report\` writes): ${report}`);
    if (!result.matches) {
      console.error('demo: the timeline does not match the audit log');
      exitCode = 1;
    }
  }
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  const pids = demo?.pids() ?? [];
  await demo?.stop();
  await rm(workDir, { recursive: true, force: true });
  const alive = pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  if (alive.length > 0) {
    console.error(`demo: processes left behind: ${alive.join(', ')}`);
    exitCode = 1;
  } else {
    console.log(`Stopped ${pids.length} processes (ZooKeeper and every Dremio node): none left behind.`);
  }
}
process.exit(exitCode);
