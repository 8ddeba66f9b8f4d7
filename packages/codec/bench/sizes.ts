// Bytes per op of media-sync frames on the standard trace, per batch size, with and without the
// dictionary, at the zstd level given as the first argument (default 9).
import type { SequencedOperation } from '@media-sync/protocol';
import { createCodec } from '../src/index.js';
import { loadFixtureTrace } from '../test/helpers.js';

const byDevice: Map<string, SequencedOperation[]> = loadFixtureTrace();
const level = Number(process.argv[2] ?? 9);
const codec = await createCodec({ level });
for (const dictionary of [false, true]) {
  const out: string[] = [];
  for (const batch of [1, 3, 10, 100, 1000]) {
    codec.resetMetrics();
    for (const [d, ops] of byDevice) {
      for (let i = 0; i < ops.length; i += batch) codec.encodeFrame(d, ops.slice(i, i + batch), { dictionary });
    }
    const m = codec.metrics();
    out.push(`batch ${batch}: ${(m.bytesWire / m.ops).toFixed(2)} B/op`);
  }
  console.log(`level ${level}, dictionary ${dictionary}: ${out.join(', ')}`);
}
