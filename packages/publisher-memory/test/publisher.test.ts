import { createCodec } from '@media-sync/codec';
import type { SyncOperation } from '@media-sync/protocol';
import { type EncodedFrame, type OutgoingFrame, PublisherError, type SeqRange } from '@media-sync/queue';
import { describe, expect, it } from 'vitest';
import { createMemoryPublisher } from '../src/index.js';

const USER = 'user-1';
const DEVICE = 'phone-1';
const T0 = 1_790_000_000_000;

/** `count` distinct watchlist adds: nothing coalesces, so every op must arrive. */
function distinctOps(count: number, from = 0): SyncOperation[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'watchlistAdd',
    userId: USER,
    contentId: `tt${String(from + i).padStart(7, '0')}`,
    timestamp: T0 + from + i,
  }));
}

/** A frame as the queue builds it; `encodes` counts calls of `selfContained()` that did encode. */
async function frameOf(
  count: number,
  from = 1,
  skipped: readonly SeqRange[] = [],
): Promise<OutgoingFrame & { readonly encodes: () => number }> {
  const codec = await createCodec();
  const ops = distinctOps(count, from).map((op, i) => ({
    deviceId: DEVICE,
    seq: from + i,
    hlc: { physicalMs: T0 + from + i, logical: 0, nodeId: DEVICE },
    op,
  }));
  let encoded: EncodedFrame | undefined;
  let encodes = 0;
  return {
    deviceId: DEVICE,
    userId: USER,
    firstSeq: from,
    lastSeq: from + count - 1,
    ops,
    skipped,
    selfContained() {
      if (encoded === undefined) encodes += 1;
      encoded ??= codec.encodeFrame(DEVICE, ops, { skipped });
      return encoded;
    },
    encodes: () => encodes,
  };
}

function withBytes(frame: OutgoingFrame, bytes: Uint8Array): OutgoingFrame {
  return { ...frame, selfContained: () => ({ ...frame.selfContained(), bytes }) };
}

async function publishError(promise: Promise<unknown>): Promise<PublisherError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PublisherError);
  return error as PublisherError;
}

