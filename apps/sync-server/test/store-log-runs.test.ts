import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SequencedOperation } from '@media-sync/protocol';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLength } from '../src/store/json-length.js';
import { MAX_RUN_ENTRIES, MIN_CODEC_RUN, SqliteGatewayStore } from '../src/store/sqlite.js';
import { committedResult, opsFrame, progressOp, variedOp, wholeLog } from './store-conformance/suite.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-log-runs-'));
  dirs.push(dir);
  return join(dir, 'gateway.db');
}

function runs(path: string): { first: number; last: number; device: string; encoding: number }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], { first: number; last: number; device: string; encoding: number }>(
        `SELECT first_log_seq AS first, last_log_seq AS last, device_id AS device, encoding
         FROM log_runs ORDER BY user_id, last_log_seq`,
      )
      .all();
  } finally {
    db.close();
  }
}

/** The tables of schema version 3 as its store created them, and its rows for `entries` (a row per op). */
function schema3File(path: string, users: Record<string, readonly SequencedOperation[]>): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('application_id = 1297303383');
  db.exec(`
    CREATE TABLE oplog (
      user_id TEXT NOT NULL, log_seq INTEGER NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
      entry TEXT NOT NULL, PRIMARY KEY (user_id, log_seq)) WITHOUT ROWID;
    CREATE TABLE snapshots (user_id TEXT PRIMARY KEY, log_seq INTEGER NOT NULL, state TEXT NOT NULL);
    CREATE TABLE devices (user_id TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (user_id, device_id)) WITHOUT ROWID;
    CREATE TABLE commands (
      id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, target_device_id TEXT NOT NULL,
      expires_at INTEGER NOT NULL, entry TEXT NOT NULL);
    CREATE INDEX commands_by_target ON commands (user_id, target_device_id, id);
    CREATE INDEX commands_by_expiry ON commands (expires_at);
    CREATE TABLE settled_ranges (
      user_id TEXT NOT NULL, device_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
      PRIMARY KEY (user_id, device_id, first_seq)) WITHOUT ROWID;
    CREATE TABLE rejected_ranges (
      user_id TEXT NOT NULL, device_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
      code TEXT NOT NULL, PRIMARY KEY (user_id, device_id, first_seq)) WITHOUT ROWID;
    CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
    INSERT INTO schema_migrations VALUES (1, 0), (2, 0), (3, 0);
    INSERT INTO snapshots VALUES ('u1', 5, '{"at":5}');
  `);
  const append = db.prepare('INSERT INTO oplog (user_id, log_seq, device_id, seq, entry) VALUES (?, ?, ?, ?, ?)');
  for (const [userId, entries] of Object.entries(users)) {
    entries.forEach((entry, i) => {
      append.run(userId, i + 1, entry.deviceId, entry.seq, JSON.stringify(entry));
    });
  }
  db.close();
}

/** Ops of `deviceId` for seqs first..last, with ids that need escapes in JSON and astral characters. */
function oddOps(userId: string, deviceId: string, first: number, last: number): SequencedOperation[] {
  const titles = ['quote " and \\ backslash', 'tab\tnewline\n', 'é ü 漢字', 'clapper 🎬', 'plain'];
  const out: SequencedOperation[] = [];
  for (let seq = first; seq <= last; seq++) {
    const entry = variedOp(userId, deviceId, seq, seq);
    out.push({ ...entry, op: { ...entry.op, contentId: titles[seq % titles.length] as string } as typeof entry.op });
  }
  return out;
}

