import type { ServerStatus } from '../shared/observe/server-status.ts';
import { healthOf, type Snapshot } from '../shared/observe/snapshot.ts';

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function describeStatus(status: ServerStatus): string {
  switch (status.kind) {
    case 'ok':
      return `OK (${status.latencyMs} ms)`;
    case 'master_down':
      return `MASTER_DOWN (${status.latencyMs} ms)`;
    case 'refused':
      return 'refused';
    case 'timeout':
      return `timeout (${status.phase}, ${status.latencyMs} ms)`;
    case 'tls_error':
      return `TLS error ${status.reason}`;
    case 'unreachable':
      return `unreachable ${status.reason}`;
    case 'unexpected':
      return `unexpected ${status.statusCode} ${JSON.stringify(status.bodyExcerpt)}`;
  }
}

/** A snapshot as a readable block of lines for the terminal. */
export function renderSnapshot(snapshot: Snapshot): string[] {
  const health = healthOf(snapshot);
  const lines = [
    `${snapshot.cluster}: ${health.toUpperCase()}  (observed ${snapshot.observedAt} in ${snapshot.durationMs} ms)`,
  ];
  const master = snapshot.master;
  if (master) {
    lines.push(
      `  master        ${master.address} fabric ${master.fabricPort}, registered ${iso(master.registeredAt)}, ` +
        `started ${iso(master.startTime)}, Dremio ${master.version || '?'}, session 0x${master.ephemeralOwner}`,
    );
  } else {
    lines.push(
      `  master        ${snapshot.zookeeper.reachable ? 'NONE REGISTERED' : 'unknown (ZooKeeper not readable)'}`,
    );
  }
  if (snapshot.masters.length > 1) {
    lines.push(
      `  SPLIT BRAIN?  ${snapshot.masters.length} master registrations: ${snapshot.masters.map((m) => m.address).join(', ')}`,
    );
  }
  const latch = snapshot.latch;
  lines.push(
    `  election      ${latch.participants.length} latch participant(s)` +
      (latch.leaderIsMaster === null
        ? ''
        : latch.leaderIsMaster
          ? ', leader is the master'
          : ', leader is NOT the master'),
  );
  lines.push('  coordinators');
  for (const coordinator of snapshot.coordinators) {
    const standby =
      coordinator.role === 'master-candidate' && !coordinator.isMaster && coordinator.http.kind === 'refused';
    lines.push(
      `    ${coordinator.address.padEnd(24)} ${coordinator.role.padEnd(17)} ` +
        `${(coordinator.isMaster ? 'master' : coordinator.registered ? 'registered' : 'not registered').padEnd(15)} ` +
        `${describeStatus(coordinator.http)}${standby ? ' (normal for a standby)' : ''}`,
    );
  }
  lines.push(
    `  executors     ${snapshot.executors.count}${snapshot.executors.count ? `: ${snapshot.executors.addresses.join(', ')}` : ''}`,
  );
  const quorum = snapshot.zookeeper.quorum === null ? 'unknown' : snapshot.zookeeper.quorum ? 'yes' : 'NO';
  lines.push(`  zookeeper     quorum ${quorum}`);
  for (const server of snapshot.zookeeper.servers) {
    const detail = server.serving
      ? `${server.mode}, ${server.latencyMs} ms, ${server.outstandingRequests ?? '?'} outstanding, ${server.znodeCount ?? '?'} znodes`
      : `${server.state.replace('_', ' ')}${server.detail ? `: ${server.detail.split('\n')[0]}` : ''}`;
    lines.push(`    ${`${server.host}:${server.port}`.padEnd(24)} ${detail}`);
  }
  for (const problem of snapshot.problems) {
    lines.push(`  problem       ${problem.kind} at ${problem.where}: ${problem.detail}`);
  }
  return lines;
}
