import type {
  AppendResult,
  DeadLetterRecord,
  DeadLetterSummary,
  LeaseProcess,
  NewQueueRecord,
  QueueRecord,
  ReplayLeaseHolder,
  StorageAdapter,
  StorageCapabilities,
  StorageCounts,
  StorageErrorCode,
} from '@media-sync/queue';
import { holderIsDeadLocalProcess, StorageError } from '@media-sync/queue';
import { type DBSchema, type IDBPDatabase, wrap } from 'idb';

export interface IndexedDbStorageOptions {
  /** The IndexedDB database name: one queue per name. */
  readonly name: string;
  /** The IndexedDB implementation. Default `globalThis.indexedDB`; inject fake-indexeddb in Node. */
  readonly indexedDB?: IDBFactory;
  /**
   * The Web Locks manager that lets a closed or crashed tab's replay lease go at once instead of
   * at its expiry. Default `globalThis.navigator.locks` when present; `null` turns it off.
   */
  readonly locks?: LockManager | null;
  /**
   * The process recorded with the replay lease. Default: no pid, no host (a tab has none; a
   * closed or crashed tab is told by its Web Lock instead).
   */
  readonly leaseProcess?: LeaseProcess;
}

const NO_PROCESS: LeaseProcess = { pid: null, host: null, isAlive: () => true };

/** The IndexedDB version is the schema version: the browser refuses to open a newer one. */
export const INDEXEDDB_SCHEMA_VERSION = 1;

interface QueueState {
  lastSeq: number;
  pendingCount: number;
  deadLetterCount: number;
}

interface ReplayLease {
  owner: string;
  /** Absent in records written before the lease named its process. */
  pid?: number | null;
  host?: string | null;
  expiresAt: number;
}

interface QueueSchema extends DBSchema {
  pending: { key: number; value: QueueRecord; indexes: { coalesceKey: string } };
  deadLetters: { key: number; value: DeadLetterRecord };
  /** The caller's metadata map, and nothing else, so its keys can never collide with ours. */
  meta: { key: string; value: string };
  /** The seq counter and counts (`queue`) and the replay lease (`replayLease`). */
  state: { key: string; value: QueueState | ReplayLease };
}

type Store = 'pending' | 'deadLetters' | 'meta' | 'state';

const EMPTY_STATE: QueueState = { lastSeq: 0, pendingCount: 0, deadLetterCount: 0 };

/**
 * Opens (creating or upgrading) the queue database `name`. Rejects with `StorageError`
 * (`SCHEMA_TOO_NEW` when a newer release created it, `IO_ERROR` when IndexedDB is unavailable).
 */
