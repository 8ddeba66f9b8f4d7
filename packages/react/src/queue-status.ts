import type { Queue, QueueEvents, QueueMetrics, StorageCounts } from '@media-sync/queue';
import { type ExternalSource, Listeners } from './external-source.js';

/** The queue's counts as a page shows them: "3 changes not yet synced, 1 could not be saved". */
export interface QueueStatusSnapshot extends StorageCounts {
  /** False until the first `status()` answered (the counts are zeros until then). */
  readonly loaded: boolean;
  /** Why the last `status()` failed (a closed storage...), or null; the counts are the last known. */
  readonly error: unknown;
}

export interface QueueStatusOptions {
  /**
   * Also re-read the counts every `pollMs` milliseconds. The queue's events cover what this
   * queue does; another writer of the same storage (another tab's queue) is seen only so.
   * Default 0: events only.
   */
  readonly pollMs?: number;
}

export interface QueueStatusSource extends ExternalSource<QueueStatusSnapshot> {
  /** Reads the counts now; resolves once the snapshot reflects them. */
  refresh(): Promise<void>;
}

const INITIAL_STATUS: QueueStatusSnapshot = {
  pending: 0,
  deadLettered: 0,
  lastSeq: 0,
  oldestPendingAt: null,
  loaded: false,
  error: null,
};

/** Queue events after which the counts may have changed. */
const STATUS_EVENTS = ['enqueued', 'framePublished', 'deadLettered', 'replayed'] as const satisfies ReadonlyArray<
  keyof QueueEvents
>;

/**
 * The counts of `queue.status()`, re-read after each queue event that can change them (and every
 * `pollMs`). One read runs at a time; events during a read cause one more read after it, so a
 * burst of 200 enqueues costs a handful of reads and the last snapshot is never stale.
 */
export function createQueueStatusSource(queue: Queue, options: QueueStatusOptions = {}): QueueStatusSource {
  const pollMs = options.pollMs ?? 0;
  if (!Number.isFinite(pollMs) || pollMs < 0) throw new TypeError(`pollMs must be a number ≥ 0, got ${pollMs}`);
  let snapshot = INITIAL_STATUS;
  let running: Promise<void> | undefined;
  let again = false;

  const read = async (): Promise<void> => {
    do {
      again = false;
      let next: QueueStatusSnapshot;
      try {
        next = { ...(await queue.status()), loaded: true, error: null };
      } catch (error) {
        next = { ...snapshot, error };
      }
      if (!sameStatus(snapshot, next)) {
        snapshot = next;
        listeners.notify();
      }
    } while (again);
  };

  const refresh = (): Promise<void> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = read().finally(() => {
      running = undefined;
    });
    return running;
  };

  const listeners = new Listeners(() => {
    const offs = STATUS_EVENTS.map((type) => queue.on(type, () => void refresh()));
    const timer = pollMs > 0 ? setInterval(() => void refresh(), pollMs) : undefined;
    void refresh();
    return () => {
      for (const off of offs) off();
      if (timer !== undefined) clearInterval(timer);
    };
  });

  return {
    subscribe: (listener) => listeners.subscribe(listener),
    getSnapshot: () => snapshot,
    refresh,
  };
}

function sameStatus(a: QueueStatusSnapshot, b: QueueStatusSnapshot): boolean {
  return (
    a.loaded === b.loaded &&
    a.error === b.error &&
    a.pending === b.pending &&
    a.deadLettered === b.deadLettered &&
    a.lastSeq === b.lastSeq &&
    a.oldestPendingAt === b.oldestPendingAt
  );
}

/**
 * `queue.metrics()` (ops published, frames, and the §5 bytes: `bytesWire` sent against the
 * `bytesJson` baseline), renewed after every frame, dead letter and replay run.
 */
export function createQueueMetricsSource(queue: Queue): ExternalSource<QueueMetrics> {
  let snapshot = queue.metrics();
  const listeners = new Listeners(() => {
    const update = () => {
      snapshot = queue.metrics();
      listeners.notify();
    };
    snapshot = queue.metrics();
    const offs = (['framePublished', 'deadLettered', 'replayed', 'enqueued'] as const).map((type) =>
      queue.on(type, update),
    );
    return () => {
      for (const off of offs) off();
    };
  });
  return { subscribe: (listener) => listeners.subscribe(listener), getSnapshot: () => snapshot };
}
