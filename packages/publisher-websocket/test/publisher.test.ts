import { createHash } from 'node:crypto';
import { createCodec } from '@media-sync/codec';
import type { SequencedOperation } from '@media-sync/protocol';
import type { OutgoingFrame, PublisherError } from '@media-sync/queue';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import {
  createWebSocketPublisher,
  createWebSocketSubscriber,
  UNAUTHORIZED_CLOSE_CODE,
  type WebSocketPublisherOptions,
} from '../src/index.js';
import { ack, type FakeGateway, reply, startFakeGateway } from './fake-gateway.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fake(): Promise<FakeGateway> {
  const gateway = await startFakeGateway();
  cleanups.push(() => gateway.close());
  return gateway;
}

function publisher(url: string, options: Partial<WebSocketPublisherOptions> = {}) {
  const created = createWebSocketPublisher({
    url,
    token: 'claims.signature',
    sessionContext: false,
    backoff: { initialMs: 5, maxMs: 20 },
    ...options,
  });
  cleanups.push(() => created.close());
  return created;
}

/** A frame whose bytes the fake gateway never decodes. */
function opaque(bytes: number[] = [1, 2, 3], ops: SequencedOperation[] = []): OutgoingFrame {
  const encoded = {
    bytes: new Uint8Array(bytes),
    metrics: {
      bytesJson: 0,
      bytesProtobuf: 0,
      bytesBody: bytes.length,
      bytesWire: bytes.length,
      compressionRatio: 0,
      savingsPercent: 0,
      deltaSavingsPercent: 0,
    },
  };
  return { deviceId: 'tv', userId: 'u1', firstSeq: 1, lastSeq: 1, ops, skipped: [], selfContained: () => encoded };
}

function watchlistOps(seqs: number[]): SequencedOperation[] {
  return seqs.map((seq) => ({
    deviceId: 'tv',
    seq,
    hlc: { physicalMs: 1_700_000_000_000 + seq, logical: 0, nodeId: 'tv' },
    op: { type: 'watchlistAdd', userId: 'u1', contentId: `tt${seq}`, timestamp: 1_700_000_000_000 + seq },
  }));
}

