import type { Subscriber, Subscription } from '@media-sync/queue';
import { ConfigError, PublisherError } from '@media-sync/queue';
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
  /**
   * Called when frames the device had not read yet were trimmed from the stream (retention:
   * the publishers' `maxLen`, `maxAgeMs`), before the first frame after them is handed over.
   * The device's state misses them: rebuild it from another source (a snapshot, the gateway)
   * here. Once it resolves the position moves past the gap, and the gap is not reported again;
   * if it rejects, it is called again shortly, like a failed `onFrame`.
   */
  readonly onGap: (gap: RedisStreamGap) => void | Promise<void>;
}

/** Frames of a user's stream trimmed away after the device's position, before it read them. */
export interface RedisStreamGap {
  readonly userId: string;
  readonly deviceId: string;
  /** The last entry the device consumed (`0` when none). */
  readonly afterId: string;
  /** The first entry after the gap: the next `onFrame`'s `transportId`. */
  readonly nextId: string;
  /** How many frames were trimmed in between. */
  readonly missedFrames: number;
}

/**
 * A device's stored position: the last entry id it consumed, and that entry's ordinal `n` when
 * known (`<id> <n>`; a position stored by an earlier version is the id alone).
 */
interface Position {
  readonly id: string;
  readonly ordinal: number | undefined;
}

const START: Position = { id: '0', ordinal: 0 };

function parsePosition(text: string | null): Position {
  if (text === null) return START;
  const [id = '0', ordinal] = text.split(' ');
  return { id, ordinal: ordinal !== undefined && /^\d+$/.test(ordinal) ? Number(ordinal) : undefined };
}

function formatPosition(position: Position): string {
  return position.ordinal === undefined ? position.id : `${position.id} ${position.ordinal}`;
}

/**
 * Reads a user's stream from the device's stored position: every frame after it, in stream
 * order, then new ones as they are appended (`XREAD BLOCK`). The position (the last entry id
 * `onFrame` consumed) is stored in Redis beside the stream, per device, after each frame, so a
 * device that was offline resumes where it left off, on any machine. A frame is handed over
 * again only when the process stopped between consuming it and storing the position. Frames
 * trimmed away before the device read them are reported to `onGap`, never skipped silently.
 */
export function createRedisSubscriber(options: RedisSubscriberOptions): Subscriber {
  if (typeof options.onGap !== 'function') {
    throw new ConfigError(
      'INVALID_OPTION',
      'onGap',
      typeof options.onGap,
      'a function, called with the frames trimmed away before the device read them',
    );
  }
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
      let position = parsePosition(await redis.hget(keys.cursors, options.deviceId));

      /** Reports a gap before entry `id` when its ordinal says frames were trimmed since the position. */
      const reportGap = async (id: string, ordinal: number | undefined) => {
        if (ordinal === undefined || position.ordinal === undefined || ordinal <= position.ordinal + 1) return;
        await options.onGap({
          userId,
          deviceId: options.deviceId,
          afterId: position.id,
          nextId: id,
          missedFrames: ordinal - position.ordinal - 1,
        });
        // Reported: the position stands past the gap, so a retry (a failing `onFrame`) does not report it again.
        position = { id: position.id, ordinal: ordinal - 1 };
        await redis.hset(keys.cursors, options.deviceId, formatPosition(position));
      };

      const loop = (async () => {
        let delay = 50;
        while (!stopped) {
          try {
            const reply = await redis.xreadBuffer(
              'COUNT',
              batchSize,
              'BLOCK',
              1_000,
              'STREAMS',
              keys.stream,
              position.id,
            );
            for (const [, entries] of reply ?? []) {
              for (const [rawId, fields] of entries) {
                if (stopped) return;
                handing = (async () => {
                  const id = rawId.toString();
                  const ordinal = ordinalOf(fields);
                  await reportGap(id, ordinal);
                  const bytes = fieldOf(fields, 'frame');
                  if (bytes !== undefined) await onFrame({ bytes, transportId: id });
                  position = { id, ordinal };
                  await redis.hset(keys.cursors, options.deviceId, formatPosition(position));
                })();
                await handing;
              }
            }
            delay = 50;
          } catch {
            if (stopped) return;
            // A dropped connection or a failing `onFrame` or `onGap`: start again from the stored
            // position after a capped backoff.
            await new Promise((resolve) => setTimeout(resolve, delay));
            delay = Math.min(delay * 2, 1_000);
            const stored = await redis.hget(keys.cursors, options.deviceId).catch(() => undefined);
            if (stored !== undefined) position = parsePosition(stored);
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

/** The entry's ordinal among the frames ever appended (`n`); undefined for entries of earlier versions. */
function ordinalOf(fields: Buffer[]): number | undefined {
  const bytes = fieldOf(fields, 'n');
  const text = bytes === undefined ? '' : Buffer.from(bytes).toString();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
