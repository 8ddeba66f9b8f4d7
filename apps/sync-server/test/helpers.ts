import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Codec, createCodec } from '@media-sync/codec';
import {
  decodeGatewayMessage,
  encodeGatewayMessage,
  GATEWAY_SUBPROTOCOL,
  type GatewayMessage,
  type SequencedOperation,
  type SyncOperation,
  TOKEN_SUBPROTOCOL_PREFIX,
} from '@media-sync/protocol';
import type { OutgoingFrame } from '@media-sync/queue';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import { createToken, type SyncServer, type SyncServerOptions, startSyncServer } from '../src/index.js';

export const SECRET = 'gateway-test-secret';
export const USER = 'user-a';
export const OTHER_USER = 'user-b';

let sharedCodec: Promise<Codec> | undefined;
export function codec(): Promise<Codec> {
  sharedCodec ??= createCodec();
  return sharedCodec;
}

export interface TestGateway {
  readonly server: SyncServer;
  readonly dir: string;
  readonly dbPath: string;
  /** Closes the server (if still open) and deletes the temp dir. */
  cleanup(): Promise<void>;
}

export async function startTestGateway(
  options: Partial<SyncServerOptions> & { dir?: string } = {},
): Promise<TestGateway> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'media-sync-gateway-'));
  const dbPath = options.dbPath ?? join(dir, 'gateway.db');
  const server = await startSyncServer({ secret: SECRET, dbPath, codec: await codec(), ...options });
  return {
    server,
    dir,
    dbPath,
    async cleanup() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function token(deviceId: string, userId = USER, ttlMs = 60_000): Promise<string> {
  return createToken({ secret: SECRET, userId, deviceId, ttlMs });
}

// A day back, so that ops thousands of seqs long stay behind the gateway clock (drift check).
const BASE_TIME = Date.now() - 86_400_000;

/** `count` progress updates of `deviceId` from seq `firstSeq`, over a few titles. */
export function progressOps(deviceId: string, firstSeq: number, count: number, userId = USER): SequencedOperation[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const timestamp = BASE_TIME + seq * 1000;
    const op: SyncOperation = {
      type: 'progressUpdate',
      userId,
      contentId: `title-${seq % 5}`,
      positionMs: seq * 10_000,
      durationMs: 5_400_000,
      state: 'playing',
      timestamp,
    };
    return { deviceId, seq, hlc: { physicalMs: timestamp, logical: 0, nodeId: deviceId }, op };
  });
}

export function watchlistOp(deviceId: string, seq: number, contentId: string, userId = USER): SequencedOperation {
  const timestamp = BASE_TIME + seq * 1000;
  return {
    deviceId,
    seq,
    hlc: { physicalMs: timestamp, logical: 0, nodeId: deviceId },
    op: { type: 'watchlistAdd', userId, contentId, timestamp },
  };
}

export function commandOp(
  deviceId: string,
  seq: number,
  targetDeviceId: string,
  options: { expiresAt?: number; commandId?: string; timestamp?: number } = {},
): SequencedOperation {
  const timestamp = options.timestamp ?? Date.now();
  return {
    deviceId,
    seq,
    hlc: { physicalMs: timestamp, logical: seq, nodeId: deviceId },
    op: {
      type: 'deviceCommand',
      commandId: options.commandId ?? `cmd-${deviceId}-${seq}`,
      sourceDeviceId: deviceId,
      targetDeviceId,
      commandType: 'pause',
      payload: { reason: 'test' },
      timestamp,
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    },
  };
}

/** An OutgoingFrame as the queue builds it, with its self-contained `bytes` at hand for raw sends. */
export async function outgoing(
  ops: SequencedOperation[],
  userId = USER,
): Promise<OutgoingFrame & { readonly bytes: Uint8Array }> {
  const first = ops[0];
  const last = ops[ops.length - 1];
  if (!first || !last) throw new TypeError('a frame needs ops');
  const encoded = (await codec()).encodeFrame(first.deviceId, ops);
  return {
    deviceId: first.deviceId,
    userId,
    firstSeq: first.seq,
    lastSeq: last.seq,
    ops,
    skipped: [],
    selfContained: () => encoded,
    bytes: encoded.bytes,
  };
}

/**
 * Resolves once `check()` holds, checked every 10 ms; rejects after `timeoutMs`. A timer rather
 * than setImmediate: a busy loop takes a whole core from the gateway on a loaded CI box.
 */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
// Registered in every test file that imports these helpers. Last registered runs first, so
// clients close before the gateway they talk to.
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs each cleanup after the current test (the last given first). */
export function deferCleanup(...cleanup: (() => Promise<void> | void)[]): void {
  cleanups.push(...cleanup);
}

/** A gateway on an ephemeral port that is shut down and deleted after the current test. */
export async function gateway(options: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  const started = await startTestGateway(options);
  deferCleanup(started.cleanup);
  return started;
}

/** A raw gateway connection for tests that speak the protocol by hand; closed after the test. */
export interface RawClient {
  readonly socket: WebSocket;
  /** Every decoded message received, in order (HELLO first). */
  readonly received: GatewayMessage[];
  send(message: GatewayMessage): void;
  /** Resolves once `count` messages have arrived. */
  receivedCount(count: number, timeoutMs?: number): Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

export function rawClient(url: string, tokenText: string, options: { autoPong?: boolean } = {}): RawClient {
  const socket = new WebSocket(url, [GATEWAY_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${tokenText}`], options);
  const received: GatewayMessage[] = [];
  socket.on('message', (data: Buffer) => received.push(decodeGatewayMessage(new Uint8Array(data))));
  socket.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
  );
  deferCleanup(() => socket.terminate());
  return {
    socket,
    received,
    closed,
    send(message) {
      socket.send(encodeGatewayMessage(message));
    },
    receivedCount: (count, timeoutMs) => eventually(() => received.length >= count, timeoutMs),
  };
}
