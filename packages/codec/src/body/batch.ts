import type { SequencedOperation, SyncOperation } from '@media-sync/protocol';
import {
  BiasedColumnReader,
  type BiasedReader,
  BitPackedColumnReader,
  type ColumnBytes,
  type ColumnReader,
  DeltaColumnReader,
  defaultFill,
  IntColumnReader,
  IntColumnWriter,
  RunLengthColumnReader,
  RunLengthColumnWriter,
  SignedColumnWriter,
  UintColumnReader,
  UintColumnWriter,
} from '../columns.js';
import { type ContextState, MAX_CONTEXT_PROGRESS, MAX_CONTEXT_STRINGS, type ProgressEntry } from '../context.js';
import { CodecError } from '../errors.js';
import type { DecodeLimits } from '../types.js';
import { writeUtf8 } from '../utf8.js';
import {
  createReader,
  createWriter,
  ensure,
  offsetOf,
  readVarInt,
  readVarUint,
  readVarUintWide,
  skipUnknownField,
  type Writer,
  writeVarInt,
  writeVarUint,
} from '../varint.js';
import { BatchField, OperationTypeCode, WireType } from '../wire.js';
import { CommandColumnsReader, CommandColumnsWriter, refColumn } from './commands.js';
import { OwnedRefsWriter } from './owned.js';
import { finishProgress, ProgressColumnsReader, ProgressColumnsWriter } from './progress.js';
import { readStringTable, StringTableWriter } from './strings.js';

/**
 * The Batch body: which column goes in which field, in writing order. Adding a column is one
 * line here plus a writer/reader pair. `packed` columns are length-delimited runs of varints
 * (left out when all default; a column of one varint goes unpacked, as a plain varint field,
 * which protobuf readers accept for packed fields), `bytes` ones length-delimited bytes,
 * `scalar` ones a single zigzag varint (left out when 0), `repeated` ones one length-delimited
 * entry per item.
 */
const LAYOUT = [
  ['strings', BatchField.strings, 'texts'],
  ['uuids', BatchField.uuids, 'bytes'],
  ['types', BatchField.types, 'packed'],
  ['seqGaps', BatchField.seqGaps, 'packed'],
  ['baseTimestamp', BatchField.baseTimestamp, 'scalar'],
  ['timestampDeltaBias', BatchField.timestampDeltaBias, 'scalar'],
  ['timestampDeltas', BatchField.timestampDeltas, 'packed'],
  ['timestampDeltaBits', BatchField.timestampDeltaBits, 'bytes'],
  ['hlcPhysicalOffsets', BatchField.hlcPhysicalOffsets, 'packed'],
  ['hlcLogicals', BatchField.hlcLogicals, 'packed'],
  ['hlcNodeRefs', BatchField.hlcNodeRefs, 'packed'],
  ['userRefs', BatchField.userRefs, 'packed'],
  ['contentRefs', BatchField.contentRefs, 'packed'],
  ['positionPrediction', BatchField.positionPrediction, 'scalar'],
  ['positionResidualBias', BatchField.positionResidualBias, 'scalar'],
  ['positionResiduals', BatchField.positionResiduals, 'packed'],
  ['positionResidualBits', BatchField.positionResidualBits, 'bytes'],
  ['durations', BatchField.durations, 'packed'],
  ['states', BatchField.states, 'packed'],
  ['commandIdRefs', BatchField.commandIdRefs, 'packed'],
  ['sourceDeviceRefs', BatchField.sourceDeviceRefs, 'packed'],
  ['targetDeviceRefs', BatchField.targetDeviceRefs, 'packed'],
  ['commandTypeRefs', BatchField.commandTypeRefs, 'packed'],
  ['payloads', BatchField.payloads, 'repeated'],
  ['expiryOffsets', BatchField.expiryOffsets, 'packed'],
] as const;

