import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeJsonMessage, encodeMessage, MessageKind, readJson } from '../src/index.js';

describe('gateway wire messages', () => {
  it('puts kind and a big-endian uint32 id before the payload', () => {
    const bytes = encodeMessage(MessageKind.FRAME, 7, new Uint8Array([0x0a, 0x02]));
    expect(Buffer.from(bytes).toString('hex')).toBe('01000000070a02');
    expect(decodeMessage(bytes)).toEqual({ kind: MessageKind.FRAME, id: 7, payload: new Uint8Array([0x0a, 0x02]) });
  });

  it('reads messages inside a larger buffer', () => {
    const inner = encodeMessage(MessageKind.COMMAND_ACK, 0xffff_ffff);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect(decodeMessage(outer.subarray(3))).toEqual({
      kind: MessageKind.COMMAND_ACK,
      id: 0xffff_ffff,
      payload: new Uint8Array(),
    });
  });

  it('carries JSON bodies', () => {
    const message = decodeMessage(encodeJsonMessage(MessageKind.ERROR, 3, { code: 'CRC_MISMATCH', message: 'x' }));
    expect(message?.kind).toBe(MessageKind.ERROR);
    expect(readJson(message?.payload ?? new Uint8Array())).toEqual({ code: 'CRC_MISMATCH', message: 'x' });
    expect(readJson(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
  });

  it('refuses short messages, unknown kinds and bad ids', () => {
    expect(decodeMessage(new Uint8Array([1, 0, 0, 0]))).toBeUndefined();
    expect(decodeMessage(new Uint8Array([0, 0, 0, 0, 1]))).toBeUndefined();
    expect(decodeMessage(new Uint8Array([99, 0, 0, 0, 1]))).toBeUndefined();
    expect(() => encodeMessage(MessageKind.FRAME, -1)).toThrow(TypeError);
    expect(() => encodeMessage(MessageKind.FRAME, 2 ** 32)).toThrow(TypeError);
  });
});
