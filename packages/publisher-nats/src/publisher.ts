import type { ConnectionState, PublishAck, Publisher } from '@media-sync/queue';
import { ConfigError, escapeUserId, PublisherError } from '@media-sync/queue';
import {
  type ConnectionOptions,
  connect,
  headers,
  type JetStreamManager,
  type NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';

export interface NatsPublisherOptions {
  /** `nats://[user:password@]host:port`, or several. Default `nats://127.0.0.1:4222`. */
  readonly servers?: string | readonly string[];
  /**
   * Subjects are `<prefix>.user.<escaped userId>.sync`; the stream is named after the prefix
   * (`natsNames`). Default `media-sync`. A prefix no subject can hold throws `ConfigError`.
   */
  readonly prefix?: string;
  /** Largest frame accepted. Default 1 MiB − 4 KiB (NATS' default max_payload, minus the headers). */
  readonly maxFrameBytes?: number;
  /** How long to wait for a connection or for the PubAck. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** How long JetStream remembers a `Nats-Msg-Id` to drop a copy. Default 2 minutes (the server's). */
  readonly duplicateWindowMs?: number;
  /** Passed to `connect` last (credentials, TLS...). */
  readonly connection?: ConnectionOptions;
}

export interface NatsPublisher extends Publisher {
  /** The subject of `userId`'s frames. */
  subjectOf(userId: string): string;
}

/** The longest stream name the server accepts. */
const MAX_STREAM_NAME = 255;

/**
 * A prefix the subjects cannot hold: empty, an empty token (`a..b`, `.a`, `a.`), whitespace, a
 * wildcard (`*`, `>`), a control character, or a lone surrogate (UTF-8 cannot carry it, so
 * `\uD800` and `\uDC00` would both become U+FFFD and share a subject).
 */
const INVALID_PREFIX = /^\.|\.\.|\.$|[\s*>\p{Cc}\p{Cs}]/u;

/**
 * The stream of a prefix. Stream names allow neither `.` nor the rest of what a subject
 * allows, so everything outside `[A-Za-z0-9-]`, `_` included, becomes `_XX` per UTF-8 byte:
 * `a.b` → `a_2Eb`, `a_b` → `a_5Fb`. Since `_` only ever starts an escape, two prefixes never
 * share a stream, and a prefix of letters, digits and `-` (the default `media-sync`) is its own
 * stream name, as before.
 */
function streamNameOf(prefix: string): string {
  return Array.from(new TextEncoder().encode(prefix), (byte) =>
    /[A-Za-z0-9-]/.test(String.fromCharCode(byte))
      ? String.fromCharCode(byte)
      : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}

/**
 * The names one prefix uses on the server. Throws `ConfigError` `INVALID_OPTION` for a prefix
 * that no subject or stream can hold (see `INVALID_PREFIX`, and a stream name over 255 bytes).
 */
export function natsNames(prefix: string) {
  const stream = streamNameOf(prefix);
  if (prefix === '' || INVALID_PREFIX.test(prefix)) {
    throw new ConfigError(
      'INVALID_OPTION',
      'prefix',
      prefix,
      'NATS subject tokens separated by single dots, without whitespace, control characters, `*` or `>`',
    );
  }
  if (stream.length > MAX_STREAM_NAME) {
    throw new ConfigError(
      'INVALID_OPTION',
      'prefix',
      prefix,
      `a prefix whose stream name (${stream.length} characters once escaped) fits in ${MAX_STREAM_NAME}`,
    );
  }
  return {
    stream,
    subjects: `${prefix}.user.*.sync`,
    subjectOf: (userId: string) => `${prefix}.user.${escapeUserId(userId)}.sync`,
  };
}

/**
 * The `Nats-Msg-Id` of a frame: `<escaped userId>:<deviceId>:<firstSeq>-<lastSeq>`. The server
 * dedupes per stream, and one stream holds every user's subject: device ids are chosen per user
 * ("tv" in two homes), so without the user a frame of one user's "tv" was dropped as a copy of
 * another user's. The escaped user id has no `:`, so the first `:` ends it.
 */
export function natsMsgId(userId: string, deviceId: string, firstSeq: number, lastSeq: number): string {
  return `${escapeUserId(userId)}:${deviceId}:${firstSeq}-${lastSeq}`;
}

/** What nats.js threw, as the contract's codes. */
export function toPublisherError(error: unknown, timeoutMs: number): PublisherError {
  if (error instanceof PublisherError) return error;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'AUTHORIZATION_VIOLATION' || code === 'AUTHENTICATION_EXPIRED' || /authorization/i.test(message)) {
    return new PublisherError('UNAUTHORIZED', `NATS refused the credentials: ${message}`, { cause: error });
  }
  if (code === 'TIMEOUT' || /timeout/i.test(message)) {
    return new PublisherError('TIMEOUT', `no PubAck within ${timeoutMs} ms`, { cause: error });
  }
  if (code === 'MAX_PAYLOAD_EXCEEDED') {
    return new PublisherError('FRAME_TOO_LARGE', `over the server's max_payload: ${message}`, { cause: error });
  }
  if (code === 'DISCONNECT' || code === 'CONNECTION_CLOSED' || code === 'CONNECTION_DRAINING') {
    return new PublisherError('DISCONNECTED', `the NATS connection dropped: ${message}`, { cause: error });
  }
  return new PublisherError('UNAVAILABLE', `NATS JetStream is unavailable: ${message}`, { cause: error });
}

/** Creates the stream over the prefix's user subjects, or leaves an existing one as it is. */
export async function ensureStream(manager: JetStreamManager, prefix: string, duplicateWindowMs: number) {
  const names = natsNames(prefix);
  try {
    await manager.streams.info(names.stream);
  } catch {
    await manager.streams.add({
      name: names.stream,
      subjects: [names.subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(duplicateWindowMs),
    });
  }
}

/**
 * Deletes the stream of `prefix`, with every frame and durable consumer in it (a test run's or
 * a demo's namespace). Resolves false when there was no such stream.
 */
export async function deleteNatsStream(
  options: Pick<NatsPublisherOptions, 'servers' | 'timeoutMs' | 'connection'> & { readonly prefix: string },
): Promise<boolean> {
  const { stream } = natsNames(options.prefix);
  const nc = await lazyConnection(options).get();
  try {
    const manager = await nc.jetstreamManager({ timeout: options.timeoutMs ?? 5_000 });
    return await manager.streams.delete(stream).catch(() => false);
  } finally {
    await settledWithin(nc.close(), options.timeoutMs ?? 5_000);
  }
}

/** Connects on demand, with one attempt at a time; `reset` after a failure lets the next call try again. */
export function lazyConnection(options: Pick<NatsPublisherOptions, 'servers' | 'timeoutMs' | 'connection'>) {
  let pending: Promise<NatsConnection> | undefined;
  return {
    get(): Promise<NatsConnection> {
      pending ??= connect({
        servers: (options.servers ?? 'nats://127.0.0.1:4222') as string | string[],
        timeout: options.timeoutMs ?? 5_000,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        ...options.connection,
      }).catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
    current: () => pending,
  };
}

/**
 * Publishes frames to JetStream. `Nats-Msg-Id` is `<escaped userId>:<deviceId>:<firstSeq>-<lastSeq>`, so the
 * server drops a copy published within the stream's duplicate window; the ack is the PubAck
 * (the frame is stored in the stream, file storage, replicated as the stream is configured).
 */
export function createNatsPublisher(options: NatsPublisherOptions = {}): NatsPublisher {
  const prefix = options.prefix ?? 'media-sync';
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024 - 4 * 1024;
  const names = natsNames(prefix);
  const connection = lazyConnection(options);
  const listeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'offline';
  let ready: Promise<NatsConnection> | undefined;
  let closed = false;
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener(next);
  };

  /** Connected, with the stream in place and the status watched; fails within the timeout. */
  function connected(): Promise<NatsConnection> {
    ready ??= (async () => {
      const nc = await connection.get();
      setState('online');
      void (async () => {
        for await (const status of nc.status()) {
          if (status.type === 'disconnect') setState('offline');
          if (status.type === 'reconnect') setState('online');
        }
      })();
      void nc.closed().then(() => setState('offline'));
      await ensureStream(
        await nc.jetstreamManager({ timeout: timeoutMs }),
        prefix,
        options.duplicateWindowMs ?? 120_000,
      );
      return nc;
    })().catch((error: unknown) => {
      ready = undefined;
      setState('offline');
      throw error;
    });
    return withTimeout(ready, timeoutMs);
  }

  return {
    name: 'nats',
    capabilities: { sessionContext: false, dedupe: true },
    maxFrameBytes,
    get connectionState() {
      return state;
    },
    subjectOf: names.subjectOf,

    async publish(frame, publishOptions): Promise<PublishAck> {
      const signal = publishOptions?.signal;
      if (closed) throw new PublisherError('CLOSED', 'the NATS publisher is closed');
      if (signal?.aborted) throw new PublisherError('ABORTED', 'publish aborted', { cause: signal.reason });
      const { bytes, metrics } = frame.selfContained();
      if (bytes.length > maxFrameBytes) {
        throw new PublisherError('FRAME_TOO_LARGE', `frame of ${bytes.length} bytes is over ${maxFrameBytes}`);
      }
      try {
        const nc = await connected();
        // While reconnecting nats.js would buffer the message; the contract wants an outage now.
        if (nc.isClosed() || state === 'offline') throw new PublisherError('DISCONNECTED', 'NATS is reconnecting');
        const msgHeaders = headers();
        msgHeaders.set('Nats-Msg-Id', natsMsgId(frame.userId, frame.deviceId, frame.firstSeq, frame.lastSeq));
        const pubAck = await nc.jetstream({ timeout: timeoutMs }).publish(names.subjectOf(frame.userId), bytes, {
          headers: msgHeaders,
          timeout: timeoutMs,
          expect: { streamName: names.stream },
        });
        return { duplicate: pubAck.duplicate, rejected: [], metrics };
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
      // Bounded: a connection attempt or a close that cannot finish never holds `close()`.
      const nc = await settledWithin(connection.current(), timeoutMs);
      await settledWithin(nc?.close(), timeoutMs);
      setState('offline');
    },
  };
}

/** `promise`'s value once it settles, or undefined after `ms` (or when it rejects). */
export async function settledWithin<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      (promise ?? Promise.resolve(undefined)).catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublisherError('UNAVAILABLE', `no NATS connection within ${timeoutMs} ms`)),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
