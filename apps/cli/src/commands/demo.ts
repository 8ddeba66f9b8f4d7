import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type Codec, createCodec } from '@media-sync/codec';
import { parseTraceLine, type SyncOperation, type TraceEntry } from '@media-sync/protocol';
import {
  createWebSocketPublisher,
  createWebSocketSubscriber,
  type WebSocketPublisher,
  type WebSocketSubscriber,
} from '@media-sync/publisher-websocket';
import { createQueue, type Queue, type ReplayReport } from '@media-sync/queue';
import { createReplica, type UserStateReplica } from '@media-sync/state';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { createToken, type GatewayMetrics, type SyncServer, startSyncServer } from '@media-sync/sync-server';
import { MultiBar, Presets } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { exitCleanlyOnSignals, onEarlyExit } from '../process.js';
import { standardTracePath } from '../trace-files.js';
import { generateTrace } from '../trace-generator.js';
import { readTrace } from '../trace-input.js';
import { BROKER_PUBLISHERS, brokerDemoCommand, type DemoCommandOptions } from './demo-brokers.js';

export interface DemoOptions {
  /** JSON Lines trace (`-` for standard input); default ../shared/traces/standard-20k.jsonl, else a generated one. */
  readonly trace?: string;
  /** Use the built-in generated trace even when the standard one is there. */
  readonly generated?: boolean;
  /** Skip progress updates superseded by a later one (the queue's default). Default true. */
  readonly coalesce?: boolean;
  /** Share of each device's ops sent before the gateway goes down. Default 0.3. */
  readonly onlineShare?: number;
  /** Print the result as JSON on `out` (the running commentary goes to `err`). */
  readonly json?: boolean;
  /** Gateway instances the devices are spread over. Default 1. */
  readonly gateways?: number;
  /**
   * The gateways' store: a PostgreSQL URL (the demo works in a schema of its own, dropped at the
   * end), required for several gateways. Default an SQLite file in the demo's temporary folder.
   */
  readonly store?: string;
  /** NATS URL of the fan-out between the gateways; required for several. */
  readonly fanout?: string;
  readonly out?: NodeJS.WritableStream;
  readonly err?: NodeJS.WritableStream;
}

export interface DemoDevice {
  readonly deviceId: string;
  readonly userId: string;
  readonly ops: number;
  readonly published: number;
  readonly coalesced: number;
  readonly expired: number;
  readonly deadLettered: number;
  readonly frames: number;
  /** The reference JSON envelope of the ops sent (§5 bytesJson). */
  readonly bytesJson: number;
  /** Bytes the publisher actually sent, as acknowledged by the gateway. */
  readonly bytesWire: number;
  /** Frames sent encoded against the gateway's session context, of `frames`. */
  readonly contextFrames: number;
  readonly replayMs: number;
  /** Ops the replays dealt with per second: sent, coalesced, expired and dead-lettered ops. */
  readonly opsPerSecond: number;
  readonly commandsReceived: number;
  readonly converged: boolean;
}

export interface DemoResult {
  readonly trace: string;
  readonly devices: readonly DemoDevice[];
  readonly converged: boolean;
  readonly gatewayIngestOpsPerSecond: number;
  readonly durationMs: number;
  /** A command sent live between two devices of one user, and how often its target got it. */
  readonly liveCommand: { readonly from: string; readonly to: string; readonly deliveries: number } | null;
  /** Gateway instances the devices were spread over. */
  readonly gateways: number;
}

