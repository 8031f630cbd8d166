// Moved to shared/events/; this re-export goes once every import points there.
export type { MasterIdentity } from '../events/facts.ts';
export {
  EVENT_TYPES,
  type EventType,
  type IncidentAction,
  type MonitorEvent,
  type Severity,
} from '../events/types.ts';
