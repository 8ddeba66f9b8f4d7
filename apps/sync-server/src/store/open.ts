import { SyncServerError } from '../errors.js';
import type { GatewayStore } from './contract.js';
import { PostgresGatewayStore } from './postgres.js';
import { SqliteGatewayStore, type SqliteGatewayStoreOptions } from './sqlite.js';

/**
 * Opens the store a location names and migrates it: `postgres://…` or `postgresql://…` (see
 * `PostgresGatewayStoreOptions`), `sqlite:PATH`, or a plain file path (or `:memory:`) for
 * SQLite. Any other `scheme://` fails with STORE_URL.
 */
export async function openGatewayStore(
  location: string,
  sqliteOptions: SqliteGatewayStoreOptions = {},
): Promise<GatewayStore> {
  if (/^postgres(ql)?:/i.test(location)) return PostgresGatewayStore.open({ url: location });
  if (location.startsWith('sqlite:')) return new SqliteGatewayStore(location.slice('sqlite:'.length), sqliteOptions);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1];
  if (scheme !== undefined) {
    throw new SyncServerError(
      'STORE_URL',
      `unknown store ${scheme}://: expected postgres://user@host:5432/database, sqlite:FILE or a file path`,
    );
  }
  if (location.trim() === '') throw new SyncServerError('STORE_URL', 'the store location is empty');
  return new SqliteGatewayStore(location, sqliteOptions);
}