describe('createMemoryPublisher', () => {
  it('decodes, records and acks a frame; a re-sent frame is a duplicate', async () => {
    const publisher = createMemoryPublisher();
    const frame = await frameOf(3);
    expect(await publisher.publish(frame)).toEqual({
      duplicate: false,
      rejected: [],
      metrics: frame.selfContained().metrics,
    });
    expect(await publisher.publish(frame)).toMatchObject({ duplicate: true });
    expect(publisher.delivered).toEqual([...frame.ops, ...frame.ops]);
    expect(publisher.applied).toEqual(frame.ops);
    expect(frame.encodes()).toBe(1);
    expect(publisher.marks.get(DEVICE)).toBe(3);
  });

  it('acks rejections as seq ranges per code, and keeps its mark below a rejected op', async () => {
    const publisher = createMemoryPublisher();
    publisher.rejectSeqs([2, 3], 'FORBIDDEN_USER');
    publisher.rejectSeqs([5], 'CLOCK_DRIFT');
    const ack = await publisher.publish(await frameOf(6));
    expect(ack.rejected).toEqual([
      { firstSeq: 2, lastSeq: 3, code: 'FORBIDDEN_USER' },
      { firstSeq: 5, lastSeq: 5, code: 'CLOCK_DRIFT' },
    ]);
    expect(publisher.marks.get(DEVICE)).toBe(1);
  });

  it('advances its mark over declared skips, also from a frame without ops', async () => {
    const publisher = createMemoryPublisher();
    await publisher.publish(await frameOf(2, 4, [{ first: 1, last: 2 }]));
    expect(publisher.marks.get(DEVICE)).toBe(2);
    const skipsOnly = await frameOf(0, 8, [
      { first: 3, last: 3 },
      { first: 6, last: 7 },
    ]);
    await publisher.publish({ ...skipsOnly, firstSeq: 8, lastSeq: 7 });
    expect(publisher.marks.get(DEVICE)).toBe(7);
    expect(publisher.frames.map((f) => f.skipped)).toEqual([
      [{ first: 1, last: 2 }],
      [
        { first: 3, last: 3 },
        { first: 6, last: 7 },
      ],
    ]);
  });

  it('settles a skip of a billion seqs as one range, across a gap and out of order', { timeout: 2_000 }, async () => {
    const publisher = createMemoryPublisher();
    const skipsOnly = async (skipped: readonly SeqRange[]) => {
      const last = (skipped[skipped.length - 1] as SeqRange).last;
      const frame = await frameOf(0, last + 1, skipped);
      await publisher.publish({ ...frame, firstSeq: last + 1, lastSeq: last });
    };
    await publisher.publish(await frameOf(1, 1));
    // Seq 2 is missing: neither skip can move the mark yet.
    await skipsOnly([{ first: 3, last: 1_000_000_000 }]);
    await skipsOnly([{ first: 1_000_000_005, last: 2_000_000_000 }]);
    expect(publisher.marks.get(DEVICE)).toBe(1);
    await publisher.publish(await frameOf(1, 2));
    expect(publisher.marks.get(DEVICE)).toBe(1_000_000_000);
    await publisher.publish(await frameOf(4, 1_000_000_001));
    expect(publisher.marks.get(DEVICE)).toBe(2_000_000_000);
    await publisher.publish(await frameOf(1, 2_000_000_001));
    expect(publisher.marks.get(DEVICE)).toBe(2_000_000_001);
  });

  it('fails on command with the right codes and transience', async () => {
    const publisher = createMemoryPublisher({ timeoutMs: 5 });
    const frame = await frameOf(2);
    publisher.inject({ kind: 'transient' }, { kind: 'permanent' }, { kind: 'stall' }, { kind: 'dropConnection' });
    const codes: Array<[string, boolean]> = [];
    for (let i = 0; i < 4; i++) {
      const error = await publishError(publisher.publish(frame));
      codes.push([error.code, error.transient]);
    }
    expect(codes).toEqual([
      ['UNAVAILABLE', true],
      ['UNAUTHORIZED', false],
      ['TIMEOUT', true],
      ['DISCONNECTED', true],
    ]);
    expect(publisher.connectionState).toBe('offline');
    expect((await publishError(publisher.publish(frame))).code).toBe('UNAVAILABLE');
    expect(publisher.delivered).toEqual([]);
    expect(publisher.publishCalls).toBe(5);
    // Outages are met before anything is encoded: only the frame that reached the receiver
    // (dropConnection) was, once.
    expect(frame.encodes()).toBe(1);
  });

  it('refuses frames over maxFrameBytes and frames whose header disagrees', async () => {
    const frame = await frameOf(5);
    const small = createMemoryPublisher({ maxFrameBytes: frame.selfContained().bytes.length - 1 });
    const tooLarge = await publishError(small.publish(frame));
    expect([tooLarge.code, tooLarge.transient]).toEqual(['FRAME_TOO_LARGE', false]);
    const publisher = createMemoryPublisher();
    expect((await publishError(publisher.publish({ ...frame, firstSeq: 2 }))).code).toBe('REJECTED');
    expect((await publishError(publisher.publish(withBytes(frame, Uint8Array.of(1, 2, 3))))).code).toBe('REJECTED');
  });

  it('reports connection changes and CLOSED after close', async () => {
    const publisher = createMemoryPublisher();
    const states: string[] = [];
    const off = publisher.onConnectionState((state) => states.push(state));
    publisher.setConnectionState('offline');
    publisher.setConnectionState('online');
    off();
    publisher.setConnectionState('offline');
    expect(states).toEqual(['offline', 'online']);
    await publisher.close();
    expect((await publishError(publisher.publish(await frameOf(1)))).code).toBe('CLOSED');
  });
});

describe('createMemoryPublisher({ retain: false })', () => {
  it('counts frames and ops without keeping them', async () => {
    const publisher = createMemoryPublisher({ retain: false });
    const frame = await frameOf(4);
    await publisher.publish(frame);
    await publisher.publish(frame);
    expect(publisher.counts).toEqual({ frames: 2, ops: 8, bytes: 2 * frame.selfContained().bytes.length });
    expect(publisher.frames).toEqual([]);
    expect(publisher.delivered).toEqual([]);
  });
});
