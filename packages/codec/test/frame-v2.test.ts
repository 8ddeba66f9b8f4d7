import { media_sync, type SequencedOperation } from '@media-sync/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Codec, createCodec, readFrameHeader, type SessionDecoder } from '../src/index.js';
import { codeOf, fixtureOps, resign } from './helpers.js';

let codec: Codec;
let ops: SequencedOperation[];
beforeAll(async () => {
  codec = await createCodec();
  ops = fixtureOps('tv-den', 400);
});

/** Every single-bit flip of every byte; returns the flips that were NOT rejected. */
function acceptedFlips(bytes: Uint8Array, decode: (b: Uint8Array) => unknown): string[] {
  const accepted: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = new Uint8Array(bytes);
      flipped[i] = (flipped[i] as number) ^ (1 << bit);
      if (codeOf(() => decode(flipped)) === undefined) accepted.push(`byte ${i} bit ${bit}`);
    }
  }
  return accepted;
}

describe('format 2: the checksum covers the header and the body', () => {
  /** The fixture's one user: user-bound frames are bound to it, and decoded with it. */
  const user = () => ((ops[0] as SequencedOperation).op as { userId: string }).userId;
  const three = () => [ops[4], ops[5], ops[9]].map((e) => e as SequencedOperation);
  const cases: [string, () => Uint8Array, boolean][] = [
    ['one op, uncompressed', () => codec.encodeFrame('tv-den', ops.slice(0, 1)).bytes, false],
    [
      'three ops with a seq gap and skipped ranges',
      () => codec.encodeFrame('tv-den', three(), { skipped: [{ first: 1, last: 2 }], minBatchSize: 10 }).bytes,
      false,
    ],
    ['300 ops, zstd with the dictionary', () => codec.encodeFrame('tv-den', ops.slice(0, 300)).bytes, false],
    [
      'one op, user-bound',
      () => codec.encodeFrame('tv-den', ops.slice(0, 1), { userId: user(), bindUser: true }).bytes,
      true,
    ],
    [
      'three ops with a seq gap and skipped ranges, user-bound',
      () =>
        codec.encodeFrame('tv-den', three(), {
          skipped: [{ first: 1, last: 2 }],
          minBatchSize: 10,
          userId: user(),
          bindUser: true,
        }).bytes,
      true,
    ],
    [
      '300 ops, zstd with the dictionary, user-bound',
      () => codec.encodeFrame('tv-den', ops.slice(0, 300), { userId: user(), bindUser: true }).bytes,
      true,
    ],
  ];
  for (const [name, make, bound] of cases) {
    it(`every single-bit flip of ${name} is rejected, by decodeFrame and by readFrameHeader`, () => {
      const bytes = make();
      // The receiver of a user-bound frame names the user; a frame that names its own ignores it.
      const userId = user();
      expect(acceptedFlips(bytes, (b) => codec.decodeFrame(b, { userId }))).toEqual([]);
      expect(acceptedFlips(bytes, (b) => readFrameHeader(b, undefined, userId))).toEqual([]);
      expect(readFrameHeader(bytes, undefined, userId).userId).toBe(bound ? userId : undefined);
    });
    it(`every truncation of ${name} is rejected`, () => {
      const bytes = make();
      for (let length = 0; length < bytes.length; length++) {
        const code = codeOf(() => codec.decodeFrame(bytes.subarray(0, length), { userId: user() }));
        expect({ length, rejected: code !== undefined }).toEqual({ length, rejected: true });
      }
    });
  }

  it('every single-bit flip of a session frame is rejected by the session decoder', () => {
    const encoder = codec.createSessionEncoder();
    const receiver = () => {
      const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
      encoder.reset();
      encoder.acknowledge(decoder.decode(encoder.encode('tv-den', ops.slice(0, 20)).bytes).version);
      return decoder;
    };
    let decoder: SessionDecoder = receiver();
    const frame = encoder.encode('tv-den', ops.slice(20, 21)).bytes;
    const accepted = acceptedFlips(frame, (b) => {
      // A fresh copy of the held context each time: a flip must never be decoded into it.
      decoder = receiver();
      return decoder.decode(b);
    });
    expect(accepted).toEqual([]);
    decoder = receiver();
    expect(decoder.decode(frame).ops).toEqual(ops.slice(20, 21));
  });

  it('every single-bit flip of a user-bound session frame is rejected by the session decoder', () => {
    const userId = user();
    const frame = codec.createSessionEncoder().encode('tv-den', ops.slice(0, 3), { userId, bindUser: true });
    expect(frame.header.userId).toBe(userId);
    const decoder = () => codec.createSessionDecoder(undefined, { deviceId: 'tv-den', userId });
    expect(acceptedFlips(frame.bytes, (b) => decoder().decode(b))).toEqual([]);
    expect(decoder().decode(frame.bytes).ops).toEqual(ops.slice(0, 3));
  });

  it("the first frame after a reset (user-bound, on no context) against a receiver holding the link's contexts: every flip and truncation rejected, the frame itself decoded", () => {
    const userId = user();
    const options = { userId, bindUser: true };
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den', userId });
    for (let i = 0; i < 40; i += 10) {
      const frame = encoder.encode('tv-den', ops.slice(i, i + 10), options);
      encoder.acknowledge(decoder.decode(frame.bytes).version);
    }
    const held = decoder.toJSON();
    expect(held.length).toBeGreaterThan(1);
    // The sender lost its context (a reconnect): its next frames start over, bound to the user.
    encoder.reset();
    const small = encoder.encode('tv-den', ops.slice(40, 41), options);
    encoder.reset();
    const large = encoder.encode('tv-den', ops.slice(40, 340), options);
    const receiver = () => codec.createSessionDecoder(held, { deviceId: 'tv-den', userId });
    for (const frame of [small, large]) {
      expect(frame.header.userId).toBe(userId);
      expect(media_sync.v1.Frame.decode(frame.bytes).integrity).toBe('userBoundChecksum');
      expect(acceptedFlips(frame.bytes, (b) => receiver().decode(b))).toEqual([]);
      for (let length = 0; length < frame.bytes.length; length++) {
        const code = codeOf(() => receiver().decode(frame.bytes.subarray(0, length)));
        expect({ length, rejected: code !== undefined }).toEqual({ length, rejected: true });
      }
      expect(receiver().decode(frame.bytes).ops).toEqual(ops.slice(40, 40 + frame.header.opCount));
      // Another user's link refuses it; so does the same user's link to another device.
      const bobs = codec.createSessionDecoder(held, { deviceId: 'tv-den', userId: 'someone-else' });
      expect(codeOf(() => bobs.decode(frame.bytes))).toBe('CRC_MISMATCH');
      const otherDevice = codec.createSessionDecoder(undefined, { deviceId: 'phone', userId });
      expect(codeOf(() => otherDevice.decode(frame.bytes))).toBe('CRC_MISMATCH');
    }
  });

  it('a body holding fewer ops than op_count is MALFORMED_BODY', () => {
    const full = media_sync.v1.Frame.decode(codec.encodeFrame('tv-den', ops.slice(0, 5), { compression: false }).bytes);
    const fewer = media_sync.v1.Frame.decode(
      codec.encodeFrame('tv-den', ops.slice(0, 4), { compression: false }).bytes,
    );
    full.body = fewer.body;
    const forged = resign(media_sync.v1.Frame.encode(full).finish());
    expect(codeOf(() => codec.decodeFrame(forged))).toBe('MALFORMED_BODY');
  });

  it('readFrameHeader verifies the checksum, and refuses a session frame (it binds no device)', () => {
    const bytes = new Uint8Array(codec.encodeFrame('tv-den', ops.slice(0, 3)).bytes);
    expect(readFrameHeader(bytes).firstSeq).toBe(1);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x10;
    expect(codeOf(() => readFrameHeader(bytes))).toBe('CRC_MISMATCH');
    const session = codec.createSessionEncoder().encode('tv-den', ops.slice(0, 3)).bytes;
    expect(codeOf(() => readFrameHeader(session))).toBe('CONTEXT_MISMATCH');
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    expect(decoder.readHeader(session)).toMatchObject({ deviceId: 'tv-den', firstSeq: 1, lastSeq: 3, opCount: 3 });
  });

  it('a format 1 frame is UNSUPPORTED_VERSION', () => {
    // The single-progress known-answer vector of format 1.
    const v1 = Buffer.from(
      '08012a0a7765622d6368726f6d6530013801555433dcf57a371220009182217a954b00b3c1f8e5d05913a06529673181ec42b3afb0964c9c7940212890dffe899f685a01026203a09c016a0493fe9404',
      'hex',
    );
    expect(codeOf(() => codec.decodeFrame(v1))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => readFrameHeader(v1))).toBe('UNSUPPORTED_VERSION');
  });
});

