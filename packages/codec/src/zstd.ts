import { DICTIONARY_BASE64 } from './dictionaries/index.js';
import { CodecError } from './errors.js';

/**
 * The seam between the codec and a zstd implementation: plain compress/decompress of one zstd
 * frame, naming dictionaries by id. The codec does every safety check (sizes from the zstd
 * headers, limits, dictionary ids) before it calls `decompress`, so an engine only compresses
 * and decompresses. The shipped engine is zstd-codec's WebAssembly build
 * (`@media-sync/codec/zstd-codec-engine`, loaded on first use); a native engine (a gateway) or a
 * WebAssembly-only browser build plugs in through `createCodec({ engine })`.
 *
 * Compressed bytes depend on the engine and its zstd version: known-answer vectors name the
 * engine they were made with (`name`).
 */
export interface ZstdEngine {
  /** Implementation and version, e.g. "zstd-codec@0.1.5". */
  readonly name: string;
  /** Makes a dictionary usable under `id` (the id zstd writes into frames). */
  addDictionary(id: number, bytes: Uint8Array): void;
  /** One zstd frame with its content size in the header; `dictionaryId` 0 = none. null on failure. */
  compress(input: Uint8Array, level: number, dictionaryId: number): Uint8Array | null;
  /**
   * Decompresses one zstd frame into exactly `size` bytes (the caller checked that the frame
   * cannot produce more); the frame may lack a content size (made from a stream). null or a
   * throw on failure.
   */
  decompress(input: Uint8Array, size: number, dictionaryId: number): Uint8Array | null;
}

/**
 * Loads the shipped engine once per process or page: zstd-codec in Node; in browsers its
 * WebAssembly build alone (the package's `browser` field maps default-engine.js to
 * default-engine.browser.js).
 */
let defaultEngine: Promise<ZstdEngine> | undefined;
export function loadDefaultEngine(): Promise<ZstdEngine> {
  defaultEngine ??= import('./default-engine.js').then((m) => m.createDefaultEngine());
  return defaultEngine;
}

const MAGIC = 0xfd2fb528;
/** Block_Maximum_Size of RFC 8878: no block decompresses to more. */
const MAX_BLOCK_BYTES = 128 * 1024;

/**
 * The largest window a frame may ask the decoder to hold. zstd allocates the window before it
 * reads a block, so a frame of a few bytes with no content size could make every decode reserve
 * up to 128 MiB (and exhaust the WebAssembly heap). 8 MiB is the window zstd itself uses at
 * levels up to 19 when the input size is unknown, so no frame of a standard level is refused.
 */
export const MAX_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * The dictionary id and content size a zstd frame header states (RFC 8878 §3.1.1.1), or
 * undefined when `bytes[start, end)` does not begin with a complete zstd frame header. Reads
 * the header alone: a frame leaves out of its own header what this already says.
 */
export function readZstdHeader(
  bytes: Uint8Array,
  start: number,
  end: number,
): { readonly dictionaryId: number; readonly contentSize: number | undefined } | undefined {
  if (end - start < 5) return undefined;
  const magic =
    ((bytes[start] as number) |
      ((bytes[start + 1] as number) << 8) |
      ((bytes[start + 2] as number) << 16) |
      ((bytes[start + 3] as number) << 24)) >>>
    0;
  if (magic !== MAGIC) return undefined;
  const descriptor = bytes[start + 4] as number;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictIdSize = [0, 1, 2, 4][descriptor & 3] as number;
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : ([0, 2, 4, 8][fcsFlag] as number);
  let pos = start + 5 + (singleSegment ? 0 : 1);
  if (pos + dictIdSize + fcsSize > end) return undefined;
  let dictionaryId = 0;
  for (let i = 0; i < dictIdSize; i++) dictionaryId += (bytes[pos + i] as number) * 2 ** (8 * i);
  pos += dictIdSize;
  if (fcsSize === 0) return { dictionaryId, contentSize: undefined };
  let v = 0;
  for (let i = 0; i < fcsSize; i++) v += (bytes[pos + i] as number) * 2 ** (8 * i);
  return { dictionaryId, contentSize: fcsSize === 2 ? v + 256 : v };
}

