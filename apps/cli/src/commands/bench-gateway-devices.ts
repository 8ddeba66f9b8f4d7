import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Codec, createCodec } from '@media-sync/codec';
import {
  decodeGatewayMessage,
  encodeGatewayMessage,
  GATEWAY_SUBPROTOCOL,
  type GatewayMessage,
  type SequencedOperation,
  type SyncOperation,
} from '@media-sync/protocol';
import { createToken, dropPostgresSchema } from '@media-sync/sync-server';
import { WebSocket } from 'ws';
import { median } from '../trace-files.js';

/** How to start `media-sync serve` in a child process: the command and the arguments before `serve`'s. */
export interface ServeCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** This very CLI (the built bin, or the source under tsx): `node [its flags] <its script> serve`. */
export function currentServeCommand(): ServeCommand {
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot tell which script runs this CLI');
  return { command: process.execPath, args: [...process.execArgv, script, 'serve'] };
}

/** One store to bench: SQLite (a file per run), or a store URL `serve --store` takes. */
export interface BenchStore {
  readonly label: string;
  /** `MEDIA_SYNC_STORE` for the gateways; undefined for the SQLite default (`MEDIA_SYNC_GATEWAY_DB`). */
  readonly url?: string;
  /** More environment for the gateways (e.g. `MEDIA_SYNC_SQLITE_SYNCHRONOUS`). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface DevicesBenchOptions {
  /** Devices connected at once, each with its own connection and token. Default 1 000. */
  readonly devices?: number;
  /** Of those, how many send one op at a time (the rest stay connected and idle). Default min(devices, 1 000). */
  readonly active?: number;
  /** Ops per second each active device sends, one op per frame. Default 1. */
  readonly rate?: number;
  /** Seconds the one-op phase lasts. Default 10. */
  readonly seconds?: number;
  /** Devices sending 500-op frames in the ingest row, and frames each sends. Default 20 devices × 10 frames. */
  readonly bulkDevices?: number;
  readonly bulkFrames?: number;
  /** Runs per row; rows show medians. Default 1. */
  readonly runs?: number;
  /** Stores to compare. Default SQLite only. */
  readonly stores?: readonly BenchStore[];
  /** Gateway instance counts to run (3 needs a shared store and `fanout`). Default [1]. */
  readonly instances?: readonly number[];
  /** `MEDIA_SYNC_FANOUT` for multi-instance rows. */
  readonly fanout?: string;
  /** Realistic ops to send (the standard trace's busiest device); ids and times are rewritten per device. */
  readonly ops: readonly SyncOperation[];
  readonly serve?: ServeCommand;
  /** Write a V8 CPU profile of each gateway process into this directory (`node --cpu-prof`). */
  readonly profileDir?: string;
  readonly codec?: Codec;
  readonly progress?: (line: string) => void;
}

/** One measured row. */
export interface DevicesBenchRow {
  readonly store: string;
  readonly instances: number;
  readonly scenario: string;
  /** Devices connected during the row. */
  readonly devices: number;
  readonly ops: number;
  /** Ops acknowledged per wall-clock second. */
  readonly opsPerSecond: number;
  /** Ops acknowledged per CPU-second the gateway process(es) spent (user + system). */
  readonly opsPerCpuSecond: number;
  readonly ackMsP50?: number | undefined;
  readonly ackMsP99?: number | undefined;
  /** The gateway's own view: frame received to ACK sent, p99 as a histogram bucket bound. */
  readonly gatewayAckMsP99?: number | undefined;
  /** From the send of an op to its arrival at the user's other device (through the gateway). */
  readonly fanoutMsP50?: number | undefined;
  readonly fanoutMsP99?: number | undefined;
  /** Resident set of the gateway (the largest one when several), at the end of the row. */
  readonly gatewayRssMb: number;
  /** Frames or ops the gateway refused (a row with any is not a clean measurement). */
  readonly refused: number;
}

interface GatewaySample {
  readonly cpuSeconds: number;
  readonly systemCpuSeconds: number;
  /** Store transactions that committed frames (`media_sync_commits_total`). */
  readonly commits: number;
  readonly rssBytes: number;
  /** Cumulative counts of the gateway's own ACK latency histogram, by upper bound in seconds. */
  readonly ackBuckets: Map<number, number>;
}

interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** CPU seconds (user + system) and resident bytes, as the gateway reports them at `/metrics`. */
  sample(): Promise<GatewaySample>;
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;
/**
 * 500-op frames each bulk device sends before the ingest row is measured: a fresh gateway
 * process spends about half a CPU-second compiling its hot paths, which is not ingest cost.
 */
const BULK_WARMUP_FRAMES = 5;

/**
 * Load on real gateway processes: many devices, each its own WebSocket connection and token,
 * sending realistic small frames of the standard trace.
 *
 * Rows, per store and instance count:
 * - `500-op frames`: `bulkDevices` devices each publish `bulkFrames` frames of 500 ops, waiting
 *   for each ACK: ingest ops/s and ops per gateway CPU-second, measured after each device sent
 *   `BULK_WARMUP_FRAMES` frames first (the gateway's warm-up).
 * - `1 op per frame`: all `devices` connected and subscribed, in pairs of one user; `active` of
 *   them each send one op per frame at `rate` ops/s (each waits for its ACK, as the queue does):
 *   ACK latency, fan-out latency to the pair's other device, ops per CPU-second.
 * - `idle`: RSS of the gateway with all `devices` connected, subscribed and caught up, before
 *   any of them sends.
 * CPU and RSS are what the gateway reports about itself at `/metrics` (prom-client's
 * `process_cpu_seconds_total`, `process_resident_memory_bytes`).
 */
export async function benchGatewayDevices(options: DevicesBenchOptions): Promise<DevicesBenchRow[]> {
  const codec = options.codec ?? (await createCodec());
  const stores = options.stores ?? [{ label: 'SQLite' }];
  const instanceCounts = options.instances ?? [1];
  const runs = options.runs ?? 1;
  const ops = options.ops.filter((op) => op.type !== 'deviceCommand');
  if (ops.length === 0) throw new Error('the bench needs state ops');
  const serve = options.serve ?? currentServeCommand();
  // A serve that does not read a variable would quietly bench SQLite under another name.
  const wanted = [
    ...(stores.some((store) => store.url !== undefined) ? ['MEDIA_SYNC_STORE'] : []),
    ...(options.fanout === undefined ? [] : ['MEDIA_SYNC_FANOUT']),
  ];
  if (wanted.length > 0) {
    const help = await serveHelp(serve);
    for (const variable of wanted) {
      if (!help.includes(variable)) throw new Error(`this serve does not read ${variable}: no such rows to bench`);
    }
  }
  const rows: DevicesBenchRow[] = [];
  for (const store of stores) {
    for (const instances of instanceCounts) {
      if (instances > 1 && (store.url === undefined || options.fanout === undefined)) continue;
      const samples = new Map<string, DevicesBenchRow[]>();
      for (let run = 0; run < runs; run += 1) {
        for (const row of await benchOnce(options, codec, ops, store, instances, run)) {
          const list = samples.get(row.scenario) ?? [];
          list.push(row);
          samples.set(row.scenario, list);
        }
      }
      for (const list of samples.values()) rows.push(medianRow(list));
    }
  }
  return rows;
}

