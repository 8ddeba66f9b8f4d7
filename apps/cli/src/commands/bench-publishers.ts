import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { type Codec, createCodec } from '@media-sync/codec';
import type { SyncOperation } from '@media-sync/protocol';
import { createMemoryPublisher } from '@media-sync/publisher-memory';
import { createPubNubPublisher } from '@media-sync/publisher-pubnub';
import { startPubNubStandIn } from '@media-sync/publisher-pubnub/stand-in';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue, type Publisher } from '@media-sync/queue';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { createToken, startSyncServer } from '@media-sync/sync-server';
import { type Command, Option } from 'commander';
import { loadBusiestDevice, median, missingTraceError, standardTracePath } from '../trace-files.js';
import { cycleOps } from './bench-queue.js';
import { brokerClients, brokerUrl, purgeBroker } from './demo-brokers.js';

export const BENCH_PUBLISHERS = ['memory', 'websocket', 'mqtt', 'nats', 'redis', 'pubnub'] as const;
export type BenchPublisher = (typeof BENCH_PUBLISHERS)[number];

const LABELS: Record<BenchPublisher, string> = {
  memory: 'memory (in-process)',
  websocket: 'WebSocket → gateway (in-process)',
  mqtt: 'MQTT 5, QoS 1 (Mosquitto)',
  nats: 'NATS JetStream',
  redis: 'Redis Streams',
  pubnub: 'PubNub SDK → local stand-in',
};

export interface PublishersBenchOptions {
  /** The ops of one device, in order (one user). */
  readonly ops: readonly SyncOperation[];
  readonly deviceId: string;
  /** Most ops per frame (the queue's `maxBatchOps`). Default 20. */
  readonly frameOps?: number;
  /** Runs per publisher; rows show medians. Default 3. */
  readonly runs?: number;
  readonly publishers?: readonly BenchPublisher[];
  readonly env?: NodeJS.ProcessEnv;
  readonly codec?: Codec;
  readonly progress?: (line: string) => void;
}

export interface PublishersBenchRow {
  readonly publisher: BenchPublisher;
  readonly label: string;
  /** Set when the broker could not be reached: the row has no figures. */
  readonly skipped?: string;
  readonly ops: number;
  readonly frames: number;
  /** Queue replay: ops published and acknowledged per second of wall clock. */
  readonly opsPerSecond: number;
  /** The same per CPU-second of this process (the in-process receivers' work included, a broker's not). */
  readonly opsPerCpuSecond: number;
  /** Publish latency (call to ack) of one frame, ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Codec bytes per op the acks report (the self-contained or session-context frames). */
  readonly frameBytesPerOp: number;
  /** TCP bytes per op the publisher sent towards its broker (protocol framing and headers included); undefined in-process. */
  readonly wireBytesPerOp: number | undefined;
}

