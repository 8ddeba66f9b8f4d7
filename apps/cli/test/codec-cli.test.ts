import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCodec } from '@media-sync/codec';
import { describe, expect, it } from 'vitest';
import { generateTrace } from '../src/trace-generator.js';
import { cli, tempDir } from './helpers.js';

/** A generated trace of `ops` lines (the same generator the codec's dictionary is trained on). */
function traceFile(dir: string, ops: number, name = 'trace.jsonl'): { file: string; lines: string[] } {
  const lines = generateTrace({ seed: 11, ops });
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, lines };
}

/** Lines per device, in order: decode prints each device's ops together, in seq order. */
function byDevice(lines: readonly string[]): Record<string, string[]> {
  const devices: Record<string, string[]> = {};
  for (const line of lines) {
    if (line === '') continue;
    const device = (JSON.parse(line) as { deviceId: string }).deviceId;
    devices[device] = [...(devices[device] ?? []), line];
  }
  return devices;
}

/** Decoded output, checked to hold each device's lines in one run, per device. */
function decodedByDevice(stdout: string): Record<string, string[]> {
  const lines = stdout.split('\n').filter(Boolean);
  const order = lines.map((line) => (JSON.parse(line) as { deviceId: string }).deviceId);
  const runs = order.filter((device, i) => device !== order[i - 1]);
  expect(new Set(runs).size).toBe(runs.length);
  return byDevice(lines);
}

