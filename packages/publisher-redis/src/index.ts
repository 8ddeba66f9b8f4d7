export { escapeUserId } from '@media-sync/queue';
export {
  createRedisPublisher,
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_LEN,
  deleteRedisKeys,
  type RedisPublisher,
  type RedisPublisherOptions,
  toPublisherError,
  userKeys,
} from './publisher.js';
export { createRedisSubscriber, type RedisStreamGap, type RedisSubscriberOptions } from './subscriber.js';
