import type { LeaseProcess, NewQueueRecord, QueueRecord, StorageAdapter } from '@media-sync/queue';
import { StorageError } from '@media-sync/queue';
import { expect } from 'vitest';

/** What a conformance case gets: a fresh, empty adapter, and a way to reopen the same store. */
export interface ConformanceContext {
  readonly storage: StorageAdapter;
  /**
   * Closes the adapter and opens the same underlying store again; resolves with the new
   * instance (which `storage` then returns). Undefined when the adapter under test cannot be
   * reopened (memory).
   */
  readonly reopen: (() => Promise<StorageAdapter>) | undefined;
  /**
   * Opens a second adapter on the same store (another process or tab) that records `process`
   * with the replay lease and asks it whether other processes live. The suite closes it after
   * the case. Undefined when the adapter cannot share its store (memory).
   */
  readonly openPeer: ((process: LeaseProcess) => Promise<StorageAdapter>) | undefined;
}

export type ConformanceTheme = 'append' | 'read' | 'delete' | 'attempts' | 'deadLetters' | 'meta' | 'lease' | 'close';

export interface ConformanceCase {
  readonly theme: ConformanceTheme;
  readonly name: string;
  readonly run: (context: ConformanceContext) => Promise<void>;
}

/** Bytes that catch adapters which treat bodies as text: NUL, invalid UTF-8, high bytes. */
export const AWKWARD_BYTES = Uint8Array.of(0x00, 0xff, 0xfe, 0x80, 0x0a, 0x00, 0xc3, 0x28, 0x7f);

/** A record whose body is `[seqHint, ...AWKWARD_BYTES]`, so each one's bytes are distinct. */
export function sampleRecord(index: number, overrides: Partial<NewQueueRecord> = {}): NewQueueRecord {
  return {
    hlc: `${(1_700_000_000_000 + index).toString(16).padStart(12, '0')}-0000-phone-1`,
    type: 'watchlistAdd',
    coalesceKey: null,
    expiresAt: null,
    body: Uint8Array.of(index & 0xff, ...AWKWARD_BYTES),
    enqueuedAt: 1_700_000_000_000 + index,
    ...overrides,
  };
}

export function hex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

function records(count: number, from = 1): NewQueueRecord[] {
  return Array.from({ length: count }, (_, i) => sampleRecord(from + i));
}

async function seqsOf(storage: StorageAdapter, afterSeq = 0, limit = 10_000): Promise<number[]> {
  return (await storage.readPage(afterSeq, limit)).map((record) => record.seq);
}

