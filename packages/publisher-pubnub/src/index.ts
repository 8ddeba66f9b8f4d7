export {
  bounded,
  channelOf,
  createPubNubClient,
  createPubNubPublisher,
  type FramePart,
  type PubNubClientOptions,
  type PubNubPublisher,
  type PubNubPublisherOptions,
  splitFrame,
  toPublisherError,
} from './publisher.js';
export {
  createPubNubSubscriber,
  memoryPositions,
  type PubNubPositionStore,
  type PubNubSubscriberOptions,
} from './subscriber.js';
