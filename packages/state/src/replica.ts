import { type SequencedOperation, type SyncOperation, ValidationError } from '@media-sync/protocol';
import {
  type CommandEntry,
  commandEntry,
  freezeEntry,
  type ProgressEntry,
  progressEntry,
  type StateChange,
  type WatchlistEntry,
  watchlistEntry,
} from './entries.js';
import {
  compareCodePoints,
  compareWrites,
  isDeliverable,
  isExpired,
  lastWriterWins,
  mergeCommandEntries,
} from './rules.js';
import { type SeqMark, SeqTracker } from './seen.js';
import { parseSnapshot, type ReplicaSnapshot, SNAPSHOT_VERSION } from './snapshot.js';
import { validateSequencedOperation, withFieldPrefix } from './validation.js';

/**
 * What applying one op did:
 * - `applied`: first time this `(deviceId, seq)` was seen, and the op won its register (or
 *   queued a new command);
 * - `duplicate`: this `(deviceId, seq)` was seen before; nothing happened;
 * - `superseded`: first time seen, but the register already held a later write (or the command
 *   id was already known); nothing visible happened.
 */
export type ApplyStatus = 'applied' | 'duplicate' | 'superseded';

export interface ApplyResult {
  readonly deviceId: string;
  readonly seq: number;
  readonly status: ApplyStatus;
  /**
   * True when a listing now shows something different: a new progress value, a title joining or
   * leaving the watchlist, a new command. Fan these out. (A remove of a title that was never
   * added, or a re-add of a member, is `applied` but changes nothing visible.)
   */
  readonly changed: boolean;
  /** The entry as it now stands, when `status` is `applied`. */
  readonly change?: StateChange;
}

export interface ReplicaOptions {
  /** When set, the replica holds this user's state only and rejects ops naming another user. */
  readonly userId?: string;
  /** Bound on the seqs remembered beyond a gap, per device. See `SeqTracker`. Default 65 536. */
  readonly maxSeqsAboveMark?: number;
  /**
   * Default true. False for a receiver that dedupes by `(deviceId, seq)` itself against a
   * durable record (the gateway): the replica then remembers no seqs (no memory per op, no
   * bounded tracker to jump past a gap), never answers `duplicate`, and its snapshots list none.
   */
  readonly trackSeqs?: boolean;
}

export interface WatchlistQuery {
  readonly userId?: string;
  /** Also list removed titles (`member: false`) with the HLC of their remove. */
  readonly includeTombstones?: boolean;
}

type Registers<T> = Map<string, Map<string, T>>;

/**
 * One replica of users' sync state, used alike by devices and by the gateway: ops are applied
 * once by their `(deviceId, seq)` identity and merged by the rules of §3, so replicas that saw
 * the same ops — in any order, any number of times, directly or through `merge` — hold the same
 * `snapshot()`.
 */
export class UserStateReplica {
  readonly userId: string | undefined;
  readonly #progress: Registers<ProgressEntry> = new Map();
  readonly #watchlist: Registers<WatchlistEntry> = new Map();
  readonly #commands = new Map<string, CommandEntry>();
  readonly #seen: SeqTracker;
  readonly #trackSeqs: boolean;

  constructor(options: ReplicaOptions = {}) {
    this.userId = options.userId;
    this.#seen = new SeqTracker(options.maxSeqsAboveMark);
    this.#trackSeqs = options.trackSeqs ?? true;
  }

