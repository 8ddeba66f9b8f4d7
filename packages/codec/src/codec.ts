import { type SequencedOperation, utf8Length } from '@media-sync/protocol';
import { applyUpdate, type ContextUpdate, decodeBatch, encodeBatch } from './body/batch.js';
import { type ContextState, EMPTY_CONTEXT, nextVersion, userContext } from './context.js';
import { crc32c } from './crc32c.js';
import { DEFAULT_DICTIONARY_ID, DICTIONARY_BASE64 } from './dictionaries/index.js';
import { CodecError } from './errors.js';
import {
  checkSkipped,
  checksumError,
  checkUserId,
  FLAG_COMPRESSED,
  type FrameBinding,
  isBindableUser,
  parseFrame,
  type RawFrame,
  readSelfContained,
  resolveFrame,
  resolveLimits,
  writeFrame,
} from './frame.js';
import { BaselineSizer } from './reference.js';
import { fromSessionState, toSessionState } from './session-state.js';
import type {
  CodecOptions,
  DecodedFrame,
  DecodeLimits,
  DecodeOptions,
  EncodedFrame,
  EncodeOptions,
  FrameHeader,
  FrameMetrics,
  SessionDecodedFrame,
  SessionDecoder,
  SessionDecoderOptions,
  SessionEncoder,
  SessionFrame,
  SessionState,
} from './types.js';
import { quoted } from './utf8.js';
import { base64ToBytes, loadDefaultEngine, Zstd } from './zstd.js';

export const DEFAULT_LEVEL = 9;
export const DEFAULT_MIN_BATCH_SIZE = 3;
/** Bodies up to this size are compressed with the dictionary; larger ones carry their own statistics. */
export const DICTIONARY_MAX_BODY_BYTES = 64 * 1024;

export interface Codec {
  /** Self-contained frame of ops of ONE device, in seq order. Deterministic. */
  encodeFrame(deviceId: string, ops: readonly SequencedOperation[], options?: EncodeOptions): EncodedFrame;
  /**
   * Decodes a self-contained frame; a frame that needs session context fails with
   * CONTEXT_MISMATCH, a user-bound one without `userId` with USER_REQUIRED.
   */
  decodeFrame(bytes: Uint8Array, options?: DecodeOptions): DecodedFrame;
  /** Sender half of an acknowledged link (§5 session context); `state` restores a persisted one. */
  createSessionEncoder(state?: SessionState): SessionEncoder;
  /** Receiver half of an acknowledged link; `deviceId` is the device the link belongs to. */
  createSessionDecoder(states?: readonly SessionState[], options?: SessionDecoderOptions): SessionDecoder;
  /** Totals over every frame this codec (and its session encoders) encoded since the last reset. */
  metrics(): FrameMetrics;
  resetMetrics(): void;
  /** The ids of the dictionaries this codec can decode with. */
  readonly dictionaryIds: readonly number[];
  /** The zstd engine's name and version (compressed bytes depend on it). */
  readonly engine: string;
}

/** Loads zstd (the default engine: an async WebAssembly init, once per process) and returns a codec. */
export async function createCodec(options: CodecOptions = {}): Promise<Codec> {
  const engine = options.engine ?? (await loadDefaultEngine());
  return new FrameCodec(new Zstd(engine), options);
}

/** Most ops whose baselines wait for `metrics()`; past that they are folded in while encoding. */
const MAX_PENDING_BASELINE_OPS = 1 << 16;

/**
 * Running sums behind `metrics()`. The wire and body sizes are summed as frames are made; the
 * baselines (bytesJson, bytesProtobuf) only when metrics are asked for, from the ops kept by
 * reference until then.
 */
class MetricsAccumulator {
  ops = 0;
  bytesJson = 0;
  bytesProtobuf = 0;
  bytesBody = 0;
  bytesWire = 0;
  private pending: { ops: readonly SequencedOperation[]; userId: string | undefined }[] = [];
  private pendingOps = 0;
  constructor(
    private readonly sizer: BaselineSizer,
    private readonly baselines: boolean,
  ) {}

  add(ops: readonly SequencedOperation[], userId: string | undefined, bytesBody: number, bytesWire: number): void {
    this.ops += ops.length;
    this.bytesBody += bytesBody;
    this.bytesWire += bytesWire;
    if (!this.baselines) return;
    this.pending.push({ ops, userId });
    this.pendingOps += ops.length;
    if (this.pendingOps > MAX_PENDING_BASELINE_OPS) this.fold();
  }

