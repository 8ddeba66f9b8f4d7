import { CodecError, createCodec } from '@media-sync/codec';
import type { EncodedFrame, IncomingFrame, OutgoingFrame } from '@media-sync/queue';
import { describe, expect, it } from 'vitest';
import { createMemoryBroker, createMemoryPublisher, createMemorySubscriber } from '../src/index.js';

const USER = 'user-1';
const DEVICE = 'phone-1';
const T0 = 1_790_000_000_000;

/** A one-op frame as the queue builds it: user-bound, its channel (the user's log) names the user. */
async function boundFrame(seq: number): Promise<OutgoingFrame> {
  const codec = await createCodec();
  const ops = [
    {
      deviceId: DEVICE,
      seq,
      hlc: { physicalMs: T0 + seq, logical: 0, nodeId: DEVICE },
      op: { type: 'watchlistAdd' as const, userId: USER, contentId: `tt${seq}`, timestamp: T0 + seq },
    },
  ];
  let encoded: EncodedFrame | undefined;
  return {
    deviceId: DEVICE,
    userId: USER,
    firstSeq: seq,
    lastSeq: seq,
    ops,
    skipped: [],
    selfContained() {
      encoded ??= codec.encodeFrame(DEVICE, ops, { userId: USER, bindUser: true });
      return encoded;
    },
  };
}

/** Resolves once `condition` holds (checked every few ms); rejects after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('createMemorySubscriber: a failing onFrame is never lost without a trace', () => {
  it('without onError, stopping while a frame is unconsumed rejects with its error (a decode without the user)', async () => {
    const broker = createMemoryBroker();
    await createMemoryPublisher({ broker }).publish(await boundFrame(1));
    const codec = await createCodec();
    const tv = createMemorySubscriber({ broker, deviceId: 'tv-1' });
    const decoded: string[] = [];
    await tv.subscribe(USER, ({ bytes }) => {
      // The README example's mistake: a user-bound frame decoded without its channel's user.
      decoded.push(...codec.decodeFrame(bytes).ops.map((op) => op.op.type));
    });
    const error = await tv.close().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(decoded).toEqual([]);
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).code).toBe('USER_REQUIRED');
  });

  it('onError receives each failure and its frame; the frame is handed over again until consumed', async () => {
    const broker = createMemoryBroker();
    await createMemoryPublisher({ broker }).publish(await boundFrame(1));
    const failures: { error: unknown; frame: IncomingFrame }[] = [];
    const tv = createMemorySubscriber({
      broker,
      deviceId: 'tv-1',
      onError: (error, frame) => failures.push({ error, frame }),
    });
    let calls = 0;
    let consumed = 0;
    const subscription = await tv.subscribe(USER, async () => {
      calls += 1;
      if (calls <= 2) throw new Error(`attempt ${calls} failed`);
      consumed += 1;
    });
    await until(() => consumed === 1);
    expect(failures.map(({ error }) => (error as Error).message)).toEqual(['attempt 1 failed', 'attempt 2 failed']);
    expect(failures.map(({ frame }) => frame.transportId)).toEqual(['0', '0']);
    expect(failures[0]?.frame.bytes).toEqual(broker.frames(USER)[0]);
    // Consumed in the end: stopping is clean.
    await expect(subscription.unsubscribe()).resolves.toBeUndefined();
  });

  it('a frame that failed and then was consumed leaves nothing to report; the position survives a stop', async () => {
    const broker = createMemoryBroker();
    const publisher = createMemoryPublisher({ broker });
    await publisher.publish(await boundFrame(1));
    let fail = true;
    const seen: string[] = [];
    const first = createMemorySubscriber({ broker, deviceId: 'tv-1' });
    await first.subscribe(USER, ({ transportId }) => {
      if (fail) {
        fail = false;
        throw new Error('once');
      }
      seen.push(transportId ?? '');
    });
    await until(() => seen.length === 1);
    await expect(first.close()).resolves.toBeUndefined();
    await publisher.publish(await boundFrame(2));
    const again = createMemorySubscriber({ broker, deviceId: 'tv-1' });
    await again.subscribe(USER, ({ transportId }) => {
      seen.push(transportId ?? '');
    });
    await until(() => seen.length === 2);
    await again.close();
    expect(seen).toEqual(['0', '1']);
  });
});
