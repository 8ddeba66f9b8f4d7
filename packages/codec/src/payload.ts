import type { JsonValue } from '@media-sync/protocol';
import { CodecError } from './errors.js';
import { decodeUtf8, encodeUtf8 } from './utf8.js';
import { isUuid, readUuid, writeUuidBytes } from './uuid.js';
import {
  ensure,
  offsetOf,
  type Reader,
  readByte,
  readVarInt,
  readVarUint,
  type Writer,
  writeByte,
  writeBytes,
  writeVarInt,
  writeVarUint,
} from './varint.js';

/**
 * The compact binary form of a device-command payload (any JSON value). One tag byte, then:
 *   0 null · 1 false · 2 true · 3 zigzag varint (safe integer) · 4 float64 little-endian
 *   5 string: varint length + UTF-8 · 6 array: varint count + items
 *   7 object: varint count + (varint key length + UTF-8 key, value) in insertion order
 *   8 lowercase UUID string: 16 raw bytes · 16..127 the integer (tag − 16), 0..111
 * e.g. {"level":95} → 07 01 05 6c 65 76 65 6c 6f (9 bytes; its JSON is 12).
 */
const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const INT = 3;
const FLOAT = 4;
const STRING = 5;
const ARRAY = 6;
const OBJECT = 7;
const UUID = 8;
const SMALL_INT = 16;
const SMALL_INT_MAX = 127 - SMALL_INT;

/** §2 validation nests payloads at most 64 deep; the decoder allows no more. */
export const MAX_PAYLOAD_DEPTH = 65;

const scratch = new DataView(new ArrayBuffer(8));

export function writePayload(w: Writer, value: JsonValue): void {
  if (value === null) writeByte(w, NULL);
  else if (value === false) writeByte(w, FALSE);
  else if (value === true) writeByte(w, TRUE);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      if (value >= 0 && value <= SMALL_INT_MAX) writeByte(w, SMALL_INT + value);
      else {
        writeByte(w, INT);
        writeVarInt(w, value);
      }
    } else {
      if (!Number.isFinite(value)) throw new CodecError('INVALID_INPUT', 0, `payload number ${value} is not JSON`);
      writeByte(w, FLOAT);
      scratch.setFloat64(0, value, true);
      ensure(w, 8);
      for (let i = 0; i < 8; i++) w.buf[w.pos++] = scratch.getUint8(i);
    }
  } else if (typeof value === 'string') {
    if (isUuid(value)) {
      writeByte(w, UUID);
      ensure(w, 16);
      writeUuidBytes(value, w.buf, w.pos);
      w.pos += 16;
    } else {
      writeByte(w, STRING);
      writeString(w, value);
    }
  } else if (Array.isArray(value)) {
    writeByte(w, ARRAY);
    writeVarUint(w, value.length);
    for (const item of value) writePayload(w, item);
  } else {
    if (typeof value !== 'object')
      throw new CodecError('INVALID_INPUT', 0, `payload holds a ${typeof value}, which is not JSON`);
    const keys = Object.keys(value);
    writeByte(w, OBJECT);
    writeVarUint(w, keys.length);
    for (const key of keys) {
      writeString(w, key);
      writePayload(w, value[key] as JsonValue);
    }
  }
}

function writeString(w: Writer, s: string): void {
  const bytes = encodeUtf8(s);
  writeVarUint(w, bytes.length);
  writeBytes(w, bytes);
}

export function readPayload(r: Reader, depth = 0): JsonValue {
  if (depth > MAX_PAYLOAD_DEPTH) throw new CodecError('MALFORMED_BODY', offsetOf(r), 'payload nested too deeply');
  const at = offsetOf(r);
  const tag = readByte(r);
  if (tag >= SMALL_INT) return tag - SMALL_INT;
  switch (tag) {
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case INT:
      return readVarInt(r);
    case FLOAT: {
      if (r.end - r.pos < 8) throw new CodecError('TRUNCATED', offsetOf(r), 'float64 runs past the end');
      for (let i = 0; i < 8; i++) scratch.setUint8(i, r.buf[r.pos++] as number);
      const v = scratch.getFloat64(0, true);
      if (!Number.isFinite(v)) throw new CodecError('MALFORMED_BODY', at, 'payload number is not finite');
      return v;
    }
    case STRING:
      return readString(r);
    case UUID: {
      if (r.end - r.pos < 16) throw new CodecError('TRUNCATED', offsetOf(r), 'UUID runs past the end');
      const s = readUuid(r.buf, r.pos);
      r.pos += 16;
      return s;
    }
    case ARRAY: {
      const n = readCount(r);
      const out: JsonValue[] = [];
      for (let i = 0; i < n; i++) out.push(readPayload(r, depth + 1));
      return out;
    }
    case OBJECT: {
      const n = readCount(r);
      const out: { [key: string]: JsonValue } = {};
      for (let i = 0; i < n; i++) {
        const key = readString(r);
        // A plain assignment of "__proto__" would replace the prototype instead of adding a key.
        Object.defineProperty(out, key, {
          value: readPayload(r, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw new CodecError('MALFORMED_BODY', at, `unknown payload tag ${tag}`);
  }
}

/** An element count can never exceed the bytes left, since every element takes at least one. */
function readCount(r: Reader): number {
  const at = offsetOf(r);
  const n = readVarUint(r);
  if (n > r.end - r.pos)
    throw new CodecError('LIMIT_EXCEEDED', at, `count ${n} exceeds the ${r.end - r.pos} bytes left`);
  return n;
}

function readString(r: Reader): string {
  const at = offsetOf(r);
  const n = readVarUint(r);
  if (n > r.end - r.pos) throw new CodecError('TRUNCATED', at, `string of ${n} bytes runs past the end`);
  const s = decodeUtf8(r.buf, r.pos, r.pos + n, offsetOf(r));
  r.pos += n;
  return s;
}
