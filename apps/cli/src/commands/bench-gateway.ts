import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Codec, createCodec } from '@media-sync/codec';
import type { SequencedOperation, SyncOperation } from '@media-sync/protocol';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue, type EncodedFrame, type StorageAdapter } from '@media-sync/queue';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { createToken, startSyncServer } from '@media-sync/sync-server';
import type { Command } from 'commander';
import { loadBusiestDevice, median, missingTraceError, standardTracePath } from '../trace-files.js';
import { benchGatewayUnderAttack, formatAttackBench } from './bench-attack.js';
import { benchGatewayDevices, formatDevicesBench } from './bench-gateway-devices.js';

export interface GatewayBenchOptions {
  /** The ops of one device, in order (one user). */
  readonly ops: readonly SyncOperation[];
  readonly deviceId: string;
  /** Runs per storage; rows show medians. Default 3. */
  readonly runs?: number;
  /** Encode the 500-op rows against session context (§5). Default true. */
  readonly sessionContext?: boolean;
  readonly codec?: Codec;
  readonly progress?: (line: string) => void;
}

/** One storage adapter replaying through a real loopback WebSocket into the gateway. */
export interface GatewayBenchRow {
  readonly adapter: string;
  /** Ops sent in this row. */
  readonly ops: number;
  /** Queue replay throughput: ops published and acknowledged by the gateway per second. */
  readonly opsPerSecond: number;
  readonly frames: number;
  /** Codec frame bytes sent per op (after session context; the gateway message adds 5 bytes a frame). */
  readonly bytesPerOp: number;
  /** Gateway ingest: ops decoded, checked, merged and committed per second of gateway work. */
  readonly ingestOpsPerSecond: number;
}

const STORAGES = {
  memory: (): StorageAdapter => createMemoryStorage(),
  sqlite: (path: string): StorageAdapter => createSqliteStorage({ path }),
} as const;

/** One measured setup: queue storage, ops per frame, session context on or off. */
interface Scenario {
  readonly label: string;
  readonly storage: keyof typeof STORAGES;
  /** `maxBatchOps` of the queue. */
  readonly frameOps: number;
  readonly sessionContext: boolean;
  /** How many of the bench ops to send (1-op frames take a round trip each). */
  readonly ops: number;
  /** The gateway store's `synchronous`; default FULL (the gateway's default). */
  readonly synchronous?: 'normal' | 'full';
}

interface Sample {
  readonly opsPerSecond: number;
  readonly frames: number;
  readonly wireBytes: number;
  readonly published: number;
  readonly ingest: number;
}

/** Ops sent in the one-op-per-frame rows. */
export const SINGLE_OP_FRAMES = 1000;

/**
 * Replay ops/s over a real loopback WebSocket to the in-process gateway (SQLite state), and the
 * gateway's ingest ops/s: per queue storage with frames of up to 500 ops, then one op per frame
 * with and without §5 session context (what a device online and syncing live sends). Progress
 * coalescing is off so every op travels; the queue fills before the clock starts.
 */
