import type { SequencedOperation } from '@media-sync/protocol';
import Database from 'better-sqlite3';

/** One op of a user's log: every accepted state op, in the order the gateway accepted it. */
export interface LogEntry {
  readonly logSeq: number;
  readonly entry: SequencedOperation;
}

export interface StoredRejection {
  readonly seq: number;
  readonly code: string;
  readonly reason: string;
}

export interface PendingCommand {
  readonly id: number;
  readonly entry: SequencedOperation;
  readonly expiresAt: number;
}

/** What one frame changes, written in one transaction before the gateway acknowledges it. */
export interface FrameWrite {
  readonly userId: string;
  readonly deviceId: string;
  readonly highSeq: number;
  readonly stateOps: readonly SequencedOperation[];
  readonly commands: readonly {
    readonly entry: SequencedOperation;
    readonly targetDeviceId: string;
    readonly expiresAt: number;
  }[];
  readonly rejected: readonly StoredRejection[];
  /** Every seq the frame settled (applied, superseded, stored, expired or rejected). */
  readonly settledSeqs: readonly number[];
  /** Written in the same transaction when the caller decided it is time for a snapshot. */
  readonly snapshot?: (headLogSeq: number) => string;
}

export interface FrameWriteResult {
  /** Log position of each state op, in order. */
  readonly logSeqs: number[];
  readonly commandIds: number[];
  readonly headLogSeq: number;
}

const SCHEMA_VERSION = 1;

/**
 * The gateway's durable state in one SQLite file (WAL): per-user op log and snapshots of the
 * merged replica; per device the seqs it settled, their high-water mark and its rejections; the
 * device registry and the store-and-forward command box. Every query is by primary key or index.
 */
