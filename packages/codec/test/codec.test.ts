import { encodeSyncMessage, type SequencedOperation, toCanonicalJson } from '@media-sync/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BaselineSizer,
  type Codec,
  CodecError,
  createCodec,
  readFrameHeader,
  referenceJsonEnvelope,
} from '../src/index.js';
import { deviceOpsArbitrary, loadFixtureTrace, regularOpsArbitrary } from './helpers.js';

let codec: Codec;
beforeAll(async () => {
  codec = await createCodec();
});

const canonical = (ops: readonly SequencedOperation[]) => ops.map((e) => toCanonicalJson(e.op, e.deviceId));

describe('round trip on the fixture trace', () => {
  const trace = loadFixtureTrace();
  for (const batch of [1, 10, 1000]) {
    it(`decode(encode(ops)) reproduces every op at batch ${batch}`, () => {
      for (const [deviceId, ops] of trace) {
        const slice = batch === 1 ? ops.slice(0, 300) : ops;
        for (let i = 0; i < slice.length; i += batch) {
          const chunk = slice.slice(i, i + batch);
          const frame = codec.encodeFrame(deviceId, chunk);
          const decoded = codec.decodeFrame(frame.bytes);
          expect(decoded.ops).toEqual(chunk);
          expect(canonical(decoded.ops)).toEqual(canonical(chunk));
          expect(decoded.header).toEqual(frame.header);
        }
      }
    });
  }

  it('stays small at batch 1000 (≤ 3.5 bytes/op; the §11 targets are measured by the bench)', () => {
    codec.resetMetrics();
    for (const [deviceId, ops] of trace)
      for (let i = 0; i < ops.length; i += 1000) codec.encodeFrame(deviceId, ops.slice(i, i + 1000));
    const m = codec.metrics();
    expect(m.ops).toBe(3000);
    expect(m.bytesWire / m.ops).toBeLessThanOrEqual(3.5);
    expect(m.compressionRatio).toBeCloseTo(m.bytesWire / m.bytesJson, 12);
    expect(m.savingsPercent).toBeCloseTo(100 * (1 - m.bytesWire / m.bytesJson), 9);
    expect(m.deltaSavingsPercent).toBeCloseTo(100 * (1 - m.bytesBody / m.bytesProtobuf), 9);
  });

  it('the reference JSON envelope averages about 409 bytes per op', () => {
    let bytes = 0;
    let n = 0;
    for (const ops of trace.values()) {
      for (const entry of ops) {
        bytes += new TextEncoder().encode(referenceJsonEnvelope(entry, '00918221-7a95-4b00-b3c1-f8e5d05913a0')).length;
        n++;
      }
    }
    expect(bytes / n).toBeGreaterThan(400);
    expect(bytes / n).toBeLessThan(415);
  });
});

