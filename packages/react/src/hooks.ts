import type { ConnectionState, Publisher, Queue, QueueMetrics } from '@media-sync/queue';
import type { UserStateReplica } from '@media-sync/state';
import { useMemo, useSyncExternalStore } from 'react';
import { createConnectionSource } from './connection.js';
import {
  createQueueMetricsSource,
  createQueueStatusSource,
  type QueueStatusOptions,
  type QueueStatusSnapshot,
} from './queue-status.js';
import type { ReplicaStore } from './replica-store.js';

const NO_QUEUE_STATUS: QueueStatusSnapshot = {
  pending: 0,
  deadLettered: 0,
  lastSeq: 0,
  oldestPendingAt: null,
  loaded: false,
  error: null,
};
const noSubscription = () => () => {};

/**
 * The queue's pending and dead-lettered counts (and last seq, oldest pending time), re-read after
 * every enqueue, frame, dead letter and replay run. `null` while there is no queue yet.
 */
export function useQueueStatus(queue: Queue | null | undefined, options: QueueStatusOptions = {}): QueueStatusSnapshot {
  const pollMs = options.pollMs ?? 0;
  const source = useMemo(() => (queue == null ? null : createQueueStatusSource(queue, { pollMs })), [queue, pollMs]);
  return useSyncExternalStore(
    source?.subscribe ?? noSubscription,
    source?.getSnapshot ?? (() => NO_QUEUE_STATUS),
    source?.getSnapshot ?? (() => NO_QUEUE_STATUS),
  );
}

/** `queue.metrics()`: published ops, frames, `bytesWire` against the `bytesJson` baseline... */
export function useQueueMetrics(queue: Queue): QueueMetrics {
  const source = useMemo(() => createQueueMetricsSource(queue), [queue]);
  return useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot);
}

/** `online` from the gateway's greeting until the link drops, else `offline` (also with no publisher). */
export function useConnectionState(
  publisher: Pick<Publisher, 'connectionState' | 'onConnectionState'> | null | undefined,
): ConnectionState {
  const source = useMemo(() => createConnectionSource(publisher), [publisher]);
  return useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot);
}

export interface ReplicaView {
  readonly watchlist: ReturnType<UserStateReplica['watchlist']>;
  readonly progress: ReturnType<UserStateReplica['progress']>;
}

const selectReplicaView = (replica: UserStateReplica): ReplicaView => ({
  watchlist: replica.watchlist(),
  progress: replica.progress(),
});

/**
 * What `select` reads from the store's replica, read again after each change of the replica
 * (and when `select` is a new function). Without `select`: the watchlist and progress listings.
 */
export function useReplica(store: ReplicaStore): ReplicaView;
export function useReplica<T>(store: ReplicaStore, select: (replica: UserStateReplica) => T): T;
export function useReplica<T>(
  store: ReplicaStore,
  select: (replica: UserStateReplica) => T | ReplicaView = selectReplicaView,
): T | ReplicaView {
  const version = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is what says the replica changed.
  return useMemo(() => select(store.replica), [store, select, version]);
}