export class GatewayStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    // WAL + NORMAL is durable across process crashes (SIGKILL); only an OS crash can lose the tail.
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#migrate();
    const db = this.#db;
    this.#statements = {
      highSeq: db.prepare<[string, string], { high_seq: number }>(
        'SELECT high_seq FROM device_seqs WHERE user_id = ? AND device_id = ?',
      ),
      setHighSeq: db.prepare(
        `INSERT INTO device_seqs (user_id, device_id, high_seq) VALUES (?, ?, ?)
         ON CONFLICT (user_id, device_id) DO UPDATE SET high_seq = max(high_seq, excluded.high_seq)`,
      ),
      head: db.prepare<[string], { head: number | null }>('SELECT max(log_seq) AS head FROM oplog WHERE user_id = ?'),
      appendLog: db.prepare('INSERT INTO oplog (user_id, log_seq, device_id, seq, entry) VALUES (?, ?, ?, ?, ?)'),
      logAfter: db.prepare<[string, number, number], { log_seq: number; entry: string }>(
        'SELECT log_seq, entry FROM oplog WHERE user_id = ? AND log_seq > ? ORDER BY log_seq LIMIT ?',
      ),
      snapshot: db.prepare<[string], { log_seq: number; state: string }>(
        'SELECT log_seq, state FROM snapshots WHERE user_id = ?',
      ),
      putSnapshot: db.prepare(
        `INSERT INTO snapshots (user_id, log_seq, state) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET log_seq = excluded.log_seq, state = excluded.state`,
      ),
      putRejection: db.prepare(
        'INSERT OR REPLACE INTO rejections (user_id, device_id, seq, code, reason) VALUES (?, ?, ?, ?, ?)',
      ),
      countSettled: db.prepare<[string, string, number, number], { n: number }>(
        'SELECT count(*) AS n FROM settled_ops WHERE user_id = ? AND device_id = ? AND seq BETWEEN ? AND ?',
      ),
      isSettled: db.prepare<[string, string, number], { seq: number }>(
        'SELECT seq FROM settled_ops WHERE user_id = ? AND device_id = ? AND seq = ?',
      ),
      settle: db.prepare('INSERT OR IGNORE INTO settled_ops (user_id, device_id, seq) VALUES (?, ?, ?)'),
      rejections: db.prepare<[string, string, number, number], StoredRejection>(
        'SELECT seq, code, reason FROM rejections WHERE user_id = ? AND device_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
      ),
      registerDevice: db.prepare('INSERT OR IGNORE INTO devices (user_id, device_id) VALUES (?, ?)'),
      deviceOwners: db.prepare<[string], { user_id: string }>('SELECT user_id FROM devices WHERE device_id = ?'),
      putCommand: db.prepare('INSERT INTO commands (user_id, target_device_id, expires_at, entry) VALUES (?, ?, ?, ?)'),
      commandsFor: db.prepare<[string, string], { id: number; entry: string; expires_at: number }>(
        'SELECT id, entry, expires_at FROM commands WHERE user_id = ? AND target_device_id = ? ORDER BY id',
      ),
      deleteCommand: db.prepare('DELETE FROM commands WHERE id = ? AND user_id = ? AND target_device_id = ?'),
      deleteExpired: db.prepare('DELETE FROM commands WHERE expires_at < ?'),
    };
  }

  highSeq(userId: string, deviceId: string): number {
    return this.#statements.highSeq.get(userId, deviceId)?.high_seq ?? 0;
  }

  head(userId: string): number {
    return this.#statements.head.get(userId)?.head ?? 0;
  }

  /** How many seqs in [firstSeq, lastSeq] of the device the gateway has settled. */
  countSettled(userId: string, deviceId: string, firstSeq: number, lastSeq: number): number {
    return this.#statements.countSettled.get(userId, deviceId, firstSeq, lastSeq)?.n ?? 0;
  }

  isSettled(userId: string, deviceId: string, seq: number): boolean {
    return this.#statements.isSettled.get(userId, deviceId, seq) !== undefined;
  }

  rejections(userId: string, deviceId: string, firstSeq: number, lastSeq: number): StoredRejection[] {
    return this.#statements.rejections.all(userId, deviceId, firstSeq, lastSeq);
  }

  registerDevice(userId: string, deviceId: string): void {
    this.#statements.registerDevice.run(userId, deviceId);
  }

  /** The users that ever connected a device with this id. */
  deviceOwners(deviceId: string): string[] {
    return this.#statements.deviceOwners.all(deviceId).map((row) => row.user_id);
  }

  snapshot(userId: string): { logSeq: number; state: string } | undefined {
    const row = this.#statements.snapshot.get(userId);
    return row && { logSeq: row.log_seq, state: row.state };
  }

  putSnapshot(userId: string, logSeq: number, state: string): void {
    this.#statements.putSnapshot.run(userId, logSeq, state);
  }

  /** Log entries after `logSeq`, at most `limit`. */
  logAfter(userId: string, logSeq: number, limit: number): LogEntry[] {
    return this.#statements.logAfter
      .all(userId, logSeq, limit)
      .map((row) => ({ logSeq: row.log_seq, entry: JSON.parse(row.entry) as SequencedOperation }));
  }

  /** Writes everything one frame changes atomically: log, commands, rejections, high-water mark. */
  writeFrame(write: FrameWrite, headLogSeq: number): FrameWriteResult {
    return this.#db.transaction((): FrameWriteResult => {
      const s = this.#statements;
      let head = headLogSeq;
      const logSeqs: number[] = [];
      for (const entry of write.stateOps) {
        head += 1;
        s.appendLog.run(write.userId, head, entry.deviceId, entry.seq, JSON.stringify(entry));
        logSeqs.push(head);
      }
      const commandIds = write.commands.map((command) =>
        Number(
          s.putCommand.run(write.userId, command.targetDeviceId, command.expiresAt, JSON.stringify(command.entry))
            .lastInsertRowid,
        ),
      );
      for (const rejection of write.rejected) {
        s.putRejection.run(write.userId, write.deviceId, rejection.seq, rejection.code, rejection.reason);
      }
      for (const seq of write.settledSeqs) s.settle.run(write.userId, write.deviceId, seq);
      s.setHighSeq.run(write.userId, write.deviceId, write.highSeq);
      if (write.snapshot) s.putSnapshot.run(write.userId, head, write.snapshot(head));
      return { logSeqs, commandIds, headLogSeq: head };
    })();
  }

  /** Commands waiting for a device, oldest first; expired ones are purged first. */
  pendingCommands(userId: string, deviceId: string, now: number): PendingCommand[] {
    this.#statements.deleteExpired.run(now);
    return this.#statements.commandsFor.all(userId, deviceId).map((row) => ({
      id: row.id,
      entry: JSON.parse(row.entry) as SequencedOperation,
      expiresAt: row.expires_at,
    }));
  }

  /** The target confirmed a command: it is never sent again. Only the target's own ack counts. */
  deleteCommand(id: number, userId: string, deviceId: string): boolean {
    return this.#statements.deleteCommand.run(id, userId, deviceId).changes > 0;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #migrate(): void {
    this.#db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = this.#db.prepare<[], { version: number }>('SELECT version FROM schema_version').get();
    const version = row?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new Error(`the gateway database has schema version ${version}; this gateway knows ${SCHEMA_VERSION}`);
    }
    if (version === SCHEMA_VERSION) return;
    this.#db.transaction(() => {
      this.#db.exec(`
        CREATE TABLE device_seqs (
          user_id TEXT NOT NULL, device_id TEXT NOT NULL, high_seq INTEGER NOT NULL,
          PRIMARY KEY (user_id, device_id)) WITHOUT ROWID;
        CREATE TABLE oplog (
          user_id TEXT NOT NULL, log_seq INTEGER NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
          entry TEXT NOT NULL, PRIMARY KEY (user_id, log_seq)) WITHOUT ROWID;
        CREATE TABLE snapshots (user_id TEXT PRIMARY KEY, log_seq INTEGER NOT NULL, state TEXT NOT NULL);
        CREATE TABLE settled_ops (
          user_id TEXT NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
          PRIMARY KEY (user_id, device_id, seq)) WITHOUT ROWID;
        CREATE TABLE rejections (
          user_id TEXT NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL,
          reason TEXT NOT NULL, PRIMARY KEY (user_id, device_id, seq)) WITHOUT ROWID;
        CREATE TABLE devices (user_id TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (user_id, device_id)) WITHOUT ROWID;
        CREATE INDEX devices_by_device ON devices (device_id);
        CREATE TABLE commands (
          id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, target_device_id TEXT NOT NULL,
          expires_at INTEGER NOT NULL, entry TEXT NOT NULL);
        CREATE INDEX commands_by_target ON commands (user_id, target_device_id, id);
        CREATE INDEX commands_by_expiry ON commands (expires_at);
      `);
      this.#db.prepare('DELETE FROM schema_version').run();
      this.#db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
    })();
  }
}
