import { encodeGatewayMessage, media_sync } from '@media-sync/protocol';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  codec,
  deferCleanup,
  gateway,
  OTHER_USER,
  outgoing,
  progressOps,
  rawClient,
  token,
  USER,
  watchlistOp,
} from './helpers.js';

async function publisher(url: string, deviceId: string) {
  const created = createWebSocketPublisher({ url, token: await token(deviceId), sessionContext: false });
  deferCleanup(() => created.close());
  return created;
}

/** `count` ops from `firstSeq` where every other op (the odd seqs) names another user: rejected. */
function alternating(firstSeq: number, count: number) {
  const mine = progressOps('tv', firstSeq, count);
  const theirs = progressOps('tv', firstSeq, count, OTHER_USER);
  return mine.map((entry, i) => ((entry.seq & 1) === 1 ? (theirs[i] ?? entry) : entry));
}

/** These frames carry more ops than the queue ever sends (500), to make the store work hard. */
const BIG_FRAMES = { limits: { maxOps: 20_000, maxFrameBytes: 1024 * 1024, maxBodyBytes: 16 * 1024 * 1024 } };

describe('dedupe by durable settled ranges', () => {
  it('applies a requeued op below more than 65 536 seqs settled above its gap', async () => {
    const { server, dbPath } = await gateway(BIG_FRAMES);
    const tv = await publisher(server.url, 'tv');
    await tv.publish(await outgoing(progressOps('tv', 1, 1)));
    // Seq 2 was dead-lettered; everything after it went through.
    const above = 70_000;
    for (let first = 3; first < 3 + above; first += 10_000) {
      expect((await tv.publish(await outgoing(progressOps('tv', first, 10_000)))).rejected).toEqual([]);
    }
    expect(await server.headOf(USER)).toBe(1 + above);
    const requeued = watchlistOp('tv', 2, 'tt-requeued');
    const ack = await tv.publish(await outgoing([requeued]));
    // No rejection: so it must be in the log, and merged.
    expect(ack).toMatchObject({ duplicate: false, rejected: [] });
    expect(await server.headOf(USER)).toBe(2 + above);
    expect((await server.stateOf(USER)).watchlist.map((entry) => entry.contentId)).toContain('tt-requeued');
    // And sent again, it is a duplicate.
    expect((await tv.publish(await outgoing([requeued]))).duplicate).toBe(true);
    await server.close();
    // What the gateway holds per device is ranges, not seqs: one row for 70 002 settled seqs.
    const db = new Database(dbPath, { readonly: true });
    deferCleanup(() => void db.close());
    expect(db.prepare('SELECT first_seq, last_seq FROM settled_ranges').all()).toEqual([
      { first_seq: 1, last_seq: 2 + above },
    ]);
  }, 120_000);

  it('bounds the ACK whatever the op count: capped ranges per code plus a count, also for a re-send', async () => {
    const { server } = await gateway({ ...BIG_FRAMES, maxAckRanges: 64 });
    const client = rawClient(server.url, await token('tv'));
    await client.receivedCount(1);
    // 20 000 ops, every other one rejected: 10 000 rejected ranges of one op each.
    const frame = await outgoing(alternating(1, 20_000));
    const sizes: number[] = [];
    client.socket.on('message', (data: Buffer) => sizes.push(data.length));
    client.send({ type: 'frame', frameId: 1, frame: frame.bytes });
    client.send({ type: 'frame', frameId: 2, frame: frame.bytes });
    await client.receivedCount(3);
    const [, first, again] = client.received;
    expect(first).toMatchObject({ type: 'ack', duplicate: false, rejectedCount: 10_000, rejectedTruncated: true });
    expect(first?.type === 'ack' && first.rejected).toHaveLength(64);
    expect(first?.type === 'ack' && first.rejected[0]).toEqual({ firstSeq: 1, lastSeq: 1, code: 'FORBIDDEN_USER' });
    expect(again).toMatchObject({ type: 'ack', duplicate: true, rejectedTruncated: true });
    expect(again?.type === 'ack' && again.rejected).toHaveLength(64);
    // 64 ranges of ~20 bytes: far below the 11.4 MB a per-op list of 100 000 rejections took.
    for (const bytes of sizes) expect(bytes).toBeLessThan(2048);
    expect(await server.headOf(USER)).toBe(10_000);
  }, 60_000);

  it('refuses a header-only frame claiming more ops than its body holds, before any lookup', async () => {
    const { server } = await gateway(BIG_FRAMES);
    const tv = await publisher(server.url, 'tv');
    await tv.publish(await outgoing(alternating(1, 1000)));
    const client = rawClient(server.url, await token('tv'));
    await client.receivedCount(1);
    // A 22-byte re-send of 1..1000 without a body: before, answered with every stored rejection.
    const headerOnly = media_sync.v1.Frame.encode({
      formatVersion: 1,
      deviceId: 'tv',
      opCount: 1000,
      firstSeq: 1,
      lastSeq: 1000,
    }).finish();
    client.send({ type: 'frame', frameId: 5, frame: headerOnly });
    await client.receivedCount(2);
    expect(client.received[1]).toMatchObject({ type: 'error', frameId: 5 });
    expect(encodeGatewayMessage({ type: 'frame', frameId: 5, frame: headerOnly }).length).toBeLessThan(32);
  });

  it('gives the publisher every verdict of a frame whose ACK had to be cut short', async () => {
    const { server } = await gateway({ maxAckRanges: 8 });
    const tv = await publisher(server.url, 'tv');
    const ops = alternating(1, 200);
    const ack = await tv.publish(await outgoing(ops));
    expect(ack.rejected.map((range) => range.firstSeq)).toEqual(
      ops.filter((entry) => (entry.seq & 1) === 1).map((entry) => entry.seq),
    );
    expect(ack.rejected.every((range) => range.lastSeq === range.firstSeq)).toBe(true);
    expect(new Set(ack.rejected.map((range) => range.code))).toEqual(new Set(['FORBIDDEN_USER']));
    expect(await server.headOf(USER)).toBe(100);
  });
});

describe('skipped seq ranges (format 2 frames)', () => {
  it('settles the seqs a frame declares skipped, so the mark advances; one sent anyway is refused SKIPPED', async () => {
    const { server, dbPath } = await gateway();
    const tv = await publisher(server.url, 'tv');
    const c = await codec();
    await tv.publish(await outgoing(progressOps('tv', 1, 1)));
    // Seqs 2..4 were coalesced away; the frame of seq 5 says so.
    const [five] = progressOps('tv', 5, 1);
    if (!five) throw new Error('fixture');
    const withSkips = c.encodeFrame('tv', [five], { userId: USER, skipped: [{ first: 2, last: 4 }] });
    const ack = await tv.publish({
      deviceId: 'tv',
      userId: USER,
      firstSeq: 5,
      lastSeq: 5,
      ops: [five],
      skipped: [{ first: 2, last: 4 }],
      selfContained: () => withSkips,
    });
    expect(ack.rejected).toEqual([]);
    // A sender that breaks its word: the op is refused, not acknowledged without being logged.
    const late = await tv.publish(await outgoing(progressOps('tv', 3, 1)));
    expect(late.rejected).toEqual([{ firstSeq: 3, lastSeq: 3, code: 'SKIPPED' }]);
    expect(await server.headOf(USER)).toBe(2);
    await server.close();
    const db = new Database(dbPath, { readonly: true });
    deferCleanup(() => void db.close());
    expect(db.prepare('SELECT first_seq, last_seq FROM settled_ranges').all()).toEqual([{ first_seq: 1, last_seq: 5 }]);
  });
});
