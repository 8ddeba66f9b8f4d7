import { type SequencedOperation, utf8Length } from '@media-sync/protocol';
import { applyUpdate, type ContextUpdate, decodeBatch, encodeBatch } from './batch.js';
import { type ContextState, EMPTY_CONTEXT, nextVersion } from './context.js';
import { crc32c } from './crc32c.js';
import { DEFAULT_DICTIONARY_ID, DICTIONARY_BASE64 } from './dictionaries/index.js';
import { CodecError } from './errors.js';
import { FLAG_COMPRESSED, parseFrame, resolveLimits, writeFrame } from './frame.js';
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
  SessionEncoder,
  SessionFrame,
  SessionState,
} from './types.js';
import { loadZstd, Zstd } from './zstd.js';

export const DEFAULT_LEVEL = 9;
export const DEFAULT_MIN_BATCH_SIZE = 3;
/** Bodies up to this size are compressed with the dictionary; larger ones carry their own statistics. */
export const DICTIONARY_MAX_BODY_BYTES = 64 * 1024;

export interface Codec {
  /** Self-contained frame of ops of ONE device, in seq order. Deterministic. */
  encodeFrame(deviceId: string, ops: readonly SequencedOperation[], options?: EncodeOptions): EncodedFrame;
  /** Decodes a self-contained frame; a frame that needs session context fails with CONTEXT_MISMATCH. */
  decodeFrame(bytes: Uint8Array, options?: DecodeOptions): DecodedFrame;
  /** Sender half of an acknowledged link (§5 session context); `state` restores a persisted one. */
  createSessionEncoder(state?: SessionState): SessionEncoder;
  /** Receiver half of an acknowledged link. */
  createSessionDecoder(states?: readonly SessionState[]): SessionDecoder;
  /** Totals over every frame this codec (and its session encoders) encoded since the last reset. */
  metrics(): FrameMetrics;
  resetMetrics(): void;
  /** The ids of the dictionaries this codec can decode with. */
  readonly dictionaryIds: readonly number[];
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

interface Dictionary {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** Loads zstd (an async WebAssembly init, once per process) and returns a codec. */
export async function createCodec(options: CodecOptions = {}): Promise<Codec> {
  const zstd = new Zstd(await loadZstd());
  return new FrameCodec(zstd, options);
}

/** Running sums behind `metrics()`. */
class MetricsAccumulator {
  ops = 0;
  bytesJson = 0;
  bytesProtobuf = 0;
  bytesBody = 0;
  bytesWire = 0;
  add(m: FrameMetrics): void {
    this.ops += m.ops;
    this.bytesJson += m.bytesJson;
    this.bytesProtobuf += m.bytesProtobuf;
    this.bytesBody += m.bytesBody;
    this.bytesWire += m.bytesWire;
  }
  snapshot(): FrameMetrics {
    return frameMetrics(this.ops, this.bytesJson, this.bytesProtobuf, this.bytesBody, this.bytesWire);
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

class FrameCodec implements Codec {
  private readonly dictionaries = new Map<number, Dictionary>();
  private readonly accumulator = new MetricsAccumulator();
  private readonly sizer = new BaselineSizer();
  private readonly level: number;
  private readonly minBatchSize: number;
  private readonly limits: DecodeLimits;
  readonly dictionaryIds: readonly number[];

  constructor(
    private readonly zstd: Zstd,
    options: CodecOptions,
  ) {
    this.level = checkLevel(options.level ?? DEFAULT_LEVEL);
    this.minBatchSize = options.minBatchSize ?? DEFAULT_MIN_BATCH_SIZE;
    this.limits = resolveLimits(options.limits);
    for (const [id, text] of DICTIONARY_BASE64) this.dictionaries.set(id, { id, bytes: base64ToBytes(text) });
    this.dictionaryIds = [...this.dictionaries.keys()];
  }

  encodeFrame(deviceId: string, ops: readonly SequencedOperation[], options: EncodeOptions = {}): EncodedFrame {
    return this.encodeWith(deviceId, ops, options, EMPTY_CONTEXT, false).frame;
  }

  /** Encodes against `context` (EMPTY_CONTEXT = self-contained); with `session`, also returns what the frame adds. */
  encodeWith(
    deviceId: string,
    ops: readonly SequencedOperation[],
    options: EncodeOptions,
    context: ContextState,
    session: boolean,
  ): { frame: EncodedFrame; update: ContextUpdate | null; bodyCrc: number } {
    if (typeof deviceId !== 'string' || deviceId.length === 0 || utf8Length(deviceId) > 256)
      throw new CodecError('INVALID_INPUT', 0, 'deviceId must be a non-empty string of at most 256 UTF-8 bytes');
    if (!Array.isArray(ops)) throw new TypeError('ops must be an array of SequencedOperation');
    const { body, update } = encodeBatch(deviceId, ops, context, session);
    const level = checkLevel(options.level ?? this.level);
    const minBatchSize = options.minBatchSize ?? this.minBatchSize;
    let sent = body;
    let flags = 0;
    let dictionaryId = 0;
    if (options.compression !== false && ops.length >= minBatchSize && body.length > 0) {
      const dictionary =
        options.dictionary !== false && body.length <= DICTIONARY_MAX_BODY_BYTES
          ? this.dictionaries.get(DEFAULT_DICTIONARY_ID)
          : undefined;
      const compressed = this.zstd.compress(body, level, dictionary);
      // Compression only when it pays, counting the body_length field it adds.
      if (compressed !== null && compressed.length + 4 < body.length) {
        sent = compressed;
        flags |= FLAG_COMPRESSED;
        dictionaryId = dictionary?.id ?? 0;
      }
    }
    const n = ops.length;
    const firstSeq = n > 0 ? (ops[0] as SequencedOperation).seq : 0;
    const lastSeq = n > 0 ? (ops[n - 1] as SequencedOperation).seq : 0;
    const { bytes, crc } = writeFrame({
      flags,
      dictionaryId,
      contextVersion: context.version,
      deviceId,
      opCount: n,
      firstSeq,
      lastSeq,
      bodyLength: body.length,
      body: sent,
    });
    const header: FrameHeader = {
      formatVersion: 1,
      flags,
      dictionaryId,
      contextVersion: context.version,
      deviceId,
      opCount: n,
      firstSeq,
      lastSeq,
      bodyLength: body.length,
      bodyCrc32c: crc,
      compressed: (flags & FLAG_COMPRESSED) !== 0,
    };
    let bytesJson = 0;
    let bytesProtobuf = 0;
    for (const entry of ops) {
      bytesJson += this.sizer.jsonEnvelopeSize(entry, options.userId);
      bytesProtobuf += this.sizer.protobufSize(entry, options.userId);
    }
    const metrics = frameMetrics(n, bytesJson, bytesProtobuf, body.length, bytes.length);
    this.accumulator.add(metrics);
    return { frame: { bytes, header, metrics }, update, bodyCrc: session ? crc32c(body) : 0 };
  }

  decodeFrame(bytes: Uint8Array, options: DecodeOptions = {}): DecodedFrame {
    return this.decodeWith(bytes, options, () => undefined, false).frame;
  }

  decodeWith(
    bytes: Uint8Array,
    options: DecodeOptions,
    lookup: (version: number) => ContextState | undefined,
    session: boolean,
  ): { frame: DecodedFrame; update: ContextUpdate | null; base: ContextState; bodyCrc: number } {
    const limits = options.limits ? resolveLimits(this.limits, options.limits) : this.limits;
    const { header, bodyStart, bodyEnd } = parseFrame(bytes, limits);
    let base = EMPTY_CONTEXT;
    if (header.contextVersion !== 0) {
      const found = lookup(header.contextVersion);
      if (found === undefined) {
        throw new CodecError(
          'CONTEXT_MISMATCH',
          0,
          `frame needs session context version ${header.contextVersion}, which this decoder does not hold`,
        );
      }
      base = found;
    }
    let body = bytes.subarray(bodyStart, bodyEnd);
    if (header.compressed) {
      let dictionary: Dictionary | undefined;
      if (header.dictionaryId !== 0) {
        dictionary = this.dictionaries.get(header.dictionaryId);
        if (dictionary === undefined)
          throw new CodecError(
            'UNKNOWN_DICTIONARY',
            0,
            `frame names zstd dictionary ${header.dictionaryId}, which this codec does not ship`,
          );
      }
      body = this.zstd.decompress(body, header.bodyLength, limits.maxBodyBytes, bodyStart, dictionary);
    }
    const { ops, update } = decodeBatch(body, header, base, limits, session, header.compressed ? 0 : bodyStart);
    return { frame: { header, ops }, update, base, bodyCrc: session ? crc32c(body) : 0 };
  }

  createSessionEncoder(state?: SessionState): SessionEncoder {
    return new Session(this, state === undefined ? EMPTY_CONTEXT : fromSessionState(state));
  }

  createSessionDecoder(states?: readonly SessionState[]): SessionDecoder {
    const receiver = new SessionReceiver(this);
    if (states !== undefined) receiver.restore(states);
    return receiver;
  }

  metrics(): FrameMetrics {
    return this.accumulator.snapshot();
  }

  resetMetrics(): void {
    const fresh = new MetricsAccumulator();
    Object.assign(this.accumulator, fresh);
  }
}

function checkLevel(level: number): number {
  if (!Number.isInteger(level) || level < 1 || level > 22)
    throw new TypeError(`zstd level must be an integer 1..22, got ${level}`);
  return level;
}

/** How many unacknowledged contexts a sender keeps waiting for their ack. */
const MAX_PENDING = 64;
/** How many context versions a receiver keeps, for frames sent before the newest ack arrived. */
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
    const { frame, update, bodyCrc } = this.codec.encodeWith(deviceId, ops, options, this.acked, true);
    const version = nextVersion(this.acked.version, bodyCrc);
    if (update !== null) {
      const earlier = this.pending.get(version);
      if (
        version === this.acked.version ||
        earlier === null ||
        (earlier !== undefined && earlier.bodyCrc !== bodyCrc)
      ) {
        this.pending.set(version, null);
      } else if (earlier === undefined) {
        this.pending.set(version, { state: applyUpdate(this.acked, update, version), bodyCrc });
        if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as number);
      }
    }
    return { ...frame, version };
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

  constructor(private readonly codec: FrameCodec) {}

  decode(bytes: Uint8Array, options: DecodeOptions = {}): SessionDecodedFrame {
    const { frame, update, base, bodyCrc } = this.codec.decodeWith(bytes, options, (v) => this.versions.get(v), true);
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
      while (this.versions.size > MAX_RECEIVER_VERSIONS)
        this.versions.delete(this.versions.keys().next().value as number);
    }
    return { ...frame, version };
  }

  reset(): void {
    this.versions = new Map();
  }

  toJSON(): SessionState[] {
    return [...this.versions.values()].map(toSessionState);
  }

  restore(states: readonly SessionState[]): void {
    this.versions = new Map(states.map((s) => [s.version, fromSessionState(s)]));
  }
}
