import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '@media-sync/queue';
import { createSqliteStorage, LATEST_SCHEMA_VERSION } from '@media-sync/storage-sqlite';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/migrations.js';
import { bodyText, progressRecord, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/** Writes a file as a release that knew migrations up to `version` would have left it. */
function createFileAtVersion(path: string, version: number): Database.Database {
  const raw = new Database(path);
  raw.exec(`CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) {
    raw.exec(migration.sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.description, 1);
  }
  return raw;
}

describe('schema migrations', () => {
  it('orders migrations strictly by version, starting at 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('records every migration in a new file', async () => {
    const path = join(dir, 'queue.db');
    await createSqliteStorage({ path }).close();
    const raw = new Database(path, { readonly: true });
    const versions = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    raw.close();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('upgrades a version-2 file: its lease keeps holding (no process known), dead letters get a summary', async () => {
    const path = join(dir, 'v2.db');
    const raw = createFileAtVersion(path, 2);
    raw.prepare('INSERT INTO replay_lease (id, owner, expires_at) VALUES (1, ?, ?)').run('old-release', 60_000);
    raw.close();
    const storage = createSqliteStorage({ path, leaseProcess: { pid: 1, host: 'h', isAlive: () => false } });
    expect(await storage.replayLeaseHolder()).toEqual({
      owner: 'old-release',
      pid: null,
      host: null,
      expiresAt: 60_000,
    });
    // Nothing says which process holds it: it is never taken over early.
    expect(await storage.acquireReplayLease('new-release', 1_000, 59_999)).toBe(false);
    expect(await storage.deadLetterSummary()).toEqual([]);
    await storage.close();
  });

  it('upgrades a version-1 file in place, keeping its rows and back-filling the counts', async () => {
    const path = join(dir, 'old.db');
    const raw = createFileAtVersion(path, 1);
    const insert = raw.prepare(
      'INSERT INTO pending (seq, hlc, type, coalesce_key, expires_at, body, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(7, 'h7', 'progressUpdate', 'u\nc', null, Buffer.from('seven'), 70);
    insert.run(8, 'h8', 'progressUpdate', 'u\nc', null, Buffer.from('eight'), 80);
    raw.prepare('UPDATE queue_state SET last_seq = 9').run();
    raw.close();

    const storage = createSqliteStorage({ path });
    expect(await storage.counts()).toEqual({ pending: 2, deadLettered: 0, lastSeq: 9, oldestPendingAt: 70 });
    expect((await storage.readPage(0, 10)).map((row) => bodyText(row.body))).toEqual(['seven', 'eight']);
    expect(await storage.acquireReplayLease('me', 1000, 0)).toBe(true);
    expect((await storage.append([progressRecord('ten')])).seqs).toEqual([10]);
    await storage.close();

    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
    check.close();
  });

  it('refuses a file from a newer release with SCHEMA_TOO_NEW and leaves it byte for byte', () => {
    const path = join(dir, 'newer.db');
    const raw = createFileAtVersion(path, LATEST_SCHEMA_VERSION);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(LATEST_SCHEMA_VERSION + 1, 'from the future', 1);
    raw.close();
    const before = readFileSync(path);

    let failure: unknown;
    try {
      createSqliteStorage({ path });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).code).toBe('SCHEMA_TOO_NEW');
    expect(readFileSync(path).equals(before)).toBe(true);
    // Not switched to WAL either: the refusal happened before any write.
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