describe('skipped seq ranges (contract 1)', () => {
  it('round-trip in the header, readable without the body; empty when none', () => {
    const skipped = [
      { first: 1, last: 3 },
      { first: 5, last: 5 },
      { first: 9, last: 200 },
    ];
    const later = ops.slice(300, 310);
    const frame = codec.encodeFrame('tv-den', later, { skipped });
    expect(frame.header.skipped).toEqual(skipped);
    expect(readFrameHeader(frame.bytes).skipped).toEqual(skipped);
    expect(codec.decodeFrame(frame.bytes)).toEqual({ header: frame.header, ops: later });
    expect(readFrameHeader(codec.encodeFrame('tv-den', later).bytes).skipped).toEqual([]);
    // A frame of skipped ranges alone.
    expect(readFrameHeader(codec.encodeFrame('tv-den', [], { skipped }).bytes).skipped).toEqual(skipped);
  });

  it('may lie above the last op too (the coalesced tail of a drained run), never among the ops', () => {
    const later = ops.slice(10, 12); // seqs 11, 12
    const skipped = [
      { first: 2, last: 10 },
      { first: 14, last: 20 },
    ];
    const frame = codec.encodeFrame('tv-den', later, { skipped });
    expect(readFrameHeader(frame.bytes).skipped).toEqual(skipped);
    expect(codec.decodeFrame(frame.bytes).ops).toEqual(later);
    for (const inside of [[{ first: 12, last: 14 }], [{ first: 9, last: 11 }], [{ first: 1, last: 30 }]]) {
      expect(codeOf(() => codec.encodeFrame('tv-den', later, { skipped: inside }))).toBe('INVALID_INPUT');
    }
  });

  it('go through session frames too', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    const frame = encoder.encode('tv-den', ops.slice(10, 12), { skipped: [{ first: 2, last: 10 }] });
    expect(decoder.decode(frame.bytes).header.skipped).toEqual([{ first: 2, last: 10 }]);
  });

  it('unsorted, overlapping, adjacent, empty or frame-overlapping ranges are INVALID_INPUT to the encoder', () => {
    const later = ops.slice(10, 12); // seqs 11, 12
    for (const skipped of [
      [
        { first: 5, last: 6 },
        { first: 1, last: 2 },
      ],
      [
        { first: 1, last: 5 },
        { first: 5, last: 6 },
      ],
      [
        { first: 1, last: 4 },
        { first: 5, last: 6 },
      ],
      [{ first: 3, last: 2 }],
      [{ first: 0, last: 2 }],
      [{ first: 8, last: 11 }],
    ]) {
      expect(codeOf(() => codec.encodeFrame('tv-den', later, { skipped }))).toBe('INVALID_INPUT');
    }
  });

  it('a forged header with ranges that break the rules is MALFORMED_FRAME', () => {
    const frame = media_sync.v1.Frame.decode(codec.encodeFrame('tv-den', ops.slice(10, 12)).bytes);
    // gap 10, length 0: the range 11..11, which is one of the frame's own seqs (11, 12).
    frame.skipped = [10, 0];
    expect(codeOf(() => readFrameHeader(resign(media_sync.v1.Frame.encode(frame).finish())))).toBe('MALFORMED_FRAME');
  });
});

