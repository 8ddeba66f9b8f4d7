import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGatewayMessage, type SequencedOperation } from '@media-sync/protocol';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { afterAll, describe, expect, it } from 'vitest';
import { handshake, wsFrame } from '../src/hostile-clients.js';
import { deferCleanup, eventually, outgoing, token, USER } from './helpers.js';
import { spawnGateway, watchRss } from './hostile-process.js';

const dir = mkdtempSync(join(tmpdir(), 'media-sync-outbound-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAX_OUTBOUND_BYTES = 256 * 1024;
/** Incompressible command payloads, each near the protocol's 16 KiB bound. */
const PAYLOAD_CHARS = 15_000;
const COMMANDS_PER_FRAME = 12;
/** Far more than the kernel's socket buffers on loopback and the bound together. */
const MAX_BYTES_PUSHED = 96 * 1024 * 1024;

function bigCommand(seq: number, target: string): SequencedOperation {
  const timestamp = Date.now();
  return {
    deviceId: 'phone',
    seq,
    hlc: { physicalMs: timestamp, logical: 0, nodeId: 'phone' },
    op: {
      type: 'deviceCommand',
      commandId: `cmd-${seq}`,
      sourceDeviceId: 'phone',
      targetDeviceId: target,
      commandType: 'queue',
      payload: { items: randomBytes(PAYLOAD_CHARS).toString('base64').slice(0, PAYLOAD_CHARS) },
      timestamp,
      expiresAt: timestamp + 3_600_000,
    },
  };
}

/**
 * Every server WebSocket frame in `bytes` (unmasked, RFC 6455 §5.2), as far as it is complete:
 * the opcodes, and the close code of a close frame.
 */
function serverFrames(bytes: Buffer): { opcodes: number[]; closeCode?: number } {
  const opcodes: number[] = [];
  let closeCode: number | undefined;
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    opcodes.push(opcode);
    if (opcode === 0x8 && length >= 2) closeCode = bytes.readUInt16BE(start);
    at = start + length;
  }
  return closeCode === undefined ? { opcodes } : { opcodes, closeCode };
}

/** A device's connection that subscribes to its user's log and commands, then reads nothing. */
async function slowSubscriber(url: string, deviceId: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  deferCleanup(() => void socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  await handshake(socket, hostname, await token(deviceId));
  socket.write(wsFrame(0x2, encodeGatewayMessage({ type: 'subscribe', since: 0 })));
  socket.pause();
  return socket;
}

/** `count` watchlist adds of random 200-character titles: fan-out the codec cannot shrink much. */
function bulkyOps(firstSeq: number, count: number): SequencedOperation[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const timestamp = Date.now() - 60_000;
    return {
      deviceId: 'phone',
      seq,
      hlc: { physicalMs: timestamp, logical: seq, nodeId: 'phone' },
      op: {
        type: 'watchlistAdd',
        userId: USER,
        contentId: randomBytes(150).toString('base64'),
        timestamp,
      },
    };
  });
}