export async function createIndexedDbStorage(options: IndexedDbStorageOptions): Promise<StorageAdapter> {
  if (typeof options?.name !== 'string' || options.name === '') {
    throw new TypeError(`createIndexedDbStorage: name must be a non-empty string, got ${String(options?.name)}`);
  }
  const name = options.name;
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined) {
    throw new StorageError('IO_ERROR', 'IndexedDB is not available here; pass options.indexedDB');
  }
  const locks =
    options.locks === undefined
      ? (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
      : (options.locks ?? undefined);

  const me = options.leaseProcess ?? NO_PROCESS;
  const leaseRecord = (owner: string, expiresAt: number): ReplayLease => ({
    owner,
    pid: me.pid,
    host: me.host,
    expiresAt,
  });

  let closedBecause: string | undefined;
  const db = await guard('open', () => openQueueDatabase(factory, name));
  // Another tab wants a newer schema: step aside instead of blocking its upgrade forever.
  db.addEventListener('versionchange', () => {
    closedBecause = 'another tab is upgrading the database';
    db.close();
  });
  // The browser closed the connection itself (storage cleared, disk failure).
  db.addEventListener('close', () => {
    closedBecause ??= 'the browser closed the database';
  });

  /** Owners whose Web Lock this instance holds, with the function that releases it. */
  const heldLocks = new Map<string, () => void>();
  const lockName = (owner: string) => `media-sync:replay-lease:${name}:${owner}`;

  const releaseLock = (owner: string): void => {
    heldLocks.get(owner)?.();
    heldLocks.delete(owner);
  };

  const takeLock = async (owner: string): Promise<void> => {
    if (locks === undefined || heldLocks.has(owner)) return;
    const release = await new Promise<(() => void) | undefined>((resolve, reject) => {
      locks
        .request(lockName(owner), { ifAvailable: true }, (lock) => {
          if (lock === null) {
            resolve(undefined);
            return undefined;
          }
          // The lock is held until this promise settles: on release, close, or the tab's death.
          return new Promise<void>((unlock) => resolve(unlock));
        })
        .catch(reject);
    });
    if (release !== undefined) heldLocks.set(owner, release);
  };

  const lockIsHeld = async (owner: string): Promise<boolean> => {
    if (locks === undefined) return true;
    const snapshot = await locks.query();
    return (snapshot.held ?? []).some((lock) => lock.name === lockName(owner));
  };

  // `strict`: the transaction completes only once the browser has flushed it to disk, so a
  // resolved append survives the tab, the browser or the OS going down (the default lets the
  // browser report completion before the data reaches the disk).
  const write = <S extends Store>(stores: S[]) => db.transaction(stores, 'readwrite', { durability: 'strict' });
  const read = <S extends Store>(stores: S[]) => db.transaction(stores, 'readonly');

  const run = async <T>(operation: string, step: () => Promise<T>): Promise<T> => {
    if (closedBecause !== undefined) {
      throw new StorageError('CLOSED', `indexeddb storage ${name} is closed (${closedBecause}; ${operation})`);
    }
    return guard(operation, step);
  };

  /** Awaits every request of a transaction and its completion, so no rejection goes unhandled. */
  const settle = async (requests: Promise<unknown>[], done: Promise<void>): Promise<void> => {
    await Promise.all([...requests, done]);
  };

  const tryLease = async (owner: string, ttlMs: number, now: number): Promise<'taken' | ReplayLease> => {
    const tx = write(['state']);
    const lease = (await tx.objectStore('state').get('replayLease')) as ReplayLease | undefined;
    const deadHolder =
      lease !== undefined && holderIsDeadLocalProcess({ pid: lease.pid ?? null, host: lease.host ?? null }, me);
    if (lease !== undefined && lease.owner !== owner && lease.expiresAt > now && !deadHolder) {
      await tx.done;
      return lease;
    }
    await settle([tx.objectStore('state').put(leaseRecord(owner, now + ttlMs), 'replayLease')], tx.done);
    return 'taken';
  };

  /** Takes the lease from a holder whose tab is gone, unless it changed since we looked. */
  const takeOver = async (stale: ReplayLease, owner: string, ttlMs: number, now: number): Promise<boolean> => {
    const tx = write(['state']);
    const lease = (await tx.objectStore('state').get('replayLease')) as ReplayLease | undefined;
    if (lease?.owner !== stale.owner || lease.expiresAt !== stale.expiresAt) {
      await tx.done;
      return false;
    }
    await settle([tx.objectStore('state').put(leaseRecord(owner, now + ttlMs), 'replayLease')], tx.done);
    return true;
  };

  const capabilities: StorageCapabilities = Object.freeze({ durable: true, crossProcessLease: true });

  return {
    name: 'indexeddb',
    capabilities,

    append: (records, meta) =>
      run('append', async (): Promise<AppendResult> => {
        const tx = write(['pending', 'state', 'meta']);
        const state = await tx.objectStore('state').get('queue');
        const { lastSeq, pendingCount, deadLetterCount } = (state as QueueState | undefined) ?? EMPTY_STATE;
        const requests: Promise<unknown>[] = [];
        const seqs = records.map((record, index) => {
          const seq = lastSeq + index + 1;
          requests.push(tx.objectStore('pending').add(toStored(record, seq)));
          return seq;
        });
        requests.push(
          tx
            .objectStore('state')
            .put(
              { lastSeq: lastSeq + seqs.length, pendingCount: pendingCount + seqs.length, deadLetterCount },
              'queue',
            ),
        );
        for (const [key, value] of Object.entries(meta ?? {})) requests.push(tx.objectStore('meta').put(value, key));
        await settle(requests, tx.done);
        return { seqs };
      }),

    readPage: (afterSeq, limit) =>
      run('readPage', async () => {
        requireInteger('limit', limit, 0);
        // getAll treats a count of 0 as "no limit".
        if (limit === 0) return [];
        return db.getAll('pending', IDBKeyRange.lowerBound(afterSeq, true), limit);
      }),

    latestSeqByKey: (keys) =>
      run('latestSeqByKey', async () => {
        const index = read(['pending']).objectStore('pending').index('coalesceKey');
        const found = await Promise.all(
          [...new Set(keys)].map(async (key) => {
            // Index entries with equal keys are ordered by primary key: walking backwards, the
            // first one is the highest seq.
            const cursor = await index.openKeyCursor(IDBKeyRange.only(key), 'prev');
            return [key, cursor?.primaryKey] as const;
          }),
        );
        const latest = new Map<string, number>();
        for (const [key, seq] of found) if (seq !== undefined) latest.set(key, seq);
        return latest;
      }),

    deleteRange: (fromSeq, toSeq) =>
      run('deleteRange', async () => {
        if (fromSeq > toSeq) return 0;
        const tx = write(['pending', 'state']);
        const range = IDBKeyRange.bound(fromSeq, toSeq);
        const deleted = await tx.objectStore('pending').count(range);
        const state = ((await tx.objectStore('state').get('queue')) as QueueState | undefined) ?? EMPTY_STATE;
        await settle(
          [
            tx.objectStore('pending').delete(range),
            tx.objectStore('state').put({ ...state, pendingCount: state.pendingCount - deleted }, 'queue'),
          ],
          tx.done,
        );
        return deleted;
      }),

    recordAttempt: (seqs, error, nextAttemptAt) =>
      run('recordAttempt', async () => {
        const tx = write(['pending']);
        const rows = await Promise.all([...new Set(seqs)].map((seq) => tx.objectStore('pending').get(seq)));
        const requests = rows
          .filter((row) => row !== undefined)
          .map((row) =>
            tx.objectStore('pending').put({ ...row, attempts: row.attempts + 1, lastError: error, nextAttemptAt }),
          );
        await settle(requests, tx.done);
      }),

    deadLetter: (seqs, reasonCode, reason, at) =>
      run('deadLetter', async () => {
        const tx = write(['pending', 'deadLetters', 'state']);
        const pending = tx.objectStore('pending');
        const rows = (await Promise.all([...new Set(seqs)].map((seq) => pending.get(seq)))).filter(
          (row) => row !== undefined,
        );
        const state = ((await tx.objectStore('state').get('queue')) as QueueState | undefined) ?? EMPTY_STATE;
        const requests: Promise<unknown>[] = [];
        for (const row of rows) {
          requests.push(tx.objectStore('deadLetters').put({ ...row, reasonCode, reason, deadLetteredAt: at }));
          requests.push(pending.delete(row.seq));
        }
        requests.push(
          tx.objectStore('state').put(
            {
              ...state,
              pendingCount: state.pendingCount - rows.length,
              deadLetterCount: state.deadLetterCount + rows.length,
            },
            'queue',
          ),
        );
        await settle(requests, tx.done);
      }),

    listDeadLetters: (limit) =>
      run('listDeadLetters', async () => {
        if (limit !== undefined) requireInteger('limit', limit, 0);
        if (limit === 0) return [];
        return db.getAll('deadLetters', undefined, limit);
      }),

    requeueDeadLetters: (seqs) =>
      run('requeueDeadLetters', async () => {
        const tx = write(['pending', 'deadLetters', 'state']);
        const deadLetters = tx.objectStore('deadLetters');
        const rows =
          seqs === undefined
            ? await deadLetters.getAll()
            : (await Promise.all([...new Set(seqs)].map((seq) => deadLetters.get(seq)))).filter(
                (row) => row !== undefined,
              );
        const state = ((await tx.objectStore('state').get('queue')) as QueueState | undefined) ?? EMPTY_STATE;
        const requests: Promise<unknown>[] = [];
        for (const { reasonCode: _code, reason: _reason, deadLetteredAt: _at, ...row } of rows) {
          // A requeued row starts over: no attempts, retry now; its last error stays for display.
          requests.push(tx.objectStore('pending').put({ ...row, attempts: 0, nextAttemptAt: 0 }));
          requests.push(deadLetters.delete(row.seq));
        }
        requests.push(
          tx.objectStore('state').put(
            {
              ...state,
              pendingCount: state.pendingCount + rows.length,
              deadLetterCount: state.deadLetterCount - rows.length,
            },
            'queue',
          ),
        );
        await settle(requests, tx.done);
        return rows.length;
      }),

    purgeDeadLetters: (seqs) =>
      run('purgeDeadLetters', async () => {
        const tx = write(['deadLetters', 'state']);
        const deadLetters = tx.objectStore('deadLetters');
        const present =
          seqs === undefined
            ? await deadLetters.getAllKeys()
            : (await Promise.all([...new Set(seqs)].map((seq) => deadLetters.getKey(seq)))).filter(
                (seq) => seq !== undefined,
              );
        const state = ((await tx.objectStore('state').get('queue')) as QueueState | undefined) ?? EMPTY_STATE;
        const requests: Promise<unknown>[] =
          seqs === undefined ? [deadLetters.clear()] : present.map((seq) => deadLetters.delete(seq));
        requests.push(
          tx.objectStore('state').put({ ...state, deadLetterCount: state.deadLetterCount - present.length }, 'queue'),
        );
        await settle(requests, tx.done);
        return present.length;
      }),

    getMeta: (key) => run('getMeta', () => db.get('meta', key)),

    setMeta: (entries) =>
      run('setMeta', async () => {
        const tx = write(['meta']);
        await settle(
          Object.entries(entries).map(([key, value]) => tx.objectStore('meta').put(value, key)),
          tx.done,
        );
      }),

    counts: () =>
      run('counts', async (): Promise<StorageCounts> => {
        // One transaction: the counters and the oldest row are one snapshot.
        const tx = read(['pending', 'state']);
        const state = ((await tx.objectStore('state').get('queue')) as QueueState | undefined) ?? EMPTY_STATE;
        const oldest = await tx.objectStore('pending').openCursor();
        await tx.done;
        return {
          pending: state.pendingCount,
          deadLettered: state.deadLetterCount,
          lastSeq: state.lastSeq,
          oldestPendingAt: oldest?.value.enqueuedAt ?? null,
        };
      }),

    acquireReplayLease: (owner, ttlMs, now) =>
      run('acquireReplayLease', async () => {
        requireInteger('ttlMs', ttlMs, 0);
        // The lock goes first, so no other tab can see our lease record without our lock.
        await takeLock(owner);
        let outcome = await tryLease(owner, ttlMs, now);
        if (outcome !== 'taken' && !(await lockIsHeld(outcome.owner))) {
          // The holder's tab is gone (its lock went with it): no need to wait for the expiry.
          outcome = (await takeOver(outcome, owner, ttlMs, now)) ? 'taken' : outcome;
        }
        if (outcome !== 'taken') {
          releaseLock(owner);
          return false;
        }
        // Whoever held the lease in this tab before has lost it.
        for (const other of [...heldLocks.keys()]) if (other !== owner) releaseLock(other);
        return true;
      }),

    releaseReplayLease: (owner) =>
      run('releaseReplayLease', async () => {
        const tx = write(['state']);
        const lease = (await tx.objectStore('state').get('replayLease')) as ReplayLease | undefined;
        await settle(lease?.owner === owner ? [tx.objectStore('state').delete('replayLease')] : [], tx.done);
        // Only after the record is gone: a tab that sees no lock must never see our record. When
        // someone else holds the lease, `owner` has no business holding its lock either.
        releaseLock(owner);
      }),

    replayLeaseHolder: () =>
      run('replayLeaseHolder', async (): Promise<ReplayLeaseHolder | null> => {
        const lease = (await db.get('state', 'replayLease')) as ReplayLease | undefined;
        if (lease === undefined) return null;
        return { owner: lease.owner, pid: lease.pid ?? null, host: lease.host ?? null, expiresAt: lease.expiresAt };
      }),

    deadLetterSummary: () =>
      run('deadLetterSummary', async (): Promise<DeadLetterSummary[]> => {
        // A walk over the dead letters (no index by reason: there are few, and this is for display).
        const byCode = new Map<string, { count: number; latest: DeadLetterRecord }>();
        let cursor = await read(['deadLetters']).objectStore('deadLetters').openCursor();
        while (cursor) {
          const row = cursor.value;
          const entry = byCode.get(row.reasonCode);
          if (entry === undefined) byCode.set(row.reasonCode, { count: 1, latest: row });
          else {
            entry.count += 1;
            // Seq order: an equal time later in the walk is a higher seq.
            if (row.deadLetteredAt >= entry.latest.deadLetteredAt) entry.latest = row;
          }
          cursor = await cursor.continue();
        }
        return [...byCode.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([code, { count, latest }]) => ({
            code,
            count,
            latestReason: latest.reason,
            latestAt: latest.deadLetteredAt,
          }));
      }),

    close: async () => {
      if (closedBecause !== undefined) return;
      closedBecause = 'close() was called';
      db.close();
      for (const owner of [...heldLocks.keys()]) releaseLock(owner);
    },
  };
}

