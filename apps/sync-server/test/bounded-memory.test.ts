import type { SequencedOperation } from '@media-sync/protocol';
import { createWebSocketPublisher, createWebSocketSubscriber } from '@media-sync/publisher-websocket';
import { createReplica } from '@media-sync/state';
import { describe, expect, it } from 'vitest';
import { UserCache } from '../src/user-cache.js';
import type { UserState } from '../src/user-state.js';
import {
  codec,
  deferCleanup,
  eventually,
  gateway,
  OTHER_USER,
  outgoing,
  progressOps,
  rawClient,
  startTestGateway,
  token,
  USER,
  watchlistOp,
} from './helpers.js';

function expectedState(userId: string, ops: SequencedOperation[]) {
  const replica = createReplica({ userId });
  replica.applyAll(ops);
  return { progress: replica.progress(), watchlist: replica.watchlist({ includeTombstones: true }) };
}

describe('user state cache', () => {
  it('keeps at most maxCachedUsers users; evicted users reload with correct state and dedupe', async () => {
    const { server } = await gateway({ maxCachedUsers: 1 });
    const published = new Map<string, SequencedOperation[]>([
      [USER, []],
      [OTHER_USER, []],
    ]);
    const firstFrames = new Map<string, Awaited<ReturnType<typeof outgoing>>>();
    for (let round = 0; round < 3; round++) {
      for (const userId of [USER, OTHER_USER]) {
        const ops = [
          ...progressOps('tv', round * 6 + 1, 5, userId),
          watchlistOp('tv', round * 6 + 6, `t-${round}`, userId),
        ];
        const frame = await outgoing(ops, userId);
        if (round === 0) firstFrames.set(userId, frame);
        const publisher = createWebSocketPublisher({ url: server.url, token: await token('tv', userId) });
        expect(await publisher.publish(frame)).toMatchObject({ duplicate: false, rejected: [] });
        published.get(userId)?.push(...ops);
        await publisher.close();
        await eventually(() => server.metrics().connections === 0);
        expect(server.metrics().cachedUsers).toBeLessThanOrEqual(1);
      }
    }
    expect(server.metrics().opsApplied).toBe(36);

    // The first frame of each user again, after both were evicted and reloaded several times.
    for (const userId of [USER, OTHER_USER]) {
      const publisher = createWebSocketPublisher({ url: server.url, token: await token('tv', userId) });
      const frame = firstFrames.get(userId);
      if (frame === undefined) throw new Error('no first frame');
      expect(await publisher.publish(frame)).toMatchObject({ duplicate: true, rejected: [] });
      // Overlapping a settled seq and adding an unseen one: only the unseen one is applied.
      const overlap = [...progressOps('tv', 18, 1, userId), ...progressOps('tv', 19, 1, userId)];
      expect(await publisher.publish(await outgoing(overlap, userId))).toMatchObject({ duplicate: false });
      published.get(userId)?.push(...progressOps('tv', 19, 1, userId));
      await publisher.close();
      await eventually(() => server.metrics().connections === 0);
      expect(server.metrics().cachedUsers).toBeLessThanOrEqual(1);
    }
    expect(server.metrics().opsApplied).toBe(38);
    for (const userId of [USER, OTHER_USER]) {
      expect(await server.stateOf(userId)).toEqual(expectedState(userId, published.get(userId) ?? []));
      expect(await server.headOf(userId)).toBe(19);
      expect(server.metrics().cachedUsers).toBe(1);
    }
  }, 30_000);

  it('evicts the least recently used idle user and never a connected one', async () => {
    const loads: string[] = [];
    const cache = new UserCache(2, (userId) => {
      loads.push(userId);
      return Promise.resolve({ userId } as UserState);
    });
    cache.connected('a');
    await cache.get('a');
    await cache.get('b');
    await cache.get('c'); // over the bound: b is the only idle candidate
    expect(cache.size).toBe(2);
    await cache.get('a');
    await cache.get('c');
    expect(loads).toEqual(['a', 'b', 'c']);
    await cache.get('b'); // c is evicted, a stays although it was used less recently
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
    cache.connected('b');
    await cache.get('d'); // a and b connected: d is loaded, then evicted as the only idle user
    expect(cache.size).toBe(2);
    cache.connected('c');
    await cache.get('c');
    expect(cache.size).toBe(3); // every cached user connected: the bound gives way
    cache.disconnected('a');
    expect(cache.size).toBe(2);
    await cache.get('b');
    await cache.get('c');
    expect(loads).toEqual(['a', 'b', 'c', 'b', 'd', 'c']);
  });

  it('refuses a maxCachedUsers below 1', async () => {
    await expect(startTestGateway({ maxCachedUsers: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});

describe('catch-up flow control', () => {
  it('catches up a log of several pages, with publishes during the catch-up, to the gateway state', async () => {
    const { server } = await gateway();
    const tv = createWebSocketPublisher({ url: server.url, token: await token('tv') });
    const phone = createWebSocketPublisher({ url: server.url, token: await token('phone') });
    deferCleanup(
      () => tv.close(),
      () => phone.close(),
    );
    // Interleaved devices make many small frames per page as well as pages.
    for (let i = 0; i < 25; i++) {
      await tv.publish(await outgoing(progressOps('tv', i * 50 + 1, 50)));
      await phone.publish(await outgoing(progressOps('phone', i * 50 + 1, 50)));
    }
    expect(await server.headOf(USER)).toBe(2500);

    const replica = createReplica({ userId: USER });
    const c = await codec();
    let frames = 0;
    const subscriber = createWebSocketSubscriber({ url: server.url, token: await token('laptop') });
    const subscription = await subscriber.subscribe(USER, (frame) => {
      frames += 1;
      replica.applyAll(c.decodeFrame(frame.bytes, { userId: USER }).ops);
    });
    deferCleanup(() => subscription.unsubscribe());
    await tv.publish(await outgoing(progressOps('tv', 1251, 30)));
    await subscriber.waitForCursor(await server.headOf(USER), 20_000);
    expect(await server.headOf(USER)).toBe(2530);
    expect(frames).toBeGreaterThanOrEqual(50);
    const expected = await server.stateOf(USER);
    expect(replica.progress()).toEqual(expected.progress);
    expect(replica.watchlist({ includeTombstones: true })).toEqual(expected.watchlist);
  }, 30_000);

  it('stops a catch-up whose socket closes and keeps serving', async () => {
    const errors: string[] = [];
    const { server } = await gateway({
      logger: { info() {}, warn() {}, error: (_fields, message) => errors.push(message) },
    });
    const tv = createWebSocketPublisher({ url: server.url, token: await token('tv') });
    deferCleanup(() => tv.close());
    for (let i = 0; i < 6; i++) await tv.publish(await outgoing(progressOps('tv', i * 500 + 1, 500)));

    const client = rawClient(server.url, await token('phone'));
    await client.receivedCount(1); // HELLO
    client.send({ type: 'subscribe', since: 0 });
    await eventually(() => client.received.some((message) => message.type === 'fanout'));
    client.socket.terminate();
    await client.closed;
    await eventually(() => server.metrics().connections === 1);

    const subscriber = createWebSocketSubscriber({ url: server.url, token: await token('laptop') });
    const subscription = await subscriber.subscribe(USER, () => {});
    deferCleanup(() => subscription.unsubscribe());
    await subscriber.waitForCursor(3000, 20_000);
    expect(errors).toEqual([]);
  });
});
