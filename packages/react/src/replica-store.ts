import { type SequencedOperation, ValidationError } from '@media-sync/protocol';
import type { IncomingFrame, Queue, Subscriber } from '@media-sync/queue';
import {
  type ApplyResult,
  createReplica,
  type ReplicaOptions,
  type StateChange,
  UserStateReplica,
} from '@media-sync/state';
import { type ExternalSource, Listeners } from './external-source.js';

/**
 * A `UserStateReplica` that says when it changed. The snapshot is a version number that grows
 * with every change, so a view re-reads the replica's listings only after one.
 */
export interface ReplicaStore extends ExternalSource<number> {
  readonly replica: UserStateReplica;
  /** `replica.applyAll(ops)`; notifies when any op was applied (not a duplicate or superseded). */
  applyAll(ops: readonly SequencedOperation[]): ApplyResult[];
  /** `replica.merge(other)` (e.g. a snapshot another tab sent); notifies when it changed anything. */
  merge(other: UserStateReplica): StateChange[];
  /** Runs `change` on the replica (`takeCommands`, `pruneExpired`...) and notifies. */
  update<T>(change: (replica: UserStateReplica) => T): T;
}

/** A store around `replica`, or around a new replica made with `options`. */
export function createReplicaStore(replica: UserStateReplica | ReplicaOptions = {}): ReplicaStore {
  const held = replica instanceof UserStateReplica ? replica : createReplica(replica);
  let version = 0;
  const listeners = new Listeners(() => () => {});
  const changed = () => {
    version += 1;
    listeners.notify();
  };
  return {
    replica: held,
    subscribe: (listener) => listeners.subscribe(listener),
    getSnapshot: () => version,
    applyAll(ops) {
      const results = held.applyAll(ops);
      if (results.some((result) => result.status === 'applied')) changed();
      return results;
    },
    merge(other) {
      const before = JSON.stringify(held.snapshot());
      const changes = held.merge(other);
      // A merge can change what no listing shows (delivered flags, marks): compare everything.
      if (changes.length > 0 || JSON.stringify(held.snapshot()) !== before) changed();
      return changes;
    },
    update(change) {
      const result = change(held);
      changed();
      return result;
    },
  };
}

/** Anything that decodes a frame into sequenced ops: `@media-sync/codec`'s codec fits. */
export interface FrameDecoder {
  /** `userId`: the user of the channel the frame came on (a user-bound frame leaves it out). */
  decodeFrame(
    bytes: Uint8Array,
    options?: { readonly userId?: string },
  ): { readonly ops: readonly SequencedOperation[] };
}

export interface ConnectReplicaOptions {
  readonly store: ReplicaStore;
  readonly userId: string;
  /** This device's queue: its ops enter the replica the moment they are durable (optimistic view). */
  readonly queue?: Pick<Queue, 'on'>;
  /** The other devices' changes and this device's commands, decoded with `codec`. */
  readonly subscriber?: Subscriber;
  readonly codec?: FrameDecoder;
  /** Called after each frame was applied (count commands, persist the cursor...). */
  readonly onFrame?: (frame: IncomingFrame, ops: readonly SequencedOperation[]) => void | Promise<void>;
  /**
   * Called with a frame the codec refused (its `CodecError`: a user-bound frame of another user's
   * channel fails its checksum, a damaged or forged one is malformed) or whose ops the replica
   * refused (`ValidationError`: a frame that names another user, published into this user's
   * channel) before it is consumed without being applied. Default: `console.warn`. Its bytes
   * never change, so handing it over again would hold back every frame after it on the channel
   * for good.
   */
  readonly onRejectedFrame?: (frame: IncomingFrame, error: Error & { readonly code: string }) => void | Promise<void>;
}

/**
 * A refusal of the frame's bytes, which no retry changes: the codec's (`CodecError` of
 * `@media-sync/codec`) or the replica's (`ValidationError`: nothing of the frame was applied).
 */
function isRefusal(error: unknown): error is Error & { readonly code: string } {
  return (
    error instanceof ValidationError ||
    (error instanceof Error && error.name === 'CodecError' && typeof (error as { code?: unknown }).code === 'string')
  );
}

function warnRejectedFrame(frame: IncomingFrame, error: Error): void {
  console.warn(
    `media-sync: skipped a frame that does not decode or belongs to another user (${frame.transportId ?? 'no transport id'}): ${error.message}`,
  );
}

export interface ReplicaConnection {
  /** Stops following the queue and unsubscribes; the subscriber stays open. */
  close(): Promise<void>;
}

/**
 * Feeds a replica store what every client writes by hand: its own queue's ops as they are
 * enqueued, and the frames of its user's other devices as the subscriber hands them over
 * (catch-up, then live). A frame is consumed (the subscriber's cursor moves) only after it was
 * applied, so nothing is skipped after a reload.
 */
export async function connectReplica(options: ConnectReplicaOptions): Promise<ReplicaConnection> {
  const { store, userId, queue, subscriber, codec, onFrame, onRejectedFrame = warnRejectedFrame } = options;
  if (subscriber !== undefined && codec === undefined) {
    throw new TypeError('connectReplica: a subscriber needs a codec to decode its frames');
  }
  const offQueue = queue?.on('enqueued', ({ ops }) => store.applyAll(ops));
  const subscription =
    subscriber === undefined || codec === undefined
      ? undefined
      : await subscriber.subscribe(userId, async (frame) => {
          // The subscription is the user's channel: it names the user of user-bound frames.
          let ops: readonly SequencedOperation[];
          try {
            ({ ops } = codec.decodeFrame(frame.bytes, { userId }));
            // Validates every op first (another user's among them) and applies none if one fails.
            store.applyAll(ops);
          } catch (error) {
            if (!isRefusal(error)) throw error;
            await onRejectedFrame(frame, error);
            return;
          }
          await onFrame?.(frame, ops);
        });
  return {
    async close() {
      offQueue?.();
      await subscription?.unsubscribe();
    },
  };
}
