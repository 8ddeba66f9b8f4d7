import { parseHlc, type SequencedOperation, type SyncOperation } from '@media-sync/protocol';
import { backoffDelay } from './backoff.js';
import { decodeBody, expiresAtOf } from './body.js';
import type { TypedEmitter } from './events.js';
import { addMetrics, EMPTY_BYTES, type MutableByteMetrics, toByteMetrics } from './metrics.js';
import { type OutgoingFrame, type PublishAck, type Publisher, PublisherError } from './publisher.js';
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
}

/** What sending a frame did: how many batch entries it used up, and whether the run must end. */
interface FrameOutcome {
  readonly consumed: number;
  readonly stop?: ReplayStop;
}

const NO_KEYS: ReadonlyMap<string, number> = new Map();

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
 * - deletes name exact seqs: the acknowledged ops of a frame and the skipped rows, grouped into
 *   runs of consecutive seqs, one `deleteRange` per run. A seq the run does not hold (a dead
 *   letter requeued meanwhile, by this process or another) is a gap no range covers, so a row
 *   leaves pending only after its ack, as a skip, or by `deadLetter`;
 * - a row leaves pending only by that delete (after an ack, or as a skip) or by `deadLetter`.
 */
export async function runReplay(ctx: ReplayContext): Promise<ReplayReport> {
  const { storage, publisher, config } = ctx;
  const startedAt = ctx.now();
  const totals = { published: 0, coalesced: 0, expired: 0, deadLettered: 0, frames: 0 };
  const bytes: MutableByteMetrics = { ...EMPTY_BYTES };
  let stoppedBy: ReplayStop = 'drained';
  let nextAttemptAt: number | null = null;
  let failure: { code: string; message: string } | null = null;

  let cursor = 0;
  const batch: Entry[] = [];
  let skips: Skip[] = [];
  let opsLimit = config.maxBatchOps;
  let leaseRenewedAt = ctx.now();

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
    };
  };

  // Renewed once a third of its lifetime has gone, not on every frame: a storage write each time.
  async function renewLease(): Promise<boolean> {
    const at = ctx.now();
    if (at - leaseRenewedAt < config.leaseTtlMs / 3) return true;
    leaseRenewedAt = at;
    return storage.acquireReplayLease(ctx.leaseOwner, config.leaseTtlMs, at);
  }

  /** Deletes `acknowledged` and the skipped rows up to `lastSeq`; counts the skips. */
  async function commitThrough(lastSeq: number, acknowledged: readonly number[]): Promise<void> {
    const committed = skips.filter((skip) => skip.seq <= lastSeq);
    const seqs = [...acknowledged, ...committed.map((skip) => skip.seq)].sort((a, b) => a - b);
    for (const [from, to] of consecutiveRuns(seqs)) await storage.deleteRange(from, to);
    for (const skip of committed) totals[skip.kind] += 1;
    if (committed.length > 0) skips = skips.filter((skip) => skip.seq > lastSeq);
  }

  async function deadLetter(seqs: readonly number[], reasonCode: string, reason: string): Promise<void> {
    if (seqs.length === 0) return;
    await storage.deadLetter(seqs, reasonCode, reason, ctx.now());
    totals.deadLettered += seqs.length;
    ctx.emitter.emit('deadLettered', { seqs, reasonCode, reason });
  }

  async function publishFailed(entries: readonly Entry[], error: unknown): Promise<FrameOutcome> {
    if (ctx.signal.aborted) return { consumed: 0, stop: 'aborted' };
    ctx.onFailedPublish();
    ctx.emitter.emit('error', { phase: 'replay', error });
    const code = error instanceof PublisherError ? error.code : 'UNKNOWN';
    const message = error instanceof Error ? error.message : String(error);
    const seqs = entries.map((entry) => entry.seq);
    const lastSeq = seqs[seqs.length - 1] as number;
    if (error instanceof PublisherError && !error.transient) {
      if (code === 'CLOSED') {
        failure = { code, message };
        return { consumed: 0, stop: 'closed' };
      }
      if (code === 'FRAME_TOO_LARGE' && entries.length > 1) {
        // The receiver's limit is below what the publisher advertised: smaller frames from here on.
        opsLimit = Math.max(1, Math.floor(entries.length / 2));
        return { consumed: 0 };
      }
      // Only REJECTED (and a single op too large for any frame) says something about these ops.
      // Anything else (UNAUTHORIZED: an expired or revoked token) is about the link: the ops are
      // fine, so they stay pending, attempts untouched, and the run ends until the app fixes it.
      if (code === 'REJECTED' || code === 'FRAME_TOO_LARGE') {
        await deadLetter(seqs, code, `${code}: ${message}`);
        await commitThrough(lastSeq, []);
        return { consumed: entries.length };
      }
      failure = { code, message };
      return { consumed: 0, stop: 'permanentError' };
    }
    failure = { code, message };
    const failures = Math.max(...entries.map((entry) => entry.attempts)) + 1;
    if (failures >= config.maxAttempts) {
      await deadLetter(seqs, 'MAX_ATTEMPTS', `${code}: ${message} (failed ${failures} times)`);
      await commitThrough(lastSeq, []);
      nextAttemptAt = ctx.now() + backoffDelay(1, config.backoff, ctx.random);
      return { consumed: entries.length, stop: 'transientError' };
    }
    const retryAt = ctx.now() + backoffDelay(failures, config.backoff, ctx.random);
    await storage.recordAttempt(seqs, `${code}: ${message}`, retryAt);
    nextAttemptAt = retryAt;
    return { consumed: 0, stop: 'transientError' };
  }

  /** Encodes the longest prefix of `candidates` that fits `maxFrameBytes`, publishes it, settles it. */
  async function sendFrame(candidates: readonly Entry[]): Promise<FrameOutcome> {
    if (!(await renewLease())) return { consumed: 0, stop: 'leaseLost' };
    const userId = (candidates[0] as Entry).userId;
    const encodeOptions = {
      compression: config.compression,
      dictionary: config.dictionary,
      minBatchSize: config.minBatchSize,
      userId,
    };
    let count = candidates.length;
    let encoded: ReturnType<FrameEncoder['encodeFrame']>;
    for (;;) {
      const ops = candidates.slice(0, count).map((entry) => entry.sequenced);
      try {
        encoded = ctx.codec.encodeFrame(ctx.deviceId, ops, encodeOptions);
      } catch (error) {
        if (count > 1) {
          count = Math.ceil(count / 2);
          continue;
        }
        const seq = (candidates[0] as Entry).seq;
        await deadLetter([seq], 'UNENCODABLE', error instanceof Error ? error.message : String(error));
        await commitThrough(seq, []);
        return { consumed: 1 };
      }
      if (encoded.bytes.length <= publisher.maxFrameBytes) break;
      if (count === 1) {
        const seq = (candidates[0] as Entry).seq;
        await deadLetter(
          [seq],
          'FRAME_TOO_LARGE',
          `op ${seq} alone encodes to ${encoded.bytes.length} bytes, over the publisher's maxFrameBytes ${publisher.maxFrameBytes}`,
        );
        await commitThrough(seq, []);
        return { consumed: 1 };
      }
      const scaled = Math.floor((count * publisher.maxFrameBytes) / encoded.bytes.length);
      count = Math.max(1, Math.min(count - 1, scaled));
    }
    const entries = candidates.slice(0, count);
    const firstSeq = (entries[0] as Entry).seq;
    const lastSeq = (entries[entries.length - 1] as Entry).seq;
    const frame: OutgoingFrame = {
      deviceId: ctx.deviceId,
      userId,
      firstSeq,
      lastSeq,
      ops: entries.map((entry) => entry.sequenced),
      bytes: encoded.bytes,
    };
    let ack: PublishAck;
    try {
      ack = await publisher.publish(frame, { signal: ctx.signal });
    } catch (error) {
      return publishFailed(entries, error);
    }
    const inFrame = new Set(entries.map((entry) => entry.seq));
    const rejected = ack.rejected.filter((rejection) => inFrame.has(rejection.seq));
    const byReason = new Map<string, number[]>();
    for (const rejection of rejected) {
      const reason = `${rejection.code}: ${rejection.reason}`;
      byReason.set(reason, [...(byReason.get(reason) ?? []), rejection.seq]);
    }
    for (const [reason, seqs] of byReason) await deadLetter(seqs, 'REJECTED', reason);
    const rejectedSeqs = new Set(rejected.map((rejection) => rejection.seq));
    await commitThrough(
      lastSeq,
      entries.flatMap((entry) => (rejectedSeqs.has(entry.seq) ? [] : [entry.seq])),
    );

    const published = entries.length - rejected.length;
    const frameBytes: MutableByteMetrics = {
      bytesJson: encoded.metrics.bytesJson,
      bytesProtobuf: encoded.metrics.bytesProtobuf,
      bytesBody: encoded.metrics.bytesBody,
      bytesWire: ack.wireBytes,
    };
    totals.published += published;
    totals.frames += 1;
    addMetrics(bytes, frameBytes);
    ctx.onFrame({ published, bytes: frameBytes });
    ctx.emitter.emit('framePublished', {
      firstSeq,
      lastSeq,
      ops: entries.length,
      bytes: encoded.bytes.length,
      wireBytes: ack.wireBytes,
      duplicate: ack.duplicate,
      rejected: rejected.length,
    });
    ctx.onProgress(snapshot());
    return { consumed: count };
  }

  /** Sends full frames; with `all`, also the last partial one. Resolves with a stop reason, if any. */
  async function flush(all: boolean): Promise<ReplayStop | undefined> {
    while (batch.length >= opsLimit || (all && batch.length > 0)) {
      if (ctx.signal.aborted) return 'aborted';
      const userId = (batch[0] as Entry).userId;
      let count = 1;
      while (count < batch.length && count < opsLimit && (batch[count] as Entry).userId === userId) count += 1;
      const outcome = await sendFrame(batch.slice(0, count));
      batch.splice(0, outcome.consumed);
      if (outcome.stop !== undefined) return outcome.stop;
    }
    return undefined;
  }

  /** Keeps the skip list within a page: sends what precedes the skips, then deletes them. */
  async function trimSkips(): Promise<ReplayStop | undefined> {
    if (skips.length < config.pageSize) return undefined;
    const stop = await flush(true);
    if (stop !== undefined) return stop;
    const last = skips[skips.length - 1];
    if (last !== undefined) await commitThrough(last.seq, []);
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
    const expiresAt = row.expiresAt ?? expiresAtOf(op);
    if (expiresAt !== null && expiresAt <= at) return { seq: row.seq, kind: 'expired' };
    if (row.coalesceKey !== null && (latest.get(row.coalesceKey) ?? 0) > row.seq) {
      return { seq: row.seq, kind: 'coalesced' };
    }
    const userId = op.type === 'deviceCommand' ? ctx.userIdForCommands() : op.userId;
    if (userId === undefined) return 'deviceCommand without a known userId';
    return {
      seq: row.seq,
      attempts: row.attempts,
      userId,
      sequenced: { deviceId: ctx.deviceId, seq: row.seq, hlc, op },
    };
  }

  if (!(await storage.acquireReplayLease(ctx.leaseOwner, config.leaseTtlMs, ctx.now()))) {
    stoppedBy = 'leaseHeld';
    return report();
  }
  try {
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
          stop = await trimSkips();
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
    stop ??= await flush(true);
    // Skipped rows ahead of anything still unsent can go now; the rest are met again next run.
    const upTo = batch.length > 0 ? (batch[0] as Entry).seq - 1 : (skips[skips.length - 1]?.seq ?? -1);
    await commitThrough(upTo, []);
    stoppedBy = stop ?? 'drained';
  } finally {
    await storage.releaseReplayLease(ctx.leaseOwner).catch(() => undefined);
  }
  return report();
}
