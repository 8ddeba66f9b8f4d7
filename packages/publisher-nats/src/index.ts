export { escapeUserId } from './names.js';
export {
  createNatsPublisher,
  ensureStream,
  type NatsPublisher,
  type NatsPublisherOptions,
  natsNames,
  toPublisherError,
} from './publisher.js';
export { createNatsSubscriber, durableName, type NatsSubscriberOptions } from './subscriber.js';
