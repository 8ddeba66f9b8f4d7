import { createQueue, type DeadLetter, META_KEYS, type Queue } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../errors.js';
import { dbOption } from './queue.js';

interface DeadLetterFlags {
  readonly db: string;
  readonly seq?: number[];
  readonly all?: boolean;
  readonly json?: boolean;
}

/** Opens the queue of whichever device the file belongs to (dead letters need no publisher). */
async function withQueue<T>(db: string, readOnly: boolean, use: (queue: Queue) => Promise<T>): Promise<T> {
  const storage = createSqliteStorage({ path: db, ...(readOnly ? { readOnly } : { create: false }) });
  try {
    const deviceId = (await storage.getMeta(META_KEYS.deviceId)) ?? 'unknown-device';
    const queue = createQueue({ deviceId, storage });
    try {
      return await use(queue);
    } finally {
      await queue.close();
    }
  } finally {
    await storage.close();
  }
}

function seqList(value: string, previous: number[] | undefined): number[] {
  const seqs = value.split(',').map((part) => {
    if (!/^\d+$/.test(part.trim()) || Number(part) < 1) {
      throw new InvalidArgumentError(`expected seqs like 12 or 12,13, got ${JSON.stringify(value)}`);
    }
    return Number(part);
  });
  return [...(previous ?? []), ...seqs];
}

/** Which dead letters a requeue or purge touches: `--seq` ones, or every one with `--all`. */
function selection(flags: DeadLetterFlags, verb: string): number[] | undefined {
  if (flags.seq !== undefined && flags.all === true) throw new CliError('USAGE', 'give --seq or --all, not both');
  if (flags.seq === undefined && flags.all !== true) {
    throw new CliError('USAGE', `name the dead letters to ${verb}: --seq N[,N...] or --all`);
  }
  return flags.seq;
}

export function formatDeadLetters(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return 'no dead letters\n';
  const lines = letters.map(
    (letter) =>
      `${String(letter.seq).padStart(6)}  ${new Date(letter.deadLetteredAt).toISOString()}  ${letter.reasonCode}  ` +
      `${letter.op?.type ?? '(undecodable)'}  ${letter.reason}`,
  );
  return `${'seq'.padStart(6)}  ${'dead-lettered at'.padEnd(24)}  code  op  reason\n${lines.join('\n')}\n`;
}

/** `media-sync dead-letters list | requeue | purge --db FILE`. */
export function registerDeadLetterCommands(program: Command): void {
  const group = program
    .command('dead-letters')
    .description("list, requeue or purge the ops a device's queue gave up on")
    .exitOverride();

  group
    .command('list')
    .description('print the dead letters: seq, when, reason code, op type and reason (the file is opened read-only)')
    .addOption(dbOption('the SQLite queue file'))
    .option('--json', 'print JSON (with each op) instead of a table')
    .exitOverride()
    .action(async (flags: DeadLetterFlags) => {
      const letters = await withQueue(flags.db, true, (queue) => queue.deadLetters());
      process.stdout.write(flags.json ? `${JSON.stringify(letters, null, 2)}\n` : formatDeadLetters(letters));
    });

  for (const verb of ['requeue', 'purge'] as const) {
    group
      .command(verb)
      .description(
        verb === 'requeue'
          ? 'move dead letters back into the queue with their seqs, to be sent by the next replay'
          : 'delete dead letters for good',
      )
      .addOption(dbOption('the SQLite queue file'))
      .option('--seq <seqs>', 'the dead letters to touch, by seq (comma-separated, repeatable)', seqList)
      .option('--all', 'every dead letter')
      .option('--json', 'print JSON instead of a line of text')
      .exitOverride()
      .action(async (flags: DeadLetterFlags) => {
        const seqs = selection(flags, verb);
        const moved = await withQueue(flags.db, false, (queue) =>
          verb === 'requeue' ? queue.requeueDeadLetters(seqs) : queue.purgeDeadLetters(seqs),
        );
        const done = verb === 'requeue' ? 'requeued' : 'purged';
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ db: flags.db, [done]: moved })}\n`
            : `${done} ${moved} dead letter${moved === 1 ? '' : 's'} in ${flags.db}\n`,
        );
      });
  }
}
