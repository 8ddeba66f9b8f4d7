import { describePublisherConformance } from '@media-sync/publisher-conformance';
import { inject } from 'vitest';
import { createMqttPublisher, createMqttSubscriber } from '../src/index.js';

const { endpoint, missing } = inject('mqtt');
const refusing = inject('mqttRefusing');
const url = (at = endpoint) => `mqtt://${at?.host}:${at?.port}`;

describePublisherConformance({
  name: 'mqtt',
  skip: missing,
  ...(endpoint ? { broker: endpoint } : {}),
  createPublisher: ({ endpoint: at, namespace, timeoutMs }) =>
    createMqttPublisher({ url: url(at), prefix: namespace, timeoutMs }),
  createSubscriber: ({ endpoint: at, namespace, timeoutMs, deviceId }) =>
    createMqttSubscriber({ url: url(at), prefix: namespace, timeoutMs, deviceId, sessionExpirySeconds: 60 }),
  ...(refusing
    ? {
        createRefusedPublisher: ({ namespace, timeoutMs }) =>
          createMqttPublisher({
            url: `mqtt://media-sync:wrong-password@${refusing.host}:${refusing.port}`,
            prefix: namespace,
            timeoutMs,
          }),
      }
    : {}),
});
