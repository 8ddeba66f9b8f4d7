// Replica throughput on the standard trace: `npm run bench -w @media-sync/state`
// (or `npx tsx bench/apply.ts [TRACE]` in this folder). Prints a Markdown table.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HybridLogicalClock, parseTraceLine, type SequencedOperation } from '@media-sync/protocol';
import { createReplica, UserStateReplica } from '@media-sync/state';

const tracePath =
  process.argv[2] ?? fileURLToPath(new URL('../../../../shared/traces/standard-20k.jsonl', import.meta.url));

function loadTrace(path: string): SequencedOperation[] {
  const devices = new Map<string, { seq: number; wall: number; clock: HybridLogicalClock }>();
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const { deviceId = 'unknown-device', op } = parseTraceLine(line);
      let device = devices.get(deviceId);
      if (device === undefined) {
        const state = { seq: 0, wall: 0 } as { seq: number; wall: number; clock: HybridLogicalClock };
        state.clock = new HybridLogicalClock({ nodeId: deviceId, now: () => state.wall });
        device = state;
        devices.set(deviceId, device);
      }
      device.seq += 1;
      device.wall = op.timestamp;
      return { deviceId, seq: device.seq, hlc: device.clock.tick(), op };
    });
}

function measure(name: string, ops: number, rounds: number, run: () => void): string {
  run(); // warm-up
  const start = performance.now();
  for (let i = 0; i < rounds; i++) run();
  const seconds = (performance.now() - start) / 1_000;
  const perSecond = Math.round((ops * rounds) / seconds);
  return `| ${name} | ${((seconds * 1_000) / rounds).toFixed(1)} | ${perSecond.toLocaleString('en-US')} |`;
}

const trace = loadTrace(tracePath);
const full = createReplica();
full.applyAll(trace);
const perDevice = ['phone-1', 'tv-living-room', 'web-chrome'].map((device) => {
  const replica = createReplica();
  replica.applyAll(trace.filter((op) => op.deviceId === device));
  return replica;
});
const json = JSON.stringify(full);

const rows = [
  measure('apply, trace order', trace.length, 5, () => {
    const replica = createReplica();
    for (const op of trace) replica.apply(op);
  }),
  measure('apply, every op a duplicate', trace.length, 5, () => {
    for (const op of trace) full.apply(op);
  }),
  measure('applyAll, frames of 1000', trace.length, 5, () => {
    const replica = createReplica();
    for (let i = 0; i < trace.length; i += 1_000) replica.applyAll(trace.slice(i, i + 1_000));
  }),
  measure('merge of 3 per-device replicas', trace.length, 5, () => {
    const replica = createReplica();
    for (const other of perDevice) replica.merge(other);
  }),
  measure('JSON.stringify + fromJSON', trace.length, 5, () => {
    UserStateReplica.fromJSON(JSON.parse(JSON.stringify(full)));
  }),
];

console.log(`trace: ${tracePath} (${trace.length} ops); snapshot JSON ${json.length} bytes`);
console.log('| operation (whole trace) | ms per run | trace ops/s |\n|---|---:|---:|');
console.log(rows.join('\n'));
