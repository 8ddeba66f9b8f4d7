import { CodecError } from './errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 of a string; lone surrogates cannot round-trip, so they are refused. */
export function encodeUtf8(s: string): Uint8Array {
  if (LONE_SURROGATE.test(s))
    throw new CodecError('INVALID_INPUT', 0, `string ${JSON.stringify(s)} has a lone surrogate`);
  return encoder.encode(s);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function decodeUtf8(bytes: Uint8Array, start: number, end: number, offset: number): string {
  // Short ASCII strings (most ids) are faster by hand than through TextDecoder.
  if (end - start <= 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i] as number;
      if (c >= 0x80) return decodeSlow(bytes, start, end, offset);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeSlow(bytes, start, end, offset);
}

function decodeSlow(bytes: Uint8Array, start: number, end: number, offset: number): string {
  try {
    return decoder.decode(bytes.subarray(start, end));
  } catch (error) {
    throw new CodecError('INVALID_OPERATION', offset, 'string is not valid UTF-8', { cause: error });
  }
}
