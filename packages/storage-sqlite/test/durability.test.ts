import { join } from 'node:path';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/migrations.js';
import { spawnFixture, watchLines } from './child.js';
import { tempDir } from './helpers.js';

/** mulberry32: a tiny seeded generator, so a failing run can be replayed with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

describe('durability under SIGKILL', () => {
  it('keeps every append the child saw resolve, once, with increasing seqs and an intact file', async () => {
    const seed = Number(process.env.DURABILITY_SEED ?? Date.now() % 1_000_000);
    console.info(`durability seed ${seed} (DURABILITY_SEED=${seed} reproduces the kill points)`);
    const next = random(seed);
    const path = join(dir, 'killed.db');
    let highestSeqSoFar = 0;

    for (let round = 1; round <= 6; round += 1) {
      const killAfterLines = 5 + Math.floor(next() * 150);
      const reported = new Map<number, string>();
      // synchronous=NORMAL must survive a killed process too (only power loss tells them apart).
      const synchronous = round <= 3 ? 'full' : 'normal';
      const child = spawnFixture('append-until-killed.ts', [path, String(round), synchronous]);
      const exit = await watchLines(child, (line) => {
        const [seq, label] = line.split('=');
        reported.set(Number(seq), label as string);
        if (reported.size >= killAfterLines) child.kill('SIGKILL');
      });
      expect(exit.signal, `child died on its own: ${exit.stderr}`).toBe('SIGKILL');
      expect(reported.size).toBeGreaterThanOrEqual(killAfterLines);

      // Recovery and a full integrity check on a plain connection first.
      const raw = new Database(path);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();

      const storage = createSqliteStorage({ path });
      const rows = await storage.readPage(0, 1_000_000);
      const stored = new Map(rows.map((row) => [row.seq, new TextDecoder().decode(row.body)]));
      for (const [seq, label] of reported) expect(stored.get(seq), `seq ${seq}`).toBe(label);

      const labels = rows.map((row) => new TextDecoder().decode(row.body));
      expect(new Set(labels).size, 'a label was stored twice').toBe(labels.length);
      expect(labels.every((label) => label.startsWith(`r${round}-`))).toBe(true);
      const seqs = rows.map((row) => row.seq);
      expect(seqs[0], 'a seq from an earlier round came back').toBeGreaterThan(highestSeqSoFar);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

      // Meta is written in the same transaction as the rows: it names the last stored label.
      const counts = await storage.counts();
      const lastSeq = seqs[seqs.length - 1] as number;
      expect(counts).toMatchObject({ pending: rows.length, lastSeq });
      expect(await storage.getMeta('lastLabel')).toBe(stored.get(lastSeq));

      // Empty the queue so the next round also proves seqs are not reused after deletes.
      expect(await storage.deleteRange(0, lastSeq)).toBe(rows.length);
      await storage.close();
      highestSeqSoFar = lastSeq;
    }
  }, 90_000);

  it('keeps two processes appending to one new file apart: distinct seqs, nothing lost, one migration', async () => {
    // No file yet: both children create and migrate it at the same moment.
    const path = join(dir, 'shared.db');
    const reported = [new Map<number, string>(), new Map<number, string>()];
    const children = ['a', 'b'].map((round) => spawnFixture('append-until-killed.ts', [path, round]));
    const exits = children.map((child, i) =>
      watchLines(child, (line) => {
        const [seq, label] = line.split('=');
        reported[i]?.set(Number(seq), label as string);
        if ((reported[i]?.size ?? 0) >= 300) child.kill('SIGKILL');
      }),
    );
    for (const exit of await Promise.all(exits)) expect(exit.signal, exit.stderr).toBe('SIGKILL');

    const storage = createSqliteStorage({ path });
    const stored = new Map(
      (await storage.readPage(0, 1_000_000)).map((row) => [row.seq, new TextDecoder().decode(row.body)]),
    );
    for (const seen of reported) {
      for (const [seq, label] of seen) expect(stored.get(seq), `seq ${seq}`).toBe(label);
      const seqs = [...seen.keys()];
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    expect(new Set(stored.values()).size).toBe(stored.size);
    await storage.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(
      MIGRATIONS.map((migration) => migration.version),
    );
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  }, 60_000);
});
