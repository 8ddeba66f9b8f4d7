import type { Hlc, SequencedOperation, SyncOperation } from '@media-sync/protocol';
import type { BackoffOptions } from './backoff.js';
import type { SyncDeltaConfig } from './config.js';
import type { Publisher, SeqRange } from './publisher.js';
import type { DeadLetterSummary, ReplayLeaseHolder, StorageAdapter, StorageCounts } from './storage.js';

/** The codec half the queue uses: `@media-sync/codec`'s `Codec` satisfies it. */
export interface FrameEncoder {
  encodeFrame(
    deviceId: string,
    ops: readonly SequencedOperation[],
    options?: {
      readonly compression?: boolean;
      readonly dictionary?: boolean;
      readonly minBatchSize?: number;
      readonly userId?: string;
      /**
       * Leave `userId` out of the frame: its channel names the user (`@media-sync/codec`'s
       * user-bound frames; receivers decode with the user of their topic).
       */
      readonly bindUser?: boolean;
      /** Seq ranges the frame declares skipped (contract of `OutgoingFrame.skipped`). */
      readonly skipped?: readonly SeqRange[];
    },
  ): { readonly bytes: Uint8Array; readonly metrics: FrameByteMetrics };
}

/** The §5 byte counts of what was sent (sums over frames; ratios recomputed from the sums). */
export interface FrameByteMetrics {
  readonly bytesJson: number;
  readonly bytesProtobuf: number;
  readonly bytesBody: number;
  readonly bytesWire: number;
  readonly compressionRatio: number;
  readonly savingsPercent: number;
  readonly deltaSavingsPercent: number;
}

export interface AutoReplayOptions {
  /** Wait this long after an enqueue before replaying, so a burst goes out in one run. Default 50 ms. */
  readonly debounceMs?: number;
}

export interface QueueConfig extends Partial<SyncDeltaConfig> {
  /** Most ops in one frame. Default 500. With `enabled: false`, 1. */
  readonly maxBatchOps?: number;
  /** Rows read from storage at a time; memory during replay stays within a page and a frame. Default 1 000. */
  readonly pageSize?: number;
  /** Skip progress updates superseded by a later one for the same (userId, contentId). Default true. */
  readonly coalesceProgress?: boolean;
  /**
   * Receiver verdicts that do not settle an op (`INCOMPATIBLE`) after which it is dead-lettered
   * (`MAX_ATTEMPTS`). Outages never count. Default 5.
   */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  /** How long a replay lease lasts without renewal (renewed before every frame). Default 30 000 ms. */
  readonly leaseTtlMs?: number;
  /** Use the codec's shipped zstd dictionary for small frames. Default true. */
  readonly dictionary?: boolean;
  /**
   * Put the §5 baselines (`bytesJson`, `bytesProtobuf`) of every frame sent into the report and
   * `metrics()`. They cost CPU per op (publishers compute them lazily, once asked); `false` leaves
   * them 0, and the ratios with them. Default true.
   */
  readonly baselineBytes?: boolean;
  /** Replay whenever the publisher comes online, after enqueues, and when a backoff expires. Default off. */
  readonly autoReplay?: boolean | AutoReplayOptions;
}

export interface QueueOptions {
  /** The device whose outbox this is (`SequencedOperation.deviceId`, HLC node id). */
  readonly deviceId: string;
  /**
   * The user the device belongs to. Needed for device commands (they carry no userId);
   * otherwise learned from the first op that has one and remembered in storage.
   */
  readonly userId?: string;
  readonly storage: StorageAdapter;
  /**
   * Where replay sends frames. Optional: a queue without one can enqueue and be inspected
   * (the `media-sync enqueue` command), and `replay()` rejects with `NO_PUBLISHER`.
   */
  readonly publisher?: Publisher;
  readonly config?: QueueConfig;
  /** Defaults to `createCodec()` of `@media-sync/codec`. */
  readonly codec?: FrameEncoder;
  /** Wall clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Uniform [0, 1), for jitter and the lease owner id. Default `Math.random`. */
  readonly random?: () => number;
}

export interface ReplayOptions {
  /** Ends the run between frames (an in-flight publish is aborted through the publisher). */
  readonly signal?: AbortSignal;
  /** Called after every frame with the running totals. */
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Try rows whose backoff has not expired yet ("sync now"). Default false. */
  readonly force?: boolean;
}

/** Running totals of a replay, in ops. */
export interface ReplayProgress {
  readonly published: number;
  readonly coalesced: number;
  readonly expired: number;
  /** Ops this run dead-lettered (not the dead letters already there). */
  readonly deadLettered: number;
  readonly frames: number;
}

