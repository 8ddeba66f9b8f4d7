import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_APPLICATION_ID, SQLITE_SCHEMA_VERSION, SqliteGatewayStore } from '../src/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-store-'));
  dirs.push(dir);
  return join(dir, 'gateway.db');
}

describe('SqliteGatewayStore migrations and file lock', () => {
  it('migrates schema 1 to 4: per-seq rows become ranges, rejection texts go, the file is marked', async () => {
    const path = dbFile();
    const old = new Database(path);
    old.exec(`
      CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
      CREATE TABLE device_seqs (user_id TEXT NOT NULL, device_id TEXT NOT NULL, high_seq INTEGER NOT NULL,
        PRIMARY KEY (user_id, device_id)) WITHOUT ROWID;
      CREATE TABLE oplog (user_id TEXT NOT NULL, log_seq INTEGER NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
        entry TEXT NOT NULL, PRIMARY KEY (user_id, log_seq)) WITHOUT ROWID;
      CREATE TABLE snapshots (user_id TEXT PRIMARY KEY, log_seq INTEGER NOT NULL, state TEXT NOT NULL);
      CREATE TABLE settled_ops (user_id TEXT NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (user_id, device_id, seq)) WITHOUT ROWID;
      CREATE TABLE rejections (user_id TEXT NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL,
        reason TEXT NOT NULL, PRIMARY KEY (user_id, device_id, seq)) WITHOUT ROWID;
      CREATE TABLE devices (user_id TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (user_id, device_id)) WITHOUT ROWID;
      CREATE INDEX devices_by_device ON devices (device_id);
      CREATE TABLE commands (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, target_device_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL, entry TEXT NOT NULL);
      CREATE INDEX commands_by_target ON commands (user_id, target_device_id, id);
      CREATE INDEX commands_by_expiry ON commands (expires_at);
      INSERT INTO settled_ops VALUES ('u','tv',1),('u','tv',2),('u','tv',3),('u','tv',4),('u','tv',5),('u','tv',7),('u','phone',1);
      INSERT INTO rejections VALUES ('u','tv',2,'FORBIDDEN_USER','op of user x'),('u','tv',3,'FORBIDDEN_USER','op of user x'),
        ('u','tv',4,'CLOCK_DRIFT','ahead'),('u','tv',7,'FORBIDDEN_USER','op of user x');
      INSERT INTO device_seqs VALUES ('u','tv',7);
    `);
    old.close();
    const store = new SqliteGatewayStore(path);
    expect(await store.settledIn('u', 'tv', 1, 100)).toEqual([
      { first: 1, last: 5 },
      { first: 7, last: 7 },
    ]);
    expect(await store.settledIn('u', 'phone', 1, 100)).toEqual([{ first: 1, last: 1 }]);
    expect(await store.rejectedIn('u', 'tv', 1, 100, 10)).toEqual([
      { firstSeq: 2, lastSeq: 3, code: 'FORBIDDEN_USER' },
      { firstSeq: 4, lastSeq: 4, code: 'CLOCK_DRIFT' },
      { firstSeq: 7, lastSeq: 7, code: 'FORBIDDEN_USER' },
    ]);
    await store.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('application_id', { simple: true })).toBe(GATEWAY_APPLICATION_ID);
    const tables = check
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    expect(tables).not.toContain('settled_ops');
    expect(tables).not.toContain('rejections');
    expect(tables).not.toContain('schema_version');
    const versions = check
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      .all();
    expect(versions.map((row) => row.version)).toEqual([2, 3, 4]);
    expect(SQLITE_SCHEMA_VERSION).toBe(4);
    check.close();
  });

  it('refuses a second store on the same file while the first holds it, and the file once it is released', async () => {
    const path = dbFile();
    const first = new SqliteGatewayStore(path);
    expect(() => new SqliteGatewayStore(path)).toThrow(expect.objectContaining({ code: 'DATABASE_LOCKED' }));
    await first.close();
    await new SqliteGatewayStore(path).close();
  });

  it('refuses a file of schema version 2 whose migration table a newer gateway wrote, unchanged', async () => {
    const path = dbFile();
    await new SqliteGatewayStore(path).close();
    const newer = new Database(path);
    newer
      .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
      .run(SQLITE_SCHEMA_VERSION + 1, 0);
    newer.close();
    const before = readFileSync(path);
    expect(() => new SqliteGatewayStore(path)).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_TOO_NEW',
        message: expect.stringContaining(`schema version ${SQLITE_SCHEMA_VERSION + 1}`),
      }),
    );
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
