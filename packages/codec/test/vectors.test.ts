import { readdirSync, readFileSync } from 'node:fs';
import type { SequencedOperation } from '@media-sync/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Codec, CodecError, createCodec, type EncodeOptions, type FrameHeader } from '../src/index.js';

/** Committed known answers (hex in, JSON out), written once by scripts/make-vectors.mts. */
const dir = new URL('./vectors/', import.meta.url);
interface FrameVector {
  description: string;
  /** The zstd engine the bytes were made with: compressed bytes are exact only for it. */
  engine: string;
  options: EncodeOptions;
  hex: string;
  header: FrameHeader;
  ops: SequencedOperation[];
}

let codec: Codec;
beforeAll(async () => {
  codec = await createCodec();
});

const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'errors.json');

describe('known-answer vectors', () => {
  it('are present, and made with the shipped engine', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(codec.engine).toBe('zstd-codec@0.1.5');
  });
  for (const file of files) {
    const vector = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as FrameVector;
    it(`${file}: decodes to the committed JSON and re-encodes to the same bytes`, () => {
      const bytes = Buffer.from(vector.hex, 'hex');
      // A user-bound vector decodes with the user it was bound to (a plain one ignores it).
      const { userId } = vector.options;
      const decoded = codec.decodeFrame(bytes, userId === undefined ? {} : { userId });
      expect(decoded.header).toEqual(vector.header);
      expect(decoded.ops).toEqual(vector.ops);
      // Compressed bytes depend on the zstd engine and its version (test/vectors/README.md).
      if (vector.header.compressed && vector.engine !== codec.engine) {
        console.warn(`${file}: made with ${vector.engine}, this codec uses ${codec.engine}: not re-encoded`);
        return;
      }
      expect(
        Buffer.from(codec.encodeFrame(vector.header.deviceId, vector.ops, vector.options).bytes).toString('hex'),
      ).toBe(vector.hex);
    });
  }

  const errors = JSON.parse(readFileSync(new URL('errors.json', dir), 'utf8')) as {
    name: string;
    hex: string;
    /** The user the receiver's channel names, if any. */
    userId?: string;
    error: { code: string; offset: number };
  }[];
  for (const vector of errors) {
    it(`errors.json ${vector.name}: fails with ${vector.error.code} at byte ${vector.error.offset}`, () => {
      let caught: unknown;
      try {
        codec.decodeFrame(Buffer.from(vector.hex, 'hex'), vector.userId === undefined ? {} : { userId: vector.userId });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CodecError);
      expect({ code: (caught as CodecError).code, offset: (caught as CodecError).offset }).toEqual(vector.error);
    });
  }
});