/** A TCP relay counting the bytes a client sends upstream: what a publisher puts on the wire. */
async function startByteCounter(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let sent = 0;
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(target);
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('byte counter has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    get sent() {
      return sent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Wraps `publisher` so every `publish` call's duration (call to ack) is recorded. */
function timed(publisher: Publisher, latencies: number[]): Publisher {
  return {
    get name() {
      return publisher.name;
    },
    get capabilities() {
      return publisher.capabilities;
    },
    get maxFrameBytes() {
      return publisher.maxFrameBytes;
    },
    get connectionState() {
      return publisher.connectionState;
    },
    onConnectionState: (listener) => publisher.onConnectionState(listener),
    close: () => publisher.close(),
    async publish(frame, options) {
      const started = performance.now();
      const ack = await publisher.publish(frame, options);
      latencies.push(performance.now() - started);
      return ack;
    },
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Whether a TCP port answers (a broker that is not running gives a skipped row, not a failure). */
function reachable(endpoint: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(endpoint);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

interface Setup {
  /** A publisher sending through `via` (the byte counter), or in-process. */
  publisher(via: { host: string; port: number } | undefined): Publisher;
  /** The receiver's address, for the byte counter; undefined in-process. */
  readonly target: { host: string; port: number } | undefined;
  close(): Promise<void>;
}

async function setUp(
  kind: BenchPublisher,
  userId: string,
  deviceId: string,
  codec: Codec,
  env: NodeJS.ProcessEnv,
): Promise<Setup | string> {
  if (kind === 'memory') {
    return {
      target: undefined,
      publisher: () => createMemoryPublisher({ codec, retain: false }),
      close: async () => undefined,
    };
  }
  if (kind === 'websocket') {
    const secret = randomBytes(32).toString('base64url');
    const server = await startSyncServer({ secret, codec });
    const token = await createToken({ secret, userId, deviceId });
    return {
      target: { host: '127.0.0.1', port: server.port },
      publisher: (via) => createWebSocketPublisher({ url: `ws://${via?.host}:${via?.port}`, token, codec }),
      close: () => server.close(),
    };
  }
  if (kind === 'pubnub') {
    const standIn = await startPubNubStandIn();
    const id = randomUUID().slice(0, 8);
    return {
      target: { host: standIn.host, port: standIn.port },
      publisher: (via) =>
        createPubNubPublisher({
          publishKey: `pub-${id}`,
          subscribeKey: `sub-${id}`,
          origin: `${via?.host}:${via?.port}`,
          ssl: false,
          probeIntervalMs: 0,
        }),
      close: () => standIn.close(),
    };
  }
  const url = new URL(brokerUrl(kind, env));
  const defaultPort = { mqtt: 1883, nats: 4222, redis: 6379 }[kind];
  const target = { host: url.hostname || '127.0.0.1', port: Number(url.port || defaultPort) };
  if (!(await reachable(target))) return `not reachable at ${target.host}:${target.port}`;
  const prefix = `media-sync-bench-${randomUUID().slice(0, 8)}`;
  return {
    target,
    publisher: (via) => {
      const through = new URL(url);
      through.hostname = via?.host ?? target.host;
      through.port = String(via?.port ?? target.port);
      return brokerClients(kind, prefix, through.toString().replace(/\/$/, '')).publisher();
    },
    close: () => purgeBroker(kind, prefix, url.toString()),
  };
}

/**
 * The same device's queue replayed through each publisher in one run: replay ops/s (wall clock
 * and per CPU-second), publish latency p50/p99 (call to ack, per frame), the codec bytes the
 * acks report and the TCP bytes the publisher sent towards its receiver, per op. Each run starts
 * from a fresh queue (memory storage, coalescing off, frames of `frameOps`) and a fresh
 * connection; a first run warms up and is not counted; rows are medians.
 */
export async function benchPublishers(options: PublishersBenchOptions): Promise<PublishersBenchRow[]> {
  const runs = options.runs ?? 3;
  const frameOps = options.frameOps ?? 20;
  const codec = options.codec ?? (await createCodec());
  const env = options.env ?? process.env;
  const userId = options.ops.find(
    (op): op is Exclude<SyncOperation, { type: 'deviceCommand' }> => 'userId' in op,
  )?.userId;
  if (userId === undefined) throw new Error('the bench ops name no user');
  const rows: PublishersBenchRow[] = [];
  for (const kind of options.publishers ?? BENCH_PUBLISHERS) {
    const label = LABELS[kind];
    const setup = await setUp(kind, userId, options.deviceId, codec, env);
    if (typeof setup === 'string') {
      options.progress?.(`bench publishers ${kind}: skipped, ${setup}`);
      rows.push({
        publisher: kind,
        label,
        skipped: setup,
        ops: 0,
        frames: 0,
        opsPerSecond: 0,
        opsPerCpuSecond: 0,
        p50Ms: 0,
        p99Ms: 0,
        frameBytesPerOp: 0,
        wireBytesPerOp: undefined,
      });
      continue;
    }
    const samples: Array<Omit<PublishersBenchRow, 'publisher' | 'label'>> = [];
    try {
      // Run 0 warms up (JIT, first connection, lazy setup on the receiver) and is not counted.
      for (let run = 0; run <= runs; run += 1) {
        options.progress?.(`bench publishers ${kind}: ${run === 0 ? 'warm-up' : `run ${run}/${runs}`}`);
        const counter = setup.target === undefined ? undefined : await startByteCounter(setup.target);
        const latencies: number[] = [];
        const inner = setup.publisher(counter);
        const queue = createQueue({
          deviceId: options.deviceId,
          userId,
          storage: createMemoryStorage(),
          publisher: timed(inner, latencies),
          codec,
          config: { coalesceProgress: false, maxBatchOps: frameOps, baselineBytes: false },
        });
        try {
          for (let i = 0; i < options.ops.length; i += 1000) await queue.enqueueMany(options.ops.slice(i, i + 1000));
          let frameBytes = 0;
          queue.on('framePublished', (event) => {
            frameBytes += event.wireBytes;
          });
          const cpu = process.cpuUsage();
          const report = await queue.replay();
          const cpuUsed = process.cpuUsage(cpu);
          if (report.stoppedBy !== 'drained') {
            throw new Error(`${kind}: replay stopped (${report.stoppedBy}) ${report.error?.message ?? ''}`);
          }
          if (run === 0) continue;
          samples.push({
            ops: report.published,
            frames: report.frames,
            opsPerSecond: (report.published * 1000) / report.durationMs,
            opsPerCpuSecond: (report.published * 1e6) / (cpuUsed.user + cpuUsed.system),
            p50Ms: percentile(latencies, 50),
            p99Ms: percentile(latencies, 99),
            frameBytesPerOp: frameBytes / report.published,
            // Includes the connection's setup (handshake, auth, stream creation), as a device pays it.
            wireBytesPerOp: counter === undefined ? undefined : counter.sent / report.published,
          });
        } finally {
          await queue.close();
          await inner.close();
          await counter?.close();
        }
      }
    } finally {
      await setup.close();
    }
    const wire = samples.map((sample) => sample.wireBytesPerOp).filter((value) => value !== undefined);
    rows.push({
      publisher: kind,
      label,
      ops: samples[0]?.ops ?? 0,
      frames: samples[0]?.frames ?? 0,
      opsPerSecond: median(samples.map((sample) => sample.opsPerSecond)),
      opsPerCpuSecond: median(samples.map((sample) => sample.opsPerCpuSecond)),
      p50Ms: median(samples.map((sample) => sample.p50Ms)),
      p99Ms: median(samples.map((sample) => sample.p99Ms)),
      frameBytesPerOp: median(samples.map((sample) => sample.frameBytesPerOp)),
      wireBytesPerOp: wire.length === 0 ? undefined : median(wire),
    });
  }
  return rows;
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US');

export function formatPublishersBench(
  rows: readonly PublishersBenchRow[],
  options: { readonly runs: number; readonly frameOps: number },
): string {
  const lines = [
    `replay of one device's queue through each publisher, frames of ≤ ${options.frameOps} ops, coalescing off; medians of ${options.runs} run(s) after a warm-up`,
    '',
    '| publisher | ops | frames | replay ops/s | ops/CPU-s | publish p50 ms | publish p99 ms | frame bytes/op | wire bytes/op |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) =>
      row.skipped !== undefined
        ? `| ${row.label} | skipped: ${row.skipped} | | | | | | | |`
        : `| ${row.label} | ${row.ops} | ${row.frames} | ${whole(row.opsPerSecond)} | ${whole(row.opsPerCpuSecond)} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} | ${row.frameBytesPerOp.toFixed(1)} | ${row.wireBytesPerOp === undefined ? '—' : row.wireBytesPerOp.toFixed(1)} |`,
    ),
    '',
    'publish latency: publish() call to ack, per frame. frame bytes/op: the codec frames the acks report.',
    'wire bytes/op: TCP bytes the publisher sent to its receiver through a counting relay (protocol framing, headers,',
    'connection setup included); memory has no wire. ops/CPU-s counts this process only: the in-process gateway and',
    'PubNub stand-in are in it, external brokers are not.',
  ];
  return `${lines.join('\n')}\n`;
}

function positiveInteger(flag: string) {
  return (value: string) => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < 1) {
      throw new Error(`${flag} must be an integer ≥ 1, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };
}

/** `media-sync bench publishers [--trace FILE] [--ops N] [--frame-ops N] [--runs N] [--publishers LIST]`. */
export function registerBenchPublishersCommand(bench: Command): void {
  bench
    .command('publishers')
    .description(
      'replay ops/s, publish latency p50/p99 and wire bytes/op through every publisher, side by side: memory, the gateway over WebSocket, MQTT, NATS, Redis, PubNub (stand-in)',
    )
    .option(
      '--trace <file>',
      'trace to take the busiest device from (default: ../shared/traces/standard-20k.jsonl beside the repository)',
    )
    .option('--ops <n>', 'ops replayed per run (the device’s ops, cycled)', positiveInteger('--ops'), 2_000)
    .option('--frame-ops <n>', 'most ops per frame', positiveInteger('--frame-ops'), 20)
    .option('--runs <n>', 'runs per publisher (medians are shown)', positiveInteger('--runs'), 3)
    .addOption(
      new Option('--publishers <list>', 'comma-separated publishers to run')
        .default(BENCH_PUBLISHERS.join(','))
        .argParser((value) => {
          const list = value.split(',').map((name) => name.trim());
          for (const name of list) {
            if (!(BENCH_PUBLISHERS as readonly string[]).includes(name)) {
              throw new Error(`--publishers: unknown ${JSON.stringify(name)} (one of ${BENCH_PUBLISHERS.join(', ')})`);
            }
          }
          return list.join(',');
        }),
    )
    .action(async (options: { trace?: string; ops: number; frameOps: number; runs: number; publishers: string }) => {
      const trace = options.trace ?? standardTracePath();
      if (trace === undefined) throw missingTraceError();
      const { deviceId, ops } = loadBusiestDevice(trace);
      const rows = await benchPublishers({
        ops: cycleOps(ops, options.ops),
        deviceId,
        frameOps: options.frameOps,
        runs: options.runs,
        publishers: options.publishers.split(',') as BenchPublisher[],
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(formatPublishersBench(rows, options));
    });
}
