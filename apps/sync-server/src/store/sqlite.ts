import { existsSync, statSync } from 'node:fs';
import { type Codec, CodecError, createCodec } from '@media-sync/codec';
import type { SequencedOperation } from '@media-sync/protocol';
import Database from 'better-sqlite3';
import { SyncServerError } from '../errors.js';
import { type CodedRange, normalize, type SeqRange } from '../seq-ranges.js';
import type {
  FrameWrite,
  FrameWriteResult,
  GatewayStore,
  LogEntry,
  PendingCommand,
  SnapshotWrite,
  StoredCommand,
  StoredSnapshot,
} from './contract.js';
import { codecEntryJsonLength } from './json-length.js';
import { migrationError } from './migrations.js';
import { withoutSettled } from './trim.js';

export type Synchronous = 'full' | 'normal';

export interface SqliteGatewayStoreOptions {
  /**
   * `full` (the default): a committed frame survives a power cut. `normal`: WAL commits are not
   * synced, so a power cut (not a process crash) can lose the last acknowledged frames.
   */
  readonly synchronous?: Synchronous;
  /**
   * The codec the log is stored with (its zstd engine is not used: runs are stored
   * uncompressed). Default: one of the store's own, made on first write or read.
   */
  readonly codec?: Codec;
}

/** How many users' log heads a store keeps in memory at most. */
const MAX_CACHED_HEADS = 100_000;

/**
 * Most log entries in one stored run: a frame of more (a gateway allowed larger frames) is
 * stored as several runs, so a read from any position decodes at most this many entries it
 * does not return.
 */
export const MAX_RUN_ENTRIES = 512;

/**
 * How a run's entries are stored (`log_runs.encoding`): a self-contained, uncompressed codec
 * frame of the run's ops, or a JSON array of the entries (short runs, what the migration from
 * per-op rows writes, and ops the codec refuses to encode).
 */
const RUN_CODEC = 0;
const RUN_JSON = 1;

/**
 * Runs shorter than this are stored as JSON: a codec frame costs about 10 µs to read and 5 µs to
 * write beyond its ops (header, checksum, string table, column readers), JSON about 2 µs an entry
 * each way, so a log of one-op frames (a device syncing live) reads 4-5 times faster as JSON,
 * and a 500-op frame twice as fast (and 80 times smaller) as a codec frame.
 */
export const MIN_CODEC_RUN = 16;

/** Runs `logAfter` reads per query. */
const RUNS_PER_READ = 64;

/** A stored run is this store's own bytes: the decoder's limits only need to admit them. */
const STORED_RUN_LIMITS = {
  maxFrameBytes: Number.MAX_SAFE_INTEGER,
  maxBodyBytes: Number.MAX_SAFE_INTEGER,
  maxOps: 1 << 20,
  maxStringBytes: 1 << 20,
  maxPayloadBytes: 1 << 24,
} as const;

interface RunRow {
  readonly first_log_seq: number;
  readonly last_log_seq: number;
  readonly encoding: number;
  readonly entries: Uint8Array | string;
}

interface SettledRow {
  readonly first_seq: number;
  readonly last_seq: number;
}

/** `PRAGMA application_id` of a gateway database: 'MSGW'. */
export const GATEWAY_APPLICATION_ID = 0x4d_53_47_57;
/** `PRAGMA application_id` of a device queue database (`@media-sync/storage-sqlite`): 'MSQQ'. */
const QUEUE_APPLICATION_ID = 0x4d_53_51_51;
/**
 * Schema versions, recorded in `schema_migrations`: 1 a row per settled seq, 2 settled and
 * rejected seqs as ranges, 3 the versions in `schema_migrations` (was one row in `schema_version`),
 * 4 the log as runs of one device's consecutive entries (`log_runs`, was a row per op in `oplog`).
 */
export const SQLITE_SCHEMA_VERSION = 4;

