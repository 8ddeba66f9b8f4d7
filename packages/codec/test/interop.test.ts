import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { media_sync, type SequencedOperation } from '@media-sync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitPackedColumnReader } from '../src/columns.js';
import { type Codec, createCodec } from '../src/index.js';
import { loadFixtureTrace, resign } from './helpers.js';

const protoDir = fileURLToPath(new URL('../../../proto', import.meta.url));
const dictionary = fileURLToPath(new URL('../dictionaries/1.zdict', import.meta.url));
const hasTools = ['protoc', 'zstd'].every((tool) => spawnSync(tool, ['--version']).status === 0);
if (!hasTools) {
  const message =
    'protoc or zstd not found: install Debian protobuf-compiler and zstd to run the wire-format interop test';
  if (process.env.CI) throw new Error(`${message} (CI is set, so this fails the run)`);
  console.warn(`SKIPPING interop tests: ${message}`);
}

describe.skipIf(!hasTools)('interop with Debian protoc and zstd (§4)', () => {
  let codec: Codec;
  let dir: string;
  let ops: SequencedOperation[];
  beforeAll(async () => {
    codec = await createCodec();
    dir = mkdtempSync(join(tmpdir(), 'codec-interop-'));
    ops = (loadFixtureTrace().get('web-firefox') as SequencedOperation[]).slice(0, 300);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const protoc = (type: string, input: Uint8Array) =>
    execFileSync(
      'protoc',
      [`-I${protoDir}`, `--decode=media_sync.v1.${type}`, 'media_sync/v1/frame.proto', 'media_sync/v1/batch.proto'],
      {
        input,
        encoding: 'utf8',
      },
    );

  for (const dict of [true, false]) {
    it(`protoc decodes the Frame, zstd ${dict ? '-D dictionary ' : ''}the body, protoc the Batch`, () => {
      const frame = codec.encodeFrame('web-firefox', ops, { dictionary: dict });
      expect(frame.header.compressed).toBe(true);
      expect(frame.header.dictionaryId).toBe(dict ? 1 : 0);
      const text = protoc('Frame', frame.bytes);
      expect(text).toContain('format_version: 2');
      expect(text).toMatch(/checksum: \d+/);
      expect(text).toContain('device_id: "web-firefox"');
      expect(text).toContain(`op_count: ${ops.length}`);
      // The zstd header states the body's size and dictionary: the frame does not repeat them.
      expect(text).not.toContain('body_length');
      expect(text).not.toContain('dictionary_id');

      const body = media_sync.v1.Frame.decode(frame.bytes).body;
      const compressed = join(dir, `body-${dict}.zst`);
      writeFileSync(compressed, body);
      const raw = execFileSync('zstd', ['-d', '-c', '-q', ...(dict ? ['-D', dictionary] : []), compressed]);
      expect(raw.length).toBe(frame.header.bodyLength);

      const batch = protoc('Batch', raw);
      expect(batch).toContain('uuids: "');
      // Steady updates with jitter: both jitter columns go bit-packed.
      expect(batch).toContain('timestamp_delta_bits: "');
      expect(batch).toContain('position_residual_bits: "');
      expect(batch).not.toMatch(/timestamp_deltas: -?\d+/);
      // The Batch decoded by protobufjs, its bit-packed timestamp deltas read back: every delta.
      const decoded = media_sync.v1.Batch.decode(raw);
      const bits = decoded.timestampDeltaBits;
      const deltas = new BitPackedColumnReader(bits, 0, bits.length, 0, Number(decoded.timestampDeltaBias));
      const expected = ops.slice(1).map((e, i) => e.op.timestamp - (ops[i] as SequencedOperation).op.timestamp);
      expect(expected.map(() => deltas.readBiased())).toEqual(expected);
      deltas.finish('timestamp_delta_bits');
      const residuals = decoded.positionResidualBits;
      const positions = new BitPackedColumnReader(
        residuals,
        0,
        residuals.length,
        0,
        Number(decoded.positionResidualBias),
      );
      for (const e of ops) if (e.op.type === 'progressUpdate') positions.readBiased();
      positions.finish('position_residual_bits');
    });
  }

  it('a user-bound frame: protoc reads user_bound_checksum, zstd -D the body, protoc a Batch without the user', () => {
    const userId = (ops[0]?.op as { userId?: string } | undefined)?.userId as string;
    const mine = ops.filter((e) => e.op.type === 'deviceCommand' || e.op.userId === userId);
    const frame = codec.encodeFrame('web-firefox', mine, { userId, bindUser: true });
    expect(frame.header.userId).toBe(userId);
    const text = protoc('Frame', frame.bytes);
    expect(text).toMatch(/user_bound_checksum: \d+/);
    expect(text).not.toMatch(/^checksum:/m);
    const compressed = join(dir, 'bound.zst');
    writeFileSync(compressed, media_sync.v1.Frame.decode(frame.bytes).body);
    const raw = execFileSync('zstd', ['-d', '-c', '-q', '-D', dictionary, compressed]);
    expect(raw.length).toBe(frame.header.bodyLength);
    const batch = protoc('Batch', raw);
    // The user is table entry 0, supplied by the receiver: no user refs, and not among the strings.
    expect(batch).not.toContain('user_refs');
    expect(batch).not.toContain(userId);
    const uuids = media_sync.v1.Batch.decode(raw).uuids;
    const table = Array.from({ length: uuids.length / 16 }, (_, k) =>
      Buffer.from(uuids.subarray(k * 16, k * 16 + 16)).toString('hex'),
    );
    expect(table).not.toContain(userId.replaceAll('-', ''));
    expect(codec.decodeFrame(frame.bytes, { userId }).ops).toEqual(mine);
  });

  it('a body compressed by the zstd CLI (no content size in its header) decodes with the same dictionary', () => {
    const frame = codec.encodeFrame('web-firefox', ops, { compression: false });
    const body = media_sync.v1.Frame.decode(frame.bytes).body;
    const input = join(dir, 'plain.bin');
    writeFileSync(input, body);
    // From a pipe, the CLI does not know the size, so the frame header carries none.
    const compressed = execFileSync('sh', ['-c', `cat "${input}" | zstd -q -c -19 -D "${dictionary}"`]);
    const descriptor = compressed[4] as number;
    expect(descriptor >> 6).toBe(0); // Frame_Content_Size_Flag 0 …
    expect(descriptor & 0x20).toBe(0); // … and not single-segment: no content size at all.
    const rebuilt = resign(
      media_sync.v1.Frame.encode(
        media_sync.v1.Frame.create({
          formatVersion: 2,
          flags: 1,
          dictionaryId: 1,
          deviceId: 'web-firefox',
          opCount: frame.header.opCount,
          firstSeq: frame.header.firstSeq,
          lastSeq: frame.header.lastSeq,
          bodyLength: body.length,
          checksum: 1,
          body: compressed,
        }),
      ).finish(),
    );
    expect(codec.decodeFrame(rebuilt).ops).toEqual(ops);
  });

  it('a real zstd bomb from the CLI (64 MiB of zeros, streamed: no content size) fails fast with LIMIT_EXCEEDED', () => {
    const bomb = execFileSync('sh', ['-c', 'head -c 67108864 /dev/zero | zstd -q -c -3']);
    expect(bomb.length).toBeLessThan(64 * 1024);
    for (const bodyLength of [1000, 16 * 1024 * 1024]) {
      const frame = media_sync.v1.Frame.encode(
        media_sync.v1.Frame.create({
          formatVersion: 2,
          flags: 1,
          deviceId: 'd',
          firstSeq: 1,
          bodyLength,
          checksum: 1,
          body: bomb,
        }),
      ).finish();
      const signed = resign(frame);
      let code: string | undefined;
      try {
        codec.decodeFrame(signed);
      } catch (error) {
        code = (error as { code?: string }).code;
      }
      expect(code).toBe('LIMIT_EXCEEDED');
    }
  });
});
