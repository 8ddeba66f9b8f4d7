import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import type {
  AppendResult,
  DeadLetterRecord,
  DeadLetterSummary,
  LeaseProcess,
  NewQueueRecord,
  QueueRecord,
  ReplayLeaseHolder,
  StorageAdapter,
  StorageCapabilities,
  StorageCounts,
  StorageErrorCode,
} from '@media-sync/queue';
import { holderIsDeadLocalProcess, StorageError } from '@media-sync/queue';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, QUEUE_APPLICATION_ID } from './migrations.js';
import { SQL } from './sql.js';

export interface SqliteStorageOptions {
  /** The database file, created when missing. `':memory:'` gives a private, non-durable database. */
  readonly path: string;
  /**
   * How long a statement waits for another connection's write lock before failing with `BUSY`.
   * Default 5000.
   */
  readonly busyTimeoutMs?: number;
  /**
   * When a commit reaches the disk. `'full'` (default): every commit fsyncs the WAL before
   * `append` resolves, so it survives a killed process, an OS crash and a power loss. `'normal'`:
   * the WAL is synced at checkpoints only; a resolved append still survives a killed process (the
   * OS holds the data), but the last commits can be lost on an OS crash or power loss. About 100×
   * more single-op transactions per second on a disk with slow fsync.
   */
  readonly synchronous?: 'full' | 'normal';
  /**
   * Open an existing queue file for reading only: nothing is written to it (no migration, no
   * journal-mode switch), and every write fails with `INVALID_ARGUMENT`. A missing or empty file
   * is refused with `NOT_FOUND`. Default false.
   */
  readonly readOnly?: boolean;
  /**
   * Whether a missing or empty file becomes a new queue database. Default true; with false both
   * are refused with `NOT_FOUND`, and the path is left as it was.
   */
  readonly create?: boolean;
  /**
   * The process recorded with the replay lease, and how another one is known to be gone.
   * Default: this process (`process.pid`, `os.hostname()`), alive while `process.kill(pid, 0)`
   * finds it.
   */
  readonly leaseProcess?: LeaseProcess;
}

/** This process, as the replay lease records it. */
export const THIS_PROCESS: LeaseProcess = Object.freeze({
  pid: process.pid,
  host: hostname(),
  isAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists, owned by someone else. Only ESRCH says it is gone.
      return (error as { code?: unknown }).code !== 'ESRCH';
    }
  },
});

interface LeaseRow {
  owner: string;
  pid: number | null;
  host: string | null;
  expires_at: number;
}

interface PendingRow {
  seq: number;
  hlc: string;
  type: string;
  coalesce_key: string | null;
  expires_at: number | null;
  body: Buffer;
  enqueued_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

interface DeadLetterRow extends PendingRow {
  reason_code: string;
  reason: string;
  dead_lettered_at: number;
}

interface StateRow {
  last_seq: number;
  pending_count: number;
  dead_letter_count: number;
}

/** Opens (creating or migrating) a queue database file. Throws `StorageError` when it cannot. */
export function createSqliteStorage(options: SqliteStorageOptions): StorageAdapter {
  if (typeof options?.path !== 'string' || options.path === '') {
    throw new TypeError(`createSqliteStorage: path must be a non-empty string, got ${String(options?.path)}`);
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new TypeError(`createSqliteStorage: busyTimeoutMs must be an integer >= 0, got ${busyTimeoutMs}`);
  }
  const synchronous = options.synchronous ?? 'full';
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new TypeError(`createSqliteStorage: synchronous must be 'full' or 'normal', got ${String(synchronous)}`);
  }
  const inMemory = options.path === ':memory:';
  const readOnly = options.readOnly === true;
  const create = !readOnly && options.create !== false;
  const db = guard(() => openDatabase(options.path, { busyTimeoutMs, synchronous, readOnly, create }));

