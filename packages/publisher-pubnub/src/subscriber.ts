import { randomUUID } from 'node:crypto';
import { PublisherError, type Subscriber, type Subscription } from '@media-sync/queue';
import type PubNub from 'pubnub';
import { bounded, channelOf, createPubNubClient, type FramePart, type PubNubClientOptions } from './publisher.js';

/** Where a device keeps its position (a timetoken) in each user's channel: PubNub keeps none. */
export interface PubNubPositionStore {
  load(userId: string, deviceId: string): string | undefined | Promise<string | undefined>;
  save(userId: string, deviceId: string, timetoken: string): void | Promise<void>;
}

export interface PubNubSubscriberOptions extends PubNubClientOptions {
  /** The subscribing device. */
  readonly deviceId: string;
  /** Positions per (user, device). Default: in this subscriber's memory (lost with it). */
  readonly positions?: PubNubPositionStore;
  /** Reads history again after this long without a live message (a missed wake-up). Default 10 000 ms. */
  readonly pollIntervalMs?: number;
  /** Frames being put together from parts, at most; the oldest is dropped beyond. Default 32. */
  readonly maxPartialFrames?: number;
  /**
   * Largest frame put together from parts (the publisher's `maxFrameBytes`). Parts beyond it
   * drop the frame: anyone who may publish on the channel could otherwise make this subscriber
   * hold `maxPartialFrames` × 4 096 parts of 32 KiB (4 GiB). Default 1 MiB.
   */
  readonly maxFrameBytes?: number;
}

/** An in-memory position store. */
export function memoryPositions(): PubNubPositionStore {
  const positions = new Map<string, string>();
  return {
    load: (userId, deviceId) => positions.get(JSON.stringify([userId, deviceId])),
    save: (userId, deviceId, timetoken) => {
      // JSON keeps the parts apart: ids may hold a newline.
      positions.set(JSON.stringify([userId, deviceId]), timetoken);
    },
  };
}

interface Partial {
  readonly deviceId: string;
  /** The timetoken before the first part: the position to come back to while this frame is incomplete. */
  readonly before: bigint;
  readonly parts: Array<string | undefined>;
  received: number;
  /** Bytes of the parts received so far, decoded. */
  bytes: number;
}

const HISTORY_PAGE = 100;

/** Bytes a base64 text decodes to. */
function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}

function isPart(message: unknown): message is FramePart {
  const part = message as FramePart | null;
  return (
    typeof part === 'object' &&
    part !== null &&
    part.v === 1 &&
    typeof part.f === 'string' &&
    typeof part.a === 'string' &&
    typeof part.d === 'string' &&
    Number.isInteger(part.i) &&
    Number.isInteger(part.n) &&
    part.n >= 1 &&
    part.n <= 4_096 &&
    part.i >= 0 &&
    part.i < part.n
  );
}

/**
 * Reads a user's channel from the device's position, through the SDK: the backlog from
 * history (Message Persistence), oldest first, then new messages, each live message waking a
 * read of history after the position (one ordered path, so a frame split in parts is put
 * together in order and nothing is missed while reconnecting). The position moves past a frame
 * once `onFrame` resolved, and stays before the first part of a frame still incomplete; a
 * frame handed over but not consumed comes again.
 */