describe('a subscriber that stops reading (SPEC §12, outbound bytes)', () => {
  it('is closed with 1013 once its queued replies would pass maxOutboundBytes; the bound is counted and the gateway stays small', async () => {
    const gateway = await spawnGateway(dir, { maxOutboundBytes: MAX_OUTBOUND_BYTES, synchronous: 'normal' });
    deferCleanup(gateway.stop);

    // The slow device subscribes to its user's log and commands, then never reads again.
    const slow = await slowSubscriber(gateway.url, 'slow-tv');
    // What the gateway sent is read only after the bound was hit, to find its close frame.
    const received: Buffer[] = [];
    let ended = false;
    slow.on('data', (chunk: Buffer) => received.push(chunk));
    slow.on('close', () => {
      ended = true;
    });

    const phone = createWebSocketPublisher({ url: gateway.url, token: await token('phone'), ackTimeoutMs: 30_000 });
    deferCleanup(() => phone.close());
    const rss = watchRss(gateway);
    const start = gateway.rssBytes();
    let pushed = 0;
    let seq = 0;
    const overLimit = async () => (await gateway.healthz()).body.limits.outboundOverLimit ?? 0;
    while ((await overLimit()) === 0) {
      if (pushed > MAX_BYTES_PUSHED)
        throw new Error(`${pushed} bytes of commands pushed and the slow reader was never cut`);
      const ops = Array.from({ length: COMMANDS_PER_FRAME }, () => bigCommand(++seq, 'slow-tv'));
      const frame = await outgoing(ops);
      const ack = await phone.publish(frame);
      expect(ack.rejected).toEqual([]);
      pushed += frame.bytes.length;
    }
    const peak = rss.stop();
    console.log(
      `slow reader cut after ${(pushed / 1048576).toFixed(1)} MiB of commands for it; gateway RSS ${(start / 1048576).toFixed(0)} → peak ${(peak / 1048576).toFixed(0)} MB`,
    );
    // More than the bound was pushed at it (the kernel's buffers took their share first) ...
    expect(pushed).toBeGreaterThan(MAX_OUTBOUND_BYTES);
    // ... yet the gateway held no more than the bound for it: far less than what was pushed.
    expect(peak - start).toBeLessThan(64 * 1024 * 1024);
    expect(gateway.logs.map((line) => line.message)).toContain('connection closed: it does not read its replies');
    const metrics = await (await fetch(`${gateway.url.replace(/^ws/, 'http')}/metrics`)).text();
    expect(metrics).toMatch(/media_sync_limit_hits_total\{limit="outboundOverLimit"\} [1-9]/);

    // Reading now, the slow device finds the gateway's close frame with 1013 (try again later).
    slow.resume();
    await eventually(() => ended, 20_000);
    const frames = serverFrames(Buffer.concat(received));
    expect(frames.opcodes.filter((opcode) => opcode === 0x2).length).toBeGreaterThan(0);
    expect(frames.closeCode).toBe(1013);

    // The writer was never affected, and the commands wait in the box for the slow device.
    const next = await outgoing([bigCommand(++seq, 'slow-tv')]);
    expect((await phone.publish(next)).rejected).toEqual([]);
  }, 120_000);

  it('the subscribers with the most queued are cut once all together would pass maxTotalOutboundBytes', async () => {
    const total = 3 * 1024 * 1024;
    const gateway = await spawnGateway(dir, { maxTotalOutboundBytes: total, synchronous: 'normal' });
    deferCleanup(gateway.stop);
    // Eight devices of the user subscribe and stop reading: each stays under its own 4 MiB bound.
    const slow = await Promise.all(Array.from({ length: 8 }, (_, i) => slowSubscriber(gateway.url, `slow-${i}`)));
    const phone = createWebSocketPublisher({ url: gateway.url, token: await token('phone'), ackTimeoutMs: 30_000 });
    deferCleanup(() => phone.close());
    const rss = watchRss(gateway);
    const start = gateway.rssBytes();
    let seq = 0;
    let fannedOut = 0;
    const health = async () => (await gateway.healthz()).body;
    while (((await health()).limits.outboundOverBudget ?? 0) === 0) {
      if (fannedOut > MAX_BYTES_PUSHED) throw new Error(`${fannedOut} bytes fanned out and no connection was cut`);
      const frame = await outgoing(bulkyOps(seq + 1, 500));
      seq += 500;
      expect((await phone.publish(frame)).rejected).toEqual([]);
      fannedOut += frame.bytes.length * slow.length;
    }
    const peak = rss.stop();
    const after = await health();
    console.log(
      `cut after ${(fannedOut / 1048576).toFixed(1)} MiB fanned out to 8 readers that stopped; gateway RSS ${(start / 1048576).toFixed(0)} → peak ${(peak / 1048576).toFixed(0)} MB; queued now ${after.outboundQueuedBytes} B`,
    );
    expect(fannedOut).toBeGreaterThan(total);
    expect(after.outboundQueuedBytes).toBeLessThanOrEqual(total);
    // (No bound on RSS here: the writer's 20 000-odd unique titles grow the replica and the log,
    // which dwarfs the 3 MiB this test is about; the test above bounds memory for one reader.)
    expect(gateway.logs.map((line) => line.message)).toContain(
      'connection closed: outbound budget of all connections used up',
    );
    const metrics = await (await fetch(`${gateway.url.replace(/^ws/, 'http')}/metrics`)).text();
    expect(metrics).toMatch(/media_sync_limit_hits_total\{limit="outboundOverBudget"\} [1-9]/);
    expect(metrics).toMatch(/media_sync_outbound_queued_bytes \d+/);
    // The writer, which reads its replies, is served on.
    expect((await phone.publish(await outgoing(bulkyOps(seq + 1, 1)))).rejected).toEqual([]);
  }, 120_000);
});
