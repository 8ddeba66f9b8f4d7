import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { type Codec, createCodec, FLAG_COMPRESSED, FORMAT_VERSION, frameChecksum } from '@media-sync/codec';
import {
  encodeGatewayMessage,
  GATEWAY_SUBPROTOCOL,
  type SequencedOperation,
  TOKEN_SUBPROTOCOL_PREFIX,
} from '@media-sync/protocol';

/**
 * Clients that attack a gateway the ways SPEC §12 lists, for the hostile-client tests and
 * `media-sync bench gateway`. Each speaks raw TCP, so it can do what a well-behaved WebSocket
 * library never would: stop reading, leave a message unfinished, or never finish its headers.
 */
export type AttackName = 'flood' | 'amplification' | 'decompression' | 'fragments' | 'slowHeaders' | 'expiredToken';

export const ATTACKS: readonly AttackName[] = [
  'flood',
  'amplification',
  'decompression',
  'fragments',
  'slowHeaders',
  'expiredToken',
];

export interface AttackOptions {
  /** `ws://host:port` of the gateway. */
  readonly url: string;
  /** A token for (user, device), valid for `ttlMs` (the expired-token attack asks for a short one). */
  readonly token: (userId: string, deviceId: string, ttlMs: number) => string | Promise<string>;
  /** Concurrent attacking connections. */
  readonly clients: number;
  /** Prefix of the attackers' user ids; client i is user `${userPrefix}-${i}`. Default `hostile`. */
  readonly userPrefix?: string;
}

export interface Attack {
  /** Messages (or header bytes) the attackers got onto the wire. */
  readonly sent: () => number;
  /** Connections the attackers opened in all (each is re-opened when the gateway closes it). */
  readonly connections: () => number;
  /** Stops every attacker and closes its sockets. */
  stop(): Promise<void>;
}

/** Runs `clients` attackers of one kind until stopped; each reconnects when the gateway cuts it. */
export async function startAttack(name: AttackName, options: AttackOptions): Promise<Attack> {
  const { hostname, port } = new URL(options.url);
  const host = hostname.replace(/^\[|\]$/g, '');
  const target = { host, port: Number(port) };
  const prefix = options.userPrefix ?? 'hostile';
  const bombs = name === 'decompression' ? decompressionBombs() : undefined;
  const state = { stopped: false, sent: 0, connections: 0, sockets: new Set<Socket>() };
  const loops: Promise<void>[] = [];
  for (let i = 0; i < options.clients; i++) {
    const userId = `${prefix}-${i}`;
    const deviceId = `${prefix}-device-${i}`;
    const run = async () => {
      while (!state.stopped) {
        const ttlMs = name === 'expiredToken' ? 1000 : 3_600_000;
        const token = await options.token(userId, deviceId, ttlMs);
        try {
          await attackOnce(name, target, token, userId, deviceId, state, bombs);
        } catch {
          // A refused or cut connection is what the gateway is supposed to do; try again.
        }
        if (!state.stopped) await delay(20);
      }
    };
    loops.push(run());
  }
  return {
    sent: () => state.sent,
    connections: () => state.connections,
    async stop() {
      state.stopped = true;
      for (const socket of state.sockets) socket.destroy();
      await Promise.all(loops);
    },
  };
}

interface AttackState {
  stopped: boolean;
  sent: number;
  connections: number;
  sockets: Set<Socket>;
}

