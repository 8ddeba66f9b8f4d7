import { checkId, ValidationError, validateHlc, validateOperation } from '@media-sync/protocol';
import {
  type CommandEntry,
  commandEntry,
  type ProgressEntry,
  progressEntry,
  type WatchlistEntry,
  watchlistEntry,
} from './entries.js';
import type { SeqMark } from './seen.js';
import { checkSeq, isRecord, rejectUnknownFields, withFieldPrefix } from './validation.js';

export const SNAPSHOT_VERSION = 1;

/**
 * A replica's whole state as plain JSON data, every list sorted (entries by user then content id,
 * commands by command id, seq marks by device id), so converged replicas give equal snapshots.
 */
export interface ReplicaSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly progress: readonly ProgressEntry[];
  /** Members and tombstones. */
  readonly watchlist: readonly WatchlistEntry[];
  /** Undelivered and delivered commands not yet pruned. */
  readonly commands: readonly CommandEntry[];
  readonly seqs: readonly SeqMark[];
}

const SNAPSHOT_FIELDS = new Set(['version', 'progress', 'watchlist', 'commands', 'seqs']);
const PROGRESS_FIELDS = new Set([
  'userId',
  'contentId',
  'positionMs',
  'durationMs',
  'state',
  'timestamp',
  'hlc',
  'deviceId',
]);
const WATCHLIST_FIELDS = new Set(['userId', 'contentId', 'member', 'timestamp', 'hlc', 'deviceId']);
const COMMAND_FIELDS = new Set(['command', 'hlc', 'deviceId', 'delivered']);
const MARK_FIELDS = new Set(['deviceId', 'upTo', 'above']);

/** Validates `toJSON()` output (parsed from storage) and rebuilds canonical, frozen entries. */
export function parseSnapshot(value: unknown): ReplicaSnapshot {
  const root = record(value, 'snapshot', SNAPSHOT_FIELDS);
  if (root.version !== SNAPSHOT_VERSION) {
    throw new ValidationError(
      'INVALID_VALUE',
      'version',
      root.version,
      `expected snapshot version ${SNAPSHOT_VERSION}`,
    );
  }
  return {
    version: SNAPSHOT_VERSION,
    progress: list(root.progress, 'progress', parseProgress),
    watchlist: list(root.watchlist, 'watchlist', parseWatchlist),
    commands: list(root.commands, 'commands', parseCommand),
    seqs: list(root.seqs, 'seqs', parseMark),
  };
}

function parseProgress(value: unknown): ProgressEntry {
  const { hlc, deviceId, ...fields } = record(value, '', PROGRESS_FIELDS);
  const op = validateOperation({ type: 'progressUpdate', ...fields });
  if (op.type !== 'progressUpdate') throw new TypeError('unreachable: validated as progressUpdate');
  return progressEntry(op, validateHlc(hlc, 'hlc'), writer(deviceId));
}

function parseWatchlist(value: unknown): WatchlistEntry {
  const { hlc, deviceId, member, ...fields } = record(value, '', WATCHLIST_FIELDS);
  if (typeof member !== 'boolean') throw new ValidationError('WRONG_TYPE', 'member', member, 'expected a boolean');
  const op = validateOperation({ type: member ? 'watchlistAdd' : 'watchlistRemove', ...fields });
  if (op.type !== 'watchlistAdd' && op.type !== 'watchlistRemove') throw new TypeError('unreachable');
  return watchlistEntry(op, validateHlc(hlc, 'hlc'), writer(deviceId));
}

function parseCommand(value: unknown): CommandEntry {
  const { command, hlc, deviceId, delivered } = record(value, '', COMMAND_FIELDS);
  const op = withFieldPrefix('command', () => validateOperation(command));
  if (op.type !== 'deviceCommand') {
    throw new ValidationError('INVALID_VALUE', 'command.type', op.type, 'expected deviceCommand');
  }
  if (typeof delivered !== 'boolean') {
    throw new ValidationError('WRONG_TYPE', 'delivered', delivered, 'expected a boolean');
  }
  return commandEntry(op, validateHlc(hlc, 'hlc'), writer(deviceId), delivered);
}

function parseMark(value: unknown): SeqMark {
  const { deviceId, upTo, above } = record(value, '', MARK_FIELDS);
  const mark = upTo === 0 ? 0 : checkSeq(upTo, 'upTo');
  if (!Array.isArray(above)) throw new ValidationError('WRONG_TYPE', 'above', above, 'expected an array of seqs');
  let previous = mark;
  const seqs = above.map((seq, i) => {
    const checked = checkSeq(seq, `above[${i}]`);
    if (checked <= previous) {
      throw new ValidationError('INVALID_VALUE', `above[${i}]`, seq, `must be ascending and above upTo ${mark}`);
    }
    previous = checked;
    return checked;
  });
  return { deviceId: writer(deviceId), upTo: mark, above: seqs };
}

function writer(deviceId: unknown): string {
  return checkId(deviceId, 'deviceId');
}

function record(value: unknown, field: string, known: ReadonlySet<string>): Record<string, unknown> {
  if (!isRecord(value)) throw new ValidationError('NOT_AN_OBJECT', field, value, 'expected an object');
  rejectUnknownFields(value, known, '');
  return value;
}

function list<T>(value: unknown, field: string, parse: (item: unknown) => T): T[] {
  if (!Array.isArray(value)) throw new ValidationError('WRONG_TYPE', field, value, 'expected an array');
  return value.map((item, i) => withFieldPrefix(`${field}[${i}]`, () => parse(item)));
}