async function benchOnce(
  options: DevicesBenchOptions,
  codec: Codec,
  ops: readonly SyncOperation[],
  store: BenchStore,
  instances: number,
  run: number,
): Promise<DevicesBenchRow[]> {
  const devices = options.devices ?? 1000;
  const active = Math.min(options.active ?? 1000, devices);
  const rate = options.rate ?? 1;
  const seconds = options.seconds ?? 10;
  const bulkDevices = options.bulkDevices ?? 20;
  const bulkFrames = options.bulkFrames ?? 10;
  const progress = options.progress ?? (() => {});
  const label = `${store.label}, ${instances} instance${instances === 1 ? '' : 's'}`;
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-bench-devices-'));
  const secret = randomBytes(32).toString('base64url');
  // Unique per run, so runs (and engineers) sharing one PostgreSQL or NATS do not meet.
  const prefix = `bench-${process.pid}-${Date.now().toString(36)}-${run}`;
  // A PostgreSQL store gets a schema of this run, dropped afterwards.
  const schema = prefix.replace(/-/g, '_');
  const storeUrl =
    store.url !== undefined && /^postgres(ql)?:/i.test(store.url)
      ? `${store.url}${store.url.includes('?') ? '&' : '?'}schema=${schema}`
      : store.url;
  const rows: DevicesBenchRow[] = [];
  const gateways: GatewayProcess[] = [];
  const clients: DeviceClient[] = [];
  try {
    for (let i = 0; i < instances; i += 1) {
      gateways.push(
        await startGateway(withProfile(options.serve ?? currentServeCommand(), options.profileDir), {
          MEDIA_SYNC_SECRET: secret,
          PORT: '0',
          HOST: '127.0.0.1',
          MEDIA_SYNC_GATEWAY_DB: join(dir, 'gateway.db'),
          MEDIA_SYNC_LOG_LEVEL: 'warn',
          MEDIA_SYNC_MAX_CONNECTIONS: String(devices + bulkDevices + 100),
          ...(storeUrl === undefined ? {} : { MEDIA_SYNC_STORE: storeUrl }),
          ...store.env,
          ...(instances > 1 && options.fanout !== undefined
            ? { MEDIA_SYNC_FANOUT: options.fanout, MEDIA_SYNC_FANOUT_SUBJECT_PREFIX: `media-sync.${prefix}` }
            : {}),
        }),
      );
    }
    const frameDecoder = codec.createSessionDecoder();
    const now = Date.now();

    // Row 1: 500-op frames, ingest only (nobody subscribed).
    progress(
      `bench gateway --devices (${label}): ${bulkDevices} devices × ${bulkFrames} frames of 500 ops, after ${BULK_WARMUP_FRAMES} each to warm up`,
    );
    const bulk: DeviceClient[] = [];
    for (let d = 0; d < bulkDevices; d += 1) {
      const userId = `${prefix}-bulk-${d}`;
      const deviceId = `bulk-${d}`;
      const gateway = gateways[d % gateways.length] as GatewayProcess;
      bulk.push(
        await DeviceClient.connect(gateway.url, await createToken({ secret, userId, deviceId }), userId, deviceId),
      );
    }
    clients.push(...bulk);
    // User-bound, as the queue sends them; the first ones warm the gateway up, unmeasured.
    const bulkFramesBytes = bulk.map((client) =>
      Array.from({ length: BULK_WARMUP_FRAMES + bulkFrames }, (_, f) => {
        const seqs = rewrite(ops, client, f * 500 + 1, 500, now - 2 * DAY_MS);
        return codec.encodeFrame(client.deviceId, seqs, { userId: client.userId, bindUser: true }).bytes;
      }),
    );
    await Promise.all(
      bulk.map(async (client, d) => {
        for (const frame of (bulkFramesBytes[d] as Uint8Array[]).splice(0, BULK_WARMUP_FRAMES)) {
          await client.publish(frame);
        }
      }),
    );
    const bulkStart = await sampleAll(gateways);
    const bulkWall = performance.now();
    const bulkAcks = await Promise.all(
      bulk.map(async (client, d) => {
        const latencies: number[] = [];
        for (const frame of bulkFramesBytes[d] as Uint8Array[]) latencies.push(await client.publish(frame));
        return latencies;
      }),
    );
    const bulkWallSeconds = (performance.now() - bulkWall) / 1000;
    const bulkEnd = await sampleAll(gateways);
    const bulkOps = bulkDevices * bulkFrames * 500;
    progress(cpuLine(bulkStart, bulkEnd, bulkOps));
    const bulkLatencies = bulkAcks.flat();
    rows.push({
      store: store.label,
      instances,
      scenario: '500-op frames',
      devices: bulkDevices,
      ops: bulkOps,
      opsPerSecond: bulkOps / bulkWallSeconds,
      opsPerCpuSecond: bulkOps / Math.max(1e-9, bulkEnd.cpuSeconds - bulkStart.cpuSeconds),
      ackMsP50: percentile(bulkLatencies, 0.5),
      ackMsP99: percentile(bulkLatencies, 0.99),
      gatewayAckMsP99: gatewayAckMs(bulkStart, bulkEnd, 0.99),
      gatewayRssMb: bulkEnd.maxRssBytes / 2 ** 20,
      refused: bulk.reduce((sum, client) => sum + client.refused, 0),
    });
    for (const client of bulk) client.close();
    if (refusalCodes.size > 0) progress(`refused: ${JSON.stringify(Object.fromEntries(refusalCodes))}`);

    // Row 2: every device connected and subscribed, in pairs of one user; RSS while idle.
    progress(`bench gateway --devices (${label}): connecting ${devices} devices`);
    const baseline = await sampleAll(gateways);
    const population: DeviceClient[] = [];
    const CONNECT_AT_ONCE = 200;
    for (let start = 0; start < devices; start += CONNECT_AT_ONCE) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(CONNECT_AT_ONCE, devices - start) }, async (_, k) => {
          const d = start + k;
          const userId = `${prefix}-user-${Math.floor(d / 2)}`;
          const deviceId = `device-${d % 2}`;
          // The two devices of a user sit on different instances when there are several.
          const gateway = gateways[(Math.floor(d / 2) + (d % 2)) % gateways.length] as GatewayProcess;
          const client = await DeviceClient.connect(
            gateway.url,
            await createToken({ secret, userId, deviceId }),
            userId,
            deviceId,
          );
          await client.subscribe();
          return client;
        }),
      );
      population.push(...batch);
    }
    clients.push(...population);
    const idle = await sampleAll(gateways);
    rows.push({
      store: store.label,
      instances,
      scenario: 'idle, subscribed',
      devices,
      ops: 0,
      opsPerSecond: 0,
      opsPerCpuSecond: 0,
      gatewayRssMb: idle.maxRssBytes / 2 ** 20,
      refused: 0,
    });
    // The baseline is what the ingest row left (the allocator keeps its pages), so a few devices
    // may grow nothing past it: no per-connection figure can be drawn then.
    const growth = idle.maxRssBytes - baseline.maxRssBytes;
    progress(
      `bench gateway --devices (${label}): ${devices} idle devices, RSS ${(idle.maxRssBytes / 2 ** 20).toFixed(0)} MB ` +
        (growth > 0
          ? `(${(growth / devices / 1024).toFixed(1)} KiB per connection)`
          : '(no growth past the RSS the 500-op row left)'),
    );

    // Row 3: `active` devices send one op per frame at `rate`, each waiting for its ACK.
    progress(`bench gateway --devices (${label}): ${active} devices × ${rate} op/s for ${seconds} s`);
    const byDevice = new Map(population.map((client) => [`${client.userId}\u0000${client.deviceId}`, client]));
    const fanoutLatencies: number[] = [];
    for (const client of population) {
      client.onFanout = (frame, at) => {
        // The client's user names the user of a user-bound fan-out frame (ignored by one that names it).
        const header = frameDecoder.readHeader(frame, { userId: client.userId });
        const sender = byDevice.get(`${client.userId}\u0000${header.deviceId}`);
        const sentAt = sender?.sentAt.get(header.firstSeq);
        if (sentAt === undefined) return;
        sender?.sentAt.delete(header.firstSeq);
        fanoutLatencies.push(at - sentAt);
      };
    }
    const senders = population.slice(0, active);
    const perDevice = Math.max(1, Math.round(rate * seconds));
    const single = senders.map((client) =>
      Array.from({ length: perDevice }, (_, i) => {
        const [op] = rewrite(ops, client, i + 1, 1, now - 2 * DAY_MS);
        return codec.encodeFrame(client.deviceId, [op as SequencedOperation], { userId: client.userId }).bytes;
      }),
    );
    const singleStart = await sampleAll(gateways);
    const singleWall = performance.now();
    const intervalMs = 1000 / rate;
    const ackLatencies = (
      await Promise.all(
        senders.map(async (client, d) => {
          const latencies: number[] = [];
          // Devices start at random phases, as a population does.
          let due = performance.now() + Math.random() * intervalMs;
          for (const [i, frame] of (single[d] as Uint8Array[]).entries()) {
            const wait = due - performance.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            client.sentAt.set(i + 1, performance.now());
            latencies.push(await client.publish(frame));
            due += intervalMs;
          }
          return latencies;
        }),
      )
    ).flat();
    const singleWallSeconds = (performance.now() - singleWall) / 1000;
    // Fan-out of the last ops may still be on the way.
    await waitFor(() => fanoutLatencies.length >= ackLatencies.length - countRefused(senders), 5000);
    const singleEnd = await sampleAll(gateways);
    const singleOps = ackLatencies.length;
    progress(cpuLine(singleStart, singleEnd, singleOps));
    rows.push({
      store: store.label,
      instances,
      scenario: `1 op per frame, ${rate} op/s each`,
      devices: active,
      ops: singleOps,
      opsPerSecond: singleOps / singleWallSeconds,
      opsPerCpuSecond: singleOps / Math.max(1e-9, singleEnd.cpuSeconds - singleStart.cpuSeconds),
      ackMsP50: percentile(ackLatencies, 0.5),
      ackMsP99: percentile(ackLatencies, 0.99),
      gatewayAckMsP99: gatewayAckMs(singleStart, singleEnd, 0.99),
      fanoutMsP50: percentile(fanoutLatencies, 0.5),
      fanoutMsP99: percentile(fanoutLatencies, 0.99),
      gatewayRssMb: singleEnd.maxRssBytes / 2 ** 20,
      refused: countRefused(senders),
    });
    return rows;
  } finally {
    for (const client of clients) client.close();
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    rmSync(dir, { recursive: true, force: true });
    if (storeUrl !== store.url && store.url !== undefined) await dropPostgresSchema(store.url, schema);
  }
}

