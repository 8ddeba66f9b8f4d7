import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTraceLine } from '@media-sync/protocol';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../src/main.js';
import { generateTrace } from '../src/trace-generator.js';

describe('trace generate', () => {
  it('is deterministic for a seed, and every line is a valid §2 trace line with deviceId', () => {
    const a = generateTrace({ seed: 42, ops: 2000 });
    expect(a).toEqual(generateTrace({ seed: 42, ops: 2000 }));
    expect(a).not.toEqual(generateTrace({ seed: 43, ops: 2000 }));
    expect(a).toHaveLength(2000);
    const types = new Set<string>();
    for (const line of a) {
      const entry = parseTraceLine(line);
      expect(entry.deviceId).toBeTruthy();
      types.add(entry.op.type);
    }
    expect([...types].sort()).toEqual(['deviceCommand', 'progressUpdate', 'watchlistAdd', 'watchlistRemove']);
  });

  it('writes the trace to --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-cli-'));
    try {
      const file = join(dir, 't.jsonl');
      expect(await run(['node', 'media-sync', 'trace', 'generate', '--seed', '7', '--ops', '25', '--out', file])).toBe(
        0,
      );
      expect(readFileSync(file, 'utf8')).toBe(`${generateTrace({ seed: 7, ops: 25 }).join('\n')}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a non-integer --ops with exit 1 and one line', async () => {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      expect(await run(['node', 'media-sync', 'trace', 'generate', '--seed', '7', '--ops', 'many'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('--ops must be an integer');
  });
});