  private fold(): void {
    for (const { ops, userId } of this.pending) {
      const sizes = baselineSizes(this.sizer, ops, userId);
      this.bytesJson += sizes.json;
      this.bytesProtobuf += sizes.protobuf;
    }
    this.pending = [];
    this.pendingOps = 0;
  }

  snapshot(): FrameMetrics {
    this.fold();
    return frameMetrics(this.ops, this.bytesJson, this.bytesProtobuf, this.bytesBody, this.bytesWire);
  }
}

function baselineSizes(
  sizer: BaselineSizer,
  ops: readonly SequencedOperation[],
  userId: string | undefined,
): { json: number; protobuf: number } {
  let json = 0;
  let protobuf = 0;
  for (const entry of ops) {
    json += sizer.jsonEnvelopeSize(entry, userId);
    protobuf += sizer.protobufSize(entry, userId);
  }
  return { json, protobuf };
}

/** An encoded frame whose §5 metrics (with their baselines) are computed on first read. */
class LazyFrame implements SessionFrame {
  #metrics: FrameMetrics | undefined;
  constructor(
    readonly bytes: Uint8Array,
    readonly header: FrameHeader,
    readonly version: number,
    private readonly source: {
      readonly ops: readonly SequencedOperation[];
      readonly userId: string | undefined;
      readonly bytesBody: number;
      readonly sizer: BaselineSizer;
    },
  ) {}

  get metrics(): FrameMetrics {
    if (this.#metrics === undefined) {
      const { ops, userId, bytesBody, sizer } = this.source;
      const sizes = baselineSizes(sizer, ops, userId);
      this.#metrics = frameMetrics(ops.length, sizes.json, sizes.protobuf, bytesBody, this.bytes.length);
    }
    return this.#metrics;
  }
}

export function frameMetrics(
  ops: number,
  bytesJson: number,
  bytesProtobuf: number,
  bytesBody: number,
  bytesWire: number,
): FrameMetrics {
  const compressionRatio = bytesJson === 0 ? 0 : bytesWire / bytesJson;
  return {
    ops,
    bytesJson,
    bytesProtobuf,
    bytesBody,
    bytesWire,
    compressionRatio,
    savingsPercent: bytesJson === 0 ? 0 : 100 * (1 - compressionRatio),
    deltaSavingsPercent: bytesProtobuf === 0 ? 0 : 100 * (1 - bytesBody / bytesProtobuf),
  };
}

const UNBOUND: FrameBinding = { deviceId: '', contextVersion: 0, lastSeq: 0 };

class FrameCodec implements Codec {
  private readonly dictionaryIdSet = new Set<number>();
  private readonly sizer = new BaselineSizer();
  private readonly accumulator: MetricsAccumulator;
  private readonly baselineTotals: boolean;
  private readonly level: number;
  private readonly minBatchSize: number;
  private readonly limits: DecodeLimits;
  readonly dictionaryIds: readonly number[];
  readonly engine: string;

  constructor(
    private readonly zstd: Zstd,
    options: CodecOptions,
  ) {
    this.level = checkLevel(options.level ?? DEFAULT_LEVEL);
    this.baselineTotals = options.baselineTotals ?? true;
    this.accumulator = new MetricsAccumulator(this.sizer, this.baselineTotals);
    this.minBatchSize = options.minBatchSize ?? DEFAULT_MIN_BATCH_SIZE;
    this.limits = resolveLimits(options.limits);
    for (const [id, text] of DICTIONARY_BASE64) {
      zstd.engine.addDictionary(id, base64ToBytes(text));
      this.dictionaryIdSet.add(id);
    }
    this.dictionaryIds = [...this.dictionaryIdSet];
    this.engine = zstd.engine.name;
  }

  encodeFrame(deviceId: string, ops: readonly SequencedOperation[], options: EncodeOptions = {}): EncodedFrame {
    return this.encodeWith(deviceId, ops, options, EMPTY_CONTEXT, false).frame;
  }

