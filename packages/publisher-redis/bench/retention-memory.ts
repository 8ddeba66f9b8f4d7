// The Redis memory one user's keys take per frame kept: `npm run bench` in this package, with
// Redis on REDIS_URL or 127.0.0.1:6379. Frames of 1 and of 20 watchlist ops, 1 000 and 10 000
// of them (the default `maxLen`), unbounded so every frame stays; keys deleted afterwards.
import { randomUUID } from 'node:crypto';
import { outgoingFrame, sampleOperation, suiteCodec } from '@media-sync/publisher-conformance';
import { Redis } from 'ioredis';
import { createRedisPublisher, deleteRedisKeys, userKeys } from '../src/index.js';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const codec = await suiteCodec();
const redis = new Redis(url);
const rows: string[] = [];
try {
  for (const opsPerFrame of [1, 20]) {
    for (const count of [1_000, 10_000]) {
      const prefix = `bench-${randomUUID().slice(0, 8)}`;
      const publisher = createRedisPublisher({ url, prefix, maxLen: Number.POSITIVE_INFINITY });
      let frameBytes = 0;
      try {
        for (let i = 0; i < count; i++) {
          const first = i * opsPerFrame + 1;
          const ops = Array.from({ length: opsPerFrame }, (_, k) => sampleOperation('u', 'phone-1', first + k));
          const frame = outgoingFrame(codec, ops);
          frameBytes += frame.selfContained().bytes.length;
          await publisher.publish(frame);
        }
        const keys = userKeys(prefix, 'u');
        // SAMPLES 0: every element counted, not an estimate.
        const stream = Number(await redis.memory('USAGE', keys.stream, 'SAMPLES', 0));
        const frameIds = Number(await redis.memory('USAGE', keys.frameIds, 'SAMPLES', 0));
        rows.push(
          `| ${opsPerFrame} | ${Math.round(frameBytes / count)} | ${count.toLocaleString('en-US')} | ${(stream / 1e6).toFixed(2)} MB | ${(frameIds / 1e6).toFixed(2)} MB | ${Math.round((stream + frameIds) / count)} B |`,
        );
      } finally {
        await publisher.close();
        await deleteRedisKeys({ url, prefix });
      }
    }
  }
} finally {
  redis.disconnect();
}
console.log('| ops per frame | frame bytes | frames kept | stream | frame ids | per frame |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
