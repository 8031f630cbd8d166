import { hostname } from 'node:os';
import { type MonitorConfig, parseConfig } from '../../shared/config/index.ts';
import type { EventType, MonitorEvent } from '../../shared/events/types.ts';
import { type MonitorLoop, startMonitorLoop } from '../../shared/monitor/monitor-loop.ts';
import { ClusterObserver } from '../../shared/observe/observer.ts';
import type { Store } from '../../shared/record/store.ts';
import { type EmulatedCluster, startDremioCluster } from './dremio/cluster.ts';
import type { DremioNodeOptions } from './dremio/options.ts';
import { coordinatorsOf } from './monitor-config.ts';

/** An event as the monitor committed it, with the wall-clock time of the commit. */
export interface Recorded {
  readonly at: number;
  readonly event: MonitorEvent;
}

export interface WatchedCluster {
  readonly dremio: EmulatedCluster;
  readonly config: MonitorConfig;
  readonly recorded: readonly Recorded[];
  /** Types recorded at or after `from` (epoch ms). */
  typesSince(from: number): EventType[];
  /** The first event of `type` recorded at or after `from`; waits up to `timeoutMs`. */
  waitForEvent(type: EventType, options: { from: number; timeoutMs: number }): Promise<Recorded>;
  close(): Promise<void>;
}

/** Two master candidates, one coordinator and one executor, with Dremio's own timeouts. */
export function startDefaultCluster(options: {
  readonly zookeeper: string;
  readonly clusterId: string;
  readonly nodes?: Readonly<Record<string, Partial<DremioNodeOptions>>>;
}): Promise<EmulatedCluster> {
  return startDremioCluster({
    zookeeper: options.zookeeper,
    executors: 1,
    common: { clusterId: options.clusterId },
    ...(options.nodes ? { nodes: options.nodes } : {}),
  });
}

/** The monitor's configuration of an emulated cluster with every default: only what a file must say. */
export function defaultsConfig(
  dremio: EmulatedCluster,
  options: { readonly zookeeper: string; readonly clusterId: string },
): MonitorConfig {
  return parseConfig(
    {
      clusters: [
        {
          name: options.clusterId,
          zookeeper: { connect: options.zookeeper, clusterId: options.clusterId },
          coordinators: coordinatorsOf(dremio),
        },
      ],
    },
    'defaults-bench',
  );
}

/**
 * An emulated cluster (two master candidates, one coordinator, one executor; Dremio's own timeouts)
 * watched by the monitor loop as `dremio-ha-monitor watch` runs it, with the shipped defaults: the
 * configuration names only the cluster, its ZooKeeper and its coordinators. Only ZooKeeper's session
 * cap, set by the caller's server, is shorter than Dremio's usual, so failovers take seconds.
 */
export async function watchedCluster(options: {
  readonly zookeeper: string;
  readonly clusterId: string;
  readonly store: Store;
  readonly nodes?: Readonly<Record<string, Partial<DremioNodeOptions>>>;
}): Promise<WatchedCluster> {
  const dremio = await startDefaultCluster(options);
  const config = defaultsConfig(dremio, options);
  const recorded: Recorded[] = [];
  const observer = new ClusterObserver();
  let loop: MonitorLoop | undefined;
  try {
    loop = startMonitorLoop({
      clusters: config.clusters,
      store: options.store,
      observer,
      notifiers: new Map(),
      owner: `${hostname()}:${process.pid}`,
      onEvents: (_cluster, events) => {
        const at = Date.now();
        for (const event of events) recorded.push({ at, event });
      },
    });
    await loop.ready;
  } catch (error) {
    await loop?.close();
    await observer.close();
    await dremio.stop();
    throw error;
  }
  const running = loop;
  return {
    dremio,
    config,
    recorded,
    typesSince: (from) => recorded.filter((entry) => entry.at >= from).map((entry) => entry.event.type),
    async waitForEvent(type, { from, timeoutMs }) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = recorded.find((entry) => entry.at >= from && entry.event.type === type);
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = recorded.map((entry) => entry.event.type).join(', ') || 'nothing';
          throw new Error(`no ${type} within ${timeoutMs} ms; recorded: ${seen}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await running.close();
      await observer.close();
      await dremio.stop();
    },
  };
}