  /**
   * Encodes against `context` (EMPTY_CONTEXT = self-contained); a `session` frame is bound to
   * its link (no device id; its context found by the checksum) and reports what it adds to
   * `base`, the context it was written on.
   */
  encodeWith(
    deviceId: string,
    ops: readonly SequencedOperation[],
    options: EncodeOptions,
    context: ContextState,
    session: boolean,
  ): { frame: LazyFrame; update: ContextUpdate | null; bodyCrc: number; base: ContextState } {
    if (typeof deviceId !== 'string' || deviceId.length === 0 || utf8Length(deviceId) > 256)
      throw new CodecError('INVALID_INPUT', 0, 'deviceId must be a non-empty string of at most 256 UTF-8 bytes');
    if (!Array.isArray(ops)) throw new TypeError('ops must be an array of SequencedOperation');
    const n = ops.length;
    const firstSeq = n > 0 ? (ops[0] as SequencedOperation).seq : 0;
    const skipped = options.skipped ?? [];
    if (!Array.isArray(skipped)) throw new TypeError('skipped must be an array of SeqRange');
    const lastSeq = n > 0 ? (ops[n - 1] as SequencedOperation).seq : 0;
    checkSkipped(skipped, firstSeq, lastSeq, n, (detail) => new CodecError('INVALID_INPUT', 0, detail));
    // A frame on no context may be user-bound (a session's first frame too: later ones find the
    // user in the context it starts). It is written as if on a context holding only its user:
    // entry 0 of the table, predicted for the first op, so the user is in no table and no column.
    const boundUser = context.version === 0 ? bindableUser(ops, options) : undefined;
    const base = boundUser === undefined ? context : userContext(boundUser);
    const { body, update } = encodeBatch(deviceId, ops, base, session);
    const level = checkLevel(options.level ?? this.level);
    const minBatchSize = options.minBatchSize ?? this.minBatchSize;
    let sent = body;
    let flags = 0;
    let dictionaryId = 0;
    if (options.compression !== false && n >= minBatchSize && body.length > 0) {
      const dictionary =
        options.dictionary !== false && body.length <= DICTIONARY_MAX_BODY_BYTES ? DEFAULT_DICTIONARY_ID : 0;
      const compressed = this.zstd.compress(body, level, dictionary);
      // Compression only when it pays, counting the body_length field it adds.
      if (compressed !== null && compressed.length + 4 < body.length) {
        sent = compressed;
        flags |= FLAG_COMPRESSED;
        dictionaryId = dictionary;
      }
    }
    const bodyLength = body.length;
    // The body CRC names the next context version; taken before `body` (scratch) is reused.
    const bodyCrc = session ? crc32c(body) : 0;
    const { bytes, header } = writeFrame({
      flags,
      dictionaryId,
      deviceId,
      userId: boundUser,
      bound: session,
      binding: session ? { deviceId, contextVersion: context.version, lastSeq: context.lastSeq } : UNBOUND,
      opCount: n,
      firstSeq,
      lastSeq,
      skipped: skipped.length === 0 ? [] : skipped.map(({ first, last }) => ({ first, last })),
      bodyLength,
      body: sent,
    });
    const version = session ? nextVersion(context.version, bodyCrc) : 0;
    this.accumulator.add(ops, options.userId, bodyLength, bytes.length);
    const frame = new LazyFrame(bytes, header, version, {
      ops,
      userId: options.userId,
      bytesBody: bodyLength,
      sizer: this.sizer,
    });
    return { frame, update, bodyCrc, base };
  }

  decodeFrame(bytes: Uint8Array, options: DecodeOptions = {}): DecodedFrame {
    const limits = this.limitsOf(options);
    const { raw, header } = readSelfContained(bytes, limits, checkUserId(options.userId));
    return this.decodeBody(raw, header, noContextBase(header), limits, false).frame;
  }

  limitsOf(options: DecodeOptions): DecodeLimits {
    return options.limits ? resolveLimits(this.limits, options.limits) : this.limits;
  }

