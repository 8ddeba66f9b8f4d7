// What browsers load instead of default-engine.js: zstd-codec's WebAssembly build, no asm.js.
export { createZstdWasmEngine as createDefaultEngine } from './zstd-wasm-engine.js';
