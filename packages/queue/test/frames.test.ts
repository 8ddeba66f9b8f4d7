import { createCodec } from '@media-sync/codec';
import { createMemoryPublisher } from '@media-sync/publisher-memory';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { describe, expect, it } from 'vitest';
import {
  createQueue,
  type FrameByteMetrics,
  type FrameEncoder,
  META_KEYS,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  PublisherError,
} from '../src/index.js';
import { command, DEVICE, distinctOps, harness, progress, range, seqsOf, T0, USER, watchlistAdd } from './helpers.js';

/** A publisher that encodes with its own session (never calling `selfContained`) and counts baseline reads. */
function sessionPublisher(): Publisher & { frames: OutgoingFrame[]; baselineReads: number } {
  const frames: OutgoingFrame[] = [];
  const publisher = {
    name: 'session',
    capabilities: { sessionContext: true, dedupe: true },
    maxFrameBytes: 1 << 20,
    connectionState: 'online' as const,
    frames,
    baselineReads: 0,
    async publish(frame: OutgoingFrame): Promise<PublishAck> {
      frames.push(frame);
      const metrics: FrameByteMetrics = {
        get bytesJson() {
          publisher.baselineReads += 1;
          return 1_000;
        },
        get bytesProtobuf() {
          publisher.baselineReads += 1;
          return 500;
        },
        bytesBody: 40,
        bytesWire: 30,
        compressionRatio: 0.03,
        savingsPercent: 97,
        deltaSavingsPercent: 92,
      };
      return { duplicate: false, rejected: [], metrics };
    },
    onConnectionState: () => () => undefined,
    close: async () => undefined,
  };
  return publisher;
}

