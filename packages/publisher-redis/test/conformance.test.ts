import { describePublisherConformance } from '@media-sync/publisher-conformance';
import { inject } from 'vitest';
import { createRedisPublisher, createRedisSubscriber, deleteRedisKeys } from '../src/index.js';

const { endpoint, missing } = inject('redis');
const url = (at = endpoint) => `redis://${at?.host}:${at?.port}`;

describePublisherConformance({
  name: 'redis',
  skip: missing,
  ...(endpoint ? { broker: endpoint } : {}),
  createPublisher: ({ endpoint: at, namespace, timeoutMs }) =>
    createRedisPublisher({ url: url(at), prefix: namespace, timeoutMs }),
  createSubscriber: ({ endpoint: at, namespace, timeoutMs, deviceId }) =>
    createRedisSubscriber({ url: url(at), prefix: namespace, timeoutMs, deviceId }),
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
