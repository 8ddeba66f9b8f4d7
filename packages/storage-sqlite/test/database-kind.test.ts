import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSqliteStorage, LATEST_SCHEMA_VERSION, QUEUE_APPLICATION_ID } from '@media-sync/storage-sqlite';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/migrations.js';
import { progressRecord, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const GATEWAY_APPLICATION_ID = 0x4d534757;

function header(path: string): { applicationId: number; userVersion: number } {
  const raw = new Database(path, { readonly: true });
  try {
    return {
      applicationId: raw.pragma('application_id', { simple: true }) as number,
      userVersion: raw.pragma('user_version', { simple: true }) as number,
    };
  } finally {
    raw.close();
  }
}

/** A rollback-journal database (no -wal beside it), so its bytes on disk are all of it. */
function otherDatabase(path: string, applicationId: number, table: string): Buffer {
  const raw = new Database(path);
  raw.pragma(`application_id = ${applicationId}`);
  raw.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
  raw.close();
  return readFileSync(path);
}

describe('database kind (application_id)', () => {
  it('marks a new file as a queue database with its schema version', async () => {
    const path = join(dir, 'queue.db');
    await createSqliteStorage({ path }).close();
    expect(header(path)).toEqual({ applicationId: QUEUE_APPLICATION_ID, userVersion: LATEST_SCHEMA_VERSION });
    expect(QUEUE_APPLICATION_ID).toBe(Buffer.from('MSQQ').readUInt32BE(0));
  });

  it('marks a queue file written before the mark, keeping its rows', async () => {
    const path = join(dir, 'old.db');
    const raw = new Database(path);
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
    );
    for (const migration of MIGRATIONS) {
      raw.exec(migration.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.description, 1);
    }
    raw.close();
    const storage = createSqliteStorage({ path });
    await storage.append([progressRecord('one')]);
    await storage.close();
    expect(header(path).applicationId).toBe(QUEUE_APPLICATION_ID);
  });

  it.each([
    [
      'a gateway database',
      GATEWAY_APPLICATION_ID,
      'oplog',
      /gateway\.db is a media-sync gateway database, not a media-sync queue database$/,
    ],
    ['another application', 0x12345678, 'things', /is a database of another application \(application_id 0x12345678\)/],
    ['an unmarked database of something else', 0, 'oplog', /is a SQLite database of something else \(tables oplog\)/],
  ])('refuses %s with one line naming the file, leaving it byte-identical', (_, id, table, message) => {
    const path = join(dir, 'gateway.db');
    const before = otherDatabase(path, id, table);
    for (const options of [{ path }, { path, readOnly: true }, { path, create: false }]) {
      expect(() => createSqliteStorage(options)).toThrow(message);
      expect(() => createSqliteStorage(options)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(readFileSync(path).equals(before)).toBe(true);
    }
  });

  it('refuses a file that is not a database, leaving it byte-identical', () => {
    const path = join(dir, 'notes.txt');
    const text = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(path, text);
    expect(() => createSqliteStorage({ path })).toThrow(`${path} is not a SQLite database`);
    expect(() => createSqliteStorage({ path })).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('refuses an empty or missing file unless creating, and never creates one when read-only', async () => {
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    for (const options of [
      { path: empty, readOnly: true },
      { path: empty, create: false },
    ]) {
      expect(() => createSqliteStorage(options)).toThrow(`${empty} is an empty file, not a queue database`);
      expect(readFileSync(empty).length).toBe(0);
    }
    const missing = join(dir, 'missing.db');
    expect(() => createSqliteStorage({ path: missing, readOnly: true })).toThrow(`no queue database at ${missing}`);
    expect(() => createSqliteStorage({ path: missing, create: false })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => readFileSync(missing)).toThrow();
    // Creating (the default) turns an empty file into a queue.
    await createSqliteStorage({ path: empty }).close();
    expect(header(empty).applicationId).toBe(QUEUE_APPLICATION_ID);
  });
});

describe('a path that cannot be opened', () => {
  it('names the file', () => {
    const path = join(dir, 'no-such-folder', 'queue.db');
    expect(() => createSqliteStorage({ path })).toThrow(`cannot open ${path}: `);
    expect(() => createSqliteStorage({ path })).toThrow(expect.objectContaining({ code: 'IO_ERROR' }));
  });
});

describe('readOnly', () => {
  it('reads a queue without writing to it, and refuses writes', async () => {
    const path = join(dir, 'queue.db');
    const writer = createSqliteStorage({ path });
    await writer.append([progressRecord('one'), progressRecord('two')]);
    await writer.setMeta({ deviceId: 'tv' });
    await writer.close();
    const before = readFileSync(path);

    const reader = createSqliteStorage({ path, readOnly: true });
    expect(await reader.counts()).toMatchObject({ pending: 2, lastSeq: 2 });
    expect(await reader.getMeta('deviceId')).toBe('tv');
    expect(await reader.listDeadLetters()).toEqual([]);
    await expect(reader.append([progressRecord('three')])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(reader.setMeta({ deviceId: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(reader.acquireReplayLease('me', 1000, 0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await reader.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
