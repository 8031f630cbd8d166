import { canSeeMaster } from '../detect/detect.ts';
import type { DetectorState, MaintenanceWindow } from '../detect/state.ts';
import type { CoordinatorObservation, MasterRegistration, Snapshot } from '../observe/snapshot.ts';
import { lower } from './plan-events.ts';
import type { Run } from './plan-types.ts';

/** What the snapshot and the detector say about the cluster, as the planner asks it. */

export function coordinatorAt(snapshot: Snapshot, address: string): CoordinatorObservation | undefined {
  return snapshot.coordinators.find((coordinator) => lower(coordinator.address) === lower(address));
}

/** The one registered master, when the monitor can see it and it answers 200 "OK". */
export function healthyMaster(snapshot: Snapshot): MasterRegistration | null {
  const master = snapshot.master;
  if (!canSeeMaster(snapshot) || !master || snapshot.masters.length !== 1) return null;
  return coordinatorAt(snapshot, master.address)?.http.kind === 'ok' ? master : null;
}

/** The maintenance window covering `now` that ends last, if any. */
export function activeWindow(detector: DetectorState, now: number): MaintenanceWindow | undefined {
  const covering = detector.maintenance.filter((window) => window.start <= now && now < window.end);
  return covering.sort((a, b) => b.end - a.end)[0];
}

/** Every address the master goes by: the snapshot's registrations, and the detector's master. */
export function masterAddresses(run: Run): Set<string> {
  const addresses = run.snapshot.masters.map((master) => master.address);
  for (const coordinator of run.snapshot.coordinators)
    if (coordinator.isMaster) addresses.push(coordinator.address);
  if (run.detector.master.kind === 'present') addresses.push(run.detector.master.master.address);
  return new Set(addresses.map(lower));
}
