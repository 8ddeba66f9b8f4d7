import type {
  DeviceCommandOperation,
  JsonValue,
  PlaybackState,
  ProgressUpdateOperation,
  SequencedOperation,
  SyncOperation,
} from '@media-sync/protocol';
import { utf8Length } from '@media-sync/protocol';
import {
  type ContextState,
  MAX_CONTEXT_PROGRESS,
  MAX_CONTEXT_STRINGS,
  type ProgressEntry,
  predictPosition,
  progressKey,
} from './context.js';
import { CodecError } from './errors.js';
import { readPayload, writePayload } from './payload.js';
import type { DecodeLimits } from './types.js';
import { decodeUtf8, writeUtf8 } from './utf8.js';
import { isUuid, readUuid, writeUuidBytes } from './uuid.js';
import {
  createReader,
  createWriter,
  ensure,
  offsetOf,
  type Reader,
  readVarInt,
  readVarUint,
  readVarUintWide,
  skipUnknownField,
  toBytes,
  type Writer,
  writeBytes,
  writeVarInt,
  writeVarUint,
} from './varint.js';

/** Field numbers of media_sync.v1.Batch (proto/media_sync/v1/batch.proto). */
const F = {
  strings: 1,
  uuids: 2,
  types: 3,
  seqDeltas: 4,
  baseTimestamp: 5,
  timestampDeltas: 6,
  hlcPhysicalOffsets: 7,
  hlcLogicals: 8,
  hlcNodeRefs: 9,
  userRefs: 10,
  contentRefs: 11,
  positionResiduals: 12,
  durations: 13,
  states: 14,
  commandIdRefs: 15,
  sourceDeviceRefs: 16,
  targetDeviceRefs: 17,
  commandTypeRefs: 18,
  payloads: 19,
  expiryOffsets: 20,
  timestampDeltaBias: 21,
  positionResidualBias: 22,
} as const;
const FIELD_COUNT = 23;
/** Fields that are single varints rather than packed or length-delimited. */
const SCALAR_FIELDS = new Set<number>([F.baseTimestamp, F.timestampDeltaBias, F.positionResidualBias]);

const TYPE_CODE = { watchlistAdd: 1, watchlistRemove: 2, progressUpdate: 3, deviceCommand: 4 } as const;
const STATE_CODE = { playing: 1, paused: 2, stopped: 3, completed: 4 } as const;
const STATES: readonly (PlaybackState | undefined)[] = [undefined, 'playing', 'paused', 'stopped', 'completed'];

const MAX_TIMESTAMP = 2 ** 48 - 1;
const MAX_LOGICAL = 0xffff;

/** What a frame adds to the session context; materialized only for session encoders/decoders. */
export interface ContextUpdate {
  /** Strings the frame added to the table, in table order. */
  readonly added: readonly string[];
  readonly progress: ReadonlyMap<string, ProgressEntry>;
  readonly lastTimestamp: number;
  readonly lastInterval: number;
  readonly lastUserRef: number;
  readonly lastContentRef: number;
}

export interface EncodedBatch {
  /** A view of scratch memory, valid until the next encodeBatch call: copy it to keep it. */
  readonly body: Uint8Array;
  readonly update: ContextUpdate | null;
}

function invalid(detail: string): CodecError {
  return new CodecError('INVALID_INPUT', 0, detail);
}

/**
 * Columns of one frame, in the order the encoder fills them; each is a varint writer or, for
 * refs whose final numbers are known only at the end, a plain array.
 */
class BatchColumns {
  readonly types = createWriter(64);
  readonly seqDeltas = createWriter(16);
  readonly timestampDeltas: number[] = [];
  readonly hlcPhysicalOffsets = createWriter(16);
  readonly hlcLogicals = createWriter(16);
  readonly positionResiduals: number[] = [];
  readonly durations = createWriter(64);
  readonly states = createWriter(64);
  readonly payloads: Uint8Array[] = [];
  readonly expiryOffsets = createWriter(16);
  readonly hlcNodeRefs: number[] = [];
  readonly userRefs: number[] = [];
  readonly contentRefs: number[] = [];
  readonly commandIdRefs: number[] = [];
  readonly sourceDeviceRefs: number[] = [];
  readonly targetDeviceRefs: number[] = [];
  readonly commandTypeRefs: number[] = [];
  /** Where a finished column is re-encoded (refs, biased values) before it is copied out. */
  readonly staging = createWriter(256);
  /** The body being assembled. */
  readonly out = createWriter(1024);

