import { addMaintenance, endMaintenance } from '../shared/detect/index.ts';
import { clusterOfIncidentKey } from '../shared/events/build.ts';
import { type ClusterMonitor, clusterMonitorFor, type Outcome } from '../shared/monitor/cluster-monitor.ts';
import { detectorStateOf } from '../shared/monitor/monitor-state.ts';
import {
  loadConfig,
  parse,
  runCommand,
  STORE_OPTIONS,
  STORE_USAGE,
  selectClusters,
  UsageError,
  withStore,
} from './context.ts';
import { UNIT_MS } from './events.ts';
import { EXIT } from './exit-codes.ts';
import { eventLine } from './render-event.ts';

const ACK_USAGE = `INCIDENT_KEY --by NAME --reason TEXT ${STORE_USAGE}`;
const MAINTENANCE_USAGE = `add --cluster NAME --end ISO|+2h [--start ISO] --owner NAME --reason TEXT | list [--cluster NAME] | end --cluster NAME WINDOW_ID  ${STORE_USAGE}`;

function required(value: string | undefined, option: string): string {
  if (!value?.trim()) throw new UsageError(`${option} is required`);
  return value.trim();
}

/** A time: ISO, or `+2h` from now. */
function parseTime(text: string, option: string, now: number): number {
  const relative = /^\+(\d+)([smhd])$/.exec(text);
  if (relative) return now + Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new UsageError(`${option} ${JSON.stringify(text)}: expected an ISO time or +30m, +2h`);
  return at;
}

async function apply(
  argv: Record<string, unknown>,
  clusterName: string,
  decide: (monitor: ClusterMonitor) => Promise<Outcome>,
): Promise<number> {
  const values = argv as { config?: string; 'data-dir'?: string; 'store-endpoint'?: string; table?: string };
  const config = await loadConfig(values.config);
  const [cluster] = selectClusters(config, clusterName);
  if (!cluster) throw new UsageError(`no cluster named "${clusterName}"`);
  return withStore(values, async (store) => {
    const outcome = await decide(clusterMonitorFor(cluster, store));
    if (outcome.kind === 'rejected') {
      const { kind, ...details } = outcome.error;
      console.error(`dremio-ha-monitor: ${kind.replace(/_/g, ' ')}: ${JSON.stringify(details)}`);
      return EXIT.usage;
    }
    if (outcome.kind === 'committed') for (const event of outcome.events) console.log(eventLine(event));
    return EXIT.healthy;
  });
}

/** `ack INCIDENT --by NAME --reason TEXT`: stops the reminders of an open incident, on record. */
export function ackCommand(argv: readonly string[]): Promise<number> {
  return runCommand('ack', ACK_USAGE, async () => {
    const { values, positionals } = parse(argv, {
      ...STORE_OPTIONS,
      by: { type: 'string' },
      reason: { type: 'string' },
    });
    const key = required(positionals[0], 'INCIDENT_KEY');
    const by = required(values.by, '--by');
    const reason = required(values.reason, '--reason');
    return apply(values, clusterOfIncidentKey(key), (monitor) => monitor.acknowledge(key, by, reason));
  });
}

/** `maintenance add|list|end`: windows that record events without paging, announced at both ends. */
export function maintenanceCommand(argv: readonly string[]): Promise<number> {
  return runCommand('maintenance', MAINTENANCE_USAGE, async () => {
    const { values, positionals } = parse(argv, {
      ...STORE_OPTIONS,
      cluster: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      owner: { type: 'string' },
      reason: { type: 'string' },
    });
    const [action, windowId] = positionals;
    const now = Date.now();
    if (action === 'add') {
      const request = {
        start: values.start ? parseTime(values.start, '--start', now) : now,
        end: parseTime(required(values.end, '--end'), '--end', now),
        owner: required(values.owner, '--owner'),
        reason: required(values.reason, '--reason'),
      };
      return apply(values, required(values.cluster, '--cluster'), (monitor) =>
        monitor.command((state, at, newId) => addMaintenance(state, request, at, newId)),
      );
    }
    if (action === 'end') {
      const id = required(windowId, 'WINDOW_ID');
      return apply(values, required(values.cluster, '--cluster'), (monitor) =>
        monitor.command((state, at, newId) => endMaintenance(state, id, at, newId)),
      );
    }
    if (action === 'list') {
      const config = await loadConfig(values.config);
      return withStore(values, async (store) => {
        for (const cluster of selectClusters(config, values.cluster)) {
          const state = detectorStateOf((await store.load(cluster.name)).state);
          for (const window of state?.maintenance ?? []) {
            const span = `${new Date(window.start).toISOString()} .. ${new Date(window.end).toISOString()}`;
            console.log(
              `${cluster.name}  ${window.id}  ${window.status}  ${span}  ${window.owner}: ${window.reason}`,
            );
          }
        }
        return EXIT.healthy;
      });
    }
    throw new UsageError(`expected add, list or end, not ${JSON.stringify(action ?? '')}`);
  });
}
