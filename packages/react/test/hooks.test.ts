import { createCodec } from '@media-sync/codec';
import type { SequencedOperation, SyncOperation } from '@media-sync/protocol';
import { createQueue, type IncomingFrame, type Queue, type Subscriber } from '@media-sync/queue';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { createElement, useRef } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  connectReplica,
  createQueueStatusSource,
  createReplicaStore,
  type ReplicaStore,
  useConnectionState,
  useQueueMetrics,
  useQueueStatus,
  useReplica,
} from '../src/index.js';
import { createAckingPublisher, render, textOf } from './helpers.js';

const USER = 'user-1';
const add = (contentId: string, timestamp: number): SyncOperation => ({
  type: 'watchlistAdd',
  userId: USER,
  contentId,
  timestamp,
});

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function newQueue(refuse?: ReadonlySet<number>) {
  const publisher = createAckingPublisher(refuse);
  const queue = createQueue({ deviceId: 'tv', userId: USER, storage: createMemoryStorage(), publisher });
  cleanups.push(() => queue.close());
  return { queue, publisher };
}

function StatusView({ queue }: { queue: Queue }) {
  const status = useQueueStatus(queue);
  const metrics = useQueueMetrics(queue);
  return createElement(
    'p',
    null,
    createElement('span', { 'data-testid': 'loaded' }, String(status.loaded)),
    createElement('span', { 'data-testid': 'pending' }, String(status.pending)),
    createElement('span', { 'data-testid': 'dead' }, String(status.deadLettered)),
    createElement('span', { 'data-testid': 'published' }, String(metrics.published)),
    createElement('span', { 'data-testid': 'wire' }, String(metrics.bytesWire)),
    createElement('span', { 'data-testid': 'json' }, String(metrics.bytesJson)),
  );
}

function ConnectionView({ publisher }: { publisher: Parameters<typeof useConnectionState>[0] }) {
  return createElement('span', { 'data-testid': 'state' }, useConnectionState(publisher));
}

function WatchlistView({ store, renders }: { store: ReplicaStore; renders: { count: number } }) {
  const { watchlist, progress } = useReplica(store);
  const count = useRef(0);
  count.current += 1;
  renders.count = count.current;
  return createElement(
    'p',
    null,
    createElement('span', { 'data-testid': 'titles' }, watchlist.map((entry) => entry.contentId).join(',')),
    createElement('span', { 'data-testid': 'progress' }, progress.map((entry) => entry.positionMs).join(',')),
  );
}

function SelectedView({ store }: { store: ReplicaStore }) {
  const inList = useReplica(store, (replica) => replica.isInWatchlist(USER, 'tt1'));
  return createElement('span', { 'data-testid': 'in' }, String(inList));
}

