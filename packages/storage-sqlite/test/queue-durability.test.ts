import { join } from 'node:path';
import { decodeBody } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnFixture, watchLines } from './child.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

describe('queue.enqueue on SQLite under SIGKILL', () => {
  it('keeps every resolved enqueue, once, with seqs and HLCs increasing across restarts', async () => {
    const path = join(dir, 'queue.db');
    let previous = { seq: 0, hlc: '' };

    for (let round = 1; round <= 4; round += 1) {
      const killAfterLines = 10 + Math.floor(Math.random() * 150);
      const reported = new Map<number, string>();
      const child = spawnFixture('enqueue-until-killed.ts', [path, String(round)]);
      const exit = await watchLines(child, (line) => {
        const [seq, contentId] = line.split('=');
        reported.set(Number(seq), contentId as string);
        if (reported.size >= killAfterLines) child.kill('SIGKILL');
      });
      expect(exit.signal, `child died on its own: ${exit.stderr}`).toBe('SIGKILL');

      const raw = new Database(path);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();

      const storage = createSqliteStorage({ path });
      const rows = await storage.readPage(previous.seq, 1_000_000);
      const stored = new Map(
        rows.map((row) => {
          const op = decodeBody(row.body);
          return [row.seq, op.type === 'progressUpdate' ? op.contentId : `unexpected ${op.type}`];
        }),
      );
      for (const [seq, contentId] of reported) expect(stored.get(seq), `seq ${seq}`).toBe(contentId);
      const contentIds = [...stored.values()];
      expect(new Set(contentIds).size, 'an op was stored twice').toBe(contentIds.length);
      expect(contentIds.every((id) => id.startsWith(`r${round}-`))).toBe(true);

      // The first op of this run comes after the last of the previous one, in seq and in HLC
      // (the queue persists its last HLC with every append).
      const first = rows[0];
      const last = rows[rows.length - 1];
      expect(first?.seq).toBeGreaterThan(previous.seq);
      expect((first?.hlc ?? '') > previous.hlc).toBe(true);
      const hlcs = rows.map((row) => row.hlc);
      expect(hlcs).toEqual([...hlcs].sort());
      previous = { seq: last?.seq ?? previous.seq, hlc: last?.hlc ?? previous.hlc };
      await storage.close();
    }
  }, 90_000);
});
