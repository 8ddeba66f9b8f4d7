import type { SequencedOperation } from '@media-sync/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Codec, CodecError, createCodec } from '../src/index.js';
import { deviceOpsArbitrary, loadFixtureTrace, regularOpsArbitrary } from './helpers.js';

let codec: Codec;
let phone: SequencedOperation[];
beforeAll(async () => {
  codec = await createCodec();
  phone = loadFixtureTrace().get('tv-den') as SequencedOperation[];
});

function mismatch(f: () => unknown): boolean {
  try {
    f();
  } catch (error) {
    if (error instanceof CodecError && error.code === 'CONTEXT_MISMATCH') return true;
    throw error;
  }
  return false;
}

describe('session context', () => {
  it('references acknowledged ids and progress: later frames shrink, and decode exactly', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    const first = encoder.encode('tv-den', phone.slice(0, 1));
    expect(first.header.contextVersion).toBe(0);
    encoder.acknowledge(decoder.decode(first.bytes).version);
    const second = encoder.encode('tv-den', phone.slice(1, 2));
    expect(second.header.contextVersion).toBe(first.version);
    expect(second.bytes.length).toBeLessThan(first.bytes.length / 2);
    expect(decoder.decode(second.bytes).ops).toEqual(phone.slice(1, 2));
    // A self-contained frame of the same op is much larger.
    expect(codec.encodeFrame('tv-den', phone.slice(1, 2)).bytes.length).toBeGreaterThan(second.bytes.length * 2);
  });

  it('a decoder without the version fails with CONTEXT_MISMATCH; reset() makes the next frame self-contained', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    encoder.acknowledge(decoder.decode(encoder.encode('tv-den', phone.slice(0, 5)).bytes).version);
    const withContext = encoder.encode('tv-den', phone.slice(5, 10));
    const restarted = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    expect(mismatch(() => restarted.decode(withContext.bytes))).toBe(true);
    expect(mismatch(() => codec.decodeFrame(withContext.bytes))).toBe(true);
    encoder.reset();
    const resent = encoder.encode('tv-den', phone.slice(5, 10));
    expect(resent.header.contextVersion).toBe(0);
    expect(restarted.decode(resent.bytes).ops).toEqual(phone.slice(5, 10));
    // Still a session frame: it carries no device id, so only a decoder bound to the link reads it.
    expect(mismatch(() => codec.decodeFrame(resent.bytes))).toBe(true);
    expect(mismatch(() => codec.createSessionDecoder(undefined, { deviceId: 'tv-other' }).decode(resent.bytes))).toBe(
      true,
    );
  });

  it('a decoder keeps maxVersions contexts: a frame on an older one is a mismatch, on a kept one it decodes', () => {
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den', maxVersions: 2 });
    // Three encoders that stop acknowledging at versions 1, 2 and 3 of one link.
    const encoder = codec.createSessionEncoder();
    const states = [];
    for (let i = 0; i < 3; i += 1) {
      encoder.acknowledge(decoder.decode(encoder.encode('tv-den', phone.slice(i, i + 1)).bytes).version);
      states.push(encoder.toJSON());
    }
    expect(decoder.toJSON()).toHaveLength(2);
    const onOldest = codec.createSessionEncoder(states[0]).encode('tv-den', phone.slice(3, 4));
    const onKept = codec.createSessionEncoder(states[1]).encode('tv-den', phone.slice(3, 4));
    expect(mismatch(() => decoder.decode(onOldest.bytes))).toBe(true);
    expect(decoder.decode(onKept.bytes).ops).toEqual(phone.slice(3, 4));
    expect(() => codec.createSessionDecoder(undefined, { maxVersions: 0 })).toThrow(/maxVersions/);
    // Frames sent on one base before any ack each leave a version: by default 16 are kept.
    const roomy = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    const sender = codec.createSessionEncoder();
    for (let i = 0; i < 20; i += 1) roomy.decode(sender.encode('tv-den', phone.slice(i, i + 1)).bytes);
    expect(roomy.toJSON()).toHaveLength(16);
  });

  it('session state survives JSON persistence on both ends', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    encoder.acknowledge(decoder.decode(encoder.encode('tv-den', phone.slice(0, 50)).bytes).version);
    const encoder2 = codec.createSessionEncoder(JSON.parse(JSON.stringify(encoder.toJSON())));
    const decoder2 = codec.createSessionDecoder(JSON.parse(JSON.stringify(decoder.toJSON())), { deviceId: 'tv-den' });
    expect(encoder2.contextVersion).toBe(encoder.contextVersion);
    const frame = encoder2.encode('tv-den', phone.slice(50, 60));
    expect(frame.header.contextVersion).not.toBe(0);
    expect(decoder2.decode(frame.bytes).ops).toEqual(phone.slice(50, 60));
  });

  it('ignores stale and unknown acks (acks never move the context backwards)', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    const a = encoder.encode('tv-den', phone.slice(0, 3));
    const b = encoder.encode('tv-den', phone.slice(3, 6));
    const va = decoder.decode(a.bytes).version;
    const vb = decoder.decode(b.bytes).version;
    encoder.acknowledge(vb);
    encoder.acknowledge(va);
    encoder.acknowledge(424242);
    expect(encoder.contextVersion).toBe(vb);
    const c = encoder.encode('tv-den', phone.slice(6, 9));
    expect(decoder.decode(c.bytes).ops).toEqual(phone.slice(6, 9));
  });

  it('a retransmitted frame (same base, same ops) has the same version, and its ack is adopted', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    const first = encoder.encode('tv-den', phone.slice(0, 4));
    const again = encoder.encode('tv-den', phone.slice(0, 4));
    expect(again.version).toBe(first.version);
    expect(again.bytes).toEqual(first.bytes);
    encoder.acknowledge(decoder.decode(again.bytes).version);
    expect(encoder.contextVersion).toBe(first.version);
    expect(encoder.contextVersion).toBeLessThan(2 ** 28);
  });

  it('lost frames, reordered acks and receiver restarts never yield a wrong op: only a mismatch and a resend', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(deviceOpsArbitrary, regularOpsArbitrary), { minLength: 1, maxLength: 12 }),
        fc.array(fc.constantFrom('deliver', 'lose', 'ack-late', 'restart'), { minLength: 12, maxLength: 12 }),
        (batches, fates) => {
          const encoder = codec.createSessionEncoder();
          let decoder = codec.createSessionDecoder(undefined, { deviceId: 'dev-1' });
          const lateAcks: number[] = [];
          // Give every batch its own seq range so batches form one device stream.
          let seq = 0;
          batches.forEach((ops, k) => {
            const renumbered = ops.map((e) => ({ ...e, seq: ++seq }));
            const fate = fates[k] ?? 'deliver';
            if (fate === 'restart') decoder = codec.createSessionDecoder(undefined, { deviceId: 'dev-1' });
            const frame = encoder.encode('dev-1', renumbered);
            if (fate === 'lose') return;
            let decoded: ReturnType<typeof decoder.decode>;
            try {
              decoded = decoder.decode(frame.bytes);
            } catch (error) {
              if (!(error instanceof CodecError) || error.code !== 'CONTEXT_MISMATCH') throw error;
              encoder.reset();
              decoded = decoder.decode(encoder.encode('dev-1', renumbered).bytes);
            }
            expect(decoded.ops).toEqual(renumbered);
            if (fate === 'ack-late') lateAcks.push(decoded.version);
            else {
              encoder.acknowledge(decoded.version);
              const stale = lateAcks.shift();
              if (stale !== undefined) encoder.acknowledge(stale);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a frame with ops never has an empty body, even when every column is predicted', () => {
    fc.assert(
      fc.property(regularOpsArbitrary, (ops) => {
        const encoder = codec.createSessionEncoder();
        const decoder = codec.createSessionDecoder(undefined, { deviceId: 'dev-1' });
        for (const entry of ops) {
          const frame = encoder.encode('dev-1', [entry]);
          expect(frame.header.bodyLength).toBeGreaterThan(0);
          const decoded = decoder.decode(frame.bytes);
          expect(decoded.ops).toEqual([entry]);
          encoder.acknowledge(decoded.version);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('one progress update with context takes about half the bytes of a self-contained one', () => {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    let total = 0;
    let count = 0;
    let alone = 0;
    for (const entry of phone.slice(0, 500)) {
      alone += codec.encodeFrame('tv-den', [entry]).bytes.length;
      const frame = encoder.encode('tv-den', [entry]);
      encoder.acknowledge(decoder.decode(frame.bytes).version);
      if (frame.header.contextVersion !== 0 && entry.op.type === 'progressUpdate') {
        total += frame.bytes.length;
        count++;
      }
    }
    expect(count).toBeGreaterThan(400);
    expect(total / count).toBeLessThan((0.55 * alone) / 500);
  });
});
