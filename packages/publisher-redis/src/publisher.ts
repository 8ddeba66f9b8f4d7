import type { ConnectionState, PublishAck, Publisher } from '@media-sync/queue';
import { escapeUserId, PublisherError } from '@media-sync/queue';
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisPublisherOptions {
  /** `redis://[user:password@]host:port[/db]`. Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Prefix of every key. Default `media-sync`. */
  readonly prefix?: string;
  /** Largest frame accepted. Default 1 MiB (the codec's default frame limit). */
  readonly maxFrameBytes?: number;
  /** How long to wait for a connection or for the script's reply. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** Passed to ioredis last (TLS, sentinels...). */
  readonly redis?: RedisOptions;
}

export interface RedisPublisher extends Publisher {
  /** The stream of `userId`: `<prefix>.user.{<escaped userId>}.sync`. */
  streamKey(userId: string): string;
}

/** Keys of one user's stream; the hash tag keeps them in one cluster slot for the script. */
export function userKeys(prefix: string, userId: string) {
  const stream = `${prefix}.user.{${escapeUserId(userId)}}.sync`;
  return { stream, frames: `${stream}.frames`, cursors: `${stream}.cursors` };
}

/**
 * Appends the frame unless this exact frame (device and seq range) was appended before, in one
 * atomic step: a re-published frame (its ack was lost) is never in the stream twice. The frame
 * id decides, not a per-device last-seq mark: a requeued dead letter keeps its old seq, below
 * the mark, and must still be appended.
 * KEYS: stream, frames hash. ARGV: frame id, frame bytes, device id.
 */
const APPEND_ONCE = `
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return {0, existing} end
local id = redis.call('XADD', KEYS[1], '*', 'frame', ARGV[2], 'device', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], id)
return {1, id}
`;

type AppendOnce = (
  stream: string,
  frames: string,
  id: string,
  bytes: Buffer,
  deviceId: string,
) => Promise<[number, string]>;

/** Classifies what ioredis threw into the contract's codes. */
export function toPublisherError(error: unknown, timeoutMs: number): PublisherError {
  if (error instanceof PublisherError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/^(WRONGPASS|NOAUTH|NOPERM)/.test(message)) {
    return new PublisherError('UNAUTHORIZED', `Redis refused the credentials: ${message}`, { cause: error });
  }
  if (/timed out/i.test(message)) {
    return new PublisherError('TIMEOUT', `no reply from Redis within ${timeoutMs} ms`, { cause: error });
  }
  if (/^(OOM|BUSY|LOADING|MASTERDOWN|TRYAGAIN)/.test(message)) {
    return new PublisherError('BUSY', `Redis cannot take writes now: ${message}`, { cause: error });
  }
  if (/Connection is closed|ECONNRESET|EPIPE|max retries|MaxRetriesPerRequest/i.test(message)) {
    return new PublisherError('DISCONNECTED', `the Redis connection dropped: ${message}`, { cause: error });
  }
  return new PublisherError('UNAVAILABLE', `Redis is unavailable: ${message}`, { cause: error });
}

/** Builds the ioredis client both halves use: reconnects forever, never queues a command offline. */
export function connectRedis(
  options: Pick<RedisPublisherOptions, 'url' | 'timeoutMs' | 'redis'>,
  extra: RedisOptions = {},
): { redis: Redis; lastAuthError: () => Error | undefined } {
  let authError: Error | undefined;
  const redis = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
    connectTimeout: options.timeoutMs ?? 5_000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 1_000),
    ...extra,
    ...options.redis,
  });
  redis.on('error', (error: Error) => {
    if (/^(WRONGPASS|NOAUTH)/.test(error.message)) authError = error;
  });
  redis.on('ready', () => {
    authError = undefined;
  });
  return { redis, lastAuthError: () => authError };
}

/**
 * Deletes every key under `prefix` (a test run's or a demo's namespace: streams, frame ids,
 * positions), walking them with `SCAN`, never `KEYS`. Resolves with how many it deleted.
 */
export async function deleteRedisKeys(
  options: Pick<RedisPublisherOptions, 'url' | 'timeoutMs' | 'redis'> & { readonly prefix: string },
): Promise<number> {
  const { redis } = connectRedis(options, { maxRetriesPerRequest: 1, commandTimeout: options.timeoutMs ?? 5_000 });
  // The prefix is matched literally: glob characters in it are escaped.
  const pattern = `${options.prefix.replace(/[*?[\]\\]/g, '\\$&')}.*`;
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/**
 * Publishes frames to Redis Streams, one stream per user. The ack is the script's reply: the
 * frame is in the stream (as durable as the server's persistence settings make it).
 */
export function createRedisPublisher(options: RedisPublisherOptions = {}): RedisPublisher {
  const prefix = options.prefix ?? 'media-sync';
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const { redis, lastAuthError } = connectRedis(options, {
    commandTimeout: timeoutMs,
    // A command never waits for a connection nor is re-sent after one dropped: it fails, and the
    // queue, which owns retries, publishes the frame again (the script drops the copy).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  });
  redis.defineCommand('mediaSyncAppendOnce', { numberOfKeys: 2, lua: APPEND_ONCE });
  const appendOnce = (redis as unknown as { mediaSyncAppendOnce: AppendOnce }).mediaSyncAppendOnce.bind(redis);
  const listeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'offline';
  let closed = false;
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener(next);
  };
  redis.on('ready', () => setState('online'));
  redis.on('close', () => setState('offline'));

  /** Resolves once connected; a refused password is UNAUTHORIZED, anything else in time UNAVAILABLE. */
  function connected(signal: AbortSignal | undefined): Promise<void> {
    if (redis.status === 'ready') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: PublisherError) => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        redis.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => finish();
      const onError = () => {
        const auth = lastAuthError();
        if (auth) finish(toPublisherError(auth, timeoutMs));
      };
      const onAbort = () => finish(new PublisherError('ABORTED', 'publish aborted', { cause: signal?.reason }));
      const timer = setTimeout(
        () => finish(new PublisherError('UNAVAILABLE', `no Redis connection within ${timeoutMs} ms`)),
        timeoutMs,
      );
      redis.on('ready', onReady);
      redis.on('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      onError();
    });
  }

  return {
    name: 'redis',
    capabilities: { sessionContext: false, dedupe: true },
    maxFrameBytes,
    get connectionState() {
      return state;
    },
    streamKey: (userId) => userKeys(prefix, userId).stream,

    async publish(frame, publishOptions): Promise<PublishAck> {
      const signal = publishOptions?.signal;
      if (closed) throw new PublisherError('CLOSED', 'the Redis publisher is closed');
      if (signal?.aborted) throw new PublisherError('ABORTED', 'publish aborted', { cause: signal.reason });
      const { bytes, metrics } = frame.selfContained();
      if (bytes.length > maxFrameBytes) {
        throw new PublisherError('FRAME_TOO_LARGE', `frame of ${bytes.length} bytes is over ${maxFrameBytes}`);
      }
      await connected(signal);
      const keys = userKeys(prefix, frame.userId);
      const frameId = `${frame.deviceId}:${frame.firstSeq}-${frame.lastSeq}`;
      try {
        const [appended] = await appendOnce(
          keys.stream,
          keys.frames,
          frameId,
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          frame.deviceId,
        );
        return { duplicate: appended === 0, rejected: [], metrics };
      } catch (error) {
        throw toPublisherError(error, timeoutMs);
      }
    },

    onConnectionState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      redis.disconnect();
      setState('offline');
    },
  };
}
