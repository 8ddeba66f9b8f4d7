import type { SequencedOperation } from '@media-sync/protocol';
import type { ZstdEngine } from './zstd.js';

/** Limits a decoder enforces on untrusted bytes, each checked before allocating. */
export interface DecodeLimits {
  /** Largest frame accepted, in bytes. Default 1 MiB. */
  readonly maxFrameBytes: number;
  /** Largest uncompressed body, in bytes. Default 16 MiB. */
  readonly maxBodyBytes: number;
  /** Most ops in one frame. Default 100 000. */
  readonly maxOps: number;
  /** Longest string (ids, command types), in UTF-8 bytes. Default 256 (§2). */
  readonly maxStringBytes: number;
  /**
   * Largest device-command payload as JSON, default 16 KiB (§2). The decoder bounds the compact
   * binary form at 3 × this, since it can outgrow the JSON (floats take 9 bytes).
   */
  readonly maxPayloadBytes: number;
}

export interface CodecOptions {
  /** Default zstd level for frames. Default 9: within 1 % of level 19 on sync traffic, several times faster. */
  readonly level?: number;
  /** Default minimum op count below which bodies are not compressed. Default 3 (§6 default). */
  readonly minBatchSize?: number;
  /** Default decode limits. */
  readonly limits?: Partial<DecodeLimits>;
  /** The zstd implementation. Default: zstd-codec's WebAssembly build, loaded on first use. */
  readonly engine?: ZstdEngine;
  /**
   * Whether `metrics()` totals include the baselines (bytesJson, bytesProtobuf). They are
   * computed from the ops when `metrics()` is called (or every 65 536 ops while none is), which
   * costs about as much as encoding; `false` leaves them 0 there. Default true. A frame's own
   * `metrics` always has them, computed on first read.
   */
  readonly baselineTotals?: boolean;
}

/** An inclusive range of seqs, first <= last (contract 1). */
export interface SeqRange {
  readonly first: number;
  readonly last: number;
}

export interface EncodeOptions {
  /** zstd-compress the body (only when it shrinks it). Default true. */
  readonly compression?: boolean;
  /** zstd level, 1..22. */
  readonly level?: number;
  /** Use the shipped dictionary for small bodies. Default true. */
  readonly dictionary?: boolean;
  /** No compression below this many ops. */
  readonly minBatchSize?: number;
  /**
   * The user of the device: for the `bytesJson`/`bytesProtobuf` baselines of device commands,
   * and the user a `bindUser` frame is bound to.
   */
  readonly userId?: string;
  /**
   * The channel that carries the frame names its user (the gateway's token, a per-user broker
   * topic, a user's queue), so the frame leaves `userId` out: a user-bound frame, 16 bytes
   * smaller per user UUID. Its checksum still covers the user, so the receiver must pass the same
   * `userId` to decode it (without one: USER_REQUIRED; with another: CRC_MISMATCH). Applies when
   * `userId` is given and every watchlist and progress op is that user's; otherwise the frame
   * names its users as without this option. A session encoder binds the frames it makes on no
   * context (its first, and the first after a reset); later ones find the user in the context
   * that first frame started. Default false.
   */
  readonly bindUser?: boolean;
  /**
   * Seqs of this device, all below the frame's first seq, that the sender will never send
   * (coalesced, expired — not dead letters): sorted, disjoint, non-adjacent. Receivers advance
   * their per-device mark past them. Covered by the checksum.
   */
  readonly skipped?: readonly SeqRange[];
}

export interface DecodeOptions {
  readonly limits?: Partial<DecodeLimits>;
  /**
   * The user the channel that carried the frame names (the gateway's token, the user of a
   * broker topic). Needed for user-bound frames, which leave it out (their ops get this user,
   * and their checksum covers it); a frame that names its own users ignores it.
   */
  readonly userId?: string;
}

/** The frame's header, readable without decompressing or decoding the body. */
export interface FrameHeader {
  readonly formatVersion: number;
  readonly flags: number;
  /** zstd dictionary id, 0 = none. */
  readonly dictionaryId: number;
  /**
   * Session-context version the body references, 0 = none. A session frame does not carry it
   * (nor its device id): the session decoder finds it by the checksum.
   */
  readonly contextVersion: number;
  readonly deviceId: string;
  /**
   * Present in a user-bound frame only (Frame.user_bound_checksum): the user it is bound to, which
   * the receiver supplied and the checksum verified. Absent when the frame names its users.
   */
  readonly userId?: string;
  readonly opCount: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Uncompressed Batch length in bytes. */
  readonly bodyLength: number;
  /** Seq ranges the sender will never send (contract 1); empty when none. */
  readonly skipped: readonly SeqRange[];
  /** CRC-32C of the body as sent, continued over every header value above (see frameChecksum). */
  readonly checksum: number;
  readonly compressed: boolean;
}

