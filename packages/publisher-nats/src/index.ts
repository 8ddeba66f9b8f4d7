export { escapeUserId } from '@media-sync/queue';
export {
  createNatsPublisher,
  deleteNatsStream,
  ensureStream,
  type NatsPublisher,
  type NatsPublisherOptions,
  natsMsgId,
  natsNames,
  toPublisherError,
} from './publisher.js';
export { createNatsSubscriber, durableName, type NatsSubscriberOptions } from './subscriber.js';
