import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { benchBreakdown } from '../src/commands/bench-codec.js';
import { run } from '../src/main.js';
import { generateTrace } from '../src/trace-generator.js';

describe('bench codec', () => {
  it('prints the §11 table side by side and writes Markdown and SVG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'codec-bench-'));
    let stdout = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    try {
      const trace = join(dir, 'trace.jsonl');
      writeFileSync(trace, `${generateTrace({ seed: 3, ops: 600 }).join('\n')}\n`);
      const alt = join(dir, 'alt.jsonl');
      writeFileSync(
        alt,
        `${generateTrace({ seed: 5, ops: 600, idShape: 'numeric', unicode: true, devices: 5 }).join('\n')}\n`,
      );
      const code = await run([
        'node',
        'media-sync',
        'bench',
        'codec',
        '--trace',
        trace,
        '--alt-trace',
        alt,
        '--out',
        dir,
        '--runs',
        '1',
      ]);
      expect(code).toBe(0);
      const markdown = readFileSync(join(dir, 'codec-bench.md'), 'utf8');
      for (const row of [
        'reference JSON envelope',
        'JSON batch (1000) + gzip',
        'msgpackr',
        'msgpackr batch (1000, records) + zstd-19',
        'msgpackr batch (500, records) + zstd-19',
        'protobuf SyncMessage',
        'media-sync batch 1 ',
        'media-sync batch 10 ',
        'media-sync batch 100 ',
        'media-sync batch 500 ',
        'media-sync batch 1000 ',
        'media-sync batch 500, user in the frame ',
        'one progress update alone, self-contained, user in the frame',
        'one progress update alone, self-contained, user named by its channel',
        'one progress update alone, with session context',
      ]) {
        expect(markdown).toContain(`| ${row}`);
      }
      for (const target of [
        'standard trace, batch 1000',
        'standard trace, batch 500',
        'one progress update alone, session context',
        'one progress update alone, self-contained',
        'encode, batch 500',
        'decode, batch 500',
        `other trace, batch 500 (${alt})`,
        `other trace, batch 1000 (${alt})`,
      ]) {
        expect(markdown).toContain(`| ${target} |`);
      }
      // The user-bound frame leaves the user's UUID (16 bytes) out of every one-op frame.
      const bytesOf = (row: string) => Number(new RegExp(`\\| ${row} \\| ([\\d.]+) \\|`).exec(markdown)?.[1]);
      const withUser = bytesOf('one progress update alone, self-contained, user in the frame');
      const bound = bytesOf('one progress update alone, self-contained, user named by its channel');
      expect(withUser - bound).toBeGreaterThanOrEqual(16);
      // The batch rows measure what the queue sends: user-bound frames, one user UUID fewer per frame.
      expect(markdown).toContain('The media-sync batch rows are user-bound frames');
      expect(bytesOf('media-sync batch 500')).toBeLessThan(bytesOf('media-sync batch 500, user in the frame'));
      expect(stdout).toContain(markdown);
      const svg = readFileSync(join(dir, 'codec-bench.svg'), 'utf8');
      expect(svg).toMatch(/^<svg /);
      expect(svg.match(/<rect /g)?.length).toBe(16);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('--breakdown: per-field bytes that add up to the body, and the header, to the frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'codec-breakdown-'));
    try {
      const trace = join(dir, 'trace.jsonl');
      writeFileSync(trace, `${generateTrace({ seed: 3, ops: 1_200 }).join('\n')}\n`);
      const rows = await benchBreakdown(trace, 500);
      const byName = new Map(rows.map((row) => [row.name, row]));
      const fields = rows.filter((row) => !['body (all fields)', 'frame header', 'frame'].includes(row.name));
      // Field names come from the codec's field numbers, never "field N".
      expect(fields.every((row) => !row.name.startsWith('field '))).toBe(true);
      expect(byName.has('uuids')).toBe(true);
      // The frames measured are user-bound, as the queue sends them: no user column.
      expect(byName.has('user_refs')).toBe(false);
      const body = byName.get('body (all fields)');
      const header = byName.get('frame header');
      const frame = byName.get('frame');
      const sum = fields.reduce((n, row) => n + row.rawBytesPerOp, 0);
      expect(sum).toBeCloseTo(body?.rawBytesPerOp ?? 0, 9);
      expect((body?.compressedBytesPerOp ?? 0) + (header?.compressedBytesPerOp ?? 0)).toBeCloseTo(
        frame?.compressedBytesPerOp ?? 0,
        9,
      );
      expect(frame?.compressedBytesPerOp).toBeLessThan(frame?.rawBytesPerOp ?? 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
