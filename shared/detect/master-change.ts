import { iso } from '../events/build.ts';
import { formatDuration } from '../events/format.ts';
import type { MasterRegistration } from '../observe/snapshot.ts';
import { identityOf, masterFacts, nameOf } from './describe.ts';
import { type Context, emit } from './emit.ts';
import { countLeadershipChange, startEpisode } from './flapping.ts';
import { resolveOrNotice } from './incidents.ts';
import type { DetectionPolicy } from './policy.ts';
import type { MasterDown, MasterRecord, PresentMaster } from './state.ts';

export function recordOf(registration: MasterRegistration): MasterRecord {
  return {
    address: registration.address,
    fabricPort: registration.fabricPort,
    startTime: registration.startTime,
    registeredAt: registration.registeredAt,
    version: registration.version,
    znode: registration.znode,
    ephemeralOwner: registration.ephemeralOwner,
  };
}

export function presentAt(master: MasterRecord, time: number): PresentMaster {
  return { kind: 'present', master, lastSeenAt: time, responsiveness: { kind: 'answering' } };
}

/** How the change was seen: after an unobserved gap, and whether MASTER_DOWN was declared before it. */
export interface ChangeContext {
  readonly observedGap: boolean;
  readonly down: MasterDown;
}

/**
 * Another process is master: FAILOVER_COMPLETED (another address) or MASTER_RESTARTED (same
 * address, new start time). Resolves the master incident, or is an incident of its own.
 */
export function changeOfMaster(
  ctx: Context,
  from: PresentMaster,
  to: MasterRecord,
  how: ChangeContext,
  policy: DetectionPolicy,
): void {
  const verdict = countLeadershipChange(ctx, policy);
  const outageMs = ctx.time - from.lastSeenAt;
  const facts = {
    from: identityOf(from.master),
    to: identityOf(to),
    outageMs,
    detectedMs: Math.max(0, ctx.time - to.registeredAt),
    lastSeenAt: iso(from.lastSeenAt),
    previous: masterFacts(from.master),
    master: masterFacts(to),
    observedGap: how.observedGap,
    masterDownAt: how.down.kind === 'declared' ? iso(how.down.at) : null,
  };
  const gapNote = how.observedGap ? ' (seen after the monitor could not observe)' : '';
  const restart = from.master.address === to.address;
  emit(ctx, {
    type: restart ? 'MASTER_RESTARTED' : 'FAILOVER_COMPLETED',
    severity: restart ? 'warning' : 'critical',
    summary: restart
      ? `Master ${nameOf(to)} restarted (new process started ${iso(to.startTime)}); no master for up to ${formatDuration(outageMs)}${gapNote}`
      : `Failover: master moved from ${nameOf(from.master)} to ${nameOf(to)} after up to ${formatDuration(outageMs)}${gapNote}; restart ${from.master.address} so it rejoins as a standby`,
    facts,
    steps: restart ? restartSteps(to) : failoverSteps(from.master, to),
    incident: resolveOrNotice(ctx.state, 'master', null),
    ...(verdict.kind === 'flapping' ? { flapping: { since: verdict.since, changes: verdict.changes } } : {}),
  });
  if (verdict.kind === 'starts_episode') startEpisode(ctx, policy);
}

function failoverSteps(from: MasterRecord, to: MasterRecord): string[] {
  return [
    `Restart the queries that were running: Dremio failed them when ${from.address} went down.`,
    `Restart Dremio on ${from.address} (the failed master) so it rejoins as a standby: Dremio does not restart it.`,
    `Find why ${from.address} failed (server.log, the host, its ZooKeeper session); ${to.address} now serves.`,
  ];
}

function restartSteps(to: MasterRecord): string[] {
  return [
    `Restart the queries that were running: Dremio failed them when ${to.address} restarted.`,
    `Find why ${to.address} restarted (server.log, out of memory, a host reboot) if nobody planned it.`,
  ];
}
