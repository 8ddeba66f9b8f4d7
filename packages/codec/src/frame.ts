import { utf8Length } from '@media-sync/protocol';
import { crc32c } from './crc32c.js';
import { CodecError } from './errors.js';
import type { DecodeLimits, FrameHeader, SeqRange } from './types.js';
import { decodeUtf8, hasLoneSurrogate, quoted, writeUtf8 } from './utf8.js';
import {
  createReader,
  createWriter,
  offsetOf,
  type Reader,
  readUint32LE,
  readVarUint,
  readVarUintWide,
  skipUnknownField,
  type Writer,
  writeUint32LE,
  writeVarUint,
} from './varint.js';
import { FrameField, WireType } from './wire.js';
import { readZstdHeader } from './zstd.js';

export const FORMAT_VERSION = 2;
/** Frame.flags bits. */
export const FLAG_COMPRESSED = 1;
const KNOWN_FLAGS = FLAG_COMPRESSED;

export const DEFAULT_LIMITS: DecodeLimits = {
  maxFrameBytes: 1024 * 1024,
  maxBodyBytes: 16 * 1024 * 1024,
  maxOps: 100_000,
  maxStringBytes: 256,
  maxPayloadBytes: 16 * 1024,
};

/** Most skipped ranges one frame may declare (each is two varints in the header). */
export const MAX_SKIPPED_RANGES = 4096;

export function resolveLimits(...parts: (Partial<DecodeLimits> | undefined)[]): DecodeLimits {
  let limits = DEFAULT_LIMITS;
  for (const part of parts) if (part) limits = { ...limits, ...part };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new TypeError(`limit ${name} must be a non-negative integer, got ${value}`);
  }
  return limits;
}

/**
 * What a session binds, so its frames need not repeat it: the device of the link and the
 * acknowledged context (its version and the last seq it saw). Self-contained frames bind
 * nothing (version 0, last seq 0) and carry their device id.
 */
export interface FrameBinding {
  readonly deviceId: string;
  readonly contextVersion: number;
  readonly lastSeq: number;
}

export interface FrameFields {
  readonly flags: number;
  readonly dictionaryId: number;
  readonly deviceId: string;
  /** A user-bound frame: the user its channel names, left off the wire and covered by the checksum. */
  readonly userId: string | undefined;
  /** Session frame: device_id is left out and first_seq may be inferred from `binding.lastSeq`. */
  readonly bound: boolean;
  readonly binding: FrameBinding;
  readonly opCount: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly skipped: readonly SeqRange[];
  /** Uncompressed Batch length. */
  readonly bodyLength: number;
  /** The body as sent. */
  readonly body: Uint8Array;
}

/** The header is assembled here, then copied once into a frame of exactly the right size. */
const headerScratch = createWriter(128);
/** The canonical header the checksum covers, rebuilt per frame (and per candidate context). */
const checksumScratch = createWriter(128);

function writeTag(w: Writer, field: number, wireType: number): void {
  writeVarUint(w, (field << 3) | wireType);
}

/**
 * The checksum of a frame: CRC-32C of the body as sent, continued over every header value a
 * receiver dedupes or authorises on — format version, flags, dictionary, context version, device
 * id, op count, seqs, body length, skipped ranges — whether or not the value is on the wire
 * (a session frame leaves the device id and context version out; both ends know them). A
 * user-bound frame's continues over its user id (never on the wire), so only a receiver that
 * names the same user verifies it. The two kinds carry their checksum in different fields, so a
 * receiver never has to guess which of the two domains a frame was made in.
 */
export function frameChecksum(
  header: Omit<FrameHeader, 'checksum' | 'compressed'>,
  body: Uint8Array,
  bodyStart = 0,
  bodyEnd = body.length,
): number {
  const w = checksumScratch;
  w.pos = 0;
  writeVarUint(w, header.formatVersion);
  writeVarUint(w, header.flags);
  writeVarUint(w, header.dictionaryId);
  writeVarUint(w, header.contextVersion);
  writeUtf8(w, header.deviceId);
  writeVarUint(w, header.opCount);
  writeVarUint(w, header.firstSeq);
  writeVarUint(w, header.lastSeq);
  writeVarUint(w, header.bodyLength);
  writeVarUint(w, header.skipped.length);
  for (const range of header.skipped) {
    writeVarUint(w, range.first);
    writeVarUint(w, range.last);
  }
  if (header.userId !== undefined) writeUtf8(w, header.userId);
  return crc32c(w.buf, 0, w.pos, crc32c(body, bodyStart, bodyEnd));
}

