// The page side of browser.test.ts: runs the storage conformance cases and the adapter's
// browser-only behaviours against the real IndexedDB and Web Locks of the browser.
import { createQueue, decodeBody, type StorageAdapter } from '@media-sync/queue';
import { type ConformanceContext, storageConformanceCases } from '@media-sync/storage-conformance';
import { createIndexedDbStorage } from '@media-sync/storage-indexeddb';

export type Outcome = { ok: true; value?: unknown } | { ok: false; error: string };

const record = (label: string) => ({
  hlc: `000000000001-0000-${label}`,
  type: 'watchlistAdd' as const,
  coalesceKey: null,
  expiresAt: null,
  body: new TextEncoder().encode(label),
  enqueuedAt: Date.now(),
});

async function outcome(step: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await step() };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error),
    };
  }
}

let counter = 0;
function freshName(): string {
  counter += 1;
  return `conformance-${Date.now()}-${counter}-${Math.random().toString(36).slice(2)}`;
}

/** Runs one conformance case on a fresh database, as the vitest suite would. */
function runCase(caseName: string): Promise<Outcome> {
  return outcome(async () => {
    const testCase = storageConformanceCases.find((each) => each.name === caseName);
    if (testCase === undefined) throw new Error(`no conformance case named ${caseName}`);
    const name = freshName();
    let current: StorageAdapter = await createIndexedDbStorage({ name });
    const peers: StorageAdapter[] = [];
    const context: ConformanceContext = {
      get storage() {
        return current;
      },
      reopen: async () => {
        await current.close();
        current = await createIndexedDbStorage({ name });
        return current;
      },
      openPeer: async (leaseProcess) => {
        const peer = await createIndexedDbStorage({ name, leaseProcess });
        peers.push(peer);
        return peer;
      },
    };
    try {
      await testCase.run(context);
    } finally {
      for (const peer of peers) await peer.close().catch(() => undefined);
      await current.close().catch(() => undefined);
      indexedDB.deleteDatabase(name);
    }
  });
}

/** Every read-write transaction the adapter opens, with the durability it asked for and got. */
function strictDurability(): Promise<Outcome> {
  return outcome(async () => {
    const seen: Array<{ requested: unknown; actual: string }> = [];
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const tx = original.apply(this, args);
      if (args[1] === 'readwrite') seen.push({ requested: args[2]?.durability, actual: tx.durability });
      return tx;
    };
    try {
      const storage = await createIndexedDbStorage({ name: freshName() });
      await storage.append([record('a'), record('b')], { hlc: 'x' });
      await storage.recordAttempt([1], 'TIMEOUT', 1);
      await storage.deadLetter([1], 'REJECTED', 'bad', 2);
      await storage.requeueDeadLetters();
      await storage.deleteRange(1, 2);
      await storage.setMeta({ k: 'v' });
      await storage.close();
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    return seen;
  });
}

const tabStorage = new Map<string, StorageAdapter>();

/** Opens the shared lease database in this tab (once) and tries to take the lease. */
function acquireLease(database: string, owner: string, ttlMs: number): Promise<Outcome> {
  return outcome(async () => {
    let storage = tabStorage.get(database);
    if (storage === undefined) {
      storage = await createIndexedDbStorage({ name: database });
      tabStorage.set(database, storage);
    }
    return {
      acquired: await storage.acquireReplayLease(owner, ttlMs, Date.now()),
      webLocks: typeof navigator.locks?.request === 'function',
    };
  });
}

/**
 * Enqueues progress updates through `@media-sync/queue` forever, four in flight, reporting each
 * resolved enqueue as `seq=contentId` through the exposed `reportAppended`.
 */
function enqueueForever(database: string): Promise<Outcome> {
  return outcome(async () => {
    const report = (globalThis as unknown as { reportAppended: (line: string) => Promise<void> }).reportAppended;
    const queue = createQueue({
      deviceId: 'browser-1',
      userId: 'user-1',
      storage: await createIndexedDbStorage({ name: database }),
    });
    let counter = 0;
    const worker = async (): Promise<never> => {
      for (;;) {
        counter += 1;
        const contentId = `c${counter}`;
        const { seq } = await queue.enqueue({
          type: 'progressUpdate',
          userId: 'user-1',
          contentId,
          positionMs: counter,
          state: 'playing',
          timestamp: Date.now(),
        });
        // Not awaited: the report must not slow the enqueues down, and the kill may cut it short.
        void report(`${seq}=${contentId}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  });
}

/** Everything pending in `database`, as `seq=contentId`. */
function readAll(database: string): Promise<Outcome> {
  return outcome(async () => {
    const storage = await createIndexedDbStorage({ name: database });
    const rows = await storage.readPage(0, 1_000_000);
    const counts = await storage.counts();
    await storage.close();
    return {
      rows: rows.map((row) => {
        const op = decodeBody(row.body);
        return `${row.seq}=${op.type === 'progressUpdate' ? op.contentId : op.type}`;
      }),
      counts,
    };
  });
}

/**
 * Append throughput against the browser's IndexedDB: one record per transaction, then batches of
 * 1000, both with the adapter's strict durability; beside them the same writes through raw
 * IndexedDB with relaxed durability, the browser's fastest setting.
 */
function benchAppend(single: number, batches: number): Promise<Outcome> {
  return outcome(async () => {
    const rate = (ops: number, startedAt: number) => Math.round(ops / ((performance.now() - startedAt) / 1000));
    const storage = await createIndexedDbStorage({ name: freshName() });
    let startedAt = performance.now();
    for (let i = 0; i < single; i += 1) await storage.append([record(`s${i}`)]);
    const strictSingle = rate(single, startedAt);
    const batch = Array.from({ length: 1000 }, (_, i) => record(`b${i}`));
    startedAt = performance.now();
    for (let b = 0; b < batches; b += 1) await storage.append(batch);
    const strictBatched = rate(batches * 1000, startedAt);
    await storage.close();

    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(freshName(), 1);
      request.onupgradeneeded = () => request.result.createObjectStore('rows', { keyPath: 'seq' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    let seq = 0;
    const rawAppend = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const tx = raw.transaction('rows', 'readwrite', { durability: 'relaxed' });
        for (let i = 0; i < count; i += 1) {
          seq += 1;
          tx.objectStore('rows').add({ seq, ...record(`r${seq}`) });
        }
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    startedAt = performance.now();
    for (let i = 0; i < single; i += 1) await rawAppend(1);
    const relaxedSingle = rate(single, startedAt);
    startedAt = performance.now();
    for (let b = 0; b < batches; b += 1) await rawAppend(1000);
    const relaxedBatched = rate(batches * 1000, startedAt);
    raw.close();
    return { strictSingle, strictBatched, relaxedSingle, relaxedBatched };
  });
}

const api = { runCase, strictDurability, acquireLease, enqueueForever, readAll, benchAppend };
export type BrowserApi = typeof api;
(globalThis as unknown as { mediaSyncTests: BrowserApi }).mediaSyncTests = api;
