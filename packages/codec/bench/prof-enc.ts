import { readFileSync } from 'node:fs';
import { parseTraceLine, type SequencedOperation } from '@media-sync/protocol';
import { encodeBatch } from '../src/batch.js';
import { EMPTY_CONTEXT } from '../src/context.js';
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
for (let k = 0; k < 10; k++) {
  const t = performance.now();
  for (const [d, ops] of batches) encodeBatch(d, ops, EMPTY_CONTEXT, false);
  console.log(Math.round(20000 / (performance.now() - t) * 1000));
}
