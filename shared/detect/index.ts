/** Detection: the pure failover state machine. Snapshots in, events and the next state out. */
export type { CommandError, CommandResult } from './command.ts';
export { canSeeMaster, detect, tick } from './detect.ts';
export { acknowledge } from './incidents.ts';
export { addMaintenance, endMaintenance, type MaintenanceRequest } from './maintenance.ts';
export { isMaterialChange } from './persistence.ts';
export { type DetectionPolicy, DREMIO_SESSION_TIMEOUT_MS, defaultPolicy } from './policy.ts';
export {
  type Acknowledgement,
  type DetectorState,
  type Incident,
  type IncidentKind,
  initialState,
  type MaintenanceWindow,
  STATE_SCHEMA_VERSION,
  type Transition,
} from './state.ts';
export { unsettledBecause } from './unsettled.ts';