/** Resolves once `check()` holds, checked every 10 ms (a busy loop would starve a loaded CI box). */
async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createWebSocketPublisher', () => {
  it('sends the token as a subprotocol and resolves publish with the gateway ack', async () => {
    const gateway = await fake();
    gateway.onFrame = (message, socket) =>
      ack(socket, message.frameId, {
        duplicate: true,
        rejected: [{ firstSeq: 1, lastSeq: 2, code: 'FORBIDDEN_USER' }],
        rejectedCount: 2,
      });
    const client = publisher(gateway.url);
    const frame = opaque([1, 2, 3], watchlistOps([1, 2, 3]));
    const result = await client.publish(frame);
    expect(result).toEqual({
      duplicate: true,
      rejected: [{ firstSeq: 1, lastSeq: 2, code: 'FORBIDDEN_USER' }],
      metrics: frame.selfContained().metrics,
    });
    expect(gateway.requests[0]?.protocol).toBe('media-sync.v2,token.claims.signature');
    expect(gateway.received[0]).toMatchObject({ type: 'frame', frameId: 1, frame: new Uint8Array([1, 2, 3]) });
    expect(client.connectionState).toBe('online');
    expect(client.maxFrameBytes).toBe(1000);
    expect(client.capabilities).toEqual({ sessionContext: true, dedupe: true });
  });

  it('fails with TIMEOUT, a transient error, when no ack comes', async () => {
    const gateway = await fake();
    gateway.onFrame = () => {};
    const client = publisher(gateway.url, { ackTimeoutMs: 50 });
    await expect(client.publish(opaque())).rejects.toMatchObject({
      name: 'PublisherError',
      code: 'TIMEOUT',
      transient: true,
    });
    // The link that swallowed the frame is replaced by a fresh one.
    await until(() => gateway.requests.length === 2 && client.connectionState === 'online');
  });

  it('fails with DISCONNECTED when the link drops before the ack, then reconnects', async () => {
    const gateway = await fake();
    gateway.onFrame = (_message, socket) => socket.terminate();
    const client = publisher(gateway.url);
    const states: string[] = [];
    client.onConnectionState((state) => states.push(state));
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'DISCONNECTED', transient: true });
    gateway.onFrame = (message, socket) => ack(socket, message.frameId);
    await expect(client.publish(opaque())).resolves.toMatchObject({ duplicate: false });
    expect(states).toEqual(['online', 'offline', 'online']);
    expect(gateway.requests).toHaveLength(2);
  });

  it('fails for good with UNAUTHORIZED when the gateway answers 401, and stops reconnecting', async () => {
    const gateway = await fake();
    gateway.refuseWith = 401;
    const client = publisher(gateway.url);
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'UNAUTHORIZED', transient: false });
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(gateway.requests).toHaveLength(1);
  });

  it('fails with UNAUTHORIZED, sending nothing, a frame of a device other than the one its token names', async () => {
    const gateway = await fake();
    const client = publisher(gateway.url);
    const otherDevice = { ...opaque(), deviceId: 'phone' };
    await expect(client.publish(otherDevice)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      transient: false,
      message: expect.stringMatching(/token is for device tv, the frame is of device phone/),
    });
    expect(gateway.received).toEqual([]);
    // The token still works for its own device.
    await expect(client.publish(opaque())).resolves.toMatchObject({ duplicate: false });
  });

  it('fails for good with UNAUTHORIZED on close code 4401 before the HELLO, and stops reconnecting', async () => {
    const gateway = await fake();
    gateway.closeOnConnect = { code: UNAUTHORIZED_CLOSE_CODE, reason: 'UNAUTHORIZED: token expired' };
    const client = publisher(gateway.url);
    await expect(client.publish(opaque())).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      transient: false,
      message: expect.stringMatching(/refused the token: token expired$/),
    });
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'UNAUTHORIZED', transient: false });
    expect(client.connectionState).toBe('offline');
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.received).toEqual([]);
  });

  it('fails for good with UNAUTHORIZED on close code 4401 after the HELLO, rejecting the frame in flight', async () => {
    const gateway = await fake();
    gateway.onFrame = (_message, socket) => socket.close(UNAUTHORIZED_CLOSE_CODE, 'UNAUTHORIZED: token expired');
    const client = publisher(gateway.url);
    const states: string[] = [];
    client.onConnectionState((state) => states.push(state));
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'UNAUTHORIZED', transient: false });
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'UNAUTHORIZED', transient: false });
    expect(states).toEqual(['online', 'offline']);
    expect(gateway.requests).toHaveLength(1);
  });

  it('uses `ws` by default even where a global WebSocket exists (it alone reports a 401)', async () => {
    const gateway = await fake();
    gateway.refuseWith = 401;
    const globals = globalThis as { WebSocket?: unknown };
    const original = globals.WebSocket;
    let globalUsed = 0;
    globals.WebSocket = class {
      constructor() {
        globalUsed += 1;
        throw new Error('the global WebSocket must not be used while `ws` loads');
      }
    };
    try {
      const client = publisher(gateway.url, { connectTimeoutMs: 2000 });
      await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'UNAUTHORIZED', transient: false });
    } finally {
      if (original === undefined) delete globals.WebSocket;
      else globals.WebSocket = original;
    }
    expect(globalUsed).toBe(0);
  });

  it('fails with UNAVAILABLE when it cannot connect in time, and recovers when the gateway appears', async () => {
    const gateway = await fake();
    const { url } = gateway;
    const port = Number(new URL(url).port);
    await gateway.close();
    // Long enough for any reconnect to the revived gateway; the first publish waits it out.
    const client = publisher(url, { connectTimeoutMs: 2000 });
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'UNAVAILABLE', transient: true });
    const revived = await startFakeGateway(port);
    cleanups.push(() => revived.close());
    await expect(client.publish(opaque())).resolves.toMatchObject({ duplicate: false });
  }, 15_000);

  it('rejects a frame over the gateway limit, a gateway error as REJECTED, and honours abort', async () => {
    const gateway = await fake();
    const client = publisher(gateway.url);
    await client.publish(opaque());
    await expect(client.publish(opaque(Array(1001).fill(0)))).rejects.toMatchObject({
      code: 'FRAME_TOO_LARGE',
      transient: false,
    });
    gateway.onFrame = (message, socket) =>
      reply(socket, { type: 'error', frameId: message.frameId, code: 'CRC_MISMATCH', message: 'bad', offset: 3 });
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'REJECTED', transient: false });
    gateway.onFrame = () => {};
    const controller = new AbortController();
    const pending = client.publish(opaque(), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await client.close();
    await expect(client.publish(opaque())).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('maps gateway ERROR codes to what the queue should do with the frame', async () => {
    const gateway = await fake();
    const client = publisher(gateway.url);
    const answer = async (code: string) => {
      gateway.onFrame = (message, socket) =>
        reply(socket, { type: 'error', frameId: message.frameId, code, message: 'x' });
      const error = await client.publish(opaque()).catch((caught: unknown) => caught);
      return { code: (error as PublisherError).code, transient: (error as PublisherError).transient };
    };
    // Over a gateway limit: the queue halves its frames instead of dead-lettering the ops.
    expect(await answer('LIMIT_EXCEEDED')).toEqual({ code: 'FRAME_TOO_LARGE', transient: false });
    // A gateway that cannot read this client at all: the ops stay pending.
    for (const code of ['UNKNOWN_DICTIONARY', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_FLAGS', 'USER_REQUIRED']) {
      expect(await answer(code)).toEqual({ code: 'INCOMPATIBLE', transient: false });
    }
    // Bad content: only these dead-letter the frame.
    for (const code of ['MALFORMED_FRAME', 'MALFORMED_BODY', 'INVALID_OPERATION', 'CRC_MISMATCH', 'BAD_MESSAGE']) {
      expect(await answer(code)).toEqual({ code: 'REJECTED', transient: false });
    }
    expect(await answer('INTERNAL')).toEqual({ code: 'UNAVAILABLE', transient: true });
    // A device held back by its quotas: its ops wait, they are never dead-lettered.
    for (const code of ['RATE_LIMITED', 'QUOTA_EXCEEDED']) {
      expect(await answer(code)).toEqual({ code: 'BUSY', transient: true });
    }
  });

  it('encodes with session context and re-sends the self-contained frame on CONTEXT_MISMATCH', async () => {
    const codec = await createCodec();
    const ops: SequencedOperation[] = [1, 2].map((seq) => ({
      deviceId: 'tv',
      seq,
      hlc: { physicalMs: 1_700_000_000_000 + seq, logical: 0, nodeId: 'tv' },
      op: { type: 'watchlistAdd', userId: 'u1', contentId: `tt${seq}`, timestamp: 1_700_000_000_000 + seq },
    }));
    const encodings: number[] = [0, 0];
    const frames = ops.map((entry, i) => {
      const encoded = codec.encodeFrame('tv', [entry]);
      return {
        deviceId: 'tv',
        userId: 'u1',
        firstSeq: entry.seq,
        lastSeq: entry.seq,
        ops: [entry],
        skipped: [],
        selfContained: () => {
          encodings[i] = (encodings[i] ?? 0) + 1;
          return encoded;
        },
        bytes: encoded.bytes,
      };
    });
    const gateway = await fake();
    // As the gateway: the link's token names the device and the user (the first frame is user-bound).
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv', userId: 'u1' });
    let mismatches = 1;
    gateway.onFrame = (message, socket) => {
      if (mismatches > 0 && message.frameId === 2) {
        mismatches -= 1;
        reply(socket, { type: 'error', frameId: message.frameId, code: 'CONTEXT_MISMATCH', message: 'x' });
        return;
      }
      decoder.decode(message.frame);
      ack(socket, message.frameId);
    };
    const client = publisher(gateway.url, { sessionContext: true, codec });
    const first = await client.publish(frames[0] as OutgoingFrame);
    await client.publish(frames[1] as OutgoingFrame);
    expect(gateway.received.map((message) => message.type === 'frame' && message.frameId)).toEqual([1, 2, 3]);
    // One encoding per frame: the session one, and the self-contained one only for the mismatch.
    expect(encodings).toEqual([0, 1]);
    // The ack's metrics describe the bytes that were sent.
    const sentFirst = gateway.received[0];
    expect(first.metrics.bytesWire).toBe(sentFirst?.type === 'frame' ? sentFirst.frame.length : -1);
    // The answer to the mismatch is exactly the queue's self-contained bytes.
    expect(gateway.received[2]).toMatchObject({ type: 'frame', frame: frames[1]?.bytes });
    expect(client.stats()).toMatchObject({ contextFrames: 2, contextMismatches: 1 });
  });
});

