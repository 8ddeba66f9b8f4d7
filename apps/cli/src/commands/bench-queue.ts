import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Codec, createCodec } from '@media-sync/codec';
import { type SyncOperation, toCanonicalJson } from '@media-sync/protocol';
import { createMemoryPublisher } from '@media-sync/publisher-memory';
import { createQueue, type StorageAdapter } from '@media-sync/queue';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import Database from 'better-sqlite3';
import { type Command, Option } from 'commander';
import { loadBusiestDevice, median, missingTraceError, standardTracePath } from '../trace-files.js';
import { benchGateway, formatGatewayBench } from './bench-gateway.js';

export interface QueueBenchOptions {
  /** A §2 trace; its largest device's ops are cycled to make as many ops as needed. */
  readonly trace: string;
  /** Ops enqueued one awaited call at a time, per run. */
  readonly singleOps: number;
  /** Ops per run for the concurrent-single and batched enqueue and for the replay rows. */
  readonly batchOps: number;
  /** Ops per `enqueueMany` / raw transaction. */
  readonly batchSize: number;
  /** Runs per measurement; the table shows medians. */
  readonly runs: number;
  /** Queued ops for the peak-RSS replay in a child process (0 skips it). */
  readonly rssOps: number;
  readonly progress?: (line: string) => void;
}

export interface EnqueueRow {
  readonly adapter: string;
  /** ops/s, one `enqueue` awaited at a time. */
  readonly single: number;
  /** ops/s, all `enqueue` calls issued at once (group commit). */
  readonly concurrent: number | null;
  /** ops/s, `enqueueMany` of `batchSize`. */
  readonly batched: number;
}

export interface ReplayRow {
  readonly adapter: string;
  readonly opsPerSecond: number;
  readonly frames: number;
  readonly bytesPerOp: number;
}

export interface RssResult {
  readonly ops: number;
  readonly fillOpsPerSecond: number;
  readonly replayOpsPerSecond: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly growthMb: number;
  readonly published: number;
}

export interface QueueBenchResult {
  readonly trace: string;
  readonly deviceId: string;
  readonly traceOps: number;
  readonly runs: number;
  readonly enqueue: readonly EnqueueRow[];
  readonly replay: readonly ReplayRow[];
  readonly rss: RssResult | null;
  readonly skipped: readonly string[];
}

/**
 * `count` ops cycling through `ops`; every cycle shifts timestamps by the trace's span so the
 * ops stay distinct and in time order, as a device that keeps playing would record them.
 */
export function cycleOps(ops: readonly SyncOperation[], count: number, from = 0): SyncOperation[] {
  const first = ops[0]?.timestamp ?? 0;
  const span = (ops[ops.length - 1]?.timestamp ?? first) - first + 1_000;
  const result: SyncOperation[] = [];
  for (let i = from; i < from + count; i++) {
    const op = ops[i % ops.length] as SyncOperation;
    const shift = Math.floor(i / ops.length) * span;
    if (shift === 0) result.push(op);
    else if (op.type === 'deviceCommand') {
      result.push({
        ...op,
        commandId: `${op.commandId}-${Math.floor(i / ops.length)}`,
        timestamp: op.timestamp + shift,
        ...(op.expiresAt === undefined ? {} : { expiresAt: op.expiresAt + shift }),
      });
    } else result.push({ ...op, timestamp: op.timestamp + shift });
  }
  return result;
}

function perSecond(ops: number, ms: number): number {
  return ms <= 0 ? Number.POSITIVE_INFINITY : (ops * 1_000) / ms;
}

interface AdapterFactory {
  readonly name: string;
  readonly open: (dir: string, run: number) => Promise<StorageAdapter>;
}

interface IndexedDbModules {
  createIndexedDbStorage: (options: {
    name: string;
    indexedDB?: IDBFactory;
    locks?: null;
  }) => StorageAdapter | Promise<StorageAdapter>;
  IDBFactory: new () => IDBFactory;
}

// Loaded by name at run time: the CLI does not depend on the IndexedDB adapter or on
// fake-indexeddb (a dev dependency), and the bench says so when they are missing.
async function loadIndexedDb(): Promise<IndexedDbModules | undefined> {
  const adapterName = '@media-sync/storage-indexeddb';
  const fakeName = 'fake-indexeddb';
  try {
    const adapter = (await import(adapterName)) as Pick<IndexedDbModules, 'createIndexedDbStorage'>;
    const fake = (await import(fakeName)) as Pick<IndexedDbModules, 'IDBFactory'>;
    // `idb` checks results with `instanceof IDBRequest` and friends: they must be globals.
    await import(`${fakeName}/auto`);
    return { createIndexedDbStorage: adapter.createIndexedDbStorage, IDBFactory: fake.IDBFactory };
  } catch {
    return undefined;
  }
}

