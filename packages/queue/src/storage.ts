import type { OperationType } from '@media-sync/protocol';

/**
 * One operation as the queue hands it to storage. The storage adapter assigns `seq` and treats
 * `body` as opaque bytes: the queue encodes and decodes it, so a row that no longer decodes is
 * the queue's to dead-letter, never the adapter's to drop.
 */
export interface NewQueueRecord {
  /** The op's HLC in `formatHlc` form (sortable text). */
  readonly hlc: string;
  readonly type: OperationType;
  /** Progress updates: `userId + "\n" + contentId`, the key later updates supersede. Else null. */
  readonly coalesceKey: string | null;
  /** Device commands: epoch ms after which the op is dropped as expired. Else null. */
  readonly expiresAt: number | null;
  /** The encoded operation. */
  readonly body: Uint8Array;
  /** Epoch ms when the op was enqueued. */
  readonly enqueuedAt: number;
}

/** A pending row: what was appended, its seq, and how delivery has gone so far. */
export interface QueueRecord extends NewQueueRecord {
  /** Per-device sequence number assigned at append: starts at 1, increases, never reused. */
  readonly seq: number;
  /** Delivery attempts that failed so far. */
  readonly attempts: number;
  /** Epoch ms before which the row is not retried (0 = now). */
  readonly nextAttemptAt: number;
  /** The last failure, for display. */
  readonly lastError: string | null;
}

/** A row that will not be delivered without help, with why. */
export interface DeadLetterRecord extends QueueRecord {
  /** Stable reason code, e.g. `REJECTED`, `MAX_ATTEMPTS`, `UNDECODABLE`. */
  readonly reasonCode: string;
  /** Human-readable reason. */
  readonly reason: string;
  readonly deadLetteredAt: number;
}

export interface AppendResult {
  /** The seqs assigned, in the order of the records given. */
  readonly seqs: readonly number[];
}

export interface StorageCounts {
  readonly pending: number;
  readonly deadLettered: number;
  /** The highest seq ever assigned (0 before the first append), pending or not. */
  readonly lastSeq: number;
  /** `enqueuedAt` of the oldest pending row, or null when nothing is pending. */
  readonly oldestPendingAt: number | null;
}

/** Dead letters of one reason code: how many, and the reason text and time of the latest. */
export interface DeadLetterSummary {
  readonly code: string;
  readonly count: number;
  /** The `reason` of the latest dead letter with this code (latest `deadLetteredAt`, then highest seq). */
  readonly latestReason: string;
  readonly latestAt: number;
}

/**
 * The process an adapter records as the replay lease's holder, and how it tells whether another
 * process of this host still runs. Node adapters default to `process.pid`, `os.hostname()` and
 * `process.kill(pid, 0)`; where there are no processes (a browser) both are null.
 */
export interface LeaseProcess {
  readonly pid: number | null;
  readonly host: string | null;
  /** Whether process `pid` of this host is alive. */
  isAlive(pid: number): boolean;
}

/** Who holds the replay lease: its owner id, the process (when the adapter knows it) and the expiry. */
export interface ReplayLeaseHolder {
  readonly owner: string;
  /** The holder's process id, or null where there is none (a browser tab). */
  readonly pid: number | null;
  /** The holder's host name, or null where there is none. */
  readonly host: string | null;
  /** Epoch ms when the lease lapses unless renewed. */
  readonly expiresAt: number;
}

/**
 * The lease rule every adapter applies: `holder` (another owner's unexpired lease) is taken over
 * only when it names a process of our host, not us, that `me.isAlive` says is gone.
 */
export function holderIsDeadLocalProcess(
  holder: Omit<ReplayLeaseHolder, 'owner' | 'expiresAt'>,
  me: LeaseProcess,
): boolean {
  if (holder.pid === null || holder.host === null || me.host === null) return false;
  if (holder.host !== me.host || holder.pid === me.pid) return false;
  return !me.isAlive(holder.pid);
}

