import { media_sync, type SequencedOperation, toCanonicalJson } from '@media-sync/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Codec, CodecError, createCodec, readFrameHeader } from '../src/index.js';
import { codeOf, deviceOpsArbitrary, fixtureOps, ofUser, regularOpsArbitrary, resign } from './helpers.js';

/** The fixture trace's one user (every device of it belongs to this user). */
const ALICE = '00918221-7a95-4b00-b3c1-f8e5d05913a0';
const BOB = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

let codec: Codec;
let ops: SequencedOperation[];
beforeAll(async () => {
  codec = await createCodec();
  ops = ofUser(fixtureOps('tv-den', 300), ALICE);
});

const bound = (entries: readonly SequencedOperation[], userId = ALICE, options = {}) =>
  codec.encodeFrame('tv-den', entries, { userId, bindUser: true, ...options });

describe('user-bound frames: the channel names the user', () => {
  it('one progress update leaves its user out: 16 bytes less, no user in the Batch, user_bound_checksum', () => {
    const one = ops.filter((e) => e.op.type === 'progressUpdate').slice(0, 1);
    const plain = codec.encodeFrame('tv-den', one, { userId: ALICE });
    const frame = bound(one);
    // The user UUID's 16 bytes (and the uuids field's header when the content is no UUID).
    expect(plain.bytes.length - frame.bytes.length).toBeGreaterThanOrEqual(16);
    expect(frame.header.userId).toBe(ALICE);
    expect(plain.header.userId).toBeUndefined();
    const wire = media_sync.v1.Frame.decode(frame.bytes);
    expect(wire.integrity).toBe('userBoundChecksum');
    expect(media_sync.v1.Frame.decode(plain.bytes).integrity).toBe('checksum');
    const batch = media_sync.v1.Batch.decode(wire.body);
    // Only the content UUID is in the table; the user is entry 0, supplied by the receiver.
    expect(batch.uuids.length).toBe(16);
    expect(batch.strings).toEqual([]);
    expect(batch.userRefs).toEqual([]);
    expect(batch.contentRefs).toEqual([]);
    expect(codec.decodeFrame(frame.bytes, { userId: ALICE })).toEqual({ header: frame.header, ops: one });
  });

  it('round trips the fixture at batch 1, 10 and 300, compressed or not, header readable with the user', () => {
    for (const batch of [1, 10, 300]) {
      for (let i = 0; i < ops.length; i += batch) {
        const chunk = ops.slice(i, i + batch);
        const frame = bound(chunk);
        expect(frame.header.userId).toBe(ALICE);
        expect(codec.decodeFrame(frame.bytes, { userId: ALICE })).toEqual({ header: frame.header, ops: chunk });
        expect(readFrameHeader(frame.bytes, undefined, ALICE)).toEqual(frame.header);
      }
    }
  });

  it('without the user: USER_REQUIRED (decodeFrame, readFrameHeader, a session decoder bound to no user)', () => {
    const frame = bound(ops.slice(0, 5)).bytes;
    expect(codeOf(() => codec.decodeFrame(frame))).toBe('USER_REQUIRED');
    expect(codeOf(() => readFrameHeader(frame))).toBe('USER_REQUIRED');
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    expect(codeOf(() => decoder.decode(frame))).toBe('USER_REQUIRED');
    expect(codeOf(() => decoder.readHeader(frame))).toBe('USER_REQUIRED');
  });

  it("replayed into another user's channel, a frame fails its checksum (small and compressed frames alike)", () => {
    for (const frame of [bound(ops.slice(0, 1)), bound(ops.slice(0, 300))]) {
      expect(frame.header.compressed).toBe(frame.header.opCount > 1);
      expect(codeOf(() => codec.decodeFrame(frame.bytes, { userId: BOB }))).toBe('CRC_MISMATCH');
      expect(codeOf(() => readFrameHeader(frame.bytes, undefined, BOB))).toBe('CRC_MISMATCH');
      const bobsLink = codec.createSessionDecoder(undefined, { deviceId: 'tv-den', userId: BOB });
      expect(codeOf(() => bobsLink.decode(frame.bytes))).toBe('CRC_MISMATCH');
      // The same frame on Alice's channel decodes.
      expect(codec.decodeFrame(frame.bytes, { userId: ALICE }).ops).toHaveLength(frame.header.opCount);
    }
  });

  it('a frame that names its users decodes with or without a userId, which it ignores', () => {
    const frame = codec.encodeFrame('tv-den', ops.slice(0, 3), { userId: ALICE });
    expect(codec.decodeFrame(frame.bytes).ops).toEqual(ops.slice(0, 3));
    expect(codec.decodeFrame(frame.bytes, { userId: ALICE }).ops).toEqual(ops.slice(0, 3));
    expect(codec.decodeFrame(frame.bytes, { userId: BOB }).header.userId).toBeUndefined();
  });

  it('ops of another user: the frame names its users, as without bindUser (and decodes anywhere)', () => {
    const mixed = [...ops.slice(0, 2), ...ofUser(ops.slice(2, 3), BOB)];
    const frame = bound(mixed);
    expect(frame.header.userId).toBeUndefined();
    expect(Buffer.from(frame.bytes)).toEqual(Buffer.from(codec.encodeFrame('tv-den', mixed, { userId: ALICE }).bytes));
    expect(codec.decodeFrame(frame.bytes).ops).toEqual(mixed);
  });

  it('device commands name no user: a frame of them binds too', () => {
    const commands = fixtureOps('tv-den')
      .filter((e) => e.op.type === 'deviceCommand')
      .slice(0, 3);
    expect(commands).toHaveLength(3);
    const frame = bound(commands, BOB);
    expect(frame.header.userId).toBe(BOB);
    expect(codec.decodeFrame(frame.bytes, { userId: BOB }).ops).toEqual(commands);
    expect(codeOf(() => codec.decodeFrame(frame.bytes, { userId: ALICE }))).toBe('CRC_MISMATCH');
  });

  it('bindUser without a usable userId is INVALID_INPUT; a userId that is not a non-empty string is a TypeError', () => {
    expect(codeOf(() => codec.encodeFrame('tv-den', ops.slice(0, 1), { bindUser: true }))).toBe('INVALID_INPUT');
    expect(codeOf(() => codec.encodeFrame('tv-den', ops.slice(0, 1), { bindUser: true, userId: '' }))).toBe(
      'INVALID_INPUT',
    );
    const frame = bound(ops.slice(0, 1)).bytes;
    expect(() => codec.decodeFrame(frame, { userId: '' })).toThrow(TypeError);
    expect(() => codec.createSessionDecoder(undefined, { userId: 7 as unknown as string })).toThrow(TypeError);
  });

  it('a user no sender can bind (over 256 UTF-8 bytes, a lone surrogate) is CRC_MISMATCH, at once and in a short message', () => {
    const frame = bound(ops.slice(0, 3)).bytes;
    const huge = 'x'.repeat(4_000_000);
    for (const userId of [huge, 'é'.repeat(129), '\uDFFF', `${ALICE}\uD800`]) {
      for (const decode of [
        () => codec.decodeFrame(frame, { userId }),
        () => readFrameHeader(frame, undefined, userId),
        () => codec.createSessionDecoder(undefined, { deviceId: 'tv-den', userId }).decode(frame),
      ]) {
        let caught: unknown;
        try {
          decode();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(CodecError);
        expect((caught as CodecError).code).toBe('CRC_MISMATCH');
        expect((caught as CodecError).message.length).toBeLessThan(300);
      }
    }
    // A frame that names its users ignores such a userId, as any other.
    const plain = codec.encodeFrame('tv-den', ops.slice(0, 3), { userId: ALICE });
    expect(codec.decodeFrame(plain.bytes, { userId: huge }).ops).toEqual(ops.slice(0, 3));
    expect(codec.decodeFrame(plain.bytes, { userId: '\uDFFF' }).ops).toEqual(ops.slice(0, 3));
    // The encoder refuses to bind them, with a short message too.
    for (const userId of [huge, '\uDFFF']) {
      const commands = fixtureOps('tv-den')
        .filter((e) => e.op.type === 'deviceCommand')
        .slice(0, 1);
      let caught: unknown;
      try {
        codec.encodeFrame('tv-den', commands, { userId, bindUser: true });
      } catch (error) {
        caught = error;
      }
      expect((caught as CodecError).code).toBe('INVALID_INPUT');
      expect((caught as CodecError).message.length).toBeLessThan(300);
    }
    expect(() => codec.decodeFrame(frame, { userId: '' })).toThrow(/^userId must be a non-empty string, got ""$/);
  });

  it('the two checksum domains cannot be confused: a frame whose checksum field is swapped for the other fails', () => {
    for (const [frame, expected] of [
      [codec.encodeFrame('tv-den', ops.slice(0, 4)).bytes, 'checksum'],
      [bound(ops.slice(0, 4)).bytes, 'userBoundChecksum'],
    ] as const) {
      const wire = media_sync.v1.Frame.decode(frame);
      expect(wire.integrity).toBe(expected);
      const value = wire.checksum ?? wire.userBoundChecksum ?? null;
      wire.checksum = expected === 'checksum' ? null : value;
      wire.userBoundChecksum = expected === 'checksum' ? value : null;
      const bytes = media_sync.v1.Frame.encode(wire).finish();
      expect(media_sync.v1.Frame.decode(bytes).integrity).not.toBe(expected);
      const code = codeOf(() => codec.decodeFrame(bytes, { userId: ALICE }));
      expect(code).toBe('CRC_MISMATCH');
    }
  });

  it('both checksums is MALFORMED_FRAME', () => {
    const frame = bound(ops.slice(0, 2)).bytes;
    const both = new Uint8Array([...frame.subarray(0, 2), 0x55, 1, 2, 3, 4, ...frame.subarray(2)]);
    expect(codeOf(() => codec.decodeFrame(both, { userId: ALICE }))).toBe('MALFORMED_FRAME');
  });

  it('a re-signed user-bound frame whose op names another table entry as its user is MALFORMED_BODY', () => {
    const frame = bound(ops.slice(0, 1), ALICE, { compression: false });
    const wire = media_sync.v1.Frame.decode(frame.bytes);
    const batch = media_sync.v1.Batch.decode(wire.body);
    // Table [ALICE (bound), the content UUID]: a user ref of 1 makes the content its "user".
    batch.userRefs = [1];
    wire.body = media_sync.v1.Batch.encode(batch).finish();
    const forged = resign(media_sync.v1.Frame.encode(wire).finish(), undefined, ALICE);
    expect(codeOf(() => readFrameHeader(forged, undefined, ALICE))).toBeUndefined();
    expect(codeOf(() => codec.decodeFrame(forged, { userId: ALICE }))).toBe('MALFORMED_BODY');
  });

  it("a session's first frame is user-bound; later ones reference the user in the context it started", () => {
    const options = { userId: ALICE, bindUser: true };
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den', userId: ALICE });
    expect(decoder.userId).toBe(ALICE);
    const one = ops.filter((e) => e.op.type === 'progressUpdate').slice(0, 1);
    const plain = codec.createSessionEncoder().encode('tv-den', one, { userId: ALICE });
    const first = encoder.encode('tv-den', one, options);
    expect(first.header.userId).toBe(ALICE);
    expect(plain.bytes.length - first.bytes.length).toBeGreaterThanOrEqual(16);
    const wire = media_sync.v1.Frame.decode(first.bytes);
    expect([wire.deviceId, wire.integrity]).toEqual(['', 'userBoundChecksum']);
    // Without the link's user, with another's: refused; a call's own userId overrides the link's.
    const unnamed = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    expect(codeOf(() => unnamed.decode(first.bytes))).toBe('USER_REQUIRED');
    expect(codeOf(() => decoder.readHeader(first.bytes, { userId: BOB }))).toBe('CRC_MISMATCH');
    expect(unnamed.readHeader(first.bytes, { userId: ALICE })).toEqual(first.header);
    const decoded = decoder.decode(first.bytes);
    expect(decoded).toEqual({ header: first.header, ops: one, version: first.version });
    encoder.acknowledge(decoded.version);
    // On the acknowledged context the user is a table entry: no binding, and a warm frame.
    const later = ops.slice(1, 2);
    const next = encoder.encode('tv-den', later, options);
    expect(next.header.userId).toBeUndefined();
    expect(next.header.contextVersion).toBe(first.version);
    expect(decoder.decode(next.bytes).ops).toEqual(later);
    // After a reset (the answer to CONTEXT_MISMATCH) the next frame is bound again.
    encoder.reset();
    const again = encoder.encode('tv-den', ops.slice(2, 3), options);
    expect(again.header.userId).toBe(ALICE);
    expect(decoder.decode(again.bytes).ops).toEqual(ops.slice(2, 3));
    // A user-bound self-contained frame decodes on the link too.
    expect(decoder.decode(bound(ops.slice(3, 5)).bytes).ops).toEqual(ops.slice(3, 5));
  });

  it('a session built on a user-bound first frame round trips the fixture, frame after acknowledged frame', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den', userId: ALICE });
    for (let i = 0; i < 120; i += 3) {
      const chunk = ops.slice(i, i + 3);
      const frame = encoder.encode('tv-den', chunk, { userId: ALICE, bindUser: true });
      const decoded = decoder.decode(frame.bytes);
      expect(decoded.ops).toEqual(chunk);
      encoder.acknowledge(decoded.version);
    }
  });
});