describe('properties', () => {
  it('decode(encode(ops)) deep-equals ops, compressed or not', () => {
    fc.assert(
      fc.property(fc.oneof(deviceOpsArbitrary, regularOpsArbitrary), fc.boolean(), (ops, compression) => {
        const frame = codec.encodeFrame('dev-1', ops, { compression, minBatchSize: 1 });
        const decoded = codec.decodeFrame(frame.bytes);
        expect(decoded.ops).toEqual(ops);
        expect(canonical(decoded.ops)).toEqual(canonical(ops));
        expect(readFrameHeader(frame.bytes)).toEqual(frame.header);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same ops give the same bytes', () => {
    fc.assert(
      fc.property(deviceOpsArbitrary, (ops) => {
        expect(codec.encodeFrame('dev-1', ops).bytes).toEqual(codec.encodeFrame('dev-1', structuredClone(ops)).bytes);
      }),
      { numRuns: 100 },
    );
  });

  it('baseline sizes equal the reference envelope and encodeSyncMessage byte for byte', () => {
    const sizer = new BaselineSizer();
    fc.assert(
      fc.property(deviceOpsArbitrary, (ops) => {
        for (const entry of ops) {
          expect(sizer.jsonEnvelopeSize(entry, 'user-9')).toBe(
            new TextEncoder().encode(referenceJsonEnvelope(entry, 'user-9')).length,
          );
          expect(sizer.protobufSize(entry, 'user-9')).toBe(encodeSyncMessage(entry, 'user-9').length);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('frames', () => {
  const entry = (seq: number, positionMs = 1000): SequencedOperation => ({
    deviceId: 'tv',
    seq,
    hlc: { physicalMs: 1_790_000_000_000 + seq, logical: 0, nodeId: 'tv' },
    op: {
      type: 'progressUpdate',
      userId: 'u',
      contentId: 'c',
      positionMs,
      state: 'paused',
      timestamp: 1_790_000_000_000 + seq,
    },
  });

  it('carries the seq range and op count in a header readable without the body', () => {
    const frame = codec.encodeFrame('tv', [entry(5), entry(6), entry(9)]);
    expect(readFrameHeader(frame.bytes)).toMatchObject({
      deviceId: 'tv',
      opCount: 3,
      firstSeq: 5,
      lastSeq: 9,
      formatVersion: 2,
      skipped: [],
    });
  });

  it('does not compress below minBatchSize, nor when zstd would not shrink the body', () => {
    expect(codec.encodeFrame('tv', [entry(1), entry(2)]).header.compressed).toBe(false);
    expect(codec.encodeFrame('tv', [entry(1), entry(2)], { minBatchSize: 1 }).header.compressed).toBe(false);
    // Positions with a repeating irregular step: bit-packed, yet repetitive enough for zstd.
    const steps = [0, 500, 100, 900, 300, 700, 200];
    const many = Array.from({ length: 200 }, (_, i) => entry(i + 1, i * 1000 + (steps[i % 7] as number)));
    const frame = codec.encodeFrame('tv', many);
    expect(frame.header.compressed).toBe(true);
    expect(frame.header.dictionaryId).toBe(1);
    expect(codec.encodeFrame('tv', many, { dictionary: false }).header.dictionaryId).toBe(0);
    expect(codec.encodeFrame('tv', many, { compression: false }).header.compressed).toBe(false);
  });

  it('refuses a missing or empty id even right after a valid one (INVALID_INPUT)', () => {
    for (const userId of [undefined, '', 7]) {
      const broken = { ...entry(2), op: { ...entry(2).op, userId } } as unknown as SequencedOperation;
      expect(() => codec.encodeFrame('tv', [entry(1), broken])).toThrowError(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
  });

  it('encodes an empty frame', () => {
    const frame = codec.encodeFrame('tv', []);
    expect(codec.decodeFrame(frame.bytes)).toEqual({ header: frame.header, ops: [] });
  });

  it('rejects ops of another device or out of seq order with INVALID_INPUT', () => {
    const foreign = { ...entry(2), deviceId: 'phone' };
    expect(() => codec.encodeFrame('tv', [entry(1), foreign])).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => codec.encodeFrame('tv', [entry(2), entry(1)])).toThrowError(CodecError);
    expect(() => codec.encodeFrame('tv', [entry(1), entry(1)])).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('accumulates metrics until reset', () => {
    codec.resetMetrics();
    const a = codec.encodeFrame('tv', [entry(1)]);
    const b = codec.encodeFrame('tv', [entry(2), entry(3)]);
    expect(codec.metrics().ops).toBe(3);
    expect(codec.metrics().bytesWire).toBe(a.bytes.length + b.bytes.length);
    codec.resetMetrics();
    expect(codec.metrics().ops).toBe(0);
  });
});

describe('limits the encoder respects', () => {
  const base = { deviceId: 'tv', seq: 1, hlc: { physicalMs: 1_790_000_000_000, logical: 0, nodeId: 'tv' } };

  it('refuses an id longer than 256 UTF-8 bytes even when it is short in UTF-16', () => {
    const op = { type: 'watchlistAdd' as const, userId: '✓'.repeat(100), contentId: 'c', timestamp: 1_790_000_000_000 };
    expect(() => codec.encodeFrame('tv', [{ ...base, op }])).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('round-trips a 16 KiB payload of floats, whose binary form is larger than its JSON', () => {
    const payload = Array.from({ length: 4000 }, (_, i) => (i % 10) / 10 + 0.5);
    expect(JSON.stringify(payload).length).toBeLessThanOrEqual(16 * 1024);
    const op = {
      type: 'deviceCommand' as const,
      commandId: 'c-1',
      sourceDeviceId: 'tv',
      targetDeviceId: 'phone',
      commandType: 'curve',
      payload,
      timestamp: 1_790_000_000_000,
    };
    const frame = codec.encodeFrame('tv', [{ ...base, op }]);
    expect(codec.decodeFrame(frame.bytes).ops[0]?.op).toEqual(op);
  });
});

describe('the shipped dictionary', () => {
  it('src/dictionaries/index.ts carries exactly dictionaries/1.zdict, a zstd dictionary with id 1', async () => {
    const { readFileSync } = await import('node:fs');
    const { DICTIONARY_BASE64, DEFAULT_DICTIONARY_ID } = await import('../src/dictionaries/index.js');
    const file = readFileSync(new URL('../dictionaries/1.zdict', import.meta.url));
    expect(DEFAULT_DICTIONARY_ID).toBe(1);
    expect(Buffer.from(DICTIONARY_BASE64.get(1) as string, 'base64')).toEqual(file);
    expect(file.readUInt32LE(0)).toBe(0xec30a437); // zstd dictionary magic
    expect(file.readUInt32LE(4)).toBe(1); // dictionary id
    expect(codec.dictionaryIds).toEqual([1]);
  });
});

describe('perfectly regular traffic', () => {
  it('round-trips frames whose every column is left out (body far shorter than the op count)', () => {
    const ops: SequencedOperation[] = Array.from({ length: 500 }, (_, i) => ({
      deviceId: 'tv',
      seq: i + 1,
      hlc: { physicalMs: 1_790_000_000_000 + i * 10_000, logical: 0, nodeId: 'tv' },
      op: {
        type: 'progressUpdate',
        // A self-contained frame predicts refs 0 (user) and 1 (content): the ref columns are left out.
        userId: 'u',
        contentId: 'x',
        positionMs: i * 10_000,
        state: 'playing',
        timestamp: 1_790_000_000_000 + i * 10_000,
      },
    }));
    const frame = codec.encodeFrame('tv', ops, { compression: false });
    expect(frame.header.bodyLength).toBeLessThan(40);
    expect(codec.decodeFrame(frame.bytes).ops).toEqual(ops);
  });
});

describe('payloads that are not JSON', () => {
  it('are refused with INVALID_INPUT instead of producing an undecodable frame', () => {
    for (const payload of [Number.NaN, [Number.POSITIVE_INFINITY], { a: undefined as unknown as null }, [() => 1]]) {
      const op = {
        type: 'deviceCommand' as const,
        commandId: 'c',
        sourceDeviceId: 'tv',
        targetDeviceId: 'phone',
        commandType: 'x',
        payload: payload as never,
        timestamp: 1,
      };
      expect(() =>
        codec.encodeFrame('tv', [{ deviceId: 'tv', seq: 1, hlc: { physicalMs: 1, logical: 0, nodeId: 'tv' }, op }]),
      ).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});
