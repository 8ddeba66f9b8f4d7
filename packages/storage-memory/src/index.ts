import {
  type AppendResult,
  type DeadLetterRecord,
  type DeadLetterSummary,
  holderIsDeadLocalProcess,
  type LeaseProcess,
  type NewQueueRecord,
  type QueueRecord,
  type ReplayLeaseHolder,
  type StorageAdapter,
  type StorageCounts,
  StorageError,
} from '@media-sync/queue';
import { SortedSeqs } from './sorted-seqs.js';

export interface MemoryStorageOptions {
  /** Shown in errors and reports. Default `memory`. */
  readonly name?: string;
  /**
   * Most pending rows the store holds; an append that would go beyond fails with
   * `QUOTA_EXCEEDED` and stores nothing. Default unlimited. Lets tests play a full disk.
   */
  readonly maxPending?: number;
  /**
   * The process recorded with the replay lease. Default: no pid, no host (a memory store lives
   * in one process, so every holder is this process).
   */
  readonly leaseProcess?: LeaseProcess;
}

const NO_PROCESS: LeaseProcess = { pid: null, host: null, isAlive: () => true };

interface Row {
  hlc: string;
  type: QueueRecord['type'];
  coalesceKey: string | null;
  expiresAt: number | null;
  body: Uint8Array;
  enqueuedAt: number;
  seq: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

interface DeadRow extends Row {
  reasonCode: string;
  reason: string;
  deadLetteredAt: number;
}

function toRecord(row: Row): QueueRecord {
  return {
    seq: row.seq,
    hlc: row.hlc,
    type: row.type,
    coalesceKey: row.coalesceKey,
    expiresAt: row.expiresAt,
    body: row.body.slice(),
    enqueuedAt: row.enqueuedAt,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError,
  };
}

/**
 * The reference storage adapter: everything in maps, every operation O(log n). Not durable —
 * the queue is gone with the process — so use it for tests, benchmarks and short-lived tools.
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): StorageAdapter {
  const name = options.name ?? 'memory';
  const maxPending = options.maxPending ?? Number.POSITIVE_INFINITY;
  const rows = new Map<number, Row>();
  const pendingSeqs = new SortedSeqs();
  const dead = new Map<number, DeadRow>();
  const deadSeqs = new SortedSeqs();
  const seqsByKey = new Map<string, SortedSeqs>();
  const meta = new Map<string, string>();
  let lastSeq = 0;
  const me = options.leaseProcess ?? NO_PROCESS;
  let lease: ReplayLeaseHolder | undefined;
  let closed = false;

  function checkOpen(): void {
    if (closed) throw new StorageError('CLOSED', `storage ${name} is closed`);
  }

  // Every method runs synchronously inside an async function: each call is one atomic step,
  // and a thrown StorageError becomes a rejection like any real adapter's.
  function index(row: Row): void {
    rows.set(row.seq, row);
    pendingSeqs.insert(row.seq);
    if (row.coalesceKey !== null) {
      let seqs = seqsByKey.get(row.coalesceKey);
      if (seqs === undefined) {
        seqs = new SortedSeqs();
        seqsByKey.set(row.coalesceKey, seqs);
      }
      seqs.insert(row.seq);
    }
  }

  function unindex(seq: number): Row | undefined {
    const row = rows.get(seq);
    if (row === undefined) return undefined;
    rows.delete(seq);
    pendingSeqs.remove(seq);
    if (row.coalesceKey !== null) {
      const seqs = seqsByKey.get(row.coalesceKey);
      seqs?.remove(seq);
      if (seqs?.size === 0) seqsByKey.delete(row.coalesceKey);
    }
    return row;
  }

  return {
    name,
    capabilities: { durable: false, crossProcessLease: false },

    async append(
      records: readonly NewQueueRecord[],
      entries?: Readonly<Record<string, string>>,
    ): Promise<AppendResult> {
      checkOpen();
      if (pendingSeqs.size + records.length > maxPending) {
        throw new StorageError(
          'QUOTA_EXCEEDED',
          `storage ${name} holds at most ${maxPending} pending rows; ${pendingSeqs.size} pending, ${records.length} more asked`,
        );
      }
      // One copy for the whole append, each row a view of it: one allocation instead of one per
      // row, and the caller's buffers are never shared.
      let total = 0;
      for (const record of records) total += record.body.length;
      const copy = new Uint8Array(total);
      let offset = 0;
      const seqs: number[] = [];
      for (const record of records) {
        lastSeq += 1;
        copy.set(record.body, offset);
        const body = copy.subarray(offset, offset + record.body.length);
        offset += record.body.length;
        index({
          hlc: record.hlc,
          type: record.type,
          coalesceKey: record.coalesceKey,
          expiresAt: record.expiresAt,
          body,
          enqueuedAt: record.enqueuedAt,
          seq: lastSeq,
          attempts: 0,
          nextAttemptAt: 0,
          lastError: null,
        });
        seqs.push(lastSeq);
      }
      for (const [key, value] of Object.entries(entries ?? {})) meta.set(key, value);
      return { seqs };
    },

    async readPage(afterSeq: number, limit: number): Promise<readonly QueueRecord[]> {
      checkOpen();
      return pendingSeqs.after(afterSeq, limit).map((seq) => toRecord(rows.get(seq) as Row));
    },

    async latestSeqByKey(keys: readonly string[]): Promise<ReadonlyMap<string, number>> {
      checkOpen();
      const result = new Map<string, number>();
      for (const key of keys) {
        const latest = seqsByKey.get(key)?.last;
        if (latest !== undefined) result.set(key, latest);
      }
      return result;
    },

    async deleteRange(fromSeq: number, toSeq: number): Promise<number> {
      checkOpen();
      const doomed = pendingSeqs.range(fromSeq, toSeq);
      for (const seq of doomed) unindex(seq);
      return doomed.length;
    },

    async recordAttempt(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void> {
      checkOpen();
      for (const seq of seqs) {
        const row = rows.get(seq);
        if (row === undefined) continue;
        row.attempts += 1;
        row.lastError = error;
        row.nextAttemptAt = nextAttemptAt;
      }
    },

    async deadLetter(seqs: readonly number[], reasonCode: string, reason: string, at: number): Promise<void> {
      checkOpen();
      for (const seq of seqs) {
        const row = unindex(seq);
        if (row === undefined) continue;
        dead.set(seq, { ...row, reasonCode, reason, deadLetteredAt: at });
        deadSeqs.insert(seq);
      }
    },

    async listDeadLetters(limit?: number): Promise<readonly DeadLetterRecord[]> {
      checkOpen();
      return deadSeqs.after(0, limit ?? Number.POSITIVE_INFINITY).map((seq) => {
        const row = dead.get(seq) as DeadRow;
        return { ...toRecord(row), reasonCode: row.reasonCode, reason: row.reason, deadLetteredAt: row.deadLetteredAt };
      });
    },

    async deadLetterSummary(): Promise<readonly DeadLetterSummary[]> {
      checkOpen();
      const byCode = new Map<string, { count: number; latest: DeadRow }>();
      for (const row of dead.values()) {
        const entry = byCode.get(row.reasonCode);
        if (entry === undefined) byCode.set(row.reasonCode, { count: 1, latest: row });
        else {
          entry.count += 1;
          const { latest } = entry;
          if (
            row.deadLetteredAt > latest.deadLetteredAt ||
            (row.deadLetteredAt === latest.deadLetteredAt && row.seq > latest.seq)
          )
            entry.latest = row;
        }
      }
      return [...byCode.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([code, { count, latest }]) => ({
          code,
          count,
          latestReason: latest.reason,
          latestAt: latest.deadLetteredAt,
        }));
    },

    async requeueDeadLetters(seqs?: readonly number[]): Promise<number> {
      checkOpen();
      const moving = seqs ?? deadSeqs.after(0, Number.POSITIVE_INFINITY);
      let moved = 0;
      for (const seq of moving) {
        const row = dead.get(seq);
        if (row === undefined) continue;
        dead.delete(seq);
        deadSeqs.remove(seq);
        const { reasonCode: _code, reason: _reason, deadLetteredAt: _at, ...rest } = row;
        index({ ...rest, attempts: 0, nextAttemptAt: 0 });
        moved += 1;
      }
      return moved;
    },

    async purgeDeadLetters(seqs?: readonly number[]): Promise<number> {
      checkOpen();
      const doomed = seqs ?? deadSeqs.after(0, Number.POSITIVE_INFINITY);
      let purged = 0;
      for (const seq of doomed) {
        if (!dead.delete(seq)) continue;
        deadSeqs.remove(seq);
        purged += 1;
      }
      return purged;
    },

    async getMeta(key: string): Promise<string | undefined> {
      checkOpen();
      return meta.get(key);
    },

    async setMeta(entries: Readonly<Record<string, string>>): Promise<void> {
      checkOpen();
      for (const [key, value] of Object.entries(entries)) meta.set(key, value);
    },

    async counts(): Promise<StorageCounts> {
      checkOpen();
      const oldest = pendingSeqs.first;
      return {
        pending: pendingSeqs.size,
        deadLettered: deadSeqs.size,
        lastSeq,
        oldestPendingAt: oldest === undefined ? null : (rows.get(oldest) as Row).enqueuedAt,
      };
    },

    async acquireReplayLease(owner: string, ttlMs: number, now: number): Promise<boolean> {
      checkOpen();
      if (lease !== undefined && lease.owner !== owner && now < lease.expiresAt) {
        if (!holderIsDeadLocalProcess(lease, me)) return false;
      }
      lease = { owner, pid: me.pid, host: me.host, expiresAt: now + ttlMs };
      return true;
    },

    async replayLeaseHolder(): Promise<ReplayLeaseHolder | null> {
      checkOpen();
      return lease === undefined ? null : { ...lease };
    },

    async releaseReplayLease(owner: string): Promise<void> {
      checkOpen();
      if (lease?.owner === owner) lease = undefined;
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}
