export { DataDirInUseError } from './data-dir-lock.ts';
export { type DynaliteServer, type DynaliteServerOptions, startDynaliteServer } from './dynalite-server.ts';
export {
  DEFAULT_EVENT_RETENTION_MS,
  DynamoStore,
  type DynamoStoreOptions,
  MAX_EVENTS_PER_COMMIT,
} from './dynamo-store.ts';
export { ensureTable, tableDefinition } from './dynamo-table.ts';
export { DEFAULT_EVENT_LIMIT, MAX_EVENT_LIMIT } from './event-query.ts';
export { TTL_ATTRIBUTE } from './items.ts';
export {
  type ConnectedStore,
  type ConnectOptions,
  connectStore,
  DEFAULT_DATA_DIR,
  DEFAULT_TABLE_NAME,
  type LocalStore,
  type LocalStoreOptions,
  startLocalStore,
} from './local-store.ts';
export type {
  Delivery,
  DeliveryStatus,
  IncidentRoute,
  Outbox,
} from './outbox.ts';
export type {
  CommitResult,
  EventPage,
  EventQuery,
  Lease,
  LeaseResult,
  Store,
  StoredState,
} from './store.ts';
export { type ItemKey, StoreError } from './store-error.ts';