  /** Loads a replica from `toJSON()` output. Throws `ValidationError` on a malformed snapshot. */
  static fromJSON(value: unknown, options: ReplicaOptions = {}): UserStateReplica {
    const snapshot = parseSnapshot(value);
    const replica = new UserStateReplica(options);
    replica.#checkUsers(snapshot, (field, userId) => {
      throw new ValidationError('INVALID_VALUE', field, userId, `this replica holds user ${replica.userId} only`);
    });
    replica.#load(snapshot);
    return replica;
  }

  /**
   * Applies one `SequencedOperation`. A malformed one throws `ValidationError` and changes
   * nothing, not even the seen seqs.
   */
  apply(value: unknown): ApplyResult {
    const sequenced = validateSequencedOperation(value);
    this.#checkUser(sequenced.op, 'op.userId');
    return this.#applyValid(sequenced);
  }

  /**
   * Applies the ops of one frame in order. All are validated first: if any is malformed the
   * `ValidationError` names it (`ops[3].op.userId`) and none is applied.
   */
  applyAll(values: readonly unknown[]): ApplyResult[] {
    if (!Array.isArray(values)) throw new TypeError(`expected an array of operations, got ${typeof values}`);
    const valid = values.map((value, i) =>
      withFieldPrefix(`ops[${i}]`, () => {
        const sequenced = validateSequencedOperation(value);
        this.#checkUser(sequenced.op, 'op.userId');
        return sequenced;
      }),
    );
    return valid.map((sequenced) => this.#applyValid(sequenced));
  }

  /**
   * Applies the ops of one frame in order, as `applyAll` does, without validating them again:
   * for ops known to pass §2 validation already — the output of `validateSequencedOperation`, or
   * of a decoder that refuses whatever §2 refuses (the gateway's codec, with §2's limits on
   * strings). An op of another user than the replica's is still refused (`ValidationError`, and
   * none is applied). The replica keeps, and freezes, the values of the ops it stores (a command's
   * payload). Ops of any other origin go through `applyAll`: an invalid one here could leave the
   * replica holding a value its snapshot does not load back.
   */
  applyAllValidated(ops: readonly SequencedOperation[]): ApplyResult[] {
    if (!Array.isArray(ops)) throw new TypeError(`expected an array of operations, got ${typeof ops}`);
    for (let i = 0; i < ops.length; i++) {
      const { op } = ops[i] as SequencedOperation;
      // The field is named only on the way out: no string per op.
      if (this.userId !== undefined && op.type !== 'deviceCommand' && op.userId !== this.userId) {
        withFieldPrefix(`ops[${i}]`, () => this.#checkUser(op, 'op.userId'));
      }
    }
    const results: ApplyResult[] = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) results[i] = this.#applyValid(ops[i] as SequencedOperation);
    return results;
  }

  /** Progress entries, sorted by user then content id. */
  progress(query: { readonly userId?: string } = {}): ProgressEntry[] {
    return listRegisters(this.#progress, query.userId);
  }

  getProgress(userId: string, contentId: string): ProgressEntry | undefined {
    return this.#progress.get(userId)?.get(contentId);
  }

  /** Watchlist members (and tombstones when asked), sorted by user then content id. */
  watchlist(query: WatchlistQuery = {}): WatchlistEntry[] {
    const entries = listRegisters(this.#watchlist, query.userId);
    return query.includeTombstones === true ? entries : entries.filter((entry) => entry.member);
  }

  isInWatchlist(userId: string, contentId: string): boolean {
    return this.#watchlist.get(userId)?.get(contentId)?.member === true;
  }

  /** Commands `deviceId` may still receive at `now`, oldest first, without marking them. */
  pendingCommands(deviceId: string, now: number): CommandEntry[] {
    checkNow(now);
    return [...this.#commands.values()].filter((entry) => isDeliverable(entry, deviceId, now)).sort(compareWrites);
  }

  /**
   * Delivers `deviceId`'s pending commands, oldest first: each is returned by exactly one call,
   * and never once `now` is past its `expiresAt`. Expired commands of every device are dropped.
   */
  takeCommands(deviceId: string, now: number): CommandEntry[] {
    const pending = this.pendingCommands(deviceId, now);
    this.markDelivered(pending.map((entry) => entry.command.commandId));
    this.pruneExpired(now);
    return pending.map((entry) => this.#commands.get(entry.command.commandId) ?? entry);
  }

  /**
   * Marks commands delivered without taking them, for a caller that hands a command out only
   * once its target acknowledged it (`pendingCommands`, send, ack, `markDelivered`).
   */
  markDelivered(commandIds: Iterable<string>): void {
    for (const commandId of commandIds) {
      const entry = this.#commands.get(commandId);
      if (entry !== undefined && !entry.delivered)
        this.#commands.set(commandId, freezeEntry({ ...entry, delivered: true }));
    }
  }

  /**
   * Forgets commands past their `expiresAt`, delivered or not; returns how many. Safe: an expired
   * command that comes back through a merge or a re-sent op is never delivered either.
   */
  pruneExpired(now: number): number {
    checkNow(now);
    let pruned = 0;
    for (const [commandId, entry] of this.#commands) {
      if (isExpired(entry, now)) {
        this.#commands.delete(commandId);
        pruned += 1;
      }
    }
    return pruned;
  }

  /** Per device: every seq up to `upTo` was seen, plus `above`. */
  highWaterMarks(): SeqMark[] {
    return this.#seen.marks();
  }

  hasSeen(deviceId: string, seq: number): boolean {
    return this.#seen.has(deviceId, seq);
  }

  /**
   * State-based merge: folds everything `other` holds into this replica (the join of both) and
   * returns the visible changes. `other` is not modified.
   */
  merge(other: UserStateReplica): StateChange[] {
    if (!(other instanceof UserStateReplica)) throw new TypeError('merge expects a UserStateReplica');
    const snapshot = other.snapshot();
    this.#checkUsers(snapshot, (field, userId) => {
      throw new TypeError(`cannot merge ${field} of user ${userId} into the replica of user ${this.userId}`);
    });
    return this.#load(snapshot);
  }

  /** An independent copy. */
  clone(): UserStateReplica {
    const copy = new UserStateReplica(this.#options());
    copy.#load(this.snapshot());
    return copy;
  }

  /**
   * Everything the replica holds, sorted, as plain JSON data: replicas that converged produce
   * deep-equal snapshots (and equal `JSON.stringify` text).
   */
  snapshot(): ReplicaSnapshot {
    const commands = [...this.#commands.values()].sort((a, b) =>
      compareCodePoints(a.command.commandId, b.command.commandId),
    );
    return {
      version: SNAPSHOT_VERSION,
      progress: this.progress(),
      watchlist: this.watchlist({ includeTombstones: true }),
      commands,
      seqs: this.#seen.marks(),
    };
  }

  /** The snapshot, so `JSON.stringify(replica)` persists it and `fromJSON` reloads it. */
  toJSON(): ReplicaSnapshot {
    return this.snapshot();
  }

  #options(): ReplicaOptions {
    const base = { maxSeqsAboveMark: this.#seen.maxSeqsAboveMark, trackSeqs: this.#trackSeqs };
    return this.userId === undefined ? base : { ...base, userId: this.userId };
  }

  #checkUser(op: SyncOperation, field: string): void {
    if (this.userId !== undefined && op.type !== 'deviceCommand' && op.userId !== this.userId) {
      throw new ValidationError('INVALID_VALUE', field, op.userId, `this replica holds user ${this.userId} only`);
    }
  }

  #checkUsers(snapshot: ReplicaSnapshot, reject: (field: string, userId: string) => never): void {
    if (this.userId === undefined) return;
    for (const [name, entries] of [
      ['progress', snapshot.progress],
      ['watchlist', snapshot.watchlist],
    ] as const) {
      entries.forEach((entry, i) => {
        if (entry.userId !== this.userId) reject(`${name}[${i}].userId`, entry.userId);
      });
    }
  }

  #applyValid({ deviceId, seq, hlc, op }: SequencedOperation): ApplyResult {
    if (this.#trackSeqs && !this.#seen.add(deviceId, seq)) {
      return { deviceId, seq, status: 'duplicate', changed: false };
    }
    let outcome: { changed: boolean; change: StateChange } | undefined;
    switch (op.type) {
      case 'progressUpdate':
        outcome = this.#writeProgress(progressEntry(op, hlc, deviceId));
        break;
      case 'watchlistAdd':
      case 'watchlistRemove':
        outcome = this.#writeWatchlist(watchlistEntry(op, hlc, deviceId));
        break;
      default:
        outcome = this.#writeCommand(commandEntry(op, hlc, deviceId, false));
    }
    if (outcome === undefined) return { deviceId, seq, status: 'superseded', changed: false };
    return { deviceId, seq, status: 'applied', changed: outcome.changed, change: outcome.change };
  }

  // Each #write returns undefined when the incoming value lost to what the register held.

  #writeProgress(incoming: ProgressEntry): { changed: boolean; change: StateChange } | undefined {
    const current = this.getProgress(incoming.userId, incoming.contentId);
    if (lastWriterWins(current, incoming) !== incoming || current === incoming) return undefined;
    registerOf(this.#progress, incoming.userId).set(incoming.contentId, incoming);
    return { changed: true, change: { kind: 'progress', entry: incoming } };
  }

  #writeWatchlist(incoming: WatchlistEntry): { changed: boolean; change: StateChange } | undefined {
    const current = this.#watchlist.get(incoming.userId)?.get(incoming.contentId);
    if (lastWriterWins(current, incoming) !== incoming || current === incoming) return undefined;
    registerOf(this.#watchlist, incoming.userId).set(incoming.contentId, incoming);
    return { changed: (current?.member ?? false) !== incoming.member, change: { kind: 'watchlist', entry: incoming } };
  }

  #writeCommand(incoming: CommandEntry): { changed: boolean; change: StateChange } | undefined {
    const current = this.#commands.get(incoming.command.commandId);
    const merged = mergeCommandEntries(current, incoming);
    if (merged === current) return undefined;
    this.#commands.set(incoming.command.commandId, freezeEntry(merged));
    // A command id seen before is never news, even if a later write replaced its content.
    if (current !== undefined) return undefined;
    return { changed: !merged.delivered, change: { kind: 'command', entry: merged } };
  }

  /** Joins a (validated) snapshot into this replica and returns the visible changes. */
  #load(snapshot: ReplicaSnapshot): StateChange[] {
    const changes: StateChange[] = [];
    for (const entry of snapshot.progress) {
      const outcome = this.#writeProgress(freezeEntry(entry));
      if (outcome?.changed) changes.push(outcome.change);
    }
    for (const entry of snapshot.watchlist) {
      const outcome = this.#writeWatchlist(freezeEntry(entry));
      if (outcome?.changed) changes.push(outcome.change);
    }
    for (const entry of snapshot.commands) {
      const outcome = this.#writeCommand(freezeEntry(entry));
      if (outcome?.changed) changes.push(outcome.change);
    }
    if (this.#trackSeqs) for (const mark of snapshot.seqs) this.#seen.addMark(mark);
    return changes;
  }
}

/** A fresh replica: `createReplica({ userId: 'u1' })`. */
export function createReplica(options: ReplicaOptions = {}): UserStateReplica {
  return new UserStateReplica(options);
}

function registerOf<T>(registers: Registers<T>, userId: string): Map<string, T> {
  let register = registers.get(userId);
  if (register === undefined) {
    register = new Map();
    registers.set(userId, register);
  }
  return register;
}

function listRegisters<T>(registers: Registers<T>, userId: string | undefined): T[] {
  const users = userId === undefined ? [...registers.keys()].sort(compareCodePoints) : [userId];
  return users.flatMap((user) => {
    const register = registers.get(user);
    if (register === undefined) return [];
    return [...register.keys()].sort(compareCodePoints).map((contentId) => register.get(contentId) as T);
  });
}

function checkNow(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new TypeError(`now must be epoch milliseconds, got ${String(now)}`);
  }
}
