import { media_sync, type SequencedOperation } from '@media-sync/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Codec, CodecError, createCodec, readFrameHeader } from '../src/index.js';
import { codeOf, deviceOpsArbitrary, loadFixtureTrace, ofUser, resign } from './helpers.js';

let codec: Codec;
let sample: Uint8Array;
let plainSample: Uint8Array;
let boundSample: Uint8Array;
let plainBoundSample: Uint8Array;
/** The user the user-bound samples are bound to, and the one the fuzzed decoders are given. */
const USER = '00918221-7a95-4b00-b3c1-f8e5d05913a0';
beforeAll(async () => {
  codec = await createCodec();
  const ops = loadFixtureTrace().get('tv-den')?.slice(0, 200) as SequencedOperation[];
  sample = codec.encodeFrame('tv-den', ops).bytes;
  plainSample = codec.encodeFrame('tv-den', ops.slice(0, 20), { compression: false }).bytes;
  const bound = ofUser(ops, USER);
  boundSample = codec.encodeFrame('tv-den', bound, { userId: USER, bindUser: true }).bytes;
  plainBoundSample = codec.encodeFrame('tv-den', bound.slice(0, 20), {
    compression: false,
    userId: USER,
    bindUser: true,
  }).bytes;
});

/** Runs `f`; anything thrown must be a CodecError with a code and a byte offset inside the input. */
function onlyCodecErrors(bytes: Uint8Array, f: (b: Uint8Array) => unknown): void {
  try {
    f(bytes);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    expect(error.code).toMatch(/^[A-Z_]+$/);
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(bytes.length + 16 * 1024 * 1024);
  }
}

/** A Frame written by protobufjs from the generated schema: lets tests forge any header. */
function forge(fields: Record<string, unknown>): Uint8Array {
  const body = (fields.body as Uint8Array | undefined) ?? new Uint8Array();
  return resign(
    media_sync.v1.Frame.encode(
      media_sync.v1.Frame.create({ formatVersion: 2, deviceId: 'd', firstSeq: 1, checksum: 1, ...fields, body }),
    ).finish(),
  );
}

describe('fuzz: only CodecError, never another exception or a hang', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        onlyCodecErrors(bytes, (b) => codec.decodeFrame(b));
        onlyCodecErrors(bytes, (b) => codec.decodeFrame(b, { userId: USER }));
        onlyCodecErrors(bytes, (b) => readFrameHeader(b));
        onlyCodecErrors(bytes, (b) => readFrameHeader(b, undefined, USER));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated frames (flipped, inserted, deleted bytes, truncation), with the CRC fixed up or not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('compressed', 'plain', 'compressed user-bound', 'plain user-bound'),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.boolean(),
        (which, edits, fixCrc) => {
          const original = {
            compressed: sample,
            plain: plainSample,
            'compressed user-bound': boundSample,
            'plain user-bound': plainBoundSample,
          }[which];
          const bytes = Array.from(original);
          for (const [at, value, kind] of edits) {
            const i = at % (bytes.length + 1);
            if (kind === 'set') bytes[i] = value;
            else if (kind === 'insert') bytes.splice(i, 0, value);
            else bytes.splice(i, 1);
          }
          let mutated: Uint8Array = new Uint8Array(bytes);
          // Re-sign the frame so mutations reach the body decoder instead of stopping at the checksum.
          if (fixCrc) mutated = resign(mutated, undefined, USER);
          onlyCodecErrors(mutated, (b) => codec.decodeFrame(b));
          onlyCodecErrors(mutated, (b) => codec.decodeFrame(b, { userId: USER }));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('mutated bodies of valid ops (re-signed) decode or fail with CodecError, user-bound or not', () => {
    fc.assert(
      fc.property(
        deviceOpsArbitrary,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (ops, at, value, bind) => {
          const options = bind ? { userId: USER, bindUser: true } : {};
          const frame = media_sync.v1.Frame.decode(
            codec.encodeFrame('dev-1', bind ? ofUser(ops, USER) : ops, { compression: false, ...options }).bytes,
          );
          if (frame.body.length === 0) return;
          const body = new Uint8Array(frame.body);
          body[at % body.length] = value;
          frame.body = body;
          const mutated = resign(media_sync.v1.Frame.encode(frame).finish(), undefined, USER);
          onlyCodecErrors(mutated, (b) => codec.decodeFrame(b, { userId: USER }));
          onlyCodecErrors(mutated, (b) => codec.decodeFrame(b));
        },
      ),
      { numRuns: 1500 },
    );
  });
});

