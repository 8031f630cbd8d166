import type { DetectorState } from '../shared/detect/index.ts';
import { detectorStateOf } from '../shared/monitor-state.ts';
import {
  loadConfig,
  openStore,
  parse,
  runCommand,
  STORE_OPTIONS,
  STORE_USAGE,
  selectClusters,
} from './context.ts';
import { EXIT } from './exit-codes.ts';

const USAGE = `[--cluster NAME] [--json] ${STORE_USAGE}`;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What `status` says of one cluster, from its recorded state. */
export function clusterStatus(name: string, state: DetectorState | null) {
  const master = state?.master;
  return {
    cluster: name,
    recorded: state !== null,
    master:
      master?.kind === 'present'
        ? {
            address: master.master.address,
            since: iso(master.master.registeredAt),
            startTime: iso(master.master.startTime),
          }
        : null,
    masterDownSince: master?.kind === 'absent' ? iso(master.since) : null,
    lastObservedAt: state?.lastObservedAt ? iso(state.lastObservedAt) : null,
    openIncidents: (state?.incidents ?? []).map((incident) => ({
      key: incident.key,
      kind: incident.kind,
      severity: incident.severity,
      summary: incident.summary,
      openedAt: iso(incident.openedAt),
      acknowledged: incident.acknowledged ?? null,
    })),
    maintenance: state?.maintenance ?? [],
  };
}

/** `status`: per cluster, the master and since when, and the open incidents, from the store. */
export function statusCommand(argv: readonly string[]): Promise<number> {
  return runCommand('status', USAGE, async () => {
    const { values } = parse(argv, {
      ...STORE_OPTIONS,
      cluster: { type: 'string' },
      json: { type: 'boolean' },
    });
    const config = await loadConfig(values.config);
    const opened = await openStore(values);
    try {
      const statuses = [];
      for (const cluster of selectClusters(config, values.cluster)) {
        const stored = await opened.store.load(cluster.name);
        statuses.push(clusterStatus(cluster.name, detectorStateOf(stored.state)));
      }
      if (values.json) {
        console.log(JSON.stringify({ clusters: statuses }, null, 2));
        return EXIT.healthy;
      }
      for (const status of statuses) {
        const master = status.master
          ? `master ${status.master.address} since ${status.master.since}`
          : status.masterDownSince
            ? `NO MASTER since ${status.masterDownSince}`
            : status.recorded
              ? 'master unknown'
              : 'never observed';
        console.log(
          `${status.cluster}: ${master}${status.lastObservedAt ? ` (observed ${status.lastObservedAt})` : ''}`,
        );
        for (const incident of status.openIncidents) {
          const ack = incident.acknowledged ? ` acknowledged by ${incident.acknowledged.by}` : '';
          console.log(
            `  open ${incident.severity} ${incident.key} since ${incident.openedAt}: ${incident.summary}${ack}`,
          );
        }
        for (const window of status.maintenance) {
          console.log(
            `  maintenance ${window.id} ${iso(window.start)} .. ${iso(window.end)} by ${window.owner}: ${window.reason}`,
          );
        }
      }
      return EXIT.healthy;
    } finally {
      await opened.close();
    }
  });
}