describe('useQueueStatus and useQueueMetrics', () => {
  it('show pending ops after enqueues, and dead letters and bytes after a replay', async () => {
    const { queue } = newQueue(new Set([2]));
    const view = await render(createElement(StatusView, { queue }));
    cleanups.push(view.unmount);
    await vi.waitFor(() => expect(textOf(view.container, 'loaded')).toBe('true'));
    expect(textOf(view.container, 'pending')).toBe('0');

    await queue.enqueueMany([add('tt1', 1_000), add('tt2', 2_000), add('tt3', 3_000)]);
    await vi.waitFor(() => expect(textOf(view.container, 'pending')).toBe('3'));

    const report = await queue.replay();
    expect(report.deadLettered).toBe(1);
    await vi.waitFor(() => expect(textOf(view.container, 'dead')).toBe('1'));
    expect(textOf(view.container, 'pending')).toBe('0');
    expect(textOf(view.container, 'published')).toBe('2');
    const wire = Number(textOf(view.container, 'wire'));
    const json = Number(textOf(view.container, 'json'));
    expect(wire).toBeGreaterThan(0);
    expect(json).toBeGreaterThan(wire);
  });

  it('reads the counts a few times for a burst of 200 enqueues, and ends on the last count', async () => {
    const { queue } = newQueue();
    const status = vi.spyOn(queue, 'status');
    const source = createQueueStatusSource(queue);
    const seen: number[] = [];
    const off = source.subscribe(() => seen.push(source.getSnapshot().pending));
    cleanups.push(off);
    await Promise.all(Array.from({ length: 200 }, (_, i) => queue.enqueue(add(`tt${i}`, 1_000 + i))));
    await source.refresh();
    await vi.waitFor(() => expect(source.getSnapshot().pending).toBe(200));
    expect(status.mock.calls.length).toBeLessThan(50);
    // Every snapshot a listener saw was a new count: no notification without a change.
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('stops listening to the queue when the last view unmounts, and keeps the error of a failed read', async () => {
    const { queue } = newQueue();
    const realOn = queue.on.bind(queue);
    const offs: Array<ReturnType<typeof vi.fn>> = [];
    vi.spyOn(queue, 'on').mockImplementation(((type: Parameters<Queue['on']>[0], listener: () => void) => {
      const off = vi.fn(realOn(type, listener));
      offs.push(off);
      return off;
    }) as unknown as Queue['on']);
    const source = createQueueStatusSource(queue);
    const off = source.subscribe(() => {});
    expect(offs).toHaveLength(4);
    off();
    for (const unsubscribe of offs) expect(unsubscribe).toHaveBeenCalledOnce();
    await source.refresh();
    const before = source.getSnapshot();
    // Nobody listens: an enqueue no longer makes the source read the counts.
    await queue.enqueue(add('tt1', 1_000));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(source.getSnapshot()).toBe(before);
    vi.spyOn(queue, 'status').mockRejectedValueOnce(new Error('storage closed'));
    await source.refresh();
    expect(source.getSnapshot().error).toEqual(new Error('storage closed'));
    expect(source.getSnapshot().pending).toBe(before.pending);
    expect(() => createQueueStatusSource(queue, { pollMs: -1 })).toThrow(TypeError);
  });

  it('sees counts changed by another writer of the storage with pollMs', async () => {
    const storage = createMemoryStorage();
    const reader = createQueue({ deviceId: 'tv', userId: USER, storage });
    const writer = createQueue({ deviceId: 'tv', userId: USER, storage });
    cleanups.push(
      () => reader.close(),
      () => writer.close(),
    );
    const source = createQueueStatusSource(reader, { pollMs: 20 });
    cleanups.push(source.subscribe(() => {}));
    await writer.enqueue(add('tt1', 1_000));
    await vi.waitFor(() => expect(source.getSnapshot().pending).toBe(1));
  });
});

describe('useConnectionState', () => {
  it('follows the publisher, reads offline without one, and unsubscribes on unmount', async () => {
    const publisher = createAckingPublisher();
    const view = await render(createElement(ConnectionView, { publisher }));
    expect(textOf(view.container, 'state')).toBe('offline');
    expect(publisher.listenerCount).toBe(1);
    publisher.setState('online');
    await vi.waitFor(() => expect(textOf(view.container, 'state')).toBe('online'));
    publisher.setState('offline');
    await vi.waitFor(() => expect(textOf(view.container, 'state')).toBe('offline'));
    view.unmount();
    expect(publisher.listenerCount).toBe(0);

    const none = await render(createElement(ConnectionView, { publisher: null }));
    cleanups.push(none.unmount);
    expect(textOf(none.container, 'state')).toBe('offline');
  });
});

describe('useReplica and connectReplica', () => {
  it("shows this device's enqueued ops at once and re-renders only when the replica changed", async () => {
    const { queue } = newQueue();
    const store = createReplicaStore({ userId: USER });
    const connection = await connectReplica({ store, userId: USER, queue });
    cleanups.push(() => connection.close());
    const renders = { count: 0 };
    const view = await render(createElement(WatchlistView, { store, renders }));
    cleanups.push(view.unmount);
    const selected = await render(createElement(SelectedView, { store }));
    cleanups.push(selected.unmount);
    expect(textOf(view.container, 'titles')).toBe('');

    const [first] = await queue.enqueueMany([add('tt1', 1_000), add('tt2', 2_000)]);
    await vi.waitFor(() => expect(textOf(view.container, 'titles')).toBe('tt1,tt2'));
    expect(textOf(selected.container, 'in')).toBe('true');
    const rendersAfterAdd = renders.count;

    // The same op again (a re-delivery) is a duplicate: no change, no render.
    expect(store.applyAll([first as SequencedOperation]).map((result) => result.status)).toEqual(['duplicate']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(renders.count).toBe(rendersAfterAdd);

    await connection.close();
    await queue.enqueue(add('tt3', 3_000));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(textOf(view.container, 'titles')).toBe('tt1,tt2');
  });

  it("applies the subscriber's frames decoded by the codec, in order, before they count as consumed", async () => {
    const codec = await createCodec();
    const remote: SequencedOperation[] = [
      { deviceId: 'phone', seq: 1, hlc: { physicalMs: 5_000, logical: 0, nodeId: 'phone' }, op: add('tt9', 5_000) },
      {
        deviceId: 'phone',
        seq: 2,
        hlc: { physicalMs: 6_000, logical: 0, nodeId: 'phone' },
        op: {
          type: 'progressUpdate',
          userId: USER,
          contentId: 'tt9',
          positionMs: 42_000,
          state: 'paused',
          timestamp: 6_000,
        },
      },
    ];
    let deliver: ((frame: IncomingFrame) => void | Promise<void>) | undefined;
    const subscriber: Subscriber = {
      async subscribe(userId, onFrame) {
        expect(userId).toBe(USER);
        deliver = onFrame;
        return {
          unsubscribe: async () => {
            deliver = undefined;
          },
        };
      },
      async close() {},
    };
    const store = createReplicaStore({ userId: USER });
    const consumed: string[] = [];
    const rejected: [string | undefined, string][] = [];
    let failing = false;
    const connection = await connectReplica({
      store,
      userId: USER,
      subscriber,
      codec,
      onFrame: (frame, ops) => {
        if (failing) throw new Error('app');
        consumed.push(`${frame.transportId}:${ops.length}`);
      },
      onRejectedFrame: (frame, error) => void rejected.push([frame.transportId, error.code]),
    });
    const view = await render(createElement(WatchlistView, { store, renders: { count: 0 } }));
    cleanups.push(view.unmount);
    await deliver?.({ bytes: codec.encodeFrame('phone', remote).bytes, transportId: 'log:2' });
    await vi.waitFor(() => expect(textOf(view.container, 'progress')).toBe('42000'));
    expect(textOf(view.container, 'titles')).toBe('tt9');
    expect(consumed).toEqual(['log:2:2']);

    // A frame the codec refuses (garbage, or another user's user-bound frame: its checksum fails
    // on this user's channel) is reported and consumed: handed over again it would never decode,
    // and on a broker it would hold back every frame after it for good.
    const aliens = ['garbage', 'another user', 'named another user'];
    const theirs = remote.map((entry) =>
      entry.op.type === 'deviceCommand' ? entry : { ...entry, op: { ...entry.op, userId: 'someone-else' } },
    );
    const foreign = codec.encodeFrame('phone', theirs, { userId: 'someone-else', bindUser: true });
    // A frame that names its users decodes on any channel: the replica refuses another user's ops.
    const named = codec.encodeFrame('phone', theirs, { userId: 'someone-else' });
    for (const [i, bytes] of [new Uint8Array([1, 2, 3]), foreign.bytes, named.bytes].entries()) {
      await expect(deliver?.({ bytes, transportId: aliens[i] as string })).resolves.toBeUndefined();
    }
    expect(rejected).toEqual([
      ['garbage', expect.stringMatching(/^[A-Z_]+$/)],
      ['another user', 'CRC_MISMATCH'],
      ['named another user', 'INVALID_VALUE'],
    ]);
    expect(consumed).toEqual(['log:2:2']);
    expect(textOf(view.container, 'progress')).toBe('42000');
    // A failure that is not the codec's (the app's own onFrame) still leaves the frame unconsumed.
    failing = true;
    await expect(deliver?.({ bytes: codec.encodeFrame('phone', remote).bytes, transportId: 'log:3' })).rejects.toThrow(
      'app',
    );
    await connection.close();
    expect(deliver).toBeUndefined();
    await expect(connectReplica({ store, userId: USER, subscriber })).rejects.toThrow(TypeError);
  });

  it('merges another replica (a snapshot another tab sent) and notifies only when something changed', async () => {
    const store = createReplicaStore({ userId: USER });
    const other = createReplicaStore({ userId: USER });
    other.applyAll([
      { deviceId: 'tv', seq: 1, hlc: { physicalMs: 1_000, logical: 0, nodeId: 'tv' }, op: add('tt1', 1_000) },
    ]);
    const notified = vi.fn();
    cleanups.push(store.subscribe(notified));
    store.merge(other.replica);
    expect(notified).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot()).toBe(1);
    store.merge(other.replica);
    expect(notified).toHaveBeenCalledTimes(1);
    expect(store.replica.isInWatchlist(USER, 'tt1')).toBe(true);
  });
});
