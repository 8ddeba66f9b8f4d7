import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { SyncOperation } from '@media-sync/protocol';
import { createQueue, type DeadLetterSummary, META_KEYS, type StorageAdapter } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { type Command, Option } from 'commander';
import { CliError } from '../errors.js';
import { readTrace, type TraceSource, traceLabel, withTraceFile } from '../trace-input.js';
import { registerBenchQueueCommand } from './bench-queue.js';

export interface EnqueueCommandOptions {
  readonly db: string;
  readonly device: string;
  /** A trace file, or `-` for standard input. */
  readonly trace: string;
  /** The device's user, for device commands; default the queue's user, else the trace's first userId. */
  readonly user?: string;
}

export interface EnqueueSummary {
  readonly db: string;
  readonly deviceId: string;
  readonly userId: string | null;
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
  /** Dead letters per reason code, most frequent first. */
  readonly deadLetterReasons: readonly DeadLetterSummary[];
}

// Enqueued in slices: one transaction each, so a big trace neither holds one huge transaction
// nor pays one commit per op.
const ENQUEUE_SLICE = 5_000;
// Device names quoted when --device names none of them.
const NAMED_DEVICES = 10;

interface TraceSurvey {
  readonly ops: number;
  /** Whether a line names the device (lines without a deviceId belong to any). */
  readonly named: boolean;
  readonly skipped: number;
  readonly devices: ReadonlySet<string>;
  readonly firstUserId: string | undefined;
}

/** First pass: validates every line and counts what belongs to `deviceId`, holding no ops. */
async function surveyTrace(source: TraceSource, deviceId: string): Promise<TraceSurvey> {
  let ops = 0;
  let skipped = 0;
  let firstUserId: string | undefined;
  let named = false;
  const devices = new Set<string>();
  for await (const entry of readTrace(source)) {
    if (entry.deviceId !== undefined && devices.size < NAMED_DEVICES) devices.add(entry.deviceId);
    if (entry.deviceId === deviceId) named = true;
    if (entry.deviceId !== undefined && entry.deviceId !== deviceId) {
      skipped += 1;
      continue;
    }
    ops += 1;
    if (entry.op.type !== 'deviceCommand') firstUserId ??= entry.op.userId;
  }
  return { ops, named, skipped, devices, firstUserId };
}

/** The ops of `deviceId` in a trace, in order, a slice at a time. */
async function* deviceOpSlices(source: TraceSource, deviceId: string): AsyncGenerator<SyncOperation[]> {
  let slice: SyncOperation[] = [];
  for await (const entry of readTrace(source)) {
    if (entry.deviceId !== undefined && entry.deviceId !== deviceId) continue;
    slice.push(entry.op);
    if (slice.length === ENQUEUE_SLICE) {
      yield slice;
      slice = [];
    }
  }
  if (slice.length > 0) yield slice;
}

/**
 * `media-sync enqueue`: appends a device's ops from a trace to its SQLite queue, durably. The
 * trace is read twice, line by line: every line is checked before anything is written.
 */
export async function enqueueTrace(options: EnqueueCommandOptions, stdin?: Readable): Promise<EnqueueSummary> {
  const given: TraceSource = { path: options.trace, ...(stdin === undefined ? {} : { stdin }) };
  return withTraceFile(given, async (source) => {
    const survey = await surveyTrace(source, options.device);
    // A device no line names gets nothing of its own: a typo, even if unnamed lines would fit it.
    if (survey.ops === 0 || (!survey.named && survey.devices.size > 0)) {
      const names = [...survey.devices].map((name) => JSON.stringify(name)).join(', ');
      throw new CliError(
        'BAD_INPUT',
        survey.devices.size === 0
          ? `trace ${traceLabel(source)} holds no ops`
          : `device ${JSON.stringify(options.device)} has no ops in trace ${traceLabel(source)} (it has ${names}${survey.devices.size === NAMED_DEVICES ? ', …' : ''})`,
      );
    }
    // A missing file becomes a new queue; an empty one is refused like any file that is no queue.
    const storage = createSqliteStorage({ path: options.db, create: !existsSync(options.db) });
    try {
      const storedUser = await storage.getMeta(META_KEYS.userId);
      if (storedUser !== undefined && options.user !== undefined && options.user !== storedUser) {
        throw new CliError(
          'BAD_INPUT',
          `${options.db} is the queue of user ${storedUser}; --user ${options.user} would replace it (a queue belongs to one user)`,
        );
      }
      const userId = storedUser ?? options.user ?? survey.firstUserId;
      const queue = createQueue({
        deviceId: options.device,
        ...(userId === undefined || storedUser !== undefined ? {} : { userId }),
        storage,
      });
      try {
        let firstSeq: number | null = null;
        let lastSeq: number | null = null;
        let enqueued = 0;
        for await (const slice of deviceOpSlices(source, options.device)) {
          const entries = await queue.enqueueMany(slice);
          enqueued += entries.length;
          firstSeq ??= entries[0]?.seq ?? null;
          lastSeq = entries[entries.length - 1]?.seq ?? lastSeq;
        }
        const { pending } = await queue.status();
        return {
          db: options.db,
          deviceId: options.device,
          userId: userId ?? null,
          enqueued,
          firstSeq,
          lastSeq,
          skipped: survey.skipped,
          pending,
        };
      } finally {
        await queue.close();
      }
    } finally {
      await storage.close();
    }
  });
}

