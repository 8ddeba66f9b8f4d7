import { CodecError } from './errors.js';
import { ensure, type Writer, writeBytes, writeVarUint } from './varint.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 of a string; lone surrogates cannot round-trip, so they are refused. */
export function encodeUtf8(s: string): Uint8Array {
  if (LONE_SURROGATE.test(s)) throw new CodecError('INVALID_INPUT', 0, `string ${quoted(s)} has a lone surrogate`);
  return encoder.encode(s);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `s` has a UTF-16 surrogate without its pair (no UTF-8 encoding round-trips it). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** `s` as JSON for a message, cut to its first 64 characters: a caller's string may be megabytes. */
export function quoted(s: string): string {
  return s.length <= 64 ? JSON.stringify(s) : `${JSON.stringify(s.slice(0, 64))}… (${s.length} characters)`;
}

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

/** Writes a length-prefixed UTF-8 string; short ASCII strings (most ids) skip TextEncoder. */
export function writeUtf8(w: Writer, s: string): void {
  const n = s.length;
  if (n < 0x80) {
    ensure(w, n + 1);
    const buf = w.buf;
    let pos = w.pos + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[pos++] = c;
    }
    if (i === n) {
      buf[w.pos] = n;
      w.pos = pos;
      return;
    }
  }
  const bytes = encodeUtf8(s);
  writeVarUint(w, bytes.length);
  writeBytes(w, bytes);
}
