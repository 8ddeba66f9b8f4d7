/// <reference path="./zstd-codec.d.ts" />
import { type ZstdApi, ZstdCodec, type ZstdCompressionDict, type ZstdDecompressionDict } from 'zstd-codec';
import type { ZstdEngine } from './zstd.js';

/** The zstd-codec release the engine wraps; known-answer vectors are made with it. */
export const ZSTD_CODEC_VERSION = '0.1.5';

let loading: Promise<ZstdApi> | undefined;

/** Instantiates zstd-codec's module (WebAssembly where available) once per process or page. */
function loadZstdCodec(): Promise<ZstdApi> {
  loading ??= new Promise<ZstdApi>((resolve) => ZstdCodec.run(resolve));
  return loading;
}

/**
 * The shipped engine: zstd-codec 0.1.5 (zstd compiled to WebAssembly), reusing one prepared
 * compression dictionary per (dictionary, level).
 */
export async function createZstdCodecEngine(): Promise<ZstdEngine> {
  const api = await loadZstdCodec();
  const simple = new api.Simple();
  const streaming = new api.Streaming();
  const dictionaries = new Map<number, Uint8Array>();
  const compressionDicts = new Map<string, ZstdCompressionDict>();
  const decompressionDicts = new Map<number, ZstdDecompressionDict>();
  const decompressionDict = (id: number): ZstdDecompressionDict => {
    let dict = decompressionDicts.get(id);
    if (dict === undefined) {
      const bytes = dictionaries.get(id);
      if (bytes === undefined) throw new RangeError(`zstd dictionary ${id} was never added`);
      dict = new api.Dict.Decompression(bytes);
      decompressionDicts.set(id, dict);
    }
    return dict;
  };
  return {
    name: `zstd-codec@${ZSTD_CODEC_VERSION}`,
    addDictionary(id, bytes) {
      dictionaries.set(id, bytes);
    },
    compress(input, level, dictionaryId) {
      if (dictionaryId === 0) return simple.compress(input, level);
      const key = `${dictionaryId}:${level}`;
      let dict = compressionDicts.get(key);
      if (dict === undefined) {
        const bytes = dictionaries.get(dictionaryId);
        if (bytes === undefined) throw new RangeError(`zstd dictionary ${dictionaryId} was never added`);
        dict = new api.Dict.Compression(bytes, level);
        compressionDicts.set(key, dict);
      }
      return simple.compressUsingDict(input, dict);
    },
    decompress(input, size, dictionaryId) {
      // zstd-codec's simple API needs the content size in the frame header (Frame_Content_Size
      // flag or single segment); frames made from a stream go through its streaming API.
      const descriptor = input[4] ?? 0;
      const hasContentSize = descriptor >> 6 !== 0 || (descriptor & 0x20) !== 0;
      if (dictionaryId === 0) return hasContentSize ? simple.decompress(input) : streaming.decompress(input, size);
      const dict = decompressionDict(dictionaryId);
      return hasContentSize
        ? simple.decompressUsingDict(input, dict)
        : streaming.decompressUsingDict(input, size, dict);
    },
  };
}
