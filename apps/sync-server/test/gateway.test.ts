import { createWebSocketPublisher, createWebSocketSubscriber } from '@media-sync/publisher-websocket';
import type { IncomingFrame } from '@media-sync/queue';
import { createReplica } from '@media-sync/state';
import { describe, expect, it, vi } from 'vitest';
import { SqliteGatewayStore } from '../src/store.js';
import {
  codec,
  commandOp,
  deferCleanup,
  eventually,
  gateway,
  OTHER_USER,
  outgoing,
  progressOps,
  rawClient,
  token,
  USER,
  watchlistOp,
} from './helpers.js';

async function publisher(url: string, deviceId: string, options: { sessionContext?: boolean } = {}) {
  const created = createWebSocketPublisher({ url, token: await token(deviceId), ...options });
  deferCleanup(() => created.close());
  return created;
}

/** A device replica fed by a subscriber, as an app would keep one. */
async function device(url: string, deviceId: string, since = 0) {
  const replica = createReplica({ userId: USER });
  const frames: IncomingFrame[] = [];
  const subscriber = createWebSocketSubscriber({ url, token: await token(deviceId), since });
  const c = await codec();
  const subscription = await subscriber.subscribe(USER, (frame) => {
    frames.push(frame);
    replica.applyAll(c.decodeFrame(frame.bytes, { userId: USER }).ops);
  });
  deferCleanup(() => subscription.unsubscribe());
  return { replica, frames, subscriber };
}

