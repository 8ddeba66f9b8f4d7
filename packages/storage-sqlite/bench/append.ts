// Append throughput of createSqliteStorage next to a raw better-sqlite3 insert loop with the same
// pragmas (WAL, synchronous=FULL), in one run on one disk. Prints a Markdown table.
//   npm run bench -w @media-sync/storage-sqlite
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewQueueRecord } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import Database from 'better-sqlite3';

const SINGLE = Number(process.env.BENCH_SINGLE ?? 2_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const BATCH_SIZE = 1_000;

const dir = mkdtempSync(join(tmpdir(), 'media-sync-sqlite-bench-'));
const body = new TextEncoder().encode(
  '{"type":"progressUpdate","userId":"user-1","contentId":"tt0111161","positionMs":61000,"state":"playing","timestamp":1700000000000}',
);
const record = (i: number): NewQueueRecord => ({
  hlc: `018bcfe56800-${(i & 0xffff).toString(16).padStart(4, '0')}-phone-1`,
  type: 'progressUpdate',
  coalesceKey: `user-1\ntt${i % 100}`,
  expiresAt: null,
  body,
  enqueuedAt: 1_700_000_000_000 + i,
});

const opsPerSecond = (ops: number, startedAt: number) => Math.round(ops / ((performance.now() - startedAt) / 1000));

async function adapter(): Promise<{ single: number; singleNormal: number; batched: number; drain: number }> {
  const storage = createSqliteStorage({ path: join(dir, 'adapter.db') });
  let startedAt = performance.now();
  for (let i = 0; i < SINGLE; i += 1) await storage.append([record(i)]);
  const single = opsPerSecond(SINGLE, startedAt);
  const relaxed = createSqliteStorage({ path: join(dir, 'adapter-normal.db'), synchronous: 'normal' });
  startedAt = performance.now();
  for (let i = 0; i < SINGLE; i += 1) await relaxed.append([record(i)]);
  const singleNormal = opsPerSecond(SINGLE, startedAt);
  await relaxed.close();
  const batch = Array.from({ length: BATCH_SIZE }, (_, i) => record(i));
  startedAt = performance.now();
  for (let b = 0; b < BATCHES; b += 1) await storage.append(batch);
  const batched = opsPerSecond(BATCHES * BATCH_SIZE, startedAt);
  // What a replay does with storage: read a page, then delete it once acknowledged.
  startedAt = performance.now();
  let drained = 0;
  for (;;) {
    const page = await storage.readPage(0, BATCH_SIZE);
    const last = page[page.length - 1];
    if (last === undefined) break;
    drained += await storage.deleteRange(0, last.seq);
  }
  const drain = opsPerSecond(drained, startedAt);
  await storage.close();
  return { single, singleNormal, batched, drain };
}

function raw(): { single: number; batched: number } {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE ops (seq INTEGER PRIMARY KEY, hlc TEXT, type TEXT, coalesce_key TEXT,
    expires_at INTEGER, body BLOB, enqueued_at INTEGER)`);
  const insert = db.prepare('INSERT INTO ops VALUES (?, ?, ?, ?, ?, ?, ?)');
  let seq = 0;
  const insertMany = db.transaction((records: NewQueueRecord[]) => {
    for (const r of records) {
      seq += 1;
      insert.run(seq, r.hlc, r.type, r.coalesceKey, r.expiresAt, r.body, r.enqueuedAt);
    }
  });
  let startedAt = performance.now();
  for (let i = 0; i < SINGLE; i += 1) insertMany([record(i)]);
  const single = opsPerSecond(SINGLE, startedAt);
  const batch = Array.from({ length: BATCH_SIZE }, (_, i) => record(i));
  startedAt = performance.now();
  for (let b = 0; b < BATCHES; b += 1) insertMany(batch);
  const batched = opsPerSecond(BATCHES * BATCH_SIZE, startedAt);
  db.close();
  return { single, batched };
}

try {
  const ours = await adapter();
  const baseline = raw();
  console.log(`| SQLite (WAL, synchronous=FULL), ${SINGLE} single + ${BATCHES}×${BATCH_SIZE} batched | ops/s |`);
  console.log('|---|---:|');
  console.log(`| createSqliteStorage append, 1 op per transaction | ${ours.single} |`);
  console.log(`| raw better-sqlite3 insert, 1 op per transaction | ${baseline.single} |`);
  console.log(`| createSqliteStorage append with synchronous: 'normal', 1 op per transaction | ${ours.singleNormal} |`);
  console.log(`| createSqliteStorage append, ${BATCH_SIZE} ops per transaction | ${ours.batched} |`);
  console.log(`| raw better-sqlite3 insert, ${BATCH_SIZE} ops per transaction | ${baseline.batched} |`);
  console.log(`| batched, adapter / raw | ${Math.round((100 * ours.batched) / baseline.batched)} % |`);
  console.log(`| createSqliteStorage readPage + deleteRange drain | ${ours.drain} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
