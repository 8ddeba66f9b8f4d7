import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SequencedOperation } from '@media-sync/protocol';
import { createWebSocketPublisher, type WebSocketPublisher } from '@media-sync/publisher-websocket';
import { type OutgoingFrame, PublisherError } from '@media-sync/queue';
import { createReplica } from '@media-sync/state';
import { describe, expect, it } from 'vitest';
import { startSyncServer } from '../src/index.js';
import {
  codec,
  deferCleanup,
  eventually,
  outgoing,
  progressOps,
  SECRET,
  startTestGateway,
  token,
  USER,
  watchlistOp,
} from './helpers.js';

/** The ops of two devices, cut into frames of `size` as a queue would (per device, seq order). */
async function workload(
  perDevice: number,
  size: number,
): Promise<{ ops: SequencedOperation[]; frames: OutgoingFrame[] }> {
  const ops: SequencedOperation[] = [];
  const frames: OutgoingFrame[] = [];
  for (const deviceId of ['tv', 'phone']) {
    const own = progressOps(deviceId, 1, perDevice);
    own.push(watchlistOp(deviceId, perDevice + 1, `tt-${deviceId}`));
    ops.push(...own);
    for (let i = 0; i < own.length; i += size) frames.push(await outgoing(own.slice(i, i + size)));
  }
  return { ops, frames };
}

/** What a clean run ends with: every op applied once to a fresh replica. */
function cleanState(ops: SequencedOperation[]) {
  const replica = createReplica({ userId: USER });
  replica.applyAll(ops);
  return { progress: replica.progress(), watchlist: replica.watchlist({ includeTombstones: true }) };
}

/**
 * Publishes frames in order the way the queue's replay does: a transient failure keeps the
 * frame and tries it again once the publisher is back online; nothing is skipped.
 */
async function replay(
  publishers: Map<string, WebSocketPublisher>,
  frames: OutgoingFrame[],
  onAck: (index: number) => Promise<void> | void = () => {},
): Promise<{ duplicates: number; retries: number }> {
  let duplicates = 0;
  let retries = 0;
  for (const [index, frame] of frames.entries()) {
    const publisher = publishers.get(frame.deviceId);
    if (!publisher) throw new Error(`no publisher for ${frame.deviceId}`);
    for (;;) {
      try {
        const ack = await publisher.publish(frame);
        if (ack.duplicate) duplicates += 1;
        expect(ack.rejected).toEqual([]);
        break;
      } catch (error) {
        if (!(error instanceof PublisherError) || !error.transient) throw error;
        retries += 1;
        if (publisher.connectionState !== 'online') {
          await new Promise<void>((resolve) => {
            const stop = publisher.onConnectionState((state) => {
              if (state === 'online') {
                stop();
                resolve();
              }
            });
          });
        }
      }
    }
    await onAck(index);
  }
  return { duplicates, retries };
}

const FIXTURE = fileURLToPath(new URL('./fixtures/gateway-process.ts', import.meta.url));

function spawnGateway(dbPath: string, port: number): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@media-sync/source', '--import', 'tsx', FIXTURE, dbPath, SECRET, String(port)],
    { stdio: 'pipe' },
  );
  deferCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, url: line.trim() });
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`gateway process exited (${code}) before listening: ${err}`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A TCP proxy in front of the gateway that can cut a connection in the middle of a message. */
async function proxy(target: number) {
  const pairs = new Set<[Socket, Socket]>();
  let cutClientAfterBytes: number | undefined;
  let dropNextReply = false;
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('data', (chunk: Buffer) => {
      if (cutClientAfterBytes !== undefined && chunk.length > cutClientAfterBytes) {
        upstream.write(chunk.subarray(0, cutClientAfterBytes), cut);
        cutClientAfterBytes = undefined;
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (dropNextReply && chunk[0] === 0x82) {
        dropNextReply = false;
        cut();
        return;
      }
      client.write(chunk);
    });
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy address');
  deferCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  );
  return {
    url: `ws://127.0.0.1:${address.port}`,
    /** The next client write is forwarded only up to `bytes`, then both sides are closed. */
    cutNextClientWrite(bytes: number) {
      cutClientAfterBytes = bytes;
    },
    /** The next binary message from the gateway (an ACK) is swallowed and the link cut. */
    dropNextReply() {
      dropNextReply = true;
    },
  };
}