describe('sync gateway', () => {
  it('answers GET /healthz', async () => {
    const { server } = await gateway();
    const response = await fetch(`${server.url.replace('ws:', 'http:')}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('acks a frame after merging it, and acks a re-sent frame as a duplicate without applying it twice', async () => {
    const { server } = await gateway();
    const tv = await publisher(server.url, 'tv');
    const frame = await outgoing(progressOps('tv', 1, 10));
    const ack = await tv.publish(frame);
    expect(ack).toMatchObject({ duplicate: false, rejected: [] });
    expect(await server.headOf(USER)).toBe(10);
    const before = await server.stateOf(USER);
    expect(before.progress).toHaveLength(5);

    const again = await tv.publish(frame);
    expect(again.duplicate).toBe(true);
    expect(await server.stateOf(USER)).toEqual(before);
    expect(await server.headOf(USER)).toBe(10);
    expect(server.metrics()).toMatchObject({ opsApplied: 10, opsDuplicate: 10, framesDuplicate: 1 });
  });

  it('applies only the unseen ops of a frame that overlaps what it already has', async () => {
    const { server } = await gateway();
    const tv = await publisher(server.url, 'tv', { sessionContext: false });
    await tv.publish(await outgoing(progressOps('tv', 1, 5)));
    const ack = await tv.publish(await outgoing(progressOps('tv', 3, 6)));
    expect(ack.duplicate).toBe(false);
    expect(await server.headOf(USER)).toBe(8);
    expect(server.metrics().opsApplied).toBe(8);
  });

  it('applies an op below the high-water mark that it never settled (a requeued dead letter)', async () => {
    const { server } = await gateway();
    const tv = await publisher(server.url, 'tv', { sessionContext: false });
    const ops = progressOps('tv', 1, 6);
    await tv.publish(await outgoing(ops.slice(0, 3)));
    const later = await outgoing(ops.slice(4, 6));
    await tv.publish(later);
    expect(await server.headOf(USER)).toBe(5);
    const requeued = await tv.publish(await outgoing(ops.slice(3, 4)));
    expect(requeued.duplicate).toBe(false);
    expect(await server.headOf(USER)).toBe(6);
    expect((await tv.publish(later)).duplicate).toBe(true);
    expect(await server.headOf(USER)).toBe(6);
  });

  it('applies the unsettled ops of a re-sent frame with seq gaps whose range count looks settled', async () => {
    const { server } = await gateway();
    const tv = await publisher(server.url, 'tv', { sessionContext: false });
    const ops = progressOps('tv', 1, 7);
    await tv.publish(await outgoing(ops.slice(0, 2)));
    await tv.publish(await outgoing(ops.slice(3, 5)));
    await tv.publish(await outgoing(ops.slice(6, 7)));
    expect(await server.headOf(USER)).toBe(5);
    // Seqs 3 and 6 were dead-lettered and come back in one frame; 4 and 5 in its range are
    // settled, so a range count equals its op count although neither of its ops was applied.
    const requeued = await tv.publish(await outgoing(ops.filter((entry) => entry.seq === 3 || entry.seq === 6)));
    expect(requeued).toMatchObject({ duplicate: false, rejected: [] });
    expect(await server.headOf(USER)).toBe(7);
  });

  it('repeats the stored rejection of an already settled op in a partly duplicate frame', async () => {
    const { server } = await gateway();
    const tv = await publisher(server.url, 'tv', { sessionContext: false });
    const foreign = progressOps('tv', 1, 1, OTHER_USER);
    const first = await tv.publish(await outgoing(foreign));
    expect(first.rejected).toEqual([{ firstSeq: 1, lastSeq: 1, code: 'FORBIDDEN_USER' }]);
    const overlapping = await tv.publish(await outgoing([...foreign, ...progressOps('tv', 2, 1)]));
    expect(overlapping.duplicate).toBe(false);
    expect(overlapping.rejected).toEqual(first.rejected);
    expect(await server.headOf(USER)).toBe(1);
    expect(server.metrics().opsRejected).toBe(1);
  });

  it('fans changes out to the other devices of the user, and catches up a late device', async () => {
    const { server } = await gateway();
    const phone = await device(server.url, 'phone');
    await eventually(() => phone.subscriber.connectionState === 'online');
    const tv = await publisher(server.url, 'tv');
    await tv.publish(await outgoing(progressOps('tv', 1, 20)));
    await tv.publish(await outgoing([watchlistOp('tv', 21, 'tt0111161')]));
    await phone.subscriber.waitForCursor(await server.headOf(USER));
    const expected = await server.stateOf(USER);
    expect(phone.replica.progress()).toEqual(expected.progress);
    expect(phone.replica.watchlist({ includeTombstones: true })).toEqual(expected.watchlist);

    const late = await device(server.url, 'laptop');
    await late.subscriber.waitForCursor(await server.headOf(USER));
    expect(late.replica.progress()).toEqual(expected.progress);
    // Live and catch-up frames are user-bound: the user is the subscriber's, not in the frame.
    const c = await codec();
    for (const frame of [phone.frames[0], late.frames[0]]) {
      expect(() => c.decodeFrame(frame?.bytes ?? new Uint8Array())).toThrow(
        expect.objectContaining({ code: 'USER_REQUIRED' }),
      );
      expect(() => c.decodeFrame(frame?.bytes ?? new Uint8Array(), { userId: OTHER_USER })).toThrow(
        expect.objectContaining({ code: 'CRC_MISMATCH' }),
      );
    }
    // The sender does not get its own ops back live, only its cursor moves past them.
    const tvDevice = await device(server.url, 'tv', await server.headOf(USER));
    await eventually(() => tvDevice.subscriber.connectionState === 'online');
    await tv.publish(await outgoing(progressOps('tv', 22, 1)));
    await tvDevice.subscriber.waitForCursor(await server.headOf(USER));
    await phone.subscriber.waitForCursor(await server.headOf(USER));
    expect(tvDevice.frames).toHaveLength(0);
  });

  it('stores a command for an offline device and delivers it once when the device connects', async () => {
    const { server } = await gateway();
    const tv = await publisher(server.url, 'tv');
    await tv.publish(
      await outgoing([
        commandOp('tv', 1, 'phone'),
        commandOp('tv', 2, 'phone', { timestamp: Date.now() - 600_000, expiresAt: Date.now() - 1 }),
      ]),
    );
    expect(server.metrics()).toMatchObject({ commandsStored: 1, commandsExpired: 1 });

    const phone = await device(server.url, 'phone');
    await eventually(() => server.metrics().commandsDelivered === 1);
    expect(phone.frames.map((frame) => frame.transportId)).toEqual([expect.stringMatching(/^command:/)]);
    expect(phone.replica.takeCommands('phone', Date.now()).map((entry) => entry.command.commandId)).toEqual([
      'cmd-tv-1',
    ]);

    const again = await device(server.url, 'phone');
    await eventually(() => again.subscriber.connectionState === 'online');
    // A live command after the first one proves the second connection is served and got nothing old.
    await tv.publish(await outgoing([commandOp('tv', 3, 'phone')]));
    await eventually(() => again.frames.length === 1);
    const [frame] = again.frames;
    expect((await codec()).decodeFrame(frame?.bytes ?? new Uint8Array()).ops.map((entry) => entry.seq)).toEqual([3]);
  });

  it('answers a bad frame with the codec error code and keeps the connection and the server up', async () => {
    const { server } = await gateway();
    const client = rawClient(server.url, await token('tv'));
    await client.receivedCount(1);
    expect(client.received[0]).toMatchObject({ type: 'hello', userId: USER, deviceId: 'tv' });

    const good = await outgoing(progressOps('tv', 1, 3));
    const corrupted = Uint8Array.from(good.bytes);
    corrupted[corrupted.length - 1] = (corrupted[corrupted.length - 1] ?? 0) ^ 0xff;
    client.send({ type: 'frame', frameId: 1, frame: corrupted });
    client.send({ type: 'frame', frameId: 2, frame: new Uint8Array([0xff, 0xff, 0xff]) });
    // Not a GatewayMessage: field 15, wire type 7 does not exist.
    client.socket.send(Buffer.from([0x7f]));
    client.send({ type: 'frame', frameId: 3, frame: good.bytes });
    await client.receivedCount(5);
    const [, first, second, third, fourth] = client.received;
    expect(first).toMatchObject({ type: 'error', frameId: 1 });
    expect(first?.type === 'error' && first.code).toMatch(/^[A-Z_]+$/);
    expect(second).toMatchObject({ type: 'error', frameId: 2 });
    expect(third).toMatchObject({ type: 'error', frameId: 0, code: 'BAD_MESSAGE' });
    expect(fourth).toMatchObject({ type: 'ack', frameId: 3, duplicate: false, rejected: [], rejectedCount: 0 });
    expect(await server.headOf(USER)).toBe(3);
  });

  it('cuts a connection whose device it cannot register, logs why and keeps serving', async () => {
    const errors: string[] = [];
    const { server } = await gateway({
      logger: { info() {}, warn() {}, error: (_fields, message) => errors.push(message) },
    });
    const register = vi
      .spyOn(SqliteGatewayStore.prototype, 'registerDevice')
      .mockRejectedValueOnce(new Error('disk I/O error'));
    deferCleanup(async () => register.mockRestore());
    const client = rawClient(server.url, await token('tv'));
    // 1013, try again later: the store failed, not anything the device did.
    expect(await client.closed).toEqual({ code: 1013, reason: 'the gateway cannot reach its store; try again later' });
    expect(errors).toEqual(['connection not set up']);
    const ack = await (await publisher(server.url, 'tv')).publish(await outgoing(progressOps('tv', 1, 1)));
    expect(ack.duplicate).toBe(false);
  });

  it('answers a command ack it cannot store with INTERNAL and keeps the connection', async () => {
    const { server } = await gateway();
    const remove = vi
      .spyOn(SqliteGatewayStore.prototype, 'deleteCommand')
      .mockRejectedValueOnce(new Error('disk I/O error'));
    deferCleanup(async () => remove.mockRestore());
    const client = rawClient(server.url, await token('phone'));
    await client.receivedCount(1); // HELLO
    client.send({ type: 'commandAck', deliveryId: 42 });
    await client.receivedCount(2);
    expect(client.received[1]).toMatchObject({ type: 'error', frameId: 0, code: 'INTERNAL' });
    const frame = await outgoing(progressOps('phone', 1, 1));
    client.send({ type: 'frame', frameId: 7, frame: frame.bytes });
    await client.receivedCount(3);
    expect(client.received[2]).toMatchObject({ type: 'ack', frameId: 7 });
    expect(await server.headOf(USER)).toBe(1);
  });

  it('carries session context: later frames are smaller; a duplicate ack does not advance the context', async () => {
    const first = await gateway();
    const tv = await publisher(first.server.url, 'tv');
    const acks = [];
    for (let seq = 1; seq <= 30; seq += 1) acks.push(await tv.publish(await outgoing(progressOps('tv', seq, 1))));
    const alone = (await outgoing(progressOps('tv', 31, 1))).bytes.length;
    const withContext = acks[acks.length - 1]?.metrics.bytesWire ?? 0;
    expect(withContext).toBeLessThan(alone);
    expect(tv.stats().contextFrames).toBeGreaterThan(0);
    expect(await first.server.headOf(USER)).toBe(30);

    // A re-sent frame is acked from its header without decoding, so the gateway's session never
    // holds its version; the client does not build on it, and the next frame still uses context.
    const last = await outgoing(progressOps('tv', 30, 1));
    expect((await tv.publish(last)).duplicate).toBe(true);
    const next = await outgoing(progressOps('tv', 31, 1));
    const ack = await tv.publish(next);
    expect(ack.metrics.bytesWire).toBeLessThan(next.bytes.length);
    expect(tv.stats().contextMismatches).toBe(0);
    expect(await first.server.headOf(USER)).toBe(31);
  });

  it('survives a restart on the same database: state, log and dedupe marks are durable', async () => {
    const first = await gateway();
    const tv = await publisher(first.server.url, 'tv');
    const frame = await outgoing(progressOps('tv', 1, 50));
    await tv.publish(frame);
    const state = await first.server.stateOf(USER);
    await first.server.close();
    await tv.close();

    const second = await gateway({ dir: first.dir, dbPath: first.dbPath, snapshotEvery: 7 });
    expect(await second.server.stateOf(USER)).toEqual(state);
    expect(await second.server.headOf(USER)).toBe(50);
    const again = await publisher(second.server.url, 'tv');
    expect((await again.publish(frame)).duplicate).toBe(true);
    await again.publish(await outgoing(progressOps('tv', 51, 20)));
    const expected = await second.server.stateOf(USER);
    await second.server.close();
    const third = await gateway({ dir: first.dir, dbPath: first.dbPath });
    expect(await third.server.stateOf(USER)).toEqual(expected);
  });

  it('cuts a connection that stops answering heartbeat pings', async () => {
    const { server } = await gateway({ heartbeatMs: 20 });
    const client = rawClient(server.url, await token('tv'), { autoPong: false });
    await eventually(() => server.metrics().connections === 1);
    await client.closed;
    await eventually(() => server.metrics().connections === 0);
  });

  it('shuts down gracefully: clients go offline and publish fails fast instead of hanging', async () => {
    const { server } = await gateway();
    // Long enough to connect on a loaded box; after the shutdown publish fails once it has passed.
    const tv = createWebSocketPublisher({ url: server.url, token: await token('tv'), connectTimeoutMs: 2000 });
    deferCleanup(() => tv.close());
    await tv.publish(await outgoing(progressOps('tv', 1, 1)));
    expect(tv.connectionState).toBe('online');
    const offline = new Promise<void>((resolve) => tv.onConnectionState((state) => state === 'offline' && resolve()));
    await server.close();
    await offline;
    await expect(tv.publish(await outgoing(progressOps('tv', 2, 1)))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      transient: true,
    });
  }, 15_000);
});