export async function benchGateway(options: GatewayBenchOptions): Promise<GatewayBenchRow[]> {
  const runs = options.runs ?? 3;
  const codec = options.codec ?? (await createCodec());
  const userId = options.ops.find(
    (op): op is Exclude<SyncOperation, { type: 'deviceCommand' }> => 'userId' in op,
  )?.userId;
  if (userId === undefined) throw new Error('the bench ops name no user');
  const context = options.sessionContext ?? true;
  const all = options.ops.length;
  const single = Math.min(SINGLE_OP_FRAMES, all);
  const scenarios: Scenario[] = [
    { label: 'memory → websocket → gateway', storage: 'memory', frameOps: 500, sessionContext: context, ops: all },
    { label: 'sqlite → websocket → gateway', storage: 'sqlite', frameOps: 500, sessionContext: context, ops: all },
    {
      label: 'sqlite → websocket → gateway, store synchronous NORMAL',
      storage: 'sqlite',
      frameOps: 500,
      sessionContext: context,
      ops: all,
      synchronous: 'normal',
    },
    {
      label: 'sqlite, 1 op per frame, session context',
      storage: 'sqlite',
      frameOps: 1,
      sessionContext: true,
      ops: single,
    },
    {
      label: 'sqlite, 1 op per frame, self-contained',
      storage: 'sqlite',
      frameOps: 1,
      sessionContext: false,
      ops: single,
    },
    {
      label: 'sqlite, 1 op per frame, session context, store synchronous NORMAL',
      storage: 'sqlite',
      frameOps: 1,
      sessionContext: true,
      ops: single,
      synchronous: 'normal',
    },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-bench-gateway-'));
  const secret = randomBytes(32).toString('base64url');
  const token = await createToken({ secret, userId, deviceId: options.deviceId });
  const rows: GatewayBenchRow[] = [];
  let runId = 0;
  try {
    for (const scenario of scenarios) {
      const samples: Sample[] = [];
      for (let run = 0; run < runs; run += 1) {
        options.progress?.(`bench gateway ${scenario.label}: run ${run + 1}/${runs}`);
        runId += 1;
        const server = await startSyncServer({
          secret,
          dbPath: join(dir, `gateway-${runId}.db`),
          codec,
          ...(scenario.synchronous ? { synchronous: scenario.synchronous } : {}),
        });
        const storage = STORAGES[scenario.storage](join(dir, `queue-${runId}.db`));
        const publisher = createWebSocketPublisher({
          url: server.url,
          token,
          codec,
          sessionContext: scenario.sessionContext,
        });
        const queue = createQueue({
          deviceId: options.deviceId,
          userId,
          storage,
          publisher,
          codec,
          config: { coalesceProgress: false, maxBatchOps: scenario.frameOps },
        });
        try {
          const ops = options.ops.slice(0, scenario.ops);
          for (let i = 0; i < ops.length; i += 1000) await queue.enqueueMany(ops.slice(i, i + 1000));
          let wireBytes = 0;
          queue.on('framePublished', (event) => {
            wireBytes += event.wireBytes;
          });
          const report = await queue.replay();
          if (report.stoppedBy !== 'drained') {
            throw new Error(`replay stopped (${report.stoppedBy}) ${report.error?.message ?? ''}`);
          }
          const metrics = server.metrics();
          samples.push({
            opsPerSecond: (report.published * 1000) / report.durationMs,
            frames: report.frames,
            wireBytes,
            published: report.published,
            ingest: (metrics.opsApplied * 1000) / metrics.ingestMs,
          });
        } finally {
          await queue.close();
          await publisher.close();
          await storage.close();
          await server.close();
        }
      }
      const first = samples[0];
      rows.push({
        adapter: scenario.label,
        ops: scenario.ops,
        opsPerSecond: median(samples.map((sample) => sample.opsPerSecond)),
        frames: first?.frames ?? 0,
        bytesPerOp: first && first.published > 0 ? first.wireBytes / first.published : 0,
        ingestOpsPerSecond: median(samples.map((sample) => sample.ingest)),
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One durability setting of the gateway store under concurrent devices. */
export interface DurabilityBenchRow {
  readonly setting: string;
  readonly devices: number;
  readonly ops: number;
  /** ACKs per second over all devices (each op in its own frame, each device waiting for its ACK). */
  readonly acksPerSecond: number;
  /** Median time from send to ACK, milliseconds. */
  readonly ackMsP50: number;
  /** Store transactions per frame: 1 without group commit. */
  readonly commitsPerFrame: number;
}

const DURABILITY_SETTINGS = [
  { setting: 'synchronous NORMAL, a commit per frame (before)', synchronous: 'normal', groupCommit: false },
  { setting: 'synchronous FULL, a commit per frame', synchronous: 'full', groupCommit: false },
  { setting: 'synchronous FULL, group commit (default)', synchronous: 'full', groupCommit: true },
] as const;

/**
 * What durability costs: `devices` devices of one user each publish `opsPerDevice` one-op
 * frames at once over their own connection (each waits for its ACK, as the queue does), per
 * store setting. FULL syncs every commit; group commit makes one commit of every frame that
 * arrived in one event-loop turn.
 */
export async function benchGatewayDurability(
  options: { devices?: number; opsPerDevice?: number; runs?: number; progress?: (line: string) => void } = {},
): Promise<DurabilityBenchRow[]> {
  const devices = options.devices ?? 16;
  const opsPerDevice = options.opsPerDevice ?? 100;
  const runs = options.runs ?? 3;
  const codec = await createCodec();
  const secret = randomBytes(32).toString('base64url');
  const userId = 'bench-user';
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-bench-durability-'));
  const base = Date.now() - 86_400_000;
  const rows: DurabilityBenchRow[] = [];
  let runId = 0;
  try {
    for (const config of DURABILITY_SETTINGS) {
      const samples: { acksPerSecond: number; p50: number; commitsPerFrame: number }[] = [];
      for (let run = 0; run < runs; run += 1) {
        options.progress?.(`bench gateway durability ${config.setting}: run ${run + 1}/${runs}`);
        runId += 1;
        const server = await startSyncServer({
          secret,
          dbPath: join(dir, `durability-${runId}.db`),
          codec,
          synchronous: config.synchronous,
          groupCommit: config.groupCommit,
        });
        const publishers = await Promise.all(
          Array.from({ length: devices }, async (_, d) =>
            createWebSocketPublisher({
              url: server.url,
              token: await createToken({ secret, userId, deviceId: `device-${d}` }),
              codec,
            }),
          ),
        );
        try {
          const latencies: number[] = [];
          const commitsBefore = server.metrics().commits;
          const started = performance.now();
          await Promise.all(
            publishers.map(async (publisher, d) => {
              const deviceId = `device-${d}`;
              for (let seq = 1; seq <= opsPerDevice; seq += 1) {
                const timestamp = base + seq * 1000;
                const ops: SequencedOperation[] = [
                  {
                    deviceId,
                    seq,
                    hlc: { physicalMs: timestamp, logical: 0, nodeId: deviceId },
                    op: {
                      type: 'progressUpdate',
                      userId,
                      contentId: `title-${seq % 7}`,
                      positionMs: seq * 10_000,
                      durationMs: 5_400_000,
                      state: 'playing',
                      timestamp,
                    },
                  },
                ];
                let encoded: EncodedFrame | undefined;
                const sent = performance.now();
                await publisher.publish({
                  deviceId,
                  userId,
                  firstSeq: seq,
                  lastSeq: seq,
                  ops,
                  skipped: [],
                  selfContained: () => {
                    encoded ??= codec.encodeFrame(deviceId, ops, { userId });
                    return encoded;
                  },
                });
                latencies.push(performance.now() - sent);
              }
            }),
          );
          const seconds = (performance.now() - started) / 1000;
          const frames = devices * opsPerDevice;
          samples.push({
            acksPerSecond: frames / seconds,
            p50: median(latencies),
            commitsPerFrame: (server.metrics().commits - commitsBefore) / frames,
          });
        } finally {
          await Promise.all(publishers.map((publisher) => publisher.close()));
          await server.close();
        }
      }
      rows.push({
        setting: config.setting,
        devices,
        ops: devices * opsPerDevice,
        acksPerSecond: median(samples.map((sample) => sample.acksPerSecond)),
        ackMsP50: median(samples.map((sample) => sample.p50)),
        commitsPerFrame: median(samples.map((sample) => sample.commitsPerFrame)),
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatDurabilityBench(rows: readonly DurabilityBenchRow[]): string {
  const lines = [
    'gateway store durability: devices of one user publishing one-op frames at once, each waiting for its ACK; medians',
    '',
    '| store setting | devices | frames | ACKs/s | ACK p50 ms | commits/frame |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.setting} | ${row.devices} | ${row.ops} | ${Math.round(row.acksPerSecond).toLocaleString('en-US')} | ${row.ackMsP50.toFixed(2)} | ${row.commitsPerFrame.toFixed(2)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatGatewayBench(rows: readonly GatewayBenchRow[]): string {
  const lines = [
    'replay over a loopback WebSocket to the sync gateway (SQLite state), coalescing off; medians',
    '',
    '| queue storage, frames | ops | replay ops/s | frames | wire bytes/op | gateway ingest ops/s |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.adapter} | ${row.ops} | ${Math.round(row.opsPerSecond).toLocaleString('en-US')} | ${row.frames} | ${row.bytesPerOp.toFixed(2)} | ${Math.round(row.ingestOpsPerSecond).toLocaleString('en-US')} |`,
    ),
    '',
    'wire bytes/op = codec frame bytes; each WebSocket message adds 5-13 bytes of GatewayMessage (field tags, frame id, lengths) and 2-14 bytes of WebSocket framing.',
  ];
  return `${lines.join('\n')}\n`;
}

/** A whole number ≥ `min` from a flag. */
function wholeNumber(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** `--instances 1,3,4`: distinct counts of 1..16 gateways, in the order given. */
function instanceCounts(value: string): number[] {
  const counts = value.split(',').map((part) => Number(part.trim()));
  if (counts.length === 0 || counts.some((count) => !Number.isInteger(count) || count < 1 || count > 16)) {
    throw new Error(`--instances must list whole numbers from 1 to 16, got ${JSON.stringify(value)}`);
  }
  return [...new Set(counts)];
}

interface BenchGatewayFlags {
  trace?: string;
  runs: number;
  devices?: number | true;
  active?: number;
  rate?: number;
  seconds?: number;
  store?: string[];
  fanout?: string;
  instances?: number[];
  profile?: string;
  synchronousNormal?: boolean;
  bulkFrames?: number;
}

/** `media-sync bench gateway [--trace FILE] [--runs N] [--devices [N] ...]`. */
export function registerBenchGatewayCommand(bench: Command): void {
  bench
    .command('gateway')
    .description('replay ops/s through a real loopback WebSocket to the gateway, and gateway ingest ops/s')
    .option(
      '--trace <file>',
      'trace to take the busiest device from (default: ../shared/traces/standard-20k.jsonl beside the repository)',
    )
    .option('--runs <n>', 'runs per storage adapter (medians are shown)', wholeNumber('--runs', 1), 3)
    .option(
      '--devices [n]',
      'instead: N concurrent devices (default 1000), each its own connection and token, against serve processes',
      wholeNumber('--devices', 2),
    )
    .option(
      '--active <n>',
      'with --devices: how many send one op at a time (default min(N, 1000))',
      wholeNumber('--active', 1),
    )
    .option(
      '--rate <n>',
      'with --devices: ops per second each active device sends (default 1)',
      wholeNumber('--rate', 1),
    )
    .option('--seconds <n>', 'with --devices: seconds the one-op phase lasts (default 10)', wholeNumber('--seconds', 1))
    .option(
      '--bulk-frames <n>',
      'with --devices: measured 500-op frames each of the 20 bulk devices sends after 5 to warm up (default 10)',
      wholeNumber('--bulk-frames', 1),
    )
    .option('--store <url...>', 'with --devices: also bench these stores (serve --store), beside SQLite')
    .option(
      '--fanout <url>',
      'with --devices and a shared --store: also run several instances fanning out over this NATS',
    )
    .option(
      '--instances <list>',
      'with --fanout: comma-separated instance counts to bench on each shared store (default 1,3)',
      instanceCounts,
    )
    .option(
      '--synchronous-normal',
      'with --devices: also bench SQLite without a sync per commit (serve --synchronous normal)',
    )
    .option('--profile <dir>', 'with --devices: write a CPU profile of each gateway process (node --cpu-prof) into dir')
    .action(async (options: BenchGatewayFlags) => {
      const trace = options.trace ?? standardTracePath();
      if (trace === undefined) throw missingTraceError();
      const { deviceId, ops } = loadBusiestDevice(trace);
      const progress = (line: string) => process.stderr.write(`${line}\n`);
      if (options.devices !== undefined) {
        const devices = options.devices === true ? 1000 : options.devices;
        const runs = options.runs;
        const rows = await benchGatewayDevices({
          ops,
          devices,
          runs,
          ...(options.active === undefined ? {} : { active: options.active }),
          ...(options.rate === undefined ? {} : { rate: options.rate }),
          ...(options.seconds === undefined ? {} : { seconds: options.seconds }),
          ...(options.bulkFrames === undefined ? {} : { bulkFrames: options.bulkFrames }),
          stores: [
            { label: 'SQLite' },
            ...(options.synchronousNormal
              ? [{ label: 'SQLite NORMAL', env: { MEDIA_SYNC_SQLITE_SYNCHRONOUS: 'normal' } }]
              : []),
            ...(options.store ?? []).map((url) => ({ label: storeLabel(url), url })),
          ],
          instances: options.fanout === undefined ? [1] : (options.instances ?? [1, 3]),
          ...(options.fanout === undefined ? {} : { fanout: options.fanout }),
          ...(options.profile === undefined ? {} : { profileDir: options.profile }),
          progress,
        });
        process.stdout.write(formatDevicesBench(rows, runs));
        return;
      }
      const rows = await benchGateway({ ops, deviceId, runs: options.runs, progress });
      process.stdout.write(formatGatewayBench(rows));
      const durability = await benchGatewayDurability({ runs: options.runs, progress });
      process.stdout.write(`\n${formatDurabilityBench(durability)}`);
      const attack = await benchGatewayUnderAttack({ progress });
      process.stdout.write(`\n${formatAttackBench(attack)}`);
    });
}

/** `PostgreSQL` for a postgres:// URL (credentials never shown), else the URL's scheme. */
function storeLabel(url: string): string {
  const scheme = url.split(':')[0] ?? url;
  return scheme.startsWith('postgres') ? 'PostgreSQL' : scheme;
}
