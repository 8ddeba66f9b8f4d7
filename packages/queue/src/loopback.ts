import type { SequencedOperation } from '@media-sync/protocol';
import {
  type ConnectionState,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  PublisherError,
  type PublisherErrorCode,
  type RejectedOperation,
} from './publisher.js';

/** The codec half the loopback receiver uses: `@media-sync/codec`'s `Codec` satisfies it. */
export interface FrameDecoder {
  decodeFrame(bytes: Uint8Array): {
    readonly header: { readonly firstSeq: number; readonly lastSeq: number; readonly opCount: number };
    readonly ops: readonly SequencedOperation[];
  };
}

/** One injected failure; each applies to one `publish` call, in the order injected. */
export type LoopbackFault =
  /** No failure: delivers and acks as usual (a placeholder in a scripted sequence). */
  | { readonly kind: 'ok' }
  /** Rejects with a transient error (default `UNAVAILABLE`); nothing is delivered. */
  | { readonly kind: 'transient'; readonly code?: PublisherErrorCode }
  /** Rejects with a permanent error (default `UNAUTHORIZED`); nothing is delivered. */
  | { readonly kind: 'permanent'; readonly code?: PublisherErrorCode }
  /** Never answers: rejects with `TIMEOUT` after `timeoutMs` (or `ABORTED` on the signal). */
  | { readonly kind: 'stall' }
  /**
   * The connection drops mid-frame: rejects with `DISCONNECTED` and goes offline. With
   * `delivered`, the receiver had accepted the frame and only the ack was lost.
   */
  | { readonly kind: 'dropConnection'; readonly delivered?: boolean }
  /** Accepts the frame at once but holds the ack until `releaseAcks()`. */
  | { readonly kind: 'lateAck' };

export interface LoopbackPublisherOptions {
  /** Decodes frames; default `createCodec()` of `@media-sync/codec`. */
  readonly codec?: FrameDecoder;
  /** Default 1 MiB (the codec's default frame limit). */
  readonly maxFrameBytes?: number;
  /** How long a stalled publish waits before `TIMEOUT`. Default 1 000 ms. */
  readonly timeoutMs?: number;
  /** Starts offline when false. Default true. */
  readonly online?: boolean;
  /**
   * Keep every frame and op (`frames`, `delivered`, `applied`), dedupe by (deviceId, seq) and
   * honour `rejectSeqs`. Default true. False keeps only `counts`, so a benchmark replaying
   * millions of ops measures the queue's memory, not the receiver's.
   */
  readonly retain?: boolean;
  /** Runs for every accepted frame, after it is recorded and before its ack. */
  readonly onFrame?: (frame: LoopbackFrame) => void;
}

/** A frame the loopback receiver accepted. */
export interface LoopbackFrame {
  readonly userId: string;
  readonly bytes: Uint8Array;
  readonly ops: readonly SequencedOperation[];
  /** Every op of the frame had been delivered before (a re-published frame). */
  readonly duplicate: boolean;
}

export interface LoopbackPublisher extends Publisher {
  /** Every accepted frame, in order, re-deliveries included. */
  readonly frames: readonly LoopbackFrame[];
  /** Every op of every accepted frame, in order, re-deliveries included. */
  readonly delivered: readonly SequencedOperation[];
  /** Delivered ops once each (first delivery), as a receiver that dedupes by (deviceId, seq) applies them. */
  readonly applied: readonly SequencedOperation[];
  /** Calls to `publish`, failed ones included. */
  readonly publishCalls: number;
  /** Frames and ops accepted (re-deliveries included), counted even when `retain` is false. */
  readonly counts: { readonly frames: number; readonly ops: number; readonly bytes: number };
  /** Queues failures for the next `publish` calls. */
  inject(...faults: LoopbackFault[]): void;
  /** Ops the receiver refuses for good, listed in the ack's `rejected` (matched by seq). */
  rejectSeqs(seqs: Iterable<number>, code?: string, reason?: string): void;
  /** Forgets every `rejectSeqs`: the receiver accepts those ops again. */
  clearRejections(): void;
  /** Resolves the acks held by `lateAck` faults. */
  releaseAcks(): void;
  /** Acks currently held back. */
  readonly heldAcks: number;
  setConnectionState(state: ConnectionState): void;
  /** Resolves once `counts.frames` reaches `count`. */
  waitForFrames(count: number): Promise<void>;
  /** Resolves once `publishCalls` reaches `count`. */
  waitForPublishCalls(count: number): Promise<void>;
  /** Resolves once `heldAcks` reaches `count` (a `lateAck` frame is accepted and its ack held). */
  waitForHeldAcks(count: number): Promise<void>;
}

async function loadDefaultDecoder(): Promise<FrameDecoder> {
  const { createCodec } = await import('@media-sync/codec');
  return await createCodec();
}

/**
 * An in-process receiver for tests and benchmarks: decodes every frame with the codec, records
 * what it delivered, dedupes by (deviceId, seq) like a real gateway, and fails on command.
 */
