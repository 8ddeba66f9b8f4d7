import type { SequencedOperation } from '@media-sync/protocol';
import type { FrameByteMetrics } from './types.js';

/** An inclusive range of seqs of one device. `@media-sync/codec`'s `SeqRange` is the same shape. */
export interface SeqRange {
  readonly first: number;
  readonly last: number;
}

/** A frame encoded by the codec: the bytes and their §5 metrics (`@media-sync/codec`'s `EncodedFrame` fits). */
export interface EncodedFrame {
  readonly bytes: Uint8Array;
  readonly metrics: FrameByteMetrics;
}

/**
 * A frame the queue asks a publisher to deliver: ops of one device, in seq order, and the seqs
 * before them the queue will never send. The queue does not encode it: a publisher that owns a
 * session encodes the ops once against its context; any other calls `selfContained()`.
 */
export interface OutgoingFrame {
  readonly deviceId: string;
  /** The user owning the device (topic/channel per user, §8). */
  readonly userId: string;
  /**
   * The first op's seq. A frame without ops (it only declares `skipped`) has
   * `firstSeq = lastSeq + 1`, one past its last skipped seq.
   */
  readonly firstSeq: number;
  /** The last op's seq (`firstSeq − 1` in a frame without ops). */
  readonly lastSeq: number;
  readonly ops: readonly SequencedOperation[];
  /**
   * Seqs of this device, all below `firstSeq`, that the queue will never send (coalesced or
   * expired, and deleted once this frame is acknowledged), declared so receivers' per-device
   * marks advance. Sorted, disjoint, non-adjacent. Never dead letters: a requeued dead letter
   * keeps its seq and is sent again.
   */
  readonly skipped: readonly SeqRange[];
  /**
   * The self-contained encoding of `ops` and `skipped`, made on the first call and cached: a
   * publisher that sends it never encodes again. May throw the codec's error for an op that
   * cannot be encoded.
   */
  selfContained(): EncodedFrame;
}

/** The receiving side durably accepted the frame. */
export interface PublishAck {
  /** The receiver had already seen the frame (dedupe); it is acknowledged all the same. */
  readonly duplicate: boolean;
  /**
   * Ops the receiver refused for good, as seq ranges per reason code. The queue dead-letters
   * them (`REJECTED`); every other op of the frame counts as delivered.
   */
  readonly rejected: readonly RejectedRange[];
  /**
   * The §5 byte metrics of the bytes actually sent for this frame (session-context or
   * self-contained). The queue reads `bytesJson` and `bytesProtobuf` only when its
   * `baselineBytes` option asks for them, so a publisher may compute those lazily (getters).
   */
  readonly metrics: FrameByteMetrics;
}

/** Seqs `firstSeq..lastSeq` (inclusive) of the frame were refused for good with `code`. */
export interface RejectedRange {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly code: string;
}

/**
 * Per-op rejections `[{ seq: 3, code: 'A' }, { seq: 4, code: 'A' }, { seq: 6, code: 'A' }]` as
 * ranges `[{ firstSeq: 3, lastSeq: 4, code: 'A' }, { firstSeq: 6, lastSeq: 6, code: 'A' }]`:
 * sorted by seq, consecutive seqs with the same code merged.
 */
export function toRejectedRanges(
  rejections: Iterable<{ readonly seq: number; readonly code: string }>,
): RejectedRange[] {
  const sorted = [...rejections].sort((a, b) => a.seq - b.seq);
  const ranges: Array<{ firstSeq: number; lastSeq: number; code: string }> = [];
  for (const { seq, code } of sorted) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.code === code && seq <= last.lastSeq + 1) last.lastSeq = Math.max(last.lastSeq, seq);
    else if (last === undefined || seq > last.lastSeq) ranges.push({ firstSeq: seq, lastSeq: seq, code });
  }
  return ranges;
}

export type ConnectionState = 'online' | 'offline';

export interface PublisherCapabilities {
  /** Encodes against acknowledged session context (point-to-point links only). */
  readonly sessionContext: boolean;
  /** Drops a re-published frame itself (JetStream Msg-Id, gateway dedupe...). */
  readonly dedupe: boolean;
}