type Layout = typeof LAYOUT;
type ColumnName = Layout[number][0];
type KindOf<N extends ColumnName> = Extract<Layout[number], readonly [N, number, string]>[2];
type BodyParts = {
  [N in ColumnName]: KindOf<N> extends 'scalar'
    ? number
    : KindOf<N> extends 'repeated'
      ? readonly Uint8Array[]
      : KindOf<N> extends 'texts'
        ? readonly string[]
        : ColumnBytes;
};

const KIND_BY_FIELD: ('packed' | 'bytes' | 'scalar' | 'repeated' | 'texts' | undefined)[] = [];
for (const [, field, kind] of LAYOUT) KIND_BY_FIELD[field] = kind;
const FIELD_LIMIT = KIND_BY_FIELD.length;

const MAX_TIMESTAMP = 2 ** 48 - 1;
const MAX_LOGICAL = 0xffff;
const TYPE_NAMES: readonly (SyncOperation['type'] | undefined)[] = [
  undefined,
  'watchlistAdd',
  'watchlistRemove',
  'progressUpdate',
  'deviceCommand',
];

/** What a frame adds to the session context; materialized only for session encoders/decoders. */
export interface ContextUpdate {
  /** Strings the frame added to the table, in table order. */
  readonly added: readonly string[];
  readonly progress: ReadonlyMap<string, ProgressEntry>;
  readonly lastTimestamp: number;
  readonly lastInterval: number;
  readonly lastUserRef: number;
  readonly lastContentRef: number;
  readonly lastSeq: number;
}

export interface EncodedBatch {
  /** A view of scratch memory, valid until the next encodeBatch call: copy it to keep it. */
  readonly body: Uint8Array;
  readonly update: ContextUpdate | null;
}

function invalid(detail: string): CodecError {
  return new CodecError('INVALID_INPUT', 0, detail);
}

/** The per-op columns (every op has an entry): types, seq gaps, timestamps, HLC. */
class OpColumnsWriter {
  readonly types = new RunLengthColumnWriter(OperationTypeCode.progressUpdate);
  readonly seqGaps = new UintColumnWriter();
  readonly timestampDeltas = new SignedColumnWriter();
  readonly hlcPhysicalOffsets = new IntColumnWriter();
  readonly hlcLogicals = new UintColumnWriter();
  /** Provisional table ids of node ids; -1 = the frame's device. */
  readonly hlcNodeRefs: number[] = [];
  anyForeignNode = false;

  reset(): void {
    this.types.reset();
    this.seqGaps.reset();
    this.timestampDeltas.reset();
    this.hlcPhysicalOffsets.reset();
    this.hlcLogicals.reset();
    this.hlcNodeRefs.length = 0;
    this.anyForeignNode = false;
  }
}

const NO_ID: unknown = Symbol('no id');

