import { crc32c } from './crc32c.js';
import { CodecError } from './errors.js';
import type { DecodeLimits, FrameHeader } from './types.js';
import { decodeUtf8, writeUtf8 } from './utf8.js';
import {
  createReader,
  createWriter,
  offsetOf,
  type Reader,
  readUint32LE,
  readVarUint,
  readVarUintWide,
  skipUnknownField,
  writeUint32LE,
  writeVarUint,
} from './varint.js';

export const FORMAT_VERSION = 1;
/** Frame.flags bits. Whether a frame uses session context is said by context_version alone. */
export const FLAG_COMPRESSED = 1;
const KNOWN_FLAGS = FLAG_COMPRESSED;

export const DEFAULT_LIMITS: DecodeLimits = {
  maxFrameBytes: 1024 * 1024,
  maxBodyBytes: 16 * 1024 * 1024,
  maxOps: 100_000,
  maxStringBytes: 256,
  maxPayloadBytes: 16 * 1024,
};

export function resolveLimits(...parts: (Partial<DecodeLimits> | undefined)[]): DecodeLimits {
  let limits = DEFAULT_LIMITS;
  for (const part of parts) if (part) limits = { ...limits, ...part };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new TypeError(`limit ${name} must be a non-negative integer, got ${value}`);
  }
  return limits;
}

export interface FrameFields {
  readonly flags: number;
  readonly dictionaryId: number;
  readonly contextVersion: number;
  readonly deviceId: string;
  readonly opCount: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Uncompressed Batch length. */
  readonly bodyLength: number;
  /** The body as sent. */
  readonly body: Uint8Array;
}

/**
 * Writes a media_sync.v1.Frame. Fields that the reader can infer are left out, as proto3 does
 * with defaults: last_seq when it is first_seq + op_count − 1, body_length when the body is not
 * compressed (it is then the body field's own length).
 */
/** The header is assembled here, then copied once into a frame of exactly the right size. */
const headerScratch = createWriter(128);

export function writeFrame(fields: FrameFields): { bytes: Uint8Array; crc: number } {
  const w = headerScratch;
  w.pos = 0;
  writeVarUint(w, (1 << 3) | 0);
  writeVarUint(w, FORMAT_VERSION);
  if (fields.flags !== 0) {
    writeVarUint(w, (2 << 3) | 0);
    writeVarUint(w, fields.flags);
  }
  if (fields.dictionaryId !== 0) {
    writeVarUint(w, (3 << 3) | 0);
    writeVarUint(w, fields.dictionaryId);
  }
  if (fields.contextVersion !== 0) {
    writeVarUint(w, (4 << 3) | 0);
    writeVarUint(w, fields.contextVersion);
  }
  writeVarUint(w, (5 << 3) | 2);
  writeUtf8(w, fields.deviceId);
  if (fields.opCount !== 0) {
    writeVarUint(w, (6 << 3) | 0);
    writeVarUint(w, fields.opCount);
    writeVarUint(w, (7 << 3) | 0);
    writeVarUint(w, fields.firstSeq);
    if (fields.lastSeq !== fields.firstSeq + fields.opCount - 1) {
      writeVarUint(w, (8 << 3) | 0);
      writeVarUint(w, fields.lastSeq);
    }
  }
  if (fields.flags & FLAG_COMPRESSED) {
    writeVarUint(w, (9 << 3) | 0);
    writeVarUint(w, fields.bodyLength);
  }
  const body = fields.body;
  const crc = crc32c(body);
  writeVarUint(w, (10 << 3) | 5);
  writeUint32LE(w, crc);
  if (body.length > 0) {
    writeVarUint(w, (15 << 3) | 2);
    writeVarUint(w, body.length);
  }
  const bytes = new Uint8Array(w.pos + body.length);
  bytes.set(w.buf.subarray(0, w.pos));
  bytes.set(body, w.pos);
  return { bytes, crc };
}

