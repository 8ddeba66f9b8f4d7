export { escapeUserId } from '@media-sync/queue';
export {
  createMqttPublisher,
  type MqttPublisher,
  type MqttPublisherOptions,
  toPublisherError,
  topicOf,
  whenConnected,
} from './publisher.js';
export { createMqttSubscriber, type MqttSubscriberOptions, sessionClientId } from './subscriber.js';