/** `media-sync demo [--trace FILE]`: the main job on embedded defaults (§10). */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('devices queue a trace offline, reconnect to an in-process gateway, replay, and converge')
    .option('--trace <file>', 'JSON Lines trace, or - for standard input (default ../shared/traces/standard-20k.jsonl)')
    .option('--generated', 'use the built-in generated trace instead of the standard one')
    .option('--no-coalesce', 'send every progress update, even those a later one supersedes')
    .option('--json', 'print the result as JSON (the commentary goes to stderr)')
    .option(
      '--publisher <kind>',
      `websocket (in-process gateway, no broker), ${BROKER_PUBLISHERS.join(', ')}`,
      'websocket',
    )
    .option(
      '--gateways <n>',
      'gateway instances the devices are spread over (several need --store and --fanout)',
      parseGateways,
      1,
    )
    .option(
      '--store <url>',
      "the gateways' store: postgres://… (a schema of the demo's own; default SQLite in a temp folder)",
    )
    .option('--fanout <url>', 'NATS server for the fan-out between the gateways (nats://host:4222)')
    .action(async (options: DemoCommandOptions & { gateways: number; store?: string; fanout?: string }) => {
      if (options.publisher !== 'websocket') return await brokerDemoCommand(options, { loadTrace, byDevice });
      // Ctrl-C exits at once, but not before the temporary folder (queues, gateway) is removed.
      const result = await exitCleanlyOnSignals(() =>
        runDemo({
          coalesce: options.coalesce,
          generated: options.generated === true,
          json: options.json === true,
          gateways: options.gateways,
          ...(options.trace === undefined ? {} : { trace: options.trace }),
          ...(options.store === undefined ? {} : { store: options.store }),
          ...(options.fanout === undefined ? {} : { fanout: options.fanout }),
        }),
      );
      if (!result.converged) throw new Error('the devices did not converge with the gateway');
      if (result.liveCommand && result.liveCommand.deliveries !== 1) {
        throw new Error(`the live command reached its target ${result.liveCommand.deliveries} times, not once`);
      }
    });
}

interface Device {
  readonly deviceId: string;
  readonly userId: string;
  readonly ops: SyncOperation[];
  readonly queue: Queue;
  readonly publisher: WebSocketPublisher;
  readonly subscriber: WebSocketSubscriber;
  readonly replica: UserStateReplica;
  readonly close: () => Promise<void>;
  wireBytes: number;
  contextFrames: number;
  replayMs: number;
  /** Ops the replays dealt with (sent, coalesced, expired, dead-lettered), for ops/s. */
  handled: number;
  /** Ops the device recorded: its trace ops, plus the live command if it sent it. */
  recorded: number;
  commandsReceived: number;
  /** COMMAND frames the subscriber handed over, and who waits for the next one. */
  commandFrames: number;
  readonly commandWaiters: Set<() => void>;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const say = options.json === true ? err : out;
  const started = performance.now();
  const gatewayCount = options.gateways ?? 1;
  if (gatewayCount > 1 && (!/^postgres(ql)?:/i.test(options.store ?? '') || options.fanout === undefined)) {
    throw new Error(
      `--gateways ${gatewayCount} needs a store they share and a fan-out between them: --store postgres://… --fanout nats://…`,
    );
  }
  const { label, entries } = await loadTrace(options.trace, options.generated === true);
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-demo-'));
  // A closed pipe or Ctrl-C ends the process early; the folder (15–200 MB of queues) goes too.
  const forgetDir = onEarlyExit(() => rmSync(dir, { recursive: true, force: true }));
  const secret = randomBytes(32).toString('base64url');
  const codec = await createCodec();
  const run = randomBytes(6).toString('hex');
  const store = demoStore(options.store, join(dir, 'gateway.db'), run);
  const fanout =
    options.fanout === undefined ? {} : { fanout: options.fanout, fanoutSubjectPrefix: `media-sync.demo.r${run}` };
  let servers: SyncServer[] = [];
  const devices: Device[] = [];
  try {
    for (let i = 0; i < gatewayCount; i++) {
      servers.push(await startSyncServer({ secret, store: store.location, codec, ...fanout }));
    }
    const ports = servers.map((server) => server.port);
    const urls = servers.map((server) => server.url);
    say.write(`media-sync demo: ${entries.length} ops from ${label}\n`);
    say.write(
      gatewayCount === 1
        ? `gateway ${urls[0]} (${store.label})\n`
        : `${gatewayCount} gateways ${urls.join(' ')} (${store.label}; fan-out over NATS ${options.fanout})\n`,
    );

    for (const [deviceId, ops] of byDevice(entries)) {
      // Spread over the gateways, as a load balancer would: the devices of one user meet on different ones.
      const url = urls[devices.length % urls.length] as string;
      devices.push(await openDevice({ dir, deviceId, ops, url, secret, codec, coalesce: options.coalesce ?? true }));
    }
    const onlineShare = options.onlineShare ?? 0.3;

    // 1. Online: each device records the first part of its history and syncs it.
    for (const device of devices)
      await device.queue.enqueueMany(device.ops.slice(0, Math.floor(device.ops.length * onlineShare)));
    await replayAll(devices, err, 'online');

    // 2. The gateways go away; the devices keep recording into their durable queues.
    const firstRun = servers.map((server) => server.metrics());
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
    for (const device of devices)
      await device.queue.enqueueMany(device.ops.slice(Math.floor(device.ops.length * onlineShare)));
    const queued = await Promise.all(devices.map((device) => device.queue.pending()));
    say.write(
      `offline: gateway down, ${queued.reduce((a, b) => a + b, 0)} ops queued (${devices.map((d, i) => `${d.deviceId} ${queued[i]}`).join(', ')})\n`,
    );

    // 3. The gateways come back on the same ports and store; devices reconnect and replay.
    for (const port of ports)
      servers.push(await startSyncServer({ secret, store: store.location, codec, port, ...fanout }));
    await Promise.all(devices.map((device) => online(device)));
    await replayAll(devices, err, 'back online');

    // The trace's commands are long expired; one fresh command shows store-and-forward delivery
    // (to a device on another gateway, when there are several).
    const liveCommand = await sendLiveCommand(devices, servers);

    // Every device's replica, fed by fan-out, must now equal the gateways' merged state.
    const live = servers[0] as SyncServer;
    const results = await Promise.all(
      devices.map(async (device) => {
        await device.subscriber.waitForCursor(await live.headOf(device.userId), 15_000);
        device.commandsReceived = device.replica.takeCommands(device.deviceId, Date.now()).length;
        const expected = await live.stateOf(device.userId);
        const converged =
          isDeepStrictEqual(device.replica.progress(), expected.progress) &&
          isDeepStrictEqual(device.replica.watchlist({ includeTombstones: true }), expected.watchlist);
        return summarize(device, converged);
      }),
    );
    const metrics = [...firstRun, ...servers.map((server) => server.metrics())].reduce(addMetrics);
    const result: DemoResult = {
      trace: label,
      devices: results,
      converged: results.every((device) => device.converged),
      liveCommand,
      gateways: gatewayCount,
      gatewayIngestOpsPerSecond: metrics.ingestMs > 0 ? metrics.opsApplied / (metrics.ingestMs / 1000) : 0,
      durationMs: performance.now() - started,
    };
    out.write(
      options.json === true
        ? `${JSON.stringify({ ...result, gateway: metrics }, null, 2)}\n`
        : formatDemo(result, metrics),
    );
    return result;
  } finally {
    for (const device of devices) await device.close();
    await Promise.all(servers.map((server) => server.close()));
    await store.drop();
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }
}

