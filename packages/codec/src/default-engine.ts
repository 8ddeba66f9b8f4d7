// The engine `createCodec()` loads when given none. Bundlers for the browser swap this file for
// default-engine.browser.js (the package's `browser` field), so browsers load only WebAssembly.
export { createZstdCodecEngine as createDefaultEngine } from './zstd-codec-engine.js';
