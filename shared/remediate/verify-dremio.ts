import { canSeeMaster } from '../detect/detect.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import type { ActionTarget } from './plan-types.ts';

/** What a snapshot says about a restarted node, from Dremio's side (the machine is the executor's). */
export type DremioVerdict =
  | { readonly kind: 'verified'; readonly facts: Readonly<Record<string, unknown>> }
  | { readonly kind: 'not-yet'; readonly reason: string };

const lower = (value: string) => value.toLowerCase();

/**
 * Whether `snapshot` shows `target` back, counting only what was observed after `restartedAt`
 * (epoch ms), so the picture from before the restart never passes. A coordinator must register
 * again and answer 200 "OK". A master candidate cannot show more than that it did no harm: as a
 * standby it is invisible while the master lives (docs/dremio-ha.md#invisible-standby), so it passes when one master is
 * registered and answers OK (itself, if it took over); its running process is the executor's check.
 */
export function dremioVerdict(snapshot: Snapshot, target: ActionTarget, restartedAt: number): DremioVerdict {
  const observedAt = Date.parse(snapshot.observedAt);
  const httpAt = snapshot.httpObservedAt === undefined ? observedAt : Date.parse(snapshot.httpObservedAt);
  if (!(Math.min(observedAt, httpAt) >= restartedAt)) {
    return { kind: 'not-yet', reason: 'no observation of the cluster since the restart yet' };
  }
  const node = snapshot.coordinators.find((one) => lower(one.address) === lower(target.address));
  if (!node) return { kind: 'not-yet', reason: `${target.address} is not a configured coordinator` };
  if (!canSeeMaster(snapshot)) {
    return {
      kind: 'not-yet',
      reason: 'the monitor cannot see the master (ZooKeeper unreadable or no quorum)',
    };
  }
  const answers = node.http.kind === 'ok';
  if (target.role === 'coordinator') {
    return node.registered && answers
      ? { kind: 'verified', facts: { registered: true, serverStatus: 'ok' } }
      : {
          kind: 'not-yet',
          reason: `${target.address} ${node.registered ? 'is registered' : 'is not registered'} and answers ${node.http.kind}`,
        };
  }
  const master = snapshot.master;
  const masterNode =
    master && snapshot.masters.length === 1
      ? snapshot.coordinators.find((one) => lower(one.address) === lower(master.address))
      : undefined;
  if (!master || masterNode?.http.kind !== 'ok') {
    return { kind: 'not-yet', reason: 'the cluster has no single master answering OK' };
  }
  const rejoinedAs = lower(master.address) === lower(target.address) ? 'master' : 'standby';
  return {
    kind: 'verified',
    facts: {
      rejoinedAs,
      master: master.address,
      ...(rejoinedAs === 'standby' ? { note: 'a standby is invisible while the master lives' } : {}),
    },
  };
}