  /** Decompresses and decodes the body of a verified frame against its context. */
  decodeBody(
    raw: RawFrame,
    header: FrameHeader,
    base: ContextState,
    limits: DecodeLimits,
    session: boolean,
  ): { frame: DecodedFrame; update: ContextUpdate | null; bodyCrc: number } {
    let body = raw.bytes.subarray(raw.bodyStart, raw.bodyEnd);
    if (header.compressed) {
      if (header.dictionaryId !== 0 && !this.dictionaryIdSet.has(header.dictionaryId)) {
        throw new CodecError(
          'UNKNOWN_DICTIONARY',
          0,
          `frame names zstd dictionary ${header.dictionaryId}, which this codec does not ship`,
        );
      }
      body = this.zstd.decompress(body, header.bodyLength, limits.maxBodyBytes, raw.bodyStart, header.dictionaryId);
    }
    const { ops, update } = decodeBatch(body, header, base, limits, session, header.compressed ? 0 : raw.bodyStart);
    return { frame: { header, ops }, update, bodyCrc: session ? crc32c(body) : 0 };
  }

  createSessionEncoder(state?: SessionState): SessionEncoder {
    return new Session(this, state === undefined ? EMPTY_CONTEXT : fromSessionState(state));
  }

  createSessionDecoder(states?: readonly SessionState[], options: SessionDecoderOptions = {}): SessionDecoder {
    const { deviceId, maxVersions = MAX_RECEIVER_VERSIONS } = options;
    if (deviceId !== undefined && (typeof deviceId !== 'string' || deviceId.length === 0))
      throw new TypeError('deviceId must be a non-empty string');
    const userId = checkUserId(options.userId);
    if (!Number.isSafeInteger(maxVersions) || maxVersions < 1)
      throw new TypeError(`maxVersions must be a positive integer, got ${maxVersions}`);
    const receiver = new SessionReceiver(this, deviceId, userId, maxVersions);
    if (states !== undefined) receiver.restore(states);
    return receiver;
  }

  metrics(): FrameMetrics {
    return this.accumulator.snapshot();
  }

  resetMetrics(): void {
    Object.assign(this.accumulator, new MetricsAccumulator(this.sizer, this.baselineTotals));
  }
}

/**
 * The user a `bindUser` frame is bound to: `options.userId` when every watchlist and progress op
 * is that user's (device commands name no user), else undefined (the frame names its users).
 */
function bindableUser(ops: readonly SequencedOperation[], options: EncodeOptions): string | undefined {
  if (options.bindUser !== true) return undefined;
  const { userId } = options;
  if (typeof userId !== 'string' || !isBindableUser(userId))
    throw new CodecError(
      'INVALID_INPUT',
      0,
      `bindUser needs userId, a non-empty string of at most 256 UTF-8 bytes without lone surrogates; got ${typeof userId === 'string' ? quoted(userId) : String(userId)}`,
    );
  for (const entry of ops) {
    const op = entry.op;
    if (op.type !== 'deviceCommand' && op.userId !== userId) return undefined;
  }
  return userId;
}

/** What the body of a frame on no context builds on: nothing, or its bound user alone. */
function noContextBase(header: FrameHeader): ContextState {
  return header.userId === undefined ? EMPTY_CONTEXT : userContext(header.userId);
}

function checkLevel(level: number): number {
  if (!Number.isInteger(level) || level < 1 || level > 22)
    throw new TypeError(`zstd level must be an integer 1..22, got ${level}`);
  return level;
}

/** How many unacknowledged contexts a sender keeps waiting for their ack. */
const MAX_PENDING = 64;
/** How many context versions a receiver keeps by default, for frames sent before the newest ack arrived. */
const MAX_RECEIVER_VERSIONS = 16;

class Session implements SessionEncoder {
  /**
   * Contexts sent but not yet acknowledged, by version, with the CRC of the body that made them.
   * null marks a version two different frames hashed to: it is never adopted, so a collision
   * can cost a little compression but never a wrong decode.
   */
  private pending = new Map<number, { state: ContextState; bodyCrc: number } | null>();

  constructor(
    private readonly codec: FrameCodec,
    private acked: ContextState,
  ) {}

  get contextVersion(): number {
    return this.acked.version;
  }