/** The §5 metrics of one frame or of everything an encoder produced. */
export interface FrameMetrics {
  readonly ops: number;
  /** The reference crate's JSON envelope, one message per op (the baseline). */
  readonly bytesJson: number;
  /** Plain `SyncMessage` protobuf, one per op. */
  readonly bytesProtobuf: number;
  /** The delta-encoded Batch before compression. */
  readonly bytesBody: number;
  /** Frame bytes on the wire. */
  readonly bytesWire: number;
  /** bytesWire / bytesJson (0 when there were no ops). */
  readonly compressionRatio: number;
  /** 100 × (1 − compressionRatio). */
  readonly savingsPercent: number;
  /** 100 × (1 − bytesBody / bytesProtobuf). */
  readonly deltaSavingsPercent: number;
}

export interface EncodedFrame {
  readonly bytes: Uint8Array;
  readonly header: FrameHeader;
  /** §5 metrics; the baselines (bytesJson, bytesProtobuf) are computed on first read, off the encode path. */
  readonly metrics: FrameMetrics;
}

export interface DecodedFrame {
  readonly header: FrameHeader;
  readonly ops: SequencedOperation[];
}

/** A frame made by a session encoder: `version` is the context the receiver holds once it decodes it. */
export interface SessionFrame extends EncodedFrame {
  /** Pass to `acknowledge` when the receiver acknowledges this frame. */
  readonly version: number;
}

/** A frame decoded by a session decoder: `version` is the context it now holds (send it in the ack). */
export interface SessionDecodedFrame extends DecodedFrame {
  readonly version: number;
}

/**
 * Sender half of an acknowledged point-to-point link (device -> gateway, or gateway -> device).
 * Frames reference only ids and progress the receiver has ACKNOWLEDGED (§5).
 */
export interface SessionEncoder {
  /** Encodes ops of one device against the last acknowledged context (self-contained when none). */
  encode(deviceId: string, ops: readonly SequencedOperation[], options?: EncodeOptions): SessionFrame;
  /** The receiver acknowledged the frame whose `version` this is; later frames may reference it. Stale or unknown versions are ignored. */
  acknowledge(version: number): void;
  /** Forgets all context: the next frame is self-contained (the answer to CONTEXT_MISMATCH). */
  reset(): void;
  /** The acknowledged context version frames currently reference (0 = none). */
  readonly contextVersion: number;
  /** The acknowledged context as plain JSON, for persisting; restore with `codec.createSessionEncoder(state)`. */
  toJSON(): SessionState;
}

/** Receiver half: keeps the contexts of the frames it decoded (the last 16 versions). */
export interface SessionDecoder {
  /**
   * Decodes a frame; throws CodecError CONTEXT_MISMATCH when no context it holds (nor none)
   * verifies the frame's checksum: the frame references a version it lacks, or was damaged.
   */
  decode(bytes: Uint8Array, options?: DecodeOptions): SessionDecodedFrame;
  /**
   * Reads and verifies a frame's header without decompressing or decoding the body, like
   * `readFrameHeader`, for session frames too (their device and context come from the session).
   */
  readHeader(bytes: Uint8Array, options?: DecodeOptions): FrameHeader;
  /** The device the link belongs to: session frames carry no device id. */
  readonly deviceId: string | undefined;
  /** The user the link belongs to, for the user-bound frames it receives. */
  readonly userId: string | undefined;
  /** Forgets all context (what a restarted receiver has). */
  reset(): void;
  /** The contexts held, as plain JSON; restore with `codec.createSessionDecoder(states)`. */
  toJSON(): SessionState[];
}

/** One session context as plain JSON: its version, the id table and the last progress per content. */
export interface SessionState {
  readonly version: number;
  readonly strings: readonly string[];
  readonly progress: readonly SessionProgress[];
  readonly lastTimestamp: number;
  /** The last interval between ops (predicts the next frame's first timestamp); 0 when absent. */
  readonly lastInterval?: number;
  /** Table indices of the last user and content ids referenced; 0 when absent. */
  readonly lastUserRef?: number;
  readonly lastContentRef?: number;
  /** The last seq the context saw (a session frame leaves out a first seq that follows it); 0 when absent. */
  readonly lastSeq?: number;
}

export interface SessionDecoderOptions {
  /**
   * The device of the link (what the session authenticated). Session frames do not carry it;
   * without it only self-contained frames decode.
   */
  readonly deviceId?: string;
  /**
   * The user of the link (what the session authenticated): needed to decode the user-bound
   * frames the link receives (`bindUser`); a call's own `userId` overrides it.
   */
  readonly userId?: string;
  /**
   * Context versions kept for frames sent before the newest ack reached the sender (default
   * 16). Each version is a copy of the context, so a server holding many links keeps fewer: 2
   * covers a sender with one frame in flight that re-sends it after a lost ack; a frame made on
   * a dropped version fails CONTEXT_MISMATCH and is sent again self-contained.
   */
  readonly maxVersions?: number;
}

export interface SessionProgress {
  readonly userId: string;
  readonly contentId: string;
  readonly positionMs: number;
  readonly durationMs: number | null;
  readonly playing: boolean;
  readonly timestamp: number;
}
