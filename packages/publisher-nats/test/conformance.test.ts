import { describePublisherConformance } from '@media-sync/publisher-conformance';
import { inject } from 'vitest';
import { createNatsPublisher, createNatsSubscriber, deleteNatsStream } from '../src/index.js';

const { endpoint, missing } = inject('nats');
const withPassword = inject('natsWithPassword');
const url = (at = endpoint) => `nats://${at?.host}:${at?.port}`;

describePublisherConformance({
  name: 'nats',
  skip: missing,
  ...(endpoint ? { broker: endpoint } : {}),
  createPublisher: ({ endpoint: at, namespace, timeoutMs }) =>
    createNatsPublisher({ servers: url(at), prefix: namespace, timeoutMs }),
  createSubscriber: ({ endpoint: at, namespace, timeoutMs, deviceId }) =>
    createNatsSubscriber({ servers: url(at), prefix: namespace, timeoutMs, deviceId }),
  ...(withPassword
    ? {
        createRefusedPublisher: ({ namespace, timeoutMs }) =>
          createNatsPublisher({
            servers: `nats://media-sync:wrong-password@${withPassword.host}:${withPassword.port}`,
            prefix: namespace,
            timeoutMs,
          }),
      }
    : {}),
  teardown: async (namespace) => {
    await deleteNatsStream({ servers: url(), prefix: namespace });
  },
});