/** Dead letters per reason code (the adapter's one-snapshot summary), most frequent first. */
async function summarizeDeadLetters(storage: StorageAdapter): Promise<DeadLetterSummary[]> {
  return [...(await storage.deadLetterSummary())].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** `media-sync status`: what a device's SQLite queue holds, read without writing to the file. */
export async function queueStatus(db: string): Promise<QueueStatus> {
  const storage = createSqliteStorage({ path: db, readOnly: true });
  try {
    const [counts, deviceId, userId, lastHlc, deadLetterReasons] = await Promise.all([
      storage.counts(),
      storage.getMeta(META_KEYS.deviceId),
      storage.getMeta(META_KEYS.userId),
      storage.getMeta(META_KEYS.hlc),
      summarizeDeadLetters(storage),
    ]);
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
  const rows: Array<[string, string]> = [
    ['queue', status.db],
    ['device', status.deviceId ?? '(none yet)'],
    ['user', status.userId ?? '(unknown)'],
    ['pending', String(status.pending)],
    ['dead-lettered', String(status.deadLettered)],
    ...status.deadLetterReasons.map((reason): [string, string] => [
      `  ${reason.code}`,
      `${reason.count}, latest ${new Date(reason.latestAt).toISOString()}: ${reason.latestReason}`,
    ]),
    ['last seq', String(status.lastSeq)],
    ['oldest pending', status.oldestPendingAt === null ? '-' : new Date(status.oldestPendingAt).toISOString()],
    ['last HLC', status.lastHlc ?? '-'],
  ];
  const width = Math.max(15, ...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)} ${value}`).join('\n')}\n`;
}

export function formatEnqueue(summary: EnqueueSummary): string {
  const seqs = summary.firstSeq === null ? 'nothing new' : `seqs ${summary.firstSeq}..${summary.lastSeq}`;
  const skipped = summary.skipped > 0 ? `, skipped ${summary.skipped} ops of other devices` : '';
  return `enqueued ${summary.enqueued} ops for ${summary.deviceId} into ${summary.db} (${seqs}${skipped}); ${summary.pending} pending\n`;
}

/** `--db FILE`, also from MEDIA_SYNC_DB, required. */
export function dbOption(description: string): Option {
  return new Option('--db <file>', description).env('MEDIA_SYNC_DB').makeOptionMandatory();
}

/** Registers `enqueue`, `status` and `bench queue`. */
export function registerQueueCommands(program: Command): void {
  program
    .command('enqueue')
    .description("append a device's ops from a trace (JSON Lines) to its SQLite queue, durably")
    .addOption(dbOption('the SQLite queue file of the device (created when missing)'))
    .requiredOption('--device <id>', 'the device whose ops to enqueue; trace lines of other devices are skipped')
    .requiredOption('--trace <file>', 'trace file, or - for standard input')
    .option('--user <id>', "the device's user, for device commands (default: the trace's first userId)")
    .option('--json', 'print JSON instead of a line of text')
    .action(async (options: EnqueueCommandOptions & { json?: boolean }) => {
      const summary = await enqueueTrace(options);
      process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatEnqueue(summary));
    });

  program
    .command('status')
    .description("show what a device's SQLite queue holds: pending, dead letters per reason, last seq, oldest pending")
    .addOption(dbOption('the SQLite queue file (opened read-only)'))
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
