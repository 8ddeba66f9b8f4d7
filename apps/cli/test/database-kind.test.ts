import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSyncServer } from '@media-sync/sync-server';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, queuedDevice, tempDir, watchlistOps } from './helpers.js';

/** What each command that takes a queue file runs with `--db FILE`. */
function commands(db: string, trace: string): string[][] {
  return [
    ['status', '--db', db],
    ['status', '--db', db, '--json'],
    [
      'replay',
      '--db',
      db,
      '--url',
      'ws://127.0.0.1:9',
      '--token',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1IiwiZGlkIjoidHYiLCJleHAiOjQxMDI0NDQ4MDB9.c2ln',
    ],
    ['enqueue', '--db', db, '--device', 'tv', '--trace', trace],
    ['dead-letters', 'list', '--db', db],
    ['dead-letters', 'requeue', '--db', db, '--all'],
    ['dead-letters', 'purge', '--db', db, '--all'],
  ];
}

describe('a file that is not a device queue', () => {
  it('a gateway database, an empty file and a text file are refused by every command, byte-identical', async () => {
    const dir = tempDir();
    const trace = join(dir, 'trace.jsonl');
    writeFileSync(trace, `${JSON.stringify({ deviceId: 'tv', ...watchlistOps(1)[0] })}\n`);
    const gatewayDb = join(dir, 'gateway.db');
    const server = await startSyncServer({ secret: 's', dbPath: gatewayDb });
    await server.close();
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'shopping list\n'.repeat(100));

    const expected: Array<[string, RegExp]> = [
      [
        gatewayDb,
        /gateway\.db is (a media-sync gateway database|a SQLite database of something else \(tables .*\)), not a media-sync queue database$/,
      ],
      [empty, /empty\.db is an empty file, not a queue database$/],
      [notes, /notes\.txt is not a SQLite database$/],
    ];
    for (const [file, message] of expected) {
      const before = readFileSync(file);
      for (const args of commands(file, trace)) {
        const result = await cli(args);
        expect({ args, code: result.code }).toEqual({ args, code: 1 });
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr.trim()).toMatch(message);
        expect(readFileSync(file).equals(before)).toBe(true);
      }
    }
    // No queue table was added to the gateway's database.
    const raw = new Database(gatewayDb, { readonly: true });
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'pending'").all()).toEqual([]);
    raw.close();
  });

  it('status reads a queue without writing to it', async () => {
    const { db } = await queuedDevice(watchlistOps(3));
    const before = readFileSync(db);
    expect((await cli(['status', '--db', db])).code).toBe(0);
    expect(readFileSync(db).equals(before)).toBe(true);
  });
});