/** Scratch writers shared by every encode: encoding is synchronous and never re-entered. */
const scratch = {
  ops: new OpColumnsWriter(),
  owned: new OwnedRefsWriter(),
  progress: new ProgressColumnsWriter(),
  commands: new CommandColumnsWriter(),
  out: createWriter(1024),
};

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
  const { ops: cols, owned, progress, commands } = scratch;
  cols.reset();
  owned.reset();
  progress.reset(context);
  commands.reset();
  const table = new StringTableWriter(context);
  const ref = (s: string) => table.ref(s);
  const firstSeq = n > 0 ? (ops[0] as SequencedOperation).seq : 0;
  let prevSeq = firstSeq - 1;
  let prevTimestamp = 0;
  let baseTimestamp = 0;
  let lastDelta = 0;
  // Never equal to any op's id (not even a missing one, which the table refuses).
  let lastUserId: unknown = NO_ID;
  let lastUserRef = 0;
  let lastContentId: unknown = NO_ID;
  let lastContentRef = 0;

  for (let i = 0; i < n; i++) {
    const entry = ops[i] as SequencedOperation;
    const op = entry.op as SyncOperation;
    if (entry.deviceId !== deviceId)
      throw invalid(`op ${i} belongs to device ${JSON.stringify(entry.deviceId)}, not ${JSON.stringify(deviceId)}`);
    const seq = entry.seq;
    if (!Number.isSafeInteger(seq) || seq <= prevSeq || seq < 1)
      throw invalid(`op ${i} has seq ${seq}: seqs must be integers ≥ 1 in increasing order`);
    cols.seqGaps.write(seq - prevSeq - 1);
    prevSeq = seq;

    const timestamp = op.timestamp;
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP)
      throw invalid(`op ${i} has timestamp ${timestamp}`);
    if (i === 0) baseTimestamp = timestamp;
    else {
      lastDelta = timestamp - prevTimestamp;
      cols.timestampDeltas.write(lastDelta);
    }
    prevTimestamp = timestamp;

    const hlc = entry.hlc;
    const physical = hlc.physicalMs;
    const logical = hlc.logical;
    if (!Number.isInteger(physical) || physical < 0 || physical > MAX_TIMESTAMP)
      throw invalid(`op ${i} has hlc.physicalMs ${physical}`);
    if (!Number.isInteger(logical) || logical < 0 || logical > MAX_LOGICAL)
      throw invalid(`op ${i} has hlc.logical ${logical}`);
    cols.hlcPhysicalOffsets.write(physical - timestamp);
    cols.hlcLogicals.write(logical);
    // The device's own id enters the table only if some other node id forces the column;
    // until one does, nothing is recorded (the column is then every op's device).
    if (hlc.nodeId === deviceId) {
      if (cols.anyForeignNode) cols.hlcNodeRefs.push(-1);
    } else {
      if (!cols.anyForeignNode) {
        cols.anyForeignNode = true;
        for (let k = 0; k < i; k++) cols.hlcNodeRefs.push(-1);
      }
      cols.hlcNodeRefs.push(table.ref(hlc.nodeId));
    }

    const type = op.type;
    // Compared, not looked up: a keyed load by an op's type string is slower than four compares.
    const code =
      type === 'progressUpdate'
        ? OperationTypeCode.progressUpdate
        : type === 'watchlistAdd'
          ? OperationTypeCode.watchlistAdd
          : type === 'watchlistRemove'
            ? OperationTypeCode.watchlistRemove
            : type === 'deviceCommand'
              ? OperationTypeCode.deviceCommand
              : undefined;
    if (code === undefined) throw invalid(`op ${i} has unknown type ${JSON.stringify(op.type)}`);
    cols.types.write(code);
    if (op.type === 'deviceCommand') {
      commands.write(op, ref, i);
      continue;
    }
    // Runs of ops share their user and content: compare with the last before hashing.
    const userId = op.userId;
    if (userId !== lastUserId) {
      lastUserId = userId;
      lastUserRef = table.ref(userId);
    }
    const contentId = op.contentId;
    if (contentId !== lastContentId) {
      lastContentId = contentId;
      lastContentRef = table.ref(contentId);
    }
    const userRef = lastUserRef;
    const contentRef = lastContentRef;
    owned.write(userRef, contentRef);
    if (op.type === 'progressUpdate') progress.write(op, userRef, contentRef, i);
  }

  let nodeRefs: ColumnBytes = null;
  if (cols.anyForeignNode) {
    const deviceRef = table.ref(deviceId);
    nodeRefs = refColumn(
      cols.hlcNodeRefs.map((id) => (id === -1 ? deviceRef : id)),
      (id) => table.finalRef(id),
      // Absent node refs mean "every node is the frame's device": never leave this column out.
      -1,
    );
  }
  const finalRef = (id: number) => table.finalRef(id);
  const refs = owned.finish(finalRef, context.lastUserRef, context.lastContentRef);
  const progressBytes = finishProgress(progress);
  cols.timestampDeltas.finish();
  const parts: BodyParts = {
    strings: table.texts,
    uuids: table.uuidBytes(),
    types: cols.types.bytes(),
    seqGaps: cols.seqGaps.bytes(),
    baseTimestamp: n > 0 ? baseTimestamp - predictedStart(context) : 0,
    timestampDeltaBias: cols.timestampDeltas.bias,
    timestampDeltas: cols.timestampDeltas.varintBytes(),
    timestampDeltaBits: cols.timestampDeltas.bitBytes(),
    hlcPhysicalOffsets: cols.hlcPhysicalOffsets.bytes(),
    hlcLogicals: cols.hlcLogicals.bytes(),
    hlcNodeRefs: nodeRefs,
    userRefs: refs.users,
    contentRefs: refs.contents,
    positionPrediction: progressBytes.prediction,
    positionResidualBias: progressBytes.residualBias,
    positionResiduals: progressBytes.residuals,
    positionResidualBits: progressBytes.residualBits,
    durations: progressBytes.durations,
    states: progressBytes.states,
    commandIdRefs: refColumn(commands.commandIds, finalRef),
    sourceDeviceRefs: refColumn(commands.sourceDevices, finalRef),
    targetDeviceRefs: refColumn(commands.targetDevices, finalRef),
    commandTypeRefs: refColumn(commands.commandTypes, finalRef),
    payloads: commands.payloads,
    expiryOffsets: commands.expiryOffsets.bytes(),
  };
  let body = writeBody(scratch.out, parts);
  if (n > 0 && body.length === 0) {
    // Every column can be its default on a session context (a perfectly predicted update):
    // an explicit zero base_timestamp keeps the body of a frame with ops non-empty, so a
    // receiver may treat ops without body bytes as a cut frame.
    writeVarUint(scratch.out, (BatchField.baseTimestamp << 3) | WireType.varint);
    writeVarUint(scratch.out, 0);
    body = scratch.out.buf.subarray(0, scratch.out.pos);
  }
  const update: ContextUpdate | null = collectUpdate
    ? {
        added: table.added(),
        progress: progress.updates(),
        lastTimestamp: n > 0 ? prevTimestamp : context.lastTimestamp,
        lastInterval: nextInterval(context, n, baseTimestamp, lastDelta),
        lastUserRef: refs.lastUser,
        lastContentRef: refs.lastContent,
        lastSeq: n > 0 ? prevSeq : context.lastSeq,
      }
    : null;
  return { body, update };
}