describe('SqliteGatewayStore log runs', () => {
  it('migrates a schema 3 file: per-op rows become runs of one device, read back exactly from any position', async () => {
    const path = dbFile();
    const u1 = [
      ...oddOps('u1', 'tv', 1, 3),
      ...oddOps('u1', 'phone', 1, 2),
      ...oddOps('u1', 'tv', 4, 4),
      // One device's 1 300 consecutive positions: cut into runs of MAX_RUN_ENTRIES.
      ...oddOps('u1', 'web', 1, 1300),
      ...oddOps('u1', 'tv', 5, 6),
    ];
    const u2 = oddOps('u2', 'tv', 1, 2);
    schema3File(path, { u1, u2 });
    // What each write counted: the length of each stored text, in UTF-16 code units (the schema 3
    // store read back SQLite's character count, an emoji once where its write counted it twice).
    const old = new Database(path, { readonly: true });
    const oldBytes = new Map<string, { user_id: string; device_id: string; n: number }>();
    for (const row of old
      .prepare<[], { user_id: string; device_id: string; entry: string }>('SELECT user_id, device_id, entry FROM oplog')
      .all()) {
      const key = `${row.user_id} ${row.device_id}`;
      const sum = oldBytes.get(key) ?? { user_id: row.user_id, device_id: row.device_id, n: 0 };
      sum.n += row.entry.length;
      oldBytes.set(key, sum);
    }
    old.close();

    const store = new SqliteGatewayStore(path);
    expect(await store.head('u1')).toBe(u1.length);
    expect(await store.head('u2')).toBe(2);
    expect((await wholeLog(store, 'u1')).map((row) => row.entry)).toEqual(u1);
    expect((await wholeLog(store, 'u2')).map((row) => row.entry)).toEqual(u2);
    for (let from = 0; from <= u1.length; from += 37) {
      for (const limit of [1, 2, 600]) {
        const page = await store.logAfter('u1', from, limit);
        expect(page.map((row) => row.logSeq)).toEqual(u1.slice(from, from + limit).map((_, i) => from + i + 1));
        expect(page.map((row) => row.entry)).toEqual(u1.slice(from, from + limit));
      }
    }
    for (const row of oldBytes.values()) expect(await store.storedBytes(row.user_id, row.device_id)).toBe(row.n);
    expect(await store.snapshot('u1')).toEqual({ logSeq: 5, state: '{"at":5}' });
    // The log goes on after the migrated runs, in the store's own encoding.
    const next = committedResult((await store.writeFrames([opsFrame('u1', 'tv', 7, 8)], []))[0]);
    expect(next).toMatchObject({ previousHead: u1.length, headLogSeq: u1.length + 2 });
    expect((await store.logAfter('u1', u1.length - 1, 10)).map((row) => row.entry)).toEqual([
      u1[u1.length - 1],
      progressOp('u1', 'tv', 7),
      progressOp('u1', 'tv', 8),
    ]);
    await store.close();

    const stored = runs(path);
    expect(stored.filter((run) => run.device === 'web').map((run) => run.last - run.first + 1)).toEqual([
      MAX_RUN_ENTRIES,
      MAX_RUN_ENTRIES,
      1300 - 2 * MAX_RUN_ENTRIES,
    ]);
    expect(stored.slice(0, 3).map(({ first, last, device }) => ({ first, last, device }))).toEqual([
      { first: 1, last: 3, device: 'tv' },
      { first: 4, last: 5, device: 'phone' },
      { first: 6, last: 6, device: 'tv' },
    ]);
    const check = new Database(path, { readonly: true });
    const tables = check
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    expect(tables).not.toContain('oplog');
    expect(
      check
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
        .all()
        .map((row) => row.version),
    ).toEqual([1, 2, 3, 4]);
    check.close();
  });

  it('stores runs shorter than MIN_CODEC_RUN as JSON, exactly, and longer ones in the codec', async () => {
    const path = dbFile();
    const store = new SqliteGatewayStore(path);
    const short = opsFrame('u', 'tv', 1, MIN_CODEC_RUN - 1);
    const long = opsFrame('u', 'tv', MIN_CODEC_RUN, 2 * MIN_CODEC_RUN - 1);
    const results = await store.writeFrames(
      [short, opsFrame('u', 'tv', 2 * MIN_CODEC_RUN, 2 * MIN_CODEC_RUN), long],
      [],
    );
    const written = [...short.stateOps, progressOp('u', 'tv', 2 * MIN_CODEC_RUN), ...long.stateOps];
    expect(results.map((outcome) => committedResult(outcome).storedBytes)).toEqual(
      [short.stateOps, [progressOp('u', 'tv', 2 * MIN_CODEC_RUN)], long.stateOps].map((ops) =>
        ops.reduce((sum, entry) => sum + JSON.stringify(entry).length, 0),
      ),
    );
    expect((await wholeLog(store, 'u')).map((row) => row.entry)).toEqual(written);
    await store.close();
    expect(runs(path).map((run) => run.encoding)).toEqual([1, 1, 0]);
  });

  it('stores a frame as one run per device and MAX_RUN_ENTRIES ops at most, in the codec', async () => {
    const path = dbFile();
    const store = new SqliteGatewayStore(path);
    const big = opsFrame('u', 'tv', 1, 1100);
    committedResult((await store.writeFrames([opsFrame('u', 'tv', 1101, 1600), big], []))[0]);
    // The 500-op frame is one row; the 1 100-op one (written second, so from 501) three.
    await store.close();
    expect(runs(path)).toEqual([
      { first: 1, last: 500, device: 'tv', encoding: 0 },
      { first: 501, last: 500 + MAX_RUN_ENTRIES, device: 'tv', encoding: 0 },
      { first: 501 + MAX_RUN_ENTRIES, last: 500 + 2 * MAX_RUN_ENTRIES, device: 'tv', encoding: 0 },
      { first: 501 + 2 * MAX_RUN_ENTRIES, last: 1600, device: 'tv', encoding: 0 },
    ]);
  });

  it('keeps ops the codec refuses (a lone surrogate, a fractional position) as JSON, exactly', async () => {
    const path = dbFile();
    const store = new SqliteGatewayStore(path);
    const odd = [progressOp('u', 'tv', 1), progressOp('u', 'tv', 2)];
    const lone = { ...odd[0], op: { ...odd[0]?.op, contentId: 'half \ud800 pair' } } as SequencedOperation;
    const fractional = { ...odd[1], op: { ...odd[1]?.op, positionMs: 1.5 } } as SequencedOperation;
    const frame = { ...opsFrame('u', 'tv', 1, 2), stateOps: [lone, fractional] };
    const result = committedResult((await store.writeFrames([frame, opsFrame('u', 'tv', 3, 20)], []))[0]);
    const bytes = JSON.stringify(lone).length + JSON.stringify(fractional).length;
    expect(result.storedBytes).toBe(bytes);
    const rest = Array.from({ length: 18 }, (_, i) => progressOp('u', 'tv', i + 3));
    expect((await wholeLog(store, 'u')).map((row) => row.entry)).toEqual([lone, fractional, ...rest]);
    expect((await store.logAfter('u', 1, 1))[0]?.entry).toEqual(fractional);
    expect(await store.storedBytes('u', 'tv')).toBe(
      bytes + rest.reduce((sum, entry) => sum + JSON.stringify(entry).length, 0),
    );
    await store.close();
    expect(runs(path).map((run) => run.encoding)).toEqual([1, 0]);
  });
});

