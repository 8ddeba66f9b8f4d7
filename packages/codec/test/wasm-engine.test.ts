import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Codec, createCodec, createZstd, type ZstdCompressor } from '../src/index.js';
import { createZstdCodecEngine } from '../src/zstd-codec-engine.js';
import { createZstdWasmEngine } from '../src/zstd-wasm-engine.js';
import { fixtureOps, loadFixtureTrace } from './helpers.js';

// The browser's engine (WebAssembly only, inflated from the deflated copy in JS) against the
// Node engine (zstd-codec's own loader): the same binary, so every frame must be byte-identical.
describe('WebAssembly-only zstd engine (what browsers load)', () => {
  let node: Codec;
  let wasm: Codec;
  let nodeZstd: ZstdCompressor;
  let wasmZstd: ZstdCompressor;

  beforeAll(async () => {
    const wasmEngine = await createZstdWasmEngine();
    node = await createCodec({ engine: await createZstdCodecEngine() });
    wasm = await createCodec({ engine: wasmEngine });
    nodeZstd = await createZstd(await createZstdCodecEngine());
    wasmZstd = await createZstd(wasmEngine);
  });

  it('names itself as the WebAssembly build of the same zstd-codec release', async () => {
    expect((await createZstdWasmEngine()).name).toBe('zstd-codec@0.1.5 (wasm)');
  });

  it('encodes every fixture frame byte-identically to the Node engine, with and without the dictionary', () => {
    let withDictionary = 0;
    let withoutDictionary = 0;
    for (const [deviceId, ops] of loadFixtureTrace()) {
      for (const size of [1, 7, 60, 500]) {
        for (const options of [{}, { dictionary: false }, { level: 19 }, { level: 1, dictionary: false }]) {
          const batch = ops.slice(0, size);
          const fromNode = node.encodeFrame(deviceId, batch, options);
          const fromWasm = wasm.encodeFrame(deviceId, batch, options);
          expect(Buffer.from(fromWasm.bytes).equals(Buffer.from(fromNode.bytes))).toBe(true);
          if (fromNode.header.dictionaryId !== 0) withDictionary++;
          else if (fromNode.header.compressed) withoutDictionary++;
          expect(wasm.decodeFrame(fromNode.bytes).ops).toEqual(batch);
          expect(node.decodeFrame(fromWasm.bytes).ops).toEqual(batch);
        }
      }
    }
    // Both zstd paths were exercised, not only stored bodies.
    expect(withDictionary).toBeGreaterThan(0);
    expect(withoutDictionary).toBeGreaterThan(0);
  });

  it('session frames (context across frames) are byte-identical and decode on the other engine', () => {
    const ops = fixtureOps('tv-den', 120);
    const nodeEncoder = node.createSessionEncoder();
    const wasmEncoder = wasm.createSessionEncoder();
    const wasmDecoder = wasm.createSessionDecoder(undefined, { deviceId: 'tv-den' });
    for (let at = 0; at < ops.length; at += 30) {
      const batch = ops.slice(at, at + 30);
      const fromNode = nodeEncoder.encode('tv-den', batch);
      const fromWasm = wasmEncoder.encode('tv-den', batch);
      expect(Buffer.from(fromWasm.bytes).equals(Buffer.from(fromNode.bytes))).toBe(true);
      const decoded = wasmDecoder.decode(fromNode.bytes);
      expect(decoded.ops).toEqual(batch);
      nodeEncoder.acknowledge(decoded.version);
      wasmEncoder.acknowledge(decoded.version);
    }
  });

  it('plain zstd: same bytes for any input and level, and each side decompresses the other', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 0, max: 19 }), (input, level) => {
        const fromNode = nodeZstd.compress(input, level);
        const fromWasm = wasmZstd.compress(input, level);
        expect(Buffer.from(fromWasm).equals(Buffer.from(fromNode))).toBe(true);
        expect(Buffer.from(wasmZstd.decompress(fromNode, input.length)).equals(Buffer.from(input))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('corrupted zstd input fails the same way on both engines (a CodecError, never a crash)', () => {
    const input = new TextEncoder().encode(JSON.stringify([...loadFixtureTrace().values()][0]?.slice(0, 40)));
    const compressed = nodeZstd.compress(input, 9);
    let failures = 0;
    for (let at = 12; at < compressed.length; at += 7) {
      const corrupted = new Uint8Array(compressed);
      corrupted[at] = (corrupted[at] ?? 0) ^ 0x5a;
      const outcome = (zstd: ZstdCompressor) => {
        try {
          return Buffer.from(zstd.decompress(corrupted, input.length)).toString('hex');
        } catch (error) {
          return `error ${(error as { code?: string }).code}`;
        }
      };
      const fromWasm = outcome(wasmZstd);
      expect(fromWasm).toBe(outcome(nodeZstd));
      if (fromWasm.startsWith('error')) failures++;
    }
    expect(failures).toBeGreaterThan(0);
  });
});
