import {
  encodeGatewayMessage,
  GATEWAY_SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
  UNAUTHORIZED_CLOSE_CODE,
} from '@media-sync/protocol';
import { createWebSocketPublisher, createWebSocketSubscriber } from '@media-sync/publisher-websocket';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createToken } from '../src/index.js';
import {
  commandOp,
  deferCleanup,
  eventually,
  gateway,
  OTHER_USER,
  outgoing,
  progressOps,
  rawClient,
  SECRET,
  token,
  USER,
  watchlistOp,
} from './helpers.js';

/** The HTTP status the gateway answers a WebSocket upgrade with (101 when it accepts). */
function upgradeStatus(url: string, protocols: string[], headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe('gateway authentication and authorisation', () => {
  it('accepts a token in the subprotocol, the Authorization header or ?token=', async () => {
    const { server } = await gateway();
    const valid = await token('tv');
    expect(await upgradeStatus(server.url, [GATEWAY_SUBPROTOCOL, `token.${valid}`])).toBe(101);
    expect(await upgradeStatus(server.url, [GATEWAY_SUBPROTOCOL], { authorization: `Bearer ${valid}` })).toBe(101);
    expect(await upgradeStatus(`${server.url}/?token=${valid}`, [GATEWAY_SUBPROTOCOL])).toBe(101);
  });

  it('refuses with 401 before the upgrade: no token, a bad signature or an expired token in a header or ?token=', async () => {
    const { server } = await gateway();
    const forged = await createToken({ secret: 'not-the-secret', userId: USER, deviceId: 'tv' });
    const expired = await createToken({ secret: SECRET, userId: USER, deviceId: 'tv', expiresAt: Date.now() - 1 });
    expect(await upgradeStatus(server.url, [GATEWAY_SUBPROTOCOL])).toBe(401);
    expect(await upgradeStatus(server.url, [GATEWAY_SUBPROTOCOL], { authorization: `Bearer ${forged}` })).toBe(401);
    expect(await upgradeStatus(server.url, [GATEWAY_SUBPROTOCOL], { authorization: `Bearer ${expired}` })).toBe(401);
    expect(await upgradeStatus(`${server.url}/?token=${forged}`, [GATEWAY_SUBPROTOCOL])).toBe(401);
    expect(await upgradeStatus(`${server.url}/?token=${expired}`, [GATEWAY_SUBPROTOCOL])).toBe(401);
    expect(server.metrics().connections).toBe(0);
  });

  it('closes with 4401 a bad subprotocol token, which browsers cannot tell from a 401, and processes nothing', async () => {
    const { server } = await gateway();
    const forged = await createToken({ secret: 'not-the-secret', userId: USER, deviceId: 'tv' });
    const expired = await createToken({ secret: SECRET, userId: USER, deviceId: 'tv', expiresAt: Date.now() - 1 });
    const frame = await outgoing(progressOps('tv', 1, 3));
    for (const [bad, why] of [
      [forged, 'token bad signature'],
      [expired, 'token expired'],
    ] as const) {
      const closed = await new Promise<{ code: number; reason: string; received: number }>((resolve, reject) => {
        const socket = new WebSocket(server.url, [GATEWAY_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${bad}`]);
        let received = 0;
        // The frame goes out at once; the gateway must neither answer nor apply it.
        socket.on('open', () => socket.send(encodeGatewayMessage({ type: 'frame', frameId: 1, frame: frame.bytes })));
        socket.on('message', () => {
          received += 1;
        });
        socket.on('close', (code, reason) => resolve({ code, reason: reason.toString(), received }));
        socket.on('error', reject);
      });
      expect(closed).toEqual({ code: UNAUTHORIZED_CLOSE_CODE, reason: `UNAUTHORIZED: ${why}`, received: 0 });
    }
    expect(UNAUTHORIZED_CLOSE_CODE).toBe(4401);
    expect(await server.headOf(USER)).toBe(0);
    expect(await server.stateOf(USER)).toEqual({ progress: [], watchlist: [] });
    expect(server.metrics().connections).toBe(0);
  });

  it('makes the publisher fail for good with UNAUTHORIZED instead of retrying', async () => {
    const { server } = await gateway();
    const forged = await createToken({ secret: 'not-the-secret', userId: USER, deviceId: 'tv' });
    const publisher = createWebSocketPublisher({ url: server.url, token: forged });
    deferCleanup(() => publisher.close());
    await expect(publisher.publish(await outgoing(progressOps('tv', 1, 1)))).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      transient: false,
    });
    expect(await server.headOf(USER)).toBe(0);
  });

  it("rejects another user's ops per op, applies the rest, and repeats the verdict for a re-sent frame", async () => {
    const { server } = await gateway();
    const publisher = createWebSocketPublisher({ url: server.url, token: await token('tv') });
    deferCleanup(() => publisher.close());
    const [own] = progressOps('tv', 1, 1);
    const [foreign] = progressOps('tv', 2, 1, OTHER_USER);
    if (!own || !foreign) throw new Error('fixture');
    const frame = await outgoing([own, foreign, watchlistOp('tv', 3, 'tt1')]);
    const ack = await publisher.publish(frame);
    expect(ack.rejected).toEqual([{ firstSeq: 2, lastSeq: 2, code: 'FORBIDDEN_USER' }]);
    expect(await server.headOf(OTHER_USER)).toBe(0);
    expect(await server.stateOf(OTHER_USER)).toEqual({ progress: [], watchlist: [] });
    expect(await server.headOf(USER)).toBe(2);

    const again = await publisher.publish(frame);
    expect(again).toMatchObject({ duplicate: true, rejected: [{ firstSeq: 2, lastSeq: 2, code: 'FORBIDDEN_USER' }] });
    expect(await server.headOf(USER)).toBe(2);
  });

  it("rejects a frame of another device and leaves that device's dedupe mark alone", async () => {
    const { server } = await gateway();
    const frame = await outgoing(progressOps('phone', 1, 3));
    const raw = rawClient(server.url, await token('tv'));
    await raw.receivedCount(1);
    raw.send({ type: 'frame', frameId: 1, frame: frame.bytes });
    await raw.receivedCount(2);
    expect(raw.received[1]).toMatchObject({
      type: 'ack',
      frameId: 1,
      rejected: [{ firstSeq: 1, lastSeq: 3, code: 'FORBIDDEN_DEVICE' }],
    });
    expect(await server.headOf(USER)).toBe(0);

    // The publisher does not even send it: a token for the wrong device is a credentials
    // mistake (UNAUTHORIZED keeps the queue's ops pending), not a verdict on the ops.
    const tv = createWebSocketPublisher({ url: server.url, token: await token('tv') });
    deferCleanup(() => tv.close());
    await expect(tv.publish(frame)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/token is for device tv, the frame is of device phone/),
    });
    expect(await server.headOf(USER)).toBe(0);

    const phone = createWebSocketPublisher({ url: server.url, token: await token('phone') });
    deferCleanup(() => phone.close());
    expect(await phone.publish(frame)).toMatchObject({ duplicate: false, rejected: [] });
    expect(await server.headOf(USER)).toBe(3);
  });

  it("scopes device ids per user: another user's device of the same id changes nothing for A's commands", async () => {
    const { server } = await gateway();
    // user-b's living-room-tv connects first; the gateway must not take the id for user-b's.
    const bob = createWebSocketSubscriber({ url: server.url, token: await token('living-room-tv', OTHER_USER) });
    const bobReceived: unknown[] = [];
    deferCleanup(
      await bob.subscribe(OTHER_USER, (frame) => void bobReceived.push(frame)).then((s) => () => s.unsubscribe()),
    );
    await eventually(() => bob.connectionState === 'online');
    const mine = createWebSocketSubscriber({ url: server.url, token: await token('living-room-tv') });
    const myReceived: unknown[] = [];
    deferCleanup(await mine.subscribe(USER, (frame) => void myReceived.push(frame)).then((s) => () => s.unsubscribe()));
    await eventually(() => mine.connectionState === 'online');

    const tv = createWebSocketPublisher({ url: server.url, token: await token('phone') });
    deferCleanup(() => tv.close());
    const ack = await tv.publish(await outgoing([commandOp('phone', 1, 'living-room-tv')]));
    expect(ack.rejected).toEqual([]);
    await eventually(() => myReceived.length === 1);
    expect(server.metrics().commandsStored).toBe(1);
    // Nothing reached user-b's device of the same name.
    expect(bobReceived).toEqual([]);
  });

  it("rejects a command in another device's name and an op whose HLC names another node", async () => {
    const { server } = await gateway();
    const tv = createWebSocketPublisher({ url: server.url, token: await token('tv') });
    deferCleanup(() => tv.close());
    const spoofedSource = commandOp('phone', 1, 'tv');
    const [honest, foreignNode] = progressOps('tv', 2, 2);
    if (!honest || !foreignNode) throw new Error('fixture');
    const ack = await tv.publish(
      await outgoing([
        { ...spoofedSource, deviceId: 'tv', hlc: { ...spoofedSource.hlc, nodeId: 'tv' } },
        honest,
        // Same device and seq, but an HLC node id that would win last-writer-wins ties unfairly.
        { ...foreignNode, hlc: { ...foreignNode.hlc, nodeId: 'zzz-wins-every-tie' } },
      ]),
    );
    expect(ack.rejected).toEqual([
      { firstSeq: 1, lastSeq: 1, code: 'FORBIDDEN_DEVICE' },
      { firstSeq: 3, lastSeq: 3, code: 'FORBIDDEN_NODE' },
    ]);
    expect(server.metrics().commandsStored).toBe(0);
    expect(await server.headOf(USER)).toBe(1);
  });

  it('rejects a command to a device id no token can name (a NUL): INVALID_TARGET, the rest of the frame logged', async () => {
    const { server } = await gateway();
    const phone = createWebSocketPublisher({ url: server.url, token: await token('phone') });
    deferCleanup(() => phone.close());
    const [, state] = progressOps('phone', 1, 2);
    if (!state) throw new Error('fixture');
    const ack = await phone.publish(await outgoing([commandOp('phone', 1, 'tv\u0000'), state]));
    expect(ack.rejected).toEqual([{ firstSeq: 1, lastSeq: 1, code: 'INVALID_TARGET' }]);
    expect(server.metrics().commandsStored).toBe(0);
    expect(await server.headOf(USER)).toBe(1);
    // The verdict is stored: the re-sent frame gets it again.
    const again = await phone.publish(await outgoing([commandOp('phone', 1, 'tv\u0000'), state]));
    expect(again.rejected).toEqual([{ firstSeq: 1, lastSeq: 1, code: 'INVALID_TARGET' }]);
  });

  it('rejects an op whose clock runs further ahead of the gateway than maxDriftMs', async () => {
    const { server } = await gateway();
    const tv = createWebSocketPublisher({ url: server.url, token: await token('tv') });
    deferCleanup(() => tv.close());
    const [own, ahead] = progressOps('tv', 1, 2);
    if (!own || !ahead) throw new Error('fixture');
    const future = { ...ahead, hlc: { ...ahead.hlc, physicalMs: Date.now() + 10 * 60_000 } };
    const ack = await tv.publish(await outgoing([own, future]));
    expect(ack.rejected).toEqual([{ firstSeq: 2, lastSeq: 2, code: 'CLOCK_DRIFT' }]);
    expect(await server.headOf(USER)).toBe(1);
  });
});
