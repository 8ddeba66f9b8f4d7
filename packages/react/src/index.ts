export { createConnectionSource } from './connection.js';
export { type ExternalSource, Listeners } from './external-source.js';
export { type ReplicaView, useConnectionState, useQueueMetrics, useQueueStatus, useReplica } from './hooks.js';
export {
  createQueueMetricsSource,
  createQueueStatusSource,
  type QueueStatusOptions,
  type QueueStatusSnapshot,
  type QueueStatusSource,
} from './queue-status.js';
export {
  type ConnectReplicaOptions,
  connectReplica,
  createReplicaStore,
  type FrameDecoder,
  type ReplicaConnection,
  type ReplicaStore,
} from './replica-store.js';
