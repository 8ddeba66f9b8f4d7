import { join } from 'node:path';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQL, WHOLE_TABLE_STATEMENTS } from '../src/sql.js';
import { commandRecord, progressRecord, tempDir } from './helpers.js';

let raw: Database.Database;
let cleanup: () => void;

beforeAll(async () => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  const path = join(temp.dir, 'plan.db');
  const storage = createSqliteStorage({ path });
  // Enough rows, with statistics, that the planner would show a scan if one were cheaper.
  for (let batch = 0; batch < 5; batch += 1) {
    await storage.append(
      Array.from({ length: 1000 }, (_, i) =>
        i % 3 === 0 ? commandRecord(`c${i}`, i) : progressRecord(`p${i}`, `user\ncontent-${i % 50}`),
      ),
    );
  }
  await storage.deadLetter([1, 2, 3], 'REJECTED', 'test', 1);
  await storage.close();
  raw = new Database(path);
  raw.exec('ANALYZE');
});

afterAll(() => {
  raw.close();
  cleanup();
});

function plan(sql: string): string[] {
  const params = (sql.match(/\?/g) ?? []).map(() => 1);
  return raw
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((row) => (row as { detail: string }).detail);
}

describe('query plans', () => {
  const hot = Object.entries(SQL).filter(([name]) => !WHOLE_TABLE_STATEMENTS.has(name as keyof typeof SQL));

  it.each(hot)('%s searches an index and never scans or sorts', (_name, sql) => {
    const details = plan(sql);
    for (const detail of details) {
      expect(detail).not.toMatch(/^SCAN /);
      expect(detail).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('answers the latest seq for a key from the covering coalesce-key index', () => {
    expect(plan(SQL.latestSeqForKey)).toEqual([
      'SEARCH pending USING COVERING INDEX pending_by_coalesce_key (coalesce_key=?)',
    ]);
  });

  it('reads a page and deletes a range by rowid search', () => {
    expect(plan(SQL.readPage)).toEqual(['SEARCH pending USING INTEGER PRIMARY KEY (rowid>?)']);
    expect(plan(SQL.deleteRange)).toEqual(['SEARCH pending USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)']);
  });

  it('moves only whole-table statements past the scan check, and only those that must be', () => {
    expect([...WHOLE_TABLE_STATEMENTS].sort()).toEqual([
      'deadLetterCodes',
      'deleteAllDeadLetters',
      'requeueAllDeadLetters',
    ]);
  });
});
