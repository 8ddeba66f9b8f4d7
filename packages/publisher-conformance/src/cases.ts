import type { Codec } from '@media-sync/codec';
import {
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  PublisherError,
  type Subscriber,
} from '@media-sync/queue';
import { frameNear, Replica, sampleFrame } from './frames.js';
import type { FaultControl } from './proxy.js';

export type PublisherConformanceTheme = 'delivery' | 'dedupe' | 'catchUp' | 'isolation' | 'limits' | 'outage' | 'auth';

/** What one case gets: fresh clients on a namespace of its own, and the faults it may inject. */
export interface PublisherConformanceContext {
  readonly codec: Codec;
  /** Random per case: the adapter prefixes every topic, stream and key with it. */
  readonly namespace: string;
  /** The publishers' and subscribers' own timeout; waits in a case allow a few of them. */
  readonly timeoutMs: number;
  /** A publisher, closed after the case. `viaFaults` connects through the fault injection. */
  publisher(options?: { readonly viaFaults?: boolean }): Promise<Publisher>;
  /** The subscribing half for device `deviceId` (its durable position is per device), closed after the case. */
  subscriber(deviceId: string): Promise<Subscriber>;
  /** Present when the adapter runs against a broker (a proxy in front of it) or injects faults itself. */
  readonly faults: FaultControl | undefined;
  /** Present when the adapter can be given credentials the broker refuses. */
  readonly refusedPublisher: (() => Promise<Publisher>) | undefined;
}

export interface PublisherConformanceCase {
  readonly theme: PublisherConformanceTheme;
  readonly name: string;
  /** Whether the case applies, read from the live publisher and context (not from a list the test passes). */
  readonly applies?: (publisher: Publisher, context: PublisherConformanceContext) => boolean;
  /** What `applies` looks for, named in the skip note when the adapter lacks it. */
  readonly requires?: string;
  run(context: PublisherConformanceContext): Promise<void>;
}

const USER = 'user-1';

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length !== expected.length || actual.some((byte, i) => byte !== expected[i])) {
    throw new Error(`${what}: the bytes differ (${actual.length} received, ${expected.length} sent)`);
  }
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/**
 * The ack rejects nothing and reports the bytes sent: the self-contained frame, or for a
 * session-context publisher an encoding no larger (§5: context only ever saves bytes).
 */
function checkAck(ack: PublishAck, frame: OutgoingFrame, what: string, publisher?: Publisher): void {
  same(ack.rejected, [], `${what}: rejected ranges`);
  const selfContained = frame.selfContained().bytes.length;
  if (publisher?.capabilities.sessionContext) {
    assert(
      ack.metrics.bytesWire > 0 && ack.metrics.bytesWire <= selfContained,
      `${what}: metrics.bytesWire ${ack.metrics.bytesWire} is not within 1..${selfContained}`,
    );
  } else same(ack.metrics.bytesWire, selfContained, `${what}: metrics.bytesWire`);
}

/** The ops of `bytes` as JSON, for comparing frames a receiver re-encoded. */
function opsOf(codec: PublisherConformanceContext['codec'], bytes: Uint8Array, userId = USER): string {
  return JSON.stringify(codec.decodeFrame(bytes, { userId }).ops);
}

async function expectPublisherError(
  attempt: Promise<unknown>,
  check: (error: PublisherError) => boolean,
  what: string,
  withinMs: number,
): Promise<PublisherError> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${withinMs} ms (a hang)`)), withinMs);
  });
  try {
    await Promise.race([attempt, deadline]);
  } catch (error) {
    if (!(error instanceof PublisherError)) throw new Error(`${what}: expected a PublisherError, got ${String(error)}`);
    if (!check(error)) throw new Error(`${what}: unexpected ${error.code} (transient ${error.transient})`);
    return error;
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`${what}: resolved, expected a PublisherError`);
}

/** Publishes `frame` until it is acknowledged, backing off on transient errors as the queue does. */
async function publishUntilAcked(publisher: Publisher, frame: OutgoingFrame, withinMs: number): Promise<PublishAck> {
  const deadline = Date.now() + withinMs;
  let delay = 25;
  for (;;) {
    try {
      return await publisher.publish(frame);
    } catch (error) {
      if (!(error instanceof PublisherError) || !error.transient) throw error;
      if (Date.now() > deadline) throw new Error(`no ack within ${withinMs} ms, last ${error.code}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 250);
    }
  }
}

/** A subscriber for `deviceId` feeding a fresh replica. */
async function subscribed(context: PublisherConformanceContext, deviceId: string, userId = USER) {
  const replica = new Replica(context.codec, userId);
  const subscriber = await context.subscriber(deviceId);
  const subscription = await subscriber.subscribe(userId, replica.onFrame);
  return { replica, subscriber, subscription };
}