async function attackOnce(
  name: AttackName,
  target: { host: string; port: number },
  token: string,
  userId: string,
  deviceId: string,
  state: AttackState,
  bombs: readonly Uint8Array[] | undefined,
): Promise<void> {
  const socket = connect(target);
  state.sockets.add(socket);
  state.connections += 1;
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.on('error', () => undefined);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('close', () => reject(new Error('closed before connecting')));
    });
    if (name === 'slowHeaders') {
      // Headers a byte at a time, never finished: the socket is held until the gateway cuts it.
      socket.write(`GET / HTTP/1.1\r\nHost: ${target.host}\r\n`);
      while (!state.stopped && !socket.destroyed) {
        socket.write('X');
        state.sent += 1;
        await Promise.race([delay(500), closed]);
      }
      return;
    }
    await handshake(socket, target.host, token);
    switch (name) {
      case 'flood':
        // Junk as fast as the socket takes it, never reading a reply.
        socket.pause();
        await writeAll(socket, state, closed, () => wsFrame(0x2, randomBytes(64)));
        return;
      case 'amplification': {
        // A frame of 500 ops the gateway rejects (another user's), re-sent without reading the ACKs.
        socket.pause();
        const frame = await rejectedFrame(userId, deviceId);
        let id = 0;
        await writeAll(socket, state, closed, () =>
          wsFrame(0x2, encodeGatewayMessage({ type: 'frame', frameId: ++id, frame })),
        );
        return;
      }
      case 'decompression': {
        // Small frames that inflate to as much as a body may hold, as fast as the gateway reads.
        socket.resume();
        let id = 0;
        const all = bombs ?? [];
        await writeAll(socket, state, closed, () =>
          wsFrame(
            0x2,
            encodeGatewayMessage({ type: 'frame', frameId: ++id, frame: all[id % all.length] as Uint8Array }),
          ),
        );
        return;
      }
      case 'fragments': {
        // The first 200 KiB of a message that is never finished, then a byte now and then.
        socket.resume();
        socket.write(wsFrame(0x2, randomBytes(200 * 1024), false));
        state.sent += 1;
        while (!state.stopped && !socket.destroyed) {
          await Promise.race([delay(500), closed]);
          if (!socket.destroyed) socket.write(wsFrame(0x0, randomBytes(1), false));
        }
        return;
      }
      case 'expiredToken': {
        // A valid 1-op frame every 50 ms on a token that expires a second after it was made.
        socket.resume();
        let seq = 0;
        while (!state.stopped && !socket.destroyed) {
          seq += 1;
          const frame = await validFrame(userId, deviceId, seq);
          socket.write(wsFrame(0x2, encodeGatewayMessage({ type: 'frame', frameId: seq, frame })));
          state.sent += 1;
          await Promise.race([delay(50), closed]);
        }
        return;
      }
    }
  } finally {
    socket.destroy();
    state.sockets.delete(socket);
  }
}

/** Writes frames made by `next` while the socket accepts them; waits for drain, stops when closed. */
async function writeAll(
  socket: Socket,
  state: AttackState,
  closed: Promise<void>,
  next: () => Uint8Array,
): Promise<void> {
  while (!state.stopped && !socket.destroyed) {
    state.sent += 1;
    if (!socket.write(next())) {
      // A peer that stopped reading us: wait, but not forever (the gateway may never drain us).
      await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed, delay(1000)]);
    } else if (state.sent % 64 === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** The client side of the WebSocket opening handshake; resolves once the gateway answered 101. */
export function handshake(socket: Socket, host: string, token: string): Promise<void> {
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET / HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Protocol: ${GATEWAY_SUBPROTOCOL}, ${TOKEN_SUBPROTOCOL_PREFIX}${token}\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(head.split('\r\n')[0]));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
}

/** One masked client WebSocket frame (RFC 6455 §5.2); `fin` false leaves the message open. */
export function wsFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const out = Buffer.alloc(2 + extended + 4 + length);
  out[0] = (fin ? 0x80 : 0) | opcode;
  out[1] = 0x80 | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) out.writeUInt16BE(length, 2);
  if (extended === 8) out.writeBigUInt64BE(BigInt(length), 2);
  // An all-zero masking key leaves the payload as it is; the gateway accepts any key.
  out.set(payload, 2 + extended + 4);
  return out;
}

/**
 * Self-contained frames whose zstd body inflates to 1 MiB or 16 MiB of zeros, declaring 1, 20 or
 * 500 ops: as much as a body may hold, and more. Written field by field (frame format 2),
 * because no honest encoder makes them.
 */
function decompressionBombs(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (const bodyLength of [1024 * 1024, 16 * 1024 * 1024]) {
    for (const opCount of [1, 20, 500]) frames.push(decompressionBomb('bomb', opCount, bodyLength));
  }
  return frames;
}

/** A compressed frame of `deviceId` declaring `opCount` ops whose body inflates to `bodyLength` zeros. */
export function decompressionBomb(deviceId: string, opCount: number, bodyLength: number): Uint8Array {
  return rawFrame(deviceId, opCount, bodyLength, zstdZeros(bodyLength));
}

