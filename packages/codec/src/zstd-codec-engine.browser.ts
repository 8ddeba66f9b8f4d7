// What browsers load for `@media-sync/codec/zstd-codec-engine` (the `browser` condition): the
// same zstd-codec release through its WebAssembly build only, never its asm.js fallback nor its
// Node requires, so the explicit entry bundles with no configuration like the default one.
import type { ZstdEngine } from './zstd.js';
import { createZstdWasmEngine, ZSTD_WASM_CODEC_VERSION } from './zstd-wasm-engine.js';

/** The zstd-codec release the engine wraps; known-answer vectors are made with it. */
export const ZSTD_CODEC_VERSION = ZSTD_WASM_CODEC_VERSION;

/** In a browser: zstd-codec's WebAssembly build (`createZstdWasmEngine`). */
export function createZstdCodecEngine(): Promise<ZstdEngine> {
  return createZstdWasmEngine();
}
