import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { describe, expect, it } from 'vitest';
import { enqueueTrace, formatStatus, queueStatus } from '../src/commands/queue.js';
import { cli, tempDir } from './helpers.js';

const TRACE = [
  '{"deviceId":"phone-1","type":"watchlistAdd","userId":"u1","contentId":"tt0111161","timestamp":1790000000000}',
  '{"deviceId":"tv-1","type":"watchlistAdd","userId":"u1","contentId":"tt0068646","timestamp":1790000000001}',
  '',
  '{"deviceId":"phone-1","type":"deviceCommand","commandId":"c1","sourceDeviceId":"phone-1","targetDeviceId":"tv-1","commandType":"pause","payload":{},"timestamp":1790000000002}',
  '{"type":"progressUpdate","userId":"u1","contentId":"tt0111161","positionMs":5000,"state":"paused","timestamp":1790000000003}',
].join('\n');

function traceFile(dir: string, text = TRACE, name = 'trace.jsonl'): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('media-sync enqueue', () => {
  it('enqueues the device’s ops (and lines without a deviceId) durably, skipping other devices', async () => {
    const dir = tempDir();
    const trace = traceFile(dir);
    const db = join(dir, 'phone.db');
    const first = await cli(['enqueue', '--db', db, '--device', 'phone-1', '--trace', trace]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(
      `enqueued 3 ops for phone-1 into ${db} (seqs 1..3, skipped 1 ops of other devices); 3 pending\n`,
    );
    const storage = createSqliteStorage({ path: db });
    const rows = await storage.readPage(0, 10);
    expect(rows.map((row) => [row.seq, row.type])).toEqual([
      [1, 'watchlistAdd'],
      [2, 'deviceCommand'],
      [3, 'progressUpdate'],
    ]);
    await storage.close();
    // A second run continues the seqs.
    expect((await cli(['enqueue', '--db', db, '--device', 'phone-1', '--trace', trace])).stdout).toContain(
      '(seqs 4..6',
    );
  });

  it('reads the trace from standard input with -, skipping a UTF-8 BOM and CRLF line ends', async () => {
    const db = join(tempDir(), 'stdin.db');
    const stdin = Readable.from([`\uFEFF${TRACE.replaceAll('\n', '\r\n')}`]);
    const summary = await enqueueTrace({ db, device: 'tv-1', trace: '-' }, stdin);
    expect(summary).toMatchObject({ enqueued: 2, firstSeq: 1, lastSeq: 2, skipped: 2, pending: 2, userId: 'u1' });
  });

  it('reads a trace larger than one read chunk line by line', async () => {
    const dir = tempDir();
    const line = (i: number) =>
      `{"deviceId":"tv-1","type":"watchlistAdd","userId":"u1","contentId":"tt${i}","timestamp":${1790000000000 + i}}`;
    const trace = traceFile(dir, `${Array.from({ length: 12_000 }, (_, i) => line(i)).join('\n')}\n`);
    const result = await cli(['enqueue', '--db', join(dir, 'q.db'), '--device', 'tv-1', '--trace', trace, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ enqueued: 12_000, firstSeq: 1, lastSeq: 12_000 });
  });

  it('refuses a bad line with its file and line number, and writes nothing', async () => {
    const dir = tempDir();
    const trace = traceFile(
      dir,
      `${TRACE}\n{"type":"watchlistAdd","userId":"u1","contentId":"x","timestamp":-1}\n`,
      'bad.jsonl',
    );
    const db = join(dir, 'bad.db');
    const result = await cli(['enqueue', '--db', db, '--device', 'phone-1', '--trace', trace]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^media-sync: .*bad\.jsonl:6: timestamp: .*-1/);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(existsSync(db)).toBe(false);
  });

  it('refuses a device the trace does not name, creating no queue', async () => {
    const dir = tempDir();
    const db = join(dir, 'typo.db');
    const result = await cli(['enqueue', '--db', db, '--device', 'phone-i', '--trace', traceFile(dir)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `media-sync: device "phone-i" has no ops in trace ${join(dir, 'trace.jsonl')} (it has "phone-1", "tv-1")\n`,
    );
    expect(existsSync(db)).toBe(false);
  });

  it("refuses --user that would replace the queue's user, leaving the queue as it was", async () => {
    const dir = tempDir();
    const db = join(dir, 'q.db');
    const trace = traceFile(dir);
    expect((await cli(['enqueue', '--db', db, '--device', 'phone-1', '--trace', trace])).code).toBe(0);
    const before = await queueStatus(db);
    const result = await cli(['enqueue', '--db', db, '--device', 'phone-1', '--trace', trace, '--user', 'u2']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `media-sync: ${db} is the queue of user u1; --user u2 would replace it (a queue belongs to one user)\n`,
    );
    expect(await queueStatus(db)).toEqual(before);
    // Naming the same user is fine.
    expect((await cli(['enqueue', '--db', db, '--device', 'phone-1', '--trace', trace, '--user', 'u1'])).code).toBe(0);
  });

  it('names the file and says what is wrong: missing, a directory, another device', async () => {
    const dir = tempDir();
    const db = join(dir, 'q.db');
    const missing = await cli(['enqueue', '--db', db, '--device', 'a', '--trace', join(dir, 'nope')]);
    expect(missing.stderr).toBe(`media-sync: cannot read trace ${join(dir, 'nope')}: no such file or directory\n`);
    const folder = await cli(['enqueue', '--db', db, '--device', 'a', '--trace', dir]);
    expect(folder.stderr).toBe(`media-sync: cannot read trace ${dir}: it is a directory, not a file\n`);
    await enqueueTrace({ db, device: 'phone-1', trace: '-' }, Readable.from([TRACE]));
    await expect(enqueueTrace({ db, device: 'tv-1', trace: '-' }, Readable.from([TRACE]))).rejects.toMatchObject({
      code: 'DEVICE_MISMATCH',
    });
  });

  it('reports a typo’d flag as a typo, before a missing required flag', async () => {
    const result = await cli(['enqueue', '--db', 'x.db', '--devcie', 'tv', '--trace', 't.jsonl']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: unknown option '--devcie' (Did you mean --device?)\n");
    const missing = await cli(['enqueue', '--device', 'tv', '--trace', 't.jsonl']);
    expect(missing.stderr).toBe("error: required option '--db <file>' not specified (or set MEDIA_SYNC_DB)\n");
  });

  it('takes --db from MEDIA_SYNC_DB', async () => {
    const dir = tempDir();
    const db = join(dir, 'env.db');
    const result = await cli(['enqueue', '--device', 'tv-1', '--trace', traceFile(dir)], { MEDIA_SYNC_DB: db });
    expect(result.code).toBe(0);
    expect((await queueStatus(db)).pending).toBe(2);
  });
});

describe('media-sync status', () => {
  it('prints pending, dead letters per reason with the latest reason, last seq and the oldest pending time', async () => {
    const dir = tempDir();
    const db = join(dir, 'status.db');
    await enqueueTrace({ db, device: 'phone-1', trace: '-' }, Readable.from([TRACE]));
    const storage = createSqliteStorage({ path: db });
    await storage.deadLetter([1], 'REJECTED', 'INVALID: first', 1_000);
    await storage.deadLetter([2], 'REJECTED', 'INVALID: second', 2_000);
    const oldest = (await storage.counts()).oldestPendingAt as number;
    await storage.close();
    const before = readFileSync(db);

    const json = await cli(['status', '--db', db, '--json']);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout);
    expect(status).toEqual({
      db,
      deviceId: 'phone-1',
      userId: 'u1',
      pending: 1,
      deadLettered: 2,
      lastSeq: 3,
      oldestPendingAt: oldest,
      lastHlc: expect.stringMatching(/^[0-9a-f]{12}-[0-9a-f]{4}-phone-1$/),
      deadLetterReasons: [{ code: 'REJECTED', count: 2, latestReason: 'INVALID: second', latestAt: 2_000 }],
    });
    const text = await cli(['status', '--db', db]);
    expect(text.stdout).toBe(formatStatus(status));
    expect(text.stdout).toContain('pending         1\n');
    expect(text.stdout).toContain('dead-lettered   2\n');
    expect(text.stdout).toContain('  REJECTED      2, latest 1970-01-01T00:00:02.000Z: INVALID: second\n');
    expect(text.stdout).toContain(`oldest pending  ${new Date(oldest).toISOString()}\n`);
    // status only reads: the file is byte for byte the same.
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('fails with one line when the file does not exist, creating nothing', async () => {
    const db = join(tempDir(), 'missing.db');
    const result = await cli(['status', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`media-sync: no queue database at ${db}\n`);
    expect(existsSync(db)).toBe(false);
  });
});