async function expectStorageError(promise: Promise<unknown>, code: StorageError['code']): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a StorageError ${code}`).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
  expect((error as StorageError).name).toBe('StorageError');
}

function expectRecord(actual: QueueRecord | undefined, expected: NewQueueRecord, seq: number): void {
  expect(actual, `record ${seq}`).toBeDefined();
  const record = actual as QueueRecord;
  expect(record.body).toBeInstanceOf(Uint8Array);
  expect(hex(record.body)).toBe(hex(expected.body));
  expect({
    seq: record.seq,
    hlc: record.hlc,
    type: record.type,
    coalesceKey: record.coalesceKey,
    expiresAt: record.expiresAt,
    enqueuedAt: record.enqueuedAt,
  }).toEqual({
    seq,
    hlc: expected.hlc,
    type: expected.type,
    coalesceKey: expected.coalesceKey,
    expiresAt: expected.expiresAt,
    enqueuedAt: expected.enqueuedAt,
  });
}

const appendCases: ConformanceCase[] = [
  {
    theme: 'append',
    name: 'an empty store reads nothing and counts zero',
    async run({ storage }) {
      expect(await storage.readPage(0, 10)).toEqual([]);
      expect(await storage.counts()).toEqual({ pending: 0, deadLettered: 0, lastSeq: 0, oldestPendingAt: null });
    },
  },
  {
    theme: 'append',
    name: 'assigns consecutive seqs from 1 in the order given, across appends',
    async run({ storage }) {
      expect((await storage.append(records(3))).seqs).toEqual([1, 2, 3]);
      expect((await storage.append(records(2, 4))).seqs).toEqual([4, 5]);
      expect(await seqsOf(storage)).toEqual([1, 2, 3, 4, 5]);
      expect((await storage.counts()).lastSeq).toBe(5);
    },
  },
  {
    theme: 'append',
    name: 'stores every field and the exact body bytes',
    async run({ storage }) {
      const given: NewQueueRecord[] = [
        sampleRecord(1),
        sampleRecord(2, {
          type: 'progressUpdate',
          coalesceKey: 'user-1\ntt0111161',
          hlc: '018bcfe56800-ffff-tv-living-room',
        }),
        sampleRecord(3, { type: 'deviceCommand', expiresAt: 1_700_000_300_003 }),
        sampleRecord(4, { type: 'watchlistRemove', body: new Uint8Array(0) }),
        sampleRecord(5, { body: Uint8Array.from({ length: 65_536 }, (_, i) => (i * 7) & 0xff) }),
      ];
      await storage.append(given);
      const page = await storage.readPage(0, 10);
      expect(page).toHaveLength(given.length);
      given.forEach((record, i) => {
        expectRecord(page[i], record, i + 1);
        expect(page[i]).toMatchObject({ attempts: 0, nextAttemptAt: 0, lastError: null });
      });
    },
  },
  {
    theme: 'append',
    name: 'copies the body: changing the caller’s buffer afterwards changes nothing stored',
    async run({ storage }) {
      const record = sampleRecord(1);
      const expected = hex(record.body);
      await storage.append([record]);
      record.body.fill(0xaa);
      const [stored] = await storage.readPage(0, 1);
      expect(hex(stored?.body ?? new Uint8Array(0))).toBe(expected);
    },
  },
  {
    theme: 'append',
    name: 'appending no records assigns nothing',
    async run({ storage }) {
      await storage.append(records(2));
      expect((await storage.append([])).seqs).toEqual([]);
      expect((await storage.counts()).lastSeq).toBe(2);
      expect((await storage.append(records(1, 3))).seqs).toEqual([3]);
    },
  },
  {
    theme: 'append',
    name: 'concurrent appends get distinct consecutive seqs and keep their bodies',
    async run({ storage }) {
      const batches = Array.from({ length: 8 }, (_, b) => records(5, b * 5 + 1));
      const results = await Promise.all(batches.map((batch) => storage.append(batch)));
      const all = results.flatMap((result) => result.seqs);
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      for (const result of results) {
        const first = result.seqs[0] as number;
        expect(result.seqs).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
      }
      const page = await storage.readPage(0, 100);
      results.forEach((result, b) => {
        result.seqs.forEach((seq, i) => {
          expect(hex(page[seq - 1]?.body ?? new Uint8Array(0))).toBe(hex(batches[b]?.[i]?.body ?? new Uint8Array(0)));
        });
      });
    },
  },
  {
    theme: 'append',
    name: 'writes meta in the same call',
    async run({ storage }) {
      await storage.append(records(1), { hlc: '018bcfe56800-0001-phone-1', other: 'x' });
      expect(await storage.getMeta('hlc')).toBe('018bcfe56800-0001-phone-1');
      expect(await storage.getMeta('other')).toBe('x');
    },
  },
  {
    theme: 'append',
    name: 'never reuses a seq after deleting or purging everything',
    async run({ storage }) {
      await storage.append(records(4));
      await storage.deadLetter([4], 'REJECTED', 'bad', 1);
      await storage.deleteRange(1, 3);
      await storage.purgeDeadLetters();
      expect(await storage.counts()).toEqual({ pending: 0, deadLettered: 0, lastSeq: 4, oldestPendingAt: null });
      expect((await storage.append(records(1, 5))).seqs).toEqual([5]);
    },
  },
];

const readCases: ConformanceCase[] = [
  {
    theme: 'read',
    name: 'reads pages after a seq, up to a limit, in seq order',
    async run({ storage }) {
      await storage.append(records(10));
      expect(await seqsOf(storage, 0, 3)).toEqual([1, 2, 3]);
      expect(await seqsOf(storage, 3, 3)).toEqual([4, 5, 6]);
      expect(await seqsOf(storage, 8, 5)).toEqual([9, 10]);
      expect(await seqsOf(storage, 10, 5)).toEqual([]);
    },
  },
  {
    theme: 'read',
    name: 'paging through a long queue visits every row exactly once',
    async run({ storage }) {
      const total = 1_000;
      for (let from = 1; from <= total; from += 250) await storage.append(records(250, from));
      await storage.deleteRange(100, 199);
      const seen: number[] = [];
      let after = 0;
      for (;;) {
        const page = await storage.readPage(after, 64);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(64);
        for (const record of page) seen.push(record.seq);
        after = page[page.length - 1]?.seq as number;
      }
      const expected = Array.from({ length: total }, (_, i) => i + 1).filter((seq) => seq < 100 || seq > 199);
      expect(seen).toEqual(expected);
    },
  },
  {
    theme: 'read',
    name: 'counts pending rows and the oldest pending enqueue time',
    async run({ storage }) {
      await storage.append(records(5));
      await storage.deleteRange(1, 2);
      await storage.deadLetter([3], 'REJECTED', 'bad', 9);
      expect(await storage.counts()).toEqual({
        pending: 2,
        deadLettered: 1,
        lastSeq: 5,
        oldestPendingAt: sampleRecord(4).enqueuedAt,
      });
    },
  },
  {
    theme: 'read',
    name: 'finds the latest pending seq per coalesce key',
    async run({ storage }) {
      const a = 'user-1\ncontent-a';
      const b = 'user-1\ncontent-b';
      await storage.append([
        sampleRecord(1, { type: 'progressUpdate', coalesceKey: a }),
        sampleRecord(2, { type: 'progressUpdate', coalesceKey: b }),
        sampleRecord(3, { type: 'progressUpdate', coalesceKey: a }),
        sampleRecord(4),
        sampleRecord(5, { type: 'progressUpdate', coalesceKey: a }),
      ]);
      expect(await storage.latestSeqByKey([])).toEqual(new Map());
      expect(await storage.latestSeqByKey([a, b, 'user-1\nnone'])).toEqual(
        new Map([
          [a, 5],
          [b, 2],
        ]),
      );
      await storage.deleteRange(5, 5);
      expect(await storage.latestSeqByKey([a])).toEqual(new Map([[a, 3]]));
      await storage.deadLetter([3], 'REJECTED', 'bad', 1);
      expect(await storage.latestSeqByKey([a])).toEqual(new Map([[a, 1]]));
      await storage.deleteRange(1, 2);
      expect(await storage.latestSeqByKey([a, b])).toEqual(new Map());
      await storage.requeueDeadLetters([3]);
      expect(await storage.latestSeqByKey([a, b])).toEqual(new Map([[a, 3]]));
    },
  },
];

const deleteCases: ConformanceCase[] = [
  {
    theme: 'delete',
    name: 'deletes an inclusive seq range and says how many went',
    async run({ storage }) {
      await storage.append(records(6));
      expect(await storage.deleteRange(2, 4)).toBe(3);
      expect(await seqsOf(storage)).toEqual([1, 5, 6]);
      expect(await storage.deleteRange(2, 4)).toBe(0);
      expect(await storage.deleteRange(5, 4)).toBe(0);
      expect(await storage.deleteRange(0, 100)).toBe(3);
      expect((await storage.counts()).pending).toBe(0);
    },
  },
  {
    theme: 'delete',
    name: 'deleting a range leaves dead letters in it alone',
    async run({ storage }) {
      await storage.append(records(3));
      await storage.deadLetter([2], 'REJECTED', 'bad', 1);
      expect(await storage.deleteRange(1, 3)).toBe(2);
      expect((await storage.listDeadLetters()).map((record) => record.seq)).toEqual([2]);
    },
  },
];

const attemptCases: ConformanceCase[] = [
  {
    theme: 'attempts',
    name: 'records failed attempts on the given rows only',
    async run({ storage }) {
      await storage.append(records(3));
      await storage.recordAttempt([1, 2], 'UNAVAILABLE: gateway down', 5_000);
      await storage.recordAttempt([2], 'TIMEOUT: no ack', 9_000);
      await storage.recordAttempt([42], 'ignored', 1);
      const page = await storage.readPage(0, 10);
      expect(
        page.map(({ seq, attempts, nextAttemptAt, lastError }) => ({ seq, attempts, nextAttemptAt, lastError })),
      ).toEqual([
        { seq: 1, attempts: 1, nextAttemptAt: 5_000, lastError: 'UNAVAILABLE: gateway down' },
        { seq: 2, attempts: 2, nextAttemptAt: 9_000, lastError: 'TIMEOUT: no ack' },
        { seq: 3, attempts: 0, nextAttemptAt: 0, lastError: null },
      ]);
      expectRecord(page[1], sampleRecord(2), 2);
    },
  },
];

const deadLetterCases: ConformanceCase[] = [
  {
    theme: 'deadLetters',
    name: 'moves rows to dead letters with their reason, bytes and attempts',
    async run({ storage }) {
      await storage.append(records(4));
      await storage.recordAttempt([3], 'TIMEOUT: no ack', 7_000);
      await storage.deadLetter([3, 1, 99], 'MAX_ATTEMPTS', 'gave up after 5 attempts', 12_345);
      expect(await seqsOf(storage)).toEqual([2, 4]);
      const dead = await storage.listDeadLetters();
      expect(dead.map((record) => record.seq)).toEqual([1, 3]);
      expectRecord(dead[0], sampleRecord(1), 1);
      expectRecord(dead[1], sampleRecord(3), 3);
      expect(dead[1]).toMatchObject({
        attempts: 1,
        lastError: 'TIMEOUT: no ack',
        reasonCode: 'MAX_ATTEMPTS',
        reason: 'gave up after 5 attempts',
        deadLetteredAt: 12_345,
      });
      expect(await storage.counts()).toMatchObject({ pending: 2, deadLettered: 2 });
    },
  },
  {
    theme: 'deadLetters',
    name: 'lists dead letters in seq order up to a limit',
    async run({ storage }) {
      await storage.append(records(5));
      await storage.deadLetter([5], 'REJECTED', 'e', 1);
      await storage.deadLetter([2, 4], 'UNDECODABLE', 'd', 2);
      expect((await storage.listDeadLetters()).map((record) => record.seq)).toEqual([2, 4, 5]);
      expect((await storage.listDeadLetters(2)).map((record) => record.seq)).toEqual([2, 4]);
    },
  },
  {
    theme: 'deadLetters',
    name: 'requeues dead letters into seq order with attempts reset',
    async run({ storage }) {
      await storage.append(records(5));
      await storage.recordAttempt([2], 'TIMEOUT: no ack', 7_000);
      await storage.deadLetter([2, 4], 'REJECTED', 'bad', 1);
      expect(await storage.requeueDeadLetters([2, 77])).toBe(1);
      const page = await storage.readPage(0, 10);
      expect(page.map((record) => record.seq)).toEqual([1, 2, 3, 5]);
      expect(page[1]).toMatchObject({ attempts: 0, nextAttemptAt: 0 });
      expectRecord(page[1], sampleRecord(2), 2);
      expect((await storage.listDeadLetters()).map((record) => record.seq)).toEqual([4]);
      expect(await storage.requeueDeadLetters()).toBe(1);
      expect(await seqsOf(storage)).toEqual([1, 2, 3, 4, 5]);
      expect(await storage.counts()).toMatchObject({ pending: 5, deadLettered: 0, lastSeq: 5 });
    },
  },
  {
    theme: 'deadLetters',
    name: 'purges chosen dead letters, then all',
    async run({ storage }) {
      await storage.append(records(4));
      await storage.deadLetter([1, 2, 3], 'REJECTED', 'bad', 1);
      expect(await storage.purgeDeadLetters([2, 4])).toBe(1);
      expect((await storage.listDeadLetters()).map((record) => record.seq)).toEqual([1, 3]);
      expect(await storage.purgeDeadLetters()).toBe(2);
      expect(await storage.listDeadLetters()).toEqual([]);
      expect(await seqsOf(storage)).toEqual([4]);
    },
  },
];

deadLetterCases.push({
  theme: 'deadLetters',
  name: 'summarizes dead letters per reason code: count, latest reason and time',
  async run({ storage }) {
    expect(await storage.deadLetterSummary()).toEqual([]);
    await storage.append(records(6));
    await storage.deadLetter([1, 2], 'REJECTED', 'FORBIDDEN_USER: first', 10);
    await storage.deadLetter([3], 'MAX_ATTEMPTS', 'INCOMPATIBLE: 5 verdicts', 20);
    await storage.deadLetter([4], 'REJECTED', 'CLOCK_DRIFT: latest', 30);
    // Same instant: the higher seq is the latest.
    await storage.deadLetter([6], 'UNDECODABLE', 'six', 40);
    await storage.deadLetter([5], 'UNDECODABLE', 'five', 40);
    expect(await storage.deadLetterSummary()).toEqual([
      { code: 'MAX_ATTEMPTS', count: 1, latestReason: 'INCOMPATIBLE: 5 verdicts', latestAt: 20 },
      { code: 'REJECTED', count: 3, latestReason: 'CLOCK_DRIFT: latest', latestAt: 30 },
      { code: 'UNDECODABLE', count: 2, latestReason: 'six', latestAt: 40 },
    ]);
    await storage.requeueDeadLetters([4]);
    await storage.purgeDeadLetters([3]);
    expect(await storage.deadLetterSummary()).toEqual([
      { code: 'REJECTED', count: 2, latestReason: 'FORBIDDEN_USER: first', latestAt: 10 },
      { code: 'UNDECODABLE', count: 2, latestReason: 'six', latestAt: 40 },
    ]);
  },
});

const metaCases: ConformanceCase[] = [
  {
    theme: 'meta',
    name: 'stores and overwrites metadata strings exactly',
    async run({ storage }) {
      expect(await storage.getMeta('missing')).toBeUndefined();
      await storage.setMeta({ a: '1', empty: '', unicode: 'tmdb:550 ▶ 🎬\n\u0000end' });
      await storage.setMeta({ a: '2' });
      expect(await storage.getMeta('a')).toBe('2');
      expect(await storage.getMeta('empty')).toBe('');
      expect(await storage.getMeta('unicode')).toBe('tmdb:550 ▶ 🎬\n\u0000end');
    },
  },
  {
    theme: 'meta',
    name: 'metadata keys never touch the seq counter',
    async run({ storage }) {
      await storage.setMeta({ seq: '999', lastSeq: '999', nextSeq: '999', next_seq: '999', last_seq: '999' });
      expect((await storage.append(records(1))).seqs).toEqual([1]);
      expect((await storage.counts()).lastSeq).toBe(1);
    },
  },
];

const leaseCases: ConformanceCase[] = [
  {
    theme: 'lease',
    name: 'one owner at a time until the lease expires',
    async run({ storage }) {
      expect(await storage.acquireReplayLease('a', 100, 1_000)).toBe(true);
      expect(await storage.acquireReplayLease('b', 100, 1_050)).toBe(false);
      expect(await storage.acquireReplayLease('a', 100, 1_050)).toBe(true);
      expect(await storage.acquireReplayLease('b', 100, 1_149)).toBe(false);
      expect(await storage.acquireReplayLease('b', 100, 1_150)).toBe(true);
      expect(await storage.acquireReplayLease('a', 100, 1_160)).toBe(false);
    },
  },
  {
    theme: 'lease',
    name: 'only the holder releases the lease',
    async run({ storage }) {
      await storage.releaseReplayLease('nobody');
      expect(await storage.acquireReplayLease('a', 10_000, 1_000)).toBe(true);
      await storage.releaseReplayLease('b');
      expect(await storage.acquireReplayLease('b', 10_000, 1_001)).toBe(false);
      await storage.releaseReplayLease('a');
      expect(await storage.acquireReplayLease('b', 10_000, 1_002)).toBe(true);
    },
  },
  {
    theme: 'lease',
    name: 'records who holds the lease (owner, pid, host) and until when',
    async run({ storage }) {
      expect(await storage.replayLeaseHolder()).toBeNull();
      expect(await storage.acquireReplayLease('a', 100, 1_000)).toBe(true);
      const holder = await storage.replayLeaseHolder();
      expect(holder).toMatchObject({ owner: 'a', expiresAt: 1_100 });
      expect(holder?.pid === null || Number.isSafeInteger(holder?.pid)).toBe(true);
      expect(holder?.host === null || typeof holder?.host === 'string').toBe(true);
      expect(await storage.acquireReplayLease('a', 100, 1_050)).toBe(true);
      expect(await storage.replayLeaseHolder()).toMatchObject({ owner: 'a', expiresAt: 1_150 });
      expect(await storage.acquireReplayLease('b', 100, 1_060)).toBe(false);
      expect(await storage.replayLeaseHolder()).toMatchObject({ owner: 'a', expiresAt: 1_150 });
      await storage.releaseReplayLease('a');
      expect(await storage.replayLeaseHolder()).toBeNull();
    },
  },
  {
    theme: 'lease',
    name: 'a lease held by a dead process of this host is taken over at once; a live one, or one of another host, is not',
    async run({ storage, openPeer }) {
      if (openPeer === undefined) {
        // The store lives in one process (memory): every holder is this process, alive.
        expect(storage.capabilities.crossProcessLease).toBe(false);
        return;
      }
      const gone = new Set<number>([102]);
      const on = (host: string, pid: number, isAlive = (candidate: number) => !gone.has(candidate)) =>
        openPeer({ host, pid, isAlive });
      const crashed = await on('host-1', 102);
      expect(await crashed.acquireReplayLease('crashed', 60_000, 1_000)).toBe(true);
      expect(await storage.replayLeaseHolder()).toEqual({
        owner: 'crashed',
        pid: 102,
        host: 'host-1',
        expiresAt: 61_000,
      });
      // Another host cannot tell whether pid 102 of host-1 runs: it waits for the expiry.
      expect(await (await on('host-2', 201, () => false)).acquireReplayLease('remote', 60_000, 2_000)).toBe(false);
      // A process of host-1 sees 102 is gone and takes over at once.
      const survivor = await on('host-1', 101);
      expect(await survivor.acquireReplayLease('survivor', 60_000, 2_000)).toBe(true);
      expect(await storage.replayLeaseHolder()).toEqual({
        owner: 'survivor',
        pid: 101,
        host: 'host-1',
        expiresAt: 62_000,
      });
      // 101 lives: another process of host-1 waits.
      expect(await (await on('host-1', 103)).acquireReplayLease('third', 60_000, 3_000)).toBe(false);
      // So does a process that (wrongly) thinks 101 is dead but is 101 itself.
      expect(await (await on('host-1', 101, () => false)).acquireReplayLease('twin', 60_000, 3_000)).toBe(false);
    },
  },
];

const closeCases: ConformanceCase[] = [
  {
    theme: 'close',
    name: 'every call after close rejects with CLOSED, and close is idempotent',
    async run({ storage }) {
      await storage.append(records(2));
      await storage.close();
      await storage.close();
      const calls: Array<() => Promise<unknown>> = [
        () => storage.append(records(1)),
        () => storage.readPage(0, 1),
        () => storage.latestSeqByKey(['k']),
        () => storage.deleteRange(1, 1),
        () => storage.recordAttempt([1], 'e', 1),
        () => storage.deadLetter([1], 'REJECTED', 'e', 1),
        () => storage.listDeadLetters(),
        () => storage.requeueDeadLetters(),
        () => storage.purgeDeadLetters(),
        () => storage.getMeta('k'),
        () => storage.setMeta({ k: 'v' }),
        () => storage.counts(),
        () => storage.acquireReplayLease('a', 1, 1),
        () => storage.releaseReplayLease('a'),
        () => storage.replayLeaseHolder(),
        () => storage.deadLetterSummary(),
      ];
      for (const call of calls) await expectStorageError(call(), 'CLOSED');
    },
  },
  {
    theme: 'close',
    name: 'a reopened durable store has every row, dead letter, meta and the seq counter',
    async run({ storage, reopen }) {
      if (!storage.capabilities.durable || reopen === undefined) {
        // Nothing to reopen: the adapter declares it is not durable (memory).
        expect(storage.capabilities.durable && reopen === undefined).toBe(false);
        return;
      }
      await storage.append(records(4), { hlc: '018bcfe56800-0002-phone-1' });
      await storage.recordAttempt([2], 'TIMEOUT: no ack', 4_000);
      await storage.deadLetter([3], 'REJECTED', 'bad', 5);
      await storage.deleteRange(4, 4);
      const reopened = await reopen();
      const page = await reopened.readPage(0, 10);
      expect(page.map((record) => record.seq)).toEqual([1, 2]);
      expectRecord(page[0], sampleRecord(1), 1);
      expectRecord(page[1], sampleRecord(2), 2);
      expect(page[1]).toMatchObject({ attempts: 1, nextAttemptAt: 4_000, lastError: 'TIMEOUT: no ack' });
      const dead = await reopened.listDeadLetters();
      expect(dead.map((record) => [record.seq, record.reasonCode])).toEqual([[3, 'REJECTED']]);
      expectRecord(dead[0], sampleRecord(3), 3);
      expect(await reopened.getMeta('hlc')).toBe('018bcfe56800-0002-phone-1');
      expect(await reopened.counts()).toEqual({
        pending: 2,
        deadLettered: 1,
        lastSeq: 4,
        oldestPendingAt: sampleRecord(1).enqueuedAt,
      });
      expect((await reopened.append(records(1, 5))).seqs).toEqual([5]);
    },
  },
];

/** Every case of the suite, grouped by theme, in the order they run. */
export const storageConformanceCases: readonly ConformanceCase[] = [
  ...appendCases,
  ...readCases,
  ...deleteCases,
  ...attemptCases,
  ...deadLetterCases,
  ...metaCases,
  ...leaseCases,
  ...closeCases,
];
