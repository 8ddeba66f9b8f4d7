import type { SequencedOperation } from '@media-sync/protocol';
import type { CodedRange, SeqRange } from '../seq-ranges.js';

/** One op of a user's log: every accepted state op, in the order the store logged it. */
export interface LogEntry {
  readonly logSeq: number;
  readonly entry: SequencedOperation;
}

/** A command waiting in the command box for its target device. */
export interface PendingCommand {
  readonly id: number;
  readonly entry: SequencedOperation;
  readonly expiresAt: number;
}

/** A command a frame carries, for the command box. */
export interface CommandWrite {
  readonly entry: SequencedOperation;
  readonly targetDeviceId: string;
  readonly expiresAt: number;
}

/**
 * What one frame changes, written in one transaction before the gateway acknowledges it. The
 * write names no log position: the store allocates them inside the transaction.
 */
export interface FrameWrite {
  readonly userId: string;
  readonly deviceId: string;
  /** State ops to append to the user's log, in order. */
  readonly stateOps: readonly SequencedOperation[];
  readonly commands: readonly CommandWrite[];
  /** Newly settled seqs refused for good, as ranges per code (no per-op text is kept). */
  readonly rejected: readonly CodedRange[];
  /** Every seq the frame newly settled (applied, superseded, stored, expired, rejected or skipped). */
  readonly settled: readonly SeqRange[];
}

/** A replica snapshot to write with a group of frames: the state at log position `logSeq`. */
export interface SnapshotWrite {
  readonly userId: string;
  readonly logSeq: number;
  /** The snapshot's JSON; called once, before `writeFrames` first yields. */
  readonly state: () => string;
}

/** A stored command, as written by one frame. */
export interface StoredCommand {
  readonly id: number;
  readonly targetDeviceId: string;
  readonly entry: SequencedOperation;
}

/** What one committed frame wrote. */
export interface FrameWriteResult {
  /**
   * The user's log head this frame's transaction found (after the frames committed before it,
   * by this gateway or any other). A cache whose head differs from it missed another writer's ops.
   */
  readonly previousHead: number;
  /** The head after the frame: `previousHead + logged.length`. */
  readonly headLogSeq: number;
  /** The state ops appended, at `previousHead + 1` onward (ops of seqs settled meanwhile are left out). */
  readonly logged: readonly SequencedOperation[];
  /** The commands stored, with their ids in the command box. */
  readonly commands: readonly StoredCommand[];
  /** Bytes of log entries and commands this write stored (counted toward the device's quota). */
  readonly storedBytes: number;
  /**
   * Seqs of the frame that another write settled between the gateway's dedupe read and this
   * transaction (the same frame sent to two gateways at once): nothing of them was written again.
   */
  readonly alreadySettled: readonly SeqRange[];
}

/** A stored snapshot: the merged replica's JSON at log position `logSeq`. */
export interface StoredSnapshot {
  readonly logSeq: number;
  readonly state: string;
}

/**
 * The gateway's durable state, the single source of truth for every gateway instance that shares
 * it: per user an op log and a snapshot of the merged replica; per device the seqs it settled and
 * the ones it rejected, as ranges; the device registry and the store-and-forward command box.
 *
 * Every method returns a promise; none resolves before what it wrote is committed. Two stores
 * opened on the same database (two gateway processes) may write the same user at once:
 * `writeFrames` allocates log positions inside its transaction, so no two ops share a position
 * and no committed op is lost, and re-checks the frame's seqs there, so a frame written by both
 * at once is applied once. Implementations: `SqliteGatewayStore` (one process per file, the
 * default) and `PostgresGatewayStore` (any number of gateways).
 */
export interface GatewayStore {
  /** `sqlite` or `postgres`, for logs. */
  readonly kind: string;
  /**
   * Its calls wait for a server's answers (a network round trip), rather than settle within the
   * turn of the event loop that made them (an embedded database); false when absent.
   */
  readonly waitsForIo?: boolean;
  /** The user's log head: the position of its last logged op, 0 for none. */
  head(userId: string): Promise<number>;
  /** The settled seqs of the device within first..last, as sorted ranges clipped to it. */
  settledIn(userId: string, deviceId: string, first: number, last: number): Promise<SeqRange[]>;
  /**
   * The device's stored rejections within first..last, sorted, clipped to it, at most `limit`
   * ranges (lowest seqs first).
   */
  rejectedIn(userId: string, deviceId: string, first: number, last: number, limit: number): Promise<CodedRange[]>;
  /** Records that the device connected (idempotent). */
  registerDevice(userId: string, deviceId: string): Promise<void>;
  snapshot(userId: string): Promise<StoredSnapshot | undefined>;
  /** Stores a snapshot unless one at a later log position is stored already (snapshots never go back). */
  putSnapshot(userId: string, logSeq: number, state: string): Promise<void>;
  /** Log entries after `logSeq`, at most `limit`, in log order. */
  logAfter(userId: string, logSeq: number, limit: number): Promise<LogEntry[]>;
  /** Bytes of log entries and pending commands the device has stored. */
  storedBytes(userId: string, deviceId: string): Promise<number>;
  /**
   * Writes frames and snapshots. Each frame is atomic: all it changes (log, commands,
   * rejections, settled ranges) commits together or not at all; frames of one user commit in
   * the given order. An implementation may commit several frames in one transaction (SQLite and
   * PostgreSQL commit a call's frames, of any users, in one): then they succeed or fail together,
   * and each failed frame's client sends it again (INTERNAL), never half written. The outcome of
   * frame i is `[i]`.
   */
  writeFrames(
    frames: readonly FrameWrite[],
    snapshots: readonly SnapshotWrite[],
  ): Promise<PromiseSettledResult<FrameWriteResult>[]>;
  /** Commands waiting for a device, oldest first; expired ones are purged first. */
  pendingCommands(userId: string, deviceId: string, now: number): Promise<PendingCommand[]>;
  /** The target confirmed a command: it is never sent again. Only the target's own ack counts. */
  deleteCommand(id: number, userId: string, deviceId: string): Promise<boolean>;
  /** Releases the database (file lock, connections). Idempotent. */
  close(): Promise<void>;
}
