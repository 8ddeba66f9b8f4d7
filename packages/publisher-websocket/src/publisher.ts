import { type Codec, createCodec, type EncodeOptions, type SessionEncoder, type SessionFrame } from '@media-sync/codec';
import {
  type AckMessage,
  type ErrorMessage,
  encodeGatewayMessage,
  type SequencedOperation,
} from '@media-sync/protocol';
import {
  type EncodedFrame,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  type PublisherCapabilities,
  PublisherError,
} from '@media-sync/queue';
import { type ConnectionEvent, type ConnectionOptions, GatewayConnection } from './connection.js';

export interface WebSocketPublisherOptions extends ConnectionOptions {
  /** How long `publish` waits for a connection before failing with UNAVAILABLE. Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /** How long `publish` waits for the gateway's ack before failing with TIMEOUT. Default 10 000 ms. */
  readonly ackTimeoutMs?: number;
  /** Encode against acknowledged session context (§5). Default true. */
  readonly sessionContext?: boolean;
  /** Largest frame before the gateway's HELLO says otherwise. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  /** A codec to share (it holds the zstd module); one is created on first use otherwise. */
  readonly codec?: Codec;
}

export interface WebSocketPublisher extends Publisher {
  /** Frames sent with session context, and how many of those the gateway asked to re-send whole. */
  stats(): { readonly contextFrames: number; readonly contextMismatches: number; readonly wireBytes: number };
}

type Reply = AckMessage | ErrorMessage;

interface Waiter {
  resolve(reply: Reply): void;
  reject(error: PublisherError): void;
}

const CAPABILITIES: PublisherCapabilities = { sessionContext: true, dedupe: true };

/**
 * The queue's publisher for the reference gateway: one frame at a time, each resolved only by
 * the gateway's ACK (sent after dedupe, merge and commit), never left hanging.
 */