  encode(deviceId: string, ops: readonly SequencedOperation[], options: EncodeOptions = {}): SessionFrame {
    const { frame, update, bodyCrc, base } = this.codec.encodeWith(deviceId, ops, options, this.acked, true);
    const version = frame.version;
    if (update !== null) {
      const earlier = this.pending.get(version);
      if (
        version === this.acked.version ||
        earlier === null ||
        (earlier !== undefined && earlier.bodyCrc !== bodyCrc)
      ) {
        this.pending.set(version, null);
      } else if (earlier === undefined) {
        this.pending.set(version, { state: applyUpdate(base, update, version), bodyCrc });
        if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as number);
      }
    }
    return frame;
  }

  acknowledge(version: number): void {
    const entry = this.pending.get(version);
    // An ack for a version already superseded, unknown or ambiguous changes nothing: never move backwards.
    if (entry === undefined || entry === null) return;
    this.acked = entry.state;
    this.pending = new Map();
  }

  reset(): void {
    this.acked = EMPTY_CONTEXT;
    this.pending = new Map();
  }

  toJSON(): SessionState {
    return toSessionState(this.acked);
  }
}

class SessionReceiver implements SessionDecoder {
  private versions = new Map<number, ContextState>();

  constructor(
    private readonly codec: FrameCodec,
    readonly deviceId: string | undefined,
    readonly userId: string | undefined,
    private readonly maxVersions: number,
  ) {}

  /**
   * Verifies a frame: a self-contained one by itself; a session frame against each context
   * held (newest first) and none, the checksum picking the one it was made on. When none
   * matches, the frame needs a context this receiver lacks (or was damaged): CONTEXT_MISMATCH,
   * answered by the sender with a self-contained frame. A user-bound session frame builds on
   * no context but its user's: the link's user, or the call's.
   */
  private verify(
    bytes: Uint8Array,
    options: DecodeOptions,
    limits: DecodeLimits,
  ): { raw: RawFrame; header: FrameHeader; base: ContextState } {
    const raw = parseFrame(bytes, limits);
    const userId = checkUserId(options.userId) ?? this.userId;
    if (raw.deviceId !== undefined) {
      const header = resolveFrame(raw, undefined, userId);
      if (header === undefined) throw checksumError(raw, userId);
      return { raw, header, base: noContextBase(header) };
    }
    const deviceId = this.deviceId;
    if (deviceId === undefined) {
      throw new CodecError('CONTEXT_MISMATCH', 0, 'a session frame (no device_id) on a decoder bound to no device');
    }
    if (raw.userBound) {
      const header = resolveFrame(raw, { deviceId, contextVersion: 0, lastSeq: 0 }, userId);
      if (header === undefined) throw checksumError(raw, userId);
      return { raw, header, base: noContextBase(header) };
    }
    const candidates = [...this.versions.values()].reverse();
    candidates.push(EMPTY_CONTEXT);
    for (const context of candidates) {
      const header = resolveFrame(raw, { deviceId, contextVersion: context.version, lastSeq: context.lastSeq });
      if (header !== undefined) return { raw, header, base: context };
    }
    throw new CodecError(
      'CONTEXT_MISMATCH',
      0,
      `no context this decoder holds (${this.versions.size} versions, or none) verifies the frame's checksum`,
    );
  }

  readHeader(bytes: Uint8Array, options: DecodeOptions = {}): FrameHeader {
    return this.verify(bytes, options, this.codec.limitsOf(options)).header;
  }

  decode(bytes: Uint8Array, options: DecodeOptions = {}): SessionDecodedFrame {
    const limits = this.codec.limitsOf(options);
    const { raw, header, base } = this.verify(bytes, options, limits);
    const { frame, update, bodyCrc } = this.codec.decodeBody(raw, header, base, limits, true);
    const version = nextVersion(base.version, bodyCrc);
    if (update !== null) {
      // Frames reference only acknowledged versions, and acks only move forward: once a frame
      // uses `base`, every older version is dead.
      if (base.version !== 0) {
        for (const key of [...this.versions.keys()]) {
          if (key === base.version) break;
          this.versions.delete(key);
        }
      }
      this.versions.delete(version);
      this.versions.set(version, applyUpdate(base, update, version));
      while (this.versions.size > this.maxVersions) this.versions.delete(this.versions.keys().next().value as number);
    }
    return { header: frame.header, ops: frame.ops, version };
  }

  reset(): void {
    this.versions = new Map();
  }

  toJSON(): SessionState[] {
    return [...this.versions.values()].map(toSessionState);
  }

  restore(states: readonly SessionState[]): void {
    this.versions = new Map(states.slice(-this.maxVersions).map((s) => [s.version, fromSessionState(s)]));
  }
}