describe('media-sync codec', () => {
  it('encode then decode reproduces the trace exactly, regrouped by device', async () => {
    const dir = tempDir();
    const { file, lines } = traceFile(dir, 3000);
    const out = join(dir, 'frames');
    const encoded = await cli(['codec', 'encode', '--trace', file, '--out', out, '--batch', '500']);
    expect(encoded.code).toBe(0);
    expect(encoded.stdout).toMatch(/^\d+ frames, 3000 ops, \d+ bytes \(\d+\.\d\d B\/op/);
    const files = readdirSync(out).sort();
    expect(files.length).toBe(Number(encoded.stdout.split(' ')[0]));
    expect(files[0]).toMatch(/^000001-.+\.frame$/);

    const decoded = await cli(['codec', 'decode', ...files.map((f) => join(out, f))]);
    expect(decoded.code).toBe(0);
    expect(decoded.stdout.endsWith('\n')).toBe(true);
    expect(decodedByDevice(decoded.stdout)).toEqual(byDevice(lines));
  });

  it('decodes a directory of frames, and inspect prints the header and ops', async () => {
    const dir = tempDir();
    const { file } = traceFile(dir, 30);
    const out = join(dir, 'small');
    expect(
      (await cli(['codec', 'encode', '--trace', file, '--out', out, '--batch', '10', '--no-dict', '--level', '3']))
        .code,
    ).toBe(0);
    const fromDir = await cli(['codec', 'decode', out]);
    expect(fromDir.stdout.trim().split('\n')).toHaveLength(30);
    const first = readdirSync(out).sort()[0] as string;
    const inspected = await cli(['codec', 'inspect', join(out, first)]);
    const json = JSON.parse(inspected.stdout) as {
      header: { opCount: number; firstSeq: number; dictionaryId: number };
      ops: { seq: number }[];
    };
    expect(json.header).toMatchObject({ firstSeq: 1, dictionaryId: 0 });
    expect(json.ops.map((o) => o.seq)).toEqual(Array.from({ length: json.header.opCount }, (_, i) => i + 1));
  });

  it('refuses an --out folder that holds files unless --force, which replaces the old frames', async () => {
    const dir = tempDir();
    const big = traceFile(dir, 40, 'big.jsonl');
    const small = traceFile(dir, 5, 'small.jsonl');
    const out = join(dir, 'frames');
    expect((await cli(['codec', 'encode', '--trace', big.file, '--out', out, '--batch', '5'])).code).toBe(0);
    const before = readdirSync(out).sort();

    const refused = await cli(['codec', 'encode', '--trace', small.file, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `media-sync: --out ${out} is not empty (${before.length} entries); its frames would mix with the new ones: choose an empty folder, or add --force to replace its .frame files\n`,
    );
    expect(readdirSync(out).sort()).toEqual(before);

    const forced = await cli(['codec', 'encode', '--trace', small.file, '--out', out, '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ out, ops: 5, frames: readdirSync(out).length });
    expect(decodedByDevice((await cli(['codec', 'decode', out])).stdout)).toEqual(byDevice(small.lines));
  });

  it('bad input exits 1 with one line on stderr that names the file, and no stack trace', async () => {
    const dir = tempDir();
    const { file } = traceFile(dir, 5);
    const garbage = join(dir, 'garbage.frame');
    writeFileSync(garbage, Buffer.from('not a frame at all'));
    const cases: Array<[string[], string | RegExp]> = [
      [['codec', 'decode', garbage], /^media-sync: .*garbage\.frame: [A-Z_]+ at byte \d+/],
      [
        ['codec', 'decode', join(dir, 'missing.frame')],
        `cannot read frame ${join(dir, 'missing.frame')}: no such file or directory`,
      ],
      [['codec', 'encode', '--trace', join(dir, 'missing.jsonl'), '--out', join(dir, 'o1')], 'cannot read trace'],
      [
        ['codec', 'encode', '--trace', dir, '--out', join(dir, 'o2')],
        `cannot read trace ${dir}: it is a directory, not a file`,
      ],
      [['codec', 'encode', '--trace', file, '--out', file], `--out ${file} is a file, not a folder`],
      [['codec', 'encode', '--trace', file, '--out', join(dir, 'o3'), '--batch', 'zero'], '--batch must be an integer'],
      [['codec', 'inspect', garbage], 'garbage.frame'],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("decodes and inspects user-bound frames (the queue's) with --user, and says to pass it without", async () => {
    const dir = tempDir();
    const { file, lines } = traceFile(dir, 200);
    const userId = (JSON.parse(lines[0] as string) as { userId: string }).userId;
    const out = join(dir, 'bound');
    expect((await cli(['codec', 'encode', '--trace', file, '--out', out, '--batch', '50', '--bind-user'])).code).toBe(
      0,
    );
    // A frame as the queue sends it, made by the codec itself rather than by this CLI.
    const codec = await createCodec();
    const ops = [1, 2].map((seq) => ({
      deviceId: 'tv-1',
      seq,
      hlc: { physicalMs: 1_790_000_000_000 + seq, logical: 0, nodeId: 'tv-1' },
      op: { type: 'watchlistAdd' as const, userId, contentId: `tt${seq}`, timestamp: 1_790_000_000_000 + seq },
    }));
    const queued = join(out, '999999-tv-1.frame');
    writeFileSync(queued, codec.encodeFrame('tv-1', ops, { userId, bindUser: true }).bytes);

    const decoded = await cli(['codec', 'decode', '--user', userId, out]);
    expect(decoded.code).toBe(0);
    const expected = byDevice(lines);
    expected['tv-1'] = ops.map((o) => JSON.stringify({ deviceId: 'tv-1', ...o.op }));
    expect(
      Object.fromEntries(
        Object.entries(decodedByDevice(decoded.stdout)).map(([d, l]) => [d, l.map((x) => JSON.parse(x))]),
      ),
    ).toEqual(Object.fromEntries(Object.entries(expected).map(([d, l]) => [d, l.map((x) => JSON.parse(x))])));

    const inspected = await cli(['codec', 'inspect', '--user', userId, queued]);
    expect(inspected.code).toBe(0);
    expect(JSON.parse(inspected.stdout).header).toMatchObject({ deviceId: 'tv-1', userId, opCount: 2 });

    for (const command of [
      ['decode', out],
      ['inspect', queued],
    ]) {
      const missing = await cli(['codec', ...command]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^media-sync: .*\.frame: USER_REQUIRED at byte \d+: .*: pass --user ID/);
      expect(missing.stderr.trim().split('\n')).toHaveLength(1);
      const other = await cli(['codec', command[0] as string, '--user', 'someone-else', command[1] as string]);
      expect(other.code).toBe(1);
      expect(other.stderr).toMatch(/CRC_MISMATCH/);
    }
    const empty = await cli(['codec', 'decode', '--user', '', out]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('--user must be a user id of 1..256 UTF-8 bytes');
  });

  it('a trace line that is not a valid op names the file and line', async () => {
    const dir = tempDir();
    const trace = join(dir, 'bad.jsonl');
    writeFileSync(trace, '{"deviceId":"d","type":"watchlistAdd","userId":"u","contentId":"c","timestamp":-1}\n');
    const result = await cli(['codec', 'encode', '--trace', trace, '--out', join(dir, 'bad')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.jsonl:1: timestamp');
  });
});
