import { randomUUID } from 'node:crypto';
import { sampleFrame, suiteCodec } from '@media-sync/publisher-conformance';
import { PublisherError } from '@media-sync/queue';
import fc from 'fast-check';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelOf, createPubNubPublisher, createPubNubSubscriber, memoryPositions, splitFrame } from '../src/index.js';
import { type PubNubStandIn, startPubNubStandIn } from '../src/stand-in.js';

let standIn: PubNubStandIn;
beforeAll(async () => {
  standIn = await startPubNubStandIn({ longPollMs: 1_000 });
});
afterAll(async () => {
  await standIn.close();
});

const LIMIT = 32 * 1024;
const keys = () => {
  const id = randomUUID().slice(0, 8);
  return { publishKey: `pub-${id}`, subscribeKey: `sub-${id}` };
};
const local = () => ({ origin: standIn.origin, ssl: false, timeoutMs: 2_000 });

function waitFor(condition: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}

describe('channel names', () => {
  it('are user.<escaped id>.sync, one per user id', () => {
    expect(channelOf('u.1')).toBe('user.u%2E1.sync');
    expect(channelOf('a,b:c*d/e')).toBe('user.a%2Cb%3Ac%2Ad%2Fe.sync');
  });
});

describe('splitFrame', () => {
  it('keeps every part within the message limit, channel included, and puts back the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200_000 }), fc.string({ maxLength: 60 }), (bytes, userId) => {
        const channel = channelOf(userId);
        const parts = splitFrame(bytes, 'phone:1-9', 'a1b2c3d4', channel, LIMIT);
        for (const part of parts) {
          expect(Buffer.byteLength(JSON.stringify(part)) + Buffer.byteLength(channel)).toBeLessThanOrEqual(LIMIT);
          expect(part.n).toBe(parts.length);
        }
        const joined = Buffer.concat(parts.map((part) => Buffer.from(part.d, 'base64')));
        expect(joined.equals(Buffer.from(bytes))).toBe(true);
        // Never more parts than needed: all but the last are nearly full.
        for (const part of parts.slice(0, -1)) expect(JSON.stringify(part).length).toBeGreaterThan(LIMIT - 200);
      }),
      { numRuns: 50 },
    );
  });
});

describe('against the stand-in', () => {
  it('a message over 32 KiB is refused by the service: FRAME_TOO_LARGE, so the split matters', async () => {
    const codec = await suiteCodec();
    const frame = sampleFrame(codec, 'u', 'phone', 1, 300, 200);
    expect(frame.selfContained().bytes.length).toBeGreaterThan(LIMIT);
    const unsplit = createPubNubPublisher({ ...keys(), ...local(), maxMessageBytes: 10 * LIMIT });
    try {
      const error = await unsplit.publish(frame).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PublisherError);
      expect((error as PublisherError).code).toBe('FRAME_TOO_LARGE');
    } finally {
      await unsplit.close();
    }
  });

  it('a frame over the limit goes as several messages, each under it, and arrives whole', async () => {
    const codec = await suiteCodec();
    const keySet = keys();
    const frame = sampleFrame(codec, 'u', 'phone', 1, 400, 200);
    const publisher = createPubNubPublisher({ ...keySet, ...local() });
    const subscriber = createPubNubSubscriber({ ...keySet, ...local(), deviceId: 'tv' });
    const received: Uint8Array[] = [];
    try {
      await subscriber.subscribe('u', ({ bytes }) => {
        received.push(bytes);
      });
      await publisher.publish(frame);
      const stored = standIn.messages(keySet.subscribeKey, channelOf('u'));
      const expected = Math.ceil(frame.selfContained().bytes.length / 24_000);
      expect(stored.length).toBeGreaterThanOrEqual(expected);
      for (const { message } of stored) {
        expect(Buffer.byteLength(JSON.stringify(message)) + channelOf('u').length).toBeLessThanOrEqual(LIMIT);
      }
      await waitFor(() => received.length === 1, 'the frame');
      expect(Buffer.from(received[0] as Uint8Array).equals(Buffer.from(frame.selfContained().bytes))).toBe(true);
    } finally {
      await Promise.all([publisher.close(), subscriber.close()]);
    }
  });

  it('a frame left incomplete keeps the stored position before its first part until it is whole', async () => {
    const keySet = keys();
    const channel = channelOf('u');
    const raw = new PubNub({
      ...keySet,
      userId: 'raw',
      origin: standIn.origin,
      ssl: false,
      logLevel: PubNub.LogLevel.None,
    });
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    const parts = splitFrame(bytes, 'phone:1-1', 'attempt1', channel, 120 + channel.length);
    expect(parts.length).toBeGreaterThan(2);
    const positions = memoryPositions();
    const received: Buffer[] = [];
    const subscriber = () =>
      createPubNubSubscriber({ ...keySet, ...local(), deviceId: 'tv', positions, pollIntervalMs: 100 });
    const first = subscriber();
    try {
      await first.subscribe('u', ({ bytes: got }) => {
        received.push(Buffer.from(got));
      });
      await raw.publish({ channel, message: parts[0] as unknown as PubNub.Payload });
      await raw.publish({ channel, message: parts[1] as unknown as PubNub.Payload });
      // Junk on the channel (not a part, a part out of range) is skipped, never handed over.
      await raw.publish({ channel, message: { hello: 'world' } });
      await raw.publish({ channel, message: { ...parts[1], i: 7, n: 3 } as unknown as PubNub.Payload });
      const stored = standIn.messages(keySet.subscribeKey, channel);
      await waitFor(() => positions.load('u', 'tv') !== undefined, 'a stored position');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received).toEqual([]);
      expect(BigInt(positions.load('u', 'tv') as string)).toBe(BigInt(stored[0]?.timetoken as string) - 1n);
      await first.close();
      for (const part of parts.slice(2)) await raw.publish({ channel, message: part as unknown as PubNub.Payload });
      const second = subscriber();
      await second.subscribe('u', ({ bytes: got }) => {
        received.push(Buffer.from(got));
      });
      await waitFor(() => received.length === 1, 'the whole frame');
      expect(received[0]?.equals(bytes)).toBe(true);
      await waitFor(
        () => positions.load('u', 'tv') === standIn.messages(keySet.subscribeKey, channel).at(-1)?.timetoken,
        'the position past the last part',
      );
      await second.close();
    } finally {
      raw.destroy(true);
      await first.close();
    }
  });

  it('measures the overhead: base64 and the envelope on top of the frame, the SDK deflating the body', async () => {
    const codec = await suiteCodec();
    const publisher = createPubNubPublisher({ ...keys(), ...local() });
    try {
      const before = standIn.publishedBytes;
      let frameBytes = 0;
      for (let i = 0; i < 20; i++) {
        const frame = sampleFrame(codec, 'u', 'phone', 1 + i * 50, 50);
        frameBytes += frame.selfContained().bytes.length;
        await publisher.publish(frame);
      }
      const wire = standIn.publishedBytes - before;
      // Base64 alone is 4/3; the deflated body must not cost more than base64 plus its envelope.
      expect(wire).toBeGreaterThan(frameBytes * 0.5);
      expect(wire).toBeLessThan((frameBytes * 4) / 3 + 20 * 120);
    } finally {
      await publisher.close();
    }
  });
});
