export {
  type ConnectionState,
  type IncomingFrame,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  type PublisherCapabilities,
  PublisherError,
  type PublisherErrorCode,
  type RejectedOperation,
  type Subscriber,
  type Subscription,
} from './publisher.js';
export {
  type AppendResult,
  type DeadLetterRecord,
  type NewQueueRecord,
  type QueueRecord,
  type StorageAdapter,
  type StorageCapabilities,
  type StorageCounts,
  StorageError,
  type StorageErrorCode,
} from './storage.js';
