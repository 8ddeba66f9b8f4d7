import { randomUUID } from 'node:crypto';
import {
  type ConnectionState,
  escapeUserId,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  PublisherError,
} from '@media-sync/queue';
import PubNub from 'pubnub';

export interface PubNubClientOptions {
  readonly publishKey?: string;
  readonly subscribeKey: string;
  /** Access Manager auth key (or token) sent with every request. */
  readonly authKey?: string;
  /** `host[:port]` of the service; default the SDK's (`ps.pndsn.com`). */
  readonly origin?: string;
  /** HTTPS. Default true; false for a local stand-in. */
  readonly ssl?: boolean;
  /** How long to wait for each request. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** SDK configuration, applied last. */
  readonly pubnub?: Partial<PubNub.PubNubConfiguration>;
}

export interface PubNubPublisherOptions extends PubNubClientOptions {
  readonly publishKey: string;
  /** The SDK's `userId` of this publisher. Default `media-sync-<random>`. */
  readonly clientId?: string;
  /** Largest frame accepted; it goes as several messages. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  /** The service's message limit: channel name plus JSON body, in bytes. Default 32 KiB. */
  readonly maxMessageBytes?: number;
  /**
   * HTTP keeps no connection open, so an unreachable service is noticed by a request failing:
   * while online, one `time` request after this long without any other. Default 30 000 ms; 0 = never.
   */
  readonly probeIntervalMs?: number;
}

export interface PubNubPublisher extends Publisher {
  /** The channel of `userId`'s frames: `user.<escaped userId>.sync`. */
  channelOf(userId: string): string;
}

/** `user.<userId>.sync`, the user id escaped (`u.1` → `user.u%2E1.sync`): no `.`, `,`, `:`, `*`, `/` of its own. */
export function channelOf(userId: string): string {
  return `user.${escapeUserId(userId)}.sync`;
}

/**
 * One PubNub message: a part of a frame. `f` names the frame (`<deviceId>:<firstSeq>-<lastSeq>`),
 * `a` the publish attempt (parts of different attempts are never mixed), `i` of `n` its place,
 * `d` its bytes in base64 (PubNub messages are JSON).
 */
export interface FramePart {
  readonly v: 1;
  readonly f: string;
  readonly a: string;
  readonly i: number;
  readonly n: number;
  readonly d: string;
}

/**
 * Splits `bytes` into parts whose message (channel + JSON body) each fit `maxMessageBytes`:
 * base64 is 4 bytes per 3, plus the envelope's few dozen.
 */
export function splitFrame(
  bytes: Uint8Array,
  frameId: string,
  attempt: string,
  channel: string,
  maxMessageBytes: number,
): FramePart[] {
  const envelope = Buffer.byteLength(JSON.stringify({ v: 1, f: frameId, a: attempt, i: 99_999, n: 99_999, d: '' }));
  const room = maxMessageBytes - envelope - Buffer.byteLength(channel);
  const chunkBytes = Math.floor(room / 4) * 3;
  if (chunkBytes < 3) throw new TypeError(`maxMessageBytes ${maxMessageBytes} leaves no room for a frame part`);
  const count = Math.max(1, Math.ceil(bytes.length / chunkBytes));
  return Array.from({ length: count }, (_, i) => ({
    v: 1 as const,
    f: frameId,
    a: attempt,
    i,
    n: count,
    d: Buffer.from(
      bytes.buffer,
      bytes.byteOffset + i * chunkBytes,
      Math.min(chunkBytes, bytes.length - i * chunkBytes),
    ).toString('base64'),
  }));
}

/** The SDK client both halves use: bounded request timeouts, no presence traffic. */
export function createPubNubClient(options: PubNubClientOptions, userId: string): PubNub {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new PubNub({
    publishKey: options.publishKey ?? '',
    subscribeKey: options.subscribeKey,
    userId,
    ...(options.authKey === undefined ? {} : { authKey: options.authKey }),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    ssl: options.ssl ?? true,
    // Seconds in the SDK.
    transactionalRequestTimeout: Math.max(1, Math.ceil(timeoutMs / 1_000)),
    suppressLeaveEvents: true,
    logLevel: PubNub.LogLevel.None,
    ...options.pubnub,
  });
}

interface SdkStatus {
  readonly category?: string;
  readonly statusCode?: number;
  readonly errorData?: unknown;
}