describe('createWebSocketPublisher connection failures', () => {
  it('says which failure it was, as soon as the OS knows: refused port, TLS to a plain server', async () => {
    const gateway = await fake();
    const port = Number(new URL(gateway.url).port);
    // A long connect timeout: these answers must come from the OS, not from waiting it out.
    const plain = publisher(`wss://127.0.0.1:${port}`, { connectTimeoutMs: 60_000 });
    await expect(plain.publish(opaque())).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      transient: true,
      message: expect.stringMatching(/TLS/),
    });
    await gateway.close();
    const closed = publisher(gateway.url, { connectTimeoutMs: 60_000 });
    await expect(closed.publish(opaque())).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('connection refused'),
    });
    // Asked again during the backoff, it tries at once and answers at once.
    await expect(closed.publish(opaque())).rejects.toMatchObject({ message: expect.stringContaining('refused') });
  }, 15_000);

  it('closed at once, before its socket opened, it closes quietly', async () => {
    const gateway = await fake();
    const unhandled: unknown[] = [];
    const onError = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', onError);
    try {
      const link = createWebSocketPublisher({ url: gateway.url, token: 'claims.signature' });
      await link.close();
      // Long enough for the socket made after the close to be opened and closed again.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled).toEqual([]);
      expect(link.connectionState).toBe('offline');
    } finally {
      process.off('uncaughtException', onError);
    }
  });

  it('refuses a URL that can never work when it is created', () => {
    for (const url of ['not a url', 'http://127.0.0.1:1', '127.0.0.1:8787']) {
      expect(() => createWebSocketPublisher({ url, token: 't' })).toThrow(TypeError);
    }
  });
});

