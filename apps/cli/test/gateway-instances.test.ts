import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Codec, createCodec } from '@media-sync/codec';
import { parseTraceLine, type SequencedOperation, type SyncOperation } from '@media-sync/protocol';
import { findBroker } from '@media-sync/publisher-conformance';
import { createWebSocketPublisher, createWebSocketSubscriber } from '@media-sync/publisher-websocket';
import { createQueue, type Queue } from '@media-sync/queue';
import { createReplica, type UserStateReplica } from '@media-sync/state';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { createToken, type GatewayStore, openGatewayStore } from '@media-sync/sync-server';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTrace } from '../src/trace-generator.js';
import { CLI_SCRIPT } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SECRET = 'instances-secret';
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** `media-sync serve` in a child process on the shared store and fan-out; resolves once it listens. */
function serve(store: string, subjectPrefix: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@media-sync/source', '--import', 'tsx', CLI_SCRIPT, 'serve', '--port', '0'],
    {
      stdio: 'pipe',
      env: {
        ...process.env,
        MEDIA_SYNC_SECRET: SECRET,
        MEDIA_SYNC_STORE: store,
        MEDIA_SYNC_FANOUT: NATS_URL,
        MEDIA_SYNC_FANOUT_SUBJECT_PREFIX: subjectPrefix,
        MEDIA_SYNC_LOG_LEVEL: 'warn',
      },
    },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, url: out.split('\n')[0] ?? '' });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening: ${stderr}`)));
  });
}

/**
 * What a load balancer does for a group of devices: forwards their connections to one gateway,
 * and once that gateway is gone, to another. Its address never changes, so the devices only
 * see their connections drop and reconnect.
 */
async function startFront(
  targetPort: number,
): Promise<{ url: string; retarget(port: number): void; close(): Promise<void> }> {
  let target = targetPort;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect({ host: '127.0.0.1', port: target });
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.pipe(upstream).pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    retarget(next) {
      target = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Device {
  readonly deviceId: string;
  readonly userId: string;
  readonly ops: SyncOperation[];
  readonly queue: Queue;
  readonly replica: UserStateReplica;
  readonly subscriber: ReturnType<typeof createWebSocketSubscriber>;
  /** Every op it recorded, as the queue sequenced it. */
  readonly sequenced: SequencedOperation[];
  /** Command frames its subscriber handed over. */
  commands: number;
  /** Times its publisher's connection dropped. */
  drops: number;
}

async function openDevice(options: {
  dir: string;
  deviceId: string;
  ops: SyncOperation[];
  url: string;
  codec: Codec;
}): Promise<Device> {
  const { deviceId, ops, url, codec } = options;
  const userId = ops.find((op): op is Exclude<SyncOperation, { type: 'deviceCommand' }> => 'userId' in op)?.userId;
  if (userId === undefined) throw new Error(`${deviceId} names no user`);
  const token = await createToken({ secret: SECRET, userId, deviceId, ttlMs: 3_600_000 });
  const storage = createSqliteStorage({ path: join(options.dir, `${deviceId}.queue.db`) });
  const backoff = { initialMs: 20, maxMs: 250 };
  const publisher = createWebSocketPublisher({
    url,
    token,
    codec,
    backoff,
    ackTimeoutMs: 5_000,
    connectTimeoutMs: 5_000,
  });
  const queue = createQueue({
    deviceId,
    userId,
    storage,
    publisher,
    codec,
    // Small frames, as a device sends while it is online: the replay spans many commits.
    config: { coalesceProgress: false, maxBatchOps: 25, backoff: { baseMs: 5, capMs: 50 } },
  });
  const replica = createReplica({ userId });
  const subscriber = createWebSocketSubscriber({ url, token, backoff });
  const device: Device = { deviceId, userId, ops, queue, replica, subscriber, sequenced: [], commands: 0, drops: 0 };
  publisher.onConnectionState((state) => {
    if (state === 'offline') device.drops += 1;
  });
  queue.on('enqueued', (event) => {
    device.sequenced.push(...event.ops);
    replica.applyAll(event.ops);
  });
  const subscription = await subscriber.subscribe(userId, (frame) => {
    replica.applyAll(codec.decodeFrame(frame.bytes, { userId }).ops);
    if (frame.transportId?.startsWith('command:')) device.commands += 1;
  });
  cleanups.push(async () => {
    await subscription.unsubscribe();
    await queue.close();
    await publisher.close();
    await subscriber.close();
    await storage.close();
  });
  return device;
}

/** Replays until the queue is empty, riding out the outage of the gateway behind it. */
async function drain(device: Device): Promise<number> {
  let runs = 0;
  for (; runs < 200; runs += 1) {
    const report = await device.queue.replay({ force: true });
    if (report.stoppedBy === 'drained' && (await device.queue.pending()) === 0) return runs + 1;
    if (!['transientError', 'backoff'].includes(report.stoppedBy)) {
      throw new Error(`${device.deviceId}: replay stopped (${report.stoppedBy}) ${report.error?.message ?? ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${device.deviceId}: not drained after ${runs} replays`);
}

/** Every entry of the user's log, in order. */
async function wholeLog(store: GatewayStore, userId: string): Promise<SequencedOperation[]> {
  const out: SequencedOperation[] = [];
  for (;;) {
    const page = await store.logAfter(userId, out.length, 1_000);
    if (page.length === 0) return out;
    out.push(...page.map((row) => row.entry));
  }
}

/** `name{labels} value` lines of a Prometheus text, summed over the series that match. */
function metricSum(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{${labels}`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

const postgres = await findBroker({ name: 'PostgreSQL', envVar: 'POSTGRES_URL', defaultPort: 5432 });
const nats = await findBroker({ name: 'NATS', envVar: 'NATS_URL', defaultPort: 4222 });
const missing = postgres.missing ?? nats.missing;

describe.skipIf(missing !== undefined)('three serve processes on one PostgreSQL store and NATS (issue 11)', () => {
  it('converges every device, loses nothing and applies nothing twice when one instance is SIGKILLed mid-replay', async () => {
    const started = performance.now();
    const run = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const schema = `media_sync_${run}`;
    const storeUrl = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-instances-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const codec = await createCodec();

    // Two users of a few devices each (traces of two seeds), devices spread over the instances.
    const byDevice = new Map<string, SyncOperation[]>();
    for (const [seed, devices] of [
      [11, 4],
      [12, 3],
    ] as const) {
      for (const line of generateTrace({ seed, ops: 900, devices })) {
        const entry = parseTraceLine(line);
        const deviceId = `${seed}-${entry.deviceId ?? 'device-1'}`;
        byDevice.set(deviceId, [...(byDevice.get(deviceId) ?? []), entry.op]);
      }
    }
    const instances = await Promise.all([0, 1, 2].map(() => serve(storeUrl, `media-sync.test.${run}`)));
    const fronts = await Promise.all(instances.map((instance) => startFront(Number(new URL(instance.url).port))));
    cleanups.push(() => Promise.all(fronts.map((front) => front.close())).then(() => undefined));
    const devices: Device[] = [];
    for (const [deviceId, ops] of byDevice) {
      const front = fronts[devices.length % fronts.length];
      devices.push(await openDevice({ dir, deviceId, ops, url: front?.url ?? '', codec }));
    }
    for (const device of devices) await device.queue.enqueueMany(device.ops);
    const totalOps = devices.reduce((sum, device) => sum + device.sequenced.length, 0);

    // Instance 0 is SIGKILLed once 40% of all ops are acknowledged; its devices' balancer then
    // sends them to instance 1.
    let acked = 0;
    let killedAt = 0;
    for (const device of devices) {
      device.queue.on('framePublished', (event) => {
        acked += event.ops;
        if (killedAt > 0 || acked < totalOps * 0.4) return;
        killedAt = acked;
        instances[0]?.child.kill('SIGKILL');
        fronts[0]?.retarget(Number(new URL(instances[1]?.url ?? '').port));
      });
    }
    const replays = await Promise.all(devices.map((device) => drain(device)));
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(totalOps);
    // The devices behind the killed instance lost their connection and went on through another.
    const moved = devices.filter((_device, i) => i % 3 === 0);
    for (const device of moved) expect(device.drops, device.deviceId).toBeGreaterThanOrEqual(1);
    for (const device of devices) expect((await device.queue.status()).deadLettered).toBe(0);

    const store = await openGatewayStore(storeUrl);
    cleanups.push(() => store.close());
    const users = [...new Set(devices.map((device) => device.userId))];
    for (const userId of users) {
      const mine = devices.filter((device) => device.userId === userId);
      const stateOps = mine.flatMap((device) => device.sequenced).filter((entry) => entry.op.type !== 'deviceCommand');
      // The store's log holds every state op of the user's devices exactly once.
      const logged = await wholeLog(store, userId);
      const key = (entry: SequencedOperation) => `${entry.deviceId}/${entry.seq}`;
      expect(new Set(logged.map(key)).size).toBe(logged.length);
      expect(logged.map(key).sort()).toEqual(stateOps.map(key).sort());
      // What one gateway would hold: every op of the user merged.
      const single = createReplica({ userId });
      single.applyAll(stateOps);
      const expected = { progress: single.progress(), watchlist: single.watchlist({ includeTombstones: true }) };
      for (const device of mine) {
        await device.subscriber.waitForCursor(logged.length, 20_000);
        expect(
          { progress: device.replica.progress(), watchlist: device.replica.watchlist({ includeTombstones: true }) },
          device.deviceId,
        ).toEqual(expected);
      }
    }

    // A command from a device on instance 1 to one on instance 2 reaches it once.
    const from = devices.find((_device, i) => i % 3 === 1) as Device;
    const to = devices.find((device, i) => i % 3 === 2 && device.userId === from.userId) as Device;
    const now = Date.now();
    await from.queue.enqueue({
      type: 'deviceCommand',
      commandId: randomUUID(),
      sourceDeviceId: from.deviceId,
      targetDeviceId: to.deviceId,
      commandType: 'pause',
      payload: { reason: 'instances test' },
      timestamp: now,
      expiresAt: now + 60_000,
    });
    await drain(from);
    const deadline = Date.now() + 15_000;
    while (
      (to.commands === 0 || (await store.pendingCommands(to.userId, to.deviceId, Date.now())).length > 0) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(to.commands).toBe(1);
    expect(await store.pendingCommands(to.userId, to.deviceId, Date.now())).toEqual([]);

    // The survivors sent each other's commits on (the remote fan-out path).
    const survivors = await Promise.all(
      instances
        .slice(1)
        .map(async (instance) => (await fetch(`${instance.url.replace('ws:', 'http:')}/metrics`)).text()),
    );
    const lagCount = survivors.reduce(
      (sum, text) => sum + metricSum(text, 'media_sync_fanout_lag_seconds_count', 'path="remote"'),
      0,
    );
    const lagSum = survivors.reduce(
      (sum, text) => sum + metricSum(text, 'media_sync_fanout_lag_seconds_sum', 'path="remote"'),
      0,
    );
    expect(lagCount).toBeGreaterThan(0);
    // The bucket a quantile falls in (the histogram's upper bound), summed over the survivors.
    const bucketBound = (quantile: number) => {
      const buckets = new Map<string, number>();
      for (const text of survivors) {
        for (const match of text.matchAll(
          /^media_sync_fanout_lag_seconds_bucket\{le="([^"]+)",path="remote"\} (\d+)$/gm,
        )) {
          buckets.set(match[1] as string, (buckets.get(match[1] as string) ?? 0) + Number(match[2]));
        }
      }
      const found = [...buckets].find(([, cumulative]) => cumulative >= quantile * lagCount);
      return found === undefined ? '?' : found[0] === '+Inf' ? '> 10 s' : `≤ ${1000 * Number(found[0])} ms`;
    };
    console.log(
      `instances: ${totalOps} ops of ${devices.length} devices (${users.length} users) over 3 serve processes, ` +
        `instance 0 SIGKILLed at ${killedAt} acked ops (${Math.round((100 * killedAt) / totalOps)}%), ` +
        `${replays.reduce((a, b) => a + b, 0)} replay runs; remote fan-outs ${lagCount}, lag mean ${((1000 * lagSum) / lagCount).toFixed(1)} ms, p50 ${bucketBound(0.5)}, p99 ${bucketBound(0.99)}; ` +
        `converged in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 120_000);
});
