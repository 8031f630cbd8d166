import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFromEnvironment } from '../shared/config/index.ts';
import { ClusterObserver, observeClusters } from '../shared/observe/observer.ts';
import { healthOf, type Snapshot } from '../shared/observe/snapshot.ts';
import { EXIT } from './exit-codes.ts';
import { renderSnapshot } from './render-snapshot.ts';

export const PROBE_USAGE = 'usage: dremio-ha-monitor probe [--config FILE] [--cluster NAME] [--json]';

/** The exit code of a set of snapshots: the worst cluster wins. */
export function exitCodeOf(snapshots: readonly Snapshot[]): number {
  const healths = snapshots.map(healthOf);
  if (healths.includes('critical')) return EXIT.critical;
  if (healths.includes('degraded')) return EXIT.degraded;
  return EXIT.healthy;
}

/** `probe`: one snapshot of each configured cluster, as a table or as JSON. */
export async function probeCommand(argv: readonly string[]): Promise<number> {
  let values: { config?: string; cluster?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, cluster: { type: 'string' }, json: { type: 'boolean' } },
    }));
  } catch (error) {
    console.error(`dremio-ha-monitor probe: ${(error as Error).message}\n${PROBE_USAGE}`);
    return EXIT.usage;
  }
  let config: Awaited<ReturnType<typeof loadConfigFromEnvironment>>;
  try {
    config = await loadConfigFromEnvironment(values.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return EXIT.usage;
    }
    throw error;
  }
  const clusters = values.cluster
    ? config.clusters.filter((c) => c.name === values.cluster)
    : config.clusters;
  if (clusters.length === 0) {
    const names = config.clusters.map((c) => c.name).join(', ');
    console.error(`dremio-ha-monitor probe: no cluster named "${values.cluster}" (configured: ${names})`);
    return EXIT.usage;
  }
  const observer = new ClusterObserver();
  try {
    const snapshots = await observeClusters(observer, clusters, { concurrency: config.probe.concurrency });
    if (values.json) console.log(JSON.stringify({ clusters: snapshots }, null, 2));
    else console.log(snapshots.map((snapshot) => renderSnapshot(snapshot).join('\n')).join('\n\n'));
    return exitCodeOf(snapshots);
  } finally {
    await observer.close();
  }
}
