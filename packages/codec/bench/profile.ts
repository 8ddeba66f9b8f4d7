import { readFileSync } from 'node:fs';
import { parseTraceLine, type SequencedOperation } from '@media-sync/protocol';
import { encodeBatch, decodeBatch } from '../src/batch.js';
import { EMPTY_CONTEXT } from '../src/context.js';
import { DEFAULT_LIMITS } from '../src/frame.js';
import { loadZstd, Zstd } from '../src/zstd.js';
import { BaselineSizer } from '../src/reference.js';
const lines = readFileSync('/work/shared/traces/standard-20k.jsonl', 'utf8').trim().split('\n');
const byDevice = new Map<string, SequencedOperation[]>();
for (const line of lines) {
  const { deviceId, op } = parseTraceLine(line);
  const list = byDevice.get(deviceId!) ?? [];
  byDevice.set(deviceId!, list);
  list.push({ deviceId: deviceId!, seq: list.length + 1, hlc: { physicalMs: op.timestamp, logical: 0, nodeId: deviceId! }, op });
}
const batches: [string, SequencedOperation[]][] = [];
for (const [d, ops] of byDevice) for (let i = 0; i < ops.length; i += 1000) batches.push([d, ops.slice(i, i + 1000)]);
const zstd = new Zstd(await loadZstd());
const time = (name: string, f: () => number) => { f(); const t = performance.now(); let r = 0; for (let k = 0; k < 5; k++) r = f(); const ms = (performance.now() - t) / 5; console.log(name, (20000 / ms * 1000 | 0), 'ops/s', r); };
const bodies = batches.map(([d, ops]) => encodeBatch(d, ops, EMPTY_CONTEXT, false).body);
time('encodeBatch', () => { let s = 0; for (const [d, ops] of batches) s += encodeBatch(d, ops, EMPTY_CONTEXT, false).body.length; return s / 20000; });
const sizer = new BaselineSizer();
time('sizer', () => { let s = 0; for (const [, ops] of batches) for (const e of ops) s += sizer.jsonEnvelopeSize(e) + sizer.protobufSize(e); return s / 20000; });
for (const level of [1, 3, 6, 9, 12, 15, 19]) time(`zstd ${level}`, () => { let s = 0; for (const b of bodies) s += zstd.compress(b, level)!.length; return s / 20000; });
const comp = bodies.map((b) => zstd.compress(b, 19)!);
time('unzstd', () => { let s = 0; comp.forEach((c, i) => { s += zstd.decompress(c, bodies[i]!.length, 1 << 24, 0).length; }); return s; });
time('decodeBatch', () => { let s = 0; bodies.forEach((b, i) => { const [d, ops] = batches[i]!; s += decodeBatch(b, { deviceId: d, opCount: ops.length, firstSeq: ops[0]!.seq, lastSeq: ops.at(-1)!.seq }, EMPTY_CONTEXT, DEFAULT_LIMITS, false).ops.length; }); return s; });