  const statements = guard(() => ({
    state: db.prepare<[], StateRow>(SQL.state),
    setLastSeq: db.prepare<[number]>(SQL.setLastSeq),
    adjustCounts: db.prepare<[number, number]>(SQL.adjustCounts),
    insertPending: db.prepare<[number, string, string, string | null, number | null, Uint8Array, number]>(
      SQL.insertPending,
    ),
    readPage: db.prepare<[number, number], PendingRow>(SQL.readPage),
    oldestPending: db.prepare<[], { enqueued_at: number }>(SQL.oldestPending),
    latestSeqForKey: db.prepare<[string], { seq: number | null }>(SQL.latestSeqForKey),
    deleteRange: db.prepare<[number, number]>(SQL.deleteRange),
    recordAttempt: db.prepare<[string, number, number]>(SQL.recordAttempt),
    copyToDeadLetters: db.prepare<[string, string, number, number]>(SQL.copyToDeadLetters),
    deletePending: db.prepare<[number]>(SQL.deletePending),
    listDeadLetters: db.prepare<[number], DeadLetterRow>(SQL.listDeadLetters),
    requeueDeadLetter: db.prepare<[number]>(SQL.requeueDeadLetter),
    requeueAllDeadLetters: db.prepare(SQL.requeueAllDeadLetters),
    deleteDeadLetter: db.prepare<[number]>(SQL.deleteDeadLetter),
    deleteAllDeadLetters: db.prepare(SQL.deleteAllDeadLetters),
    getMeta: db.prepare<[string], { value: string }>(SQL.getMeta),
    setMeta: db.prepare<[string, string]>(SQL.setMeta),
    getLease: db.prepare<[], LeaseRow>(SQL.getLease),
    setLease: db.prepare<[string, number | null, string | null, number]>(SQL.setLease),
    deadLetterCodes: db.prepare<[], { reason_code: string; count: number }>(SQL.deadLetterCodes),
    latestDeadLetterOfCode: db.prepare<[string], { reason: string; dead_lettered_at: number }>(
      SQL.latestDeadLetterOfCode,
    ),
    releaseLease: db.prepare<[string]>(SQL.releaseLease),
  }));

