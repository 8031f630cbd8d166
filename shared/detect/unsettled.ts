import type { DetectorState } from './state.ts';

/**
 * Why a cluster is in motion, or null when it is settled. A poll that finds it in motion stays and
 * watches (probes every second, ZooKeeper watches held): a silent master is confirmed or cleared
 * in seconds, and a failover is recorded as it happens, not at the next scheduled poll. Pure.
 */
export function unsettledBecause(state: DetectorState | null): string | null {
  if (state === null) return null;
  const master = state.master;
  if (master.kind === 'present' && master.responsiveness.kind !== 'answering') {
    return `the master is ${master.responsiveness.kind}`;
  }
  if (master.kind === 'absent') return 'no master is registered';
  if (state.splitBrain.kind !== 'clear') return 'several masters are registered';
  const coordinator = state.coordinators.find((track) => track.condition.kind !== 'clear');
  if (coordinator)
    return `coordinator ${coordinator.address} is ${coordinator.condition.kind === 'raised' ? 'down' : 'failing'}`;
  return null;
}
