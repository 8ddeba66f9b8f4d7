import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Codec, createCodec } from '@media-sync/codec';
import type { SyncOperation } from '@media-sync/protocol';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue, type StorageAdapter } from '@media-sync/queue';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { createToken, startSyncServer } from '@media-sync/sync-server';
import type { Command } from 'commander';
import { loadBusiestDevice, median } from '../trace-files.js';

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
        const server = await startSyncServer({ secret, dbPath: join(dir, `gateway-${runId}.db`), codec });
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
    'wire bytes/op = codec frame bytes; each WebSocket message adds a 5-byte gateway header and 2-14 bytes of WebSocket framing.',
  ];
  return `${lines.join('\n')}\n`;
}

/** `media-sync bench gateway [--trace FILE] [--runs N]`. */
export function registerBenchGatewayCommand(bench: Command, defaultTrace: string | undefined): void {
  bench
    .command('gateway')
    .description('replay ops/s through a real loopback WebSocket to the gateway, and gateway ingest ops/s')
    .option('--trace <file>', 'trace to take the busiest device from', defaultTrace)
    .option(
      '--runs <n>',
      'runs per storage adapter (medians are shown)',
      (value) => {
        const runs = Number(value);
        if (!Number.isSafeInteger(runs) || runs < 1)
          throw new Error(`--runs must be an integer ≥ 1, got ${JSON.stringify(value)}`);
        return runs;
      },
      3,
    )
    .action(async (options: { trace?: string; runs: number }) => {
      if (options.trace === undefined) throw new Error('--trace is required when ../shared/traces is absent');
      const { deviceId, ops } = loadBusiestDevice(options.trace);
      const rows = await benchGateway({
        ops,
        deviceId,
        runs: options.runs,
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(formatGatewayBench(rows));
    });
}