function parseGateways(text: string): number {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    throw new InvalidArgumentError(`expected 1-16 gateways, got ${JSON.stringify(text)}`);
  }
  return count;
}

/**
 * Where the demo's gateways keep their state: an SQLite file in its folder, or a schema of its
 * own in the PostgreSQL database given (the trace's user ids would otherwise meet a previous
 * run's log there), dropped at the end.
 */
function demoStore(given: string | undefined, sqlitePath: string, run: string) {
  if (given === undefined || !/^postgres(ql)?:/i.test(given)) {
    const path = given ?? sqlitePath;
    return { location: path, label: `SQLite ${path}`, drop: async () => {} };
  }
  const url = new URL(given);
  const schema = `media_sync_demo_${run}`;
  url.searchParams.set('schema', schema);
  const shown = new URL(url);
  shown.password = shown.password ? '***' : '';
  return {
    location: url.toString(),
    label: `PostgreSQL ${shown.host}${shown.pathname}, schema ${schema}`,
    async drop() {
      url.searchParams.delete('schema');
      // Loaded only here: the other commands never need the PostgreSQL client.
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url.toString() });
      try {
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } catch {
        // The schema stays; the demo's result does not depend on it.
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

async function openDevice(options: {
  dir: string;
  deviceId: string;
  ops: SyncOperation[];
  url: string;
  secret: string;
  codec: Codec;
  coalesce: boolean;
}): Promise<Device> {
  const { deviceId, ops, url, secret, codec } = options;
  const userId = ops.find((op): op is Exclude<SyncOperation, { type: 'deviceCommand' }> => 'userId' in op)?.userId;
  if (userId === undefined) throw new Error(`device ${deviceId} has no op naming its user`);
  const token = await createToken({ secret, userId, deviceId, ttlMs: 3_600_000 });
  const storage = createSqliteStorage({ path: join(options.dir, `${safeName(deviceId)}.queue.db`) });
  const publisher = createWebSocketPublisher({ url, token, codec, backoff: { initialMs: 20, maxMs: 250 } });
  const queue = createQueue({
    deviceId,
    userId,
    storage,
    publisher,
    codec,
    config: { coalesceProgress: options.coalesce },
  });
  const replica = createReplica({ userId });
  const subscriber = createWebSocketSubscriber({ url, token, backoff: { initialMs: 20, maxMs: 250 } });
  const device: Device = {
    deviceId,
    userId,
    ops,
    queue,
    publisher,
    subscriber,
    replica,
    wireBytes: 0,
    contextFrames: 0,
    replayMs: 0,
    handled: 0,
    recorded: 0,
    commandsReceived: 0,
    commandFrames: 0,
    commandWaiters: new Set(),
    async close() {
      await subscription.unsubscribe();
      await queue.close();
      await publisher.close();
      await subscriber.close();
      await storage.close();
    },
  };
  // The device's own changes enter its replica when recorded; the others' arrive by fan-out.
  queue.on('enqueued', ({ ops: sequenced }) => {
    device.recorded += sequenced.length;
    replica.applyAll(sequenced);
  });
  queue.on('framePublished', (event) => {
    device.wireBytes += event.wireBytes;
  });
  const subscription = await subscriber.subscribe(userId, (frame) => {
    replica.applyAll(codec.decodeFrame(frame.bytes, { userId }).ops);
    if (frame.transportId?.startsWith('command:')) {
      device.commandFrames += 1;
      for (const wake of device.commandWaiters) wake();
    }
  });
  return device;
}

/**
 * Sends a command from the first device to another of the same user (on another gateway when
 * there are several: devices are spread by index); counts what the target got.
 */
async function sendLiveCommand(devices: Device[], servers: SyncServer[]): Promise<DemoResult['liveCommand']> {
  const from = devices[0];
  const sameUser = devices.filter((device) => device !== from && device.userId === from?.userId);
  const to = sameUser.find((device) => devices.indexOf(device) % servers.length !== 0) ?? sameUser[0];
  if (from === undefined || to === undefined) return null;
  const before = to.commandFrames;
  const arrived = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the live command did not reach ${to.deviceId}`)), 10_000);
    const wake = () => {
      clearTimeout(timer);
      to.commandWaiters.delete(wake);
      resolve();
    };
    to.commandWaiters.add(wake);
  });
  const now = Date.now();
  await from.queue.enqueue({
    type: 'deviceCommand',
    commandId: randomUUID(),
    sourceDeviceId: from.deviceId,
    targetDeviceId: to.deviceId,
    commandType: 'pause',
    payload: { reason: 'media-sync demo' },
    timestamp: now,
    expiresAt: now + 5 * 60_000,
  });
  const delivered = () => servers.reduce((sum, server) => sum + server.metrics().commandsDelivered, 0);
  const acknowledged = delivered();
  await from.queue.replay();
  await arrived;
  // The target acknowledges after handling it; wait for its gateway to drop it from the box.
  const deadline = Date.now() + 5000;
  while (delivered() === acknowledged && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { from: from.deviceId, to: to.deviceId, deliveries: to.commandFrames - before };
}

function online(device: Device): Promise<void> {
  if (device.publisher.connectionState === 'online') return Promise.resolve();
  return new Promise((resolve) => {
    const stop = device.publisher.onConnectionState((state) => {
      if (state !== 'online') return;
      stop();
      resolve();
    });
  });
}

async function replayAll(devices: Device[], err: NodeJS.WritableStream, phase: string): Promise<ReplayReport[]> {
  // cli-progress draws only on a terminal; elsewhere (CI, pipes) one line per device says the same.
  const tty = (err as { isTTY?: boolean }).isTTY === true;
  const bars = tty
    ? new MultiBar(
        {
          stream: err,
          format: `${phase.padEnd(11)} {device} [{bar}] {value}/{total} ops | {frames} frames`,
          hideCursor: true,
          clearOnComplete: false,
        },
        Presets.shades_classic,
      )
    : undefined;
  try {
    return await Promise.all(
      devices.map(async (device) => {
        const pending = await device.queue.pending();
        const bar = bars?.create(pending, 0, { device: device.deviceId.padEnd(16), frames: 0 });
        const report = await device.queue.replay({
          onProgress: (progress) =>
            bar?.update(handled(progress), {
              frames: progress.frames,
            }),
        });
        device.replayMs += report.durationMs;
        device.handled += handled(report);
        if (!tty) {
          err.write(
            `${phase.padEnd(11)} ${device.deviceId.padEnd(16)} ${handled(report)}/${pending} ops | ${report.frames} frames\n`,
          );
        }
        if (report.stoppedBy !== 'drained') {
          throw new Error(`${device.deviceId}: replay stopped (${report.stoppedBy}) ${report.error?.message ?? ''}`);
        }
        return report;
      }),
    );
  } finally {
    bars?.stop();
  }
}

/** Ops a replay has dealt with: sent, coalesced away, expired or dead-lettered. */
function handled(progress: { published: number; coalesced: number; expired: number; deadLettered: number }): number {
  return progress.published + progress.coalesced + progress.expired + progress.deadLettered;
}

function summarize(device: Device, converged: boolean): DemoDevice {
  const metrics = device.queue.metrics();
  return {
    deviceId: device.deviceId,
    userId: device.userId,
    ops: device.recorded,
    published: metrics.published,
    coalesced: metrics.coalesced,
    expired: metrics.expired,
    deadLettered: metrics.deadLettered,
    frames: metrics.frames,
    bytesJson: metrics.bytesJson,
    bytesWire: device.wireBytes,
    contextFrames: device.publisher.stats().contextFrames,
    replayMs: device.replayMs,
    opsPerSecond: device.replayMs > 0 ? device.handled / (device.replayMs / 1000) : 0,
    commandsReceived: device.commandsReceived,
    converged,
  };
}

function formatDemo(result: DemoResult, metrics: GatewayMetrics): string {
  const header = [
    'device',
    'ops',
    'sent',
    'coalesced',
    'expired',
    'frames',
    'JSON B',
    'wire B',
    'ctx frames',
    'B/op',
    'wire/JSON',
    'saved',
    'ops/s',
    'cmds recv',
  ];
  const row = (d: Omit<DemoDevice, 'userId' | 'converged'>) => [
    d.deviceId,
    d.ops,
    d.published,
    d.coalesced,
    d.expired,
    d.frames,
    d.bytesJson,
    d.bytesWire,
    d.contextFrames,
    d.published > 0 ? (d.bytesWire / d.published).toFixed(2) : '-',
    d.bytesJson > 0 ? (d.bytesWire / d.bytesJson).toFixed(4) : '-',
    d.bytesJson > 0 ? `${(100 * (1 - d.bytesWire / d.bytesJson)).toFixed(2)}%` : '-',
    d.opsPerSecond > 0 ? Math.round(d.opsPerSecond) : '-',
    d.commandsReceived,
  ];
  const sum = (key: keyof DemoDevice) => result.devices.reduce((total, d) => total + (d[key] as number), 0);
  const total = {
    deviceId: 'total',
    ops: sum('ops'),
    published: sum('published'),
    coalesced: sum('coalesced'),
    expired: sum('expired'),
    deadLettered: sum('deadLettered'),
    frames: sum('frames'),
    bytesJson: sum('bytesJson'),
    bytesWire: sum('bytesWire'),
    contextFrames: sum('contextFrames'),
    replayMs: Math.max(...result.devices.map((d) => d.replayMs)),
    // Devices replay side by side: total throughput is every op handled over the longest replay.
    opsPerSecond: sum('ops') / (Math.max(...result.devices.map((d) => d.replayMs)) / 1000),
    commandsReceived: sum('commandsReceived'),
  };
  const rows = [header, ...result.devices.map(row), row(total)].map((cells) => cells.map(String));
  const widths = header.map((_, i) => Math.max(...rows.map((cells) => cells[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const table = [
    line(rows[0] ?? []),
    `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.slice(1).map(line),
  ];
  return [
    '',
    ...table,
    '',
    'JSON B = reference JSON envelope, one message per op (§5 bytesJson); wire B = bytes the publisher sent;',
    'ctx frames = frames of those encoded against the session context (the rest self-contained); wire/JSON = compression ratio;',
    'ops/s = ops a replay dealt with (sent, coalesced, expired) per second; cmds recv = commands delivered to the device.',
    ...(total.expired > 0
      ? [
          `${total.expired} device commands were past their expiresAt when replayed: counted as expired, never delivered (§3).`,
        ]
      : []),
    `gateway: ${metrics.opsApplied} ops applied, ${metrics.opsDuplicate} duplicates dropped, ${metrics.commandsDelivered} commands delivered, ingest ${Math.round(result.gatewayIngestOpsPerSecond)} ops/s`,
    ...(result.liveCommand
      ? [
          `live command ${result.liveCommand.from} → ${result.liveCommand.to}: delivered ${result.liveCommand.deliveries === 1 ? 'once' : `${result.liveCommand.deliveries} times`}`,
        ]
      : []),
    `converged: ${result.converged ? 'yes' : 'no'} (${result.devices.length} device replicas vs gateway state${result.gateways > 1 ? `, devices spread over ${result.gateways} gateways` : ''})`,
    `done in ${(result.durationMs / 1000).toFixed(1)} s`,
    '',
  ].join('\n');
}

/** The gateways' counters over both of their runs in the demo. */
function addMetrics(a: GatewayMetrics, b: GatewayMetrics): GatewayMetrics {
  const sum = { ...b } as Record<string, number>;
  for (const [key, value] of Object.entries(a)) if (key !== 'connections') sum[key] = (sum[key] ?? 0) + value;
  return sum as unknown as GatewayMetrics;
}

const GENERATED_OPS = 20_000;

/** The trace named (`-` for standard input), else the shared standard trace, else a generated one. */
async function loadTrace(
  path: string | undefined,
  generated: boolean,
): Promise<{ label: string; entries: TraceEntry[] }> {
  const file = path ?? (generated ? undefined : standardTracePath());
  if (file !== undefined) {
    const entries: TraceEntry[] = [];
    for await (const entry of readTrace({ path: file })) entries.push(entry);
    return { label: file === '-' ? 'stdin' : file, entries: shiftToNow(entries) };
  }
  // Without ../shared (an installed package), the generator that trains the codec's dictionary
  // makes a trace of the same shape.
  const lines = generateTrace({ seed: 20_000, ops: GENERATED_OPS });
  return {
    label: `a generated trace (seed 20000, ${GENERATED_OPS} ops)`,
    entries: shiftToNow(lines.map((line) => parseTraceLine(line))),
  };
}

/**
 * Moves the trace in time so its last op happens now: device commands carry absolute expiry
 * times, and a recorded trace would otherwise have every command expired on arrival.
 */
function shiftToNow(entries: TraceEntry[]): TraceEntry[] {
  const last = entries.reduce((max, entry) => Math.max(max, entry.op.timestamp), 0);
  const shift = Date.now() - last;
  return entries.map((entry) => {
    const op = { ...entry.op, timestamp: entry.op.timestamp + shift } as SyncOperation;
    if (op.type === 'deviceCommand' && op.expiresAt !== undefined) (op as { expiresAt: number }).expiresAt += shift;
    return entry.deviceId === undefined ? { op } : { deviceId: entry.deviceId, op };
  });
}

function byDevice(entries: TraceEntry[]): Map<string, SyncOperation[]> {
  const devices = new Map<string, SyncOperation[]>();
  for (const entry of entries) {
    const deviceId = entry.deviceId ?? (entry.op.type === 'deviceCommand' ? entry.op.sourceDeviceId : 'device-1');
    let ops = devices.get(deviceId);
    if (ops === undefined) {
      ops = [];
      devices.set(deviceId, ops);
    }
    ops.push(entry.op);
  }
  return devices;
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