  /** Empties every column, keeping the buffers: encoding allocates little once warm. */
  reset(): this {
    for (const w of [
      this.types,
      this.seqDeltas,
      this.hlcPhysicalOffsets,
      this.hlcLogicals,
      this.durations,
      this.states,
    ]) {
      w.pos = 0;
    }
    this.expiryOffsets.pos = 0;
    this.staging.pos = 0;
    this.out.pos = 0;
    for (const a of [
      this.timestampDeltas,
      this.positionResiduals,
      this.hlcNodeRefs,
      this.userRefs,
      this.contentRefs,
      this.commandIdRefs,
      this.sourceDeviceRefs,
      this.targetDeviceRefs,
      this.commandTypeRefs,
    ]) {
      a.length = 0;
    }
    this.payloads.length = 0;
    return this;
  }
}

/**
 * Scratch columns shared by every encode: encoding is synchronous and never re-entered (the
 * body is copied out before encodeBatch returns), so one set per realm is enough.
 */
const scratch = new BatchColumns();

/**
 * The per-frame string table. Every distinct string gets a provisional id in first-use order;
 * context strings keep their context index. On the wire the table is: context entries, then
 * the frame's text entries, then its UUID entries.
 */
class StringTable {
  readonly ids = new Map<string, number>();
  readonly texts: string[] = [];
  readonly uuids: string[] = [];
  /** For provisional id − contextSize: >= 0 index into texts, < 0 ~index into uuids. */
  readonly slots: number[] = [];
  constructor(readonly context: ContextState) {}

  ref(s: string): number {
    const known = this.ids.get(s);
    if (known !== undefined) return known;
    const fromContext = this.context.index.get(s);
    if (fromContext !== undefined) {
      this.ids.set(s, fromContext);
      return fromContext;
    }
    if (typeof s !== 'string' || s.length === 0) throw invalid(`id ${JSON.stringify(s)} must be a non-empty string`);
    const id = this.context.strings.length + this.slots.length;
    if (isUuid(s)) {
      this.slots.push(~this.uuids.length);
      this.uuids.push(s);
    } else {
      if (s.length > 85 && utf8Length(s) > 256)
        throw invalid(`id ${JSON.stringify(s.slice(0, 40))}… exceeds 256 UTF-8 bytes`);
      this.slots.push(this.texts.length);
      this.texts.push(s);
    }
    this.ids.set(s, id);
    return id;
  }

  /** Maps a provisional id to its index on the wire. */
  finalRef(id: number): number {
    const c = this.context.strings.length;
    if (id < c) return id;
    const slot = this.slots[id - c] as number;
    return slot >= 0 ? c + slot : c + this.texts.length + ~slot;
  }

  /** The strings added to the table, in wire order. */
  added(): string[] {
    return [...this.texts, ...this.uuids];
  }
}

/**
 * Encodes ops of one device (already sorted by seq) as a Batch body.
 * `context` is what the receiver has acknowledged (EMPTY_CONTEXT for a self-contained frame).
 */