export function createPubNubSubscriber(options: PubNubSubscriberOptions): Subscriber {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const positions = options.positions ?? memoryPositions();
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  const maxPartial = options.maxPartialFrames ?? 32;
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const stops = new Set<() => Promise<void>>();
  let closed = false;

  return {
    async subscribe(userId, onFrame): Promise<Subscription> {
      if (closed) throw new PublisherError('CLOSED', 'the PubNub subscriber is closed');
      const channel = channelOf(userId);
      const client: PubNub = createPubNubClient(options, `media-sync-${options.deviceId}-${randomUUID().slice(0, 8)}`);
      /** The stored position: nothing at or before it needs handing over again. */
      let cursor = await positions.load(userId, options.deviceId);
      /** Where this subscription has read to; ahead of `cursor` while a frame is incomplete. */
      let readTo = cursor;
      const partials = new Map<string, Partial>();
      let stopped = false;
      let chain: Promise<void> = Promise.resolve();
      let again = false;
      let running = false;

      /** Everything after the cursor, oldest first: history pages come newest first, so read back to the cursor. */
      async function backlog(): Promise<Array<{ timetoken: string; message: unknown }>> {
        const collected: Array<{ timetoken: string; message: unknown }> = [];
        let start: string | undefined;
        const end = readTo === undefined ? undefined : String(BigInt(readTo) + 1n);
        for (;;) {
          const page = await bounded(
            client.fetchMessages({
              channels: [channel],
              count: HISTORY_PAGE,
              stringifiedTimeToken: true,
              ...(start === undefined ? {} : { start }),
              ...(end === undefined ? {} : { end }),
            }),
            timeoutMs,
          );
          const messages = page.channels[channel] ?? [];
          collected.unshift(...messages.map(({ timetoken, message }) => ({ timetoken: String(timetoken), message })));
          if (messages.length < HISTORY_PAGE || stopped) return collected;
          start = String(messages[0]?.timetoken);
        }
      }

      /** The position to store: past everything read, but before any frame still incomplete. */
      function position(read: string): string {
        let at = BigInt(read);
        for (const partial of partials.values()) if (partial.before < at) at = partial.before;
        return String(at);
      }

      async function consume(timetoken: string, message: unknown): Promise<void> {
        if (!isPart(message)) return;
        const key = `${message.f}\n${message.a}`;
        let partial = partials.get(key);
        if (partial === undefined) {
          if (message.i !== 0) return; // the start of this attempt was consumed before: nothing to put together
          partial = {
            deviceId: message.f.slice(0, message.f.lastIndexOf(':')),
            before: BigInt(timetoken) - 1n,
            parts: new Array(message.n).fill(undefined),
            received: 0,
            bytes: 0,
          };
          partials.set(key, partial);
          if (partials.size > maxPartial) partials.delete(partials.keys().next().value as string);
        }
        // A part of another split (its count differs) is not this frame's.
        if (message.n !== partial.parts.length) return;
        const previous = partial.parts[message.i];
        if (previous === undefined) partial.received += 1;
        partial.bytes += base64Bytes(message.d) - (previous === undefined ? 0 : base64Bytes(previous));
        if (partial.bytes > maxFrameBytes) {
          // Larger than any frame: dropped, and its later parts (not a first part) are ignored.
          partials.delete(key);
          return;
        }
        partial.parts[message.i] = message.d;
        if (partial.received < partial.parts.length) return;
        partials.delete(key);
        // A device publishes one frame at a time: its attempts left incomplete are dead now.
        for (const [other, candidate] of partials) if (candidate.deviceId === partial.deviceId) partials.delete(other);
        const bytes = Buffer.concat(partial.parts.map((part) => Buffer.from(part as string, 'base64')));
        await onFrame({
          bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          transportId: timetoken,
        });
      }

      /** One read of everything after the cursor; overlapping wake-ups fold into one more read. */
      const read = () => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        chain = (async () => {
          try {
            do {
              again = false;
              for (const { timetoken, message } of await backlog()) {
                if (stopped) return;
                await consume(timetoken, message);
                readTo = timetoken;
                cursor = position(timetoken);
                await positions.save(userId, options.deviceId, cursor);
              }
            } while (again && !stopped);
          } catch {
            // Unreachable, or `onFrame` failed: the next wake-up or poll reads again from the cursor.
            partials.clear();
            readTo = cursor;
          } finally {
            running = false;
          }
        })();
      };

      client.addListener({
        message: (event) => {
          if (event.channel === channel) read();
        },
      });
      client.subscribe({ channels: [channel] });
      const poll = setInterval(read, pollIntervalMs);
      read();

      const stop = async () => {
        if (stopped) return;
        stopped = true;
        stops.delete(stop);
        clearInterval(poll);
        client.unsubscribeAll();
        client.destroy(true);
        // Bounded: an `onFrame` that never settles does not hold `unsubscribe` for ever.
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          chain,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
          }),
        ]);
        clearTimeout(timer);
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
