import { describePublisherConformance } from '@media-sync/publisher-conformance';
import { afterAll, expect, inject } from 'vitest';
import { createRedisPublisher, createRedisSubscriber, deleteRedisKeys, type RedisStreamGap } from '../src/index.js';

const { endpoint, missing } = inject('redis');
const url = (at = endpoint) => `redis://${at?.host}:${at?.port}`;
// The suite's streams stay far below the default retention: no case may see frames trimmed.
const gaps: RedisStreamGap[] = [];
afterAll(() => expect(gaps).toEqual([]));

describePublisherConformance({
  name: 'redis',
  skip: missing,
  ...(endpoint ? { broker: endpoint } : {}),
  createPublisher: ({ endpoint: at, namespace, timeoutMs }) =>
    createRedisPublisher({ url: url(at), prefix: namespace, timeoutMs }),
  createSubscriber: ({ endpoint: at, namespace, timeoutMs, deviceId }) =>
    createRedisSubscriber({
      url: url(at),
      prefix: namespace,
      timeoutMs,
      deviceId,
      onGap: (gap) => void gaps.push(gap),
    }),
  createRefusedPublisher: ({ endpoint: at, namespace, timeoutMs }) =>
    createRedisPublisher({
      url: `redis://nobody:wrong-password@${at?.host}:${at?.port}`,
      prefix: namespace,
      timeoutMs,
    }),
  teardown: async (namespace) => {
    await deleteRedisKeys({ url: url(), prefix: namespace });
  },
});
