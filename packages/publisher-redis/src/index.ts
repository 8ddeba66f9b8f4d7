export { escapeUserId } from './names.js';
export {
  createRedisPublisher,
  type RedisPublisher,
  type RedisPublisherOptions,
  toPublisherError,
  userKeys,
} from './publisher.js';
export { createRedisSubscriber, type RedisSubscriberOptions } from './subscriber.js';
