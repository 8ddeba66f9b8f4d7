import { describePublisherConformance } from '@media-sync/publisher-conformance';
import { createMemoryBroker, createMemoryPublisher, createMemorySubscriber, type MemoryBroker } from '../src/index.js';

// One broker per case's namespace; its own fault injection stands in for the TCP proxy.
const brokers = new Map<string, MemoryBroker>();
const brokerFor = (namespace: string): MemoryBroker => {
  let broker = brokers.get(namespace);
  if (broker === undefined) {
    broker = createMemoryBroker({ credentials: 'right' });
    brokers.set(namespace, broker);
  }
  return broker;
};

describePublisherConformance({
  name: 'memory',
  faults: brokerFor,
  createPublisher: ({ namespace, timeoutMs }) =>
    createMemoryPublisher({ broker: brokerFor(namespace), credentials: 'right', timeoutMs }),
  createSubscriber: ({ namespace, deviceId }) => createMemorySubscriber({ broker: brokerFor(namespace), deviceId }),
  createRefusedPublisher: ({ namespace, timeoutMs }) =>
    createMemoryPublisher({ broker: brokerFor(namespace), credentials: 'wrong', timeoutMs }),
  teardown: (namespace) => {
    brokers.delete(namespace);
  },
});