describe('one encode per frame', () => {
  it('the queue hands ops over unencoded: a session publisher’s frames are never encoded self-contained', async () => {
    const codec = await createCodec();
    let encodes = 0;
    const counting: FrameEncoder = {
      encodeFrame: (...args) => {
        encodes += 1;
        return codec.encodeFrame(...args);
      },
    };
    const publisher = sessionPublisher();
    const queue = createQueue({ deviceId: DEVICE, storage: createMemoryStorage(), publisher, codec: counting });
    await queue.enqueueMany(distinctOps(12));
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 12, frames: 1 });
    expect(encodes).toBe(0);
    // Byte metrics are the ack's: what the publisher actually sent.
    expect(report.bytes).toMatchObject({ bytesWire: 30, bytesBody: 40, bytesJson: 1_000, bytesProtobuf: 500 });
    // The cached self-contained encoding is made once, however often it is asked for.
    const frame = publisher.frames[0] as OutgoingFrame;
    expect(frame.selfContained()).toBe(frame.selfContained());
    expect(encodes).toBe(1);
  });

  it('baselineBytes: false never reads the baselines of an ack', async () => {
    const publisher = sessionPublisher();
    const queue = createQueue({
      deviceId: DEVICE,
      storage: createMemoryStorage(),
      publisher,
      config: { baselineBytes: false },
    });
    await queue.enqueueMany(distinctOps(3));
    const report = await queue.replay();
    expect(report.bytes).toMatchObject({ bytesWire: 30, bytesJson: 0, bytesProtobuf: 0, compressionRatio: 0 });
    expect(publisher.baselineReads).toBe(0);
  });

  it('the memory publisher’s wire bytes are the self-contained bytes it received', async () => {
    const { queue, publisher } = harness({ config: { maxBatchOps: 4 } });
    await queue.enqueueMany(distinctOps(10));
    const report = await queue.replay();
    const received = publisher.frames.reduce((sum, frame) => sum + frame.bytes.length, 0);
    expect(report.bytes.bytesWire).toBe(received);
  });

  it('self-contained frames are user-bound: the channel names the user, the frame does not carry it', async () => {
    const codec = await createCodec();
    const publisher = sessionPublisher();
    const queue = createQueue({ deviceId: DEVICE, storage: createMemoryStorage(), publisher, codec });
    await queue.enqueueMany(distinctOps(3));
    await queue.replay();
    const frame = publisher.frames[0] as OutgoingFrame;
    const { bytes } = frame.selfContained();
    expect(frame.userId).toBe(USER);
    expect(codec.decodeFrame(bytes, { userId: USER }).header.userId).toBe(USER);
    expect(codec.decodeFrame(bytes, { userId: USER }).ops).toEqual(frame.ops);
    expect(() => codec.decodeFrame(bytes)).toThrow(expect.objectContaining({ code: 'USER_REQUIRED' }));
    expect(() => codec.decodeFrame(bytes, { userId: 'user-2' })).toThrow(
      expect.objectContaining({ code: 'CRC_MISMATCH' }),
    );
  });

  it('FRAME_TOO_LARGE halves the frame without counting an attempt', async () => {
    const { queue, publisher, storage } = harness({ config: { maxBatchOps: 8 } });
    const original = publisher.publish.bind(publisher);
    const sizes: number[] = [];
    publisher.publish = async (frame, options) => {
      sizes.push(frame.ops.length);
      if (frame.ops.length > 2 && frame.firstSeq === 1) throw new PublisherError('FRAME_TOO_LARGE', 'limit');
      return original(frame, options);
    };
    await queue.enqueueMany(distinctOps(8));
    const spyAttempts: number[] = [];
    const recordAttempt = storage.recordAttempt.bind(storage);
    storage.recordAttempt = async (...args) => {
      spyAttempts.push(args[0].length);
      return recordAttempt(...args);
    };
    expect(await queue.replay()).toMatchObject({ published: 8, deadLettered: 0, pending: 0 });
    expect(sizes).toEqual([8, 4, 2, 2, 2, 2]);
    expect(spyAttempts).toEqual([]);
  });

  it('an op the codec cannot encode is narrowed down and dead-lettered UNENCODABLE; the rest goes', async () => {
    const codec = await createCodec();
    const picky: FrameEncoder = {
      encodeFrame: (deviceId, ops, options) => {
        if (ops.some((entry) => entry.seq === 5)) throw new RangeError('seq 5 cannot be encoded');
        return codec.encodeFrame(deviceId, ops, options);
      },
    };
    const storage = createMemoryStorage();
    const publisher = createMemoryPublisher({ codec });
    const queue = createQueue({ deviceId: DEVICE, storage, publisher, codec: picky, config: { maxBatchOps: 8 } });
    await queue.enqueueMany(distinctOps(8));
    expect(await queue.replay()).toMatchObject({ published: 7, deadLettered: 1, pending: 0 });
    expect(seqsOf(publisher.applied)).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect((await queue.deadLetters()).map((letter) => [letter.seq, letter.reasonCode, letter.reason])).toEqual([
      [5, 'UNENCODABLE', 'seq 5 cannot be encoded'],
    ]);
  });
});