async function timeEnqueue(
  factory: AdapterFactory,
  dir: string,
  run: number,
  deviceId: string,
  ops: readonly SyncOperation[],
  mode: 'single' | 'concurrent' | 'batched',
  batchSize: number,
): Promise<number> {
  const storage = await factory.open(dir, run);
  const queue = createQueue({ deviceId, storage });
  try {
    // The first enqueue loads the queue's clock from storage: keep it out of the timing.
    await queue.enqueue(ops[0] as SyncOperation);
    const body = ops.slice(1);
    const started = performance.now();
    if (mode === 'single') for (const op of body) await queue.enqueue(op);
    else if (mode === 'concurrent') await Promise.all(body.map((op) => queue.enqueue(op)));
    else for (let i = 0; i < body.length; i += batchSize) await queue.enqueueMany(body.slice(i, i + batchSize));
    const elapsed = performance.now() - started;
    if ((await queue.pending()) !== ops.length) throw new Error(`${factory.name}: enqueued ops went missing`);
    return perSecond(body.length, elapsed);
  } finally {
    await queue.close();
    await storage.close();
  }
}

/**
 * The same rows straight into better-sqlite3 with the adapter's pragmas: the ceiling. With
 * `index`, also the adapter's partial index on the coalesce key (the queue needs it for
 * coalescing in O(log n); 95 % of the trace are progress updates that carry a key).
 */
function timeRawSqlite(path: string, ops: readonly SyncOperation[], batchSize: number | null, index: boolean): number {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE pending (
      seq INTEGER PRIMARY KEY, hlc TEXT NOT NULL, type TEXT NOT NULL, coalesce_key TEXT,
      expires_at INTEGER, body BLOB NOT NULL, enqueued_at INTEGER NOT NULL) STRICT`);
    if (index) {
      db.exec('CREATE INDEX pending_by_coalesce_key ON pending (coalesce_key, seq) WHERE coalesce_key IS NOT NULL');
    }
    const insert = db.prepare('INSERT INTO pending VALUES (?, ?, ?, ?, ?, ?, ?)');
    const encoder = new TextEncoder();
    const rows = ops.map((op, i) => [
      i + 1,
      `${(op.timestamp + i).toString(16).padStart(12, '0')}-0000-bench`,
      op.type,
      op.type === 'progressUpdate' ? `${op.userId}\n${op.contentId}` : null,
      null,
      encoder.encode(toCanonicalJson(op)),
      op.timestamp,
    ]);
    const insertMany = db.transaction((slice: unknown[][]) => {
      for (const row of slice) insert.run(...row);
    });
    const started = performance.now();
    if (batchSize === null) for (const row of rows) insert.run(...row);
    else for (let i = 0; i < rows.length; i += batchSize) insertMany(rows.slice(i, i + batchSize));
    return perSecond(rows.length, performance.now() - started);
  } finally {
    db.close();
  }
}

async function timeReplay(
  factory: AdapterFactory,
  dir: string,
  run: number,
  deviceId: string,
  ops: readonly SyncOperation[],
  codec: Codec,
): Promise<{ opsPerSecond: number; frames: number; bytes: number }> {
  const storage = await factory.open(dir, run);
  const publisher = createMemoryPublisher({ codec, retain: false });
  // Coalescing off: every queued op is encoded, published and deleted (the most work).
  const queue = createQueue({ deviceId, storage, publisher, codec, config: { coalesceProgress: false } });
  try {
    for (let i = 0; i < ops.length; i += 10_000) await queue.enqueueMany(ops.slice(i, i + 10_000));
    const report = await queue.replay();
    // Trace device commands are long expired by the wall clock: they are dropped, not sent.
    if (report.published + report.expired !== ops.length || report.pending !== 0) {
      throw new Error(
        `${factory.name}: replay published ${report.published} and dropped ${report.expired} of ${ops.length}`,
      );
    }
    return {
      opsPerSecond: perSecond(report.published, report.durationMs),
      frames: report.frames,
      bytes: report.bytes.bytesWire,
    };
  } finally {
    await queue.close();
    await storage.close();
    await publisher.close();
  }
}

const MB = 1024 * 1024;
const RAW_SAME_SCHEMA = 'raw better-sqlite3 insert loop (same table and index)';
const RAW_BARE = 'raw better-sqlite3 insert loop (bare table, no index)';

/**
 * The child side of the RSS measurement: replays the queue in `db` to a memory publisher that
 * keeps nothing, sampling RSS after every frame and on a timer. Prints one JSON line.
 */
export async function replayForRss(db: string, deviceId: string): Promise<Omit<RssResult, 'fillOpsPerSecond' | 'ops'>> {
  const codec = await createCodec();
  const storage = createSqliteStorage({ path: db });
  const publisher = createMemoryPublisher({ codec, retain: false });
  const queue = createQueue({ deviceId, storage, publisher, codec, config: { coalesceProgress: false } });
  try {
    await queue.status();
    globalThis.gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage.rss());
    };
    queue.on('framePublished', sample);
    const timer = setInterval(sample, 20);
    const report = await queue.replay();
    clearInterval(timer);
    sample();
    return {
      replayOpsPerSecond: perSecond(report.published, report.durationMs),
      baselineRssMb: baseline / MB,
      peakRssMb: peak / MB,
      growthMb: (peak - baseline) / MB,
      published: report.published,
    };
  } finally {
    await queue.close();
    await storage.close();
  }
}

async function fillForRss(db: string, deviceId: string, ops: readonly SyncOperation[], count: number): Promise<number> {
  const storage = createSqliteStorage({ path: db });
  const queue = createQueue({ deviceId, storage });
  const started = performance.now();
  try {
    for (let from = 0; from < count; from += 20_000) {
      await queue.enqueueMany(cycleOps(ops, Math.min(20_000, count - from), from));
    }
  } finally {
    await queue.close();
    await storage.close();
  }
  return perSecond(count, performance.now() - started);
}

function runRssChild(db: string, deviceId: string): Promise<Omit<RssResult, 'fillOpsPerSecond' | 'ops'>> {
  const entry = process.argv[1];
  if (entry === undefined) return Promise.reject(new Error('cannot find the media-sync entry script for the child'));
  const args = [
    ...process.execArgv,
    '--expose-gc',
    entry,
    'bench',
    'queue',
    '--rss-child',
    db,
    '--rss-device',
    deviceId,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`RSS child exited with code ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch (error) {
        reject(new Error(`RSS child printed no result: ${String(error)}`));
      }
    });
  });
}

