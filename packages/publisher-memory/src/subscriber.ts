import { type IncomingFrame, PublisherError, type Subscriber, type Subscription } from '@media-sync/queue';
import { coreOf, type MemoryBroker } from './broker.js';

export interface MemorySubscriberOptions {
  /** The broker the publishers send to. */
  readonly broker: MemoryBroker;
  /** The subscribing device: its position in each user's log is kept under this id. */
  readonly deviceId: string;
  /**
   * Called with the error of every `onFrame` that fails (throws or rejects), and the frame,
   * before the frame is handed over again. Without it, such a failure is not silent either: a
   * subscription stopped while its frame was still unconsumed rejects `unsubscribe()` and
   * `close()` with that error.
   */
  readonly onError?: (error: unknown, frame: IncomingFrame) => void;
}

/**
 * Reads a user's log on the broker from the device's position: every frame after it, in order,
 * then new ones as they are appended. The position moves past a frame once `onFrame` resolved;
 * a frame whose `onFrame` failed goes to `onError` and is handed over again shortly, and one still
 * unconsumed when the subscription stops rejects the stop (without `onError`), so a failing
 * `onFrame` is never lost without a trace. The position lives in the broker, so a device that
 * subscribes again (another subscriber, same `deviceId`) resumes there.
 */
export function createMemorySubscriber(options: MemorySubscriberOptions): Subscriber {
  const core = coreOf(options.broker);
  const stops = new Set<() => Promise<void>>();
  let closed = false;
  return {
    async subscribe(userId, onFrame): Promise<Subscription> {
      if (closed) throw new PublisherError('CLOSED', 'the memory subscriber is closed');
      const follow = core.follow(userId, options.deviceId, onFrame, options.onError);
      const stop = async () => {
        stops.delete(stop);
        const unconsumed = await follow();
        if (unconsumed !== undefined && options.onError === undefined) throw unconsumed.error;
      };
      stops.add(stop);
      return { unsubscribe: stop };
    },
    async close() {
      closed = true;
      await Promise.all([...stops].map((stop) => stop()));
    },
  };
}
