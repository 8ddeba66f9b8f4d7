import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enqueueTrace, formatStatus, queueStatus, selectDeviceOps } from '../src/commands/queue.js';
import { run } from '../src/main.js';

const TRACE = [
  '{"deviceId":"phone-1","type":"watchlistAdd","userId":"u1","contentId":"tt0111161","timestamp":1790000000000}',
  '{"deviceId":"tv-1","type":"watchlistAdd","userId":"u1","contentId":"tt0068646","timestamp":1790000000001}',
  '',
  '{"deviceId":"phone-1","type":"deviceCommand","commandId":"c1","sourceDeviceId":"phone-1","targetDeviceId":"tv-1","commandType":"pause","payload":{},"timestamp":1790000000002}',
  '{"type":"progressUpdate","userId":"u1","contentId":"tt0111161","positionMs":5000,"state":"paused","timestamp":1790000000003}',
].join('\n');

let dir: string;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'media-sync-cli-queue-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('media-sync enqueue', () => {
  it('enqueues the device’s ops (and lines without a deviceId) durably, skipping other devices', async () => {
    const trace = join(dir, 'trace.jsonl');
    const db = join(dir, 'phone.db');
    writeFileSync(trace, TRACE);
    expect(await run(['node', 'media-sync', 'enqueue', '--db', db, '--device', 'phone-1', '--trace', trace])).toBe(0);
    expect(out.join('')).toBe(
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
    expect(await run(['node', 'media-sync', 'enqueue', '--db', db, '--device', 'phone-1', '--trace', trace])).toBe(0);
    expect(out.at(-1)).toContain('(seqs 4..6');
  });

  it('reads the trace from standard input with -', async () => {
    const db = join(dir, 'stdin.db');
    const summary = await enqueueTrace({ db, device: 'tv-1', trace: '-' }, () => TRACE);
    expect(summary).toMatchObject({ enqueued: 2, firstSeq: 1, lastSeq: 2, skipped: 2, pending: 2 });
  });

  it('refuses a bad line with its line number and writes nothing', async () => {
    const trace = join(dir, 'bad.jsonl');
    const db = join(dir, 'bad.db');
    writeFileSync(trace, `${TRACE}\n{"type":"watchlistAdd","userId":"u1","contentId":"x","timestamp":-1}\n`);
    expect(await run(['node', 'media-sync', 'enqueue', '--db', db, '--device', 'phone-1', '--trace', trace])).toBe(1);
    expect(err.join('')).toMatch(/^media-sync: .*bad\.jsonl:6: timestamp: .*-1/);
    expect(err.join('').split('\n').filter(Boolean)).toHaveLength(1);
    await expect(queueStatus(db)).rejects.toThrow(/no queue database/);
  });

  it('refuses a missing trace file and a queue file of another device', async () => {
    const db = join(dir, 'q.db');
    expect(
      await run(['node', 'media-sync', 'enqueue', '--db', db, '--device', 'a', '--trace', join(dir, 'nope')]),
    ).toBe(1);
    expect(err.join('')).toContain('cannot read trace');
    await enqueueTrace({ db, device: 'phone-1', trace: '-' }, () => TRACE);
    await expect(enqueueTrace({ db, device: 'tv-1', trace: '-' }, () => TRACE)).rejects.toMatchObject({
      code: 'DEVICE_MISMATCH',
    });
  });

  it('selectDeviceOps keeps trace order', () => {
    const { ops, skipped } = selectDeviceOps(TRACE, 't', 'phone-1');
    expect(ops.map((op) => op.type)).toEqual(['watchlistAdd', 'deviceCommand', 'progressUpdate']);
    expect(skipped).toBe(1);
  });
});

describe('media-sync status', () => {
  it('prints pending, dead letters, last seq and the oldest pending time, as text or JSON', async () => {
    const db = join(dir, 'status.db');
    await enqueueTrace({ db, device: 'phone-1', trace: '-' }, () => TRACE);
    const storage = createSqliteStorage({ path: db });
    await storage.deadLetter([2], 'REJECTED', 'INVALID: test', 1);
    const oldest = (await storage.counts()).oldestPendingAt as number;
    await storage.close();

    expect(await run(['node', 'media-sync', 'status', '--db', db, '--json'])).toBe(0);
    const status = JSON.parse(out.join(''));
    expect(status).toEqual({
      db,
      deviceId: 'phone-1',
      userId: 'u1',
      pending: 2,
      deadLettered: 1,
      lastSeq: 3,
      oldestPendingAt: oldest,
      lastHlc: expect.stringMatching(/^[0-9a-f]{12}-[0-9a-f]{4}-phone-1$/),
      deadLetterReasons: { REJECTED: 1 },
    });
    out.length = 0;
    expect(await run(['node', 'media-sync', 'status', '--db', db])).toBe(0);
    const text = out.join('');
    expect(text).toBe(formatStatus(status));
    expect(text).toContain('pending         2\n');
    expect(text).toContain('dead-lettered   1 (REJECTED 1)\n');
    expect(text).toContain(`oldest pending  ${new Date(oldest).toISOString()}\n`);
  });

  it('fails with one line when the file does not exist, creating nothing', async () => {
    const db = join(dir, 'missing.db');
    expect(await run(['node', 'media-sync', 'status', '--db', db])).toBe(1);
    expect(err.join('')).toBe(`media-sync: no queue database at ${db}\n`);
    await expect(queueStatus(db)).rejects.toThrow();
  });
});
