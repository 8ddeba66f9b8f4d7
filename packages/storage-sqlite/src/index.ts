export { LATEST_SCHEMA_VERSION, QUEUE_APPLICATION_ID } from './migrations.js';
export { createSqliteStorage, type SqliteStorageOptions } from './sqlite-storage.js';