/** What a zstd frame header says before anything is decompressed. */
export interface ZstdFrameInfo {
  /** Frame_Content_Size, when the header carries it. */
  readonly contentSize: number | undefined;
  /** Dictionary_ID, 0 when absent. */
  readonly dictionaryId: number;
  /** The window the decoder must hold: Window_Descriptor's size, or the content size of a single segment. */
  readonly windowSize: number;
  /**
   * The most bytes the frame can decompress to, from its block headers: raw and RLE blocks
   * state their size, a compressed block yields at most 128 KiB.
   */
  readonly maxContentSize: number;
}

/**
 * Reads a zstd frame's header and walks its block headers (RFC 8878 §3.1.1) without
 * decompressing. `base` is the body's offset in the frame, for error offsets.
 */
export function inspectZstdFrame(bytes: Uint8Array, base: number): ZstdFrameInfo {
  const fail = (at: number, detail: string) => new CodecError('DECOMPRESSION_FAILED', base + at, detail);
  if (bytes.length < 6) throw fail(0, 'zstd frame shorter than its header');
  const magic =
    ((bytes[0] as number) |
      ((bytes[1] as number) << 8) |
      ((bytes[2] as number) << 16) |
      ((bytes[3] as number) << 24)) >>>
    0;
  if (magic !== MAGIC) throw fail(0, `not a zstd frame (magic 0x${magic.toString(16)})`);
  const descriptor = bytes[4] as number;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  if (descriptor & 0x08) throw fail(4, 'reserved bit set in the zstd frame header');
  const hasChecksum = (descriptor & 0x04) !== 0;
  const dictIdSize = [0, 1, 2, 4][descriptor & 3] as number;
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : ([0, 2, 4, 8][fcsFlag] as number);
  let pos = 5 + (singleSegment ? 0 : 1);
  if (pos + dictIdSize + fcsSize > bytes.length) throw fail(pos, 'zstd frame header is truncated');
  let windowSize = 0;
  if (!singleSegment) {
    // RFC 8878 §3.1.1.1.2: Exponent (5 bits) and Mantissa (3 bits).
    const windowDescriptor = bytes[5] as number;
    const windowBase = 2 ** (10 + (windowDescriptor >> 3));
    windowSize = windowBase + (windowBase / 8) * (windowDescriptor & 7);
  }
  let dictionaryId = 0;
  for (let i = 0; i < dictIdSize; i++) dictionaryId += (bytes[pos + i] as number) * 2 ** (8 * i);
  pos += dictIdSize;
  let contentSize: number | undefined;
  if (fcsSize > 0) {
    let v = 0;
    for (let i = 0; i < fcsSize; i++) v += (bytes[pos + i] as number) * 2 ** (8 * i);
    contentSize = fcsSize === 2 ? v + 256 : v;
    pos += fcsSize;
  }
  let maxContentSize = 0;
  for (;;) {
    if (pos + 3 > bytes.length) throw fail(pos, 'zstd block header is truncated');
    const header = (bytes[pos] as number) | ((bytes[pos + 1] as number) << 8) | ((bytes[pos + 2] as number) << 16);
    const last = (header & 1) !== 0;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    pos += 3;
    if (type === 3) throw fail(pos - 3, 'reserved zstd block type');
    if (type === 0 || type === 1) {
      if (size > MAX_BLOCK_BYTES) throw fail(pos - 3, `zstd block of ${size} bytes exceeds 128 KiB`);
      maxContentSize += size;
      pos += type === 0 ? size : 1;
    } else {
      maxContentSize += MAX_BLOCK_BYTES;
      pos += size;
    }
    if (pos > bytes.length) throw fail(pos, 'zstd block runs past the end');
    if (last) break;
  }
  if (hasChecksum) pos += 4;
  if (pos !== bytes.length) throw fail(Math.min(pos, bytes.length), 'bytes after the zstd frame');
  if (contentSize !== undefined) maxContentSize = Math.min(maxContentSize, contentSize);
  // The decoder never holds more window than the content it will produce.
  if (singleSegment || (contentSize !== undefined && contentSize < windowSize)) windowSize = contentSize ?? 0;
  return { contentSize, dictionaryId, maxContentSize, windowSize };
}

/** Safe zstd over an engine: limits and dictionary ids checked from the headers before decompressing. */
export class Zstd {
  constructor(readonly engine: ZstdEngine) {}

  compress(body: Uint8Array, level: number, dictionaryId = 0): Uint8Array | null {
    return this.engine.compress(body, level, dictionaryId);
  }

