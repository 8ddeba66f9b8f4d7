import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cycleOps, formatQueueBench, runQueueBench } from '../src/commands/bench-queue.js';
import { loadBusiestDevice } from '../src/trace-files.js';
import { generateTrace } from '../src/trace-generator.js';

// A small generated trace, so the test runs without ../shared/traces.
const dir = mkdtempSync(join(tmpdir(), 'queue-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TRACE = join(dir, 'trace.jsonl');
const traceLines = generateTrace({ seed: 1, ops: 600 });
writeFileSync(TRACE, `${traceLines.join('\n')}\n`);

describe('bench queue', () => {
  it('cycles trace ops into distinct, time-ordered ops', () => {
    const { deviceId, ops } = loadBusiestDevice(TRACE);
    const perDevice = new Map<string, number>();
    for (const line of traceLines) {
      const id = (JSON.parse(line) as { deviceId: string }).deviceId;
      perDevice.set(id, (perDevice.get(id) ?? 0) + 1);
    }
    expect(ops).toHaveLength(Math.max(...perDevice.values()));
    expect(perDevice.get(deviceId)).toBe(ops.length);
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
    // One frame of ops, and one declaring the trace's expired device commands skipped.
    expect(result.replay.map((row) => row.frames)).toEqual([2, 2, 2, 2]);
    const table = formatQueueBench(result, options);
    expect(table).toContain('| raw better-sqlite3 insert loop (same table and index) |');
    expect(table).toContain('of the raw batched insert loop');
  }, 60_000);
});
