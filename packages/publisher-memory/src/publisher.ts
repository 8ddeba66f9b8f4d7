import type { SequencedOperation } from '@media-sync/protocol';
import {
  type ConnectionState,
  type EncodedFrame,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  PublisherError,
  type PublisherErrorCode,
  type SeqRange,
  toRejectedRanges,
} from '@media-sync/queue';
import { coreOf, createMemoryBroker, type MemoryBroker } from './broker.js';

/** The codec half the memory receiver uses: `@media-sync/codec`'s `Codec` satisfies it. */
export interface FrameDecoder {
  /** `userId`: the user of the frame's channel (a user-bound frame leaves it out). */
  decodeFrame(
    bytes: Uint8Array,
    options?: { readonly userId?: string },
  ): {
    readonly header: {
      readonly firstSeq: number;
      readonly lastSeq: number;
      readonly opCount: number;
      /** The skipped ranges the frame declares, once the codec carries them (format v2). */
      readonly skipped?: readonly SeqRange[];
    };
    readonly ops: readonly SequencedOperation[];
  };
}

/** One injected failure; each applies to one `publish` call, in the order injected. */
export type MemoryFault =
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

export interface MemoryPublisherOptions {
  /**
   * The broker the frames go to; publishers and subscribers given the same broker see one
   * another, and its faults (`down`, `up`, `cutNextPublish`) reach every one of its publishers.
   * Default: a broker of this publisher's own.
   */
  readonly broker?: MemoryBroker;
  /** Compared with the broker's `credentials`, when it has some. */
  readonly credentials?: string;
  /** Decodes frames; default `createCodec()` of `@media-sync/codec`. */
  readonly codec?: FrameDecoder;
  /** Default 1 MiB (the codec's default frame limit). */
  readonly maxFrameBytes?: number;
  /** How long a stalled publish waits before `TIMEOUT`. Default 1 000 ms. */
  readonly timeoutMs?: number;
  /** Starts offline when false. Default true. */
  readonly online?: boolean;
  /**
   * Keep every frame and op (`frames`, `delivered`, `applied`, the broker's log), dedupe by
   * (deviceId, seq) and honour `rejectSeqs`. Default true. False keeps only `counts` (and
   * appends nothing to the broker, so subscribers receive nothing): a benchmark replaying
   * millions of ops measures the queue's memory, not the receiver's.
   */
  readonly retain?: boolean;
  /** Runs for every accepted frame, after it is recorded and before its ack. */
  readonly onFrame?: (frame: MemoryFrame) => void;
}

/** A frame the memory receiver accepted. */
export interface MemoryFrame {
  readonly userId: string;
  /** The self-contained bytes it received (the only encoding this publisher makes). */
  readonly bytes: Uint8Array;
  readonly ops: readonly SequencedOperation[];
  /** The seq ranges the frame declared skipped. */
  readonly skipped: readonly SeqRange[];
  /** Every op of the frame had been delivered before (a re-published frame). */
  readonly duplicate: boolean;
}