/** Length of a frame's body field (the frame's tail). */
function readBodyLength(bytes: Uint8Array): number {
  return media_sync.v1.Frame.decode(bytes).body.length;
}

describe('fuzz: session frames against a held context', () => {
  it('mutated context frames (re-signed) decode or fail with CodecError, and never corrupt later decodes', () => {
    const ops = loadFixtureTrace().get('tv-den')?.slice(0, 60) as SequencedOperation[];
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const encoder = codec.createSessionEncoder();
        const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
        encoder.acknowledge(decoder.decode(encoder.encode('tv-den', ops.slice(0, 30)).bytes).version);
        const bytes = new Uint8Array(encoder.encode('tv-den', ops.slice(30, 40), { compression: false }).bytes);
        // The body is the frame's tail: mutate one of its bytes, then re-sign for the held context.
        const bodyLength = readBodyLength(bytes);
        const i = bytes.length - 1 - (at % bodyLength);
        bytes[i] = value;
        const binding = { deviceId: 'tv-den', contextVersion: encoder.contextVersion, lastSeq: 30 };
        onlyCodecErrors(resign(bytes, binding), (b) => decoder.decode(b));
        // Whatever happened, the acknowledged context still decodes the next real frame exactly.
        expect(decoder.decode(encoder.encode('tv-den', ops.slice(40, 60)).bytes).ops).toEqual(ops.slice(40, 60));
      }),
      { numRuns: 400 },
    );
  });
});