/** Where the gateway's CPU went between two scrapes: user and system (kernel: sockets, fsync) microseconds per op. */
function cpuLine(before: Sampled, after: Sampled, ops: number): string {
  const system = after.systemCpuSeconds - before.systemCpuSeconds;
  const user = after.cpuSeconds - before.cpuSeconds - system;
  return `gateway CPU: ${user.toFixed(2)} s user + ${system.toFixed(2)} s system = ${((user * 1e6) / ops).toFixed(1)} + ${((system * 1e6) / ops).toFixed(1)} µs per op; ${after.commits - before.commits} store commits`;
}

function countRefused(clients: readonly DeviceClient[]): number {
  return clients.reduce((sum, client) => sum + client.refused, 0);
}

/** `count` of the trace's ops as device `client` would send them from `firstSeq`: its ids, its user, recent times. */
function rewrite(
  ops: readonly SyncOperation[],
  client: { userId: string; deviceId: string },
  firstSeq: number,
  count: number,
  base: number,
): SequencedOperation[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const source = ops[(seq - 1) % ops.length] as Exclude<SyncOperation, { type: 'deviceCommand' }>;
    // Two seconds apart from `base` (two days back): always behind the gateway's clock, in seq order.
    const timestamp = base + (seq - 1) * 2000;
    return {
      deviceId: client.deviceId,
      seq,
      hlc: { physicalMs: timestamp, logical: seq, nodeId: client.deviceId },
      op: { ...source, userId: client.userId, timestamp },
    };
  });
}

