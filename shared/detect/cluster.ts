import { iso } from '../events/build.ts';
import { formatDuration } from '../events/format.ts';
import type { MasterRegistration, Snapshot } from '../observe/snapshot.ts';
import { advanceCondition } from './condition.ts';
import { identityOf } from './describe.ts';
import { type Context, emit } from './emit.ts';
import { openOrUpdate, resolveKey } from './incidents.ts';
import type { DetectionPolicy } from './policy.ts';

function describeRegistration(master: MasterRegistration): string {
  return `${master.address} (fabric ${master.fabricPort}, started ${iso(master.startTime)})`;
}

/** SPLIT_BRAIN_SUSPECTED while several master registrations exist (confirmed); SPLIT_BRAIN_RESOLVED. */
export function judgeSplitBrain(ctx: Context, snapshot: Snapshot, policy: DetectionPolicy): void {
  const masters = snapshot.masters;
  ctx.state.splitBrain = advanceCondition(
    ctx,
    ctx.state.splitBrain,
    masters.length > 1,
    policy.confirmSnapshots,
    {
      raise: (since, snapshots) =>
        emit(ctx, {
          type: 'SPLIT_BRAIN_SUSPECTED',
          severity: 'critical',
          summary: `${masters.length} master registrations at once: ${masters.map(describeRegistration).join(', ')}; more than one process may act as master`,
          facts: {
            masters: masters.map((master) => ({
              ...identityOf(master),
              ephemeralOwner: master.ephemeralOwner,
            })),
            since: iso(since),
            snapshots,
            latchLeader: snapshot.latch.leader?.participantId ?? null,
            leaderIsMaster: snapshot.latch.leaderIsMaster,
          },
          steps: [
            'Find the process that holds the catalog lock and serves (server_status 200 on its web port).',
            'Stop Dremio on the other address, then start it again so it rejoins as a standby. Never restart both.',
          ],
          incident: openOrUpdate(ctx.state, 'split_brain', null),
        }),
      recover: (raised) =>
        emit(ctx, {
          type: 'SPLIT_BRAIN_RESOLVED',
          severity: 'info',
          summary: `One master registration again (${snapshot.master ? describeRegistration(snapshot.master) : 'none'}) after ${formatDuration(ctx.time - raised.since)}`,
          facts: { master: snapshot.master ? identityOf(snapshot.master) : null, since: iso(raised.since) },
          incident: resolveKey(ctx.state, raised.incidentKey, 'split_brain'),
        }),
    },
  );
}

/** EXECUTORS_LOW while fewer executors than the minimum are registered (confirmed); EXECUTORS_RECOVERED. */
export function judgeExecutors(ctx: Context, snapshot: Snapshot, policy: DetectionPolicy): void {
  const { count, addresses } = snapshot.executors;
  const minimum = policy.minimumExecutors;
  const low = minimum > 0 && count < minimum;
  ctx.state.executors = advanceCondition(ctx, ctx.state.executors, low, policy.confirmSnapshots, {
    raise: (since, snapshots) =>
      emit(ctx, {
        type: 'EXECUTORS_LOW',
        severity: 'warning',
        summary: `${count} executor(s) registered, fewer than the minimum ${minimum}${count > 0 ? `: ${addresses.join(', ')}` : ''}`,
        facts: { count, minimum, addresses, since: iso(since), snapshots },
        steps: [
          'Queries queue or fail without executors: check the missing executor hosts and their Dremio processes.',
        ],
        incident: openOrUpdate(ctx.state, 'executors', null),
      }),
    recover: (raised) =>
      emit(ctx, {
        type: 'EXECUTORS_RECOVERED',
        severity: 'info',
        summary: `${count} executor(s) registered again (minimum ${minimum}) after ${formatDuration(ctx.time - raised.since)}`,
        facts: { count, minimum, addresses, since: iso(raised.since) },
        incident: resolveKey(ctx.state, raised.incidentKey, 'executors'),
      }),
  });
}
