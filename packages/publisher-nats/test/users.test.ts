import { randomUUID } from 'node:crypto';
import { sampleFrame, suiteCodec } from '@media-sync/publisher-conformance';
import { describe, expect, inject, it } from 'vitest';
import { createNatsPublisher, createNatsSubscriber, deleteNatsStream, natsMsgId } from '../src/index.js';

const { endpoint, missing } = inject('nats');
const servers = `nats://${endpoint?.host}:${endpoint?.port}`;

describe('Nats-Msg-Id', () => {
  it('names the user, so two users’ devices with one id never share an id; escaped ids keep it unambiguous', () => {
    expect(natsMsgId('alice', 'tv', 1, 3)).not.toBe(natsMsgId('bob', 'tv', 1, 3));
    expect(natsMsgId('a:b', 'c', 1, 1)).not.toBe(natsMsgId('a', 'b:c', 1, 1));
    expect(natsMsgId('u.1', 'tv', 4, 9)).toBe('u%2E1:tv:4-9');
  });
});

describe.skipIf(missing !== undefined)('two users whose devices share an id', () => {
  it('each user’s frame is stored and reaches that user’s subscriber; a re-published frame is still dropped', async () => {
    const codec = await suiteCodec();
    const prefix = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const publisher = createNatsPublisher({ servers, prefix, timeoutMs: 5_000 });
    const subscriber = createNatsSubscriber({ servers, prefix, deviceId: 'phone', timeoutMs: 5_000 });
    try {
      const alice = await publisher.publish(sampleFrame(codec, 'alice', 'tv', 1));
      // Before: the server took Bob's frame for a copy of Alice's (same device id and seqs) and dropped it.
      const bob = await publisher.publish(sampleFrame(codec, 'bob', 'tv', 1));
      expect([alice.duplicate, bob.duplicate]).toEqual([false, false]);
      expect((await publisher.publish(sampleFrame(codec, 'bob', 'tv', 1))).duplicate).toBe(true);
      const users: string[] = [];
      await subscriber.subscribe('bob', ({ bytes }) => {
        // Bob's subject names the user of its (user-bound) frames: Alice's would fail their checksum.
        for (const { op } of codec.decodeFrame(bytes, { userId: 'bob' }).ops) if ('userId' in op) users.push(op.userId);
      });
      const deadline = Date.now() + 10_000;
      while (users.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(users).toEqual(['bob']);
    } finally {
      await subscriber.close();
      await publisher.close();
      await deleteNatsStream({ servers, prefix });
    }
  }, 30_000);
});
