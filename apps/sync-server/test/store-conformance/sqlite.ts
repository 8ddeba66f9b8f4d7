import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { GatewayStore } from '../../src/store/contract.js';
import { SQLITE_SCHEMA_VERSION, SqliteGatewayStore } from '../../src/store/sqlite.js';
import type { GatewayStoreFixture } from './suite.js';

/** A GatewayStore fixture on a fresh SQLite file in a temp dir, deleted in teardown. */
export async function sqliteFixture(): Promise<GatewayStoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-store-conformance-'));
  const path = join(dir, 'gateway.db');
  let current: GatewayStore = new SqliteGatewayStore(path);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = new SqliteGatewayStore(path);
      return current;
    },
    async forgeNewerSchema() {
      const db = new Database(path);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(SQLITE_SCHEMA_VERSION + 1, 0);
      db.close();
    },
    async teardown() {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
