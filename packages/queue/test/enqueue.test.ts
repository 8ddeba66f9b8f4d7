import { compareHlc, formatHlc, ValidationError } from '@media-sync/protocol';
import { createMemoryPublisher } from '@media-sync/publisher-memory';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { describe, expect, it } from 'vitest';
import { createQueue, decodeBody, META_KEYS, QueueError } from '../src/index.js';
import { command, DEVICE, distinctOps, harness, progress, spyOn, T0, USER, watchlistAdd } from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('enqueue', () => {
  it('assigns seqs from 1 and increasing HLCs, and the op is in storage when it resolves', async () => {
    const { queue, storage } = harness();
    const first = await queue.enqueue(watchlistAdd('tt0111161'));
    const second = await queue.enqueue(progress('tt0111161', 5_000));
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(first.deviceId).toBe(DEVICE);
    expect(first.hlc).toEqual({ physicalMs: T0, logical: 0, nodeId: DEVICE });
    expect(compareHlc(first.hlc, second.hlc)).toBeLessThan(0);
    const rows = await storage.readPage(0, 10);
    expect(rows.map((row) => [row.seq, row.type, row.hlc, row.coalesceKey])).toEqual([
      [1, 'watchlistAdd', formatHlc(first.hlc), null],
      [2, 'progressUpdate', formatHlc(second.hlc), `${USER}\ntt0111161`],
    ]);
    expect(new TextDecoder().decode(rows[0]?.body)).toBe(
      '{"type":"watchlistAdd","userId":"user-1","contentId":"tt0111161","timestamp":1790000000000}',
    );
    expect(decodeBody(rows[1]?.body as Uint8Array)).toEqual(progress('tt0111161', 5_000));
    expect(await storage.getMeta(META_KEYS.hlc)).toBe(formatHlc(second.hlc));
    expect(await queue.pending()).toBe(2);
  });

  it('rejects an invalid op with the ValidationError naming the field, storing nothing', async () => {
    const { queue, storage } = harness();
    const error = await rejection(queue.enqueue({ ...watchlistAdd('x'), timestamp: 1.5 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('timestamp');
    const many = await rejection(queue.enqueueMany([watchlistAdd('a'), { type: 'nope' } as never]));
    expect((many as ValidationError).code).toBe('UNKNOWN_TYPE');
    expect(await storage.counts()).toMatchObject({ pending: 0, lastSeq: 0 });
  });

  it('stores device-command expiry (default 5 minutes) and needs a userId for commands', async () => {
    const { queue } = harness();
    const error = await rejection(queue.enqueue(command('c1', T0)));
    expect((error as QueueError).code).toBe('USER_ID_REQUIRED');
    // Learned from the first op that carries one, and remembered in storage.
    await queue.enqueue(watchlistAdd('a'));
    const { storage } = harness();
    const withUser = createQueue({
      deviceId: DEVICE,
      userId: USER,
      storage,
      publisher: createMemoryPublisher(),
      now: () => T0,
    });
    await withUser.enqueueMany([command('c1', T0), command('c2', T0, T0 + 10)]);
    expect((await storage.readPage(0, 10)).map((row) => row.expiresAt)).toEqual([T0 + 300_000, T0 + 10]);
    expect(await storage.getMeta(META_KEYS.userId)).toBe(USER);
  });

  it('takes the userId of a batch from any of its ops, also one after its first command', async () => {
    const { queue, storage } = harness();
    await queue.enqueueMany([command('c1', T0), watchlistAdd('a')]);
    expect(await storage.counts()).toMatchObject({ pending: 2, lastSeq: 2 });
    expect(await storage.getMeta(META_KEYS.userId)).toBe(USER);
  });

  it('learns the userId from an op and files later commands under it, across restarts', async () => {
    const storage = createMemoryStorage();
    const publisher = createMemoryPublisher();
    const first = createQueue({ deviceId: DEVICE, storage, publisher, now: () => T0 });
    await first.enqueue(watchlistAdd('a'));
    expect(await storage.getMeta(META_KEYS.userId)).toBe(USER);
    const second = createQueue({ deviceId: DEVICE, storage, publisher, now: () => T0 });
    expect((await second.enqueue(command('c1', T0))).seq).toBe(2);
  });

  it('keeps HLCs increasing across a restart with a wall clock that went back', async () => {
    const storage = createMemoryStorage();
    const publisher = createMemoryPublisher();
    const before = createQueue({ deviceId: DEVICE, storage, publisher, now: () => T0 + 60_000 });
    const last = await before.enqueue(watchlistAdd('a'));
    const after = createQueue({ deviceId: DEVICE, storage, publisher, now: () => T0 });
    const next = await after.enqueue(watchlistAdd('b'));
    expect(next.seq).toBe(2);
    expect(compareHlc(last.hlc, next.hlc)).toBeLessThan(0);
    expect(next.hlc).toEqual({ physicalMs: T0 + 60_000, logical: 1, nodeId: DEVICE });
    expect(await after.clock()).toEqual(next.hlc);
  });

  it('refuses storage that holds another device’s queue', async () => {
    const storage = createMemoryStorage();
    const publisher = createMemoryPublisher();
    await createQueue({ deviceId: 'tv-1', storage, publisher }).enqueue(watchlistAdd('a'));
    const error = await rejection(createQueue({ deviceId: DEVICE, storage, publisher }).enqueue(watchlistAdd('b')));
    expect((error as QueueError).code).toBe('DEVICE_MISMATCH');
    expect((await storage.counts()).pending).toBe(1);
  });

  it('commits concurrent enqueues in groups, in call order, each resolved with its own seq', async () => {
    const spy = spyOn(createMemoryStorage());
    const { queue } = harness({ storage: spy.storage });
    const results = await Promise.all(distinctOps(50).map((op) => queue.enqueue(op)));
    expect(results.map((entry) => entry.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const appends = spy.calls.filter((call) => call.method === 'append');
    expect(appends.length).toBeLessThan(50);
    const rows = await spy.storage.readPage(0, 100);
    results.forEach((entry, i) => {
      expect(decodeBody(rows[i]?.body as Uint8Array)).toEqual(entry.op);
      expect(rows[i]?.hlc).toBe(formatHlc(entry.hlc));
      if (i > 0) expect(compareHlc((results[i - 1] as typeof entry).hlc, entry.hlc)).toBeLessThan(0);
    });
  });

  it('enqueueMany is all or nothing when storage refuses', async () => {
    const { queue, storage } = harness({ memory: { maxPending: 3 } });
    await queue.enqueueMany(distinctOps(2));
    const error = await rejection(queue.enqueueMany(distinctOps(2, 2)));
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).code).toBe('STORAGE_FAILED');
    expect(((error as QueueError).cause as { code: string }).code).toBe('QUOTA_EXCEEDED');
    expect(await storage.counts()).toMatchObject({ pending: 2, lastSeq: 2 });
    expect((await queue.enqueue(watchlistAdd('z'))).seq).toBe(3);
  });

  it('emits enqueued with the sequenced ops and counts them in metrics', async () => {
    const { queue } = harness();
    const seen: number[][] = [];
    queue.on('enqueued', ({ ops }) => seen.push(ops.map((op) => op.seq)));
    await queue.enqueueMany(distinctOps(3));
    await queue.enqueue(watchlistAdd('x'));
    expect(seen).toEqual([[1, 2, 3], [4]]);
    expect(queue.metrics().enqueued).toBe(4);
    queue.resetMetrics();
    expect(queue.metrics().enqueued).toBe(0);
  });

  it('rejects with CLOSED after close, and close waits for enqueues in flight', async () => {
    const { queue, storage } = harness();
    const inFlight = queue.enqueueMany(distinctOps(5));
    await queue.close();
    expect((await inFlight).length).toBe(5);
    expect((await storage.counts()).pending).toBe(5);
    expect(((await rejection(queue.enqueue(watchlistAdd('a')))) as QueueError).code).toBe('CLOSED');
    expect(((await rejection(queue.replay())) as QueueError).code).toBe('CLOSED');
  });
});

describe('a queue without a publisher', () => {
  it('enqueues and reports, and refuses to replay with NO_PUBLISHER', async () => {
    const storage = createMemoryStorage();
    const queue = createQueue({ deviceId: DEVICE, storage });
    await queue.enqueueMany(distinctOps(2));
    expect(await queue.status()).toMatchObject({ pending: 2, lastSeq: 2 });
    expect(((await rejection(queue.replay())) as QueueError).code).toBe('NO_PUBLISHER');
    expect(() => queue.startAutoReplay()).toThrow(QueueError);
  });
});
