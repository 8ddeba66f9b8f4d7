// Steady-state encode/decode throughput of media-sync frames on the standard trace, per batch size.
import { readFileSync } from 'node:fs';
import { parseTraceLine, type SequencedOperation } from '@media-sync/protocol';
import { createCodec } from '../src/index.js';

const file = process.argv[2] ?? new URL('../../../../shared/traces/standard-20k.jsonl', import.meta.url).pathname;
const byDevice = new Map<string, SequencedOperation[]>();
for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
  const { deviceId, op } = parseTraceLine(line);
  const id = deviceId as string;
  const list = byDevice.get(id) ?? [];
  byDevice.set(id, list);
  list.push({ deviceId: id, seq: list.length + 1, hlc: { physicalMs: op.timestamp, logical: 0, nodeId: id }, op });
}
const total = [...byDevice.values()].reduce((n, ops) => n + ops.length, 0);
const codec = await createCodec();
for (const batch of (process.env.BATCHES ?? '1000,100').split(',').map(Number)) {
  const chunks: [string, SequencedOperation[]][] = [];
  for (const [d, ops] of byDevice)
    for (let i = 0; i < ops.length; i += batch) chunks.push([d, ops.slice(i, i + batch)]);
  const frames = chunks.map(([d, ops]) => codec.encodeFrame(d, ops).bytes);
  const rate = (f: () => void) => {
    const rates: number[] = [];
    for (let run = 0; run < 7; run++) {
      let passes = 0;
      const t = performance.now();
      do {
        f();
        passes++;
      } while (performance.now() - t < 300);
      rates.push((total * passes) / ((performance.now() - t) / 1000));
    }
    return Math.round(rates.sort((a, b) => a - b)[3] as number);
  };
  const enc = rate(() => {
    for (const [d, ops] of chunks) codec.encodeFrame(d, ops);
  });
  const dec = rate(() => {
    for (const f of frames) codec.decodeFrame(f);
  });
  console.log(`batch ${batch}: encode ${enc} ops/s, decode ${dec} ops/s`);
}