/**
 * Checks skipped ranges: sorted, disjoint, non-adjacent seqs ≥ 1, none inside the frame's own
 * seq range (each below first seq or above last seq: a frame that ends a drained run declares
 * the coalesced tail after its last op itself). `fail` says how to report a violation.
 */
export function checkSkipped(
  skipped: readonly SeqRange[],
  firstSeq: number,
  lastSeq: number,
  opCount: number,
  fail: (detail: string) => CodecError,
): void {
  if (skipped.length > MAX_SKIPPED_RANGES) throw fail(`${skipped.length} skipped ranges exceed ${MAX_SKIPPED_RANGES}`);
  let previousLast = -1;
  for (const range of skipped) {
    const { first, last } = range;
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first)
      throw fail(`skipped range ${first}..${last} is not a range of seqs ≥ 1`);
    if (previousLast >= 0 && first <= previousLast + 1)
      throw fail(`skipped range ${first}..${last} overlaps or touches the one before (sorted, disjoint, non-adjacent)`);
    if (opCount > 0 && last >= firstSeq && first <= lastSeq)
      throw fail(`skipped range ${first}..${last} overlaps the frame's seqs ${firstSeq}..${lastSeq}`);
    previousLast = last;
  }
}

/**
 * Writes a media_sync.v1.Frame (format 2). Values the reader can infer are left out, as proto3
 * does with defaults (but an empty frame writes op_count 0): op_count when it is 1, last_seq when it is first_seq + op_count − 1,
 * body_length when the body is not compressed or its zstd header states it, dictionary_id when
 * the zstd header names it; in a session frame also device_id, and first_seq when it follows
 * the context's last seq.
 */
export function writeFrame(fields: FrameFields): { bytes: Uint8Array; header: FrameHeader } {
  const w = headerScratch;
  w.pos = 0;
  const { binding, opCount, firstSeq, lastSeq } = fields;
  writeTag(w, FrameField.formatVersion, WireType.varint);
  writeVarUint(w, FORMAT_VERSION);
  if (fields.flags !== 0) {
    writeTag(w, FrameField.flags, WireType.varint);
    writeVarUint(w, fields.flags);
  }
  const compressed = (fields.flags & FLAG_COMPRESSED) !== 0;
  // A zstd body's own header states its dictionary and size: the frame repeats only what it lacks.
  const stated = compressed ? readZstdHeader(fields.body, 0, fields.body.length) : undefined;
  if (fields.dictionaryId !== (stated?.dictionaryId ?? 0)) {
    writeTag(w, FrameField.dictionaryId, WireType.varint);
    writeVarUint(w, fields.dictionaryId);
  }
  if (!fields.bound) {
    writeTag(w, FrameField.deviceId, WireType.lengthDelimited);
    writeUtf8(w, fields.deviceId);
  }
  if (opCount !== 1) {
    writeTag(w, FrameField.opCount, WireType.varint);
    writeVarUint(w, opCount);
  }
  if (opCount !== 0) {
    if (!(fields.bound && firstSeq === binding.lastSeq + 1)) {
      writeTag(w, FrameField.firstSeq, WireType.varint);
      writeVarUint(w, firstSeq);
    }
    if (lastSeq !== firstSeq + opCount - 1) {
      writeTag(w, FrameField.lastSeq, WireType.varint);
      writeVarUint(w, lastSeq);
    }
  }
  if (compressed && stated?.contentSize !== fields.bodyLength) {
    writeTag(w, FrameField.bodyLength, WireType.varint);
    writeVarUint(w, fields.bodyLength);
  }
  if (fields.skipped.length > 0) writeSkipped(w, fields.skipped);
  const header: FrameHeader = {
    formatVersion: FORMAT_VERSION,
    flags: fields.flags,
    dictionaryId: fields.dictionaryId,
    contextVersion: binding.contextVersion,
    deviceId: fields.deviceId,
    ...(fields.userId === undefined ? {} : { userId: fields.userId }),
    opCount,
    firstSeq,
    lastSeq,
    bodyLength: fields.bodyLength,
    skipped: fields.skipped,
    checksum: 0,
    compressed: (fields.flags & FLAG_COMPRESSED) !== 0,
  };
  const body = fields.body;
  const checksum = frameChecksum(header, body);
  writeTag(w, fields.userId === undefined ? FrameField.checksum : FrameField.userBoundChecksum, WireType.fixed32);
  writeUint32LE(w, checksum);
  if (body.length > 0) {
    writeTag(w, FrameField.body, WireType.lengthDelimited);
    writeVarUint(w, body.length);
  }
  const bytes = new Uint8Array(w.pos + body.length);
  bytes.set(w.buf.subarray(0, w.pos));
  bytes.set(body, w.pos);
  return { bytes, header: { ...header, checksum } };
}

