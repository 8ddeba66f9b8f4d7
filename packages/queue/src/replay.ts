import { parseHlc, type SequencedOperation, type SyncOperation } from '@media-sync/protocol';
import { backoffDelay } from './backoff.js';
import { decodeBody, expiresAtOf } from './body.js';
import type { TypedEmitter } from './events.js';
import { addMetrics, EMPTY_BYTES, type MutableByteMetrics, toByteMetrics } from './metrics.js';
import {
  type EncodedFrame,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  PublisherError,
  type SeqRange,
} from './publisher.js';
import type { ResolvedQueueConfig } from './queue.js';
import type { QueueRecord, StorageAdapter } from './storage.js';
import type { FrameEncoder, QueueEvents, ReplayProgress, ReplayReport, ReplayStop } from './types.js';

export interface ReplayContext {
  readonly deviceId: string;
  readonly userIdForCommands: () => string | undefined;
  readonly storage: StorageAdapter;
  readonly publisher: Publisher;
  readonly codec: FrameEncoder;
  readonly config: ResolvedQueueConfig;
  readonly now: () => number;
  readonly random: () => number;
  readonly leaseOwner: string;
  readonly signal: AbortSignal;
  readonly force: boolean;
  readonly emitter: TypedEmitter<QueueEvents>;
  readonly onProgress: (progress: ReplayProgress) => void;
  readonly onFrame: (frame: { readonly published: number; readonly bytes: MutableByteMetrics }) => void;
  readonly onFailedPublish: () => void;
  /** The outage backoff, kept across runs by the queue (never in storage: an outage says nothing about the rows). */
  readonly outage: OutageState;
  /** Who holds the replay lease, for a `leaseHeld` report. */
  readonly leaseHolder: () => Promise<ReplayReport['leaseHolder']>;
}

/** Consecutive transient failures, and when the next try is due. Reset by an acknowledged frame. */
export interface OutageState {
  failures: number;
  until: number;
}

/** A row that goes out in a frame. */
interface Entry {
  readonly seq: number;
  readonly attempts: number;
  readonly userId: string;
  readonly sequenced: SequencedOperation;
}

/** A row that is dropped, not sent: deleted with the next range, counted once deleted. */
interface Skip {
  readonly seq: number;
  readonly kind: 'coalesced' | 'expired';
  /** The row's user, for a frame that declares skips alone. */
  readonly userId: string | undefined;
}

/** What sending a frame did: how many batch entries it used up, and whether the run must end. */
interface FrameOutcome {
  readonly consumed: number;
  readonly stop?: ReplayStop;
  /** Try the next frame with at most this many ops (narrowing down on an op that does not encode). */
  readonly split?: number;
}

const NO_KEYS: ReadonlyMap<string, number> = new Map();

/**
 * Storage meta key of the skipped seqs already deleted but not yet declared to the receiver
 * (those between a frame's first and last op): `"3-4,9-9"`. The next frame declares them.
 */
export const SKIPPED_META_KEY = 'queue.skipped';

/** Most skipped ranges one frame declares (the codec's limit); the rest go with later frames. */
export const MAX_SKIPPED_RANGES = 4096;

function formatRanges(ranges: readonly SeqRange[]): string {
  return ranges.map((range) => `${range.first}-${range.last}`).join(',');
}

/** Parses `formatRanges`' text; anything malformed reads as nothing (a receiver's gap, never a loss). */
function parseRanges(text: string | undefined): SeqRange[] {
  if (text === undefined || text === '') return [];
  const ranges: SeqRange[] = [];
  for (const part of text.split(',')) {
    const match = /^(\d{1,15})-(\d{1,15})$/.exec(part);
    if (match === null) return [];
    const first = Number(match[1]);
    const last = Number(match[2]);
    if (first < 1 || last < first) return [];
    ranges.push({ first, last });
  }
  return mergeRanges(ranges);
}

