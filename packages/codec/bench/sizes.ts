import { readFileSync } from 'node:fs';
import { parseTraceLine, type SequencedOperation } from '@media-sync/protocol';
import { createCodec } from '../src/index.js';

const lines = readFileSync('/work/shared/traces/standard-20k.jsonl', 'utf8').trim().split('\n');
const byDevice = new Map<string, SequencedOperation[]>();
for (const line of lines) {
  const { deviceId, op } = parseTraceLine(line);
  const list = byDevice.get(deviceId!) ?? [];
  byDevice.set(deviceId!, list);
  list.push({
    deviceId: deviceId!,
    seq: list.length + 1,
    hlc: { physicalMs: op.timestamp, logical: 0, nodeId: deviceId! },
    op,
  });
}
const level = Number(process.argv[2] ?? 19);
const codec = await createCodec({ level });
for (const dictionary of [false, true]) {
  const out: string[] = [];
  for (const batch of [1, 3, 10, 100, 1000]) {
    codec.resetMetrics();
    const t = performance.now();
    for (const [d, ops] of byDevice)
      for (let i = 0; i < ops.length; i += batch) codec.encodeFrame(d, ops.slice(i, i + batch), { dictionary });
    const ms = performance.now() - t;
    const m = codec.metrics();
    out.push(`b${batch}=${(m.bytesWire / m.ops).toFixed(2)} (${Math.round((20000 / ms) * 1000)}/s)`);
  }
  console.log(`level ${level} dict ${dictionary}:`, out.join(' '));
}