describe('user-bound frames: properties', () => {
  const userArbitrary = fc.oneof(
    fc.uuid().map((u) => u.toLowerCase()),
    fc.constantFrom('u-1', 'é-ü-✓'),
    fc.string({ minLength: 1, maxLength: 40 }),
  );
  it('decode(encode(ops, { userId, bindUser }), { userId }) deep-equals ops; no user, another user: refused', () => {
    fc.assert(
      fc.property(
        fc.oneof(deviceOpsArbitrary, regularOpsArbitrary),
        userArbitrary,
        fc.boolean(),
        (raw, userId, compression) => {
          const entries = ofUser(raw, userId);
          const frame = codec.encodeFrame('dev-1', entries, { userId, bindUser: true, compression, minBatchSize: 1 });
          expect(frame.header.userId).toBe(userId);
          const decoded = codec.decodeFrame(frame.bytes, { userId });
          expect(decoded.ops).toEqual(entries);
          expect(decoded.ops.map((e) => toCanonicalJson(e.op, e.deviceId))).toEqual(
            entries.map((e) => toCanonicalJson(e.op, e.deviceId)),
          );
          expect(readFrameHeader(frame.bytes, undefined, userId)).toEqual(frame.header);
          expect(codeOf(() => codec.decodeFrame(frame.bytes))).toBe('USER_REQUIRED');
          expect(codeOf(() => codec.decodeFrame(frame.bytes, { userId: `${userId}x` }))).toBe('CRC_MISMATCH');
        },
      ),
      { numRuns: 300 },
    );
  });
});