export function encodeBatch(
  deviceId: string,
  ops: readonly SequencedOperation[],
  context: ContextState,
  collectUpdate: boolean,
): EncodedBatch {
  const n = ops.length;
  const cols = scratch.reset();
  const table = new StringTable(context);
  const progress = new Map<number, MutableProgress>();
  const firstSeq = n > 0 ? (ops[0] as SequencedOperation).seq : 0;
  let contiguous = true;
  let anyPhysicalOffset = false;
  let anyLogical = false;
  let anyForeignNode = false;
  let prevSeq = firstSeq - 1;
  let prevTimestamp = 0;
  let baseTimestamp = 0;

  for (let i = 0; i < n; i++) {
    const entry = ops[i] as SequencedOperation;
    const op = entry.op as SyncOperation;
    if (entry.deviceId !== deviceId)
      throw invalid(`op ${i} belongs to device ${JSON.stringify(entry.deviceId)}, not ${JSON.stringify(deviceId)}`);
    const seq = entry.seq;
    if (!Number.isSafeInteger(seq) || seq <= prevSeq || seq < 1)
      throw invalid(`op ${i} has seq ${seq}: seqs must be integers ≥ 1 in increasing order`);
    if (seq !== firstSeq + i) contiguous = false;
    writeVarUint(cols.seqDeltas, seq - prevSeq - 1);
    prevSeq = seq;

    const timestamp = op.timestamp;
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP)
      throw invalid(`op ${i} has timestamp ${timestamp}`);
    if (i === 0) baseTimestamp = timestamp;
    else cols.timestampDeltas.push(timestamp - prevTimestamp);
    prevTimestamp = timestamp;

    const hlc = entry.hlc;
    const physical = hlc.physicalMs;
    const logical = hlc.logical;
    if (!Number.isInteger(physical) || physical < 0 || physical > MAX_TIMESTAMP)
      throw invalid(`op ${i} has hlc.physicalMs ${physical}`);
    if (!Number.isInteger(logical) || logical < 0 || logical > MAX_LOGICAL)
      throw invalid(`op ${i} has hlc.logical ${logical}`);
    writeVarInt(cols.hlcPhysicalOffsets, physical - timestamp);
    if (physical !== timestamp) anyPhysicalOffset = true;
    writeVarUint(cols.hlcLogicals, logical);
    if (logical !== 0) anyLogical = true;
    // The device's own id enters the table only if some other node id forces the column.
    if (hlc.nodeId === deviceId) cols.hlcNodeRefs.push(-1);
    else {
      anyForeignNode = true;
      cols.hlcNodeRefs.push(table.ref(hlc.nodeId));
    }

    const code = TYPE_CODE[op.type];
    if (code === undefined) throw invalid(`op ${i} has unknown type ${JSON.stringify(op.type)}`);
    ensure(cols.types, 1);
    cols.types.buf[cols.types.pos++] = code;

    if (code === 4) {
      writeCommand(cols, table, op as DeviceCommandOperation, i);
      continue;
    }
    const owned = op as Exclude<SyncOperation, DeviceCommandOperation>;
    const userRef = table.ref(owned.userId);
    const contentRef = table.ref(owned.contentId);
    cols.userRefs.push(userRef);
    cols.contentRefs.push(contentRef);
    if (code !== 3) continue;
    const p = op as ProgressUpdateOperation;
    const key = idKey(userRef, contentRef);
    let mine = progress.get(key);
    const prev: ProgressEntry | undefined = mine ?? context.progress.get(progressKey(p.userId, p.contentId));
    const position = p.positionMs;
    if (!Number.isSafeInteger(position) || position < 0) throw invalid(`op ${i} has positionMs ${position}`);
    cols.positionResiduals.push(position - predictPosition(prev, timestamp));
    const duration = p.durationMs ?? null;
    if (duration !== null && (!Number.isSafeInteger(duration) || duration < 0))
      throw invalid(`op ${i} has durationMs ${duration}`);
    const predictedDuration = prev === undefined ? null : prev.durationMs;
    if (duration === predictedDuration) writeVarUint(cols.durations, 0);
    else if (duration === null) writeVarUint(cols.durations, 1);
    else writeVarUint(cols.durations, duration <= Number.MAX_SAFE_INTEGER - 2 ? duration + 2 : BigInt(duration) + 2n);
    const state = STATE_CODE[p.state];
    if (state === undefined) throw invalid(`op ${i} has state ${JSON.stringify(p.state)}`);
    writeVarUint(cols.states, state);
    if (mine === undefined) {
      mine = {
        userId: p.userId,
        contentId: p.contentId,
        positionMs: position,
        durationMs: duration,
        playing: state === 1,
        timestamp,
      };
      progress.set(key, mine);
    } else {
      mine.positionMs = position;
      mine.durationMs = duration;
      mine.playing = state === 1;
      mine.timestamp = timestamp;
    }
  }

  if (anyForeignNode) {
    const refs = cols.hlcNodeRefs;
    for (let i = 0; i < refs.length; i++) if (refs[i] === -1) refs[i] = table.ref(deviceId);
  }
  const body = writeBody(context, cols, table, n, contiguous, baseTimestamp - predictedStart(context), {
    anyPhysicalOffset,
    anyLogical,
    anyForeignNode,
  });
  const update = collectUpdate
    ? {
        added: table.added(),
        progress: keyedByIds(progress.values()),
        lastTimestamp: n > 0 ? prevTimestamp : context.lastTimestamp,
        lastInterval: nextInterval(context, n, baseTimestamp, cols.timestampDeltas),
        lastUserRef: cols.userRefs.length === 0 ? context.lastUserRef : table.finalRef(cols.userRefs.at(-1) as number),
        lastContentRef:
          cols.contentRefs.length === 0 ? context.lastContentRef : table.finalRef(cols.contentRefs.at(-1) as number),
      }
    : null;
  return { body, update };
}

/**
 * Where a frame's first timestamp is expected: one interval after the context's last op
 * (0 without context), so a steady update stream with context stores only jitter.
 */
function predictedStart(context: ContextState): number {
  return context.lastTimestamp + context.lastInterval;
}

/**
 * The interval a new context remembers: the frame's last timestamp delta, or for a one-op frame
 * on a context the time since that context's last op; a frame without ops keeps the old one.
 * `deltas` holds at least the last delta of the frame when it has two ops or more.
 */
function nextInterval(context: ContextState, n: number, first: number, deltas: readonly number[]): number {
  if (n >= 2) return deltas[deltas.length - 1] as number;
  if (n === 1) return context.version !== 0 ? first - context.lastTimestamp : 0;
  return context.lastInterval;
}

/** Frame-local progress key of two table ids: a small integer (fast Map key) in the usual case. */
function idKey(userRef: number, contentRef: number): number {
  return userRef < 0x8000 && contentRef < 0x10000
    ? userRef * 0x10000 + contentRef
    : -(userRef * 2 ** 26 + contentRef) - 1;
}