export async function runQueueBench(options: QueueBenchOptions): Promise<QueueBenchResult> {
  const say = options.progress ?? (() => undefined);
  const { deviceId, ops: traceOps } = loadBusiestDevice(options.trace);
  const singleOps = cycleOps(traceOps, options.singleOps);
  const batchOps = cycleOps(traceOps, options.batchOps);
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-bench-queue-'));
  const skipped: string[] = [];
  try {
    const factories: AdapterFactory[] = [
      { name: 'memory', open: async () => createMemoryStorage() },
      {
        name: 'sqlite (WAL, synchronous FULL)',
        open: async (at, run) => createSqliteStorage({ path: join(at, `queue-${run}-${Math.random()}.db`) }),
      },
      // Survives a killed process (the §6 durability bar), not an OS crash or power loss.
      {
        name: 'sqlite (WAL, synchronous NORMAL)',
        open: async (at, run) =>
          createSqliteStorage({ path: join(at, `queue-${run}-${Math.random()}.db`), synchronous: 'normal' }),
      },
    ];
    const indexedDb = await loadIndexedDb();
    if (indexedDb) {
      factories.push({
        name: 'indexeddb (fake-indexeddb)',
        open: async (_, run) =>
          indexedDb.createIndexedDbStorage({
            name: `bench-${run}-${Math.random()}`,
            indexedDB: new indexedDb.IDBFactory(),
            locks: null,
          }),
      });
    } else skipped.push('indexeddb: @media-sync/storage-indexeddb or fake-indexeddb is not installed');

    // Warm-up, untimed: the first pass through the queue runs in V8's interpreter, and whichever
    // adapter went first would pay for it.
    say('warm-up');
    const warmOps = batchOps.slice(0, Math.min(batchOps.length, 5_000));
    const warmFactory = factories[0] as AdapterFactory;
    for (const mode of ['single', 'concurrent', 'batched'] as const) {
      await timeEnqueue(warmFactory, dir, -1, deviceId, warmOps, mode, options.batchSize);
    }
    timeRawSqlite(join(dir, 'raw-warm.db'), warmOps, options.batchSize, true);

    const enqueue: EnqueueRow[] = [];
    for (const factory of factories) {
      const samples = { single: [] as number[], concurrent: [] as number[], batched: [] as number[] };
      for (let run = 0; run < options.runs; run++) {
        say(`enqueue ${factory.name}: run ${run + 1}/${options.runs}`);
        samples.single.push(await timeEnqueue(factory, dir, run, deviceId, singleOps, 'single', options.batchSize));
        samples.concurrent.push(
          await timeEnqueue(factory, dir, run, deviceId, batchOps, 'concurrent', options.batchSize),
        );
        samples.batched.push(await timeEnqueue(factory, dir, run, deviceId, batchOps, 'batched', options.batchSize));
      }
      enqueue.push({
        adapter: factory.name,
        single: median(samples.single),
        concurrent: median(samples.concurrent),
        batched: median(samples.batched),
      });
    }
    for (const index of [true, false]) {
      const raw = { single: [] as number[], batched: [] as number[] };
      for (let run = 0; run < options.runs; run++) {
        say(`enqueue raw better-sqlite3${index ? '' : ' (bare table)'}: run ${run + 1}/${options.runs}`);
        raw.single.push(timeRawSqlite(join(dir, `raw-single-${index}-${run}.db`), singleOps, null, index));
        raw.batched.push(
          timeRawSqlite(join(dir, `raw-batched-${index}-${run}.db`), batchOps, options.batchSize, index),
        );
      }
      enqueue.push({
        adapter: index ? RAW_SAME_SCHEMA : RAW_BARE,
        single: median(raw.single),
        concurrent: null,
        batched: median(raw.batched),
      });
    }

    const codec = await createCodec();
    await timeReplay(warmFactory, dir, -1, deviceId, warmOps, codec);
    const replay: ReplayRow[] = [];
    for (const factory of factories) {
      const samples: Array<{ opsPerSecond: number; frames: number; bytes: number }> = [];
      for (let run = 0; run < options.runs; run++) {
        say(`replay ${factory.name}: run ${run + 1}/${options.runs}`);
        samples.push(await timeReplay(factory, dir, run, deviceId, batchOps, codec));
      }
      const middle = samples[0] as { frames: number; bytes: number };
      replay.push({
        adapter: factory.name,
        opsPerSecond: median(samples.map((sample) => sample.opsPerSecond)),
        frames: middle.frames,
        bytesPerOp: middle.bytes / batchOps.length,
      });
    }

    let rss: RssResult | null = null;
    if (options.rssOps > 0) {
      const db = join(dir, 'rss.db');
      say(`rss: filling a sqlite queue with ${options.rssOps} ops`);
      const fillOpsPerSecond = await fillForRss(db, deviceId, traceOps, options.rssOps);
      say('rss: replaying in a child process');
      rss = { ops: options.rssOps, fillOpsPerSecond, ...(await runRssChild(db, deviceId)) };
    }
    return {
      trace: options.trace,
      deviceId,
      traceOps: traceOps.length,
      runs: options.runs,
      enqueue,
      replay,
      rss,
      skipped,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatRate(value: number | null): string {
  if (value === null) return '—';
  return Math.round(value).toLocaleString('en-US');
}

export function formatQueueBench(result: QueueBenchResult, options: QueueBenchOptions): string {
  const lines: string[] = [];
  lines.push(
    `bench queue — ${result.deviceId}'s ${result.traceOps} ops of ${result.trace}, cycled; median of ${result.runs} runs`,
    '',
    `enqueue, ops/s (single: ${options.singleOps} awaited one by one; concurrent: ${options.batchOps} issued at once, group commit; batched: enqueueMany of ${options.batchSize})`,
    '',
    '| adapter | single | concurrent | batched |',
    '|---|---:|---:|---:|',
  );
  for (const row of result.enqueue) {
    lines.push(
      `| ${row.adapter} | ${formatRate(row.single)} | ${formatRate(row.concurrent)} | ${formatRate(row.batched)} |`,
    );
  }
  const sqlite = result.enqueue.find((row) => row.adapter === 'sqlite (WAL, synchronous FULL)');
  const raw = result.enqueue.find((row) => row.adapter === RAW_SAME_SCHEMA);
  const bare = result.enqueue.find((row) => row.adapter === RAW_BARE);
  if (sqlite && raw && bare) {
    lines.push(
      '',
      `sqlite (FULL) batched enqueue = ${((100 * sqlite.batched) / raw.batched).toFixed(0)} % of the raw batched insert loop ` +
        `into the same table and index (${((100 * sqlite.batched) / bare.batched).toFixed(0)} % of the bare-table loop; ` +
        `same pragmas; target ≥ 50 %); durable single enqueues: ${formatRate(sqlite.single)} ops/s awaited one by one ` +
        `(one fsync each, like the raw loop's ${formatRate(raw.single)}), ${formatRate(sqlite.concurrent)} ops/s issued ` +
        `concurrently (group commit; target ≥ 20 000)`,
    );
  }
  lines.push(
    '',
    `replay to the memory publisher (${options.batchOps} ops, coalescing off, frames of ≤ 500 ops, zstd)`,
    '',
    '| adapter | ops/s | frames | wire bytes/op |',
    '|---|---:|---:|---:|',
  );
  for (const row of result.replay) {
    lines.push(`| ${row.adapter} | ${formatRate(row.opsPerSecond)} | ${row.frames} | ${row.bytesPerOp.toFixed(2)} |`);
  }
  if (result.rss) {
    const rss = result.rss;
    lines.push(
      '',
      `replay of ${rss.ops.toLocaleString('en-US')} queued ops from sqlite in a child process: ` +
        `${formatRate(rss.replayOpsPerSecond)} ops/s, RSS ${rss.baselineRssMb.toFixed(1)} MB → peak ${rss.peakRssMb.toFixed(1)} MB, ` +
        `growth ${rss.growthMb.toFixed(1)} MB (target < 100 MB); filled at ${formatRate(rss.fillOpsPerSecond)} ops/s`,
    );
  }
  for (const note of result.skipped) lines.push('', `skipped: ${note}`);
  return `${lines.join('\n')}\n`;
}

function positiveInteger(flag: string, min = 1) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      throw new Error(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
}

/** Registers `bench queue` under the `bench` group. */
export function registerBenchQueueCommand(bench: Command): void {
  bench
    .command('queue')
    .description('enqueue ops/s per storage adapter next to raw better-sqlite3, replay ops/s, peak RSS of a big replay')
    .option(
      '--trace <file>',
      'trace to draw ops from (default: ../shared/traces/standard-20k.jsonl beside the repository)',
    )
    .option('--ops <n>', 'queued ops for the peak-RSS replay (0 skips it)', positiveInteger('--ops', 0), 1_000_000)
    .option('--single <n>', 'ops enqueued one awaited call at a time, per run', positiveInteger('--single'), 2_000)
    .option(
      '--batch-ops <n>',
      'ops per run for concurrent/batched enqueue and replay',
      positiveInteger('--batch-ops'),
      20_000,
    )
    .option('--batch-size <n>', 'ops per enqueueMany / raw transaction', positiveInteger('--batch-size'), 1_000)
    .option('--runs <n>', 'runs per measurement (medians are shown)', positiveInteger('--runs'), 3)
    .option('--json', 'print the result as JSON')
    .option('--no-gateway', 'skip replay over a loopback WebSocket to the in-process sync gateway')
    // The child side of the RSS measurement: replays DB in this process and prints one JSON line.
    .addOption(new Option('--rss-child <db>').hideHelp())
    .addOption(new Option('--rss-device <id>').hideHelp())
    .action(
      async (flags: {
        trace?: string;
        ops: number;
        single: number;
        batchOps: number;
        batchSize: number;
        runs: number;
        json?: boolean;
        gateway: boolean;
        rssChild?: string;
        rssDevice?: string;
      }) => {
        if (flags.rssChild !== undefined) {
          const result = await replayForRss(flags.rssChild, flags.rssDevice ?? 'bench-device');
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const trace = flags.trace ?? standardTracePath();
        if (trace === undefined) throw missingTraceError();
        const say = (line: string) => process.stderr.write(`${line}\n`);
        const options: QueueBenchOptions = {
          trace,
          singleOps: flags.single,
          batchOps: flags.batchOps,
          batchSize: flags.batchSize,
          runs: flags.runs,
          rssOps: flags.ops,
          progress: say,
        };
        const result = await runQueueBench(options);
        // The same ops through the real publisher and gateway (§11: replay to a loopback gateway).
        const gateway = flags.gateway
          ? await benchGateway({ ...loadBusiestDevice(trace), runs: flags.runs, progress: say })
          : [];
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ ...result, gateway }, null, 2)}\n`);
          return;
        }
        process.stdout.write(formatQueueBench(result, options));
        if (gateway.length > 0) process.stdout.write(`\n${formatGatewayBench(gateway)}`);
      },
    );
}
