import type { DetectorState } from '../shared/detect/index.ts';
import { monitorStateOf } from '../shared/monitor/monitor-state.ts';
import type { RemediationState } from '../shared/remediate/remediation-state.ts';
import {
  loadConfig,
  parse,
  runCommand,
  STORE_OPTIONS,
  STORE_USAGE,
  selectClusters,
  withStore,
} from './context.ts';
import { EXIT } from './exit-codes.ts';

const USAGE = `[--cluster NAME] [--json] ${STORE_USAGE}`;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What `status` says of one cluster, from its recorded state. */
export function clusterStatus(
  name: string,
  state: DetectorState | null,
  remediation: RemediationState | null = null,
) {
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
    remediation: remediation && {
      inFlight: remediation.inFlight && {
        actionId: remediation.inFlight.id,
        address: remediation.inFlight.address,
        startedAt: iso(remediation.inFlight.startedAt),
        deadline: iso(remediation.inFlight.deadline),
        dryRun: remediation.inFlight.dryRun,
      },
      needs: remediation.needs.map((need) => ({
        address: need.address,
        reason: need.reason,
        since: iso(need.since),
        attempts: need.attempts,
        blocked: need.blocked && {
          rule: need.blocked.rule,
          until: need.blocked.until === null ? null : iso(need.blocked.until),
        },
        stopped: need.stopped,
      })),
      actionsLast24h: remediation.actionsAt.length,
    },
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
    return withStore(values, async (store) => {
      const statuses = [];
      for (const cluster of selectClusters(config, values.cluster)) {
        const stored = await store.load(cluster.name);
        const state = monitorStateOf(stored.state);
        statuses.push(clusterStatus(cluster.name, state?.detector ?? null, state?.remediation ?? null));
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
        const remediation = status.remediation;
        if (remediation?.inFlight) {
          const { address, actionId, startedAt, deadline } = remediation.inFlight;
          console.log(
            `  restarting ${address} (action ${actionId}) since ${startedAt}, outcome by ${deadline}`,
          );
        }
        for (const need of remediation?.needs ?? []) {
          const why = need.stopped
            ? `stopped: ${need.stopped}`
            : need.blocked
              ? `blocked by ${need.blocked.rule}${need.blocked.until ? ` until ${need.blocked.until}` : ''}`
              : 'pending';
          console.log(`  to restart ${need.address} (${need.reason} since ${need.since}): ${why}`);
        }
        for (const window of status.maintenance) {
          console.log(
            `  maintenance ${window.id} ${iso(window.start)} .. ${iso(window.end)} by ${window.owner}: ${window.reason}`,
          );
        }
      }
      return EXIT.healthy;
    });
  });
}