export interface StorageCapabilities {
  /** A resolved `append` survives a crash of the process (kill -9) or of the page. */
  readonly durable: boolean;
  /** `acquireReplayLease` excludes other processes/tabs, not only other queues in this process. */
  readonly crossProcessLease: boolean;
}

/**
 * The queue-shaped contract every storage adapter implements (§7). Every method is one
 * transaction: it happens entirely or not at all. Failures reject with `StorageError`.
 */
export interface StorageAdapter {
  readonly name: string;
  readonly capabilities: StorageCapabilities;

  /**
   * Appends records in one transaction, assigning consecutive seqs after the highest ever
   * assigned, and writes `meta` in the same transaction (the queue persists its last HLC so).
   * Resolves only once the transaction is durable (when `capabilities.durable`).
   */
  append(records: readonly NewQueueRecord[], meta?: Readonly<Record<string, string>>): Promise<AppendResult>;

  /** Up to `limit` pending rows with `seq > afterSeq`, in seq order. */
  readPage(afterSeq: number, limit: number): Promise<readonly QueueRecord[]>;

  /** For each key, the highest pending seq that carries it. Keys with no pending row are absent. */
  latestSeqByKey(keys: readonly string[]): Promise<ReadonlyMap<string, number>>;

  /** Deletes the pending rows with `fromSeq ≤ seq ≤ toSeq`; resolves with how many went. */
  deleteRange(fromSeq: number, toSeq: number): Promise<number>;

  /**
   * Records a failed attempt on these pending rows: attempts + 1, the error and the retry time.
   * Seqs that are not pending are ignored.
   */
  recordAttempt(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void>;

  /**
   * Moves pending rows to the dead-letter store in one transaction, with the reason, keeping
   * their seq, body, attempts and last error. Seqs that are not pending are ignored.
   */
  deadLetter(seqs: readonly number[], reasonCode: string, reason: string, at: number): Promise<void>;

  /** Dead letters in seq order, up to `limit` (default all). */
  listDeadLetters(limit?: number): Promise<readonly DeadLetterRecord[]>;

  /** The dead letters grouped by reason code, sorted by code (empty when there are none). */
  deadLetterSummary(): Promise<readonly DeadLetterSummary[]>;

  /**
   * Moves dead letters back to pending (attempts 0, nextAttemptAt 0), keeping their seqs, so they
   * replay in seq order among the other pending rows. All when omitted. Resolves with how many.
   */
  requeueDeadLetters(seqs?: readonly number[]): Promise<number>;

  /** Deletes dead letters for good. All when omitted. Resolves with how many. Seqs are never reused. */
  purgeDeadLetters(seqs?: readonly number[]): Promise<number>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(entries: Readonly<Record<string, string>>): Promise<void>;

  counts(): Promise<StorageCounts>;

  /**
   * Takes the replay lease for `owner` until `now + ttlMs`, or renews it when `owner` holds it,
   * recording the adapter's `LeaseProcess` (pid, host) with it. Resolves false while another
   * owner holds an unexpired lease, unless that holder is a process of this host (same host, a
   * pid other than ours) that is no longer alive: a crashed replayer's lease is taken over at
   * once. A lease taken at `now` with `ttlMs` has expired for every caller whose `now` is
   * ≥ `now + ttlMs` (the conformance suite checks that boundary).
   */
  acquireReplayLease(owner: string, ttlMs: number, now: number): Promise<boolean>;
  releaseReplayLease(owner: string): Promise<void>;
  /** The lease as recorded (expired or not), or null when none is. */
  replayLeaseHolder(): Promise<ReplayLeaseHolder | null>;

  close(): Promise<void>;
}

export type StorageErrorCode =
  | 'CLOSED'
  | 'NOT_FOUND'
  | 'CORRUPT'
  | 'QUOTA_EXCEEDED'
  | 'BUSY'
  | 'SCHEMA_TOO_NEW'
  | 'IO_ERROR'
  | 'INVALID_ARGUMENT';

/** Every failure of a storage adapter. `cause` carries the driver's own error. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
