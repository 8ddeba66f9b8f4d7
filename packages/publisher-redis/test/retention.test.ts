import { randomUUID } from 'node:crypto';
import { sampleFrame, suiteCodec } from '@media-sync/publisher-conformance';
import { ConfigError } from '@media-sync/queue';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createRedisPublisher,
  createRedisSubscriber,
  deleteRedisKeys,
  type RedisPublisher,
  type RedisStreamGap,
  userKeys,
} from '../src/index.js';

const { endpoint, missing } = inject('redis');
const url = `redis://${endpoint?.host}:${endpoint?.port}`;
const USER = 'u';

/** Each entry's id and ordinal `n`, oldest first. */
async function entries(redis: Redis, stream: string): Promise<Array<{ id: string; n: number }>> {
  const rows = await redis.xrange(stream, '-', '+');
  return rows.map(([id, fields]) => ({ id, n: Number(fields[fields.indexOf('n') + 1]) }));
}

/** The server's `stream-node-max-entries`: how many entries a trimmed node may take beyond the bound. */
async function streamNodeMaxEntries(redis: Redis): Promise<number> {
  const [, value] = (await redis.config('GET', 'stream-node-max-entries')) as [string, string];
  return Number(value);
}

/** The frame ids kept for dedupe, with the ordinal each is scored by. */
async function frameIdScores(redis: Redis, key: string): Promise<number[]> {
  const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
  return flat.filter((_, i) => i % 2 === 1).map(Number);
}