/**
 * Skipped ranges as one packed field of pairs: the gap before the range (first − 1 for the
 * first range, else first − previous last − 2, as ranges never touch) and its length − 1.
 */
function writeSkipped(w: Writer, skipped: readonly SeqRange[]): void {
  const scratch = createWriter(8 * skipped.length + 8);
  let previousLast = -1;
  for (const { first, last } of skipped) {
    writeVarUint(scratch, previousLast < 0 ? first - 1 : first - previousLast - 2);
    writeVarUint(scratch, last - first);
    previousLast = last;
  }
  writeTag(w, FrameField.skipped, WireType.lengthDelimited);
  writeVarUint(w, scratch.pos);
  for (let i = 0; i < scratch.pos; i++) w.buf[w.pos++] = scratch.buf[i] as number;
}

/** A frame's fields as read, before they are resolved against a binding and verified. */
export interface RawFrame {
  readonly bytes: Uint8Array;
  readonly flags: number;
  readonly dictionaryId: number;
  /** undefined: a session frame (the session binds the device). */
  readonly deviceId: string | undefined;
  readonly opCount: number;
  readonly firstSeq: number | undefined;
  readonly lastSeq: number | undefined;
  readonly bodyLength: number;
  readonly skipped: readonly SeqRange[];
  readonly checksum: number;
  /** The checksum came as user_bound_checksum: the frame's user is named by its channel. */
  readonly userBound: boolean;
  readonly compressed: boolean;
  readonly hasBody: boolean;
  /** Where the body field's bytes are in the frame. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** Byte offsets of the fields, for errors (the frame's length when absent). */
  readonly at: (field: number) => number;
}

const FIELD_WIRE_TYPES: Record<number, number> = {
  [FrameField.formatVersion]: WireType.varint,
  [FrameField.flags]: WireType.varint,
  [FrameField.dictionaryId]: WireType.varint,
  [FrameField.deviceId]: WireType.lengthDelimited,
  [FrameField.opCount]: WireType.varint,
  [FrameField.firstSeq]: WireType.varint,
  [FrameField.lastSeq]: WireType.varint,
  [FrameField.bodyLength]: WireType.varint,
  [FrameField.checksum]: WireType.fixed32,
  [FrameField.userBoundChecksum]: WireType.fixed32,
  [FrameField.skipped]: WireType.lengthDelimited,
  [FrameField.body]: WireType.lengthDelimited,
};

/**
 * Reads a frame's fields and checks what needs no binding (version, flags, limits, field
 * shapes). `resolveFrame` then completes and verifies the header against a binding.
 */
