import type { ConnectionState, IncomingFrame } from '@media-sync/queue';

export interface MemoryBrokerOptions {
  /**
   * When set, a publisher is accepted only with these exact `credentials`; any other publish
   * fails with a permanent `UNAUTHORIZED` (the refused-credentials case of a real broker).
   */
  readonly credentials?: string;
}

/**
 * An in-process broker: one log per user, a durable position per (user, device), and the
 * faults a network and a broker cause, on command. Publishers and subscribers given the same
 * broker see one another; its fault methods match `FaultControl` of
 * `@media-sync/publisher-conformance`, so the suite can drive them.
 */
export interface MemoryBroker {
  /** `down()` was called and `up()` not yet. */
  readonly isDown: boolean;
  /** The broker becomes unreachable: its publishers go offline and every publish fails `UNAVAILABLE`. */
  down(): Promise<void>;
  /** The broker is reachable again: publishers it took offline come back online. */
  up(): Promise<void>;
  /**
   * Cuts the link of the next publish that reaches the broker (on any of its publishers): it
   * rejects with `DISCONNECTED` and its publisher goes offline until its next publish
   * reconnects. With `delivered`, the broker had taken the frame and only the ack is lost.
   * Resolves once the cut happened. (`minBytes` is accepted for `FaultControl`'s sake; an
   * in-process frame is never half sent.)
   */
  cutNextPublish(options: { readonly minBytes?: number; readonly delivered: boolean }): Promise<void>;
  /** The frames in `userId`'s log, in the order appended (a re-published frame appears once). */
  frames(userId: string): readonly Uint8Array[];
}

/** What publishers and subscribers of this package reach behind the public broker interface. */
export interface BrokerCore {
  readonly credentials: string | undefined;
  readonly isDown: boolean;
  /** Calls `listener` on `down()` (offline) and `up()` (online); returns the unsubscribe function. */
  watch(listener: (state: ConnectionState) => void): () => void;
  /** Takes the pending cut, if any: the publish that called it is the one cut. */
  takeCut(): { readonly delivered: boolean; readonly done: () => void } | undefined;
  /**
   * Appends a frame to `userId`'s log unless every op in it (by device and seq) was appended
   * before; a frame without ops is appended unless one with the same device and seq range was.
   * Returns whether it was appended.
   */
  append(
    userId: string,
    frame: {
      readonly deviceId: string;
      readonly firstSeq: number;
      readonly lastSeq: number;
      readonly opSeqs: readonly number[];
    },
    bytes: Uint8Array,
  ): boolean;
  /**
   * Hands `userId`'s log to `onFrame` from the device's stored position, then what is appended;
   * a frame whose `onFrame` failed goes to `onError` and is handed over again shortly. Returns
   * the stop function, which resolves with the failure of a frame left unconsumed, if any.
   */
  follow(
    userId: string,
    deviceId: string,
    onFrame: (frame: IncomingFrame) => void | Promise<void>,
    onError?: (error: unknown, frame: IncomingFrame) => void,
  ): () => Promise<UnconsumedFrame | undefined>;
}

/** A frame whose last `onFrame` failed, and the error it failed with. */
export interface UnconsumedFrame {
  readonly frame: IncomingFrame;
  readonly error: unknown;
}

const cores = new WeakMap<MemoryBroker, BrokerCore>();

/** The internals of a broker made by `createMemoryBroker`. */
export function coreOf(broker: MemoryBroker): BrokerCore {
  const core = cores.get(broker);
  if (core === undefined) throw new TypeError('broker: expected a broker made by createMemoryBroker()');
  return core;
}

interface UserLog {
  readonly frames: Uint8Array[];
  /** `<deviceId>\n<seq>` of every op appended, and `<deviceId>\n<first>-<last>` of op-less frames. */
  readonly seen: Set<string>;
  readonly wakers: Set<() => void>;
}

/** Wait before handing a frame over again after `onFrame` failed. */
const RETRY_MS = 50;

export function createMemoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  const logs = new Map<string, UserLog>();
  /** Position per `<userId>\n<deviceId>`: how many frames of the user's log the device consumed. */
  const positions = new Map<string, number>();
  const watchers = new Set<(state: ConnectionState) => void>();
  let isDown = false;
  let pendingCut: { readonly delivered: boolean; readonly done: () => void } | undefined;

  const logOf = (userId: string): UserLog => {
    let log = logs.get(userId);
    if (log === undefined) {
      log = { frames: [], seen: new Set(), wakers: new Set() };
      logs.set(userId, log);
    }
    return log;
  };

  const core: BrokerCore = {
    credentials: options.credentials,
    get isDown() {
      return isDown;
    },
    watch(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    takeCut() {
      const cut = pendingCut;
      pendingCut = undefined;
      return cut;
    },
    append(userId, frame, bytes) {
      const log = logOf(userId);
      const keys =
        frame.opSeqs.length > 0
          ? frame.opSeqs.map((seq) => `${frame.deviceId}\n${seq}`)
          : [`${frame.deviceId}\n${frame.firstSeq}-${frame.lastSeq}`];
      if (keys.every((key) => log.seen.has(key))) return false;
      for (const key of keys) log.seen.add(key);
      log.frames.push(Uint8Array.from(bytes));
      for (const wake of [...log.wakers]) wake();
      return true;
    },
    follow(userId, deviceId, onFrame, onError) {
      const log = logOf(userId);
      const positionKey = `${userId}\n${deviceId}`;
      let stopped = false;
      let retry: ReturnType<typeof setTimeout> | undefined;
      let chain: Promise<void> = Promise.resolve();
      let unconsumed: UnconsumedFrame | undefined;
      const pump = () => {
        chain = chain.then(async () => {
          let position = positions.get(positionKey) ?? 0;
          while (!stopped && position < log.frames.length) {
            const frame: IncomingFrame = { bytes: log.frames[position] as Uint8Array, transportId: String(position) };
            try {
              await onFrame(frame);
            } catch (error) {
              unconsumed = { frame, error };
              try {
                onError?.(error, frame);
              } catch {
                // A failing error handler must not stop the retries; the failure is kept for `stop`.
              }
              // Not consumed: handed over again shortly, from the same position.
              retry ??= setTimeout(() => {
                retry = undefined;
                pump();
              }, RETRY_MS);
              return;
            }
            unconsumed = undefined;
            position += 1;
            positions.set(positionKey, position);
          }
        });
      };
      log.wakers.add(pump);
      pump();
      return async () => {
        stopped = true;
        log.wakers.delete(pump);
        clearTimeout(retry);
        await chain;
        return unconsumed;
      };
    },
  };

  const broker: MemoryBroker = {
    get isDown() {
      return isDown;
    },
    async down() {
      isDown = true;
      for (const watcher of [...watchers]) watcher('offline');
    },
    async up() {
      isDown = false;
      for (const watcher of [...watchers]) watcher('online');
    },
    cutNextPublish({ delivered }) {
      return new Promise<void>((resolve) => {
        pendingCut = { delivered, done: resolve };
      });
    },
    frames: (userId) => logs.get(userId)?.frames ?? [],
  };
  cores.set(broker, core);
  return broker;
}