describe('gateway reliability (§12)', () => {
  it('ends equal to a clean run when the gateway is SIGKILLed and restarted mid-replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-kill-'));
    deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'gateway.db');
    const { ops, frames } = await workload(600, 40);
    let { child, url } = await spawnGateway(dbPath, 0);
    const port = Number(new URL(url).port);
    const publishers = new Map(
      await Promise.all(
        ['tv', 'phone'].map(
          async (deviceId) =>
            [
              deviceId,
              createWebSocketPublisher({
                url,
                token: await token(deviceId),
                ackTimeoutMs: 3000,
                backoff: { initialMs: 20, maxMs: 200 },
              }),
            ] as const,
        ),
      ),
    );
    for (const publisher of publishers.values()) deferCleanup(() => publisher.close());

    let kills = 0;
    let offline = 0;
    for (const publisher of publishers.values()) {
      publisher.onConnectionState((state) => {
        if (state === 'offline') offline += 1;
      });
    }
    let restarted: Promise<void> = Promise.resolve();
    await replay(publishers, frames, async (index) => {
      // Kill twice, at different points; the next frame goes out while the process dies.
      if (index === 7 || index === 23) {
        await restarted;
        const dying = child;
        dying.kill('SIGKILL');
        kills += 1;
        restarted = exited(dying)
          .then(() => spawnGateway(dbPath, port))
          .then((next) => {
            child = next.child;
          });
      }
    });
    await restarted;
    expect(kills).toBe(2);
    expect(offline).toBeGreaterThanOrEqual(2);
    child.kill('SIGTERM');
    await exited(child);

    const check = await startSyncServer({ secret: SECRET, dbPath, codec: await codec() });
    deferCleanup(() => check.close());
    expect(await check.stateOf(USER)).toEqual(cleanState(ops));
    // Every state op was logged exactly once: no duplicate applied, none lost.
    expect(await check.headOf(USER)).toBe(ops.length);
  }, 60_000);

  it('ends equal to a clean run when the connection drops mid-frame and when an ack is lost', async () => {
    const gateway = await startTestGateway();
    deferCleanup(gateway.cleanup);
    const link = await proxy(gateway.server.port);
    const { ops, frames } = await workload(200, 25);
    const publishers = new Map(
      await Promise.all(
        ['tv', 'phone'].map(
          async (deviceId) =>
            [
              deviceId,
              createWebSocketPublisher({
                url: link.url,
                token: await token(deviceId),
                backoff: { initialMs: 10, maxMs: 50 },
              }),
            ] as const,
        ),
      ),
    );
    for (const publisher of publishers.values()) deferCleanup(() => publisher.close());

    const { duplicates, retries } = await replay(publishers, frames, (index) => {
      if (index === 2) link.cutNextClientWrite(20);
      if (index === 5) link.dropNextReply();
    });
    expect(retries).toBeGreaterThanOrEqual(2);
    // The frame whose ack was lost had been applied: its re-send is acked as a duplicate.
    expect(duplicates).toBe(1);
    expect(await gateway.server.stateOf(USER)).toEqual(cleanState(ops));
    expect(await gateway.server.headOf(USER)).toBe(ops.length);
    expect(gateway.server.metrics().opsApplied).toBe(ops.length);
  });

  it('applies a frame delivered twice at once over two connections only once', async () => {
    const gateway = await startTestGateway();
    deferCleanup(gateway.cleanup);
    const first = createWebSocketPublisher({ url: gateway.server.url, token: await token('tv') });
    const second = createWebSocketPublisher({ url: gateway.server.url, token: await token('tv') });
    deferCleanup(
      () => first.close(),
      () => second.close(),
    );
    const frame = await outgoing(progressOps('tv', 1, 30));
    const acks = await Promise.all([first.publish(frame), second.publish(frame)]);
    expect(acks.map((ack) => ack.duplicate).sort()).toEqual([false, true]);
    expect(await gateway.server.headOf(USER)).toBe(30);
    await eventually(() => gateway.server.metrics().opsApplied === 30);
  });
});