describe('createWebSocketPublisher frame size', () => {
  it('fails FRAME_TOO_LARGE before sending when the encoding it would send exceeds the limit', async () => {
    const codec = await createCodec();
    const gateway = await fake();
    const client = publisher(gateway.url, { sessionContext: true, codec });
    // Incompressible titles: even against context the frame is well over the HELLO's 1 000 bytes.
    const ops: SequencedOperation[] = Array.from({ length: 40 }, (_, i) => ({
      deviceId: 'tv',
      seq: i + 1,
      hlc: { physicalMs: 1_700_000_000_000 + i, logical: 0, nodeId: 'tv' },
      op: {
        type: 'watchlistAdd',
        userId: 'u1',
        contentId: createHash('sha256').update(`title-${i}`).digest('hex'),
        timestamp: 1_700_000_000_000 + i,
      },
    }));
    let encodings = 0;
    const frame: OutgoingFrame = {
      deviceId: 'tv',
      userId: 'u1',
      firstSeq: 1,
      lastSeq: 40,
      ops,
      skipped: [],
      selfContained: () => {
        encodings += 1;
        return codec.encodeFrame('tv', ops);
      },
    };
    await expect(client.publish(frame)).rejects.toMatchObject({ code: 'FRAME_TOO_LARGE', transient: false });
    expect(gateway.received).toEqual([]);
    expect(encodings).toBe(0);
  });
});

