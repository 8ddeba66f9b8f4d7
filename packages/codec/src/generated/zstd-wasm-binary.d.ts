/** Size of zstd-codec's WebAssembly binary. */
export declare const ZSTD_WASM_BYTES: number;
/** The binary, raw-deflated and base64-encoded (DecompressionStream('deflate-raw') inflates it). */
export declare const ZSTD_WASM_DEFLATED_BASE64: string;