interface MutableProgress {
  readonly userId: string;
  readonly contentId: string;
  positionMs: number;
  durationMs: number | null;
  playing: boolean;
  timestamp: number;
}

interface SlotProgress extends MutableProgress {
  readonly userRef: number;
}

/** Read-only runs of a column default (0, 1, 3), shared by every decode and grown on demand. */
const fills = new Map<number, Uint8Array>();

function defaultFill(value: number, n: number): Uint8Array {
  let fill = fills.get(value);
  if (fill === undefined || fill.length < n) {
    fill = new Uint8Array(Math.max(n, 1024)).fill(value);
    fills.set(value, fill);
  }
  return fill;
}

/** Reads one unsigned varint entry of a column; running out of entries is MALFORMED_BODY. */
function nextUnsigned(column: Reader): number {
  const pos = column.pos;
  if (pos < column.end) {
    const b = column.buf[pos] as number;
    if (b < 0x80) {
      column.pos = pos + 1;
      return b;
    }
    return readVarUint(column);
  }
  throw malformed(column, 'column has fewer entries than ops');
}

/** Reads one zigzag varint entry of a column. */
function nextZigzag(column: Reader): number {
  const pos = column.pos;
  if (pos < column.end) {
    const b = column.buf[pos] as number;
    if (b < 0x80) {
      column.pos = pos + 1;
      return b & 1 ? -((b + 1) >> 1) : b >> 1;
    }
    return readVarInt(column);
  }
  throw malformed(column, 'column has fewer entries than ops');
}

function keyedByIds(entries: Iterable<MutableProgress>): Map<string, ProgressEntry> {
  const out = new Map<string, ProgressEntry>();
  for (const e of entries) {
    out.set(progressKey(e.userId, e.contentId), {
      positionMs: e.positionMs,
      durationMs: e.durationMs,
      playing: e.playing,
      timestamp: e.timestamp,
    });
  }
  return out;
}

/**
 * A typical value of a column (the lower median of up to 64 evenly spaced samples), stored
 * once and subtracted from every entry: progress every ~10 s leaves one-byte jitter instead of
 * two- and three-byte varints. Short columns get no bias.
 */
function columnBias(values: readonly number[]): number {
  const n = values.length;
  if (n < 4) return 0;
  // Subtracting stays exact only while every value is within ±2^52.
  for (const v of values) if (v > 2 ** 52 || v < -(2 ** 52)) return 0;
  const m = Math.min(n, 64);
  const samples: number[] = new Array(m);
  for (let k = 0; k < m; k++) samples[k] = values[Math.floor((k * n) / m)] as number;
  samples.sort((a, b) => a - b);
  const median = samples[(m - 1) >> 1] as number;
  return median > 2 ** 31 || median < -(2 ** 31) ? 0 : median;
}

function writeBiased(out: Writer, field: number, values: readonly number[], bias: number, w: Writer): void {
  if (values.length === 0) return;
  w.pos = 0;
  for (const v of values) writeVarInt(w, v - bias);
  writePacked(out, field, w);
}

function writeCommand(cols: BatchColumns, table: StringTable, op: DeviceCommandOperation, i: number): void {
  cols.commandIdRefs.push(table.ref(op.commandId));
  cols.sourceDeviceRefs.push(table.ref(op.sourceDeviceId));
  cols.targetDeviceRefs.push(table.ref(op.targetDeviceId));
  cols.commandTypeRefs.push(table.ref(op.commandType));
  const w = createWriter(32);
  try {
    writePayload(w, op.payload);
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw invalid(`op ${i} has a payload that is not JSON`);
  }
  cols.payloads.push(toBytes(w));
  if (op.expiresAt === undefined) writeVarUint(cols.expiryOffsets, 0);
  else {
    const offset = op.expiresAt - op.timestamp;
    if (!Number.isInteger(op.expiresAt) || offset < 0 || op.expiresAt > MAX_TIMESTAMP)
      throw invalid(`op ${i} has expiresAt ${op.expiresAt}`);
    writeVarUint(cols.expiryOffsets, offset + 1);
  }
}

function writeTag(w: Writer, field: number, wireType: number): void {
  writeVarUint(w, (field << 3) | wireType);
}

