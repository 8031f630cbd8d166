import type { MonitorEvent } from '../events/types.ts';
import { blocksOf, deliveryFailuresOf, maintenanceOf, remediationOf, splitBrainOf } from './actions.ts';
import { failoversOf, incidentsOf } from './incidents.ts';
import { masterPeriods } from './masters.ts';
import type { ClusterTimeline, TimelineOptions } from './model.ts';

/** Oldest first by time, then by id (ULIDs of one run are monotonic: emission order). */
export function byTime(a: MonitorEvent, b: MonitorEvent): number {
  return Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * What the audit log says about one cluster over [since, until]: pure, the same events give the
 * same model. Events of other clusters, events outside the range and events whose time does not
 * parse are left out.
 */
export function buildTimeline(events: readonly MonitorEvent[], options: TimelineOptions): ClusterTimeline {
  const { cluster, until } = options;
  const mine = events
    .filter((event) => event.cluster === cluster)
    .filter((event) => {
      const at = Date.parse(event.at);
      return !Number.isNaN(at) && at <= until && (options.since === undefined || at >= options.since);
    })
    .sort(byTime);
  const first = mine[0];
  const since = Math.min(options.since ?? (first ? Date.parse(first.at) : until), until);
  const { periods, noMaster } = masterPeriods(mine, since, until);
  const remediation = remediationOf(mine, until);
  const blocks = blocksOf(mine);
  const nodes: string[] = [];
  const add = (address: string | null) => {
    if (address !== null && !nodes.includes(address)) nodes.push(address);
  };
  for (const period of periods) add(period.address);
  for (const action of remediation) add(action.target);
  for (const block of blocks) add(block.target);
  return {
    cluster,
    since,
    until,
    nodes,
    masterPeriods: periods,
    noMaster,
    splitBrain: splitBrainOf(mine, since, until),
    maintenance: maintenanceOf(mine, since, until),
    failovers: failoversOf(mine),
    incidents: incidentsOf(mine, until),
    remediation,
    blocks,
    deliveryFailures: deliveryFailuresOf(mine),
    events: mine,
  };
}
