import { it } from 'vitest';
import { codec, progressOps } from './helpers.js';

it('x', async () => {
  const c = await codec();
  let failures = 0;
  for (let trial = 0; trial < 200; trial++) {
    const enc = c.createSessionEncoder();
    const dec = c.createSessionDecoder();
    const shift = trial * 7919;
    let seq = 1;
    for (const n of [10, 1, 5, 3, 1, 1, 20]) {
      const ops = progressOps('tv', seq, n).map((o) => ({
        ...o,
        hlc: { ...o.hlc, physicalMs: o.hlc.physicalMs + shift },
        op: { ...o.op, timestamp: o.op.timestamp + shift },
      }));
      seq += n;
      const f = enc.encode('tv', ops);
      try {
        const d = dec.decode(f.bytes);
        enc.acknowledge(f.version);
        if (d.version !== f.version) console.log('version differs');
      } catch (e) {
        failures++;
        if (failures < 4) console.log(trial, n, String(e));
        enc.reset();
      }
    }
  }
  console.log('failures', failures);
});