/**
 * The gateway's durable state in one SQLite file (WAL): per-user op log and snapshots of the
 * merged replica; per device the seqs it settled and the ones it rejected, as ranges (a device
 * that sent a million ops without a gap holds one row); the device registry and the
 * store-and-forward command box. Every query is by primary key or index.
 *
 * The log is kept as runs: one row per run of consecutive log positions holding one device's
 * ops in seq order (a frame's state ops are one run, up to `MAX_RUN_ENTRIES`), its entries one
 * codec frame. A 500-op frame is one small row instead of 500 rows of JSON text; a read from a
 * position inside a run decodes the run and returns its entries from there.
 *
 * The file is marked as a gateway database (`application_id` 'MSGW') and held with an exclusive
 * lock for the store's life: a second gateway on the same file is refused at once.
 */
export class SqliteGatewayStore implements GatewayStore {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #statements;
  /**
   * Log heads read or written by this store, by user. The file is held with an exclusive lock,
   * so nothing else can move a head: a cached one saves the `max(log_seq)` seek in each frame's
   * transaction. Written only after a commit (a rolled-back transaction leaves it as it was);
   * bounded by `MAX_CACHED_HEADS` (cleared when full; a miss reads the index again).
   */
  readonly #heads = new Map<string, number>();
  #codec: Codec | undefined;
  #codecLoading: Promise<Codec> | undefined;