/** The publisher contract (§8). The queue owns it; adapters implement it. */
export interface Publisher {
  readonly name: string;
  readonly capabilities: PublisherCapabilities;
  /** Largest frame, in bytes, the publisher accepts. */
  readonly maxFrameBytes: number;
  readonly connectionState: ConnectionState;

  /**
   * Delivers a frame and resolves once the receiving side has durably accepted it. Rejects
   * with `PublisherError` (see its codes for what the queue does with each). A frame whose
   * encoding exceeds `maxFrameBytes` rejects with `FRAME_TOO_LARGE` before anything is sent.
   * Never hangs: a publisher times out on its own and honours `signal`.
   */
  publish(frame: OutgoingFrame, options?: { readonly signal?: AbortSignal }): Promise<PublishAck>;

  /** Calls `listener` on every change of `connectionState`; returns the unsubscribe function. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;

  close(): Promise<void>;
}

/**
 * Transient codes are outages: the queue backs off (capped, with jitter) and tries again,
 * forever, never counting an attempt. Only verdicts of a receiver that saw the frame count
 * toward `maxAttempts`.
 */
export type PublisherErrorCode =
  /** No ack in time (transient). */
  | 'TIMEOUT'
  /** No connection: never opened, refused, DNS, or the receiver failed internally (transient). */
  | 'UNAVAILABLE'
  /** The connection dropped before the ack (transient). */
  | 'DISCONNECTED'
  /** The receiver is overloaded or rate-limits this device (transient). */
  | 'BUSY'
  /** The publish was aborted through its signal (transient). */
  | 'ABORTED'
  /** The receiver refused the whole frame for good: its ops are dead-lettered at once. */
  | 'REJECTED'
  /**
   * The receiver refused the credentials (expired or revoked token): says nothing about the
   * ops, so they stay pending, attempts untouched, and the run ends `unauthorized`.
   */
  | 'UNAUTHORIZED'
  /** The frame is over the publisher's or the receiver's limit: the queue halves it; one op that never fits is dead-lettered. */
  | 'FRAME_TOO_LARGE'
  /**
   * The receiver cannot read this sender's frames (an unknown format version, flag or zstd
   * dictionary) even self-contained, after the publisher reset its session: a verdict, so it
   * counts toward `maxAttempts` and the run ends.
   */
  | 'INCOMPATIBLE'
  /** The publisher was closed: the run ends, nothing is recorded. */
  | 'CLOSED';

/** Every failure of a publisher. `transient` says whether trying again later can succeed. */
export class PublisherError extends Error {
  override readonly name = 'PublisherError';
  readonly code: PublisherErrorCode;
  readonly transient: boolean;

  constructor(code: PublisherErrorCode, message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(message, options);
    this.code = code;
    this.transient = options?.transient ?? TRANSIENT_CODES.has(code);
  }
}

const TRANSIENT_CODES = new Set<PublisherErrorCode>(['TIMEOUT', 'UNAVAILABLE', 'DISCONNECTED', 'BUSY', 'ABORTED']);

/** A frame as a subscriber receives it, with what the transport knows of it. */
export interface IncomingFrame {
  readonly bytes: Uint8Array;
  /** Transport-level id when there is one (stream entry id, JetStream sequence...). */
  readonly transportId?: string;
}

export interface Subscription {
  /** Stops delivery; resolves once no more frames will be handed over. */
  unsubscribe(): Promise<void>;
}

/**
 * The receiving half of a publisher adapter: hands every frame of one user's channel to
 * `onFrame`, in order. A frame counts as consumed once `onFrame`'s promise resolves; one whose
 * `onFrame` throws or rejects is handed over again, never skipped. So a frame the consumer can
 * never take (it does not decode on this channel: another user's, damaged, forged) must be
 * consumed and reported by the consumer itself (as `connectReplica` of `@media-sync/react` does):
 * thrown, it would hold back every later frame of the channel on a broker that redelivers in order.
 */
export interface Subscriber {
  subscribe(userId: string, onFrame: (frame: IncomingFrame) => void | Promise<void>): Promise<Subscription>;
  close(): Promise<void>;
}