  const writeMeta = (entries: Readonly<Record<string, string>> | undefined): void => {
    if (entries === undefined) return;
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value !== 'string') {
        throw new StorageError('INVALID_ARGUMENT', `meta value for ${JSON.stringify(key)} must be a string`);
      }
      statements.setMeta.run(key, value);
    }
  };

  const readState = (): StateRow => {
    const state = statements.state.get();
    if (state === undefined) throw new StorageError('CORRUPT', 'queue_state row is missing');
    return state;
  };

  // Write transactions start IMMEDIATE: they take the write lock up front, so two connections
  // never both read under a shared lock and then deadlock upgrading it (SQLITE_BUSY at commit,
  // which busy_timeout cannot resolve).
  const appendTx = db.transaction(
    (records: readonly NewQueueRecord[], meta: Readonly<Record<string, string>> | undefined) => {
      const first = readState().last_seq + 1;
      const seqs: number[] = [];
      for (const [index, record] of records.entries()) {
        const seq = first + index;
        statements.insertPending.run(
          seq,
          record.hlc,
          record.type,
          record.coalesceKey,
          record.expiresAt,
          record.body,
          record.enqueuedAt,
        );
        seqs.push(seq);
      }
      if (seqs.length > 0) {
        statements.setLastSeq.run(first + seqs.length - 1);
        statements.adjustCounts.run(seqs.length, 0);
      }
      writeMeta(meta);
      return seqs;
    },
  );

  const recordAttemptTx = db.transaction((seqs: readonly number[], error: string, nextAttemptAt: number) => {
    // One failed attempt per row, however often the caller names it.
    for (const seq of new Set(seqs)) statements.recordAttempt.run(error, nextAttemptAt, seq);
  });

  const deadLetterTx = db.transaction((seqs: readonly number[], reasonCode: string, reason: string, at: number) => {
    let moved = 0;
    for (const seq of new Set(seqs)) {
      if (statements.copyToDeadLetters.run(reasonCode, reason, at, seq).changes > 0) {
        statements.deletePending.run(seq);
        moved += 1;
      }
    }
    if (moved > 0) statements.adjustCounts.run(-moved, moved);
  });

  const requeueTx = db.transaction((seqs: readonly number[] | undefined): number => {
    let moved = 0;
    if (seqs === undefined) {
      moved = statements.requeueAllDeadLetters.run().changes;
      statements.deleteAllDeadLetters.run();
    } else {
      for (const seq of new Set(seqs)) {
        if (statements.requeueDeadLetter.run(seq).changes > 0) {
          statements.deleteDeadLetter.run(seq);
          moved += 1;
        }
      }
    }
    if (moved > 0) statements.adjustCounts.run(moved, -moved);
    return moved;
  });

  const purgeTx = db.transaction((seqs: readonly number[] | undefined): number => {
    let purged = 0;
    if (seqs === undefined) {
      purged = statements.deleteAllDeadLetters.run().changes;
    } else {
      for (const seq of new Set(seqs)) purged += statements.deleteDeadLetter.run(seq).changes;
    }
    if (purged > 0) statements.adjustCounts.run(0, -purged);
    return purged;
  });

  const deleteRangeTx = db.transaction((fromSeq: number, toSeq: number): number => {
    const deleted = statements.deleteRange.run(fromSeq, toSeq).changes;
    if (deleted > 0) statements.adjustCounts.run(-deleted, 0);
    return deleted;
  });

  const setMetaTx = db.transaction((entries: Readonly<Record<string, string>>) => writeMeta(entries));

  const latestSeqByKeyTx = db.transaction((keys: readonly string[]) => {
    const latest = new Map<string, number>();
    for (const key of keys) {
      const seq = statements.latestSeqForKey.get(key)?.seq;
      if (seq !== null && seq !== undefined) latest.set(key, seq);
    }
    return latest;
  });

  const countsTx = db.transaction((): StorageCounts => {
    const state = readState();
    return {
      pending: state.pending_count,
      deadLettered: state.dead_letter_count,
      lastSeq: state.last_seq,
      oldestPendingAt: statements.oldestPending.get()?.enqueued_at ?? null,
    };
  });

  const me = options.leaseProcess ?? THIS_PROCESS;
  const acquireLeaseTx = db.transaction((owner: string, ttlMs: number, now: number): boolean => {
    const lease = statements.getLease.get();
    if (lease !== undefined && lease.owner !== owner && lease.expires_at > now) {
      // A replayer of this host that crashed (kill -9) left its lease: take it over at once.
      if (!holderIsDeadLocalProcess(lease, me)) return false;
    }
    statements.setLease.run(owner, me.pid, me.host, now + ttlMs);
    return true;
  });

  const deadLetterSummaryTx = db.transaction((): DeadLetterSummary[] =>
    statements.deadLetterCodes.all().map(({ reason_code, count }) => {
      const latest = statements.latestDeadLetterOfCode.get(reason_code);
      return {
        code: reason_code,
        count,
        latestReason: latest?.reason ?? '',
        latestAt: latest?.dead_lettered_at ?? 0,
      };
    }),
  );

  let closed = false;

  /** Runs one synchronous step for an async method: refuses after close, maps driver errors. */
  const run = async <T>(operation: string, step: () => T): Promise<T> => {
    if (closed) throw new StorageError('CLOSED', `sqlite storage ${options.path} is closed (${operation})`);
    if (readOnly && WRITES.has(operation)) {
      throw new StorageError('INVALID_ARGUMENT', `sqlite storage ${options.path} is open read-only (${operation})`);
    }
    return guard(step, operation);
  };

  const capabilities: StorageCapabilities = Object.freeze({
    durable: !inMemory,
    crossProcessLease: !inMemory,
  });

  return {
    name: 'sqlite',
    capabilities,

    append: (records, meta) => run('append', (): AppendResult => ({ seqs: appendTx.immediate(records, meta) })),

    readPage: (afterSeq, limit) =>
      run('readPage', () => {
        requireInteger('afterSeq', afterSeq, 0);
        requireInteger('limit', limit, 0);
        return statements.readPage.all(afterSeq, limit).map(toQueueRecord);
      }),

    // One read transaction, so every key is answered from the same snapshot.
    latestSeqByKey: (keys) => run('latestSeqByKey', () => latestSeqByKeyTx.deferred(keys)),

    deleteRange: (fromSeq, toSeq) => run('deleteRange', () => deleteRangeTx.immediate(fromSeq, toSeq)),

    recordAttempt: (seqs, error, nextAttemptAt) =>
      run('recordAttempt', () => recordAttemptTx.immediate(seqs, error, nextAttemptAt)),

    deadLetter: (seqs, reasonCode, reason, at) =>
      run('deadLetter', () => deadLetterTx.immediate(seqs, reasonCode, reason, at)),

    listDeadLetters: (limit) =>
      run('listDeadLetters', () => {
        if (limit !== undefined) requireInteger('limit', limit, 0);
        // LIMIT -1 is SQLite's "no limit".
        return statements.listDeadLetters.all(limit ?? -1).map(toDeadLetterRecord);
      }),

    // One read transaction: the counts and the latest reasons are one snapshot.
    deadLetterSummary: () => run('deadLetterSummary', () => deadLetterSummaryTx.deferred()),

    requeueDeadLetters: (seqs) => run('requeueDeadLetters', () => requeueTx.immediate(seqs)),

    purgeDeadLetters: (seqs) => run('purgeDeadLetters', () => purgeTx.immediate(seqs)),

    getMeta: (key) => run('getMeta', () => statements.getMeta.get(key)?.value),

    setMeta: (entries) => run('setMeta', () => setMetaTx.immediate(entries)),

    // Read in one (deferred) transaction so the counts and the oldest row are one snapshot.
    counts: () => run('counts', () => countsTx.deferred()),

    acquireReplayLease: (owner, ttlMs, now) =>
      run('acquireReplayLease', () => {
        requireInteger('ttlMs', ttlMs, 0);
        return acquireLeaseTx.immediate(owner, ttlMs, now);
      }),

    releaseReplayLease: (owner) =>
      run('releaseReplayLease', () => {
        statements.releaseLease.run(owner);
      }),

    replayLeaseHolder: () =>
      run('replayLeaseHolder', (): ReplayLeaseHolder | null => {
        const lease = statements.getLease.get();
        return lease === undefined
          ? null
          : { owner: lease.owner, pid: lease.pid, host: lease.host, expiresAt: lease.expires_at };
      }),

    close: async () => {
      if (closed) return;
      closed = true;
      guard(() => db.close(), 'close');
    },
  };
}