describe('skipped seqs', () => {
  it('declares coalesced and expired seqs on the next frame, so the receiver’s mark passes them', async () => {
    const { queue, publisher, clock } = harness({ userId: USER, config: { maxBatchOps: 2 } });
    await queue.enqueueMany([
      progress('a', 1_000),
      command('old', T0 - 400_000),
      progress('a', 2_000),
      watchlistAdd('x'),
      watchlistAdd('y'),
    ]);
    clock.now = T0 + 10_000;
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 3, coalesced: 1, expired: 1, pending: 0 });
    expect(publisher.frames.map((frame) => [seqsOf(frame.ops), frame.skipped])).toEqual([
      [[3, 4], [{ first: 1, last: 2 }]],
      [[5], []],
    ]);
    expect(publisher.marks.get(DEVICE)).toBe(5);
  });

  it('a queue that ends with skips declares them after the last frame’s ops, in that frame', async () => {
    const { queue, publisher, clock } = harness({ userId: USER });
    await queue.enqueueMany([watchlistAdd('x'), command('soon', T0, T0 + 1_000), command('soon2', T0, T0 + 1_000)]);
    clock.now = T0 + 5_000;
    expect(await queue.replay()).toMatchObject({ published: 1, expired: 2, pending: 0, frames: 1 });
    expect(publisher.frames.map((frame) => [seqsOf(frame.ops), frame.skipped])).toEqual([
      [[1], [{ first: 2, last: 3 }]],
    ]);
    expect(publisher.marks.get(DEVICE)).toBe(3);
  });

  it('a queue of skips alone declares them in a frame of their own', async () => {
    const { queue, publisher, clock } = harness({ userId: USER });
    await queue.enqueueMany([command('soon', T0, T0 + 1_000), command('soon2', T0, T0 + 1_000)]);
    clock.now = T0 + 5_000;
    expect(await queue.replay()).toMatchObject({ published: 0, expired: 2, pending: 0, frames: 1 });
    expect(publisher.frames.map((frame) => [seqsOf(frame.ops), frame.skipped])).toEqual([
      [[], [{ first: 1, last: 2 }]],
    ]);
    expect(publisher.marks.get(DEVICE)).toBe(2);
  });

  it('skips between a frame’s ops go with its ack, written down, and the next run declares them', async () => {
    const { queue, publisher, storage, clock } = harness({ config: { maxBatchOps: 3 } });
    // 2 is superseded by 4, inside the frame [1, 3, 4].
    await queue.enqueueMany([watchlistAdd('x'), progress('a', 1_000), watchlistAdd('y'), progress('a', 2_000)]);
    publisher.inject({ kind: 'ok' }, { kind: 'transient' });
    const first = await queue.replay();
    expect(first).toMatchObject({ stoppedBy: 'transientError', published: 3, coalesced: 1, pending: 0 });
    expect(await storage.getMeta(META_KEYS.skipped)).toBe('2-2');
    expect(publisher.marks.get(DEVICE)).toBe(1);
    clock.now = first.nextAttemptAt as number;
    await queue.enqueue(watchlistAdd('z'));
    expect(await queue.replay()).toMatchObject({ stoppedBy: 'drained', published: 1 });
    expect(publisher.frames.map((frame) => [seqsOf(frame.ops), frame.skipped])).toEqual([
      [[1, 3, 4], []],
      [[5], [{ first: 2, last: 2 }]],
    ]);
    expect(publisher.marks.get(DEVICE)).toBe(5);
    expect(await storage.getMeta(META_KEYS.skipped)).toBe('');
    // The superseded update was never sent after the one that superseded it.
    expect(seqsOf(publisher.delivered)).toEqual([1, 3, 4, 5]);
  });

  it('a requeued dead letter keeps its seq and is sent again: never declared skipped', async () => {
    const { queue, publisher } = harness({ config: { maxBatchOps: 10 } });
    await queue.enqueueMany(distinctOps(4));
    publisher.rejectSeqs([2], 'FORBIDDEN_USER');
    expect(await queue.replay()).toMatchObject({ published: 3, deadLettered: 1 });
    expect(publisher.marks.get(DEVICE)).toBe(1);
    publisher.clearRejections();
    await queue.enqueueMany([progress('a', 1_000), progress('a', 2_000)]);
    expect(await queue.requeueDeadLetters()).toBe(1);
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 2, coalesced: 1, deadLettered: 0, pending: 0 });
    const resent = publisher.frames[1];
    expect(seqsOf(resent?.ops ?? [])).toEqual([2, 6]);
    expect(resent?.skipped).toEqual([]);
    expect(seqsOf(publisher.applied)).toEqual([1, 3, 4, 2, 6]);
    expect(publisher.marks.get(DEVICE)).toBe(6);
    expect(range(1, 6).every((seq) => seq <= (publisher.marks.get(DEVICE) ?? 0))).toBe(true);
  });
});