describe('session frames leave out what the link binds', () => {
  it('no device id and no context version on the wire; a frame of another link fails to verify', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    encoder.acknowledge(decoder.decode(encoder.encode('tv-den', ops.slice(0, 10)).bytes).version);
    const frame = encoder.encode('tv-den', ops.slice(10, 11));
    const wire = media_sync.v1.Frame.decode(frame.bytes);
    expect(wire.deviceId).toBe('');
    expect(Number(wire.firstSeq)).toBe(0); // follows the context's last seq: inferred
    expect(frame.header.contextVersion).toBe(encoder.contextVersion);
    expect(decoder.decode(frame.bytes).header).toEqual(frame.header);
    const otherDevice = codec.createSessionDecoder(decoder.toJSON(), { deviceId: 'tv-other' });
    expect(codeOf(() => otherDevice.decode(frame.bytes))).toBe('CONTEXT_MISMATCH');
  });
});

describe('lazy baselines', () => {
  it('EncodedFrame.metrics computes bytesJson on first read and then keeps it', () => {
    const frame = codec.encodeFrame('tv-den', ops.slice(0, 50));
    const first = frame.metrics;
    expect(first.bytesJson).toBeGreaterThan(50 * 300);
    expect(frame.metrics).toBe(first);
    expect(first.bytesWire).toBe(frame.bytes.length);
  });

  it('codec totals leave the baselines out with baselineTotals: false, and count them by default', async () => {
    const lean = await createCodec({ baselineTotals: false });
    lean.encodeFrame('tv-den', ops.slice(0, 50));
    expect(lean.metrics()).toMatchObject({ ops: 50, bytesJson: 0, bytesProtobuf: 0 });
    codec.resetMetrics();
    const frame = codec.encodeFrame('tv-den', ops.slice(0, 50));
    expect(codec.metrics().bytesJson).toBe(frame.metrics.bytesJson);
  });
});
