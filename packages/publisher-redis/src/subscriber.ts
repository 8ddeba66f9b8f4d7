import type { Subscriber, Subscription } from '@media-sync/queue';
import { PublisherError } from '@media-sync/queue';
import type { RedisOptions } from 'ioredis';
import { connectRedis, userKeys } from './publisher.js';

export interface RedisSubscriberOptions {
  /** The subscribing device: its position in each user's stream is stored under this id. */
  readonly deviceId: string;
  /** Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Default `media-sync` (the publishers' prefix). */
  readonly prefix?: string;
  /** Connection timeout. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** Entries read per round trip. Default 100. */
  readonly batchSize?: number;
  readonly redis?: RedisOptions;
}

/**
 * Reads a user's stream from the device's stored position: every frame after it, in stream
 * order, then new ones as they are appended (`XREAD BLOCK`). The position (the last entry id
 * `onFrame` consumed) is stored in Redis beside the stream, per device, after each frame, so a
 * device that was offline resumes where it left off, on any machine. A frame is handed over
 * again only when the process stopped between consuming it and storing the position.
 */
export function createRedisSubscriber(options: RedisSubscriberOptions): Subscriber {
  const prefix = options.prefix ?? 'media-sync';
  const batchSize = options.batchSize ?? 100;
  const stops = new Set<() => Promise<void>>();
  let closed = false;

  return {
    async subscribe(userId, onFrame): Promise<Subscription> {
      if (closed) throw new PublisherError('CLOSED', 'the Redis subscriber is closed');
      const keys = userKeys(prefix, userId);
      // A connection of its own: XREAD BLOCK holds it. Commands wait for a reconnect here.
      const { redis } = connectRedis(options, { maxRetriesPerRequest: null });
      let stopped = false;
      /** The frame being handed over and its position stored; `unsubscribe` lets it finish. */
      let handing: Promise<void> = Promise.resolve();
      let cursor = (await redis.hget(keys.cursors, options.deviceId)) ?? '0';

      const loop = (async () => {
        let delay = 50;
        while (!stopped) {
          try {
            const reply = await redis.xreadBuffer('COUNT', batchSize, 'BLOCK', 1_000, 'STREAMS', keys.stream, cursor);
            for (const [, entries] of reply ?? []) {
              for (const [rawId, fields] of entries) {
                if (stopped) return;
                handing = (async () => {
                  const id = rawId.toString();
                  const bytes = fieldOf(fields, 'frame');
                  if (bytes !== undefined) await onFrame({ bytes, transportId: id });
                  cursor = id;
                  await redis.hset(keys.cursors, options.deviceId, id);
                })();
                await handing;
              }
            }
            delay = 50;
          } catch {
            if (stopped) return;
            // A dropped connection or a failing `onFrame`: start again from the stored
            // position after a capped backoff.
            await new Promise((resolve) => setTimeout(resolve, delay));
            delay = Math.min(delay * 2, 1_000);
            cursor = (await redis.hget(keys.cursors, options.deviceId).catch(() => null)) ?? cursor;
          }
        }
      })();

      const stop = async () => {
        if (stopped) return;
        stopped = true;
        stops.delete(stop);
        await handing.catch(() => undefined);
        redis.disconnect();
        await loop;
      };
      stops.add(stop);
      return { unsubscribe: stop };
    },

    async close() {
      closed = true;
      await Promise.all([...stops].map((stop) => stop()));
    },
  };
}

function fieldOf(fields: Buffer[], name: string): Uint8Array | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i]?.toString() === name) {
      const value = fields[i + 1] as Buffer;
      return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return undefined;
}
