export { escapeUserId } from '@media-sync/queue';
export {
  createRedisPublisher,
  deleteRedisKeys,
  type RedisPublisher,
  type RedisPublisherOptions,
  toPublisherError,
  userKeys,
} from './publisher.js';
export { createRedisSubscriber, type RedisSubscriberOptions } from './subscriber.js';
