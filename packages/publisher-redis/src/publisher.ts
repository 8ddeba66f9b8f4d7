import type { ConnectionState, PublishAck, Publisher } from '@media-sync/queue';
import { ConfigError, escapeUserId, PublisherError } from '@media-sync/queue';
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
  /**
   * Entries kept per user's stream, about (`XTRIM MAXLEN ~`: Redis trims whole nodes of
   * `stream-node-max-entries`, 100 by default, so up to that many more stay). `Infinity`: no
   * bound by count. Default 10 000.
   */
  readonly maxLen?: number;
  /**
   * Entries older than this are trimmed when the user's next frame is appended (`XTRIM MINID ~`
   * at the server's time less `maxAgeMs`; whole nodes, like `maxLen`). `Infinity`: no bound by
   * age. Default 7 days.
   */
  readonly maxAgeMs?: number;
  /** Passed to ioredis last (TLS, sentinels...). */
  readonly redis?: RedisOptions;
}

/** Default `maxLen`: entries kept per user's stream. */
export const DEFAULT_MAX_LEN = 10_000;
/** Default `maxAgeMs`: 7 days. */
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export interface RedisPublisher extends Publisher {
  /** The stream of `userId`: `<prefix>.user.{<escaped userId>}.sync`. */
  streamKey(userId: string): string;
}

/** Keys of one user's stream; the hash tag keeps them in one cluster slot for the script. */
export function userKeys(prefix: string, userId: string) {
  const stream = `${prefix}.user.{${escapeUserId(userId)}}.sync`;
  return {
    stream,
    /** Sorted set: frame id scored by its entry's ordinal `n`, trimmed with the stream. */
    frameIds: `${stream}.frame-ids`,
    /** Counter: frames ever appended; each entry carries its ordinal (`n`) so readers see trimmed ones. */
    appended: `${stream}.appended`,
    cursors: `${stream}.cursors`,
    /** The untrimmed frame id → entry id hash of earlier versions, deleted by the next append. */
    legacyFrames: `${stream}.frames`,
  };
}

/**
 * Appends the frame unless this exact frame (device and seq range) is still in the stream, in
 * one atomic step: a re-published frame (its ack was lost) is never in the stream twice. The
 * frame id decides, not a per-device last-seq mark: a requeued dead letter keeps its old seq,
 * below the mark, and must still be appended.
 *
 * Then trims the stream (by age, then by count; whole nodes, `~`) and drops the ids of the
 * frames trimmed away: every id scored below the ordinal of the first entry left. A frame
 * id lives exactly as long as its entry, so the index never outgrows the stream, and a frame
 * re-sent after its entry was trimmed is appended again (receivers drop it by (deviceId, seq)).
 * Each entry carries `n`, its ordinal among the frames ever appended to the stream: a reader
 * whose next entry is not the one after its last sees how many were trimmed in between.
 *
 * KEYS: stream, frame ids, appended counter, legacy frames hash.
 * ARGV: frame id, frame bytes, device id, maxLen (0: none), maxAgeMs (0: none).
 * Returns 1 when appended, 0 for a duplicate.
 */
const APPEND_ONCE = `
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
local ordinal = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[1], '*', 'frame', ARGV[2], 'device', ARGV[3], 'n', ordinal)
redis.call('ZADD', KEYS[2], ordinal, ARGV[1])
local trimmed = 0
local maxAge = tonumber(ARGV[5])
if maxAge > 0 then
  local now = redis.call('TIME')
  local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - maxAge
  trimmed = trimmed + redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%.0f', oldest))
end
local maxLen = tonumber(ARGV[4])
if maxLen > 0 then
  trimmed = trimmed + redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', maxLen)
end
if trimmed > 0 then
  local fields = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1][2]
  for i = 1, #fields, 2 do
    if fields[i] == 'n' then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. fields[i + 1]) end
  end
end
redis.call('UNLINK', KEYS[4])
return 1
`;

type AppendOnce = (
  stream: string,
  frameIds: string,
  appended: string,
  legacyFrames: string,
  frameId: string,
  bytes: Buffer,
  deviceId: string,
  maxLen: number,
  maxAgeMs: number,
) => Promise<number>;

/** A retention bound: a positive whole number, or `Infinity` for none (sent to the script as 0). */
function retentionBound(name: 'maxLen' | 'maxAgeMs', value: number): number {
  if (value === Number.POSITIVE_INFINITY) return 0;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError('INVALID_OPTION', name, value, 'a positive whole number, or Infinity for no bound');
  }
  return value;
}

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
  const maxLen = retentionBound('maxLen', options.maxLen ?? DEFAULT_MAX_LEN);
  const maxAgeMs = retentionBound('maxAgeMs', options.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
  const { redis, lastAuthError } = connectRedis(options, {
    commandTimeout: timeoutMs,
    // A command never waits for a connection nor is re-sent after one dropped: it fails, and the
    // queue, which owns retries, publishes the frame again (the script drops the copy).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  });
  redis.defineCommand('mediaSyncAppendOnce', { numberOfKeys: 4, lua: APPEND_ONCE });
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
        const appended = await appendOnce(
          keys.stream,
          keys.frameIds,
          keys.appended,
          keys.legacyFrames,
          frameId,
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          frame.deviceId,
          maxLen,
          maxAgeMs,
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
