import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Codec, createCodec } from '@media-sync/codec';
import { parseTraceLine, type SyncOperation } from '@media-sync/protocol';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue, type StorageAdapter } from '@media-sync/queue';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { createToken, startSyncServer } from '@media-sync/sync-server';
import type { Command } from 'commander';

export interface GatewayBenchOptions {
  /** The ops of one device, in order (one user). */
  readonly ops: readonly SyncOperation[];
  readonly deviceId: string;
  /** Runs per storage; rows show medians. Default 3. */
  readonly runs?: number;
  /** Encode against session context (§5). Default true. */
  readonly sessionContext?: boolean;
  readonly codec?: Codec;
  readonly progress?: (line: string) => void;
}

/** One storage adapter replaying through a real loopback WebSocket into the gateway. */
export interface GatewayBenchRow {
  readonly adapter: string;
  /** Queue replay throughput: ops published and acknowledged by the gateway per second. */
  readonly opsPerSecond: number;
  readonly frames: number;
  /** Bytes on the wire per op (after session context). */
  readonly bytesPerOp: number;
  /** Gateway ingest: ops decoded, checked, merged and committed per second of gateway work. */
  readonly ingestOpsPerSecond: number;
}

const STORAGES: readonly { name: string; open: (dir: string, run: number) => StorageAdapter }[] = [
  { name: 'memory', open: () => createMemoryStorage() },
  { name: 'sqlite', open: (dir, run) => createSqliteStorage({ path: join(dir, `queue-${run}.db`) }) },
];

/**
 * Replay ops/s over a real loopback WebSocket to the in-process gateway (SQLite state), and the
 * gateway's ingest ops/s, per queue storage adapter. Progress coalescing is off so every op
 * travels; the queue fills before the clock starts.
 */
export async function benchGateway(options: GatewayBenchOptions): Promise<GatewayBenchRow[]> {
  const runs = options.runs ?? 3;
  const codec = options.codec ?? (await createCodec());
  const userId = options.ops.find(
    (op): op is Exclude<SyncOperation, { type: 'deviceCommand' }> => 'userId' in op,
  )?.userId;
  if (userId === undefined) throw new Error('the bench ops name no user');
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-bench-gateway-'));
  const secret = randomBytes(32).toString('base64url');
  const rows: GatewayBenchRow[] = [];
  try {
    for (const storage of STORAGES) {
      const samples: { opsPerSecond: number; frames: number; wireBytes: number; published: number; ingest: number }[] =
        [];
      for (let run = 0; run < runs; run += 1) {
        options.progress?.(`bench gateway ${storage.name}: run ${run + 1}/${runs}`);
        const server = await startSyncServer({ secret, dbPath: join(dir, `gateway-${storage.name}-${run}.db`), codec });
        const adapter = storage.open(dir, run);
        const publisher = createWebSocketPublisher({
          url: server.url,
          token: createToken({ secret, userId, deviceId: options.deviceId }),
          codec,
          sessionContext: options.sessionContext ?? true,
        });
        const queue = createQueue({
          deviceId: options.deviceId,
          userId,
          storage: adapter,
          publisher,
          codec,
          config: { coalesceProgress: false },
        });
        try {
          for (let i = 0; i < options.ops.length; i += 1000) await queue.enqueueMany(options.ops.slice(i, i + 1000));
          let wireBytes = 0;
          queue.on('framePublished', (event) => {
            wireBytes += event.wireBytes;
          });
          const report = await queue.replay();
          if (report.stoppedBy !== 'drained')
            throw new Error(`replay stopped (${report.stoppedBy}) ${report.error?.message ?? ''}`);
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
          await adapter.close();
          await server.close();
        }
      }
      const first = samples[0];
      rows.push({
        adapter: `${storage.name} → websocket → gateway`,
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

export function formatGatewayBench(rows: readonly GatewayBenchRow[], ops: number): string {
  const lines = [
    `replay over a loopback WebSocket to the sync gateway (${ops} ops, coalescing off, session context on)`,
    '',
    '| queue storage | replay ops/s | frames | wire bytes/op | gateway ingest ops/s |',
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.adapter} | ${Math.round(row.opsPerSecond).toLocaleString('en-US')} | ${row.frames} | ${row.bytesPerOp.toFixed(2)} | ${Math.round(row.ingestOpsPerSecond).toLocaleString('en-US')} |`,
    ),
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
      const { deviceId, ops } = busiestDevice(options.trace);
      const rows = await benchGateway({
        ops,
        deviceId,
        runs: options.runs,
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(formatGatewayBench(rows, ops.length));
    });
}

/** The ops of the trace's busiest device. */
export function busiestDevice(trace: string): { deviceId: string; ops: SyncOperation[] } {
  const byDevice = new Map<string, SyncOperation[]>();
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseTraceLine(line);
    const deviceId = entry.deviceId ?? 'device-1';
    let ops = byDevice.get(deviceId);
    if (ops === undefined) {
      ops = [];
      byDevice.set(deviceId, ops);
    }
    ops.push(entry.op);
  }
  const [deviceId, ops] = [...byDevice].sort((a, b) => b[1].length - a[1].length)[0] ?? ['device-1', []];
  if (ops.length === 0) throw new Error(`trace ${trace} holds no ops`);
  return { deviceId, ops };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
