import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { deleteRedisKeys } from '../src/index.js';

const { endpoint, missing } = inject('redis');

describe.skipIf(missing !== undefined)('deleteRedisKeys', () => {
  it('deletes every key under the prefix and none of a prefix that only starts the same', async () => {
    const url = `redis://${endpoint?.host}:${endpoint?.port}`;
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const redis = new Redis(url);
    try {
      for (let i = 0; i < 1_200; i++) await redis.set(`${prefix}.user.{u${i}}.sync`, 'x');
      await redis.set(`${prefix}x.user.{u}.sync`, 'kept');
      expect(await deleteRedisKeys({ url, prefix })).toBe(1_200);
      expect(await redis.get(`${prefix}x.user.{u}.sync`)).toBe('kept');
      expect(await redis.keys(`${prefix}.*`)).toEqual([]);
    } finally {
      await redis.del(`${prefix}x.user.{u}.sync`);
      redis.disconnect();
    }
  });
});