/** What goes into the store: a plain object with its own copy of the body. */
function toStored(record: NewQueueRecord, seq: number): QueueRecord {
  return {
    seq,
    hlc: record.hlc,
    type: record.type,
    coalesceKey: record.coalesceKey,
    expiresAt: record.expiresAt,
    // slice(): the caller may reuse its buffer, and a view into a larger buffer would clone all of it.
    body: record.body.slice(),
    enqueuedAt: record.enqueuedAt,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
  };
}

/**
 * Opens through the given factory (idb's `openDB` would use the global one) and upgrades the
 * schema version by version. A database at a higher version than ours fails with `VersionError`.
 */
function openQueueDatabase(factory: IDBFactory, name: string): Promise<IDBPDatabase<QueueSchema>> {
  const request = factory.open(name, INDEXEDDB_SCHEMA_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    const database = request.result;
    if (event.oldVersion < 1) {
      const pending = database.createObjectStore('pending', { keyPath: 'seq' });
      // Records without a coalesce key (null is not a valid key) are left out of the index.
      pending.createIndex('coalesceKey', 'coalesceKey');
      database.createObjectStore('deadLetters', { keyPath: 'seq' });
      database.createObjectStore('meta');
      database.createObjectStore('state');
    }
  });
  return wrap(request) as unknown as Promise<IDBPDatabase<QueueSchema>>;
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new StorageError('INVALID_ARGUMENT', `${name} must be an integer >= ${min}, got ${value}`);
  }
}

async function guard<T>(operation: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    const errorName = error instanceof Error || isDomException(error) ? (error as Error).name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    throw new StorageError(codeFor(errorName), `indexeddb ${operation} failed: ${errorName}: ${message}`, {
      cause: error,
    });
  }
}

function isDomException(error: unknown): boolean {
  return typeof DOMException !== 'undefined' && error instanceof DOMException;
}

function codeFor(errorName: string): StorageErrorCode {
  switch (errorName) {
    case 'QuotaExceededError':
      return 'QUOTA_EXCEEDED';
    case 'VersionError':
      return 'SCHEMA_TOO_NEW';
    case 'DataError':
    case 'DataCloneError':
    case 'ConstraintError':
      return 'INVALID_ARGUMENT';
    case 'InvalidStateError':
      return 'CLOSED';
    default:
      return 'IO_ERROR';
  }
}
