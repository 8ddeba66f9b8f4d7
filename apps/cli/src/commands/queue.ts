import { existsSync, readFileSync } from 'node:fs';
import { parseTrace, type SyncOperation } from '@media-sync/protocol';
import { createQueue, META_KEYS } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import type { Command } from 'commander';
import { registerBenchQueueCommand } from './bench-queue.js';

export interface EnqueueCommandOptions {
  readonly db: string;
  readonly device: string;
  /** A trace file, or `-` for standard input. */
  readonly trace: string;
  /** The device's user, for device commands; default the first userId in the trace. */
  readonly user?: string;
}

export interface EnqueueSummary {
  readonly db: string;
  readonly deviceId: string;
  readonly enqueued: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** Trace lines that belong to other devices. */
  readonly skipped: number;
  readonly pending: number;
}

export interface QueueStatus {
  readonly db: string;
  readonly deviceId: string | null;
  readonly userId: string | null;
  readonly pending: number;
  readonly deadLettered: number;
  readonly lastSeq: number;
  /** Epoch ms of the oldest pending op, or null. */
  readonly oldestPendingAt: number | null;
  readonly lastHlc: string | null;
  /** Dead letters per reason code. */
  readonly deadLetterReasons: Readonly<Record<string, number>>;
}

// Enqueued in slices: one transaction each, so a big trace neither holds one huge transaction
// nor pays one commit per op.
const ENQUEUE_SLICE = 5_000;

function readInput(trace: string, stdin: () => string): string {
  if (trace === '-') return stdin();
  try {
    return readFileSync(trace, 'utf8');
  } catch (error) {
    throw new Error(`cannot read trace ${trace}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** The ops of `deviceId` in a §2 trace; every line is validated before anything is written. */
export function selectDeviceOps(
  text: string,
  source: string,
  deviceId: string,
): { ops: SyncOperation[]; skipped: number } {
  const ops: SyncOperation[] = [];
  let skipped = 0;
  for (const entry of parseTrace(text, source)) {
    if (entry.deviceId !== undefined && entry.deviceId !== deviceId) skipped += 1;
    else ops.push(entry.op);
  }
  return { ops, skipped };
}

/** `media-sync enqueue`: appends a device's ops from a trace to its SQLite queue, durably. */
export async function enqueueTrace(
  options: EnqueueCommandOptions,
  stdin: () => string = () => readFileSync(0, 'utf8'),
): Promise<EnqueueSummary> {
  const source = options.trace === '-' ? 'stdin' : options.trace;
  const { ops, skipped } = selectDeviceOps(readInput(options.trace, stdin), source, options.device);
  const userId = options.user ?? ops.find((op) => op.type !== 'deviceCommand')?.userId;
  const storage = createSqliteStorage({ path: options.db });
  const queue = createQueue({
    deviceId: options.device,
    ...(userId === undefined ? {} : { userId }),
    storage,
  });
  try {
    let firstSeq: number | null = null;
    let lastSeq: number | null = null;
    for (let from = 0; from < ops.length; from += ENQUEUE_SLICE) {
      const entries = await queue.enqueueMany(ops.slice(from, from + ENQUEUE_SLICE));
      firstSeq ??= entries[0]?.seq ?? null;
      lastSeq = entries[entries.length - 1]?.seq ?? lastSeq;
    }
    const { pending } = await queue.status();
    return { db: options.db, deviceId: options.device, enqueued: ops.length, firstSeq, lastSeq, skipped, pending };
  } finally {
    await queue.close();
    await storage.close();
  }
}

/** `media-sync status`: what a device's SQLite queue holds. Never creates the file. */
export async function queueStatus(db: string): Promise<QueueStatus> {
  if (!existsSync(db)) throw new Error(`no queue database at ${db}`);
  const storage = createSqliteStorage({ path: db });
  try {
    const [counts, deviceId, userId, lastHlc, deadLetters] = await Promise.all([
      storage.counts(),
      storage.getMeta(META_KEYS.deviceId),
      storage.getMeta(META_KEYS.userId),
      storage.getMeta(META_KEYS.hlc),
      storage.listDeadLetters(),
    ]);
    const deadLetterReasons: Record<string, number> = {};
    for (const letter of deadLetters) {
      deadLetterReasons[letter.reasonCode] = (deadLetterReasons[letter.reasonCode] ?? 0) + 1;
    }
    return {
      db,
      deviceId: deviceId ?? null,
      userId: userId ?? null,
      pending: counts.pending,
      deadLettered: counts.deadLettered,
      lastSeq: counts.lastSeq,
      oldestPendingAt: counts.oldestPendingAt,
      lastHlc: lastHlc ?? null,
      deadLetterReasons,
    };
  } finally {
    await storage.close();
  }
}

export function formatStatus(status: QueueStatus): string {
  const reasons = Object.entries(status.deadLetterReasons)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  const rows: Array<[string, string]> = [
    ['queue', status.db],
    ['device', status.deviceId ?? '(none yet)'],
    ['user', status.userId ?? '(unknown)'],
    ['pending', String(status.pending)],
    ['dead-lettered', status.deadLettered === 0 ? '0' : `${status.deadLettered} (${reasons})`],
    ['last seq', String(status.lastSeq)],
    ['oldest pending', status.oldestPendingAt === null ? '-' : new Date(status.oldestPendingAt).toISOString()],
    ['last HLC', status.lastHlc ?? '-'],
  ];
  return `${rows.map(([label, value]) => `${label.padEnd(15)} ${value}`).join('\n')}\n`;
}

/** Registers `enqueue`, `status` and `bench queue`. */
export function registerQueueCommands(program: Command): void {
  program
    .command('enqueue')
    .description("append a device's ops from a trace (JSON Lines) to its SQLite queue, durably")
    .requiredOption('--db <file>', 'the SQLite queue file of the device (created when missing)')
    .requiredOption('--device <id>', 'the device whose ops to enqueue; trace lines of other devices are skipped')
    .requiredOption('--trace <file>', 'trace file, or - for standard input')
    .option('--user <id>', "the device's user, for device commands (default: the trace's first userId)")
    .action(async (options: EnqueueCommandOptions) => {
      const summary = await enqueueTrace(options);
      const seqs = summary.firstSeq === null ? 'nothing new' : `seqs ${summary.firstSeq}..${summary.lastSeq}`;
      const skipped = summary.skipped > 0 ? `, skipped ${summary.skipped} ops of other devices` : '';
      process.stdout.write(
        `enqueued ${summary.enqueued} ops for ${summary.deviceId} into ${summary.db} (${seqs}${skipped}); ${summary.pending} pending\n`,
      );
    });

  program
    .command('status')
    .description("show what a device's SQLite queue holds: pending, dead-lettered, last seq, oldest pending")
    .requiredOption('--db <file>', 'the SQLite queue file')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { db: string; json?: boolean }) => {
      const status = await queueStatus(options.db);
      process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    });

  const bench =
    program.commands.find((command) => command.name() === 'bench') ??
    program.command('bench').description('benchmarks, printed side by side with the alternatives');
  registerBenchQueueCommand(bench);
}