export function parseFrame(bytes: Uint8Array, limits: DecodeLimits): RawFrame {
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
  let skippedStart = 0;
  let skippedEnd = 0;
  const r = createReader(bytes);
  while (r.pos < r.end) {
    const tagAt = r.pos;
    const tag = readVarUint(r);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    const expected = FIELD_WIRE_TYPES[field];
    if (expected === undefined) {
      if (field === 0) throw new CodecError('MALFORMED_FRAME', tagAt, 'field number 0');
      skipUnknownField(r, wireType, tagAt, 'MALFORMED_FRAME');
      continue;
    }
    if (expected !== wireType)
      throw new CodecError('MALFORMED_FRAME', tagAt, `field ${field} has wire type ${wireType}, expected ${expected}`);
    if (offsets[field] !== undefined) throw new CodecError('MALFORMED_FRAME', tagAt, `field ${field} appears twice`);
    offsets[field] = tagAt;
    if (wireType === WireType.varint) values[field] = readField(r, field);
    else if (wireType === WireType.fixed32) values[field] = readUint32LE(r);
    else {
      const lengthAt = offsetOf(r);
      const length = readVarUint(r);
      if (length > r.end - r.pos)
        throw new CodecError('TRUNCATED', lengthAt, `field ${field} of ${length} bytes runs past the end`);
      if (field === FrameField.deviceId) {
        if (length === 0) throw new CodecError('MALFORMED_FRAME', lengthAt, 'device_id is empty');
        if (length > limits.maxStringBytes)
          throw new CodecError(
            'LIMIT_EXCEEDED',
            lengthAt,
            `device_id of ${length} bytes exceeds ${limits.maxStringBytes}`,
          );
        deviceId = decodeUtf8(bytes, r.pos, r.pos + length, r.pos);
      } else if (field === FrameField.skipped) {
        skippedStart = r.pos;
        skippedEnd = r.pos + length;
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
  const formatVersion = values[FrameField.formatVersion] ?? 0;
  if (formatVersion !== FORMAT_VERSION) {
    throw new CodecError(
      'UNSUPPORTED_VERSION',
      at(FrameField.formatVersion),
      `format_version ${formatVersion} is not ${FORMAT_VERSION}`,
    );
  }
  const flags = values[FrameField.flags] ?? 0;
  if ((flags & ~KNOWN_FLAGS) !== 0)
    throw new CodecError('UNSUPPORTED_FLAGS', at(FrameField.flags), `unknown flag bits in ${flags}`);
  const compressed = (flags & FLAG_COMPRESSED) !== 0;
  if (compressed && !hasBody) throw new CodecError('MALFORMED_FRAME', bytes.length, 'compressed frame without a body');
  // A compressed body's zstd header states what the frame leaves out: its dictionary and size.
  const stated = compressed ? readZstdHeader(bytes, bodyStart, bodyEnd) : undefined;
  const dictionaryId = values[FrameField.dictionaryId] ?? stated?.dictionaryId ?? 0;
  if (dictionaryId !== 0 && !compressed)
    throw new CodecError('MALFORMED_FRAME', at(FrameField.dictionaryId), 'a dictionary id on an uncompressed body');
  const firstSeq = values[FrameField.firstSeq];
  const lastSeq = values[FrameField.lastSeq];
  // op_count is left out when it is 1 (an empty frame says 0).
  const opCount = values[FrameField.opCount] ?? 1;
  if (opCount > limits.maxOps)
    throw new CodecError('LIMIT_EXCEEDED', at(FrameField.opCount), `op_count ${opCount} exceeds ${limits.maxOps}`);
  const sentLength = bodyEnd - bodyStart;
  const declaredLength = values[FrameField.bodyLength];
  const bodyLength = compressed ? (declaredLength ?? stated?.contentSize ?? -1) : sentLength;
  if (bodyLength < 0)
    throw new CodecError(
      'MALFORMED_FRAME',
      bodyStart,
      'compressed body without body_length, and its zstd header states no content size',
    );
  if (!compressed && declaredLength !== undefined && declaredLength !== sentLength) {
    throw new CodecError(
      'MALFORMED_FRAME',
      at(FrameField.bodyLength),
      `body_length ${declaredLength} differs from the ${sentLength} bytes sent`,
    );
  }
  if (bodyLength > limits.maxBodyBytes) {
    throw new CodecError(
      'LIMIT_EXCEEDED',
      at(FrameField.bodyLength),
      `body_length ${bodyLength} exceeds ${limits.maxBodyBytes}`,
    );
  }
  const skipped = skippedEnd > skippedStart ? readSkipped(bytes, skippedStart, skippedEnd) : [];
  const userBound = offsets[FrameField.userBoundChecksum] !== undefined;
  if (userBound && offsets[FrameField.checksum] !== undefined)
    throw new CodecError(
      'MALFORMED_FRAME',
      at(FrameField.userBoundChecksum),
      'checksum and user_bound_checksum together (one of them names the checksum domain)',
    );
  return {
    bytes,
    flags,
    dictionaryId,
    deviceId,
    opCount,
    firstSeq,
    lastSeq,
    bodyLength,
    skipped,
    // proto3 leaves a zero out.
    checksum: (userBound ? values[FrameField.userBoundChecksum] : values[FrameField.checksum]) ?? 0,
    userBound,
    compressed,
    hasBody,
    bodyStart,
    bodyEnd,
    at,
  };
}

function readSkipped(bytes: Uint8Array, start: number, end: number): SeqRange[] {
  const r = createReader(bytes, start, end);
  const ranges: SeqRange[] = [];
  let previousLast = -1;
  while (r.pos < r.end) {
    if (ranges.length === MAX_SKIPPED_RANGES)
      throw new CodecError('LIMIT_EXCEEDED', offsetOf(r), `more than ${MAX_SKIPPED_RANGES} skipped ranges`);
    const at = offsetOf(r);
    const gap = readVarUint(r);
    if (r.pos >= r.end) throw new CodecError('MALFORMED_FRAME', at, 'skipped range without a length');
    const length = readVarUint(r);
    const first = previousLast < 0 ? gap + 1 : previousLast + 2 + gap;
    const last = first + length;
    if (last > Number.MAX_SAFE_INTEGER) throw new CodecError('MALFORMED_FRAME', at, `skipped seq ${last} is too large`);
    ranges.push({ first, last });
    previousLast = last;
  }
  return ranges;
}

/** A session frame read without its session: the device and context are not in its bytes. */
function unboundError(): CodecError {
  return new CodecError(
    'CONTEXT_MISMATCH',
    0,
    'a session frame (no device_id): read it with the session decoder of its link, which binds the device and context',
  );
}

/** A user-bound frame read without the user its channel names. */
function userRequiredError(raw: RawFrame): CodecError {
  return new CodecError(
    'USER_REQUIRED',
    raw.at(FrameField.userBoundChecksum),
    'a user-bound frame (user_bound_checksum): decode it with the userId its channel names',
  );
}

/**
 * Completes a parsed frame against a binding (a self-contained frame: its own device id,
 * context 0) and the user its channel names (used by user-bound frames only), and verifies its
 * checksum. Returns undefined when the checksum does not match, so a session decoder can try its
 * other contexts; throws on values that break the format.
 */
export function resolveFrame(
  raw: RawFrame,
  binding: FrameBinding | undefined,
  userId?: string | undefined,
): FrameHeader | undefined {
  const header = completeHeader(raw, binding, userId);
  // No sender binds a frame to such a user: it cannot be this frame's, and hashing it (a
  // receiver's user id may be megabytes, or not encodable) would only cost time or throw.
  if (header.userId !== undefined && !isBindableUser(header.userId)) return undefined;
  const actual = frameChecksum(header, raw.bytes, raw.bodyStart, raw.bodyEnd);
  return actual === raw.checksum ? header : undefined;
}

/** The longest user id, in UTF-8 bytes, a frame can be bound to (`bindUser`'s limit). */
export const MAX_BOUND_USER_BYTES = 256;

/** Whether a sender can bind a frame to `userId`: 1..256 UTF-8 bytes, no lone surrogate. */
export function isBindableUser(userId: string): boolean {
  return (
    userId.length > 0 &&
    userId.length <= MAX_BOUND_USER_BYTES &&
    utf8Length(userId) <= MAX_BOUND_USER_BYTES &&
    !hasLoneSurrogate(userId)
  );
}

/**
 * The header values a parsed frame stands for under `binding` and `userId` (the channel's user,
 * which a user-bound frame needs), its checksum as read (unverified).
 */
export function completeHeader(
  raw: RawFrame,
  binding: FrameBinding | undefined,
  userId?: string | undefined,
): FrameHeader {
  const deviceId = raw.deviceId ?? binding?.deviceId;
  if (deviceId === undefined) throw unboundError();
  if (raw.userBound && userId === undefined) throw userRequiredError(raw);
  const bound = raw.deviceId === undefined;
  const contextVersion = bound ? (binding?.contextVersion ?? 0) : 0;
  const { opCount } = raw;
  let firstSeq: number;
  let lastSeq: number;
  if (opCount === 0) {
    firstSeq = raw.firstSeq ?? 0;
    lastSeq = raw.lastSeq ?? 0;
    if (firstSeq !== 0 || lastSeq !== 0)
      throw new CodecError('MALFORMED_FRAME', raw.at(FrameField.firstSeq), 'an empty frame with seqs');
  } else {
    firstSeq = raw.firstSeq ?? (bound ? (binding?.lastSeq ?? 0) + 1 : 0);
    lastSeq = raw.lastSeq ?? firstSeq + opCount - 1;
    if (firstSeq < 1 || lastSeq - firstSeq < opCount - 1 || lastSeq > Number.MAX_SAFE_INTEGER) {
      throw new CodecError(
        'MALFORMED_FRAME',
        raw.at(FrameField.firstSeq),
        `seq range ${firstSeq}..${lastSeq} cannot hold ${opCount} ops`,
      );
    }
  }
  checkSkipped(
    raw.skipped,
    firstSeq,
    lastSeq,
    opCount,
    (detail) => new CodecError('MALFORMED_FRAME', raw.at(FrameField.skipped), detail),
  );
  return {
    formatVersion: FORMAT_VERSION,
    flags: raw.flags,
    dictionaryId: raw.dictionaryId,
    contextVersion,
    deviceId,
    ...(raw.userBound ? { userId: userId as string } : {}),
    opCount,
    firstSeq,
    lastSeq,
    bodyLength: raw.bodyLength,
    skipped: raw.skipped,
    checksum: raw.checksum,
    compressed: raw.compressed,
  };
}

export function checksumError(raw: RawFrame, userId?: string): CodecError {
  if (raw.userBound)
    return new CodecError(
      'CRC_MISMATCH',
      raw.at(FrameField.userBoundChecksum),
      `user-bound frame checksum ${hex(raw.checksum)} does not match its header, body and user ${userId === undefined ? 'undefined' : quoted(userId)} (a frame of another user's channel, or damaged)`,
    );
  return new CodecError(
    'CRC_MISMATCH',
    raw.at(FrameField.checksum),
    `frame checksum ${hex(raw.checksum)} does not match its header and body`,
  );
}

/** Parses and verifies a self-contained frame; `userId` is the user its channel names. */
export function readSelfContained(
  bytes: Uint8Array,
  limits: DecodeLimits,
  userId: string | undefined,
): { raw: RawFrame; header: FrameHeader } {
  const raw = parseFrame(bytes, limits);
  if (raw.deviceId === undefined) throw unboundError();
  const header = resolveFrame(raw, undefined, userId);
  if (header === undefined) throw checksumError(raw, userId);
  return { raw, header };
}

/** Refuses a `userId` a receiver passes that no sender could have bound a frame to. */
export function checkUserId(userId: string | undefined): string | undefined {
  if (userId !== undefined && (typeof userId !== 'string' || userId.length === 0))
    throw new TypeError(
      `userId must be a non-empty string, got ${typeof userId === 'string' ? quoted(userId) : String(userId)}`,
    );
  return userId;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

const UINT32_FIELDS = new Set<number>([
  FrameField.formatVersion,
  FrameField.flags,
  FrameField.dictionaryId,
  FrameField.opCount,
  FrameField.bodyLength,
]);

function readField(r: Reader, field: number): number {
  const at = r.pos;
  const v = readVarUintWide(r);
  if (typeof v === 'bigint')
    throw new CodecError('MALFORMED_VARINT', at, `field ${field} value ${v} is larger than 2^53 − 1`);
  if (UINT32_FIELDS.has(field) && v > 0xffffffff)
    throw new CodecError('MALFORMED_VARINT', at, `field ${field} value ${v} exceeds 32 bits`);
  return v;
}
