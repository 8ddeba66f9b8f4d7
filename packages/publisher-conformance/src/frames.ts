import { type Codec, CodecError, createCodec, readFrameHeader } from '@media-sync/codec';
import type { SequencedOperation, SyncOperation } from '@media-sync/protocol';
import type { EncodedFrame, IncomingFrame, OutgoingFrame } from '@media-sync/queue';

const T0 = 1_790_000_000_000;

let sharedCodec: Promise<Codec> | undefined;
/** The codec the suite encodes and decodes with (zstd loads once per process). */
export function suiteCodec(): Promise<Codec> {
  sharedCodec ??= createCodec();
  return sharedCodec;
}

/** A distinct watchlist add per seq: nothing coalesces, so every op must arrive. */
export function sampleOperation(userId: string, deviceId: string, seq: number, padding = 0): SequencedOperation {
  const op: SyncOperation = {
    type: 'watchlistAdd',
    userId,
    contentId: `tt${String(seq).padStart(7, '0')}${padding > 0 ? pseudoRandomText(seq, padding) : ''}`,
    timestamp: T0 + seq,
  };
  return { deviceId, seq, hlc: { physicalMs: T0 + seq, logical: 0, nodeId: deviceId }, op };
}

/** Text that zstd cannot shrink much, so a frame's size follows its op count. */
function pseudoRandomText(seed: number, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let state = (seed * 2654435761) >>> 0 || 1;
  let text = '';
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    text += alphabet[state % alphabet.length];
  }
  return text;
}

/** An `OutgoingFrame` as the queue makes it: ops of one device, the self-contained encoding on demand. */
export function outgoingFrame(codec: Codec, ops: readonly SequencedOperation[]): OutgoingFrame {
  const first = ops[0];
  const last = ops[ops.length - 1];
  if (first === undefined || last === undefined) throw new TypeError('a test frame needs at least one op');
  let encoded: EncodedFrame | undefined;
  const frame: OutgoingFrame = {
    deviceId: first.deviceId,
    userId: first.op.type === 'deviceCommand' ? first.deviceId : first.op.userId,
    firstSeq: first.seq,
    lastSeq: last.seq,
    ops,
    skipped: [],
    selfContained() {
      // As the queue encodes it: user-bound, the user named by the channel.
      encoded ??= codec.encodeFrame(first.deviceId, ops, { userId: frame.userId, bindUser: true });
      return encoded;
    },
  };
  return frame;
}

/** Frame of `count` ops of `deviceId` starting at `firstSeq`, for `userId`. */
export function sampleFrame(
  codec: Codec,
  userId: string,
  deviceId: string,
  firstSeq: number,
  count = 1,
  padding = 0,
): OutgoingFrame {
  return outgoingFrame(
    codec,
    Array.from({ length: count }, (_, i) => sampleOperation(userId, deviceId, firstSeq + i, padding)),
  );
}

/**
 * The largest frame whose self-contained encoding is at most `maxBytes` (and at least 90% of it):
 * ops of ~200 incompressible characters, as many as fit.
 */
export function frameNear(codec: Codec, userId: string, deviceId: string, firstSeq: number, maxBytes: number) {
  const padding = 200;
  const make = (count: number) => sampleFrame(codec, userId, deviceId, firstSeq, count, padding);
  // The ops are incompressible, so the size grows linearly with the count: guess from a sample,
  // then step down until it fits (a few encodes, not a search over megabytes).
  const sample = 32;
  const perOp = make(sample).selfContained().bytes.length / sample;
  let count = Math.max(1, Math.floor(maxBytes / perOp));
  let frame = make(count);
  while (frame.selfContained().bytes.length > maxBytes && count > 1) {
    count = Math.max(1, Math.floor(count * 0.99));
    frame = make(count);
  }
  return frame;
}

/** One frame as a subscriber handed it over, with its header read back. */
export interface ReceivedFrame {
  readonly bytes: Uint8Array;
  readonly deviceId: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly userIds: readonly string[];
}

/**
 * What a subscribing device does with what it receives: reads each frame, applies each op once
 * by (deviceId, seq), and records everything for the assertions.
 */
export class Replica {
  readonly received: ReceivedFrame[] = [];
  /** Every op of every frame received, in arrival order, copies included. */
  readonly receivedOps: SequencedOperation[] = [];
  readonly applied: SequencedOperation[] = [];
  private readonly seen = new Set<string>();
  private readonly waiters = new Set<() => void>();

  /** `userId`: the user whose channel the replica subscribes to, which names the user of its frames. */
  constructor(
    private readonly codec: Codec,
    private readonly userId: string,
  ) {}

  /** The subscriber's `onFrame`. */
  readonly onFrame = (frame: IncomingFrame): void => {
    let header: ReturnType<typeof readFrameHeader>;
    try {
      header = readFrameHeader(frame.bytes, undefined, this.userId);
    } catch (error) {
      // A user-bound frame of another user's channel fails its checksum here: recorded as
      // foreign (the assertions name it) instead of throwing inside the subscriber.
      if (!(error instanceof CodecError) || error.code !== 'CRC_MISMATCH') throw error;
      this.received.push({
        bytes: Uint8Array.from(frame.bytes),
        deviceId: '',
        firstSeq: 0,
        lastSeq: 0,
        userIds: [`(a frame of another user's channel: ${error.code})`],
      });
      return;
    }
    const { ops } = this.codec.decodeFrame(frame.bytes, { userId: this.userId });
    this.received.push({
      bytes: Uint8Array.from(frame.bytes),
      deviceId: header.deviceId,
      firstSeq: header.firstSeq,
      lastSeq: header.lastSeq,
      userIds: ops.map(({ op }) => (op.type === 'deviceCommand' ? '' : op.userId)),
    });
    this.receivedOps.push(...ops);
    for (const op of ops) {
      const key = `${op.deviceId}\n${op.seq}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.applied.push(op);
    }
    for (const wake of [...this.waiters]) wake();
  };

  /** Seqs of `deviceId` in every frame received, in arrival order, copies included. */
  receivedSeqs(deviceId: string): number[] {
    return this.receivedOps.filter((op) => op.deviceId === deviceId).map((op) => op.seq);
  }

  /** Seqs applied for `deviceId`, in the order applied. */
  appliedSeqs(deviceId: string): number[] {
    return this.applied.filter((op) => op.deviceId === deviceId).map((op) => op.seq);
  }

  /** Resolves once `condition` holds; rejects after `timeoutMs` naming what it waited for. */
  waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (condition()) return resolve();
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Resolves once seq `seq` of `deviceId` was applied. */
  waitForSeq(deviceId: string, seq: number, timeoutMs: number): Promise<void> {
    return this.waitFor(
      `seq ${seq} of ${deviceId}`,
      () => this.applied.some((op) => op.deviceId === deviceId && op.seq === seq),
      timeoutMs,
    );
  }

  private describe(): string {
    return JSON.stringify(this.received.map((frame) => `${frame.deviceId}:${frame.firstSeq}-${frame.lastSeq}`));
  }
}