/** Sorted, disjoint, non-adjacent: `[{3,4},{1,2},{6,6}]` → `[{1,4},{6,6}]`. */
export function mergeRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const merged: Array<{ first: number; last: number }> = [];
  for (const range of [...ranges].sort((a, b) => a.first - b.first)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.first <= last.last + 1) last.last = Math.max(last.last, range.last);
    else merged.push({ first: range.first, last: range.last });
  }
  return merged;
}

function rangesOf(skips: readonly Skip[]): SeqRange[] {
  return consecutiveRuns(skips.map((skip) => skip.seq)).map(([first, last]) => ({ first, last }));
}

/** `[1, 2, 3, 5, 7, 8]` → `[[1, 3], [5, 5], [7, 8]]` (input ascending). */
export function consecutiveRuns(seqs: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const seq of seqs) {
    const last = runs[runs.length - 1];
    if (last !== undefined && seq === last[1] + 1) last[1] = seq;
    else if (last === undefined || seq > last[1]) runs.push([seq, seq]);
  }
  return runs;
}

/**
 * One replay run. Invariants:
 * - rows are read in seq order, in pages of `pageSize`; memory holds at most a page, a frame's
 *   worth of entries, and `pageSize` skipped seqs;
 * - a skipped row (coalesced, expired) is declared in the `skipped` ranges of the next frame
 *   that starts after it, or of a frame that ends before it (the tail of a run), or of a frame
 *   of its own when no frame is left to carry it, so a receiver's
 *   per-device mark can pass it. It is deleted once that frame is acknowledged, or, when it
 *   lies between the first and last op of an acknowledged frame, with that frame, after being
 *   written to `SKIPPED_META_KEY` for the next frame to declare (a progress update is never
 *   sent after the one that superseded it);
 * - deletes name exact seqs: the acknowledged ops of a frame and the skips it declared, grouped
 *   into runs of consecutive seqs, one `deleteRange` per run. A seq the run does not hold (a
 *   dead letter requeued meanwhile, by this process or another) is a gap no range covers, so a
 *   row leaves pending only after an ack, or by `deadLetter`;
 * - an outage (a transient failure) records nothing on the rows: only a receiver's verdict
 *   counts toward `maxAttempts`.
 */
