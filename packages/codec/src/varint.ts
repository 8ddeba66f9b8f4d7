import { CodecError } from './errors.js';

/**
 * Byte-level primitives in the style of lib0's encoding/decoding: plain state objects and
 * small functions, so the hot loops stay monomorphic. Unsigned values are LEB128 varints,
 * signed ones zigzag varints (protobuf `sint64`). Numbers above 2^53 travel as bigint.
 */
export interface Writer {
  buf: Uint8Array;
  pos: number;
}

export function createWriter(capacity = 256): Writer {
  return { buf: new Uint8Array(capacity), pos: 0 };
}

/** Makes room for `n` more bytes. */
export function ensure(w: Writer, n: number): void {
  if (w.pos + n <= w.buf.length) return;
  let size = w.buf.length * 2;
  while (size < w.pos + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(w.buf.subarray(0, w.pos));
  w.buf = next;
}

export function toBytes(w: Writer): Uint8Array {
  return w.buf.slice(0, w.pos);
}

export function writeByte(w: Writer, b: number): void {
  ensure(w, 1);
  w.buf[w.pos++] = b;
}

export function writeBytes(w: Writer, bytes: Uint8Array): void {
  ensure(w, bytes.length);
  w.buf.set(bytes, w.pos);
  w.pos += bytes.length;
}

/** LEB128 of a non-negative integer; bigint for values above 2^53 − 1. */
export function writeVarUint(w: Writer, v: number | bigint): void {
  if (typeof v === 'number' && v < 0x80 && w.pos < w.buf.length) {
    w.buf[w.pos++] = v;
    return;
  }
  if (typeof v === 'bigint') {
    writeBigVarUint(w, v);
    return;
  }
  ensure(w, 10);
  const buf = w.buf;
  if (v < 0x80000000) {
    while (v >= 0x80) {
      buf[w.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[w.pos++] = v;
    return;
  }
  while (v >= 0x80) {
    buf[w.pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[w.pos++] = v;
}

function writeBigVarUint(w: Writer, v: bigint): void {
  ensure(w, 10);
  while (v >= 0x80n) {
    w.buf[w.pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  w.buf[w.pos++] = Number(v);
}

const TWO_POW_51 = 2 ** 51;

/** Zigzag varint of a safe integer: 0, -1, 1, -2 … become 0, 1, 2, 3 … */
export function writeVarInt(w: Writer, v: number): void {
  if (v >= 0 ? v < TWO_POW_51 : v > -TWO_POW_51) {
    writeVarUint(w, v >= 0 ? v * 2 : -v * 2 - 1);
    return;
  }
  const big = BigInt(v);
  writeBigVarUint(w, big >= 0n ? big * 2n : -big * 2n - 1n);
}

/** Number of bytes `writeVarUint` uses for `v` (v a safe non-negative integer). */
export function varUintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

export function writeUint32LE(w: Writer, v: number): void {
  ensure(w, 4);
  const buf = w.buf;
  buf[w.pos++] = v & 0xff;
  buf[w.pos++] = (v >>> 8) & 0xff;
  buf[w.pos++] = (v >>> 16) & 0xff;
  buf[w.pos++] = (v >>> 24) & 0xff;
}

/** A cursor over `buf[pos, end)`; `base` is added to offsets in errors (where `buf` sits in the frame). */
export interface Reader {
  readonly buf: Uint8Array;
  pos: number;
  end: number;
  readonly base: number;
}

export function createReader(buf: Uint8Array, pos = 0, end = buf.length, base = 0): Reader {
  return { buf, pos, end, base };
}

export function offsetOf(r: Reader): number {
  return r.base + r.pos;
}

export function readByte(r: Reader): number {
  if (r.pos >= r.end) throw new CodecError('TRUNCATED', offsetOf(r), 'expected one more byte');
  return r.buf[r.pos++] as number;
}

/** Reads an unsigned varint that must fit a safe integer. */
export function readVarUint(r: Reader): number {
  const buf = r.buf;
  const pos = r.pos;
  if (pos < r.end) {
    const b = buf[pos] as number;
    if (b < 0x80) {
      r.pos = pos + 1;
      return b;
    }
  }
  const v = readVarUintWide(r);
  if (typeof v === 'bigint') {
    throw new CodecError('MALFORMED_VARINT', offsetOf(r), `varint ${v} is larger than 2^53 − 1`);
  }
  return v;
}

/** Reads an unsigned varint of up to 64 bits; bigint when it is larger than 2^53 − 1. */
export function readVarUintWide(r: Reader): number | bigint {
  const start = r.pos;
  const buf = r.buf;
  let result = 0;
  let scale = 1;
  let pos = start;
  for (let i = 0; i < 10; i++) {
    if (pos >= r.end) throw new CodecError('TRUNCATED', r.base + pos, 'varint runs past the end');
    const b = buf[pos++] as number;
    result += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (i === 9 && b > 1) break;
      r.pos = pos;
      if (result <= Number.MAX_SAFE_INTEGER) return result;
      return bigVarUint(buf, start, pos);
    }
    scale *= 0x80;
  }
  throw new CodecError('MALFORMED_VARINT', r.base + start, 'varint longer than 64 bits');
}

function bigVarUint(buf: Uint8Array, start: number, end: number): bigint {
  let v = 0n;
  for (let i = end - 1; i >= start; i--) v = (v << 7n) | BigInt((buf[i] as number) & 0x7f);
  return v;
}

/** Reads a zigzag varint that must decode to a safe integer. */
export function readVarInt(r: Reader): number {
  const buf = r.buf;
  const pos = r.pos;
  if (pos < r.end) {
    const b = buf[pos] as number;
    if (b < 0x80) {
      r.pos = pos + 1;
      return b & 1 ? -((b + 1) / 2) : b / 2;
    }
  }
  const start = r.pos;
  const z = readVarUintWide(r);
  if (typeof z === 'number') return z % 2 === 1 ? -((z + 1) / 2) : z / 2;
  const v = z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new CodecError('MALFORMED_VARINT', r.base + start, `zigzag varint ${v} is beyond ±2^53`);
  }
  return Number(v);
}

export function readUint32LE(r: Reader): number {
  if (r.end - r.pos < 4) throw new CodecError('TRUNCATED', offsetOf(r), 'expected 4 bytes');
  const buf = r.buf;
  const p = r.pos;
  r.pos = p + 4;
  return (
    ((buf[p] as number) | ((buf[p + 1] as number) << 8) | ((buf[p + 2] as number) << 16)) +
    (buf[p + 3] as number) * 0x1000000
  );
}

/**
 * Skips the value of a field the reader does not know: proto3 readers ignore unknown fields, so
 * a newer writer's additions do not break an older reader. `malformed` names the structure read.
 */
export function skipUnknownField(
  r: Reader,
  wireType: number,
  tagAt: number,
  malformed: 'MALFORMED_FRAME' | 'MALFORMED_BODY',
): void {
  switch (wireType) {
    case 0:
      readVarUintWide(r);
      return;
    case 1:
    case 5: {
      const size = wireType === 1 ? 8 : 4;
      if (r.end - r.pos < size) throw new CodecError('TRUNCATED', offsetOf(r), 'fixed field runs past the end');
      r.pos += size;
      return;
    }
    case 2: {
      const lengthAt = offsetOf(r);
      const length = readVarUint(r);
      if (length > r.end - r.pos) {
        throw new CodecError('TRUNCATED', lengthAt, `field of ${length} bytes runs past the end`);
      }
      r.pos += length;
      return;
    }
    default:
      throw new CodecError(malformed, tagAt, `unsupported wire type ${wireType}`);
  }
}