/** Why frames were refused, over the whole bench (printed with the progress lines). */
const refusalCodes = new Map<string, number>();

/** One device: a WebSocket of its own with its own token, one frame in flight at a time. */
class DeviceClient {
  readonly sentAt = new Map<number, number>();
  refused = 0;
  onFanout: ((frame: Uint8Array, at: number) => void) | undefined;
  #frameId = 0;
  #waiting: ((message: GatewayMessage) => void) | undefined;
  #synced: (() => void) | undefined;

  private constructor(
    readonly ws: WebSocket,
    readonly userId: string,
    readonly deviceId: string,
  ) {
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      const message = decodeGatewayMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      switch (message.type) {
        case 'ack':
        case 'error': {
          if (message.type === 'error' || message.rejectedCount > 0) {
            this.refused += 1;
            const code = message.type === 'error' ? message.code : (message.rejected[0]?.code ?? 'rejected');
            refusalCodes.set(code, (refusalCodes.get(code) ?? 0) + 1);
          }
          const waiting = this.#waiting;
          this.#waiting = undefined;
          waiting?.(message);
          return;
        }
        case 'fanout':
          this.onFanout?.(message.frame, at);
          return;
        case 'synced':
          this.#synced?.();
          this.#synced = undefined;
          return;
        default:
      }
    });
  }

  static connect(url: string, token: string, userId: string, deviceId: string): Promise<DeviceClient> {
    const ws = new WebSocket(url, [GATEWAY_SUBPROTOCOL], {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    const client = new DeviceClient(ws, userId, deviceId);
    return new Promise((resolve, reject) => {
      const fail = (error: Error) =>
        reject(new Error(`device ${deviceId} of ${userId} not connected: ${error.message}`));
      ws.once('error', fail);
      ws.once('unexpected-response', (_request, response) =>
        fail(new Error(`HTTP ${response.statusCode} ${response.statusMessage}`)),
      );
      // The gateway's first message is HELLO.
      ws.once('message', () => {
        ws.off('error', fail);
        ws.on('error', () => undefined);
        resolve(client);
      });
    });
  }

  /** Subscribes from cursor 0; resolves once the (empty) catch-up ended with SYNCED. */
  subscribe(): Promise<void> {
    return new Promise((resolve) => {
      this.#synced = resolve;
      this.ws.send(encodeGatewayMessage({ type: 'subscribe', since: 0 }));
    });
  }

  /** Sends one frame; resolves with the milliseconds until its ACK (or ERROR). */
  publish(frame: Uint8Array): Promise<number> {
    this.#frameId += 1;
    const sent = performance.now();
    return new Promise((resolve) => {
      this.#waiting = () => resolve(performance.now() - sent);
      this.ws.send(encodeGatewayMessage({ type: 'frame', frameId: this.#frameId, frame }));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** What `serve --help` prints (the variables it reads). */
function serveHelp(serve: ServeCommand): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(serve.command, [...serve.args, '--help'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', () => resolve(out.replace(/\s+/g, ' ')));
  });
}

function withProfile(serve: ServeCommand, profileDir: string | undefined): ServeCommand {
  if (profileDir === undefined) return serve;
  return { command: serve.command, args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...serve.args] };
}

/** Starts `serve` with `env` (over this process's PATH only) and waits for its URL line. */
async function startGateway(serve: ServeCommand, env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(serve.command, [...serve.args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // The last few kilobytes, to say why it stopped if it does.
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}) before listening: ${stderr.trim()}`)));
  });
  const http = url.replace('ws:', 'http:');
  return {
    url,
    child,
    async sample() {
      const text = await (await fetch(`${http}/metrics`)).text();
      return {
        cpuSeconds: metricValue(text, 'process_cpu_seconds_total'),
        systemCpuSeconds: metricValue(text, 'process_cpu_system_seconds_total'),
        commits: metricValue(text, 'media_sync_commits_total'),
        rssBytes: metricValue(text, 'process_resident_memory_bytes'),
        ackBuckets: ackBuckets(text),
      };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface Sampled {
  readonly cpuSeconds: number;
  readonly systemCpuSeconds: number;
  readonly commits: number;
  readonly maxRssBytes: number;
  readonly ackBuckets: Map<number, number>;
}

async function sampleAll(gateways: readonly GatewayProcess[]): Promise<Sampled> {
  const samples = await Promise.all(gateways.map((gateway) => gateway.sample()));
  const buckets = new Map<number, number>();
  for (const sample of samples) {
    for (const [le, count] of sample.ackBuckets) buckets.set(le, (buckets.get(le) ?? 0) + count);
  }
  return {
    cpuSeconds: samples.reduce((sum, sample) => sum + sample.cpuSeconds, 0),
    systemCpuSeconds: samples.reduce((sum, sample) => sum + sample.systemCpuSeconds, 0),
    commits: samples.reduce((sum, sample) => sum + sample.commits, 0),
    maxRssBytes: Math.max(...samples.map((sample) => sample.rssBytes)),
    ackBuckets: buckets,
  };
}

/** `media_sync_ack_latency_seconds_bucket{le,result="ack"}` of a scrape. */
function ackBuckets(text: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const match of text.matchAll(/^media_sync_ack_latency_seconds_bucket\{([^}]*)\} (\S+)$/gm)) {
    const labels = match[1] as string;
    if (!labels.includes('result="ack"')) continue;
    const le = /le="([^"]+)"/.exec(labels)?.[1] ?? '+Inf';
    buckets.set(le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(match[2]));
  }
  return buckets;
}

/**
 * The gateway's own ACK latency at `fraction` between two scrapes, in milliseconds: the upper
 * bound of the histogram bucket it falls in (so "≤ 50" reads off the 0.05 s bucket).
 */
function gatewayAckMs(before: Sampled, after: Sampled, fraction: number): number | undefined {
  const bounds = [...after.ackBuckets.keys()].sort((a, b) => a - b);
  const total =
    (after.ackBuckets.get(Number.POSITIVE_INFINITY) ?? 0) - (before.ackBuckets.get(Number.POSITIVE_INFINITY) ?? 0);
  if (total <= 0) return undefined;
  for (const le of bounds) {
    const count = (after.ackBuckets.get(le) ?? 0) - (before.ackBuckets.get(le) ?? 0);
    if (count >= fraction * total) return le * 1000;
  }
  return undefined;
}

function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (line === undefined) throw new Error(`the gateway's /metrics has no ${name}`);
  return Number(line.slice(name.length + 1));
}

/** The value below which `fraction` of `values` lie (nearest rank). */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

function medianRow(rows: readonly DevicesBenchRow[]): DevicesBenchRow {
  const first = rows[0] as DevicesBenchRow;
  const of = (pick: (row: DevicesBenchRow) => number | undefined) => {
    const values = rows.map(pick).filter((value): value is number => value !== undefined);
    return values.length === 0 ? undefined : median(values);
  };
  return {
    ...first,
    opsPerSecond: of((row) => row.opsPerSecond) ?? 0,
    opsPerCpuSecond: of((row) => row.opsPerCpuSecond) ?? 0,
    ackMsP50: of((row) => row.ackMsP50),
    ackMsP99: of((row) => row.ackMsP99),
    gatewayAckMsP99: of((row) => row.gatewayAckMsP99),
    fanoutMsP50: of((row) => row.fanoutMsP50),
    fanoutMsP99: of((row) => row.fanoutMsP99),
    gatewayRssMb: of((row) => row.gatewayRssMb) ?? 0,
    refused: Math.max(...rows.map((row) => row.refused)),
  };
}

export function formatDevicesBench(rows: readonly DevicesBenchRow[], runs: number): string {
  const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '—' : value.toFixed(1));
  const count = (value: number) => (value === 0 ? '—' : Math.round(value).toLocaleString('en-US'));
  const lines = [
    `gateway under many devices (real serve processes; each device its own connection and token; ${runs === 1 ? 'one run' : `medians of ${runs} runs`})`,
    '',
    '| store | instances | scenario | devices | ops | ops/s | ops per gateway CPU-s | ACK p50 ms | ACK p99 ms | in-gateway ACK p99 ms | fan-out p50 ms | fan-out p99 ms | gateway RSS MB | refused |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.store} | ${row.instances} | ${row.scenario} | ${row.devices.toLocaleString('en-US')} | ${count(row.ops)} | ${count(row.opsPerSecond)} | ${count(row.opsPerCpuSecond)} | ${ms(row.ackMsP50)} | ${ms(row.ackMsP99)} | ${row.gatewayAckMsP99 === undefined ? '—' : `≤ ${row.gatewayAckMsP99}`} | ${ms(row.fanoutMsP50)} | ${ms(row.fanoutMsP99)} | ${row.gatewayRssMb.toFixed(0)} | ${row.refused} |`,
    ),
    '',
    "ACK = send to ACK at the device; in-gateway = frame received to ACK sent, from the gateway's histogram (bucket bound); fan-out = send at one device to arrival at the same user's other device. Device-side latencies include the bench client, which shares the machine.",
    `load average at the end: ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  ];
  return `${lines.join('\n')}\n`;
}