describe('stored bytes', () => {
  it('count each entry as the JSON of what logAfter returns, whatever odd input the store was given', async () => {
    type Odd = (entry: SequencedOperation) => SequencedOperation;
    const odd: Odd[] = [
      (entry) => ({ ...entry, hlc: { ...entry.hlc, logical: 1.5 } }),
      (entry) => ({ ...entry, op: { ...entry.op, timestamp: 1.25 } as SequencedOperation['op'] }),
      (entry) => ({ ...entry, op: { ...entry.op, durationMs: undefined } as unknown as SequencedOperation['op'] }),
      (entry) => ({ ...entry, extra: 'not a field' }) as SequencedOperation,
      (entry) => ({ ...entry, op: { ...entry.op, extra: 7 } as unknown as SequencedOperation['op'] }),
      (entry) => ({ ...entry, seq: Number.MAX_SAFE_INTEGER - 100 + entry.seq }),
      (entry) => ({ ...entry, hlc: { ...entry.hlc, nodeId: 'relay "quoted"' } }),
      (entry) => variedOp('u', 'tv', entry.seq, entry.seq),
    ];
    for (const [i, change] of odd.entries()) {
      const store = new SqliteGatewayStore(dbFile());
      const userId = `u${i}`;
      // Long enough for the codec, and one op alone (stored as JSON).
      for (const count of [MIN_CODEC_RUN, 1]) {
        const stateOps = opsFrame(userId, 'tv', 1, count).stateOps.map(change);
        const head = await store.head(userId);
        const result = committedResult(
          (await store.writeFrames([{ ...opsFrame(userId, 'tv', 1, count), stateOps, settled: [] }], []))[0],
        );
        const stored = await store.logAfter(userId, head, count);
        expect(result.storedBytes).toBe(stored.reduce((sum, row) => sum + JSON.stringify(row.entry).length, 0));
      }
      await store.close();
    }
  });
});

describe('jsonLength', () => {
  it('law: equals the length of JSON.stringify for JSON values, strings of any UTF-16 units and ops', () => {
    const anyString = fc.string({ unit: 'binary', maxLength: 40 });
    const value = fc.oneof(
      fc.jsonValue(),
      anyString,
      fc.dictionary(anyString, fc.oneof(anyString, fc.double(), fc.integer(), fc.constant(undefined))),
      fc.array(fc.oneof(fc.constant(undefined), fc.double(), fc.maxSafeInteger(), fc.boolean(), anyString)),
      fc
        .tuple(fc.constantFrom('tv', 'phone'), fc.integer({ min: 1, max: 1e9 }), fc.nat(1000))
        .map(([device, seq, shape]) => variedOp('u', device, seq, shape)),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(jsonLength(v)).toBe(JSON.stringify(v)?.length ?? 0);
      }),
      { numRuns: 2000 },
    );
  });
});