  constructor(path: string, options: SqliteGatewayStoreOptions = {}) {
    this.#codec = options.codec;
    if (path !== ':memory:') checkKind(path);
    this.#db = open(path, () => new Database(path));
    try {
      // The lock is taken before anything is written, so a refused second gateway changes nothing.
      this.#db.pragma('busy_timeout = 0');
      this.#db.pragma('locking_mode = EXCLUSIVE');
      this.#db.exec('BEGIN EXCLUSIVE; COMMIT');
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma(`synchronous = ${(options.synchronous ?? 'full').toUpperCase()}`);
      // A text's length as a write counts it (JSON.stringify's `length`, UTF-16 code units):
      // SQLite's `length` counts characters, one per character beyond U+FFFF where it counts two.
      this.#db.function('utf16_length', { deterministic: true }, (text: unknown) =>
        typeof text === 'string' ? text.length : 0,
      );
      this.#migrate(path);
    } catch (error) {
      this.#db.close();
      throw translate(path, error);
    }
    const db = this.#db;
    this.#statements = {
      head: db.prepare<[string], { head: number | null }>(
        'SELECT max(last_log_seq) AS head FROM log_runs WHERE user_id = ?',
      ),
      appendRun: db.prepare<[string, number, number, string, number, Uint8Array | string, number]>(
        `INSERT INTO log_runs (user_id, last_log_seq, first_log_seq, device_id, encoding, entries, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Keyed by the run's last position: the first run holding position p + 1 is the first
      // whose last position is past p. Each run holds at least one entry, so `limit` runs
      // always hold `limit` entries.
      runsAfter: db.prepare<[string, number, number], RunRow>(
        `SELECT first_log_seq, last_log_seq, encoding, entries FROM log_runs WHERE user_id = ? AND last_log_seq > ?
         ORDER BY last_log_seq LIMIT ?`,
      ),
      snapshot: db.prepare<[string], { log_seq: number; state: string }>(
        'SELECT log_seq, state FROM snapshots WHERE user_id = ?',
      ),
      putSnapshot: db.prepare(
        `INSERT INTO snapshots (user_id, log_seq, state) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET log_seq = excluded.log_seq, state = excluded.state
         WHERE excluded.log_seq >= snapshots.log_seq`,
      ),
      // Ranges are disjoint and sorted, so the ones meeting first..last are the last one starting
      // at or before `first` plus those starting inside: two index seeks, no scan.
      settledBefore: db.prepare<[string, string, number], { first_seq: number; last_seq: number }>(
        `SELECT first_seq, last_seq FROM settled_ranges WHERE user_id = ? AND device_id = ? AND first_seq <= ?
         ORDER BY first_seq DESC LIMIT 1`,
      ),
      settledInside: db.prepare<[string, string, number, number], { first_seq: number; last_seq: number }>(
        `SELECT first_seq, last_seq FROM settled_ranges WHERE user_id = ? AND device_id = ? AND first_seq > ?
         AND first_seq <= ? ORDER BY first_seq`,
      ),
      deleteSettled: db.prepare('DELETE FROM settled_ranges WHERE user_id = ? AND device_id = ? AND first_seq = ?'),
      putSettled: db.prepare(
        'INSERT INTO settled_ranges (user_id, device_id, first_seq, last_seq) VALUES (?, ?, ?, ?)',
      ),
      rejectedBefore: db.prepare<[string, string, number], { first_seq: number; last_seq: number; code: string }>(
        `SELECT first_seq, last_seq, code FROM rejected_ranges WHERE user_id = ? AND device_id = ? AND first_seq <= ?
         ORDER BY first_seq DESC LIMIT 1`,
      ),
      rejectedInside: db.prepare<
        [string, string, number, number, number],
        { first_seq: number; last_seq: number; code: string }
      >(
        `SELECT first_seq, last_seq, code FROM rejected_ranges WHERE user_id = ? AND device_id = ? AND first_seq > ?
         AND first_seq <= ? ORDER BY first_seq LIMIT ?`,
      ),
      rejectedAt: db.prepare<[string, string, number], { first_seq: number; last_seq: number; code: string }>(
        'SELECT first_seq, last_seq, code FROM rejected_ranges WHERE user_id = ? AND device_id = ? AND first_seq = ?',
      ),
      deleteRejected: db.prepare('DELETE FROM rejected_ranges WHERE user_id = ? AND device_id = ? AND first_seq = ?'),
      putRejected: db.prepare(
        'INSERT INTO rejected_ranges (user_id, device_id, first_seq, last_seq, code) VALUES (?, ?, ?, ?, ?)',
      ),
      registerDevice: db.prepare('INSERT OR IGNORE INTO devices (user_id, device_id) VALUES (?, ?)'),
      putCommand: db.prepare('INSERT INTO commands (user_id, target_device_id, expires_at, entry) VALUES (?, ?, ?, ?)'),
      commandsFor: db.prepare<[string, string], { id: number; entry: string; expires_at: number }>(
        'SELECT id, entry, expires_at FROM commands WHERE user_id = ? AND target_device_id = ? ORDER BY id',
      ),
      deleteCommand: db.prepare('DELETE FROM commands WHERE id = ? AND user_id = ? AND target_device_id = ?'),
      deleteExpired: db.prepare('DELETE FROM commands WHERE expires_at < ?'),
      storedLogBytes: db.prepare<[string, string], { n: number }>(
        'SELECT coalesce(sum(bytes), 0) AS n FROM log_runs WHERE user_id = ? AND device_id = ?',
      ),
      storedCommandBytes: db.prepare<[string, string], { n: number }>(
        "SELECT coalesce(sum(utf16_length(entry)), 0) AS n FROM commands WHERE user_id = ? AND json_extract(entry, '$.deviceId') = ?",
      ),
    };
    this.#prepareCodec();
  }

  /**
   * Starts making the store's codec (when none was given) while the gateway starts, rather than
   * in its first frame's commit; a failure surfaces at the first write or read.
   */
  #prepareCodec(): void {
    if (this.#codec === undefined) this.#loadCodec().catch(() => {});
  }

  async head(userId: string): Promise<number> {
    return this.#head(userId, undefined);
  }

  async settledIn(userId: string, deviceId: string, first: number, last: number): Promise<SeqRange[]> {
    return this.#settledIn(userId, deviceId, first, last);
  }

  async rejectedIn(
    userId: string,
    deviceId: string,
    first: number,
    last: number,
    limit: number,
  ): Promise<CodedRange[]> {
    const s = this.#statements;
    const before = s.rejectedBefore.get(userId, deviceId, first);
    const rows = [before, ...s.rejectedInside.all(userId, deviceId, first, last, limit)];
    const out: CodedRange[] = [];
    for (const row of rows) {
      if (row === undefined || row.last_seq < first || out.length >= limit) continue;
      out.push({ firstSeq: Math.max(row.first_seq, first), lastSeq: Math.min(row.last_seq, last), code: row.code });
    }
    return out;
  }

  async registerDevice(userId: string, deviceId: string): Promise<void> {
    this.#statements.registerDevice.run(userId, deviceId);
  }

  async snapshot(userId: string): Promise<StoredSnapshot | undefined> {
    const row = this.#statements.snapshot.get(userId);
    return row && { logSeq: row.log_seq, state: row.state };
  }

  async putSnapshot(userId: string, logSeq: number, state: string): Promise<void> {
    this.#statements.putSnapshot.run(userId, logSeq, state);
  }

  async logAfter(userId: string, logSeq: number, limit: number): Promise<LogEntry[]> {
    const codec = this.#codec ?? (await this.#loadCodec());
    const out: LogEntry[] = [];
    let after = logSeq;
    // Pages of runs (a run holds at least one entry, so `limit` runs always suffice): a page
    // of many one-op runs is read in one call, and few of the large ones are read beyond need.
    while (out.length < limit) {
      const page = this.#statements.runsAfter.all(userId, after, Math.min(limit - out.length, RUNS_PER_READ));
      for (const run of page) {
        const entries = decodeRun(codec, run);
        // The first run may begin at or before `logSeq`; a run starts after it otherwise.
        for (let i = Math.max(0, logSeq + 1 - run.first_log_seq); i < entries.length; i++) {
          out.push({ logSeq: run.first_log_seq + i, entry: entries[i] as SequencedOperation });
          if (out.length === limit) return out;
        }
        after = run.last_log_seq;
      }
      if (page.length < RUNS_PER_READ) break;
    }
    return out;
  }

  /** A scan of the user's rows. */
  async storedBytes(userId: string, deviceId: string): Promise<number> {
    const s = this.#statements;
    return (s.storedLogBytes.get(userId, deviceId)?.n ?? 0) + (s.storedCommandBytes.get(userId, deviceId)?.n ?? 0);
  }

  /**
   * Writes all frames and snapshots in one transaction: one commit, so one sync, for a whole
   * group. They succeed or fail together.
   */
  async writeFrames(
    frames: readonly FrameWrite[],
    snapshots: readonly SnapshotWrite[],
  ): Promise<PromiseSettledResult<FrameWriteResult>[]> {
    try {
      const codec = this.#codec ?? (await this.#loadCodec());
      // Heads this group moves, published to `#heads` once the transaction committed.
      const heads = new Map<string, number>();
      const results = this.#db.transaction((): FrameWriteResult[] => {
        const written = frames.map((frame) => this.#write(codec, frame, heads));
        for (const snapshot of snapshots) {
          this.#statements.putSnapshot.run(snapshot.userId, snapshot.logSeq, snapshot.state());
        }
        return written;
      })();
      if (this.#heads.size + heads.size > MAX_CACHED_HEADS) this.#heads.clear();
      for (const [userId, head] of heads) this.#heads.set(userId, head);
      return results.map((value) => ({ status: 'fulfilled', value }));
    } catch (reason) {
      return frames.map(() => ({ status: 'rejected', reason }));
    }
  }

  /** The store's codec, made once (its zstd engine loads asynchronously, once per process). */
  #loadCodec(): Promise<Codec> {
    this.#codecLoading ??= createCodec({ baselineTotals: false }).then((codec) => {
      this.#codec = codec;
      return codec;
    });
    return this.#codecLoading;
  }

  /** The head as committed, or as moved by the transaction under way (`moved`). */
  #head(userId: string, moved: ReadonlyMap<string, number> | undefined): number {
    const head = moved?.get(userId) ?? this.#heads.get(userId);
    if (head !== undefined) return head;
    const read = this.#statements.head.get(userId)?.head ?? 0;
    if (moved === undefined) {
      if (this.#heads.size >= MAX_CACHED_HEADS) this.#heads.clear();
      this.#heads.set(userId, read);
    }
    return read;
  }

  #settledIn(userId: string, deviceId: string, first: number, last: number): SeqRange[] {
    const s = this.#statements;
    const rows = [s.settledBefore.get(userId, deviceId, first), ...s.settledInside.all(userId, deviceId, first, last)];
    const out: SeqRange[] = [];
    for (const row of rows) {
      if (row === undefined || row.last_seq < first) continue;
      out.push({ first: Math.max(row.first_seq, first), last: Math.min(row.last_seq, last) });
    }
    return out;
  }

  /**
   * One frame inside the group's transaction: the head is read here, and the frame's seqs are
   * checked again, so a frame whose seqs were settled since the gateway's dedupe read (the same
   * device on two connections) writes nothing twice.
   */
  #write(codec: Codec, frame: FrameWrite, heads: Map<string, number>): FrameWriteResult {
    const s = this.#statements;
    // One read per range serves both the re-check and, when nothing of it was settled meanwhile
    // and the frame settles one range (the usual case), the merge with the ranges it touches.
    // With several ranges the second is read again after the first is written: one stored range
    // may fill the gap between them.
    const ranges = normalize(frame.settled);
    const touching = ranges.map((range) => this.#settledTouching(frame.userId, frame.deviceId, range));
    const alreadySettled = ranges.flatMap((range, i) =>
      (touching[i] as SettledRow[])
        .filter((row) => row.last_seq >= range.first && row.first_seq <= range.last)
        .map((row) => ({ first: Math.max(row.first_seq, range.first), last: Math.min(row.last_seq, range.last) })),
    );
    const write = withoutSettled(frame, alreadySettled);
    const previousHead = this.#head(write.userId, heads);
    let head = previousHead;
    let storedBytes = 0;
    const ops = write.stateOps;
    for (let start = 0; start < ops.length; ) {
      const end = runEnd(ops, start);
      const run = start === 0 && end === ops.length ? ops : ops.slice(start, end);
      const { encoding, entries } = encodeRun(codec, run);
      // Counted as JSON text, as the quota always counted a log entry (and the PostgreSQL store
      // stores it), whatever the bytes on disk: the entries as `logAfter` returns them.
      let bytes = 0;
      if (encoding === RUN_CODEC) for (const entry of run) bytes += codecEntryJsonLength(entry);
      else bytes = (entries as string).length - run.length - 1; // [a,b]: the brackets and commas

      s.appendRun.run(
        write.userId,
        head + run.length,
        head + 1,
        (run[0] as SequencedOperation).deviceId,
        encoding,
        entries,
        bytes,
      );
      head += run.length;
      storedBytes += bytes;
      start = end;
    }
    const commands = write.commands.map((command): StoredCommand => {
      const json = JSON.stringify(command.entry);
      storedBytes += json.length;
      const id = Number(
        s.putCommand.run(write.userId, command.targetDeviceId, command.expiresAt, json).lastInsertRowid,
      );
      return { id, targetDeviceId: command.targetDeviceId, entry: command.entry };
    });
    for (const range of write.rejected) this.#addRejected(write.userId, write.deviceId, range);
    if (alreadySettled.length === 0 && ranges.length === 1) {
      this.#addSettled(write.userId, write.deviceId, ranges[0] as SeqRange, touching[0] as SettledRow[]);
    } else {
      for (const range of write.settled) {
        this.#addSettled(
          write.userId,
          write.deviceId,
          range,
          this.#settledTouching(write.userId, write.deviceId, range),
        );
      }
    }
    heads.set(write.userId, head);
    return { previousHead, headLogSeq: head, logged: write.stateOps, commands, storedBytes, alreadySettled };
  }

  /** The stored settled ranges that overlap or touch `range` (the last one before it may not). */
  #settledTouching(userId: string, deviceId: string, range: SeqRange): SettledRow[] {
    const s = this.#statements;
    const before = s.settledBefore.get(userId, deviceId, range.first);
    const inside = s.settledInside.all(userId, deviceId, range.first, range.last + 1);
    return before === undefined ? inside : [before, ...inside];
  }

  /**
   * Adds a range to the settled ranges, merging it with every range it overlaps or touches;
   * `touching` is `#settledTouching` of it, read in the same transaction.
   */
  #addSettled(userId: string, deviceId: string, range: SeqRange, touching: readonly SettledRow[]): void {
    const s = this.#statements;
    let first = range.first;
    let last = range.last;
    for (const row of touching) {
      if (row.last_seq < first - 1) continue;
      first = Math.min(first, row.first_seq);
      last = Math.max(last, row.last_seq);
      s.deleteSettled.run(userId, deviceId, row.first_seq);
    }
    s.putSettled.run(userId, deviceId, first, last);
  }

  /**
   * Adds a rejected range of newly settled seqs (so it overlaps no stored rejection), merged
   * with a neighbour of the same code that it touches.
   */
  #addRejected(userId: string, deviceId: string, range: CodedRange): void {
    const s = this.#statements;
    let first = range.firstSeq;
    let last = range.lastSeq;
    const previous = s.rejectedBefore.get(userId, deviceId, first - 1);
    if (previous && previous.last_seq === first - 1 && previous.code === range.code) {
      first = previous.first_seq;
      s.deleteRejected.run(userId, deviceId, previous.first_seq);
    }
    const next = s.rejectedAt.get(userId, deviceId, last + 1);
    if (next && next.code === range.code) {
      last = next.last_seq;
      s.deleteRejected.run(userId, deviceId, next.first_seq);
    }
    s.putRejected.run(userId, deviceId, first, last, range.code);
  }

  async pendingCommands(userId: string, deviceId: string, now: number): Promise<PendingCommand[]> {
    this.#statements.deleteExpired.run(now);
    return this.#statements.commandsFor.all(userId, deviceId).map((row) => ({
      id: row.id,
      entry: JSON.parse(row.entry) as SequencedOperation,
      expiresAt: row.expires_at,
    }));
  }

  async deleteCommand(id: number, userId: string, deviceId: string): Promise<boolean> {
    return this.#statements.deleteCommand.run(id, userId, deviceId).changes > 0;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Brings the file to `SQLITE_SCHEMA_VERSION` in one transaction. The version is the highest
   * row of `schema_migrations` (before version 3: the one row of `schema_version`).
   */
  #migrate(where: string): void {
    const db = this.#db;
    const tables = new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .all()
        .map((row) => row.name),
    );
    let version = 0;
    if (tables.has('schema_migrations')) {
      version = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get()?.v ?? 0;
    } else if (tables.has('schema_version')) {
      version = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get()?.version ?? 0;
    }
    if (version > SQLITE_SCHEMA_VERSION) throw migrationError(where, version, SQLITE_SCHEMA_VERSION);
    if (version === SQLITE_SCHEMA_VERSION) return;
    db.transaction(() => {
      db.pragma(`application_id = ${GATEWAY_APPLICATION_ID}`);
      if (version === 0) {
        db.exec(`
          CREATE TABLE snapshots (user_id TEXT PRIMARY KEY, log_seq INTEGER NOT NULL, state TEXT NOT NULL);
          CREATE TABLE devices (user_id TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (user_id, device_id)) WITHOUT ROWID;
          CREATE TABLE commands (
            id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, target_device_id TEXT NOT NULL,
            expires_at INTEGER NOT NULL, entry TEXT NOT NULL);
          CREATE INDEX commands_by_target ON commands (user_id, target_device_id, id);
          CREATE INDEX commands_by_expiry ON commands (expires_at);
        `);
      }
      if (version < 2) {
        db.exec(`
          CREATE TABLE settled_ranges (
            user_id TEXT NOT NULL, device_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
            PRIMARY KEY (user_id, device_id, first_seq)) WITHOUT ROWID;
          CREATE TABLE rejected_ranges (
            user_id TEXT NOT NULL, device_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
            code TEXT NOT NULL, PRIMARY KEY (user_id, device_id, first_seq)) WITHOUT ROWID;
        `);
      }
      if (version === 1) {
        // Version 1 kept a row per settled seq and per rejection (with its text): runs of
        // consecutive seqs (per code) become ranges; seq minus its rank is constant along a run.
        db.exec(`
          INSERT INTO settled_ranges
            SELECT user_id, device_id, min(seq), max(seq) FROM (
              SELECT user_id, device_id, seq,
                     seq - row_number() OVER (PARTITION BY user_id, device_id ORDER BY seq) AS run
              FROM settled_ops)
            GROUP BY user_id, device_id, run;
          INSERT INTO rejected_ranges
            SELECT user_id, device_id, min(seq), max(seq), code FROM (
              SELECT user_id, device_id, seq, code,
                     seq - row_number() OVER (PARTITION BY user_id, device_id ORDER BY seq) AS run
              FROM rejections)
            GROUP BY user_id, device_id, run, code;
          DROP TABLE settled_ops;
          DROP TABLE rejections;
          DROP TABLE device_seqs;
          DROP INDEX IF EXISTS devices_by_device;
        `);
      }
      if (version < 3) {
        db.exec(`
          CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
          DROP TABLE IF EXISTS schema_version;
        `);
      }
      if (version < 4) {
        db.exec(`
          CREATE TABLE log_runs (
            user_id TEXT NOT NULL, last_log_seq INTEGER NOT NULL, first_log_seq INTEGER NOT NULL,
            device_id TEXT NOT NULL, encoding INTEGER NOT NULL, entries BLOB NOT NULL, bytes INTEGER NOT NULL,
            PRIMARY KEY (user_id, last_log_seq)) WITHOUT ROWID;
        `);
      }
      if (version >= 1 && version < 4) {
        // Per-op rows become runs: consecutive positions of one device (log_seq minus its rank
        // among the device's rows is constant along such a run), cut every MAX_RUN_ENTRIES, each
        // a JSON array of the stored texts as they were. Their bytes are the texts' lengths as a
        // write counts them (UTF-16 code units; the per-op store read SQLite's character count
        // back, less than its writes had counted for text beyond U+FFFF).
        db.exec(`
          INSERT INTO log_runs (user_id, last_log_seq, first_log_seq, device_id, encoding, entries, bytes)
            SELECT user_id, max(log_seq), min(log_seq), device_id, ${RUN_JSON},
                   '[' || group_concat(entry, ',' ORDER BY log_seq) || ']', sum(utf16_length(entry))
            FROM (
              SELECT user_id, log_seq, device_id, entry, run,
                     (row_number() OVER (PARTITION BY user_id, device_id, run ORDER BY log_seq) - 1)
                       / ${MAX_RUN_ENTRIES} AS chunk
              FROM (
                SELECT user_id, log_seq, device_id, entry,
                       log_seq - row_number() OVER (PARTITION BY user_id, device_id ORDER BY log_seq) AS run
                FROM oplog))
            GROUP BY user_id, device_id, run, chunk;
          DROP TABLE oplog;
        `);
      }
      const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
      for (let next = version + 1; next <= SQLITE_SCHEMA_VERSION; next++) record.run(next, Date.now());
    })();
  }
}

