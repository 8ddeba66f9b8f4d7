/**
 * @media-sync/codec — operations of one device <-> compact frames: a columnar, delta-encoded
 * protobuf Batch, zstd-compressed (with a trained dictionary for small frames), in a Frame
 * whose header a receiver can dedupe on without decoding. Pure: no I/O, no timers.
 */
export { type Codec, createCodec, DEFAULT_LEVEL, DEFAULT_MIN_BATCH_SIZE, frameMetrics } from './codec.js';
export { crc32c } from './crc32c.js';
export { CodecError, type CodecErrorCode } from './errors.js';
export { DEFAULT_LIMITS, FLAG_COMPRESSED, FORMAT_VERSION, frameChecksum, MAX_SKIPPED_RANGES } from './frame.js';
export { readFrameHeader } from './header.js';
export { BaselineSizer, referenceJsonEnvelope } from './reference.js';
export type {
  CodecOptions,
  DecodedFrame,
  DecodeLimits,
  DecodeOptions,
  EncodedFrame,
  EncodeOptions,
  FrameHeader,
  FrameMetrics,
  SeqRange,
  SessionDecodedFrame,
  SessionDecoder,
  SessionDecoderOptions,
  SessionEncoder,
  SessionFrame,
  SessionProgress,
  SessionState,
} from './types.js';
export { BatchField, FrameField } from './wire.js';
export { createZstd, MAX_WINDOW_BYTES, type ZstdCompressor, type ZstdEngine } from './zstd.js';
export { createZstdWasmEngine } from './zstd-wasm-engine.js';
