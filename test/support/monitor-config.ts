import { type ClusterConfig, type MonitorConfig, parseConfig } from '../../shared/config/index.ts';
import type { EmulatedCluster } from './dremio/cluster.ts';

/** The configured coordinators of an emulated cluster: its master candidates and coordinators. */
export function coordinatorsOf(cluster: EmulatedCluster) {
  return cluster.nodes
    .filter((node) => node.options.role !== 'executor')
    .map((node) => ({
      address: node.options.address,
      webUrl: node.webUrl,
      role: node.options.role === 'master-candidate' ? 'master-candidate' : 'coordinator',
    }));
}

/** The monitor's configuration for an emulated cluster, validated like a real file. */
export function configFor(
  cluster: EmulatedCluster,
  zookeeper: string,
  overrides: {
    name?: string;
    zookeeper?: Record<string, unknown>;
    http?: Record<string, unknown>;
    /** Further keys of the cluster: detection, remediation, routes... */
    cluster?: Record<string, unknown>;
  } = {},
): MonitorConfig {
  const first = cluster.nodes[0];
  return parseConfig(
    {
      clusters: [
        {
          name: overrides.name ?? 'bench',
          zookeeper: {
            connect: zookeeper,
            clusterId: first?.options.clusterId ?? 'dremio',
            root: first?.options.root ?? '',
            connectTimeoutMs: 1500,
            ...overrides.zookeeper,
          },
          coordinators: coordinatorsOf(cluster),
          http: { timeoutMs: 500, connectTimeoutMs: 300, ...overrides.http },
          ...overrides.cluster,
        },
      ],
    },
    'test',
  );
}

export function clusterConfigFor(...args: Parameters<typeof configFor>): ClusterConfig {
  return configFor(...args).clusters[0] as ClusterConfig;
}