/**
 * Refuses, before opening it for writing, a file that is not a gateway database: another kind
 * of SQLite database (a device queue), or not a database at all. A new or empty file becomes a
 * gateway database. The refused file is left byte-identical.
 */
function checkKind(path: string): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  const probe = open(path, () => new Database(path, { readonly: true, fileMustExist: true }));
  try {
    probe.pragma('busy_timeout = 0');
    const applicationId = probe.pragma('application_id', { simple: true }) as number;
    if (applicationId === GATEWAY_APPLICATION_ID) return;
    if (applicationId === QUEUE_APPLICATION_ID) {
      throw new SyncServerError(
        'DATABASE_KIND',
        `${path} is a device queue database, not a gateway database: give serve its own --db file`,
      );
    }
    if (applicationId !== 0) {
      throw new SyncServerError(
        'DATABASE_KIND',
        `${path} is not a gateway database (SQLite application_id 0x${(applicationId >>> 0).toString(16)})`,
      );
    }
    // Unmarked: a gateway database of schema version 1, or someone else's.
    const tables = probe
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    if (tables.length > 0 && !(tables.includes('schema_version') && tables.includes('oplog'))) {
      throw new SyncServerError(
        'DATABASE_KIND',
        `${path} is not a gateway database (it holds tables ${tables.slice(0, 3).join(', ')})`,
      );
    }
  } catch (error) {
    throw translate(path, error);
  } finally {
    probe.close();
  }
}

