// Types for the parts of zstd-codec 0.1.5 (Emscripten build of zstd) that the codec uses.
declare module 'zstd-codec' {
  export interface ZstdCompressionDict {
    close(): void;
  }
  export interface ZstdDecompressionDict {
    close(): void;
  }
  export interface ZstdSimple {
    compress(content: Uint8Array, level?: number): Uint8Array | null;
    decompress(compressed: Uint8Array): Uint8Array | null;
    compressUsingDict(content: Uint8Array, dict: ZstdCompressionDict): Uint8Array | null;
    decompressUsingDict(compressed: Uint8Array, dict: ZstdDecompressionDict): Uint8Array | null;
  }
  export interface ZstdStreaming {
    decompress(compressed: Uint8Array, sizeHint?: number): Uint8Array | null;
    decompressUsingDict(
      compressed: Uint8Array,
      sizeHint: number | undefined,
      dict: ZstdDecompressionDict,
    ): Uint8Array | null;
  }
  export interface ZstdApi {
    Simple: new () => ZstdSimple;
    Streaming: new () => ZstdStreaming;
    Dict: {
      Compression: new (dict: Uint8Array, level: number) => ZstdCompressionDict;
      Decompression: new (dict: Uint8Array) => ZstdDecompressionDict;
    };
  }
  export const ZstdCodec: { run(callback: (zstd: ZstdApi) => void): void };
}
