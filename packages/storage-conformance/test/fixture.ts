import {
  type DeadLetterRecord,
  holderIsDeadLocalProcess,
  type LeaseProcess,
  type NewQueueRecord,
  type QueueRecord,
  type ReplayLeaseHolder,
  type StorageAdapter,
  StorageError,
} from '@media-sync/queue';

/**
 * The smallest adapter that honours the contract: linear scans over plain arrays. `backing`
 * survives `close()` so the fixture can also play a durable store that is reopened.
 */
export interface FixtureBacking {
  lastSeq: number;
  pending: QueueRecord[];
  dead: DeadLetterRecord[];
  meta: Map<string, string>;
  lease: ReplayLeaseHolder | undefined;
}

const NO_PROCESS: LeaseProcess = { pid: null, host: null, isAlive: () => true };

export function newBacking(): FixtureBacking {
  return { lastSeq: 0, pending: [], dead: [], meta: new Map(), lease: undefined };
}

export function createFixtureStorage(backing = newBacking(), durable = false, me = NO_PROCESS): StorageAdapter {
  let closed = false;
  const open = async (): Promise<FixtureBacking> => {
    if (closed) throw new StorageError('CLOSED', 'fixture storage is closed');
    return backing;
  };
  const copy = <T extends NewQueueRecord>(record: T): T => ({ ...record, body: record.body.slice() });
  const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
  return {
    name: 'fixture',
    capabilities: { durable, crossProcessLease: false },
    async append(records, meta) {
      const b = await open();
      const seqs = records.map((record) => {
        b.lastSeq += 1;
        b.pending.push({ ...copy(record), seq: b.lastSeq, attempts: 0, nextAttemptAt: 0, lastError: null });
        return b.lastSeq;
      });
      for (const [key, value] of Object.entries(meta ?? {})) b.meta.set(key, value);
      return { seqs };
    },
    async readPage(afterSeq, limit) {
      return (await open()).pending
        .filter((record) => record.seq > afterSeq)
        .slice(0, limit)
        .map(copy);
    },
    async latestSeqByKey(keys) {
      const b = await open();
      const result = new Map<string, number>();
      for (const record of b.pending) {
        if (record.coalesceKey !== null && keys.includes(record.coalesceKey))
          result.set(record.coalesceKey, record.seq);
      }
      return result;
    },
    async deleteRange(fromSeq, toSeq) {
      const b = await open();
      const before = b.pending.length;
      b.pending = b.pending.filter((record) => record.seq < fromSeq || record.seq > toSeq);
      return before - b.pending.length;
    },
    async recordAttempt(seqs, error, nextAttemptAt) {
      const b = await open();
      b.pending = b.pending.map((record) =>
        seqs.includes(record.seq)
          ? { ...record, attempts: record.attempts + 1, lastError: error, nextAttemptAt }
          : record,
      );
    },
    async deadLetter(seqs, reasonCode, reason, at) {
      const b = await open();
      for (const record of b.pending.filter((r) => seqs.includes(r.seq))) {
        b.dead.push({ ...record, reasonCode, reason, deadLetteredAt: at });
      }
      b.dead.sort(bySeq);
      b.pending = b.pending.filter((record) => !seqs.includes(record.seq));
    },
    async listDeadLetters(limit) {
      return (await open()).dead.slice(0, limit ?? Number.POSITIVE_INFINITY).map(copy);
    },
    async requeueDeadLetters(seqs) {
      const b = await open();
      const moving = b.dead.filter((record) => seqs === undefined || seqs.includes(record.seq));
      b.dead = b.dead.filter((record) => !moving.includes(record));
      for (const { reasonCode: _c, reason: _r, deadLetteredAt: _a, ...record } of moving) {
        b.pending.push({ ...record, attempts: 0, nextAttemptAt: 0 });
      }
      b.pending.sort(bySeq);
      return moving.length;
    },
    async purgeDeadLetters(seqs) {
      const b = await open();
      const before = b.dead.length;
      b.dead = b.dead.filter((record) => seqs !== undefined && !seqs.includes(record.seq));
      return before - b.dead.length;
    },
    async getMeta(key) {
      return (await open()).meta.get(key);
    },
    async setMeta(entries) {
      const b = await open();
      for (const [key, value] of Object.entries(entries)) b.meta.set(key, value);
    },
    async counts() {
      const b = await open();
      return {
        pending: b.pending.length,
        deadLettered: b.dead.length,
        lastSeq: b.lastSeq,
        oldestPendingAt: b.pending[0]?.enqueuedAt ?? null,
      };
    },
    async acquireReplayLease(owner, ttlMs, now) {
      const b = await open();
      if (b.lease !== undefined && b.lease.owner !== owner && now < b.lease.expiresAt) {
        if (!holderIsDeadLocalProcess(b.lease, me)) return false;
      }
      b.lease = { owner, pid: me.pid, host: me.host, expiresAt: now + ttlMs };
      return true;
    },
    async replayLeaseHolder() {
      const b = await open();
      return b.lease === undefined ? null : { ...b.lease };
    },
    async deadLetterSummary() {
      const b = await open();
      const codes = [...new Set(b.dead.map((record) => record.reasonCode))].sort();
      return codes.map((code) => {
        const rows = b.dead.filter((record) => record.reasonCode === code);
        const latest = rows.reduce((best, row) =>
          row.deadLetteredAt > best.deadLetteredAt || (row.deadLetteredAt === best.deadLetteredAt && row.seq > best.seq)
            ? row
            : best,
        );
        return { code, count: rows.length, latestReason: latest.reason, latestAt: latest.deadLetteredAt };
      });
    },
    async releaseReplayLease(owner) {
      const b = await open();
      if (b.lease?.owner === owner) b.lease = undefined;
    },
    async close() {
      closed = true;
    },
  };
}