function open(path: string, make: () => Database.Database): Database.Database {
  try {
    return make();
  } catch (error) {
    throw translate(path, error);
  }
}

/** SQLite's errors about the file, as one line naming it. */
function translate(path: string, error: unknown): unknown {
  if (error instanceof SyncServerError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new SyncServerError('DATABASE_LOCKED', `${path} is in use by another gateway process`, { cause: error });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new SyncServerError('DATABASE_KIND', `${path} is not an SQLite database`, { cause: error });
  }
  return error;
}

/** The end (exclusive) of the run starting at `start`: one device's ops, seqs increasing, at most MAX_RUN_ENTRIES. */
function runEnd(ops: readonly SequencedOperation[], start: number): number {
  const first = ops[start] as SequencedOperation;
  const limit = Math.min(ops.length, start + MAX_RUN_ENTRIES);
  let end = start + 1;
  let seq = first.seq;
  while (end < limit) {
    const entry = ops[end] as SequencedOperation;
    if (entry.deviceId !== first.deviceId || !(entry.seq > seq)) break;
    seq = entry.seq;
    end += 1;
  }
  return end;
}

/**
 * A run's entries as one uncompressed, self-contained codec frame (about 4 bytes an op on the
 * standard trace against 320 as JSON, and cheaper to write); as a JSON array when the run is
 * short (`MIN_CODEC_RUN`) or the codec refuses its ops (ops no gateway decoded: nothing the store
 * is given is lost).
 */
function encodeRun(
  codec: Codec,
  run: readonly SequencedOperation[],
): { encoding: number; entries: Uint8Array | string } {
  if (run.length < MIN_CODEC_RUN) return { encoding: RUN_JSON, entries: JSON.stringify(run) };
  try {
    const frame = codec.encodeFrame((run[0] as SequencedOperation).deviceId, run, { compression: false });
    return { encoding: RUN_CODEC, entries: frame.bytes };
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    return { encoding: RUN_JSON, entries: JSON.stringify(run) };
  }
}

function decodeRun(codec: Codec, run: RunRow): readonly SequencedOperation[] {
  const entries =
    run.encoding === RUN_CODEC
      ? codec.decodeFrame(run.entries as Uint8Array, { limits: STORED_RUN_LIMITS }).ops
      : (JSON.parse(run.entries as string) as SequencedOperation[]);
  if (entries.length !== run.last_log_seq - run.first_log_seq + 1) {
    throw new Error(
      `log run ${run.first_log_seq}..${run.last_log_seq} holds ${entries.length} entries: the database is damaged`,
    );
  }
  return entries;
}