export interface ParsedFrame {
  readonly header: FrameHeader;
  /** Where the body field's bytes are in the frame. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
}

const FIELD_WIRE_TYPES: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 2, 6: 0, 7: 0, 8: 0, 9: 0, 10: 5, 15: 2 };

/**
 * Reads and checks a frame's header without decompressing or decoding the body: enough for a
 * receiver to dedupe on (deviceId, firstSeq..lastSeq). Verifies the CRC-32C of the body.
 */
export function parseFrame(bytes: Uint8Array, limits: DecodeLimits): ParsedFrame {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('a frame must be a Uint8Array');
  if (bytes.length > limits.maxFrameBytes) {
    throw new CodecError('LIMIT_EXCEEDED', 0, `frame of ${bytes.length} bytes exceeds ${limits.maxFrameBytes}`);
  }
  const values: (number | undefined)[] = [];
  const offsets: number[] = [];
  let deviceId: string | undefined;
  let bodyStart = 0;
  let bodyEnd = 0;
  let hasBody = false;
  const r = createReader(bytes);
  while (r.pos < r.end) {
    const tagAt = r.pos;
    const tag = readVarUint(r);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    const expected = FIELD_WIRE_TYPES[field];
    if (expected === undefined) {
      skipUnknownField(r, wireType, tagAt, 'MALFORMED_FRAME');
      continue;
    }
    if (expected !== wireType)
      throw new CodecError('MALFORMED_FRAME', tagAt, `field ${field} has wire type ${wireType}, expected ${expected}`);
    if (offsets[field] !== undefined) throw new CodecError('MALFORMED_FRAME', tagAt, `field ${field} appears twice`);
    offsets[field] = tagAt;
    if (wireType === 0) values[field] = readField(r, field);
    else if (wireType === 5) values[field] = readUint32LE(r);
    else {
      const lengthAt = offsetOf(r);
      const length = readVarUint(r);
      if (length > r.end - r.pos)
        throw new CodecError('TRUNCATED', lengthAt, `field ${field} of ${length} bytes runs past the end`);
      if (field === 5) {
        if (length === 0) throw new CodecError('MALFORMED_FRAME', lengthAt, 'device_id is empty');
        if (length > limits.maxStringBytes)
          throw new CodecError(
            'LIMIT_EXCEEDED',
            lengthAt,
            `device_id of ${length} bytes exceeds ${limits.maxStringBytes}`,
          );
        deviceId = decodeUtf8(bytes, r.pos, r.pos + length, r.pos);
      } else {
        hasBody = true;
        bodyStart = r.pos;
        bodyEnd = r.pos + length;
      }
      r.pos += length;
    }
  }
  // A missing field is reported at the end of the frame, where it would have had to appear.
  const at = (field: number) => offsets[field] ?? bytes.length;
  const formatVersion = values[1] ?? 0;
  if (formatVersion !== FORMAT_VERSION)
    throw new CodecError('UNSUPPORTED_VERSION', at(1), `format_version ${formatVersion} is not ${FORMAT_VERSION}`);
  const flags = values[2] ?? 0;
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new CodecError('UNSUPPORTED_FLAGS', at(2), `unknown flag bits in ${flags}`);
  const compressed = (flags & FLAG_COMPRESSED) !== 0;
  const dictionaryId = values[3] ?? 0;
  if (dictionaryId !== 0 && !compressed)
    throw new CodecError('MALFORMED_FRAME', at(3), 'a dictionary id on an uncompressed body');
  const contextVersion = values[4] ?? 0;
  if (contextVersion > 0xffffffff)
    throw new CodecError('MALFORMED_FRAME', at(4), `context_version ${contextVersion} exceeds 32 bits`);
  if (deviceId === undefined) throw new CodecError('MALFORMED_FRAME', bytes.length, 'device_id is missing');
  const opCount = values[6] ?? 0;
  if (opCount > limits.maxOps)
    throw new CodecError('LIMIT_EXCEEDED', at(6), `op_count ${opCount} exceeds ${limits.maxOps}`);
  const firstSeq = values[7] ?? 0;
  const lastSeq = values[8] ?? (opCount === 0 ? 0 : firstSeq + opCount - 1);
  if (
    opCount === 0
      ? firstSeq !== 0 || lastSeq !== 0
      : firstSeq < 1 || lastSeq - firstSeq < opCount - 1 || lastSeq > Number.MAX_SAFE_INTEGER
  ) {
    throw new CodecError('MALFORMED_FRAME', at(7), `seq range ${firstSeq}..${lastSeq} cannot hold ${opCount} ops`);
  }
  const sentLength = bodyEnd - bodyStart;
  const bodyLength = compressed ? (values[9] ?? 0) : sentLength;
  if (!compressed && values[9] !== undefined && values[9] !== sentLength) {
    throw new CodecError(
      'MALFORMED_FRAME',
      at(9),
      `body_length ${values[9]} differs from the ${sentLength} bytes sent`,
    );
  }
  if (bodyLength > limits.maxBodyBytes)
    throw new CodecError('LIMIT_EXCEEDED', at(9), `body_length ${bodyLength} exceeds ${limits.maxBodyBytes}`);
  if (compressed && !hasBody) throw new CodecError('MALFORMED_FRAME', bytes.length, 'compressed frame without a body');
  // proto3 leaves a zero out, and the CRC-32C of an empty body is 0.
  const bodyCrc32c = values[10] ?? 0;
  const actual = crc32c(bytes, bodyStart, bodyEnd);
  if (actual !== bodyCrc32c) {
    throw new CodecError(
      'CRC_MISMATCH',
      hasBody ? bodyStart : bytes.length,
      `body CRC-32C ${hex(actual)} differs from the header's ${hex(bodyCrc32c)}`,
    );
  }
  return {
    header: {
      formatVersion,
      flags,
      dictionaryId,
      contextVersion,
      deviceId,
      opCount,
      firstSeq,
      lastSeq,
      bodyLength,
      bodyCrc32c,
      compressed,
    },
    bodyStart,
    bodyEnd,
  };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

const UINT32_FIELDS = new Set([1, 2, 3, 6, 9]);

function readField(r: Reader, field: number): number {
  const at = r.pos;
  const v = readVarUintWide(r);
  if (typeof v === 'bigint')
    throw new CodecError('MALFORMED_VARINT', at, `field ${field} value ${v} is larger than 2^53 − 1`);
  if (UINT32_FIELDS.has(field) && v > 0xffffffff)
    throw new CodecError('MALFORMED_VARINT', at, `field ${field} value ${v} exceeds 32 bits`);
  return v;
}