interface OpenOptions {
  readonly busyTimeoutMs: number;
  readonly synchronous: 'full' | 'normal';
  readonly readOnly: boolean;
  readonly create: boolean;
}

/** The adapter's methods that write; a read-only storage refuses them. */
const WRITES: ReadonlySet<string> = new Set([
  'append',
  'deleteRange',
  'recordAttempt',
  'deadLetter',
  'requeueDeadLetters',
  'purgeDeadLetters',
  'setMeta',
  'acquireReplayLease',
  'releaseReplayLease',
]);

function openDatabase(path: string, options: OpenOptions): Database.Database {
  if (path !== ':memory:') {
    // Look before anything can write: a file of another kind, or not a database at all, is left
    // byte-identical, and so is a missing or empty path nobody asked to create.
    const kind = inspectFile(path);
    if ((kind === 'missing' || kind === 'empty') && !options.create) {
      throw new StorageError(
        'NOT_FOUND',
        kind === 'missing' ? `no queue database at ${path}` : `${path} is an empty file, not a queue database`,
      );
    }
    if (options.readOnly) return openReadOnly(path, options.busyTimeoutMs);
  }
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    // better-sqlite3 says "the directory does not exist" without saying which file.
    throw new StorageError(
      'IO_ERROR',
      `cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    // Refuse a newer schema before anything below writes to the file (switching the journal
    // mode rewrites the header), so a downgrade leaves the file exactly as it was.
    const current = schemaVersion(db);
    if (current > LATEST_SCHEMA_VERSION) {
      throw new StorageError(
        'SCHEMA_TOO_NEW',
        `${path} has schema version ${current}; this release knows up to ${LATEST_SCHEMA_VERSION}`,
      );
    }
    // WAL: readers never block the writer, and a commit appends to the log instead of rewriting
    // pages in place.
    db.pragma('journal_mode = WAL');
    // FULL (the default): every commit fsyncs the WAL before it returns, so a resolved append
    // survives a power loss or an OS crash, not only a killed process. NORMAL in WAL mode syncs
    // only at checkpoints: safe against a killed process, not against losing the OS's cache.
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** A read-only connection to a current queue file: it never migrates, so an old schema is refused. */
function openReadOnly(path: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  try {
    const current = schemaVersion(db);
    if (current !== LATEST_SCHEMA_VERSION) {
      throw new StorageError(
        current > LATEST_SCHEMA_VERSION ? 'SCHEMA_TOO_NEW' : 'INVALID_ARGUMENT',
        `${path} has schema version ${current}; read-only access needs version ${LATEST_SCHEMA_VERSION}` +
          (current < LATEST_SCHEMA_VERSION ? ' (open it once for writing to migrate it)' : ''),
      );
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

type FileKind = 'missing' | 'empty' | 'queue';

/**
 * What a path holds, read through a read-only connection (the WAL, if any, included). A queue
 * file is marked with `PRAGMA application_id` = 'MSQQ'; an unmarked file with the queue's
 * tables is one from a release before the mark, and gets it when migrated. Anything else is
 * refused here with one line naming the file.
 */
function inspectFile(path: string): FileKind {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new StorageError('INVALID_ARGUMENT', `${path} is a directory, not a queue database`);
    size = stat.size;
  } catch (error) {
    if (error instanceof StorageError) throw error;
    if (!existsSync(path)) return 'missing';
    throw toStorageError(error, 'open');
  }
  if (size === 0) return 'empty';
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const tables = new Set(
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .pluck()
        .all() as string[],
    );
    if (applicationId === QUEUE_APPLICATION_ID) return 'queue';
    if (applicationId !== 0) {
      throw new StorageError(
        'INVALID_ARGUMENT',
        `${path} is ${KNOWN_KINDS.get(applicationId) ?? `a database of another application (application_id 0x${(applicationId >>> 0).toString(16)})`}, not a media-sync queue database`,
      );
    }
    if (tables.size === 0) return 'empty';
    if (tables.has('schema_migrations') && tables.has('pending') && tables.has('queue_state')) return 'queue';
    throw new StorageError(
      'INVALID_ARGUMENT',
      `${path} is a SQLite database of something else (tables ${[...tables].sort().slice(0, 5).join(', ')}), not a media-sync queue database`,
    );
  } catch (error) {
    if (error instanceof StorageError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StorageError('CORRUPT', `${path} is not a SQLite database`, { cause: error });
    }
    throw toStorageError(error, 'open');
  } finally {
    db?.close();
  }
}

/** The kinds of media-sync database, by their `application_id` (see SPEC §10). */
const KNOWN_KINDS: ReadonlyMap<number, string> = new Map([[0x4d534757, 'a media-sync gateway database']]);

function schemaVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as
    | { version: number | null }
    | undefined;
  return row?.version ?? 0;
}

function migrate(db: Database.Database, path: string): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      description TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    // Read again under the write lock: another process may have migrated since we looked.
    const current = schemaVersion(db);
    if (current > LATEST_SCHEMA_VERSION) {
      throw new StorageError(
        'SCHEMA_TOO_NEW',
        `${path} has schema version ${current}; this release knows up to ${LATEST_SCHEMA_VERSION}`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, Date.now());
    }
    // The kind mark (a new file, or one from before the mark) and the schema version in the
    // header, where `file(1)` and other tools read them without knowing the tables.
    if (db.pragma('application_id', { simple: true }) !== QUEUE_APPLICATION_ID) {
      db.pragma(`application_id = ${QUEUE_APPLICATION_ID}`);
    }
    if (db.pragma('user_version', { simple: true }) !== LATEST_SCHEMA_VERSION) {
      db.pragma(`user_version = ${LATEST_SCHEMA_VERSION}`);
    }
  }).immediate();
}

function toQueueRecord(row: PendingRow): QueueRecord {
  return {
    seq: row.seq,
    hlc: row.hlc,
    type: row.type as QueueRecord['type'],
    coalesceKey: row.coalesce_key,
    expiresAt: row.expires_at,
    // A Buffer is a Uint8Array, but callers comparing bytes deserve the plain type.
    body: new Uint8Array(row.body.buffer, row.body.byteOffset, row.body.byteLength),
    enqueuedAt: row.enqueued_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  };
}

function toDeadLetterRecord(row: DeadLetterRow): DeadLetterRecord {
  return {
    ...toQueueRecord(row),
    reasonCode: row.reason_code,
    reason: row.reason,
    deadLetteredAt: row.dead_lettered_at,
  };
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new StorageError('INVALID_ARGUMENT', `${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** Runs a synchronous driver call, turning its errors into `StorageError`s with stable codes. */
function guard<T>(step: () => T, operation = 'open'): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw toStorageError(error, operation);
  }
}

function toStorageError(error: unknown, operation: string): StorageError {
  const sqliteCode =
    error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new StorageError(codeFor(sqliteCode), `sqlite ${operation} failed: ${sqliteCode ?? 'error'}: ${message}`, {
    cause: error,
  });
}

function codeFor(sqliteCode: string | undefined): StorageErrorCode {
  if (sqliteCode === undefined) return 'IO_ERROR';
  // Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_FSYNC) share their primary code's prefix.
  if (sqliteCode.startsWith('SQLITE_BUSY') || sqliteCode.startsWith('SQLITE_LOCKED')) return 'BUSY';
  if (sqliteCode.startsWith('SQLITE_FULL')) return 'QUOTA_EXCEEDED';
  if (sqliteCode.startsWith('SQLITE_CORRUPT') || sqliteCode.startsWith('SQLITE_NOTADB')) return 'CORRUPT';
  if (sqliteCode.startsWith('SQLITE_CONSTRAINT') || sqliteCode.startsWith('SQLITE_MISMATCH')) {
    return 'INVALID_ARGUMENT';
  }
  return 'IO_ERROR';
}