export function createLoopbackPublisher(options: LoopbackPublisherOptions = {}): LoopbackPublisher {
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const frames: LoopbackFrame[] = [];
  const delivered: SequencedOperation[] = [];
  const applied: SequencedOperation[] = [];
  const seen = new Set<string>();
  const faults: LoopbackFault[] = [];
  const rejections = new Map<number, { code: string; reason: string }>();
  const heldAcks: Array<() => void> = [];
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const waiters = new Set<() => void>();
  let decoder: Promise<FrameDecoder> | undefined;
  let state: ConnectionState = options.online === false ? 'offline' : 'online';
  let publishCalls = 0;
  let closed = false;
  const retain = options.retain ?? true;
  const counts = { frames: 0, ops: 0, bytes: 0 };

  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const waitUntil = (condition: () => boolean) =>
    new Promise<void>((resolve) => {
      if (condition()) return resolve();
      const check = () => {
        if (!condition()) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  }

  function receive(frame: OutgoingFrame, decoded: Awaited<ReturnType<FrameDecoder['decodeFrame']>>): PublishAck {
    counts.frames += 1;
    counts.ops += decoded.ops.length;
    counts.bytes += frame.bytes.length;
    if (!retain) {
      options.onFrame?.({ userId: frame.userId, bytes: frame.bytes, ops: decoded.ops, duplicate: false });
      return { wireBytes: frame.bytes.length, duplicate: false, rejected: [] };
    }
    const fresh = decoded.ops.filter((op) => !seen.has(`${op.deviceId}\n${op.seq}`));
    const rejected: RejectedOperation[] = [];
    for (const op of decoded.ops) {
      const rejection = rejections.get(op.seq);
      if (rejection !== undefined) rejected.push({ seq: op.seq, ...rejection });
    }
    for (const op of decoded.ops) {
      delivered.push(op);
      const key = `${op.deviceId}\n${op.seq}`;
      if (!seen.has(key) && !rejections.has(op.seq)) {
        seen.add(key);
        applied.push(op);
      }
    }
    const accepted: LoopbackFrame = {
      userId: frame.userId,
      bytes: frame.bytes,
      ops: decoded.ops,
      duplicate: decoded.ops.length > 0 && fresh.length === 0,
    };
    frames.push(accepted);
    options.onFrame?.(accepted);
    return { wireBytes: frame.bytes.length, duplicate: accepted.duplicate, rejected };
  }

  const publisher: LoopbackPublisher = {
    name: 'loopback',
    capabilities: { sessionContext: false, dedupe: true },
    maxFrameBytes,
    get connectionState() {
      return state;
    },
    get frames() {
      return frames;
    },
    get delivered() {
      return delivered;
    },
    get applied() {
      return applied;
    },
    get publishCalls() {
      return publishCalls;
    },
    get counts() {
      return { ...counts };
    },
    get heldAcks() {
      return heldAcks.length;
    },

    async publish(frame, publishOptions) {
      publishCalls += 1;
      notify();
      const signal = publishOptions?.signal;
      if (closed) throw new PublisherError('CLOSED', 'loopback publisher is closed');
      if (signal?.aborted) throw new PublisherError('ABORTED', 'publish aborted', { cause: signal.reason });
      const fault = faults.shift();
      if (state === 'offline' && fault?.kind !== 'stall') {
        throw new PublisherError('UNAVAILABLE', 'loopback receiver is offline');
      }
      if (frame.bytes.length > maxFrameBytes) {
        throw new PublisherError('FRAME_TOO_LARGE', `frame of ${frame.bytes.length} bytes over ${maxFrameBytes}`);
      }
      if (fault?.kind === 'transient') {
        throw new PublisherError(fault.code ?? 'UNAVAILABLE', 'injected transient failure', { transient: true });
      }
      if (fault?.kind === 'permanent') {
        throw new PublisherError(fault.code ?? 'UNAUTHORIZED', 'injected permanent failure', { transient: false });
      }
      if (fault?.kind === 'stall') {
        return new Promise<PublishAck>((_, reject) => {
          const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            reject(new PublisherError('TIMEOUT', `no ack within ${timeoutMs} ms`));
          }, timeoutMs);
          const onAbort = () => {
            clearTimeout(timer);
            reject(new PublisherError('ABORTED', 'publish aborted', { cause: signal?.reason }));
          };
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      }
      decoder ??= options.codec ? Promise.resolve(options.codec) : loadDefaultDecoder();
      let decoded: Awaited<ReturnType<FrameDecoder['decodeFrame']>>;
      try {
        decoded = (await decoder).decodeFrame(frame.bytes);
      } catch (error) {
        throw new PublisherError('REJECTED', `frame does not decode: ${String(error)}`, { cause: error });
      }
      const { header } = decoded;
      if (header.firstSeq !== frame.firstSeq || header.lastSeq !== frame.lastSeq) {
        throw new PublisherError(
          'REJECTED',
          `frame says seqs ${frame.firstSeq}..${frame.lastSeq}, its header ${header.firstSeq}..${header.lastSeq}`,
        );
      }
      if (fault?.kind === 'dropConnection') {
        if (fault.delivered) receive(frame, decoded);
        setState('offline');
        notify();
        throw new PublisherError('DISCONNECTED', 'loopback connection dropped mid-frame');
      }
      const ack = receive(frame, decoded);
      notify();
      if (fault?.kind === 'lateAck') {
        await new Promise<void>((resolve) => {
          heldAcks.push(resolve);
          notify();
        });
      }
      return ack;
    },

    onConnectionState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },

    inject(...injected) {
      faults.push(...injected);
    },

    rejectSeqs(seqs, code = 'INVALID', reason = 'rejected by the loopback receiver') {
      for (const seq of seqs) rejections.set(seq, { code, reason });
    },

    clearRejections() {
      rejections.clear();
    },

    releaseAcks() {
      for (const release of heldAcks.splice(0, heldAcks.length)) release();
    },

    setConnectionState: setState,

    waitForFrames: (count) => waitUntil(() => counts.frames >= count),
    waitForPublishCalls: (count) => waitUntil(() => publishCalls >= count),
    waitForHeldAcks: (count) => waitUntil(() => heldAcks.length >= count),

    async close() {
      closed = true;
      publisher.releaseAcks();
      setState('offline');
    },
  };
  return publisher;
}