/** Writes the parts in LAYOUT order; returns a view of `out` (valid until the next encode). */
function writeBody(out: Writer, parts: BodyParts): Uint8Array {
  out.pos = 0;
  for (const [name, field, kind] of LAYOUT) {
    const value = parts[name];
    if (kind === 'scalar') {
      if (value !== 0) {
        writeVarUint(out, (field << 3) | WireType.varint);
        writeVarInt(out, value as number);
      }
    } else if (kind === 'texts') {
      for (const text of value as readonly string[]) {
        writeVarUint(out, (field << 3) | WireType.lengthDelimited);
        writeUtf8(out, text);
      }
    } else if (kind === 'repeated') {
      for (const entry of value as readonly Uint8Array[]) writeLengthDelimited(out, field, entry);
    } else if (value !== null) {
      const bytes = value as Uint8Array;
      if (kind === 'packed' && isOneVarint(bytes)) {
        writeVarUint(out, (field << 3) | WireType.varint);
        ensure(out, bytes.length);
        out.buf.set(bytes, out.pos);
        out.pos += bytes.length;
      } else writeLengthDelimited(out, field, bytes);
    }
  }
  return out.buf.subarray(0, out.pos);
}

/** Whether a packed column holds exactly one varint (every byte but the last continues it). */
function isOneVarint(bytes: Uint8Array): boolean {
  const last = bytes.length - 1;
  if (last < 0 || last > 9 || (bytes[last] as number) >= 0x80) return false;
  for (let i = 0; i < last; i++) if ((bytes[i] as number) < 0x80) return false;
  return true;
}

