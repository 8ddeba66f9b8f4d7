import { describe, expect, it } from 'vitest';
import { cycleOps, formatQueueBench, runQueueBench } from '../src/commands/bench-queue.js';
import { loadBusiestDevice, standardTracePath } from '../src/trace-files.js';

const TRACE = standardTracePath() as string;

describe('bench queue', () => {
  it('cycles trace ops into distinct, time-ordered ops', () => {
    const { deviceId, ops } = loadBusiestDevice(TRACE);
    expect(deviceId).toBe('web-chrome');
    const cycled = cycleOps(ops, ops.length * 2 + 5);
    expect(cycled).toHaveLength(ops.length * 2 + 5);
    for (let i = 1; i < cycled.length; i++) {
      expect((cycled[i]?.timestamp as number) >= (cycled[i - 1]?.timestamp as number)).toBe(true);
    }
    expect(cycled[ops.length]).not.toEqual(cycled[0]);
  });

  it('measures every adapter next to the raw loop and prints the table', async () => {
    const options = { trace: TRACE, singleOps: 20, batchOps: 300, batchSize: 100, runs: 1, rssOps: 0 };
    const result = await runQueueBench(options);
    expect(result.enqueue.map((row) => row.adapter)).toEqual([
      'memory',
      'sqlite (WAL, synchronous FULL)',
      'sqlite (WAL, synchronous NORMAL)',
      'indexeddb (fake-indexeddb)',
      'raw better-sqlite3 insert loop (same table and index)',
      'raw better-sqlite3 insert loop (bare table, no index)',
    ]);
    for (const row of result.enqueue) expect(row.batched).toBeGreaterThan(0);
    expect(result.replay.map((row) => row.frames)).toEqual([1, 1, 1, 1]);
    const table = formatQueueBench(result, options);
    expect(table).toContain('| raw better-sqlite3 insert loop (same table and index) |');
    expect(table).toContain('of the raw batched insert loop');
  }, 60_000);
});