describe.skipIf(missing !== undefined)('retention', () => {
  let prefix = '';
  let redis: Redis;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeEach(() => {
    prefix = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    redis = new Redis(url);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((client) => client.close()));
    await deleteRedisKeys({ url, prefix });
    redis.disconnect();
  });

  async function publishFrames(publisher: RedisPublisher, from: number, count: number): Promise<void> {
    const codec = await suiteCodec();
    for (let seq = from; seq < from + count; seq++) {
      expect((await publisher.publish(sampleFrame(codec, USER, 'phone', seq))).duplicate).toBe(false);
    }
  }

  it('keeps about maxLen entries per stream, and exactly their frame ids', async () => {
    const publisher = createRedisPublisher({ url, prefix, maxLen: 100 });
    opened.push(publisher);
    const keys = userKeys(prefix, USER);
    // Left by an earlier version: never trimmed, so the next append deletes it.
    await redis.hset(keys.legacyFrames, 'phone:1-1', '1-1');
    await publishFrames(publisher, 1, 600);
    const kept = await entries(redis, keys.stream);
    const nodeEntries = await streamNodeMaxEntries(redis);
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThanOrEqual(100 + nodeEntries);
    // The newest entries, in order, each with its ordinal among the 600 appended.
    expect(kept.map((entry) => entry.n)).toEqual(
      Array.from({ length: kept.length }, (_, i) => 600 - kept.length + 1 + i),
    );
    expect(await frameIdScores(redis, keys.frameIds)).toEqual(kept.map((entry) => entry.n));
    expect(await redis.exists(keys.legacyFrames)).toBe(0);

    const codec = await suiteCodec();
    // Still in the stream: dropped as a copy. Trimmed away: appended again, for readers to drop by seq.
    expect((await publisher.publish(sampleFrame(codec, USER, 'phone', 600))).duplicate).toBe(true);
    expect((await publisher.publish(sampleFrame(codec, USER, 'phone', 1))).duplicate).toBe(false);
    expect((await entries(redis, keys.stream)).at(-1)?.n).toBe(601);
  });

  it('trims entries older than maxAgeMs when the next frame is appended', async () => {
    const publisher = createRedisPublisher({ url, prefix, maxAgeMs: 2_000, maxLen: Number.POSITIVE_INFINITY });
    opened.push(publisher);
    const keys = userKeys(prefix, USER);
    await publishFrames(publisher, 1, 400);
    const before = await entries(redis, keys.stream);
    const nodeEntries = await streamNodeMaxEntries(redis);
    expect(before.length).toBeGreaterThan(nodeEntries);
    // Retention by age needs the age: wait until the server's clock is past the last entry plus maxAgeMs.
    const lastMs = Number(before.at(-1)?.id.split('-')[0]);
    const serverMs = async () => {
      const [seconds, micros] = await redis.time();
      return Number(seconds) * 1000 + Number(micros) / 1000;
    };
    while ((await serverMs()) < lastMs + 2_050) await new Promise((resolve) => setTimeout(resolve, 50));
    await publishFrames(publisher, 401, 1);
    const kept = await entries(redis, keys.stream);
    // Whole nodes go (`~`): the newest entry stays, with at most its node's older neighbours.
    expect(kept.at(-1)?.n).toBe(401);
    expect(kept.length).toBeLessThanOrEqual(nodeEntries);
    expect(await frameIdScores(redis, keys.frameIds)).toEqual(kept.map((entry) => entry.n));
  });

  it('refuses a bound that is not a positive whole number, with ConfigError INVALID_OPTION', () => {
    for (const [name, value] of [
      ['maxLen', 0],
      ['maxLen', 1.5],
      ['maxAgeMs', -1],
      ['maxAgeMs', Number.NaN],
    ] as const) {
      let caught: unknown;
      try {
        createRedisPublisher({ url, prefix, [name]: value });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect([(caught as ConfigError).code, (caught as ConfigError).variable]).toEqual(['INVALID_OPTION', name]);
    }
  });

  it('refuses a subscriber without onGap, with ConfigError INVALID_OPTION (a gap is never skipped silently)', () => {
    const options = { url, prefix } as unknown as Parameters<typeof createRedisSubscriber>[0];
    expect(() => createRedisSubscriber(options)).toThrow(
      expect.objectContaining({ name: 'ConfigError', code: 'INVALID_OPTION', variable: 'onGap' }),
    );
  });

  it('reports frames trimmed past a device’s position to onGap, once, before the first frame after them', async () => {
    const codec = await suiteCodec();
    const publisher = createRedisPublisher({ url, prefix, maxLen: 100 });
    opened.push(publisher);
    const keys = userKeys(prefix, USER);
    await publishFrames(publisher, 1, 5);

    // The TV reads the five frames, then goes away.
    const events: string[] = [];
    const follow = async (deviceId: string, failFirstGap = false) => {
      const gaps: RedisStreamGap[] = [];
      let failed = false;
      const subscriber = createRedisSubscriber({
        url,
        prefix,
        deviceId,
        onGap: (gap) => {
          if (failFirstGap && !failed) {
            failed = true;
            throw new Error('not ready to rebuild yet');
          }
          gaps.push(gap);
          events.push(`gap ${gap.missedFrames}`);
        },
      });
      opened.push(subscriber);
      const seqs: number[] = [];
      let wake = () => {};
      const subscription = await subscriber.subscribe(USER, ({ bytes, transportId }) => {
        if (seqs.length === 0) events.push(`first ${transportId}`);
        seqs.push(...codec.decodeFrame(bytes, { userId: USER }).ops.map((op) => op.seq));
        wake();
      });
      const until = async (count: number) => {
        const deadline = Date.now() + 10_000;
        while (seqs.length < count && Date.now() < deadline) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 100);
          });
        }
      };
      return { gaps, seqs, until, subscription };
    };

    const tv = await follow('tv');
    await tv.until(5);
    expect(tv.seqs).toEqual([1, 2, 3, 4, 5]);
    await tv.subscription.unsubscribe();
    const afterId = (await entries(redis, keys.stream))[4]?.id;

    await publishFrames(publisher, 6, 600);
    const kept = await entries(redis, keys.stream);
    const firstKept = kept[0] as { id: string; n: number };
    expect(firstKept.n).toBeGreaterThan(6);

    events.length = 0;
    const back = await follow('tv', true);
    await back.until(kept.length);
    expect(back.gaps).toEqual([
      { userId: USER, deviceId: 'tv', afterId, nextId: firstKept.id, missedFrames: firstKept.n - 6 },
    ]);
    expect(events.slice(0, 2)).toEqual([`gap ${firstKept.n - 6}`, `first ${firstKept.id}`]);
    expect(back.seqs).toEqual(kept.map((entry) => entry.n));

    // Reported once: the device resumes past the gap.
    await back.subscription.unsubscribe();
    await publishFrames(publisher, 606, 1);
    const again = await follow('tv');
    await again.until(1);
    expect([again.gaps, again.seqs]).toEqual([[], [606]]);

    // A device that never read anything joins after the stream was trimmed: a gap from the start.
    const firstNow = (await entries(redis, keys.stream))[0] as { id: string; n: number };
    const late = await follow('phone-2');
    await late.until(1);
    expect(late.gaps).toEqual([
      { userId: USER, deviceId: 'phone-2', afterId: '0', nextId: firstNow.id, missedFrames: firstNow.n - 1 },
    ]);
  }, 60_000);
});