function writeLengthDelimited(w: Writer, field: number, bytes: Uint8Array): void {
  writeVarUint(w, (field << 3) | WireType.lengthDelimited);
  const length = bytes.length;
  writeVarUint(w, length);
  if (w.pos + length > w.buf.length) {
    const next = new Uint8Array(Math.max(w.buf.length * 2, w.pos + length + 64));
    next.set(w.buf.subarray(0, w.pos));
    w.buf = next;
  }
  if (length > 64) w.buf.set(bytes, w.pos);
  else {
    // Short runs copy faster by hand than through set().
    const buf = w.buf;
    const pos = w.pos;
    for (let i = 0; i < length; i++) buf[pos + i] = bytes[i] as number;
  }
  w.pos += length;
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
 */
function nextInterval(context: ContextState, n: number, first: number, lastDelta: number): number {
  if (n >= 2) return lastDelta;
  if (n === 1) return context.version !== 0 ? first - context.lastTimestamp : 0;
  return context.lastInterval;
}

/** The frame-level facts a body is decoded against. */
export interface BatchFrame {
  readonly deviceId: string;
  /** A user-bound frame's user (table entry 0 of `context`): every op that names a user names it. */
  readonly userId?: string;
  readonly opCount: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

export interface DecodedBatch {
  readonly ops: SequencedOperation[];
  readonly update: ContextUpdate | null;
}

function malformed(at: number, detail: string): CodecError {
  return new CodecError('MALFORMED_BODY', at, detail);
}

/** Where each field's bytes are in a body: one scan, checking wire types and repeats. */
interface BodyFields {
  /** start/end per packed field. */
  readonly ranges: (number | undefined)[];
  readonly scalars: number[];
  readonly strings: number[];
  readonly payloads: number[];
}

function scanBody(body: Uint8Array, base: number): BodyFields {
  const ranges: (number | undefined)[] = new Array(FIELD_LIMIT * 2);
  const scalars: number[] = new Array(FIELD_LIMIT).fill(0);
  const strings: number[] = [];
  const payloads: number[] = [];
  const r = createReader(body, 0, body.length, base);
  const seen: boolean[] = [];
  while (r.pos < r.end) {
    const tagAt = offsetOf(r);
    const tag = readVarUint(r);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 0) throw malformed(tagAt, 'field number 0');
    const kind = field < FIELD_LIMIT ? KIND_BY_FIELD[field] : undefined;
    if (kind === undefined) {
      skipUnknownField(r, wireType, tagAt, 'MALFORMED_BODY');
      continue;
    }
    if (kind === 'packed' || kind === 'bytes' || kind === 'scalar') {
      if (seen[field]) throw malformed(tagAt, `field ${field} appears twice`);
      seen[field] = true;
    }
    if (kind === 'packed' && wireType === WireType.varint) {
      // A one-entry column sent unpacked: its varint is the column.
      const start = r.pos;
      readVarUintWide(r);
      ranges[field * 2] = start;
      ranges[field * 2 + 1] = r.pos;
      continue;
    }
    if (kind === 'scalar') {
      if (wireType !== WireType.varint) throw malformed(tagAt, `field ${field} has wire type ${wireType}, expected 0`);
      scalars[field] = readVarInt(r);
      continue;
    }
    if (wireType !== WireType.lengthDelimited)
      throw malformed(tagAt, `field ${field} has wire type ${wireType}, expected 2 (length-delimited)`);
    const lengthAt = offsetOf(r);
    const length = readVarUint(r);
    if (length > r.end - r.pos)
      throw new CodecError('TRUNCATED', lengthAt, `field ${field} of ${length} bytes runs past the end`);
    const start = r.pos;
    r.pos += length;
    if (field === BatchField.strings) strings.push(start, r.pos);
    else if (field === BatchField.payloads) payloads.push(start, r.pos);
    else {
      ranges[field * 2] = start;
      ranges[field * 2 + 1] = r.pos;
    }
  }
  return { ranges, scalars, strings, payloads };
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
  const fields = scanBody(body, base);
  const { ranges, scalars } = fields;
  const uuidStart = ranges[BatchField.uuids * 2];
  const table = readStringTable(
    body,
    base,
    context,
    fields.strings,
    uuidStart === undefined ? undefined : { start: uuidStart, end: ranges[BatchField.uuids * 2 + 1] as number },
    limits,
  );
  const tableSize = table.length;
  const n = frame.opCount;
  const present: [string, ColumnReader][] = [];
  /** A reader over a present column (listed for the final length check), else over its default. */
  const optional = <R extends ColumnReader>(
    name: string,
    field: number,
    make: (start: number, end: number) => R,
  ): R | undefined => {
    const start = ranges[field * 2];
    if (start === undefined) return undefined;
    const reader = make(start, ranges[field * 2 + 1] as number);
    present.push([name, reader]);
    return reader;
  };
  const column = <R extends ColumnReader>(
    name: string,
    field: number,
    make: (start: number, end: number) => R,
    absent: () => R,
  ): R => optional(name, field, make) ?? absent();
  const uint = (name: string, field: number, absentValue = 0) =>
    column(
      name,
      field,
      (s, e) => new UintColumnReader(body, s, e, base),
      () => UintColumnReader.absent(absentValue, n, base),
    );
  const runs = (name: string, field: number, absentValue: number) =>
    column(
      name,
      field,
      (s, e) => new RunLengthColumnReader(body, s, e, base, absentValue),
      () => RunLengthColumnReader.absentRuns(absentValue, base),
    );
  /** A signed column with a bias, as varints or bit-packed (never both), or absent. */
  const biased = (name: string, field: number, bitsField: number, bias: number): BiasedReader => {
    const varints = optional(name, field, (s, e) => new BiasedColumnReader(body, s, e, base, bias));
    const bits = optional(name, bitsField, (s, e) => new BitPackedColumnReader(body, s, e, base, bias));
    if (varints !== undefined && bits !== undefined)
      throw malformed(bits.offset, `${name} is both varints and bit-packed`);
    return varints ?? bits ?? new BiasedColumnReader(defaultFill(0, n), 0, n, base, bias);
  };
  const delta = (name: string, field: number, initial: number) =>
    column(
      name,
      field,
      (s, e) => new DeltaColumnReader(body, s, e, base, initial),
      () => DeltaColumnReader.absentFrom(initial, n, base),
    );

  const types = runs('types', BatchField.types, OperationTypeCode.progressUpdate);
  const uintIfPresent = (name: string, field: number) =>
    optional(name, field, (s, e) => new UintColumnReader(body, s, e, base));
  const seqGaps = uintIfPresent('seq_gaps', BatchField.seqGaps);
  const timestampDeltas = biased(
    'timestamp_deltas',
    BatchField.timestampDeltas,
    BatchField.timestampDeltaBits,
    scalars[BatchField.timestampDeltaBias] as number,
  );
  const physicalOffsets = optional(
    'hlc_physical_offsets',
    BatchField.hlcPhysicalOffsets,
    (s, e) => new IntColumnReader(body, s, e, base),
  );
  const logicals = uintIfPresent('hlc_logicals', BatchField.hlcLogicals);
  const nodeRefs = uintIfPresent('hlc_node_refs', BatchField.hlcNodeRefs);
  const userRefs = delta('user_refs', BatchField.userRefs, context.lastUserRef);
  const contentRefs = delta('content_refs', BatchField.contentRefs, context.lastContentRef);
  const progress = new ProgressColumnsReader(
    biased(
      'position_residuals',
      BatchField.positionResiduals,
      BatchField.positionResidualBits,
      scalars[BatchField.positionResidualBias] as number,
    ),
    uint('durations', BatchField.durations),
    runs('states', BatchField.states, 1),
    context,
    scalars[BatchField.positionPrediction] as number,
  );
  const commands = new CommandColumnsReader(
    uint('command_id_refs', BatchField.commandIdRefs),
    uint('source_device_refs', BatchField.sourceDeviceRefs),
    uint('target_device_refs', BatchField.targetDeviceRefs),
    uint('command_type_refs', BatchField.commandTypeRefs),
    fields.payloads,
    uint('expiry_offsets', BatchField.expiryOffsets),
    body,
    base,
    limits,
  );

  const deviceId = frame.deviceId;
  const boundUser = frame.userId;
  const ops: SequencedOperation[] = new Array(n);
  let seq = frame.firstSeq;
  let timestamp = predictedStart(context) + (scalars[BatchField.baseTimestamp] as number);
  const firstTimestamp = timestamp;
  let lastDelta = 0;
  for (let i = 0; i < n; i++) {
    if (seqGaps !== undefined) {
      const gapAt = seqGaps.offset;
      const gap = seqGaps.read();
      if (i === 0 ? gap !== 0 : seq + gap + 1 > Number.MAX_SAFE_INTEGER)
        throw malformed(gapAt, `seq gap ${gap} is invalid`);
      if (i > 0) seq += gap + 1;
    } else if (i > 0) seq += 1;
    if (i > 0) {
      lastDelta = timestampDeltas.readBiased();
      timestamp += lastDelta;
    }
    if (timestamp < 0 || timestamp > MAX_TIMESTAMP)
      throw malformed(timestampDeltas.offset, `timestamp ${timestamp} out of range`);
    const physicalMs = physicalOffsets === undefined ? timestamp : timestamp + physicalOffsets.read();
    if (physicalMs < 0 || physicalMs > MAX_TIMESTAMP)
      throw malformed((physicalOffsets ?? types).offset, `hlc.physicalMs ${physicalMs} out of range`);
    const logical = logicals === undefined ? 0 : logicals.read();
    if (logical > MAX_LOGICAL) throw malformed((logicals ?? types).offset, `hlc.logical ${logical} out of range`);
    const nodeId = nodeRefs === undefined ? deviceId : (table[nodeRefs.readBelow(tableSize, 'string ref')] as string);
    const typeAt = types.offset;
    const code = types.read();
    let op: SyncOperation;
    if (
      code === OperationTypeCode.progressUpdate ||
      code === OperationTypeCode.watchlistAdd ||
      code === OperationTypeCode.watchlistRemove
    ) {
      const userRef = userRefs.readIndex(tableSize, 'user ref');
      const contentRef = contentRefs.readIndex(tableSize, 'content ref');
      const userId = table[userRef] as string;
      if (boundUser !== undefined && userId !== boundUser)
        throw malformed(typeAt, `op ${i} of a frame bound to user ${JSON.stringify(boundUser)} names another user`);
      const contentId = table[contentRef] as string;
      op =
        code === OperationTypeCode.progressUpdate
          ? progress.read(userRef, contentRef, userId, contentId, timestamp)
          : { type: TYPE_NAMES[code] as 'watchlistAdd' | 'watchlistRemove', userId, contentId, timestamp };
    } else if (code === OperationTypeCode.deviceCommand) {
      op = commands.read(table, timestamp, typeAt);
    } else {
      throw malformed(typeAt, `unknown operation type ${code}`);
    }
    ops[i] = { deviceId, seq, hlc: { physicalMs, logical, nodeId }, op };
  }
  if (n > 0 && seq !== frame.lastSeq)
    throw malformed(base, `last seq ${seq} differs from the frame's last_seq ${frame.lastSeq}`);
  for (const [name, reader] of present) reader.finish(name);
  commands.finish();
  const update: ContextUpdate | null = collectUpdate
    ? {
        added: table.slice(context.strings.length),
        progress: progress.updates(),
        lastTimestamp: n > 0 ? timestamp : context.lastTimestamp,
        lastInterval: nextInterval(context, n, firstTimestamp, lastDelta),
        lastUserRef: userRefs.last,
        lastContentRef: contentRefs.last,
        lastSeq: n > 0 ? seq : context.lastSeq,
      }
    : null;
  return { ops, update };
}

/** The context both ends hold after a frame with `update` was decoded on top of `base`. */
export function applyUpdate(base: ContextState, update: ContextUpdate, version: number): ContextState {
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
      lastContentRef: 1,
      lastSeq: update.lastSeq,
    };
  }
  const strings = base.strings.concat(update.added);
  const progress = new Map(base.progress);
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
    lastSeq: update.lastSeq,
  };
}