const wait = (context: PublisherConformanceContext) => context.timeoutMs * 4;

/** User ids that break naive topic, subject and key names (separators, wildcards, prefixes of each other). */
export const AWKWARD_USER_IDS: readonly string[] = [
  'u',
  'u.x',
  'u/x',
  '*',
  '>',
  '+',
  '#',
  'u:1',
  'u x',
  'ü-ñ',
  '%2E',
  'u.*',
  '{u}',
];

export const publisherConformanceCases: readonly PublisherConformanceCase[] = [
  {
    theme: 'delivery',
    name: 'acks a frame a subscriber connecting afterwards reads back byte for byte',
    async run(context) {
      // The subscriber's device registers its durable position first (a persistent session
      // needs that), then is offline while the frame is published.
      const early = await subscribed(context, 'reader');
      await early.subscription.unsubscribe();
      await early.subscriber.close();
      const publisher = await context.publisher();
      const frame = sampleFrame(context.codec, USER, 'phone', 1, 3);
      const ack = await publisher.publish(frame);
      checkAck(ack, frame, 'first publish', publisher);
      same(ack.duplicate, false, 'ack.duplicate of a new frame');
      const later = await subscribed(context, 'reader');
      await later.replica.waitForSeq('phone', 3, wait(context));
      const got = later.replica.received[0]?.bytes ?? new Uint8Array();
      // A session-context publisher's receiver (a gateway) decodes, stores and re-encodes: the
      // same ops in frames of its making. Anything else carries the publisher's bytes as they are.
      if (publisher.capabilities.sessionContext) {
        same(opsOf(context.codec, got), JSON.stringify(frame.ops), 'the ops the frame carried');
      } else sameBytes(got, frame.selfContained().bytes, 'frame bytes');
      same(later.replica.appliedSeqs('phone'), [1, 2, 3], 'applied seqs');
    },
  },
  {
    theme: 'delivery',
    name: 'delivers each device’s frames in seq order while devices publish at once',
    async run(context) {
      const { replica } = await subscribed(context, 'reader');
      const devices = ['phone', 'tv', 'laptop'];
      const frameCount = 12;
      await Promise.all(
        devices.map(async (deviceId) => {
          const publisher = await context.publisher();
          for (let i = 0; i < frameCount; i++) {
            const frame = sampleFrame(context.codec, USER, deviceId, 1 + i * 2, 2);
            checkAck(await publisher.publish(frame), frame, `${deviceId} frame ${i}`, publisher);
          }
        }),
      );
      for (const deviceId of devices) await replica.waitForSeq(deviceId, frameCount * 2, wait(context));
      for (const deviceId of devices) {
        const firsts = replica.received.filter((frame) => frame.deviceId === deviceId).map((frame) => frame.firstSeq);
        same(
          firsts,
          range(0, frameCount - 1).map((i) => 1 + i * 2),
          `${deviceId}: frames in arrival order`,
        );
      }
    },
  },
  {
    theme: 'dedupe',
    name: 'a re-published frame is applied once (and received once when the publisher declares dedupe)',
    async run(context) {
      const { replica } = await subscribed(context, 'reader');
      const publisher = await context.publisher();
      const frame = sampleFrame(context.codec, USER, 'phone', 1, 2);
      const first = await publisher.publish(frame);
      const again = await publisher.publish(frame);
      checkAck(again, frame, 'second publish', publisher);
      const sentinel = sampleFrame(context.codec, USER, 'phone', 3, 1);
      await publisher.publish(sentinel);
      await replica.waitForSeq('phone', 3, wait(context));
      same(replica.appliedSeqs('phone'), [1, 2, 3], 'applied seqs');
      if (publisher.capabilities.dedupe) {
        same(first.duplicate, false, 'first ack.duplicate');
        same(again.duplicate, true, 'second ack.duplicate (declared dedupe)');
        same(
          replica.received.map((received) => received.firstSeq),
          [1, 3],
          'frames received (declared dedupe: the copy is dropped by the broker)',
        );
      }
    },
  },
  {
    theme: 'catchUp',
    name: 'a subscriber that was offline catches up from where it left off',
    async run(context) {
      const publisher = await context.publisher();
      const online = await subscribed(context, 'tv');
      for (const seq of [1, 2]) await publisher.publish(sampleFrame(context.codec, USER, 'phone', seq));
      await online.replica.waitForSeq('phone', 2, wait(context));
      await online.subscription.unsubscribe();
      await online.subscriber.close();
      for (const seq of [3, 4]) await publisher.publish(sampleFrame(context.codec, USER, 'phone', seq));
      const back = await subscribed(context, 'tv');
      await back.replica.waitForSeq('phone', 4, wait(context));
      same(
        back.replica.receivedSeqs('phone'),
        [3, 4],
        'ops received after coming back (consumed ones are not handed over again)',
      );
    },
  },
  {
    theme: 'catchUp',
    name: 'each device keeps its own position: one device consuming does not advance another',
    async run(context) {
      const first = await subscribed(context, 'tv');
      const second = await subscribed(context, 'laptop');
      await second.subscription.unsubscribe();
      await second.subscriber.close();
      const publisher = await context.publisher();
      for (const seq of [1, 2]) await publisher.publish(sampleFrame(context.codec, USER, 'phone', seq));
      await first.replica.waitForSeq('phone', 2, wait(context));
      const back = await subscribed(context, 'laptop');
      await back.replica.waitForSeq('phone', 2, wait(context));
      same(back.replica.appliedSeqs('phone'), [1, 2], 'the other device’s seqs');
    },
  },
  {
    theme: 'isolation',
    name: 'one user’s subscriber never sees another user’s frames, whatever the user ids contain',
    async run(context) {
      const publisher = await context.publisher();
      const replicas = await Promise.all(
        AWKWARD_USER_IDS.map(async (userId) => (await subscribed(context, 'reader', userId)).replica),
      );
      for (const [i, userId] of AWKWARD_USER_IDS.entries()) {
        await publisher.publish(sampleFrame(context.codec, userId, `device-${i}`, 1));
        await publisher.publish(sampleFrame(context.codec, userId, `device-${i}`, 2));
      }
      for (const [i, userId] of AWKWARD_USER_IDS.entries()) {
        const replica = replicas[i] as Replica;
        await replica.waitForSeq(`device-${i}`, 2, wait(context));
        const foreign = replica.received.filter((frame) => frame.userIds.some((id) => id !== userId));
        same(
          foreign.map((frame) => frame.userIds[0]),
          [],
          `frames of other users seen by ${JSON.stringify(userId)}'s subscriber`,
        );
        same(replica.received.length, 2, `frames seen by ${JSON.stringify(userId)}'s subscriber`);
      }
    },
  },
  {
    theme: 'limits',
    name: 'carries a frame just under maxFrameBytes intact',
    async run(context) {
      const { replica } = await subscribed(context, 'reader');
      const publisher = await context.publisher();
      const frame = frameNear(context.codec, USER, 'phone', 1, publisher.maxFrameBytes);
      const size = frame.selfContained().bytes.length;
      assert(
        size >= publisher.maxFrameBytes * 0.9,
        `test frame of ${size} bytes is not near ${publisher.maxFrameBytes}`,
      );
      checkAck(await publisher.publish(frame), frame, 'large frame', publisher);
      await replica.waitForSeq('phone', frame.lastSeq, wait(context) * 2);
      const got = replica.received[0]?.bytes ?? new Uint8Array();
      if (publisher.capabilities.sessionContext) {
        same(opsOf(context.codec, got), JSON.stringify(frame.ops), 'the ops the large frame carried');
      } else sameBytes(got, frame.selfContained().bytes, 'large frame bytes');
    },
  },
  {
    theme: 'limits',
    name: 'refuses a frame over maxFrameBytes with FRAME_TOO_LARGE before sending, and carries its halves',
    async run(context) {
      const { replica } = await subscribed(context, 'reader');
      const publisher = await context.publisher();
      const fits = frameNear(context.codec, USER, 'phone', 1, publisher.maxFrameBytes);
      const over = sampleFrame(context.codec, USER, 'phone', 1, Math.ceil(fits.ops.length * 1.1) + 1, 200);
      assert(over.selfContained().bytes.length > publisher.maxFrameBytes, 'test frame is not over the limit');
      const error = await expectPublisherError(
        publisher.publish(over),
        (e) => e.code === 'FRAME_TOO_LARGE',
        'oversized frame',
        wait(context),
      );
      same(error.code, 'FRAME_TOO_LARGE', 'error code');
      // What the queue does next: halves, each sent on its own.
      const half = Math.ceil(over.ops.length / 2);
      const halves = [over.ops.slice(0, half), over.ops.slice(half)].map((ops) =>
        sampleFrame(context.codec, USER, 'phone', ops[0]?.seq ?? 0, ops.length, 200),
      );
      for (const frame of halves) checkAck(await publisher.publish(frame), frame, 'half', publisher);
      await replica.waitForSeq('phone', over.lastSeq, wait(context) * 2);
      same(
        replica.received.map((frame) => frame.firstSeq),
        halves.map((frame) => frame.firstSeq),
        'frames received (nothing of the refused frame)',
      );
      same(replica.appliedSeqs('phone'), range(1, over.lastSeq), 'applied seqs');
    },
  },
  {
    theme: 'outage',
    name: 'broker unreachable from the start: a transient error within the timeout, then an ack once it is back',
    applies: (_, context) => context.faults !== undefined,
    requires: 'a broker address for the fault proxy, or a `faults` hook',
    async run(context) {
      const faults = context.faults as FaultControl;
      const { replica } = await subscribed(context, 'reader');
      await faults.down();
      const publisher = await context.publisher({ viaFaults: true });
      const frame = sampleFrame(context.codec, USER, 'phone', 1);
      await expectPublisherError(
        publisher.publish(frame),
        (e) => e.transient,
        'publish while the broker is down',
        context.timeoutMs * 2 + 1_000,
      );
      same(publisher.connectionState, 'offline', 'connectionState while down');
      await faults.up();
      checkAck(
        await publishUntilAcked(publisher, frame, wait(context) * 2),
        frame,
        'publish after recovery',
        publisher,
      );
      await replica.waitForSeq('phone', 1, wait(context));
      same(replica.appliedSeqs('phone'), [1], 'applied seqs');
    },
  },
  {
    theme: 'outage',
    name: 'broker going away under a connected publisher: offline, a transient error, then recovery',
    applies: (_, context) => context.faults !== undefined,
    requires: 'a broker address for the fault proxy, or a `faults` hook',
    async run(context) {
      const faults = context.faults as FaultControl;
      const { replica } = await subscribed(context, 'reader');
      const publisher = await context.publisher({ viaFaults: true });
      await publisher.publish(sampleFrame(context.codec, USER, 'phone', 1));
      const offline = new Promise<void>((resolve) => {
        const stop = publisher.onConnectionState((state) => {
          if (state !== 'offline') return;
          stop();
          resolve();
        });
      });
      await faults.down();
      await offline;
      const frame = sampleFrame(context.codec, USER, 'phone', 2);
      await expectPublisherError(
        publisher.publish(frame),
        (e) => e.transient,
        'publish while the broker is down',
        context.timeoutMs * 2 + 1_000,
      );
      await faults.up();
      await publishUntilAcked(publisher, frame, wait(context) * 2);
      same(publisher.connectionState, 'online', 'connectionState after recovery');
      await replica.waitForSeq('phone', 2, wait(context));
      same(replica.appliedSeqs('phone'), [1, 2], 'applied seqs');
    },
  },
  ...[false, true].map(
    (delivered): PublisherConformanceCase => ({
      theme: 'outage',
      name: delivered
        ? 'connection cut after the broker took the frame (ack lost): re-published, applied once'
        : 'connection cut mid-publish before the broker had the frame: re-published, nothing lost',
      applies: (_, context) => context.faults !== undefined,
      requires: 'a broker address for the fault proxy, or a `faults` hook',
      async run(context) {
        const faults = context.faults as FaultControl;
        const { replica } = await subscribed(context, 'reader');
        const publisher = await context.publisher({ viaFaults: true });
        await publisher.publish(sampleFrame(context.codec, USER, 'phone', 1));
        const frame = sampleFrame(context.codec, USER, 'phone', 2, 40, 20);
        const cut = faults.cutNextPublish({ minBytes: frame.selfContained().bytes.length, delivered });
        await expectPublisherError(
          publisher.publish(frame),
          (e) => e.transient,
          'publish cut mid-frame',
          context.timeoutMs * 2 + 1_000,
        );
        await cut;
        checkAck(await publishUntilAcked(publisher, frame, wait(context) * 2), frame, 're-publish', publisher);
        await publisher.publish(sampleFrame(context.codec, USER, 'phone', 42));
        await replica.waitForSeq('phone', 42, wait(context));
        same(replica.appliedSeqs('phone'), range(1, 42), 'applied seqs (each once, in order)');
      },
    }),
  ),
  {
    theme: 'auth',
    name: 'refused credentials: a permanent UNAUTHORIZED',
    applies: (_, context) => context.refusedPublisher !== undefined,
    requires: '`createRefusedPublisher` (a publisher whose credentials the broker refuses)',
    async run(context) {
      const publisher = await (context.refusedPublisher as () => Promise<Publisher>)();
      const error = await expectPublisherError(
        publisher.publish(sampleFrame(context.codec, USER, 'phone', 1)),
        (e) => e.code === 'UNAUTHORIZED',
        'publish with refused credentials',
        context.timeoutMs * 2 + 1_000,
      );
      same(error.transient, false, 'UNAUTHORIZED is transient');
    },
  },
];

/** Closes everything a case opened, even after a failure, and never hangs on a broken client. */
export async function closeQuietly(closables: Iterable<Publisher | Subscriber>, timeoutMs: number): Promise<void> {
  await Promise.all(
    [...closables].map((closable) =>
      Promise.race([
        closable.close().catch(() => undefined),
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref?.()),
      ]),
    ),
  );
}
