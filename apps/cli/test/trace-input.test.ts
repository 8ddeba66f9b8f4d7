import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTrace, readTraceSync } from '../src/trace-input.js';
import { cli, tempDir } from './helpers.js';

const line = (i: number) =>
  `{"deviceId":"tv","type":"watchlistAdd","userId":"u1","contentId":"tt${i}","timestamp":${1790000000000 + i}}`;

async function collect(source: Parameters<typeof readTrace>[0]): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of readTrace(source)) ids.push((entry.op as { contentId: string }).contentId);
  return ids;
}

describe('reading traces', () => {
  it('streams, skipping a BOM, blank lines and CRLF, the same sync and async', async () => {
    const dir = tempDir();
    const file = join(dir, 't.jsonl');
    // Lines cross the 64 KiB chunks of the synchronous reader.
    const lines = Array.from({ length: 3000 }, (_, i) => line(i));
    writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n\r\n`);
    const expected = lines.map((_, i) => `tt${i}`);
    expect(await collect({ path: file })).toEqual(expected);
    expect([...readTraceSync(file)].map((entry) => (entry.op as { contentId: string }).contentId)).toEqual(expected);
    expect(await collect({ path: '-', stdin: Readable.from([`\uFEFF${lines.slice(0, 3).join('\n')}`]) })).toEqual([
      'tt0',
      'tt1',
      'tt2',
    ]);
  });

  it('names the file and line of a bad entry, stdin as "stdin"', async () => {
    const bad = `${line(1)}\n{"type":"nope"}\n`;
    await expect(collect({ path: '-', stdin: Readable.from([bad]) })).rejects.toThrow(/^stdin:2: /);
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.jsonl'), bad);
    expect(() => [...readTraceSync(join(dir, 'bad.jsonl'))]).toThrow(/bad\.jsonl:2: /);
  });

  it('says what is wrong with a path in words', async () => {
    const dir = tempDir();
    await expect(collect({ path: join(dir, 'missing') })).rejects.toThrow(
      `cannot read trace ${join(dir, 'missing')}: no such file or directory`,
    );
    mkdirSync(join(dir, 'folder'));
    expect(() => [...readTraceSync(join(dir, 'folder'))]).toThrow(
      `cannot read trace ${join(dir, 'folder')}: is a directory, not a file`,
    );
  });
});

describe('error messages of any command', () => {
  it('name the file in words, never a bare errno', async () => {
    const dir = tempDir();
    const out = join(dir, 'no', 'such', 'folder', 't.jsonl');
    const generated = await cli(['trace', 'generate', '--seed', '1', '--ops', '3', '--out', out]);
    expect(generated).toMatchObject({ code: 1, stderr: `media-sync: cannot open ${out}: no such file or directory\n` });
    const db = join(dir, 'no', 'x.db');
    const trace = join(dir, 't.jsonl');
    writeFileSync(trace, `${line(1)}\n`);
    const enqueued = await cli(['enqueue', '--db', db, '--device', 'tv', '--trace', trace]);
    expect(enqueued.code).toBe(1);
    expect(enqueued.stderr).toMatch(new RegExp(`^media-sync: cannot open ${db.replaceAll('/', '\\/')}: .*directory`));
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(await cli(['codec', 'decode', empty])).toMatchObject({
      code: 1,
      stderr: `media-sync: ${empty} holds no .frame files\n`,
    });
  });
});