describe('createWebSocketSubscriber', () => {
  it('hands frames over in order, acks a command only after onFrame resolved, and resumes from its cursor', async () => {
    const gateway = await fake();
    gateway.onFrame = () => {};
    const subscriber = createWebSocketSubscriber({
      url: gateway.url,
      token: 'claims.signature',
      since: 4,
      backoff: { initialMs: 5, maxMs: 20 },
    });
    const seen: string[] = [];
    let release: () => void = () => {};
    const subscription = await subscriber.subscribe('u1', async (frame) => {
      seen.push(`${frame.transportId}:${frame.bytes.join(',')}`);
      if (frame.transportId === 'command:9') await new Promise<void>((resolve) => (release = resolve));
    });
    cleanups.push(() => subscription.unsubscribe());
    await until(() => gateway.sockets.size === 1);
    await until(() => gateway.received.length === 1);
    expect(gateway.received[0]).toEqual({ type: 'subscribe', since: 4 });
    const [socket] = gateway.sockets as Set<WebSocket>;
    if (socket === undefined) throw new Error('no socket');
    reply(socket, { type: 'fanout', cursor: 5, frame: new Uint8Array([5]) });
    reply(socket, { type: 'command', deliveryId: 9, frame: new Uint8Array([9]) });
    reply(socket, { type: 'fanout', cursor: 7, frame: new Uint8Array([7]) });
    reply(socket, { type: 'synced', cursor: 8 });
    await until(() => seen.length === 2);
    expect(subscriber.cursor).toBe(5);
    const commandAcks = () => gateway.received.filter((message) => message.type === 'commandAck');
    expect(commandAcks()).toEqual([]);
    release();
    await subscriber.waitForCursor(8, 2000);
    expect(seen).toEqual(['log:5:5', 'command:9:9', 'log:7:7']);
    await until(() => commandAcks().length > 0);
    expect(commandAcks()).toEqual([{ type: 'commandAck', deliveryId: 9 }]);

    socket.terminate();
    await until(() => gateway.requests.length === 2 && gateway.received.length === 3);
    expect(gateway.received[2]).toEqual({ type: 'subscribe', since: 8 });
    await expect(subscriber.waitForCursor(100, 20)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('skips what follows a frame onFrame failed on, reconnects and gets it again from its cursor', async () => {
    const gateway = await fake();
    const subscriber = createWebSocketSubscriber({
      url: gateway.url,
      token: 't.s',
      backoff: { initialMs: 5, maxMs: 20 },
    });
    const seen: string[] = [];
    let failures = 1;
    const subscription = await subscriber.subscribe('u1', (frame) => {
      if (frame.transportId === 'log:2' && failures-- > 0) throw new Error('consumer failed');
      seen.push(frame.transportId ?? '');
    });
    cleanups.push(() => subscription.unsubscribe());
    await until(() => gateway.sockets.size === 1);
    const [first] = gateway.sockets as Set<WebSocket>;
    if (first === undefined) throw new Error('no socket');
    for (const cursor of [1, 2, 3]) reply(first, { type: 'fanout', cursor, frame: new Uint8Array([cursor]) });
    await until(() => gateway.requests.length === 2 && gateway.sockets.size === 1 && gateway.received.length === 2);
    expect(gateway.received[1]).toEqual({ type: 'subscribe', since: 1 });
    const [second] = gateway.sockets as Set<WebSocket>;
    if (second === undefined) throw new Error('no socket');
    for (const cursor of [2, 3]) reply(second, { type: 'fanout', cursor, frame: new Uint8Array([cursor]) });
    await subscriber.waitForCursor(3, 2000);
    expect(seen).toEqual(['log:1', 'log:2', 'log:3']);
  });
});
