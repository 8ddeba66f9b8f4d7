import type { ZstdBinding, ZstdBindingDict, ZstdBindingVector } from './generated/zstd-wasm-glue.js';
import type { ZstdEngine } from './zstd.js';

/** The zstd-codec release whose WebAssembly binary this engine runs (the Node engine wraps the same). */
export const ZSTD_WASM_CODEC_VERSION = '0.1.5';

/** zstd-codec's default level, which it substitutes for level 0: kept so the bytes match it exactly. */
const DEFAULT_LEVEL = 3;

let loading: Promise<ZstdBinding> | undefined;

async function inflateRaw(base64: string): Promise<ArrayBuffer> {
  const binary = atob(base64);
  const deflated = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) deflated[i] = binary.charCodeAt(i);
  const stream = new Blob([deflated]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).arrayBuffer();
}

/**
 * Fetches nothing and evaluates nothing until first use: the runtime and the deflated binary are
 * separate modules imported here, so bundlers that split code put them in a chunk of their own.
 */
function loadBinding(): Promise<ZstdBinding> {
  loading ??= (async () => {
    const [{ default: instantiateZstdModule }, { ZSTD_WASM_DEFLATED_BASE64 }] = await Promise.all([
      import('./generated/zstd-wasm-glue.js'),
      import('./generated/zstd-wasm-binary.js'),
    ]);
    const wasm = await inflateRaw(ZSTD_WASM_DEFLATED_BASE64);
    return new Promise<ZstdBinding>((resolve, reject) => {
      const module: Parameters<typeof instantiateZstdModule>[0] = {
        instantiateWasm(imports, receiveInstance) {
          WebAssembly.instantiate(wasm, imports).then(
            ({ instance, module: compiled }) => receiveInstance(instance, compiled),
            reject,
          );
          return {};
        },
        onRuntimeInitialized: () => {
          // Emscripten gives its module a `then` method that calls back synchronously forever once
          // the runtime is up: a promise resolved with it would never settle. It is not needed.
          delete (module as { then?: unknown }).then;
          resolve(module as ZstdBinding);
        },
      };
      instantiateZstdModule(module);
    });
  })();
  return loading;
}

/**
 * The browser's engine: zstd-codec's WebAssembly build only (never its asm.js fallback), loaded
 * on first use without any bundler configuration. It runs the same binary as the Node engine, so
 * frames are byte-identical. Also usable in Node: `createCodec({ engine: await createZstdWasmEngine() })`.
 */
export async function createZstdWasmEngine(): Promise<ZstdEngine> {
  const binding = await loadBinding();
  const codec = new binding.ZstdCodec();
  const dictionaries = new Map<number, Uint8Array>();
  const compressionDicts = new Map<string, ZstdBindingDict>();
  const decompressionDicts = new Map<number, ZstdBindingDict>();

  const dictionaryBytes = (id: number): Uint8Array => {
    const bytes = dictionaries.get(id);
    if (bytes === undefined) throw new RangeError(`zstd dictionary ${id} was never added`);
    return bytes;
  };
  /** Runs `use` with two embind vectors (input filled with `input`), freeing both afterwards. */
  const withVectors = <T>(input: Uint8Array, use: (src: ZstdBindingVector, dest: ZstdBindingVector) => T): T => {
    const src = new binding.VectorU8();
    const dest = new binding.VectorU8();
    try {
      binding.cloneToVector(src, input);
      return use(src, dest);
    } finally {
      src.delete();
      dest.delete();
    }
  };
  /** Frames without a content size (made from a stream) decompress through the streaming API. */
  const streamDecompress = (input: Uint8Array, size: number, dict: ZstdBindingDict | undefined): Uint8Array | null => {
    const stream = new binding.ZstdDecompressStreamBinding();
    try {
      const out = new Uint8Array(size);
      let written = 0;
      let overflow = false;
      const sink = (chunk: Uint8Array) => {
        if (written + chunk.length > size) overflow = true;
        else out.set(chunk, written);
        written += chunk.length;
      };
      if (!(dict === undefined ? stream.begin() : stream.beginUsingDict(dict))) return null;
      if (!stream.transform(input, sink) || !stream.end(sink) || overflow) return null;
      return written === size ? out : out.subarray(0, written);
    } finally {
      stream.delete();
    }
  };

  return {
    name: `zstd-codec@${ZSTD_WASM_CODEC_VERSION} (wasm)`,
    addDictionary(id, bytes) {
      dictionaries.set(id, bytes);
    },
    compress(input, level, dictionaryId) {
      const bound = codec.compressBound(input.length);
      if (bound < 0) return null;
      let dict: ZstdBindingDict | undefined;
      if (dictionaryId !== 0) {
        const key = `${dictionaryId}:${level}`;
        dict = compressionDicts.get(key);
        if (dict === undefined) {
          dict = binding.createCompressionDict(dictionaryBytes(dictionaryId), level);
          compressionDicts.set(key, dict);
        }
      }
      return withVectors(input, (src, dest) => {
        dest.resize(bound, 0);
        const written =
          dict === undefined
            ? codec.compress(dest, src, level || DEFAULT_LEVEL)
            : codec.compressUsingDict(dest, src, dict);
        if (written < 0) return null;
        dest.resize(written, 0);
        return binding.cloneAsTypedArray(dest);
      });
    },
    decompress(input, size, dictionaryId) {
      let dict: ZstdBindingDict | undefined;
      if (dictionaryId !== 0) {
        dict = decompressionDicts.get(dictionaryId);
        if (dict === undefined) {
          dict = binding.createDecompressionDict(dictionaryBytes(dictionaryId));
          decompressionDicts.set(dictionaryId, dict);
        }
      }
      const descriptor = input[4] ?? 0;
      const hasContentSize = descriptor >> 6 !== 0 || (descriptor & 0x20) !== 0;
      if (!hasContentSize || size === 0) return streamDecompress(input, size, dict);
      return withVectors(input, (src, dest) => {
        dest.resize(size, 0);
        const written = dict === undefined ? codec.decompress(dest, src) : codec.decompressUsingDict(dest, src, dict);
        if (written < 0 || written !== size) return null;
        return binding.cloneAsTypedArray(dest);
      });
    },
  };
}