function writeLengthDelimited(w: Writer, field: number, bytes: Uint8Array, start = 0, end = bytes.length): void {
  writeTag(w, field, 2);
  const length = end - start;
  writeVarUint(w, length);
  if (length > 64) {
    writeBytes(w, start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
    return;
  }
  // Short runs copy faster by hand than through a subarray view.
  ensure(w, length);
  const buf = w.buf;
  let pos = w.pos;
  for (let i = start; i < end; i++) buf[pos++] = bytes[i] as number;
  w.pos = pos;
}

/**
 * Writes a packed column, or nothing when every entry is `absentValue` (a one-byte varint):
 * the decoder reads an absent column as that value repeated. This is what keeps a one-op frame
 * (and most frames with session context) down to a few columns.
 */
function writePacked(out: Writer, field: number, column: Writer, absentValue = 0): void {
  if (column.pos === 0) return;
  const buf = column.buf;
  let i = 0;
  while (i < column.pos && buf[i] === absentValue) i++;
  if (i === column.pos) return;
  writeLengthDelimited(out, field, buf, 0, column.pos);
}

/**
 * User and content refs are stored as the change from the previous ref of the column (the
 * context's last one before the first op, 0 without context): a frame about one title, or a
 * context frame continuing the last one, leaves both columns out.
 */
function writeDeltaRefs(
  out: Writer,
  field: number,
  refs: readonly number[],
  table: StringTable,
  w: Writer,
  initial: number,
): void {
  if (refs.length === 0) return;
  w.pos = 0;
  let previous = initial;
  for (const ref of refs) {
    const current = table.finalRef(ref);
    writeVarInt(w, current - previous);
    previous = current;
  }
  writePacked(out, field, w);
}

function writeRefs(
  out: Writer,
  field: number,
  refs: readonly number[],
  table: StringTable,
  w: Writer,
  absentValue = 0,
): void {
  if (refs.length === 0) return;
  w.pos = 0;
  for (const ref of refs) writeVarUint(w, table.finalRef(ref));
  writePacked(out, field, w, absentValue);
}

function writeBody(
  context: ContextState,
  cols: BatchColumns,
  table: StringTable,
  n: number,
  contiguous: boolean,
  baseTimestampDelta: number,
  shape: { anyPhysicalOffset: boolean; anyLogical: boolean; anyForeignNode: boolean },
): Uint8Array {
  const out = cols.out;
  const w = cols.staging;
  for (const text of table.texts) {
    writeTag(out, F.strings, 2);
    writeUtf8(out, text);
  }
  if (table.uuids.length > 0) {
    const bytes = new Uint8Array(table.uuids.length * 16);
    for (let k = 0; k < table.uuids.length; k++) writeUuidBytes(table.uuids[k] as string, bytes, k * 16);
    writeLengthDelimited(out, F.uuids, bytes);
  }
  writePacked(out, F.types, cols.types, TYPE_CODE.progressUpdate);
  if (!contiguous) writePacked(out, F.seqDeltas, cols.seqDeltas);
  if (n > 0 && baseTimestampDelta !== 0) {
    writeTag(out, F.baseTimestamp, 0);
    writeVarInt(out, baseTimestampDelta);
  }
  const timestampBias = columnBias(cols.timestampDeltas);
  if (timestampBias !== 0) {
    writeTag(out, F.timestampDeltaBias, 0);
    writeVarInt(out, timestampBias);
  }
  writeBiased(out, F.timestampDeltas, cols.timestampDeltas, timestampBias, w);
  if (shape.anyPhysicalOffset) writePacked(out, F.hlcPhysicalOffsets, cols.hlcPhysicalOffsets);
  if (shape.anyLogical) writePacked(out, F.hlcLogicals, cols.hlcLogicals);
  // Absent node refs mean "all the frame's device", so this column is never left out for zeros.
  if (shape.anyForeignNode) writeRefs(out, F.hlcNodeRefs, cols.hlcNodeRefs, table, w, -1);
  writeDeltaRefs(out, F.userRefs, cols.userRefs, table, w, context.lastUserRef);
  writeDeltaRefs(out, F.contentRefs, cols.contentRefs, table, w, context.lastContentRef);
  const residualBias = columnBias(cols.positionResiduals);
  if (residualBias !== 0) {
    writeTag(out, F.positionResidualBias, 0);
    writeVarInt(out, residualBias);
  }
  writeBiased(out, F.positionResiduals, cols.positionResiduals, residualBias, w);
  writePacked(out, F.durations, cols.durations);
  writePacked(out, F.states, cols.states, STATE_CODE.playing);
  writeRefs(out, F.commandIdRefs, cols.commandIdRefs, table, w);
  writeRefs(out, F.sourceDeviceRefs, cols.sourceDeviceRefs, table, w);
  writeRefs(out, F.targetDeviceRefs, cols.targetDeviceRefs, table, w);
  writeRefs(out, F.commandTypeRefs, cols.commandTypeRefs, table, w);
  for (const payload of cols.payloads) writeLengthDelimited(out, F.payloads, payload);
  writePacked(out, F.expiryOffsets, cols.expiryOffsets);
  // A view of the scratch buffer: valid until the next encodeBatch (the caller copies it out).
  return out.buf.subarray(0, out.pos);
}

/** The frame-level facts a body is decoded against. */
export interface BatchFrame {
  readonly deviceId: string;
  readonly opCount: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

export interface DecodedBatch {
  readonly ops: SequencedOperation[];
  readonly update: ContextUpdate | null;
}

function malformed(r: Reader | number, detail: string): CodecError {
  return new CodecError('MALFORMED_BODY', typeof r === 'number' ? r : offsetOf(r), detail);
}

/**
 * Decodes a Batch body. `base` is the body's offset in the frame, for error offsets (for a
 * compressed body, offsets are within the decompressed body, counted from `base`).
 */
export function decodeBatch(
  body: Uint8Array,
  frame: BatchFrame,
  context: ContextState,
  limits: DecodeLimits,
  collectUpdate: boolean,
  base = 0,
): DecodedBatch {
  const columns: (Reader | undefined)[] = new Array(FIELD_COUNT);
  const scalars: number[] = new Array(FIELD_COUNT).fill(0);
  const textRanges: number[] = [];
  const payloadRanges: number[] = [];
  const r = createReader(body, 0, body.length, base);
  let seen = 0;
  while (r.pos < r.end) {
    const tagAt = offsetOf(r);
    const tag = readVarUint(r);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 0) throw malformed(tagAt, 'field number 0');
    const known = field < FIELD_COUNT;
    if (known && field !== F.strings && field !== F.payloads) {
      if (seen & (1 << field)) throw malformed(tagAt, `field ${field} appears twice`);
      seen |= 1 << field;
    }
    if (SCALAR_FIELDS.has(field)) {
      if (wireType !== 0) throw malformed(tagAt, `field ${field} has wire type ${wireType}, expected 0`);
      scalars[field] = readVarInt(r);
      continue;
    }
    if (wireType !== 2) {
      if (known) throw malformed(tagAt, `field ${field} has wire type ${wireType}, expected 2 (packed)`);
      skipUnknownField(r, wireType, tagAt, 'MALFORMED_BODY');
      continue;
    }
    const lengthAt = offsetOf(r);
    const length = readVarUint(r);
    if (length > r.end - r.pos)
      throw new CodecError('TRUNCATED', lengthAt, `field ${field} of ${length} bytes runs past the end`);
    const start = r.pos;
    r.pos += length;
    if (field === F.strings) textRanges.push(start, r.pos);
    else if (field === F.payloads) payloadRanges.push(start, r.pos);
    else if (known) columns[field] = createReader(body, start, r.pos, base);
  }

  // The table: context entries, then this frame's text entries, then its UUIDs.
  const table: string[] = context.strings.slice();
  const contextSize = table.length;
  for (let k = 0; k < textRanges.length; k += 2) {
    const start = textRanges[k] as number;
    const end = textRanges[k + 1] as number;
    if (end === start) throw malformed(base + start, 'empty string in the table');
    if (end - start > limits.maxStringBytes) {
      throw new CodecError(
        'LIMIT_EXCEEDED',
        base + start,
        `string of ${end - start} bytes exceeds ${limits.maxStringBytes}`,
      );
    }
    table.push(decodeUtf8(body, start, end, base + start));
  }
  const uuidColumn = columns[F.uuids];
  if (uuidColumn !== undefined) {
    const bytes = uuidColumn.end - uuidColumn.pos;
    if (bytes % 16 !== 0) throw malformed(uuidColumn, `uuids field of ${bytes} bytes is not a multiple of 16`);
    for (let at = uuidColumn.pos; at < uuidColumn.end; at += 16) table.push(readUuid(body, at));
    uuidColumn.pos = uuidColumn.end;
  }
  const tableSize = table.length;

  const n = frame.opCount;
  // An absent column reads as its default repeated (see writePacked); n entries always suffice.
  const col = (field: number, absentValue = 0): Reader =>
    columns[field] ?? createReader(defaultFill(absentValue, n), 0, n, base);
  const types = col(F.types, TYPE_CODE.progressUpdate);
  const seqDeltas = columns[F.seqDeltas];
  const timestampDeltas = col(F.timestampDeltas);
  const physicalOffsets = columns[F.hlcPhysicalOffsets];
  const logicals = columns[F.hlcLogicals];
  const nodeRefs = columns[F.hlcNodeRefs];
  const userRefs = col(F.userRefs);
  const contentRefs = col(F.contentRefs);
  const residuals = col(F.positionResiduals);
  const durations = col(F.durations);
  const states = col(F.states, STATE_CODE.playing);
  const commandIdRefs = col(F.commandIdRefs);
  const sourceRefs = col(F.sourceDeviceRefs);
  const targetRefs = col(F.targetDeviceRefs);
  const commandTypeRefs = col(F.commandTypeRefs);
  const expiryOffsets = col(F.expiryOffsets);
  const timestampBias = scalars[F.timestampDeltaBias] as number;
  const residualBias = scalars[F.positionResidualBias] as number;

  const ref = (column: Reader): number => {
    const at = column.pos;
    const index = nextUnsigned(column);
    if (index >= tableSize) throw malformed(column.base + at, `string ref ${index} beyond the table of ${tableSize}`);
    return index;
  };
  const deltaRef = (column: Reader, previous: number): number => {
    const at = column.pos;
    const index = previous + nextZigzag(column);
    if (index < 0 || index >= tableSize) {
      throw malformed(column.base + at, `string ref ${index} outside the table of ${tableSize}`);
    }
    return index;
  };
  let lastUserRef = context.lastUserRef;
  let lastContentRef = context.lastContentRef;
  const next = nextUnsigned;
  const nextSigned = nextZigzag;

  const deviceId = frame.deviceId;
  const ops: SequencedOperation[] = new Array(n);
  const bySlot: (SlotProgress | undefined)[] = [];
  const progress = new Map<number, SlotProgress>();
  let seq = frame.firstSeq;
  let timestamp = predictedStart(context) + (scalars[F.baseTimestamp] as number);
  const firstTimestamp = timestamp;
  const deltas: number[] = [];
  let payloadIndex = 0;
  for (let i = 0; i < n; i++) {
    if (seqDeltas !== undefined) {
      const gapAt = offsetOf(seqDeltas);
      const gap = next(seqDeltas);
      if (i === 0 ? gap !== 0 : seq + gap + 1 > Number.MAX_SAFE_INTEGER)
        throw malformed(gapAt, `seq gap ${gap} is invalid`);
      if (i > 0) seq += gap + 1;
    } else if (i > 0) seq += 1;
    if (i > 0) {
      const delta = nextSigned(timestampDeltas) + timestampBias;
      if (i === n - 1) deltas.push(delta);
      timestamp += delta;
    }
    if (timestamp < 0 || timestamp > MAX_TIMESTAMP)
      throw malformed(timestampDeltas, `timestamp ${timestamp} out of range`);
    const physicalMs = physicalOffsets === undefined ? timestamp : timestamp + nextSigned(physicalOffsets);
    if (physicalMs < 0 || physicalMs > MAX_TIMESTAMP)
      throw malformed(physicalOffsets ?? types, `hlc.physicalMs ${physicalMs} out of range`);
    const logical = logicals === undefined ? 0 : next(logicals);
    if (logical > MAX_LOGICAL) throw malformed(logicals ?? types, `hlc.logical ${logical} out of range`);
    const nodeId = nodeRefs === undefined ? deviceId : (table[ref(nodeRefs)] as string);
    const typeAt = offsetOf(types);
    const code = next(types);
    let op: SyncOperation;
    if (code === 3) {
      lastUserRef = deltaRef(userRefs, lastUserRef);
      lastContentRef = deltaRef(contentRefs, lastContentRef);
      const userRef = lastUserRef;
      const contentRef = lastContentRef;
      const userId = table[userRef] as string;
      const contentId = table[contentRef] as string;
      // Progress of this frame by content ref (one user per content is the common case).
      let mine = bySlot[contentRef];
      if (mine !== undefined && mine.userRef !== userRef) mine = progress.get(idKey(userRef, contentRef));
      const prev: ProgressEntry | undefined =
        mine ?? (context.progress.size === 0 ? undefined : context.progress.get(progressKey(userId, contentId)));
      const positionAt = residuals.pos;
      const positionMs = predictPosition(prev, timestamp) + nextZigzag(residuals) + residualBias;
      if (positionMs < 0 || !Number.isSafeInteger(positionMs))
        throw malformed(residuals.base + positionAt, `positionMs ${positionMs} out of range`);
      const durationAt = durations.pos;
      let d: number | bigint = durationAt < durations.end ? (durations.buf[durationAt] as number) : 0x80;
      if (d < 0x80) durations.pos = durationAt + 1;
      else {
        if (durationAt >= durations.end) throw malformed(durations, 'column has fewer entries than ops');
        d = readVarUintWide(durations);
      }
      let durationMs: number | null;
      if (d === 0) durationMs = prev === undefined ? null : prev.durationMs;
      else if (d === 1) durationMs = null;
      else {
        const value = typeof d === 'bigint' ? d - 2n : d - 2;
        if (typeof value === 'bigint' && value > BigInt(Number.MAX_SAFE_INTEGER))
          throw malformed(durations.base + durationAt, `durationMs ${value} out of range`);
        durationMs = Number(value);
      }
      const stateAt = states.pos;
      const stateCode = nextUnsigned(states);
      const state = STATES[stateCode];
      if (state === undefined) throw malformed(states.base + stateAt, `unknown playback state ${stateCode}`);
      const playing = stateCode === 1;
      if (mine === undefined) {
        const entry = { userRef, userId, contentId, positionMs, durationMs, playing, timestamp };
        if (bySlot[contentRef] === undefined) bySlot[contentRef] = entry;
        else progress.set(idKey(userRef, contentRef), entry);
      } else {
        mine.positionMs = positionMs;
        mine.durationMs = durationMs;
        mine.playing = playing;
        mine.timestamp = timestamp;
      }
      op =
        durationMs === null
          ? { type: 'progressUpdate', userId, contentId, positionMs, state, timestamp }
          : { type: 'progressUpdate', userId, contentId, positionMs, durationMs, state, timestamp };
    } else if (code === 1 || code === 2) {
      lastUserRef = deltaRef(userRefs, lastUserRef);
      lastContentRef = deltaRef(contentRefs, lastContentRef);
      const userId = table[lastUserRef] as string;
      const contentId = table[lastContentRef] as string;
      op = { type: code === 1 ? 'watchlistAdd' : 'watchlistRemove', userId, contentId, timestamp };
    } else if (code === 4) {
      const commandId = table[ref(commandIdRefs)] as string;
      const sourceDeviceId = table[ref(sourceRefs)] as string;
      const targetDeviceId = table[ref(targetRefs)] as string;
      const commandType = table[ref(commandTypeRefs)] as string;
      const start = payloadRanges[payloadIndex * 2];
      const end = payloadRanges[payloadIndex * 2 + 1];
      if (start === undefined || end === undefined) throw malformed(typeAt, 'fewer payloads than device commands');
      payloadIndex++;
      // The binary form can outgrow the JSON (a float is 9 bytes, "0.5," is 4), never by 3×.
      if (end - start > limits.maxPayloadBytes * 3) {
        throw new CodecError(
          'LIMIT_EXCEEDED',
          base + start,
          `payload of ${end - start} bytes exceeds 3 × ${limits.maxPayloadBytes}`,
        );
      }
      const payloadReader = createReader(body, start, end, base);
      const payload: JsonValue = readPayload(payloadReader);
      if (payloadReader.pos !== end) throw malformed(payloadReader, 'payload has trailing bytes');
      const expiryAt = offsetOf(expiryOffsets);
      const expiry = next(expiryOffsets);
      if (expiry === 0)
        op = { type: 'deviceCommand', commandId, sourceDeviceId, targetDeviceId, commandType, payload, timestamp };
      else {
        const expiresAt = timestamp + expiry - 1;
        if (expiresAt > MAX_TIMESTAMP) throw malformed(expiryAt, `expiresAt ${expiresAt} out of range`);
        op = {
          type: 'deviceCommand',
          commandId,
          sourceDeviceId,
          targetDeviceId,
          commandType,
          payload,
          timestamp,
          expiresAt,
        };
      }
    } else {
      throw malformed(typeAt, `unknown operation type ${code}`);
    }
    ops[i] = { deviceId, seq, hlc: { physicalMs, logical, nodeId }, op };
  }
  if (n > 0 && seq !== frame.lastSeq)
    throw malformed(base, `last seq ${seq} differs from the frame's last_seq ${frame.lastSeq}`);
  for (let field = 2; field < FIELD_COUNT; field++) {
    const column = columns[field];
    if (column !== undefined && column.pos !== column.end)
      throw malformed(column, `field ${field} has more entries than ops`);
  }
  if (payloadIndex * 2 !== payloadRanges.length)
    throw malformed(base + (payloadRanges[payloadIndex * 2] ?? 0), 'more payloads than device commands');
  const update = collectUpdate
    ? {
        added: table.slice(contextSize),
        progress: keyedByIds([...bySlot.filter((e) => e !== undefined), ...progress.values()]),
        lastTimestamp: n > 0 ? timestamp : context.lastTimestamp,
        lastInterval: nextInterval(context, n, firstTimestamp, deltas),
        lastUserRef,
        lastContentRef,
      }
    : null;
  return { ops, update };
}

/** The context both ends hold after a frame with `update` was decoded on top of `base`. */
export function applyUpdate(base: ContextState, update: ContextUpdate, version: number): ContextState {
  let strings: string[];
  let progress: Map<string, ProgressEntry>;
  if (
    base.strings.length + update.added.length > MAX_CONTEXT_STRINGS ||
    base.progress.size + update.progress.size > MAX_CONTEXT_PROGRESS
  ) {
    // Past the bounds, the context restarts empty: the next frame is self-contained in effect.
    return {
      version,
      strings: [],
      index: new Map(),
      progress: new Map(),
      lastTimestamp: update.lastTimestamp,
      lastInterval: update.lastInterval,
      lastUserRef: 0,
      lastContentRef: 0,
    };
  }
  strings = base.strings.concat(update.added);
  progress = new Map(base.progress);
  for (const [key, entry] of update.progress) progress.set(key, entry);
  const index = new Map(base.index);
  for (let k = base.strings.length; k < strings.length; k++) index.set(strings[k] as string, k);
  return {
    version,
    strings,
    index,
    progress,
    lastTimestamp: update.lastTimestamp,
    lastInterval: update.lastInterval,
    lastUserRef: update.lastUserRef,
    lastContentRef: update.lastContentRef,
  };
}
