import { afterEach, describe, expect, it, vi } from 'vitest';

// A fresh clone: no ../shared/traces beside the repository.
vi.mock('../src/trace-files.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/trace-files.js')>()),
  standardTracePath: () => undefined,
}));

const { run } = await import('../src/main.js');

afterEach(() => vi.restoreAllMocks());

describe('a bench without a trace, in a clone without ../shared/traces', () => {
  it.each([['codec'], ['publishers']])('bench %s exits 1 and says how to make a trace', async (bench) => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await run(['node', 'media-sync', 'bench', bench]);
    expect(code).toBe(1);
    expect(stderr).toContain('npx media-sync trace generate --seed 1 --ops 20000 --out trace.jsonl');
    expect(stderr).toContain('--trace trace.jsonl');
  });
});
