import type { SequencedOperation } from '@media-sync/protocol';

/** A frame the queue asks a publisher to deliver: ops of one device, in seq order. */
export interface OutgoingFrame {
  readonly deviceId: string;
  /** The user owning the device (topic/channel per user, §8). */
  readonly userId: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** The ops the frame carries (for publishers that encode against session context, §5). */
  readonly ops: readonly SequencedOperation[];
  /** The same ops as a self-contained frame, at most `maxFrameBytes`. */
  readonly bytes: Uint8Array;
}

/** The receiving side durably accepted the frame. */
export interface PublishAck {
  /** Bytes that actually went on the wire for this frame (context-encoded frames are smaller). */
  readonly wireBytes: number;
  /** The receiver had already seen the frame (dedupe); it is acknowledged all the same. */
  readonly duplicate: boolean;
  /**
   * Ops the receiver refused for good (invalid, unauthorised), with its reason. The queue
   * dead-letters them; every other op of the frame counts as delivered.
   */
  readonly rejected: readonly RejectedOperation[];
}

export interface RejectedOperation {
  readonly seq: number;
  readonly code: string;
  readonly reason: string;
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
   * with `PublisherError`: `transient` failures are retried later, the others dead-lettered.
   * Never hangs: a publisher times out on its own and honours `signal`.
   */
  publish(frame: OutgoingFrame, options?: { readonly signal?: AbortSignal }): Promise<PublishAck>;

  /** Calls `listener` on every change of `connectionState`; returns the unsubscribe function. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;

  close(): Promise<void>;
}

export type PublisherErrorCode =
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'DISCONNECTED'
  | 'REJECTED'
  | 'UNAUTHORIZED'
  | 'FRAME_TOO_LARGE'
  /**
   * The receiver cannot read this sender's frames at all (an unknown format version, flag or
   * zstd dictionary): nothing is wrong with the ops, so they stay pending until one side is
   * upgraded, and the run ends.
   */
  | 'INCOMPATIBLE'
  | 'CLOSED'
  | 'ABORTED';

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

const TRANSIENT_CODES = new Set<PublisherErrorCode>(['TIMEOUT', 'UNAVAILABLE', 'DISCONNECTED', 'ABORTED']);

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
 * `onFrame`, in order. A frame counts as consumed once `onFrame`'s promise resolves.
 */
export interface Subscriber {
  subscribe(userId: string, onFrame: (frame: IncomingFrame) => void | Promise<void>): Promise<Subscription>;
  close(): Promise<void>;
}