describe('fuzz: the first frame of a link, user-bound', () => {
  it('mutated (re-signed for the link and its user) decode or fail with CodecError, never into another user, and leave the link usable', () => {
    const user = '00918221-7a95-4b00-b3c1-f8e5d05913a0';
    const ops = ofUser(loadFixtureTrace().get('tv-den')?.slice(0, 40) as SequencedOperation[], user);
    const options = { userId: user, bindUser: true };
    const first = codec.createSessionEncoder().encode('tv-den', ops.slice(0, 20), { ...options, compression: false });
    expect(first.header.userId).toBe(user);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den', userId: user });
        const bytes = new Uint8Array(first.bytes);
        const bodyLength = readBodyLength(bytes);
        bytes[bytes.length - 1 - (at % bodyLength)] = value;
        const binding = { deviceId: 'tv-den', contextVersion: 0, lastSeq: 0 };
        onlyCodecErrors(resign(bytes, binding, user), (b) => {
          // Whatever the body says, a user-bound frame's ops are its user's: no other user gets in.
          for (const { op } of decoder.decode(b).ops) if (op.type !== 'deviceCommand') expect(op.userId).toBe(user);
        });
        // The real first frame (a resend after the refusal) starts the link as if nothing happened.
        const encoder = codec.createSessionEncoder();
        encoder.acknowledge(decoder.decode(encoder.encode('tv-den', ops.slice(0, 20), options).bytes).version);
        expect(decoder.decode(encoder.encode('tv-den', ops.slice(20, 40), options).bytes).ops).toEqual(
          ops.slice(20, 40),
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe('typed errors with byte offsets', () => {
  it('CRC_MISMATCH when a body byte changes, at the checksum field', () => {
    const bytes = new Uint8Array(sample);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0x40;
    const error = (() => {
      try {
        codec.decodeFrame(bytes);
      } catch (e) {
        return e as CodecError;
      }
    })();
    expect(error?.code).toBe('CRC_MISMATCH');
    // The checksum field's tag: field 10, wire type fixed32.
    expect(bytes[error?.offset ?? 0]).toBe((10 << 3) | 5);
  });

  it('TRUNCATED for a cut frame', () => {
    expect(codeOf(() => codec.decodeFrame(sample.subarray(0, sample.length - 3)))).toBe('TRUNCATED');
  });

  it('UNSUPPORTED_VERSION, UNSUPPORTED_FLAGS, UNKNOWN_DICTIONARY, CONTEXT_MISMATCH', () => {
    expect(codeOf(() => codec.decodeFrame(forge({ formatVersion: 1 })))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => codec.decodeFrame(forge({ formatVersion: 3 })))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => codec.decodeFrame(forge({ flags: 8 })))).toBe('UNSUPPORTED_FLAGS');
    const body = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x01, 0x01, 0x00, 0x00, 0x00]);
    expect(codeOf(() => codec.decodeFrame(forge({ flags: 1, dictionaryId: 77, bodyLength: 1, body })))).toBe(
      'UNKNOWN_DICTIONARY',
    );
    // A session frame (no device id) needs the decoder of its link.
    expect(codeOf(() => codec.decodeFrame(forge({ deviceId: '' })))).toBe('CONTEXT_MISMATCH');
  });

  it('LIMIT_EXCEEDED for frames, op counts, body lengths and strings over the limits', () => {
    expect(codeOf(() => codec.decodeFrame(sample, { limits: { maxFrameBytes: 100 } }))).toBe('LIMIT_EXCEEDED');
    expect(codeOf(() => readFrameHeader(forge({ opCount: 100_001, firstSeq: 1 })))).toBe('LIMIT_EXCEEDED');
    expect(
      codeOf(() => readFrameHeader(forge({ flags: 1, bodyLength: 17 * 1024 * 1024, body: new Uint8Array(10) }))),
    ).toBe('LIMIT_EXCEEDED');
    expect(codeOf(() => codec.decodeFrame(sample, { limits: { maxOps: 10 } }))).toBe('LIMIT_EXCEEDED');
    expect(codeOf(() => codec.decodeFrame(plainSample, { limits: { maxStringBytes: 5 } }))).toBe('LIMIT_EXCEEDED');
  });
});

describe('zstd bombs fail fast, before any output is allocated', () => {
  /** A zstd frame header (single segment, 8-byte content size) and one RLE block of `blockSize`. */
  function zstdWithContentSize(contentSize: number): Uint8Array {
    const out = [0x28, 0xb5, 0x2f, 0xfd, 0xe0];
    for (let i = 0; i < 8; i++) out.push(Math.floor(contentSize / 2 ** (8 * i)) & 0xff);
    const block = 128 * 1024 * 8 + (1 << 1) + 1; // last, RLE, 128 KiB
    out.push(block & 0xff, (block >> 8) & 0xff, (block >> 16) & 0xff, 0x41);
    return new Uint8Array(out);
  }

  it('a frame whose zstd header claims 2 GB is refused from the header', () => {
    const body = zstdWithContentSize(2 * 1024 ** 3);
    const frame = forge({ flags: 1, bodyLength: 1000, body });
    expect(codeOf(() => codec.decodeFrame(frame))).toBe('LIMIT_EXCEEDED');
  });

  it('a frame without content size whose blocks add up past the limit is refused from the block headers', () => {
    // 20 000 RLE blocks of 128 KiB each: 4 bytes per block on the wire, 2.5 GiB if decompressed.
    const out = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58];
    for (let i = 0; i < 20_000; i++) {
      const header = 128 * 1024 * 8 + (1 << 1) + (i === 19_999 ? 1 : 0);
      out.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x41);
    }
    const frame = forge({ flags: 1, bodyLength: 100_000, body: new Uint8Array(out) });
    expect(codeOf(() => codec.decodeFrame(frame))).toBe('LIMIT_EXCEEDED');
  });

  /** A plain frame's body wrapped in a zstd frame with no content size, the given Window_Descriptor and one raw block. */
  function rawZstdFrame(windowDescriptor: number): { frame: Uint8Array; plain: Uint8Array } {
    const body = media_sync.v1.Frame.decode(plainSample).body;
    const header = body.length * 8 + 1; // last, raw
    const zstd = new Uint8Array([
      0x28,
      0xb5,
      0x2f,
      0xfd,
      0x00,
      windowDescriptor,
      header & 0xff,
      (header >> 8) & 0xff,
      (header >> 16) & 0xff,
      ...body,
    ]);
    const frame = codec.decodeFrame(plainSample);
    return {
      frame: forge({
        flags: 1,
        deviceId: 'tv-den',
        firstSeq: frame.header.firstSeq,
        opCount: frame.ops.length,
        bodyLength: body.length,
        body: zstd,
      }),
      plain: plainSample,
    };
  }

  it('a frame asking for a window over 8 MiB is refused from its header, before zstd reserves it', () => {
    // Exponent 14: a 16 MiB window for a body of a few hundred bytes.
    const { frame } = rawZstdFrame(14 << 3);
    expect(codeOf(() => codec.decodeFrame(frame))).toBe('LIMIT_EXCEEDED');
  });

  it('an 8 MiB window (what zstd uses at level 19 on input of unknown size) still decodes', () => {
    const { frame, plain } = rawZstdFrame(13 << 3);
    expect(codec.decodeFrame(frame).ops).toEqual(codec.decodeFrame(plain).ops);
  });

  it('a content size that disagrees with body_length is malformed', () => {
    const frame = forge({ flags: 1, bodyLength: 1000, body: zstdWithContentSize(5000) });
    expect(codeOf(() => codec.decodeFrame(frame))).toBe('MALFORMED_FRAME');
  });
});