/** What the SDK threw, as the contract's codes. */
export function toPublisherError(error: unknown, timeoutMs: number): PublisherError {
  if (error instanceof PublisherError) return error;
  const status = (error as { status?: SdkStatus })?.status;
  const message = error instanceof Error ? error.message : String(error);
  const code = status?.statusCode ?? 0;
  const detail = `${message}${status?.errorData ? ` ${JSON.stringify(status.errorData)}` : ''}`;
  if (status?.category === 'PNAccessDeniedCategory' || code === 403) {
    return new PublisherError('UNAUTHORIZED', `PubNub refused the keys: ${detail}`, { cause: error });
  }
  if (code === 413 || code === 414) {
    return new PublisherError('FRAME_TOO_LARGE', `PubNub refused the message size: ${detail}`, { cause: error });
  }
  if (code === 429) return new PublisherError('BUSY', `PubNub rate-limits: ${detail}`, { cause: error });
  if (status?.category === 'PNTimeoutCategory') {
    return new PublisherError('TIMEOUT', `no answer from PubNub within ${timeoutMs} ms`, { cause: error });
  }
  if (code === 400 && /invalid (sub|pub)?.*key/i.test(detail)) {
    return new PublisherError('UNAUTHORIZED', `PubNub does not know the keys: ${detail}`, { cause: error });
  }
  if (code === 400) return new PublisherError('REJECTED', `PubNub refused the message: ${detail}`, { cause: error });
  return new PublisherError('UNAVAILABLE', `PubNub is unavailable: ${detail}`, { cause: error });
}

/** Runs `attempt`, failing with TIMEOUT after `timeoutMs` and ABORTED on `signal`. */
export function bounded<T>(attempt: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  return Promise.race([
    attempt,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublisherError('TIMEOUT', `no answer from PubNub within ${timeoutMs} ms`)),
        timeoutMs,
      );
      onAbort = () => reject(new PublisherError('ABORTED', 'publish aborted', { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  ]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  });
}

/**
 * Publishes frames to PubNub through the official SDK, on the user's channel. A frame is sent
 * as one message, or as several when its base64 would pass the message limit, one after the
 * other; the ack comes once the service answered `Sent` for every part (stored in history when
 * the key set has Message Persistence). PubNub does not drop a re-published frame: subscribers
 * apply each op once by (deviceId, seq).
 */
export function createPubNubPublisher(options: PubNubPublisherOptions): PubNubPublisher {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const maxMessageBytes = options.maxMessageBytes ?? 32 * 1024;
  const probeIntervalMs = options.probeIntervalMs ?? 30_000;
  const client = createPubNubClient(options, options.clientId ?? `media-sync-${randomUUID()}`);
  const listeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'offline';
  let closed = false;
  let inFlight = 0;
  let lastAnswerAt = 0;
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener(next);
  };
  /** Any answer of the service, refusals included, shows it is reachable. */
  const reachable = (error: unknown) => {
    const mapped = error === undefined ? undefined : toPublisherError(error, timeoutMs);
    if (mapped === undefined || !mapped.transient || mapped.code === 'BUSY') {
      lastAnswerAt = Date.now();
      setState('online');
    } else if (mapped.code !== 'ABORTED') setState('offline');
  };

  const probe =
    probeIntervalMs > 0
      ? setInterval(
          () => {
            if (state !== 'online' || inFlight > 0 || Date.now() - lastAnswerAt < probeIntervalMs) return;
            inFlight += 1;
            bounded(client.time(), timeoutMs)
              .then(
                () => reachable(undefined),
                (error: unknown) => reachable(error),
              )
              .finally(() => {
                inFlight -= 1;
              });
          },
          Math.max(50, Math.min(probeIntervalMs, 1_000)),
        )
      : undefined;
  probe?.unref?.();

  async function publishPart(channel: string, part: FramePart, signal: AbortSignal | undefined): Promise<void> {
    try {
      await bounded(
        client.publish({ channel, message: part as unknown as PubNub.Payload, sendByPost: true, storeInHistory: true }),
        timeoutMs,
        signal,
      );
      reachable(undefined);
    } catch (error) {
      reachable(error);
      throw toPublisherError(error, timeoutMs);
    }
  }

  return {
    name: 'pubnub',
    capabilities: { sessionContext: false, dedupe: false },
    maxFrameBytes,
    get connectionState() {
      return state;
    },
    channelOf,

    async publish(frame: OutgoingFrame, publishOptions): Promise<PublishAck> {
      const signal = publishOptions?.signal;
      if (closed) throw new PublisherError('CLOSED', 'the PubNub publisher is closed');
      if (signal?.aborted) throw new PublisherError('ABORTED', 'publish aborted', { cause: signal.reason });
      const { bytes, metrics } = frame.selfContained();
      if (bytes.length > maxFrameBytes) {
        throw new PublisherError('FRAME_TOO_LARGE', `frame of ${bytes.length} bytes is over ${maxFrameBytes}`);
      }
      const channel = channelOf(frame.userId);
      const parts = splitFrame(
        bytes,
        `${frame.deviceId}:${frame.firstSeq}-${frame.lastSeq}`,
        randomUUID().slice(0, 8),
        channel,
        maxMessageBytes,
      );
      inFlight += 1;
      try {
        // In order: a subscriber puts the parts together as they come.
        for (const part of parts) await publishPart(channel, part, signal);
      } finally {
        inFlight -= 1;
      }
      return { duplicate: false, rejected: [], metrics };
    },

    onConnectionState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (probe) clearInterval(probe);
      client.destroy(true);
      setState('offline');
    },
  };
}