  /**
   * Decompresses a body whose frame says it is `bodyLength` bytes, never producing more than
   * `maxBodyBytes`: the size is checked from the zstd headers before any output is allocated.
   */
  decompress(
    compressed: Uint8Array,
    bodyLength: number,
    maxBodyBytes: number,
    base: number,
    dictionaryId = 0,
  ): Uint8Array {
    const info = inspectZstdFrame(compressed, base);
    if (info.windowSize > MAX_WINDOW_BYTES) {
      throw new CodecError(
        'LIMIT_EXCEEDED',
        base,
        `zstd frame asks for a ${info.windowSize}-byte window, over ${MAX_WINDOW_BYTES}`,
      );
    }
    if (info.contentSize !== undefined) {
      if (info.contentSize > maxBodyBytes) {
        throw new CodecError('LIMIT_EXCEEDED', base, `zstd content size ${info.contentSize} exceeds ${maxBodyBytes}`);
      }
      if (info.contentSize !== bodyLength) {
        throw new CodecError(
          'MALFORMED_FRAME',
          base,
          `zstd content size ${info.contentSize} differs from body_length ${bodyLength}`,
        );
      }
    } else {
      // Without a content size, the block walk bounds the output. A frame made from a stream
      // over-counts by less than one block; anything more (or past the limit) is refused.
      if (info.maxContentSize < bodyLength) {
        throw new CodecError('MALFORMED_FRAME', base, `zstd blocks cannot hold body_length ${bodyLength}`);
      }
      if (info.maxContentSize > maxBodyBytes || info.maxContentSize > bodyLength + MAX_BLOCK_BYTES) {
        throw new CodecError(
          'LIMIT_EXCEEDED',
          base,
          `zstd frame may decompress to ${info.maxContentSize} bytes, over ${Math.min(maxBodyBytes, bodyLength + MAX_BLOCK_BYTES)}`,
        );
      }
    }
    if (info.dictionaryId !== 0 && info.dictionaryId !== dictionaryId) {
      throw new CodecError('UNKNOWN_DICTIONARY', base, `zstd frame names dictionary ${info.dictionaryId}`);
    }
    let out: Uint8Array | null;
    try {
      out = this.engine.decompress(compressed, bodyLength, dictionaryId);
    } catch (error) {
      throw new CodecError('DECOMPRESSION_FAILED', base, 'zstd rejected the body', { cause: error });
    }
    if (out === null) throw new CodecError('DECOMPRESSION_FAILED', base, 'zstd rejected the body');
    if (out.length !== bodyLength) {
      throw new CodecError(
        'MALFORMED_FRAME',
        base,
        `body decompressed to ${out.length} bytes, not body_length ${bodyLength}`,
      );
    }
    return out;
  }
}

/** Plain zstd for tools and benchmarks (no frame): the same engine and shipped dictionaries as the codec. */
export interface ZstdCompressor {
  /** `dictionaryId` names a shipped dictionary (0, the default: none). */
  compress(bytes: Uint8Array, level: number, dictionaryId?: number): Uint8Array;
  /** Decompresses one zstd frame, refusing (CodecError LIMIT_EXCEEDED) any that would exceed `maxBytes`. */
  decompress(bytes: Uint8Array, maxBytes: number): Uint8Array;
}

export async function createZstd(engine?: ZstdEngine): Promise<ZstdCompressor> {
  const zstd = new Zstd(engine ?? (await loadDefaultEngine()));
  for (const [id, text] of DICTIONARY_BASE64) zstd.engine.addDictionary(id, base64ToBytes(text));
  return {
    compress(bytes, level, dictionaryId = 0) {
      if (dictionaryId !== 0 && !DICTIONARY_BASE64.has(dictionaryId))
        throw new CodecError('UNKNOWN_DICTIONARY', 0, `no shipped zstd dictionary ${dictionaryId}`);
      const out = zstd.compress(bytes, level, dictionaryId);
      if (out === null) throw new CodecError('INVALID_INPUT', 0, 'zstd could not compress the input');
      return out;
    },
    decompress(bytes, maxBytes) {
      const { contentSize } = inspectZstdFrame(bytes, 0);
      if (contentSize === undefined) throw new CodecError('DECOMPRESSION_FAILED', 0, 'zstd frame has no content size');
      if (contentSize > maxBytes)
        throw new CodecError('LIMIT_EXCEEDED', 0, `zstd content size ${contentSize} exceeds ${maxBytes}`);
      return zstd.decompress(bytes, contentSize, maxBytes, 0);
    },
  };
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