export interface MemoryPublisher extends Publisher {
  /** The broker this publisher sends to (its own unless one was given). */
  readonly broker: MemoryBroker;
  /** Every accepted frame, in order, re-deliveries included. */
  readonly frames: readonly MemoryFrame[];
  /** Every op of every accepted frame, in order, re-deliveries included. */
  readonly delivered: readonly SequencedOperation[];
  /** Delivered ops once each (first delivery), as a receiver that dedupes by (deviceId, seq) applies them. */
  readonly applied: readonly SequencedOperation[];
  /**
   * Per device, the highest seq `s` such that every seq ≤ `s` was applied or declared skipped:
   * the mark a receiver can dedupe below. A rejected op leaves a gap (it may come back requeued).
   */
  readonly marks: ReadonlyMap<string, number>;
  /** Calls to `publish`, failed ones included. */
  readonly publishCalls: number;
  /** Frames and ops accepted (re-deliveries included), counted even when `retain` is false; bytes received. */
  readonly counts: { readonly frames: number; readonly ops: number; readonly bytes: number };
  /** Queues failures for the next `publish` calls. */
  inject(...faults: MemoryFault[]): void;
  /** Ops the receiver refuses for good, listed in the ack's `rejected` ranges with `code` (default `INVALID`). */
  rejectSeqs(seqs: Iterable<number>, code?: string): void;
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
 * The in-process reference publisher, for tests, benchmarks and one-process apps: decodes every
 * frame with the codec, records what it delivered, dedupes by (deviceId, seq) like a real
 * gateway, appends it to its broker's log for subscribers, and fails on command.
 */
export function createMemoryPublisher(options: MemoryPublisherOptions = {}): MemoryPublisher {
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const frames: MemoryFrame[] = [];
  const delivered: SequencedOperation[] = [];
  const applied: SequencedOperation[] = [];
  const seen = new Set<string>();
  const marks = new Map<string, number>();
  /**
   * Per device, the settled seqs above its mark as sorted, disjoint, non-adjacent ranges, none
   * touching the mark: O(gaps outstanding), whatever the width of a declared skip.
   */
  const settledAbove = new Map<string, SettledRange[]>();
  const faults: MemoryFault[] = [];
  const rejections = new Map<number, string>();
  const heldAcks: Array<() => void> = [];
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const waiters = new Set<() => void>();
  let decoder: Promise<FrameDecoder> | undefined;
  const broker = options.broker ?? createMemoryBroker();
  const core = coreOf(broker);
  /**
   * Why the publisher is offline: `manual` (`online: false`, `setConnectionState`, an injected
   * `dropConnection`) until told otherwise; `broker` (down) until the broker is up; `link` (a
   * cut) until the next publish reconnects.
   */
  let offlineCause: 'manual' | 'broker' | 'link' | undefined =
    options.online === false ? 'manual' : core.isDown ? 'broker' : undefined;
  let state: ConnectionState = offlineCause === undefined ? 'online' : 'offline';
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

  function setState(next: ConnectionState, cause: 'manual' | 'broker' | 'link' = 'manual'): void {
    offlineCause = next === 'offline' ? cause : undefined;
    if (next === state) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  }

  function settle(deviceId: string, first: number, last: number): void {
    let mark = marks.get(deviceId) ?? 0;
    let above = settledAbove.get(deviceId);
    if (above === undefined) {
      above = [];
      settledAbove.set(deviceId, above);
    }
    if (last > mark) insertRange(above, Math.max(first, mark + 1), last);
    while (above[0] !== undefined && above[0].first <= mark + 1) {
      mark = Math.max(mark, above[0].last);
      above.shift();
    }
    marks.set(deviceId, mark);
  }

  function receive(
    frame: OutgoingFrame,
    encoded: EncodedFrame,
    decoded: Awaited<ReturnType<FrameDecoder['decodeFrame']>>,
  ): PublishAck {
    counts.frames += 1;
    counts.ops += decoded.ops.length;
    counts.bytes += encoded.bytes.length;
    if (!retain) {
      options.onFrame?.({
        userId: frame.userId,
        bytes: encoded.bytes,
        ops: decoded.ops,
        skipped: frame.skipped,
        duplicate: false,
      });
      return { duplicate: false, rejected: [], metrics: encoded.metrics };
    }
    const fresh = decoded.ops.filter((op) => !seen.has(`${op.deviceId}\n${op.seq}`));
    const rejected: Array<{ seq: number; code: string }> = [];
    for (const op of decoded.ops) {
      const rejection = rejections.get(op.seq);
      if (rejection !== undefined) rejected.push({ seq: op.seq, code: rejection });
    }
    for (const range of frame.skipped) settle(frame.deviceId, range.first, range.last);
    for (const op of decoded.ops) {
      delivered.push(op);
      const key = `${op.deviceId}\n${op.seq}`;
      if (!seen.has(key) && !rejections.has(op.seq)) {
        seen.add(key);
        applied.push(op);
        settle(op.deviceId, op.seq, op.seq);
      }
    }
    const appended = core.append(
      frame.userId,
      {
        deviceId: frame.deviceId,
        firstSeq: frame.firstSeq,
        lastSeq: frame.lastSeq,
        opSeqs: decoded.ops.map((op) => op.seq),
      },
      encoded.bytes,
    );
    const accepted: MemoryFrame = {
      userId: frame.userId,
      bytes: encoded.bytes,
      ops: decoded.ops,
      skipped: frame.skipped,
      duplicate: decoded.ops.length > 0 && (fresh.length === 0 || !appended),
    };
    frames.push(accepted);
    options.onFrame?.(accepted);
    return { duplicate: accepted.duplicate, rejected: toRejectedRanges(rejected), metrics: encoded.metrics };
  }

  const stopWatching = core.watch((next) => {
    if (next === 'offline') setState('offline', 'broker');
    else if (offlineCause === 'broker') setState('online');
  });

  const publisher: MemoryPublisher = {
    name: 'memory',
    capabilities: { sessionContext: false, dedupe: true },
    maxFrameBytes,
    broker,
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
    get marks() {
      return marks;
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
      if (closed) throw new PublisherError('CLOSED', 'the memory publisher is closed');
      if (signal?.aborted) throw new PublisherError('ABORTED', 'publish aborted', { cause: signal.reason });
      if (core.credentials !== undefined && options.credentials !== core.credentials) {
        throw new PublisherError('UNAUTHORIZED', 'the memory broker refused the credentials');
      }
      // A link cut by the broker is opened again by the next publish, as a client reconnects.
      if (offlineCause === 'link' && !core.isDown) setState('online');
      const fault = faults.shift();
      if (state === 'offline' && fault?.kind !== 'stall') {
        throw new PublisherError(
          'UNAVAILABLE',
          core.isDown ? 'the memory broker is down' : 'the memory publisher is offline',
        );
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
      // The one encoding of the frame: the self-contained bytes a broker would carry.
      const encoded = frame.selfContained();
      if (encoded.bytes.length > maxFrameBytes) {
        throw new PublisherError('FRAME_TOO_LARGE', `frame of ${encoded.bytes.length} bytes over ${maxFrameBytes}`);
      }
      decoder ??= options.codec ? Promise.resolve(options.codec) : loadDefaultDecoder();
      let decoded: Awaited<ReturnType<FrameDecoder['decodeFrame']>>;
      try {
        // The receiver of the user's channel names the user, as a per-user topic does.
        decoded = (await decoder).decodeFrame(encoded.bytes, { userId: frame.userId });
      } catch (error) {
        throw new PublisherError('REJECTED', `frame does not decode: ${String(error)}`, { cause: error });
      }
      const { header } = decoded;
      if (header.opCount > 0 && (header.firstSeq !== frame.firstSeq || header.lastSeq !== frame.lastSeq)) {
        throw new PublisherError(
          'REJECTED',
          `frame says seqs ${frame.firstSeq}..${frame.lastSeq}, its header ${header.firstSeq}..${header.lastSeq}`,
        );
      }
      if (header.skipped !== undefined && JSON.stringify(header.skipped) !== JSON.stringify(frame.skipped)) {
        throw new PublisherError('REJECTED', 'the skipped ranges in the frame header differ from the frame’s');
      }
      if (fault?.kind === 'dropConnection') {
        if (fault.delivered) receive(frame, encoded, decoded);
        setState('offline');
        notify();
        throw new PublisherError('DISCONNECTED', 'the memory link dropped mid-frame');
      }
      const cut = core.takeCut();
      if (cut !== undefined) {
        if (cut.delivered) receive(frame, encoded, decoded);
        setState('offline', 'link');
        notify();
        cut.done();
        throw new PublisherError('DISCONNECTED', 'the memory broker cut the link mid-frame');
      }
      const ack = receive(frame, encoded, decoded);
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

    rejectSeqs(seqs, code = 'INVALID') {
      for (const seq of seqs) rejections.set(seq, code);
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
      stopWatching();
      publisher.releaseAcks();
      setState('offline');
    },
  };
  return publisher;
}

/** Settled seqs `first..last`: the contract's `SeqRange`, mutable while ranges merge into it. */
interface SettledRange {
  first: number;
  last: number;
}

/**
 * Adds `first..last` to sorted, disjoint, non-adjacent `ranges`, merging what it overlaps or
 * touches: `[{1,2},{6,7}]` + `3..5` → `[{1,7}]`.
 */
function insertRange(ranges: SettledRange[], first: number, last: number): void {
  // The first range ending at or after `first - 1`: the first one the new range may touch.
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ranges[middle] as SettledRange).last < first - 1) low = middle + 1;
    else high = middle;
  }
  const merged: SettledRange = { first, last };
  let end = low;
  for (let range = ranges[end]; range !== undefined && range.first <= last + 1; range = ranges[++end]) {
    merged.first = Math.min(merged.first, range.first);
    merged.last = Math.max(merged.last, range.last);
  }
  ranges.splice(low, end - low, merged);
}
