export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, type ResolvedBackoff, resolveBackoff } from './backoff.js';
export { decodeBody, encodeBody } from './body.js';
export { type Environment, SyncDeltaConfig } from './config.js';
export { ConfigError, type ConfigErrorCode, QueueError, type QueueErrorCode } from './errors.js';
export { TypedEmitter } from './events.js';
export { escapeUserId } from './names.js';
export {
  type ConnectionState,
  type EncodedFrame,
  type IncomingFrame,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  type PublisherCapabilities,
  PublisherError,
  type PublisherErrorCode,
  type RejectedRange,
  type SeqRange,
  type Subscriber,
  type Subscription,
  toRejectedRanges,
} from './publisher.js';
export { createQueue, META_KEYS, type ResolvedQueueConfig, resolveQueueConfig } from './queue.js';
export {
  type AppendResult,
  type DeadLetterRecord,
  type DeadLetterSummary,
  holderIsDeadLocalProcess,
  type LeaseProcess,
  type NewQueueRecord,
  type QueueRecord,
  type ReplayLeaseHolder,
  type StorageAdapter,
  type StorageCapabilities,
  type StorageCounts,
  StorageError,
  type StorageErrorCode,
} from './storage.js';
export type {
  AutoReplayOptions,
  DeadLetter,
  DeadLetteredEvent,
  FrameByteMetrics,
  FrameEncoder,
  FramePublishedEvent,
  Queue,
  QueueConfig,
  QueueErrorEvent,
  QueueEvents,
  QueueMetrics,
  QueueOptions,
  ReplayOptions,
  ReplayProgress,
  ReplayReport,
  ReplayStop,
} from './types.js';
