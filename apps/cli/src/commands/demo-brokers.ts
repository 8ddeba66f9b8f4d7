import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createCodec } from '@media-sync/codec';
import type { SyncOperation, TraceEntry } from '@media-sync/protocol';
import { createMqttPublisher, createMqttSubscriber } from '@media-sync/publisher-mqtt';
import { createNatsPublisher, createNatsSubscriber, deleteNatsStream } from '@media-sync/publisher-nats';
import { createRedisPublisher, createRedisSubscriber, deleteRedisKeys } from '@media-sync/publisher-redis';
import { createQueue, type Publisher, type Subscriber } from '@media-sync/queue';
import { createReplica, type UserStateReplica } from '@media-sync/state';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { exitCleanlyOnSignals, onEarlyExit } from '../process.js';

export const BROKER_PUBLISHERS = ['mqtt', 'nats', 'redis'] as const;
export type BrokerPublisherKind = (typeof BROKER_PUBLISHERS)[number];

/** Where each broker is: its env URL, else the default local port. */
export function brokerUrl(kind: BrokerPublisherKind, env: NodeJS.ProcessEnv = process.env): string {
  if (kind === 'mqtt') return env['MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
  if (kind === 'nats') return env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  return env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

/** A publisher and a subscriber factory for one broker, every name under `prefix`. */
export function brokerClients(kind: BrokerPublisherKind, prefix: string, url = brokerUrl(kind)) {
  const timeoutMs = 10_000;
  if (kind === 'mqtt') {
    return {
      publisher: (): Publisher => createMqttPublisher({ url, prefix, timeoutMs }),
      subscriber: (deviceId: string): Subscriber =>
        createMqttSubscriber({ url, prefix, timeoutMs, deviceId, sessionExpirySeconds: 300 }),
    };
  }
  if (kind === 'nats') {
    return {
      publisher: (): Publisher => createNatsPublisher({ servers: url, prefix, timeoutMs }),
      subscriber: (deviceId: string): Subscriber => createNatsSubscriber({ servers: url, prefix, timeoutMs, deviceId }),
    };
  }
  return {
    publisher: (): Publisher => createRedisPublisher({ url, prefix, timeoutMs }),
    subscriber: (deviceId: string): Subscriber =>
      createRedisSubscriber({
        url,
        prefix,
        timeoutMs,
        deviceId,
        // A run's streams are new and far below the publishers' retention. Were frames trimmed
        // anyway, the replica could not converge: the subscription stops there and the run says so.
        onGap: (gap) => {
          throw new Error(`${gap.missedFrames} frames of ${gap.userId} were trimmed before ${deviceId} read them`);
        },
      }),
  };
}

/** Removes what a run left on the broker under `prefix` (MQTT sessions expire by themselves). */
export async function purgeBroker(kind: BrokerPublisherKind, prefix: string, url = brokerUrl(kind)): Promise<void> {
  if (kind === 'redis') await deleteRedisKeys({ url, prefix });
  else if (kind === 'nats') await deleteNatsStream({ servers: url, prefix });
}

interface BrokerDevice {
  readonly deviceId: string;
  readonly userId: string;
  readonly replica: UserStateReplica;
  replayMs: number;
  published: number;
  /** Ops the replay dealt with: sent, coalesced, expired, dead-lettered. */
  handled: number;
  frames: number;
  wireBytes: number;
  replay(): Promise<void>;
  close(): Promise<void>;
}

export interface BrokerDemoResult {
  readonly publisher: BrokerPublisherKind;
  readonly converged: boolean;
  readonly devices: readonly {
    readonly deviceId: string;
    readonly published: number;
    readonly frames: number;
    readonly bytesWire: number;
    readonly opsPerSecond: number;
  }[];
}

/**
 * The demo through a broker, in the peer topology of §8: each device publishes its queue and
 * subscribes to its user's topic, merging what arrives into its replica with §3's rules. With
 * no gateway, converged means every device of a user holds the same state, equal to all of the
 * user's ops merged in one replica.
 */
export async function runBrokerDemo(options: {
  readonly kind: BrokerPublisherKind;
  readonly label: string;
  readonly devices: Map<string, SyncOperation[]>;
  readonly coalesce: boolean;
  readonly say: NodeJS.WritableStream;
  readonly out: NodeJS.WritableStream;
  readonly json: boolean;
}): Promise<BrokerDemoResult> {
  const { kind, say } = options;
  const prefix = `media-sync-demo-${randomUUID().slice(0, 8)}`;
  const clients = brokerClients(kind, prefix);
  const codec = await createCodec();
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-demo-'));
  const forgetDir = onEarlyExit(() => rmSync(dir, { recursive: true, force: true }));
  const devices: BrokerDevice[] = [];
  const expected = new Map<string, UserStateReplica>();
  const waiters = new Set<() => void>();
  const total = [...options.devices.values()].reduce((sum, ops) => sum + ops.length, 0);
  say.write(`media-sync demo: ${total} ops from ${options.label}, through ${kind} at ${brokerUrl(kind)}\n`);
  try {
    for (const [deviceId, ops] of options.devices) {
      const userId = ops.find((op): op is Exclude<SyncOperation, { type: 'deviceCommand' }> => 'userId' in op)?.userId;
      if (userId === undefined) throw new Error(`device ${deviceId} has no op naming its user`);
      const storage = createSqliteStorage({ path: join(dir, `${deviceId.replace(/[^A-Za-z0-9._-]/g, '_')}.queue.db`) });
      const publisher = clients.publisher();
      const queue = createQueue({
        deviceId,
        userId,
        storage,
        publisher,
        codec,
        config: { coalesceProgress: options.coalesce },
      });
      const replica = createReplica({ userId });
      let reference = expected.get(userId);
      if (reference === undefined) {
        reference = createReplica({ userId });
        expected.set(userId, reference);
      }
      const userReference = reference;
      const subscriber = clients.subscriber(deviceId);
      const subscription = await subscriber.subscribe(userId, ({ bytes }) => {
        replica.applyAll(codec.decodeFrame(bytes, { userId }).ops);
        for (const wake of [...waiters]) wake();
      });
      const device: BrokerDevice = {
        deviceId,
        userId,
        replica,
        replayMs: 0,
        published: 0,
        handled: 0,
        frames: 0,
        wireBytes: 0,
        async replay() {
          const started = performance.now();
          const report = await queue.replay();
          device.replayMs = performance.now() - started;
          device.published = report.published;
          device.handled = report.published + report.coalesced + report.expired + report.deadLettered;
          if (report.stoppedBy !== 'drained') throw new Error(`${deviceId}: replay stopped by ${report.stoppedBy}`);
        },
        async close() {
          await subscription.unsubscribe();
          await queue.close();
          await publisher.close();
          await subscriber.close();
          await storage.close();
        },
      };
      // A device's own changes enter its replica when recorded; the others' arrive through the broker.
      queue.on('enqueued', ({ ops: sequenced }) => {
        replica.applyAll(sequenced);
        userReference.applyAll(sequenced);
      });
      queue.on('framePublished', (event) => {
        device.frames += 1;
        device.wireBytes += event.wireBytes;
      });
      devices.push(device);
      await queue.enqueueMany(ops);
    }
    say.write(`${devices.length} devices queued their ops offline; replaying through ${kind}\n`);
    await Promise.all(devices.map((device) => device.replay()));

    const convergedOf = (device: BrokerDevice) => {
      const reference = expected.get(device.userId) as UserStateReplica;
      return (
        isDeepStrictEqual(device.replica.progress(), reference.progress()) &&
        isDeepStrictEqual(
          device.replica.watchlist({ includeTombstones: true }),
          reference.watchlist({ includeTombstones: true }),
        )
      );
    };
    const converged = await new Promise<boolean>((resolve) => {
      const check = () => {
        if (!devices.every(convergedOf)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        resolve(false);
      }, 60_000);
      waiters.add(check);
      check();
    });
    const result: BrokerDemoResult = {
      publisher: kind,
      converged,
      devices: devices.map((device) => ({
        deviceId: device.deviceId,
        published: device.published,
        frames: device.frames,
        bytesWire: device.wireBytes,
        opsPerSecond: device.replayMs > 0 ? Math.round(device.handled / (device.replayMs / 1000)) : 0,
      })),
    };
    if (options.json) options.out.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      for (const device of result.devices) {
        options.out.write(
          `${device.deviceId}: ${device.published} ops sent in ${device.frames} frames, ${device.bytesWire} wire bytes, replay ${device.opsPerSecond} ops/s (coalesced and expired included)\n`,
        );
      }
      options.out.write(
        `converged: ${converged ? 'yes' : 'no'} (${devices.length} device replicas, per user, vs all of the user's ops merged)\n`,
      );
    }
    return result;
  } finally {
    // A client that does not finish closing must not keep the demo from ending (its result is in).
    await Promise.race([
      Promise.all(devices.map((device) => device.close().catch(() => undefined))),
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
    await purgeBroker(kind, prefix).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }
}

export interface DemoCommandOptions {
  readonly trace?: string;
  readonly generated?: boolean;
  readonly coalesce: boolean;
  readonly json?: boolean;
  readonly publisher: string;
}

/** `media-sync demo --publisher mqtt|nats|redis`: the trace's devices sync through that broker. */
export async function brokerDemoCommand(
  options: DemoCommandOptions,
  trace: {
    loadTrace(path: string | undefined, generated: boolean): Promise<{ label: string; entries: TraceEntry[] }>;
    byDevice(entries: TraceEntry[]): Map<string, SyncOperation[]>;
  },
): Promise<void> {
  const kind = BROKER_PUBLISHERS.find((name) => name === options.publisher);
  if (kind === undefined) {
    throw new Error(
      `--publisher must be websocket, ${BROKER_PUBLISHERS.join(', ')}; got ${JSON.stringify(options.publisher)}`,
    );
  }
  const { label, entries } = await trace.loadTrace(options.trace, options.generated === true);
  const json = options.json === true;
  const result = await exitCleanlyOnSignals(() =>
    runBrokerDemo({
      kind,
      label,
      devices: trace.byDevice(entries),
      coalesce: options.coalesce,
      json,
      say: json ? process.stderr : process.stdout,
      out: process.stdout,
    }),
  );
  if (!result.converged) throw new Error(`the devices did not converge through ${kind}`);
}