export function createWebSocketPublisher(options: WebSocketPublisherOptions): WebSocketPublisher {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const useContext = options.sessionContext ?? true;
  const waiters = new Map<number, Waiter>();
  const onlineWaiters = new Set<() => void>();
  /** Publishes waiting for a connection, told when an attempt fails (fast where the OS knows why). */
  const failWaiters = new Set<(reason: string) => void>();
  let codec: Promise<Codec> | undefined = options.codec && Promise.resolve(options.codec);
  let encoder: SessionEncoder | undefined;
  let nextFrameId = 1;
  let chain: Promise<unknown> = Promise.resolve();
  let maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const stats = { contextFrames: 0, contextMismatches: 0, wireBytes: 0 };

  const connection = new GatewayConnection(
    options,
    () => options.url,
    (event: ConnectionEvent) => {
      switch (event.type) {
        case 'hello':
          maxFrameBytes = Math.min(maxFrameBytes, event.hello.maxFrameBytes);
          // A new gateway session holds no context: start over self-contained.
          encoder?.reset();
          for (const wake of onlineWaiters) wake();
          return;
        case 'failed':
          for (const fail of failWaiters) fail(event.reason);
          return;
        case 'closed':
        case 'unauthorized': {
          const error =
            event.type === 'unauthorized'
              ? unauthorized()
              : new PublisherError('DISCONNECTED', `the connection to ${options.url} closed before the ack`);
          for (const waiter of waiters.values()) waiter.reject(error);
          waiters.clear();
          if (event.type === 'unauthorized') for (const wake of onlineWaiters) wake();
          return;
        }
        case 'message': {
          const message = event.message;
          if (message.type !== 'ack' && message.type !== 'error') return;
          waiters.get(message.frameId)?.resolve(message);
          return;
        }
      }
    },
  );
  connection.start();

  function checkUsable(): void {
    if (connection.closed) throw new PublisherError('CLOSED', 'the publisher is closed');
    if (connection.unauthorized) throw unauthorized();
  }

  /**
   * The gateway refuses every op of a device other than the token's (FORBIDDEN_DEVICE), and the
   * queue would dead-letter them all: a token for the wrong device is a credentials mistake, so
   * it is UNAUTHORIZED, which leaves the ops pending until the token is fixed.
   */
  function checkDevice(frame: OutgoingFrame): void {
    const tokenDevice = connection.hello?.deviceId;
    if (tokenDevice === undefined || tokenDevice === frame.deviceId) return;
    throw new PublisherError(
      'UNAUTHORIZED',
      `the token is for device ${tokenDevice}, the frame is of device ${frame.deviceId}: use a token for ${frame.deviceId}`,
    );
  }

  /** The token was refused; the message says why when the gateway did (`token expired`). */
  function unauthorized(): PublisherError {
    const why = connection.unauthorizedReason?.replace(/^UNAUTHORIZED:\s*/, '');
    return new PublisherError(
      'UNAUTHORIZED',
      `the gateway at ${options.url} refused the token${why ? `: ${why}` : ''}`,
    );
  }

  function whenOnline(signal: AbortSignal | undefined): Promise<void> {
    if (connection.state === 'online') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: PublisherError) => {
        clearTimeout(timer);
        onlineWaiters.delete(wake);
        failWaiters.delete(fail);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const wake = () => {
        try {
          checkUsable();
          finish();
        } catch (error) {
          finish(error as PublisherError);
        }
      };
      const onAbort = () => finish(new PublisherError('ABORTED', 'publish aborted', { cause: signal?.reason }));
      const fail = (reason: string) =>
        finish(new PublisherError('UNAVAILABLE', `cannot reach ${options.url}: ${reason}`));
      const timer = setTimeout(
        () =>
          finish(
            new PublisherError(
              'UNAVAILABLE',
              `cannot reach ${options.url}: no answer within ${connectTimeoutMs} ms (connect timeout)`,
            ),
          ),
        connectTimeoutMs,
      );
      onlineWaiters.add(wake);
      failWaiters.add(fail);
      connection.connectNow();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  function exchange(bytes: Uint8Array, signal: AbortSignal | undefined): Promise<Reply> {
    const id = nextFrameId;
    nextFrameId = nextFrameId >= 0xffff_ffff ? 1 : nextFrameId + 1;
    return new Promise<Reply>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(id);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        finish();
        reject(new PublisherError('ABORTED', 'publish aborted', { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        finish();
        // A link that swallowed a frame is in doubt (a peer gone without a FIN looks alive):
        // start a fresh connection, and with it fresh session context.
        connection.drop();
        reject(new PublisherError('TIMEOUT', `no ack from ${options.url} within ${ackTimeoutMs} ms`));
      }, ackTimeoutMs);
      waiters.set(id, {
        resolve: (reply) => {
          finish();
          resolve(reply);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      if (!connection.send(encodeGatewayMessage({ type: 'frame', frameId: id, frame: bytes }))) {
        finish();
        reject(new PublisherError('DISCONNECTED', `not connected to ${options.url}`));
      }
    });
  }

  /**
   * Encodes the frame once: against the session context when the link has one (the frame's
   * self-contained encoding is then never made), self-contained otherwise, or when the gateway
   * answers CONTEXT_MISMATCH.
   */
  async function publishNow(frame: OutgoingFrame, signal: AbortSignal | undefined): Promise<PublishAck> {
    checkUsable();
    if (signal?.aborted) throw new PublisherError('ABORTED', 'publish aborted', { cause: signal.reason });
    await whenOnline(signal);
    checkDevice(frame);
    let encoded: SessionFrame | undefined;
    if (useContext && frame.ops.length > 0) {
      codec ??= createCodec();
      encoder ??= (await codec).createSessionEncoder();
      encoded = encoder.encode(frame.deviceId, frame.ops, sessionOptions(frame));
    }
    // A session frame that is never acknowledged is simply dropped: the next one builds on the
    // last acknowledged context, as after any unanswered frame.
    let sent: EncodedFrame = checkSize(encoded ?? frame.selfContained());
    let reply = await exchange(sent.bytes, signal);
    if (encoded) stats.contextFrames += 1;
    if (reply.type === 'error' && reply.code === 'CONTEXT_MISMATCH') {
      // The gateway lacks the context version the frame named: start over with the
      // self-contained bytes, and only build context again from frames it acknowledges.
      stats.contextMismatches += 1;
      encoder?.reset();
      encoded = undefined;
      sent = checkSize(frame.selfContained());
      reply = await exchange(sent.bytes, signal);
    }
    if (reply.type === 'error') {
      encoder?.reset();
      throw publisherErrorOf(reply);
    }
    // A duplicate may be acknowledged from the frame header alone, without the gateway's session
    // decoder ever holding this version; building on the previous, certainly held, base is safe.
    if (encoded && encoder && !reply.duplicate) encoder.acknowledge(encoded.version);
    stats.wireBytes += sent.bytes.length;
    const rejected = [...reply.rejected];
    if (reply.rejectedTruncated) {
      // The ACK listed only the lowest rejected ranges: the gateway has settled every op of the
      // frame, so the ops past the last listed range are sent again, and the gateway answers
      // with their stored verdicts (a re-send), until every verdict is known.
      const listedUpTo = reply.rejected[reply.rejected.length - 1]?.lastSeq ?? frame.firstSeq - 1;
      const rest = frame.ops.filter((entry) => entry.seq > listedUpTo);
      if (rest.length > 0) {
        const restAck = await publishNow(await tailFrame(frame, rest), signal);
        rejected.push(...restAck.rejected);
      }
    }
    return { duplicate: reply.duplicate, rejected, metrics: sent.metrics };
  }

  function checkSize(frame: EncodedFrame): EncodedFrame {
    if (frame.bytes.length > maxFrameBytes) {
      throw new PublisherError('FRAME_TOO_LARGE', `frame of ${frame.bytes.length} bytes, limit ${maxFrameBytes}`);
    }
    return frame;
  }

  /** The outgoing frame of `ops`, a tail of `frame`'s ops (its skipped ranges were declared already). */
  async function tailFrame(frame: OutgoingFrame, ops: readonly SequencedOperation[]): Promise<OutgoingFrame> {
    codec ??= createCodec();
    const resolved = await codec;
    const first = ops[0] as SequencedOperation;
    const last = ops[ops.length - 1] as SequencedOperation;
    let encoded: EncodedFrame | undefined;
    return {
      deviceId: frame.deviceId,
      userId: frame.userId,
      firstSeq: first.seq,
      lastSeq: last.seq,
      ops,
      skipped: [],
      selfContained: () => {
        // User-bound, as the queue's frames: the gateway names the user by the link's token.
        encoded ??= resolved.encodeFrame(frame.deviceId, ops, { userId: frame.userId, bindUser: true });
        return encoded;
      },
    };
  }

  return {
    name: 'websocket',
    capabilities: CAPABILITIES,
    get maxFrameBytes() {
      return maxFrameBytes;
    },
    get connectionState() {
      return connection.state;
    },
    publish(frame, publishOptions) {
      // One frame at a time: session context follows the order of acknowledgements.
      const result = chain.then(() => publishNow(frame, publishOptions?.signal));
      chain = result.catch(() => undefined);
      return result;
    },
    onConnectionState(listener) {
      return connection.onState(listener);
    },
    stats() {
      return { ...stats };
    },
    async close() {
      connection.close();
      const error = new PublisherError('CLOSED', 'the publisher is closed');
      for (const waiter of waiters.values()) waiter.reject(error);
      waiters.clear();
      for (const wake of onlineWaiters) wake();
    },
  };
}

/** The frame's encode options: its user (for commands) and the seqs it declares skipped. */
function sessionOptions(frame: OutgoingFrame): EncodeOptions {
  // The link's token names the user: the session's first frame leaves it out, as the queue's do.
  const options: EncodeOptions & { skipped?: OutgoingFrame['skipped'] } = { userId: frame.userId, bindUser: true };
  if (frame.skipped.length > 0) options.skipped = frame.skipped;
  return options;
}

/**
 * What a gateway ERROR means for the queue. Only errors about the frame's content dead-letter
 * its ops (REJECTED); a frame over the gateway's limits is split (FRAME_TOO_LARGE), a device over
 * its rate or storage quota backs off (BUSY), and a gateway that cannot read this client's
 * format at all (INCOMPATIBLE) keeps the ops pending.
 */
function publisherErrorOf(body: ErrorMessage): PublisherError {
  const detail = `${body.code} ${body.message}`;
  switch (body.code) {
    case 'INTERNAL':
      return new PublisherError('UNAVAILABLE', `the gateway could not store the frame: ${body.message}`, {
        cause: body,
      });
    // A device over its rate or storage quota: nothing of the frame was stored and nothing is
    // wrong with its ops, so they wait (backoff), like an outage, and never count an attempt.
    case 'RATE_LIMITED':
    case 'QUOTA_EXCEEDED':
      return new PublisherError('BUSY', `the gateway is holding this device back: ${detail}`, { cause: body });
    case 'LIMIT_EXCEEDED':
      return new PublisherError('FRAME_TOO_LARGE', `the frame exceeds a gateway limit: ${detail}`, { cause: body });
    case 'UNKNOWN_DICTIONARY':
    case 'UNSUPPORTED_VERSION':
    case 'UNSUPPORTED_FLAGS':
    // A gateway from before user-bound frames: it does not name the link's user to its decoder.
    case 'USER_REQUIRED':
      return new PublisherError('INCOMPATIBLE', `the gateway cannot read this client's frames: ${detail}`, {
        cause: body,
      });
    default:
      return new PublisherError('REJECTED', `the gateway rejected the frame: ${detail}`, { cause: body });
  }
}
