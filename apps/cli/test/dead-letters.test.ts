import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { describe, expect, it } from 'vitest';
import { cli, queuedDevice, watchlistOps } from './helpers.js';

/** A queue of 5 ops, of which seqs 2, 3 and 5 are dead letters. */
async function queueWithDeadLetters(): Promise<string> {
  const { db } = await queuedDevice(watchlistOps(5));
  const storage = createSqliteStorage({ path: db });
  await storage.deadLetter([2, 3], 'REJECTED', 'FORBIDDEN_USER: op of user x', 1_000);
  await storage.deadLetter([5], 'MAX_ATTEMPTS', 'TIMEOUT: no ack', 2_000);
  await storage.close();
  return db;
}

describe('media-sync dead-letters', () => {
  it('lists them, as a table or JSON with each op', async () => {
    const db = await queueWithDeadLetters();
    const table = await cli(['dead-letters', 'list', '--db', db]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')).toEqual([
      '   seq  dead-lettered at          code  op  reason',
      '     2  1970-01-01T00:00:01.000Z  REJECTED  watchlistAdd  FORBIDDEN_USER: op of user x',
      '     3  1970-01-01T00:00:01.000Z  REJECTED  watchlistAdd  FORBIDDEN_USER: op of user x',
      '     5  1970-01-01T00:00:02.000Z  MAX_ATTEMPTS  watchlistAdd  TIMEOUT: no ack',
      '',
    ]);
    const json = JSON.parse((await cli(['dead-letters', 'list', '--db', db, '--json'])).stdout);
    expect(json.map((letter: { seq: number; op: { contentId: string } }) => [letter.seq, letter.op.contentId])).toEqual(
      [
        [2, 'tt1001'],
        [3, 'tt1002'],
        [5, 'tt1004'],
      ],
    );
  });

  it('requeues chosen seqs with their seqs, and purges the rest', async () => {
    const db = await queueWithDeadLetters();
    const requeued = await cli(['dead-letters', 'requeue', '--db', db, '--seq', '3,5']);
    expect(requeued).toEqual({ code: 0, stdout: `requeued 2 dead letters in ${db}\n`, stderr: '' });
    const status = JSON.parse((await cli(['status', '--db', db, '--json'])).stdout);
    expect(status).toMatchObject({ pending: 4, deadLettered: 1 });
    const purged = await cli(['dead-letters', 'purge', '--db', db, '--all', '--json']);
    expect(JSON.parse(purged.stdout)).toEqual({ db, purged: 1 });
    expect(JSON.parse((await cli(['status', '--db', db, '--json'])).stdout)).toMatchObject({
      pending: 4,
      deadLettered: 0,
      deadLetterReasons: [],
    });
  });

  it('needs --seq or --all to change anything', async () => {
    const db = await queueWithDeadLetters();
    const result = await cli(['dead-letters', 'purge', '--db', db]);
    expect(result).toMatchObject({
      code: 1,
      stderr: 'media-sync: name the dead letters to purge: --seq N[,N...] or --all\n',
    });
    expect(await cli(['dead-letters', 'purge', '--db', db, '--seq', 'two'])).toMatchObject({ code: 1 });
    expect(JSON.parse((await cli(['status', '--db', db, '--json'])).stdout).deadLettered).toBe(3);
  });
});
