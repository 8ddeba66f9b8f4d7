import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/main.js';

const standardTrace = fileURLToPath(new URL('../../../../shared/traces/standard-20k.jsonl', import.meta.url));

/** Runs the CLI in-process, capturing what it writes. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await run(['node', 'media-sync', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codec-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('media-sync codec', () => {
  it('encode then decode reproduces the standard trace exactly, regrouped by device', async () => {
    const out = join(dir, 'frames');
    const encoded = await cli('codec', 'encode', '--trace', standardTrace, '--out', out, '--batch', '1000');
    expect(encoded.code).toBe(0);
    expect(encoded.stdout).toMatch(/^22 frames, 20000 ops, \d+ bytes \(3\.\d\d B\/op/);
    const files = readdirSync(out).sort();
    expect(files[0]).toBe('000001-web-chrome.frame');
    expect(files).toHaveLength(22);

    const decoded = await cli('codec', 'decode', ...files.map((f) => join(out, f)));
    expect(decoded.code).toBe(0);
    const lines = readFileSync(standardTrace, 'utf8').trim().split('\n');
    const byDevice = new Map<string, string[]>();
    for (const line of lines) {
      const device = (JSON.parse(line) as { deviceId: string }).deviceId;
      byDevice.set(device, [...(byDevice.get(device) ?? []), line]);
    }
    expect(decoded.stdout).toBe(`${[...byDevice.values()].flat().join('\n')}\n`);
  });

  it('decodes a directory of frames, and inspect prints the header and ops', async () => {
    const trace = join(dir, 'small.jsonl');
    writeFileSync(trace, `${readFileSync(standardTrace, 'utf8').split('\n').slice(0, 30).join('\n')}\n`);
    const out = join(dir, 'small');
    expect(
      (await cli('codec', 'encode', '--trace', trace, '--out', out, '--batch', '10', '--no-dict', '--level', '3')).code,
    ).toBe(0);
    const fromDir = await cli('codec', 'decode', out);
    expect(fromDir.stdout.trim().split('\n')).toHaveLength(30);
    const inspected = await cli('codec', 'inspect', join(out, '000001-web-chrome.frame'));
    const json = JSON.parse(inspected.stdout) as {
      header: { opCount: number; firstSeq: number; dictionaryId: number };
      ops: { seq: number }[];
    };
    expect(json.header).toMatchObject({ opCount: 10, firstSeq: 1, dictionaryId: 0 });
    expect(json.ops.map((o) => o.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('bad input exits 1 with one line on stderr and no stack trace', async () => {
    const garbage = join(dir, 'garbage.frame');
    writeFileSync(garbage, Buffer.from('not a frame at all'));
    for (const args of [
      ['codec', 'decode', garbage],
      ['codec', 'decode', join(dir, 'missing.frame')],
      ['codec', 'encode', '--trace', join(dir, 'missing.jsonl'), '--out', dir],
      ['codec', 'encode', '--trace', standardTrace, '--out', dir, '--batch', 'zero'],
      ['codec', 'inspect', garbage],
    ]) {
      const result = await cli(...args);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const bad = await cli('codec', 'decode', garbage);
    expect(bad.stderr).toMatch(/^media-sync: .*garbage\.frame: [A-Z_]+ at byte \d+/);
  });

  it('a trace line that is not a valid op names the file and line', async () => {
    const trace = join(dir, 'bad.jsonl');
    writeFileSync(trace, '{"deviceId":"d","type":"watchlistAdd","userId":"u","contentId":"c","timestamp":-1}\n');
    const result = await cli('codec', 'encode', '--trace', trace, '--out', join(dir, 'bad'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.jsonl:1: timestamp');
  });
});