export async function runReplay(ctx: ReplayContext): Promise<ReplayReport> {
  const { storage, publisher, config } = ctx;
  const startedAt = ctx.now();
  const totals = { published: 0, coalesced: 0, expired: 0, deadLettered: 0, frames: 0 };
  const bytes: MutableByteMetrics = { ...EMPTY_BYTES };
  let stoppedBy: ReplayStop = 'drained';
  let nextAttemptAt: number | null = null;
  let failure: { code: string; message: string } | null = null;
  let leaseHolder: ReplayReport['leaseHolder'] = null;

  let cursor = 0;
  const batch: Entry[] = [];
  let skips: Skip[] = [];
  /** Skipped seqs deleted but not yet declared (persisted under `SKIPPED_META_KEY`). */
  let carried: SeqRange[] = [];
  let opsLimit = config.maxBatchOps;
  let leaseRenewedAt = ctx.now();
  const encodeOptions = {
    compression: config.compression,
    dictionary: config.dictionary,
    minBatchSize: config.minBatchSize,
  };

  const snapshot = (): ReplayProgress => ({ ...totals });

  const report = async (): Promise<ReplayReport> => {
    const { pending } = await storage.counts();
    return {
      ...snapshot(),
      pending,
      bytes: toByteMetrics(bytes),
      durationMs: ctx.now() - startedAt,
      stoppedBy,
      nextAttemptAt,
      error: failure,
      leaseHolder,
    };
  };

  // Renewed once a third of its lifetime has gone, not on every frame: a storage write each time.
  async function renewLease(): Promise<boolean> {
    const at = ctx.now();
    if (at - leaseRenewedAt < config.leaseTtlMs / 3) return true;
    leaseRenewedAt = at;
    return storage.acquireReplayLease(ctx.leaseOwner, config.leaseTtlMs, at);
  }

  /** Deletes `acknowledged` and the `declared` skips; counts the skips. */
  async function commit(acknowledged: readonly number[], declared: readonly Skip[]): Promise<void> {
    if (acknowledged.length === 0 && declared.length === 0) return;
    const seqs = [...acknowledged, ...declared.map((skip) => skip.seq)].sort((a, b) => a - b);
    for (const [from, to] of consecutiveRuns(seqs)) await storage.deleteRange(from, to);
    for (const skip of declared) totals[skip.kind] += 1;
    if (declared.length > 0) {
      const gone = new Set(declared.map((skip) => skip.seq));
      skips = skips.filter((skip) => !gone.has(skip.seq));
    }
  }

  async function deadLetter(seqs: readonly number[], reasonCode: string, reason: string): Promise<void> {
    if (seqs.length === 0) return;
    await storage.deadLetter(seqs, reasonCode, reason, ctx.now());
    totals.deadLettered += seqs.length;
    ctx.emitter.emit('deadLettered', { seqs, reasonCode, reason });
  }

  /** An outage: back off (capped, with jitter) and end the run; the rows are left as they are. */
  function outage(code: string, message: string): FrameOutcome {
    failure = { code, message };
    ctx.outage.failures += 1;
    ctx.outage.until = ctx.now() + backoffDelay(ctx.outage.failures, config.backoff, ctx.random);
    nextAttemptAt = ctx.outage.until;
    return { consumed: 0, stop: 'transientError' };
  }

  /** A verdict that does not settle the ops (INCOMPATIBLE): counts an attempt; `maxAttempts` of them dead-letter. */
  async function countVerdict(entries: readonly Entry[], code: string, message: string): Promise<FrameOutcome> {
    failure = { code, message };
    const seqs = entries.map((entry) => entry.seq);
    const verdicts = Math.max(...entries.map((entry) => entry.attempts)) + 1;
    if (verdicts >= config.maxAttempts) {
      await deadLetter(seqs, 'MAX_ATTEMPTS', `${code}: ${message} (${verdicts} verdicts)`);
      return { consumed: entries.length, stop: 'permanentError' };
    }
    const retryAt = ctx.now() + backoffDelay(verdicts, config.backoff, ctx.random);
    await storage.recordAttempt(seqs, `${code}: ${message}`, retryAt);
    nextAttemptAt = retryAt;
    return { consumed: 0, stop: 'permanentError' };
  }

  /** Whether `frame`'s self-contained encoding fails: then the ops, not the link, are at fault. */
  function encodingFails(frame: OutgoingFrame): unknown {
    try {
      frame.selfContained();
      return undefined;
    } catch (error) {
      return error ?? new Error('encoding failed');
    }
  }

  async function publishFailed(frame: OutgoingFrame, entries: readonly Entry[], error: unknown): Promise<FrameOutcome> {
    if (ctx.signal.aborted) return { consumed: 0, stop: 'aborted' };
    ctx.onFailedPublish();
    ctx.emitter.emit('error', { phase: 'replay', error });
    const message = error instanceof Error ? error.message : String(error);
    const seqs = entries.map((entry) => entry.seq);
    if (!(error instanceof PublisherError)) {
      // Not the publisher's own verdict: either an op cannot be encoded (then halve, down to
      // the one op, which is dead-lettered) or something unknown went wrong, which costs no data.
      const encodeError = entries.length > 0 ? encodingFails(frame) : undefined;
      if (encodeError === undefined) return outage('UNKNOWN', message);
      if (entries.length > 1) return { consumed: 0, split: Math.ceil(entries.length / 2) };
      await deadLetter(seqs, 'UNENCODABLE', encodeError instanceof Error ? encodeError.message : String(encodeError));
      return { consumed: 1 };
    }
    if (error.transient) return outage(error.code, message);
    switch (error.code) {
      case 'CLOSED':
        failure = { code: error.code, message };
        return { consumed: 0, stop: 'closed' };
      case 'UNAUTHORIZED':
        // About the credentials, not the ops: they stay pending, attempts untouched.
        failure = { code: error.code, message };
        return { consumed: 0, stop: 'unauthorized' };
      case 'FRAME_TOO_LARGE':
        if (entries.length > 1) {
          // Over the publisher's or the receiver's limit: smaller frames from here on, no attempt counted.
          opsLimit = Math.max(1, Math.floor(entries.length / 2));
          return { consumed: 0 };
        }
        if (entries.length === 0) break;
        await deadLetter(seqs, 'FRAME_TOO_LARGE', `op ${seqs[0]} alone is over the limit: ${message}`);
        return { consumed: 1 };
      case 'REJECTED':
        if (entries.length === 0) break;
        await deadLetter(seqs, 'REJECTED', `${error.code}: ${message}`);
        return { consumed: entries.length };
      case 'INCOMPATIBLE':
        if (entries.length === 0) break;
        return countVerdict(entries, error.code, message);
      default:
        return outage(error.code, message);
    }
    // A frame that only declares skips was refused: they stay pending, declared with the next frame.
    failure = { code: error.code, message };
    return { consumed: 0, stop: 'permanentError' };
  }

  function outgoing(entries: readonly Entry[], skipped: readonly SeqRange[], userId: string): OutgoingFrame {
    const ops = entries.map((entry) => entry.sequenced);
    const lastSkipped = skipped[skipped.length - 1]?.last ?? 0;
    const firstSeq = entries.length > 0 ? (entries[0] as Entry).seq : lastSkipped + 1;
    const lastSeq = entries.length > 0 ? (entries[entries.length - 1] as Entry).seq : lastSkipped;
    let encoded: EncodedFrame | undefined;
    return {
      deviceId: ctx.deviceId,
      userId,
      firstSeq,
      lastSeq,
      ops,
      skipped,
      selfContained() {
        // User-bound: every channel a queue frame takes names its user (per-user topics, the
        // gateway's token), so the frame leaves the user out and its checksum covers it.
        encoded ??= ctx.codec.encodeFrame(ctx.deviceId, ops, { ...encodeOptions, userId, bindUser: true, skipped });
        return encoded;
      },
    };
  }

  /** Publishes `entries` (possibly none) with the skips before them, and settles the ack. */
  async function sendFrame(entries: readonly Entry[], userId: string): Promise<FrameOutcome> {
    if (!(await renewLease())) return { consumed: 0, stop: 'leaseLost' };
    const firstSeq = entries.length > 0 ? (entries[0] as Entry).seq : Number.POSITIVE_INFINITY;
    const lastSeq = entries.length > 0 ? (entries[entries.length - 1] as Entry).seq : Number.NEGATIVE_INFINITY;
    const candidates = mergeRanges([
      ...carried.filter((range) => range.last < firstSeq),
      ...rangesOf(skips.filter((skip) => skip.seq < firstSeq)),
    ]);
    const before = candidates.slice(0, MAX_SKIPPED_RANGES);
    const declaredUpTo = before[before.length - 1]?.last ?? 0;
    // Skips after the frame's last op (a coalesced or expired tail) go with it too, as far as
    // the range limit allows: a drained run then needs no frame of skips alone.
    const tail =
      entries.length === 0
        ? []
        : rangesOf(skips.filter((skip) => skip.seq > lastSeq)).slice(0, MAX_SKIPPED_RANGES - before.length);
    const tailUpTo = tail[tail.length - 1]?.last ?? 0;
    const skipped = [...before, ...tail];
    const declared = skips.filter((skip) => skip.seq <= declaredUpTo || (skip.seq > lastSeq && skip.seq <= tailUpTo));
    const between = skips.filter((skip) => skip.seq > firstSeq && skip.seq < lastSeq);
    const frame = outgoing(entries, skipped, userId);
    let ack: PublishAck;
    try {
      ack = await publisher.publish(frame, { signal: ctx.signal });
    } catch (error) {
      return publishFailed(frame, entries, error);
    }
    const rejectedCodes = new Map<number, string>();
    for (const range of ack.rejected) {
      for (const entry of entries) {
        if (entry.seq >= range.firstSeq && entry.seq <= range.lastSeq) rejectedCodes.set(entry.seq, range.code);
      }
    }
    const byCode = new Map<string, number[]>();
    for (const [seq, code] of rejectedCodes) byCode.set(code, [...(byCode.get(code) ?? []), seq]);
    for (const [code, seqs] of byCode) {
      await deadLetter(
        seqs.sort((a, b) => a - b),
        'REJECTED',
        `${code}: the receiver refused ${seqs.length === 1 ? 'this op' : `${seqs.length} ops of the frame`}`,
      );
    }
    // The skips between this frame's ops go now too, once written down for the next frame to declare.
    const stillCarried = mergeRanges([...carried.filter((range) => range.last > declaredUpTo), ...rangesOf(between)]);
    if (formatRanges(stillCarried) !== formatRanges(carried)) {
      await storage.setMeta({ [SKIPPED_META_KEY]: formatRanges(stillCarried) });
      carried = stillCarried;
    }
    await commit(
      entries.flatMap((entry) => (rejectedCodes.has(entry.seq) ? [] : [entry.seq])),
      [...declared, ...between],
    );

    const published = entries.length - rejectedCodes.size;
    const { metrics } = ack;
    const frameBytes: MutableByteMetrics = {
      // The baselines may be computed lazily by the publisher: read them only when asked to.
      bytesJson: config.baselineBytes ? metrics.bytesJson : 0,
      bytesProtobuf: config.baselineBytes ? metrics.bytesProtobuf : 0,
      bytesBody: metrics.bytesBody,
      bytesWire: metrics.bytesWire,
    };
    ctx.outage.failures = 0;
    ctx.outage.until = 0;
    totals.published += published;
    totals.frames += 1;
    addMetrics(bytes, frameBytes);
    ctx.onFrame({ published, bytes: frameBytes });
    ctx.emitter.emit('framePublished', {
      firstSeq: frame.firstSeq,
      lastSeq: frame.lastSeq,
      ops: entries.length,
      skipped: frame.skipped.reduce((sum, range) => sum + range.last - range.first + 1, 0),
      wireBytes: metrics.bytesWire,
      duplicate: ack.duplicate,
      rejected: rejectedCodes.size,
    });
    ctx.onProgress(snapshot());
    return { consumed: entries.length };
  }

  /** Sends full frames; with `all`, also the last partial one. Resolves with a stop reason, if any. */
  async function flush(all: boolean): Promise<ReplayStop | undefined> {
    let limit = opsLimit;
    while (batch.length >= opsLimit || (all && batch.length > 0)) {
      if (ctx.signal.aborted) return 'aborted';
      const userId = (batch[0] as Entry).userId;
      let count = 1;
      while (count < batch.length && count < Math.min(limit, opsLimit) && (batch[count] as Entry).userId === userId) {
        count += 1;
      }
      const outcome = await sendFrame(batch.slice(0, count), userId);
      batch.splice(0, outcome.consumed);
      if (outcome.stop !== undefined) return outcome.stop;
      // An op that does not encode is somewhere in the frame: narrow down on it, then carry on.
      limit = outcome.split ?? (outcome.consumed > 0 ? opsLimit : limit);
    }
    return undefined;
  }

  /** Declares and deletes every skip held: sends what precedes them, then a frame of skips alone. */
  async function declareSkips(): Promise<ReplayStop | undefined> {
    const stop = await flush(true);
    if (stop !== undefined) return stop;
    const userId = [...skips].reverse().find((skip) => skip.userId !== undefined)?.userId ?? ctx.userIdForCommands();
    // More skips than one frame may declare take several frames.
    while (userId !== undefined && (skips.length > 0 || carried.length > 0)) {
      if (ctx.signal.aborted) return 'aborted';
      const outcome = await sendFrame([], userId);
      if (outcome.stop !== undefined) return outcome.stop;
    }
    return undefined;
  }

  function classify(row: QueueRecord, latest: ReadonlyMap<string, number>, at: number): Entry | Skip | string {
    let op: SyncOperation;
    try {
      op = decodeBody(row.body);
      if (op.type !== row.type) return `body is a ${op.type}, the row says ${row.type}`;
    } catch (error) {
      return `body does not decode: ${error instanceof Error ? error.message : String(error)}`;
    }
    let hlc: SequencedOperation['hlc'];
    try {
      hlc = parseHlc(row.hlc);
    } catch (error) {
      return `hlc does not parse: ${error instanceof Error ? error.message : String(error)}`;
    }
    const userId = op.type === 'deviceCommand' ? ctx.userIdForCommands() : op.userId;
    const expiresAt = row.expiresAt ?? expiresAtOf(op);
    if (expiresAt !== null && expiresAt <= at) return { seq: row.seq, kind: 'expired', userId };
    if (row.coalesceKey !== null && (latest.get(row.coalesceKey) ?? 0) > row.seq) {
      return { seq: row.seq, kind: 'coalesced', userId };
    }
    if (userId === undefined) return 'deviceCommand without a known userId';
    return {
      seq: row.seq,
      attempts: row.attempts,
      userId,
      sequenced: { deviceId: ctx.deviceId, seq: row.seq, hlc, op },
    };
  }

  if (!ctx.force && ctx.outage.until > ctx.now()) {
    // The last run met an outage: wait out its backoff (a forced "sync now" does not).
    stoppedBy = 'backoff';
    nextAttemptAt = ctx.outage.until;
    return report();
  }
  if (!(await storage.acquireReplayLease(ctx.leaseOwner, config.leaseTtlMs, ctx.now()))) {
    stoppedBy = 'leaseHeld';
    leaseHolder = await ctx.leaseHolder();
    return report();
  }
  try {
    carried = parseRanges(await storage.getMeta(SKIPPED_META_KEY));
    let stop: ReplayStop | undefined;
    pages: for (;;) {
      if (ctx.signal.aborted) {
        stop = 'aborted';
        break;
      }
      if (!(await renewLease())) {
        stop = 'leaseLost';
        break;
      }
      const page = await storage.readPage(cursor, config.pageSize);
      if (page.length === 0) break;
      cursor = (page[page.length - 1] as QueueRecord).seq;
      const keys = config.coalesceProgress
        ? [...new Set(page.flatMap((row) => (row.coalesceKey === null ? [] : [row.coalesceKey])))]
        : [];
      const latest = keys.length > 0 ? await storage.latestSeqByKey(keys) : NO_KEYS;
      const at = ctx.now();
      const classified: Array<Entry | Skip> = [];
      const undecodable: Array<{ seq: number; reason: string }> = [];
      let blocked: QueueRecord | undefined;
      for (const row of page) {
        const item = classify(row, latest, at);
        if (typeof item === 'string') undecodable.push({ seq: row.seq, reason: item });
        else if ('kind' in item || ctx.force || row.nextAttemptAt <= at) classified.push(item);
        else {
          // An op waiting for its retry time holds back everything after it: order per device.
          blocked = row;
          break;
        }
      }
      // A row that cannot be decoded is dead-lettered at once: never a poison pill.
      for (const { seq, reason } of undecodable) await deadLetter([seq], 'UNDECODABLE', reason);
      for (const item of classified) {
        if ('kind' in item) {
          skips.push(item);
          // Memory holds at most a page of skips: past that, declare them now.
          if (skips.length >= config.pageSize) stop = await declareSkips();
        } else {
          const previous = batch[batch.length - 1];
          if (previous !== undefined && previous.userId !== item.userId) stop = await flush(true);
          if (stop === undefined) {
            batch.push(item);
            stop = await flush(false);
          }
        }
        if (stop !== undefined) break pages;
      }
      if (blocked !== undefined) {
        stop = (await flush(true)) ?? 'backoff';
        if (stop === 'backoff') nextAttemptAt = blocked.nextAttemptAt;
        break;
      }
    }
    // Drained: the skips not yet declared (with nothing after them) go in a frame of their own,
    // so the receiver's mark reaches the queue's end. A run that stopped early leaves them
    // pending (or written down, see SKIPPED_META_KEY); the next run declares them.
    stop ??= await declareSkips();
    stoppedBy = stop ?? 'drained';
  } finally {
    await storage.releaseReplayLease(ctx.leaseOwner).catch(() => undefined);
  }
  return report();
}
