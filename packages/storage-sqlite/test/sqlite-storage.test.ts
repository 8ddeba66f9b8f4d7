import { join } from 'node:path';
import { StorageError } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyText, commandRecord, progressRecord, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

describe('createSqliteStorage', () => {
  it('creates one WAL file with synchronous=FULL and declares durable, cross-process capabilities', async () => {
    const path = join(dir, 'queue.db');
    const storage = createSqliteStorage({ path });
    expect(storage.name).toBe('sqlite');
    expect(storage.capabilities).toEqual({ durable: true, crossProcessLease: true });
    await storage.append([progressRecord('a')]);
    await storage.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('reports an in-memory database as neither durable nor cross-process', async () => {
    const storage = createSqliteStorage({ path: ':memory:' });
    expect(storage.capabilities).toEqual({ durable: false, crossProcessLease: false });
    expect((await storage.append([progressRecord('a')])).seqs).toEqual([1]);
    await storage.close();
  });

  it('rejects misuse of its options with TypeError', () => {
    expect(() => createSqliteStorage({ path: '' })).toThrow(TypeError);
    expect(() => createSqliteStorage({ path: join(dir, 'x.db'), busyTimeoutMs: -1 })).toThrow(TypeError);
    const synchronous = 'off' as unknown as 'full';
    expect(() => createSqliteStorage({ path: join(dir, 'x.db'), synchronous })).toThrow(TypeError);
  });

  it('assigns consecutive seqs in one transaction and writes meta with them', async () => {
    const storage = createSqliteStorage({ path: join(dir, 'queue.db') });
    const first = await storage.append([progressRecord('a'), progressRecord('b')], { lastHlc: 'h2' });
    const second = await storage.append([progressRecord('c')], { lastHlc: 'h3' });
    expect(first.seqs).toEqual([1, 2]);
    expect(second.seqs).toEqual([3]);
    expect(await storage.getMeta('lastHlc')).toBe('h3');
    const page = await storage.readPage(0, 10);
    expect(page.map((row) => [row.seq, bodyText(row.body), row.attempts, row.nextAttemptAt, row.lastError])).toEqual([
      [1, 'a', 0, 0, null],
      [2, 'b', 0, 0, null],
      [3, 'c', 0, 0, null],
    ]);
    expect(page[0]?.body).toBeInstanceOf(Uint8Array);
    await storage.close();
  });

  it('rolls back the whole append when one record fails, leaving the counter unchanged', async () => {
    const storage = createSqliteStorage({ path: join(dir, 'queue.db') });
    await storage.append([progressRecord('a')]);
    const broken = { ...progressRecord('b'), hlc: null as unknown as string };
    const failure = await storage.append([progressRecord('ok'), broken]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).code).toBe('INVALID_ARGUMENT');
    expect((await storage.readPage(0, 10)).map((row) => row.seq)).toEqual([1]);
    expect((await storage.append([progressRecord('c')])).seqs).toEqual([2]);
    await storage.close();
  });

  it('never reuses a seq after every row is deleted, dead-lettered, purged and the file reopened', async () => {
    const path = join(dir, 'queue.db');
    const storage = createSqliteStorage({ path });
    await storage.append([progressRecord('a'), progressRecord('b'), progressRecord('c')]);
    expect(await storage.deleteRange(1, 2)).toBe(2);
    await storage.deadLetter([3], 'REJECTED', 'bad op', 5);
    expect(await storage.purgeDeadLetters()).toBe(1);
    await storage.close();

    const reopened = createSqliteStorage({ path });
    expect(await reopened.counts()).toEqual({ pending: 0, deadLettered: 0, lastSeq: 3, oldestPendingAt: null });
    expect((await reopened.append([progressRecord('d')])).seqs).toEqual([4]);
    await reopened.close();
  });

  it('answers the latest pending seq per coalesce key, leaving out keys with no pending row', async () => {
    const storage = createSqliteStorage({ path: join(dir, 'queue.db') });
    await storage.append([
      progressRecord('a', 'u\n1'),
      progressRecord('b', 'u\n2'),
      commandRecord('cmd', 99),
      progressRecord('c', 'u\n1'),
    ]);
    await storage.deleteRange(2, 2);
    const latest = await storage.latestSeqByKey(['u\n1', 'u\n2', 'u\n3']);
    expect([...latest]).toEqual([['u\n1', 4]]);
    await storage.close();
  });

  it('records attempts, moves rows to dead letters and back, and keeps counts exact', async () => {
    const storage = createSqliteStorage({ path: join(dir, 'queue.db') });
    await storage.append([progressRecord('a'), progressRecord('b'), commandRecord('c', 42)]);
    await storage.recordAttempt([1, 2], 'timeout', 500);
    await storage.recordAttempt([1], 'timeout again', 900);
    const [first, second] = await storage.readPage(0, 2);
    expect(first).toMatchObject({ seq: 1, attempts: 2, nextAttemptAt: 900, lastError: 'timeout again' });
    expect(second).toMatchObject({ seq: 2, attempts: 1, nextAttemptAt: 500, lastError: 'timeout' });

    await storage.deadLetter([1, 3, 77], 'MAX_ATTEMPTS', 'gave up', 1000);
    expect(await storage.counts()).toEqual({
      pending: 1,
      deadLettered: 2,
      lastSeq: 3,
      oldestPendingAt: 1_700_000_000_000,
    });
    const letters = await storage.listDeadLetters();
    expect(letters.map((row) => [row.seq, row.reasonCode, row.reason, row.deadLetteredAt, row.attempts])).toEqual([
      [1, 'MAX_ATTEMPTS', 'gave up', 1000, 2],
      [3, 'MAX_ATTEMPTS', 'gave up', 1000, 0],
    ]);
    expect(letters[1]?.expiresAt).toBe(42);
    expect((await storage.listDeadLetters(1)).map((row) => row.seq)).toEqual([1]);

    expect(await storage.requeueDeadLetters([1, 1, 55])).toBe(1);
    const requeued = (await storage.readPage(0, 1))[0];
    expect(requeued).toMatchObject({ seq: 1, attempts: 0, nextAttemptAt: 0 });
    expect(bodyText(requeued?.body ?? new Uint8Array())).toBe('a');
    expect(await storage.purgeDeadLetters([3])).toBe(1);
    expect(await storage.counts()).toMatchObject({ pending: 2, deadLettered: 0 });
    await storage.close();
  });

  it('keeps metadata across reopen and overwrites keys', async () => {
    const path = join(dir, 'queue.db');
    const storage = createSqliteStorage({ path });
    await storage.setMeta({ lastHlc: 'a', context: 'x' });
    await storage.setMeta({ lastHlc: 'b' });
    await storage.close();
    const reopened = createSqliteStorage({ path });
    expect(await reopened.getMeta('lastHlc')).toBe('b');
    expect(await reopened.getMeta('context')).toBe('x');
    expect(await reopened.getMeta('missing')).toBeUndefined();
    await reopened.close();
  });

  it('rejects every method with CLOSED after close, and close twice is harmless', async () => {
    const storage = createSqliteStorage({ path: join(dir, 'queue.db') });
    await storage.close();
    await storage.close();
    const calls = [
      storage.append([progressRecord('a')]),
      storage.readPage(0, 1),
      storage.counts(),
      storage.getMeta('k'),
      storage.acquireReplayLease('me', 10, 0),
    ];
    for (const call of calls) {
      await expect(call).rejects.toMatchObject({ name: 'StorageError', code: 'CLOSED' });
    }
  });

  it('rejects a negative or fractional page limit with INVALID_ARGUMENT', async () => {
    const storage = createSqliteStorage({ path: join(dir, 'queue.db') });
    await expect(storage.readPage(0, -1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(storage.readPage(0.5, 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await storage.close();
  });

  it('stores only the bytes of a body that is a view into a larger buffer', async () => {
    const storage = createSqliteStorage({ path: join(dir, 'queue.db') });
    const buffer = Uint8Array.of(9, 9, 1, 2, 3, 9, 9);
    await storage.append([{ ...progressRecord('x'), body: buffer.subarray(2, 5) }]);
    expect([...((await storage.readPage(0, 1))[0]?.body ?? [])]).toEqual([1, 2, 3]);
    await storage.close();
  });

  it('fails with BUSY when another connection holds the write lock past busyTimeoutMs', async () => {
    const path = join(dir, 'queue.db');
    const storage = createSqliteStorage({ path, busyTimeoutMs: 50 });
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();
    await expect(storage.append([progressRecord('a')])).rejects.toMatchObject({ name: 'StorageError', code: 'BUSY' });
    other.prepare('ROLLBACK').run();
    other.close();
    expect((await storage.append([progressRecord('a')])).seqs).toEqual([1]);
    await storage.close();
  });

  it('maps a file that is not a database to CORRUPT', async () => {
    const path = join(dir, 'garbage.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, Buffer.alloc(4096, 0x5a));
    let failure: unknown;
    try {
      createSqliteStorage({ path });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).code).toBe('CORRUPT');
    expect((failure as StorageError).cause).toBeInstanceOf(Error);
  });
});
