import { randomUUID } from 'node:crypto';
import { sampleFrame, suiteCodec } from '@media-sync/publisher-conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPubNubPublisher, createPubNubSubscriber } from '../src/index.js';
import { type PubNubStandIn, startPubNubStandIn } from '../src/stand-in.js';

let standIn: PubNubStandIn;
beforeAll(async () => {
  standIn = await startPubNubStandIn({ longPollMs: 1_000 });
});
afterAll(async () => {
  await standIn.close();
});

describe('a frame put together from parts', () => {
  it('is dropped once its parts exceed the subscriber’s maxFrameBytes; the frames after it still arrive', async () => {
    const codec = await suiteCodec();
    const id = randomUUID().slice(0, 8);
    const keySet = { publishKey: `pub-${id}`, subscribeKey: `sub-${id}` };
    const local = { origin: standIn.origin, ssl: false, timeoutMs: 2_000 };
    // Small messages: the larger frame goes as several parts.
    const publisher = createPubNubPublisher({ ...keySet, ...local, maxMessageBytes: 1_024 });
    const subscriber = createPubNubSubscriber({ ...keySet, ...local, deviceId: 'tv', maxFrameBytes: 3_000 });
    const big = sampleFrame(codec, 'u', 'phone', 1, 30, 200);
    const small = sampleFrame(codec, 'u', 'phone', 31);
    expect(big.selfContained().bytes.length).toBeGreaterThan(3_000);
    const seqs: number[] = [];
    try {
      await subscriber.subscribe('u', ({ bytes }) => {
        seqs.push(...codec.decodeFrame(bytes, { userId: 'u' }).ops.map((op) => op.seq));
      });
      await publisher.publish(big);
      await publisher.publish(small);
      const deadline = Date.now() + 8_000;
      while (!seqs.includes(31) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // Before, every part was kept whatever the total, and the larger frame was handed over.
      expect(seqs).toEqual([31]);
    } finally {
      await Promise.all([publisher.close(), subscriber.close()]);
    }
  }, 20_000);
});
