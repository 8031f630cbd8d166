import { znodePaths } from '../../../shared/dremio/paths.ts';
import type { ServerStatusClient } from '../../../shared/observe/server-status.ts';
import type { ZooKeeperSession } from '../../../shared/zookeeper/session.ts';
import { readChildren } from '../zk-view.ts';
import type { DremioNode } from './cluster.ts';

/** Lines describing an emulated cluster: its ZooKeeper tree, decoded, and every node's server_status. */
export async function describeCluster(
  session: ZooKeeperSession,
  nodes: readonly DremioNode[],
  http: ServerStatusClient,
): Promise<string[]> {
  const first = nodes[0];
  if (!first) return ['(no nodes)'];
  const paths = znodePaths(first.options);
  const lines = [`ZooKeeper tree under ${paths.base}:`];
  for (const path of [paths.master, paths.coordinator, paths.executor, paths.masterLatch]) {
    const children = await readChildren(session, path);
    lines.push(`  ${path}${children.length === 0 ? '  (empty)' : ''}`);
    for (const child of children) {
      const registration = child.registration;
      const detail = registration
        ? `${registration.address} fabric ${registration.fabricPort} started ${new Date(registration.startTime).toISOString()}`
        : `participant ${child.data}`;
      lines.push(`    ${child.znode}  session 0x${child.owner}  ${detail}`);
    }
  }
  lines.push('Nodes:');
  for (const node of nodes) {
    const { role, address } = node.options;
    const status =
      role === 'executor' ? 'no web server (executor)' : describeStatus(await http.probe(node.webUrl));
    const state = node.running ? (node.reports.at(-1)?.state ?? 'starting') : 'exited';
    lines.push(
      `  ${node.name.padEnd(14)} ${role.padEnd(17)} pid ${String(node.pid).padEnd(8)} ${address.padEnd(11)} ${state.padEnd(20)} ${status}`,
    );
  }
  return lines;
}

function describeStatus(status: Awaited<ReturnType<ServerStatusClient['probe']>>): string {
  switch (status.kind) {
    case 'ok':
      return `server_status 200 "OK" (${status.latencyMs} ms)`;
    case 'master_down':
      return `server_status 503 "MASTER_DOWN" (${status.latencyMs} ms)`;
    case 'refused':
      return 'server_status: connection refused';
    case 'unexpected':
      return `server_status ${status.statusCode} ${status.bodyExcerpt}`;
    default:
      return `server_status: ${status.kind}`;
  }
}
