import { createHash } from 'node:crypto';
import type { Subscriber, Subscription } from '@media-sync/queue';
import { PublisherError } from '@media-sync/queue';
import { AckPolicy, type ConnectionOptions, DeliverPolicy } from 'nats';
import { ensureStream, lazyConnection, natsNames, settledWithin } from './publisher.js';

export interface NatsSubscriberOptions {
  /** The subscribing device: it has one durable consumer per user it follows. */
  readonly deviceId: string;
  /** Default `nats://127.0.0.1:4222`. */
  readonly servers?: string | readonly string[];
  /** Default `media-sync` (the publishers' prefix). */
  readonly prefix?: string;
  /** Connection timeout. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** Frames in flight to this device before it acknowledges them. Default 100. */
  readonly maxAckPending?: number;
  readonly connection?: ConnectionOptions;
}

/**
 * The durable consumer of (user, device): a name the server keeps across restarts, derived
 * from both ids (a hash, since consumer names allow fewer characters than ids do).
 */
export function durableName(userId: string, deviceId: string): string {
  // JSON keeps the parts apart: ids may hold a newline, and `a` + `b\nc` must not name the consumer of `a\nb` + `c`.
  return `media-sync-${createHash('sha256')
    .update(JSON.stringify([userId, deviceId]))
    .digest('hex')
    .slice(0, 32)}`;
}

/**
 * Reads a user's subject through the device's durable JetStream consumer: everything the device
 * has not acknowledged yet, in stream order, then new frames. A frame is acknowledged (and
 * waited for: `ackAck`) once `onFrame` resolved, so the server resumes after it; one that was
 * handed over but not acknowledged comes again.
 */
export function createNatsSubscriber(options: NatsSubscriberOptions): Subscriber {
  const prefix = options.prefix ?? 'media-sync';
  const timeoutMs = options.timeoutMs ?? 5_000;
  const names = natsNames(prefix);
  const connection = lazyConnection(options);
  const stops = new Set<() => Promise<void>>();
  let closed = false;

  return {
    async subscribe(userId, onFrame): Promise<Subscription> {
      if (closed) throw new PublisherError('CLOSED', 'the NATS subscriber is closed');
      const nc = await connection.get();
      const manager = await nc.jetstreamManager({ timeout: timeoutMs });
      await ensureStream(manager, prefix, 120_000);
      const durable = durableName(userId, options.deviceId);
      await manager.consumers.add(names.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: names.subjectOf(userId),
        max_ack_pending: options.maxAckPending ?? 100,
        ack_wait: nanosOf(Math.max(timeoutMs * 6, 30_000)),
      });
      const consumer = await nc.jetstream({ timeout: timeoutMs }).consumers.get(names.stream, durable);
      const messages = await consumer.consume({ max_messages: options.maxAckPending ?? 100 });
      let stopped = false;
      /** The frame being handed over and acknowledged; `unsubscribe` lets it finish. */
      let handing: Promise<void> = Promise.resolve();
      const loop = (async () => {
        for await (const message of messages) {
          if (stopped) {
            // Delivered after `unsubscribe`: handed back at once, so it is not held for the ack
            // wait while the frames after it reach the device's next subscriber first.
            message.nak();
            continue;
          }
          handing = (async () => {
            try {
              await onFrame({ bytes: message.data, transportId: String(message.seq) });
              await message.ackAck();
            } catch {
              // Not acknowledged: the server hands it over again after a short delay.
              message.nak(250);
            }
          })();
          await handing;
        }
      })();
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        stops.delete(stop);
        // Each step is bounded: an `onFrame` that never settles, or a server that went away
        // while a frame was being acknowledged, must not hold `close()` for ever. A frame left
        // unacknowledged is delivered again to the durable consumer.
        await settledWithin(handing, timeoutMs);
        await settledWithin(messages.close(), timeoutMs);
        await settledWithin(loop, timeoutMs);
        // The server drops a waiting pull request once it sees no interest in its inbox; until
        // it has read the UNSUB, a frame published now would go to the closed inbox and stay
        // unacknowledged for the whole ack wait, overtaken by the frames after it. A round
        // trip makes sure it has read the UNSUB and the NAKs above.
        await settledWithin(nc.flush(), timeoutMs);
      };
      stops.add(stop);
      return { unsubscribe: stop };
    },

    async close() {
      closed = true;
      await Promise.all([...stops].map((stop) => stop()));
      const nc = await settledWithin(
        connection.current()?.catch(() => undefined),
        timeoutMs,
      );
      await settledWithin(nc?.close(), timeoutMs);
    },
  };
}

function nanosOf(ms: number): number {
  return ms * 1_000_000;
}
