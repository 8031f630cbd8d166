/**
 * dremio-ha-monitor as a library (`import ... from 'dremio-ha-monitor'`): the configuration, one
 * observation, the pure detector, the event domain, the store, and the loops the CLI and the Lambda
 * functions run. The CDK construct is `dremio-ha-monitor/cdk`.
 */
export {
  type ClusterConfig,
  ConfigError,
  loadConfig,
  loadConfigFromEnvironment,
  type MonitorConfig,
  parseConfig,
  parseConfigText,
} from './config/index.ts';
export {
  type DetectionPolicy,
  type DetectorState,
  defaultPolicy,
  detect,
  initialState,
  type Transition,
  tick,
} from './detect/index.ts';
export { buildEvent, type EventInput, incidentKeyOf } from './events/build.ts';
export { type Decoded, decodeEvent } from './events/decode.ts';
export type { FactsByType, FactsOf } from './events/facts.ts';
export {
  describeEvent,
  type EventView,
  headline,
  type NotificationContext,
  plainTextMessage,
} from './events/present.ts';
export {
  EVENT_TYPES,
  type EventOf,
  type EventType,
  type IncidentAction,
  type MonitorEvent,
  type Severity,
} from './events/types.ts';
export { type MonitorLoop, type MonitorLoopOptions, startMonitorLoop } from './monitor/monitor-loop.ts';
export { type PollOptions, type PollResult, runPoll } from './monitor/poll.ts';
export { ClusterObserver, observeClusters } from './observe/observer.ts';
export { healthOf, type Snapshot, type SnapshotHealth } from './observe/snapshot.ts';
export { connectStore, DynamoStore, type Store, startLocalStore } from './record/index.ts';
