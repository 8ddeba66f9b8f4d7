import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BENCH_PUBLISHERS } from '../src/commands/bench-publishers.js';
import { run } from '../src/main.js';
import { generateTrace } from '../src/trace-generator.js';

const dir = mkdtempSync(join(tmpdir(), 'publishers-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The table's cells of the row that starts with `label`. */
function cells(table: string, label: string): string[] | undefined {
  const line = table.split('\n').find((candidate) => candidate.startsWith(`| ${label} |`));
  return line
    ?.split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

describe('bench publishers', () => {
  it('replays the same queue through every publisher, side by side, and prints their rows', async () => {
    const trace = join(dir, 'trace.jsonl');
    writeFileSync(trace, `${generateTrace({ seed: 2, ops: 300 }).join('\n')}\n`);
    let stdout = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    const progress = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await run([
        'node',
        'media-sync',
        'bench',
        'publishers',
        '--trace',
        trace,
        '--ops',
        '60',
        '--frame-ops',
        '10',
        '--runs',
        '1',
      ]);
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
      progress.mockRestore();
    }
    expect(stdout).toContain(
      '| publisher | ops | frames | replay ops/s | ops/CPU-s | publish p50 ms | publish p99 ms |',
    );
    const labels = [
      'memory (in-process)',
      'WebSocket → gateway (in-process)',
      'MQTT 5, QoS 1 (Mosquitto)',
      'NATS JetStream',
      'Redis Streams',
      'PubNub SDK → local stand-in',
    ];
    expect(labels).toHaveLength(BENCH_PUBLISHERS.length);
    for (const label of labels) {
      const row = cells(stdout, label);
      expect(row, label).toBeDefined();
      if (row?.[1]?.startsWith('skipped:')) {
        // A broker that is not running is named, never silently left out (CI has them all).
        expect(process.env['CI'], `${label} skipped under CI`).toBeUndefined();
        continue;
      }
      const [, ops, frames, opsPerSecond, , p50, p99, frameBytes, wireBytes] = row as string[];
      expect(Number(ops), label).toBeGreaterThan(0);
      // Frames of at most 10 ops: at least ops / 10 of them.
      expect(Number(frames), label).toBeGreaterThanOrEqual(Number(ops) / 10);
      expect(Number(opsPerSecond?.replaceAll(',', '')), label).toBeGreaterThan(0);
      expect(Number(p99), label).toBeGreaterThanOrEqual(Number(p50));
      expect(Number(frameBytes), label).toBeGreaterThan(0);
      if (label.startsWith('memory')) expect(wireBytes).toBe('—');
      // Protocol framing and headers come on top of the codec's bytes on every wire.
      else expect(Number(wireBytes), label).toBeGreaterThan(Number(frameBytes));
    }
  }, 120_000);

  it('refuses an unknown publisher by name', async () => {
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    try {
      const code = await run(['node', 'media-sync', 'bench', 'publishers', '--publishers', 'memory,kafka']);
      expect(code).not.toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(stderr.join('')).toContain('unknown "kafka"');
  });
});
