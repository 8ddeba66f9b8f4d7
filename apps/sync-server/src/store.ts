export type {
  CommandWrite,
  FrameWrite,
  FrameWriteResult,
  GatewayStore,
  LogEntry,
  PendingCommand,
  SnapshotWrite,
  StoredCommand,
  StoredSnapshot,
} from './store/contract.js';
export { openGatewayStore } from './store/open.js';
export {
  dropPostgresSchema,
  POSTGRES_SCHEMA_VERSION,
  PostgresGatewayStore,
  type PostgresGatewayStoreOptions,
} from './store/postgres.js';
export {
  GATEWAY_APPLICATION_ID,
  SQLITE_SCHEMA_VERSION,
  SqliteGatewayStore,
  type SqliteGatewayStoreOptions,
  type Synchronous,
} from './store/sqlite.js';
