import 'fake-indexeddb/auto';
import { StorageError } from '@media-sync/queue';
import { createIndexedDbStorage, INDEXEDDB_SCHEMA_VERSION } from '@media-sync/storage-indexeddb';
import { IDBDatabase, IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeLockRegistry } from './fake-locks.js';

const record = (label: string) => ({
  hlc: `000000000001-0000-${label}`,
  type: 'watchlistAdd' as const,
  coalesceKey: null,
  expiresAt: null,
  body: new TextEncoder().encode(label),
  enqueuedAt: 1_700_000_000_000,
});

afterEach(() => {
  vi.restoreAllMocks();
});

function openRaw(indexedDB: IDBFactory, name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = () => request.result.createObjectStore('from-the-future');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

describe('createIndexedDbStorage', () => {
  it('declares durable, cross-tab capabilities and rejects a bad name with TypeError', async () => {
    const storage = await createIndexedDbStorage({ name: 'q', indexedDB: new IDBFactory(), locks: null });
    expect(storage.name).toBe('indexeddb');
    expect(storage.capabilities).toEqual({ durable: true, crossProcessLease: true });
    await storage.close();
    await expect(createIndexedDbStorage({ name: '' })).rejects.toThrow(TypeError);
  });

  it('opens every read-write transaction with strict durability', async () => {
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const storage = await createIndexedDbStorage({ name: 'q', indexedDB: new IDBFactory(), locks: null });
    await storage.append([record('a'), record('b')], { hlc: 'x' });
    await storage.recordAttempt([1], 'TIMEOUT', 5);
    await storage.deadLetter([1], 'REJECTED', 'bad', 6);
    await storage.requeueDeadLetters();
    await storage.deleteRange(2, 2);
    await storage.setMeta({ k: 'v' });
    await storage.acquireReplayLease('me', 100, 0);
    await storage.releaseReplayLease('me');
    await storage.deadLetter([1], 'REJECTED', 'bad', 7);
    await storage.purgeDeadLetters();
    const writes = transaction.mock.calls.filter(([, mode]) => mode === 'readwrite');
    expect(writes.length).toBeGreaterThanOrEqual(10);
    for (const [, , options] of writes) expect(options).toEqual({ durability: 'strict' });
    await storage.close();
  });

  it('refuses a database from a newer release with SCHEMA_TOO_NEW and leaves it alone', async () => {
    const indexedDB = new IDBFactory();
    (await openRaw(indexedDB, 'q', INDEXEDDB_SCHEMA_VERSION + 1)).close();
    const failure = await createIndexedDbStorage({ name: 'q', indexedDB }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).code).toBe('SCHEMA_TOO_NEW');
    const raw = await openRaw(indexedDB, 'q', INDEXEDDB_SCHEMA_VERSION + 1);
    expect(Array.from(raw.objectStoreNames)).toEqual(['from-the-future']);
    raw.close();
  });

  it('steps aside when another tab upgrades the database, then rejects calls with CLOSED', async () => {
    const indexedDB = new IDBFactory();
    const storage = await createIndexedDbStorage({ name: 'q', indexedDB, locks: null });
    await storage.append([record('a')]);
    // Resolves only if our connection closed on `versionchange` (else the upgrade stays blocked).
    const upgraded = await openRaw(indexedDB, 'q', INDEXEDDB_SCHEMA_VERSION + 1);
    upgraded.close();
    await expect(storage.readPage(0, 1)).rejects.toMatchObject({ name: 'StorageError', code: 'CLOSED' });
  });

  it('shares one lease between two connections (two tabs) through the lease record', async () => {
    const indexedDB = new IDBFactory();
    const tabA = await createIndexedDbStorage({ name: 'q', indexedDB, locks: null });
    const tabB = await createIndexedDbStorage({ name: 'q', indexedDB, locks: null });
    expect(await tabA.acquireReplayLease('tab-a', 1_000, 0)).toBe(true);
    expect(await tabB.acquireReplayLease('tab-b', 1_000, 500)).toBe(false);
    // Without Web Locks a vanished tab's lease only goes at its expiry.
    await tabA.close();
    expect(await tabB.acquireReplayLease('tab-b', 1_000, 999)).toBe(false);
    expect(await tabB.acquireReplayLease('tab-b', 1_000, 1_000)).toBe(true);
    await tabB.close();
  });

  it('with Web Locks, takes over at once from a tab that crashed holding the lease', async () => {
    const indexedDB = new IDBFactory();
    const registry = new FakeLockRegistry();
    const tabA = await createIndexedDbStorage({ name: 'q', indexedDB, locks: registry.tab('A') });
    const tabB = await createIndexedDbStorage({ name: 'q', indexedDB, locks: registry.tab('B') });
    expect(await tabA.acquireReplayLease('tab-a', 60_000, 0)).toBe(true);
    expect(registry.heldNames()).toEqual(['media-sync:replay-lease:q:tab-a']);
    // Alive and holding: B waits, and holds no lock for a lease it does not have.
    expect(await tabB.acquireReplayLease('tab-b', 60_000, 10)).toBe(false);
    await vi.waitFor(() => expect(registry.heldNames()).toEqual(['media-sync:replay-lease:q:tab-a']));

    registry.crash('A');
    expect(await tabB.acquireReplayLease('tab-b', 60_000, 20)).toBe(true);
    await vi.waitFor(() => expect(registry.heldNames()).toEqual(['media-sync:replay-lease:q:tab-b']));
    // The crashed tab's owner cannot come back while B holds an unexpired lease.
    const tabA2 = await createIndexedDbStorage({ name: 'q', indexedDB, locks: registry.tab('A2') });
    expect(await tabA2.acquireReplayLease('tab-a', 60_000, 30)).toBe(false);

    await tabB.releaseReplayLease('tab-b');
    // Locks go asynchronously, as in a browser: wait for the registry to catch up.
    await vi.waitFor(() => expect(registry.heldNames()).toEqual([]));
    expect(await tabA2.acquireReplayLease('tab-a', 60_000, 40)).toBe(true);
    for (const tab of [tabA, tabB, tabA2]) await tab.close();
    await vi.waitFor(() => expect(registry.heldNames()).toEqual([]));
  });

  it('with Web Locks, still honours expiry against a live tab that stopped renewing', async () => {
    const indexedDB = new IDBFactory();
    const registry = new FakeLockRegistry();
    const tabA = await createIndexedDbStorage({ name: 'q', indexedDB, locks: registry.tab('A') });
    const tabB = await createIndexedDbStorage({ name: 'q', indexedDB, locks: registry.tab('B') });
    expect(await tabA.acquireReplayLease('tab-a', 100, 0)).toBe(true);
    expect(await tabB.acquireReplayLease('tab-b', 100, 99)).toBe(false);
    expect(await tabB.acquireReplayLease('tab-b', 100, 100)).toBe(true);
    expect(await tabA.acquireReplayLease('tab-a', 100, 150)).toBe(false);
    // A lost its lease, so it let go of its lock too.
    await vi.waitFor(() => expect(registry.heldNames()).toEqual(['media-sync:replay-lease:q:tab-b']));
    await tabA.close();
    await tabB.close();
  });

  it('stores only the bytes of a body that is a view into a larger buffer', async () => {
    const storage = await createIndexedDbStorage({ name: 'q', indexedDB: new IDBFactory(), locks: null });
    const buffer = Uint8Array.of(9, 9, 1, 2, 3, 9, 9);
    await storage.append([{ ...record('x'), body: buffer.subarray(2, 5) }]);
    const [stored] = await storage.readPage(0, 1);
    expect(stored?.body).toBeInstanceOf(Uint8Array);
    expect([...(stored?.body ?? [])]).toEqual([1, 2, 3]);
    await storage.close();
  });

  it('keeps seqs and counts across connections appending concurrently', async () => {
    const indexedDB = new IDBFactory();
    const tabs = await Promise.all([1, 2, 3].map(() => createIndexedDbStorage({ name: 'q', indexedDB, locks: null })));
    const results = await Promise.all(
      tabs.flatMap((tab, t) => [0, 1, 2, 3].map((i) => tab.append([record(`${t}-${i}`), record(`${t}-${i}b`)]))),
    );
    const seqs = results.flatMap((result) => result.seqs).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await tabs[0]?.counts()).toMatchObject({ pending: 24, lastSeq: 24 });
    for (const tab of tabs) await tab.close();
  });
});
