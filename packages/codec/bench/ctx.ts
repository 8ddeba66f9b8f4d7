import { createCodec } from '../src/index.js';
import { loadStandardTrace } from '../test/helpers.js';
const codec = await createCodec();
const phone = loadStandardTrace().get('phone-1')!;
const e = codec.createSessionEncoder(); const d = codec.createSessionDecoder();
for (let i = 0; i < 5; i++) { const f = e.encode('phone-1', [phone[i]!]); e.acknowledge(d.decode(f.bytes).version); console.log(f.bytes.length, Buffer.from(f.bytes).toString('hex')); }
const f = codec.encodeFrame('phone-1', [phone[7]!]); console.log(f.bytes.length, Buffer.from(f.bytes).toString('hex'));
