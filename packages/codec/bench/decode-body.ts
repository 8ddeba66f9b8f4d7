// Steady-state decodeBatch (no zstd, no frame) on the standard trace at batch 1000.
import { decodeBatch, encodeBatch } from '../src/body/batch.js';
import { EMPTY_CONTEXT } from '../src/context.js';
import { DEFAULT_LIMITS } from '../src/frame.js';
import { loadFixtureTrace } from '../test/helpers.js';

const chunks: [string, ReturnType<typeof loadFixtureTrace> extends Map<string, infer V> ? V : never][] = [];
for (const [d, ops] of loadFixtureTrace())
  for (let i = 0; i < ops.length; i += 1000) chunks.push([d, ops.slice(i, i + 1000)]);
const bodies = chunks.map(([d, ops]) => ({
  body: encodeBatch(d, ops, EMPTY_CONTEXT, false).body.slice(),
  frame: { deviceId: d, opCount: ops.length, firstSeq: ops[0]?.seq ?? 0, lastSeq: ops.at(-1)?.seq ?? 0 },
}));
for (let run = 0; run < 8; run++) {
  let passes = 0;
  const t = performance.now();
  do {
    for (const b of bodies) decodeBatch(b.body, b.frame, EMPTY_CONTEXT, DEFAULT_LIMITS, false);
    passes++;
  } while (performance.now() - t < 300);
  const dec = (20000 * passes) / ((performance.now() - t) / 1000);
  passes = 0;
  const t2 = performance.now();
  do {
    for (const [d, ops] of chunks) encodeBatch(d, ops, EMPTY_CONTEXT, false);
    passes++;
  } while (performance.now() - t2 < 300);
  const enc = (20000 * passes) / ((performance.now() - t2) / 1000);
  console.log(`decodeBatch ${Math.round(dec)} ops/s, encodeBatch ${Math.round(enc)} ops/s`);
}