/**
 * A zstd frame (RFC 8878) of `size` zero bytes made of RLE blocks: 4 bytes per 128 KiB, so a
 * 16 MiB body takes about 520 bytes.
 */
function zstdZeros(size: number): Uint8Array {
  const BLOCK = 128 * 1024;
  const blocks = Math.ceil(size / BLOCK);
  const out = Buffer.alloc(4 + 1 + 8 + blocks * 4);
  out.writeUInt32LE(0xfd2fb528, 0);
  // Frame header descriptor: 8-byte content size, single segment (no window descriptor).
  out[4] = (3 << 6) | 0x20;
  out.writeBigUInt64LE(BigInt(size), 5);
  let pos = 13;
  for (let i = 0; i < blocks; i++) {
    const blockSize = Math.min(BLOCK, size - i * BLOCK);
    const last = i === blocks - 1 ? 1 : 0;
    const header = last | (1 << 1) | (blockSize << 3);
    out[pos] = header & 0xff;
    out[pos + 1] = (header >>> 8) & 0xff;
    out[pos + 2] = (header >>> 16) & 0xff;
    out[pos + 3] = 0;
    pos += 4;
  }
  return out;
}

function rawFrame(deviceId: string, opCount: number, bodyLength: number, body: Uint8Array): Uint8Array {
  const bytes: number[] = [];
  const varint = (value: number) => {
    let v = value;
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
  };
  const id = new TextEncoder().encode(deviceId);
  varint((1 << 3) | 0);
  varint(FORMAT_VERSION);
  varint((2 << 3) | 0);
  varint(FLAG_COMPRESSED);
  varint((5 << 3) | 2);
  varint(id.length);
  bytes.push(...id);
  varint((6 << 3) | 0);
  varint(opCount);
  varint((7 << 3) | 0);
  varint(1);
  varint((9 << 3) | 0);
  varint(bodyLength);
  const crc = frameChecksum(
    {
      formatVersion: FORMAT_VERSION,
      flags: FLAG_COMPRESSED,
      dictionaryId: 0,
      contextVersion: 0,
      deviceId,
      opCount,
      firstSeq: 1,
      lastSeq: opCount,
      bodyLength,
      skipped: [],
    },
    body,
  );
  varint((10 << 3) | 5);
  bytes.push(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, (crc >>> 24) & 0xff);
  varint((15 << 3) | 2);
  varint(body.length);
  const out = new Uint8Array(bytes.length + body.length);
  out.set(bytes);
  out.set(body, bytes.length);
  return out;
}

let sharedCodec: Promise<Codec> | undefined;
function codec(): Promise<Codec> {
  sharedCodec ??= createCodec();
  return sharedCodec;
}

/**
 * 500 ops, every other one naming another user: the gateway rejects 250 single-seq ranges, so
 * each ACK carries as many ranges as it may.
 */
async function rejectedFrame(userId: string, deviceId: string): Promise<Uint8Array> {
  const ops = Array.from({ length: 500 }, (_, i) => progressOp(i % 2 === 0 ? 'someone-else' : userId, deviceId, i + 1));
  return (await codec()).encodeFrame(deviceId, ops).bytes;
}

/** One valid progress update of `deviceId`. */
async function validFrame(userId: string, deviceId: string, seq: number): Promise<Uint8Array> {
  return (await codec()).encodeFrame(deviceId, [progressOp(userId, deviceId, seq)]).bytes;
}

/**
 * One progress update of `deviceId` at `seq` (title `title-<seq % 7>`, position `seq` seconds):
 * the op attack clients, the attack bench and the store conformance suite send.
 */
export function progressOp(
  userId: string,
  deviceId: string,
  seq: number,
  timestamp = Date.now() - 60_000,
): SequencedOperation {
  return {
    deviceId,
    seq,
    hlc: { physicalMs: timestamp, logical: 0, nodeId: deviceId },
    op: {
      type: 'progressUpdate',
      userId,
      contentId: `title-${seq % 7}`,
      positionMs: seq * 1000,
      durationMs: 5_400_000,
      state: 'playing',
      timestamp,
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