/**
 * Why a run ended: `drained` (nothing left that is due), `backoff` (the head op, or the link
 * after an outage, waits for its retry time), `transientError` (an outage: publish failed,
 * retried later, nothing counted), `unauthorized` (the receiver refused the credentials; ops
 * stay pending), `permanentError` (a receiver verdict ended the run, e.g. INCOMPATIBLE),
 * `aborted`, `leaseHeld` (another process or tab is replaying), `leaseLost`, `closed`.
 */
export type ReplayStop =
  | 'drained'
  | 'backoff'
  | 'transientError'
  | 'unauthorized'
  | 'permanentError'
  | 'aborted'
  | 'leaseHeld'
  | 'leaseLost'
  | 'closed';

export interface ReplayReport extends ReplayProgress {
  /** Ops still pending when the run ended. */
  readonly pending: number;
  readonly bytes: FrameByteMetrics;
  readonly durationMs: number;
  readonly stoppedBy: ReplayStop;
  /** When the head op may be retried (backoff), or null. */
  readonly nextAttemptAt: number | null;
  /** The failure that ended the run, if one did. */
  readonly error: { readonly code: string; readonly message: string } | null;
  /** With `leaseHeld`: who holds the replay lease and until when, when storage knows; else null. */
  readonly leaseHolder: ReplayLeaseHolder | null;
}

/** Cumulative since creation or `resetMetrics()`. */
export interface QueueMetrics extends FrameByteMetrics {
  readonly enqueued: number;
  readonly published: number;
  readonly coalesced: number;
  readonly expired: number;
  readonly deadLettered: number;
  readonly frames: number;
  readonly replays: number;
  /** Publish attempts that failed (frames, not ops). */
  readonly failedPublishes: number;
}

export interface DeadLetter {
  readonly seq: number;
  /** The op, or null when its stored body no longer decodes (`UNDECODABLE`). */
  readonly op: SyncOperation | null;
  readonly hlc: string;
  readonly reasonCode: string;
  readonly reason: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly enqueuedAt: number;
  readonly deadLetteredAt: number;
}

export interface FramePublishedEvent {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly ops: number;
  /** Coalesced or expired seqs the frame declared skipped (deleted with its ack). */
  readonly skipped: number;
  /** Bytes that went on the wire for the frame, as the publisher's ack says. */
  readonly wireBytes: number;
  readonly duplicate: boolean;
  readonly rejected: number;
}

export interface DeadLetteredEvent {
  readonly seqs: readonly number[];
  readonly reasonCode: string;
  readonly reason: string;
}

export interface QueueErrorEvent {
  /** What the queue was doing: `replay` or `autoReplay`. */
  readonly phase: 'replay' | 'autoReplay';
  readonly error: unknown;
}

export interface QueueEvents {
  enqueued: { readonly ops: readonly SequencedOperation[] };
  framePublished: FramePublishedEvent;
  progress: ReplayProgress;
  deadLettered: DeadLetteredEvent;
  error: QueueErrorEvent;
  replayed: ReplayReport;
}

export interface Queue {
  readonly deviceId: string;
  /** Subscribes to a queue event; returns the unsubscribe function. */
  on<K extends keyof QueueEvents>(type: K, listener: (payload: QueueEvents[K]) => void): () => void;
  /** Validates (§2), assigns seq and HLC, and resolves once the op is durable in storage. */
  enqueue(op: SyncOperation): Promise<SequencedOperation>;
  /** Like `enqueue`, all ops in one transaction (all or none). */
  enqueueMany(ops: readonly SyncOperation[]): Promise<SequencedOperation[]>;
  /** Drains the queue to the publisher. A call while a run is going joins it. */
  replay(options?: ReplayOptions): Promise<ReplayReport>;
  /** Ops not yet delivered. */
  pending(): Promise<number>;
  /** Pending and dead-lettered counts, last seq, oldest pending enqueue time. */
  status(): Promise<StorageCounts>;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Dead letters per reason code: count, latest reason text and time (what `status` shows). */
  deadLetterSummary(): Promise<readonly DeadLetterSummary[]>;
  /** Moves dead letters back to pending (all when omitted); waits for a running replay first. */
  requeueDeadLetters(seqs?: readonly number[]): Promise<number>;
  purgeDeadLetters(seqs?: readonly number[]): Promise<number>;
  metrics(): QueueMetrics;
  resetMetrics(): void;
  /** Starts the driver that replays on `online`, after enqueues and when backoff ends; returns its stop function. */
  startAutoReplay(options?: AutoReplayOptions): () => void;
  /** The last HLC issued (persisted with every append). */
  clock(): Promise<Hlc>;
  /** Waits for in-flight enqueues, ends a running replay, stops auto-replay. Storage and publisher stay open. */
  close(): Promise<void>;
}
