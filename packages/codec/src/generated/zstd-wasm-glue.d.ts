// Types for the parts of zstd-codec's Emscripten runtime (embind) that the WebAssembly engine uses.
export interface ZstdBindingVector {
  resize(size: number, value: number): void;
  delete(): void;
}
export interface ZstdBindingDict {
  delete(): void;
}
export interface ZstdBindingStream {
  begin(): boolean;
  beginUsingDict(dict: ZstdBindingDict): boolean;
  transform(input: Uint8Array, sink: (chunk: Uint8Array) => void): boolean;
  end(sink: (chunk: Uint8Array) => void): boolean;
  delete(): void;
}
export interface ZstdBinding {
  ZstdCodec: new () => {
    compressBound(size: number): number;
    compress(dest: ZstdBindingVector, src: ZstdBindingVector, level: number): number;
    compressUsingDict(dest: ZstdBindingVector, src: ZstdBindingVector, dict: ZstdBindingDict): number;
    decompress(dest: ZstdBindingVector, src: ZstdBindingVector): number;
    decompressUsingDict(dest: ZstdBindingVector, src: ZstdBindingVector, dict: ZstdBindingDict): number;
  };
  VectorU8: new () => ZstdBindingVector;
  ZstdDecompressStreamBinding: new () => ZstdBindingStream;
  cloneToVector(dest: ZstdBindingVector, bytes: Uint8Array): void;
  cloneAsTypedArray(vector: ZstdBindingVector): Uint8Array;
  createCompressionDict(bytes: Uint8Array, level: number): ZstdBindingDict;
  createDecompressionDict(bytes: Uint8Array): ZstdBindingDict;
}
export interface ZstdModuleOptions {
  onRuntimeInitialized?: () => void;
  instantiateWasm?: (
    imports: WebAssembly.Imports,
    receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ) => object;
}
declare const instantiateZstdModule: (module: ZstdModuleOptions & Partial<ZstdBinding>) => ZstdBinding;
export default instantiateZstdModule;
