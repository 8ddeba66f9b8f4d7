import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_APPLICATION_ID, GatewayStore } from '../src/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-store-'));
  dirs.push(dir);
  return join(dir, 'gateway.db');
}

const write = (
  settled: { first: number; last: number }[],
  rejected: { firstSeq: number; lastSeq: number; code: string }[] = [],
) => ({
  userId: 'u',
  deviceId: 'tv',
  stateOps: [],
  commands: [],
  rejected,
  settled,
});

describe('GatewayStore settled and rejected ranges', () => {
  it('merges settled ranges that touch or overlap into one row, and clips reads to the asked range', () => {
    const store = new GatewayStore(':memory:');
    store.writeFrame(write([{ first: 5, last: 5 }]), 0);
    store.writeFrame(write([{ first: 1, last: 3 }]), 0);
    expect(store.settledIn('u', 'tv', 1, 10)).toEqual([
      { first: 1, last: 3 },
      { first: 5, last: 5 },
    ]);
    store.writeFrame(
      write([
        { first: 4, last: 4 },
        { first: 7, last: 9 },
      ]),
      0,
    );
    expect(store.settledIn('u', 'tv', 1, 100)).toEqual([
      { first: 1, last: 5 },
      { first: 7, last: 9 },
    ]);
    expect(store.settledIn('u', 'tv', 3, 8)).toEqual([
      { first: 3, last: 5 },
      { first: 7, last: 8 },
    ]);
    expect(store.settledIn('u', 'phone', 1, 100)).toEqual([]);
    store.close();
  });

  it('stores rejections as ranges per code, merging a touching neighbour of the same code', () => {
    const store = new GatewayStore(':memory:');
    store.writeFrame(write([{ first: 1, last: 2 }], [{ firstSeq: 1, lastSeq: 2, code: 'A' }]), 0);
    store.writeFrame(write([{ first: 3, last: 3 }], [{ firstSeq: 3, lastSeq: 3, code: 'A' }]), 0);
    store.writeFrame(write([{ first: 4, last: 4 }], [{ firstSeq: 4, lastSeq: 4, code: 'B' }]), 0);
    expect(store.rejectedIn('u', 'tv', 1, 10, 10)).toEqual([
      { firstSeq: 1, lastSeq: 3, code: 'A' },
      { firstSeq: 4, lastSeq: 4, code: 'B' },
    ]);
    expect(store.rejectedIn('u', 'tv', 2, 10, 1)).toEqual([{ firstSeq: 2, lastSeq: 3, code: 'A' }]);
    store.close();
  });
});

describe('GatewayStore schema 1 → 2', () => {
  it('turns per-seq rows into ranges, drops the rejection texts and marks the file', () => {
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
    const store = new GatewayStore(path);
    expect(store.settledIn('u', 'tv', 1, 100)).toEqual([
      { first: 1, last: 5 },
      { first: 7, last: 7 },
    ]);
    expect(store.settledIn('u', 'phone', 1, 100)).toEqual([{ first: 1, last: 1 }]);
    expect(store.rejectedIn('u', 'tv', 1, 100, 10)).toEqual([
      { firstSeq: 2, lastSeq: 3, code: 'FORBIDDEN_USER' },
      { firstSeq: 4, lastSeq: 4, code: 'CLOCK_DRIFT' },
      { firstSeq: 7, lastSeq: 7, code: 'FORBIDDEN_USER' },
    ]);
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('application_id', { simple: true })).toBe(GATEWAY_APPLICATION_ID);
    const tables = check
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    expect(tables).not.toContain('settled_ops');
    expect(tables).not.toContain('rejections');
    check.close();
  });

  it('refuses a second store on the same file while the first holds it, and the file once it is released', () => {
    const path = dbFile();
    const first = new GatewayStore(path);
    expect(() => new GatewayStore(path)).toThrow(expect.objectContaining({ code: 'DATABASE_LOCKED' }));
    first.close();
    new GatewayStore(path).close();
  });
});
