export { createMemoryBroker, type MemoryBroker, type MemoryBrokerOptions } from './broker.js';
export {
  createMemoryPublisher,
  type FrameDecoder,
  type MemoryFault,
  type MemoryFrame,
  type MemoryPublisher,
  type MemoryPublisherOptions,
} from './publisher.js';
export { createMemorySubscriber, type MemorySubscriberOptions } from './subscriber.js';
