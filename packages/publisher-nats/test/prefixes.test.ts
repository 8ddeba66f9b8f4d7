import { randomUUID } from 'node:crypto';
import { sampleFrame, suiteCodec } from '@media-sync/publisher-conformance';
import { connect } from 'nats';
import { describe, expect, inject, it } from 'vitest';
import { createNatsPublisher, createNatsSubscriber, deleteNatsStream, natsNames } from '../src/index.js';

const { endpoint, missing } = inject('nats');
const servers = `nats://${endpoint?.host}:${endpoint?.port}`;

describe.skipIf(missing !== undefined)('two prefixes that differ only where the stream name once had `_`', () => {
  it('each gets a stream of its own, and each prefix’s subscriber reads only its own frames', async () => {
    const codec = await suiteCodec();
    const base = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    // Both were stream `<base>_x` before: the second prefix's publishes found no stream for its subjects.
    const prefixes = [`${base}.x`, `${base}_x`] as const;
    const publishers = prefixes.map((prefix) => createNatsPublisher({ servers, prefix, timeoutMs: 5_000 }));
    const subscribers = prefixes.map((prefix) =>
      createNatsSubscriber({ servers, prefix, deviceId: 'tv', timeoutMs: 5_000 }),
    );
    const nc = await connect({ servers });
    try {
      for (const seq of [1, 2]) {
        for (const [i, publisher] of publishers.entries()) {
          const ack = await publisher.publish(sampleFrame(codec, 'u', `device-${i}`, seq));
          expect(ack.duplicate).toBe(false);
        }
      }
      const received = await Promise.all(
        subscribers.map(async (subscriber) => {
          const ops: string[] = [];
          let done = () => {};
          const two = new Promise<void>((resolve) => {
            done = resolve;
          });
          await subscriber.subscribe('u', ({ bytes }) => {
            for (const op of codec.decodeFrame(bytes, { userId: 'u' }).ops) ops.push(`${op.deviceId}#${op.seq}`);
            if (ops.length >= 2) done();
          });
          await Promise.race([two, new Promise((resolve) => setTimeout(resolve, 10_000))]);
          return ops;
        }),
      );
      expect(received).toEqual([
        ['device-0#1', 'device-0#2'],
        ['device-1#1', 'device-1#2'],
      ]);
      const manager = await nc.jetstreamManager();
      const stored = await Promise.all(
        prefixes.map(async (prefix) => (await manager.streams.info(natsNames(prefix).stream)).state.messages),
      );
      expect(prefixes.map((prefix) => natsNames(prefix).stream)).toEqual([`${base}_2Ex`, `${base}_5Fx`]);
      expect(stored).toEqual([2, 2]);
    } finally {
      await nc.close();
      await Promise.all(subscribers.map((subscriber) => subscriber.close()));
      await Promise.all(publishers.map((publisher) => publisher.close()));
      await Promise.all(prefixes.map((prefix) => deleteNatsStream({ servers, prefix })));
    }
  }, 30_000);
});
