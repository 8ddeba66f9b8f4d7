import {
  checkId,
  formatHlc,
  type Hlc,
  HybridLogicalClock,
  parseHlc,
  type SequencedOperation,
  type SyncOperation,
  validateOperation,
} from '@media-sync/protocol';
import { type ResolvedBackoff, resolveBackoff } from './backoff.js';
import { coalesceKeyOf, decodeBody, encodeValidatedBody, expiresAtOf } from './body.js';
import { SyncDeltaConfig } from './config.js';
import { ConfigError, QueueError } from './errors.js';
import { TypedEmitter } from './events.js';
import { addMetrics, EMPTY_BYTES, type MutableByteMetrics, toByteMetrics } from './metrics.js';
import { type OutageState, type ReplayContext, runReplay, SKIPPED_META_KEY } from './replay.js';
import type { NewQueueRecord, StorageCounts } from './storage.js';
import type {
  AutoReplayOptions,
  DeadLetter,
  FrameEncoder,
  Queue,
  QueueEvents,
  QueueMetrics,
  QueueOptions,
  ReplayOptions,
  ReplayProgress,
  ReplayReport,
} from './types.js';

/** Storage meta keys the queue owns. */
export const META_KEYS = {
  hlc: 'queue.hlc',
  deviceId: 'queue.deviceId',
  userId: 'queue.userId',
  skipped: SKIPPED_META_KEY,
} as const;

export interface ResolvedQueueConfig {
  readonly enabled: boolean;
  readonly compression: boolean;
  readonly minBatchSize: number;
  readonly maxBatchOps: number;
  readonly pageSize: number;
  readonly coalesceProgress: boolean;
  readonly maxAttempts: number;
  readonly backoff: ResolvedBackoff;
  readonly leaseTtlMs: number;
  readonly dictionary: boolean;
  readonly baselineBytes: boolean;
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new ConfigError('INVALID_OPTION', option, value, 'an integer ≥ 1');
  }
  return resolved;
}

export function resolveQueueConfig(config: QueueOptions['config'] = {}): ResolvedQueueConfig {
  const delta = { ...SyncDeltaConfig.defaults, ...config };
  return {
    enabled: delta.enabled,
    compression: delta.compression,
    minBatchSize: positiveInteger('minBatchSize', delta.minBatchSize, 3),
    // Delta sync off: every op travels alone, the plain per-op sync of the reference crate.
    maxBatchOps: delta.enabled ? positiveInteger('maxBatchOps', config.maxBatchOps, 500) : 1,
    pageSize: positiveInteger('pageSize', config.pageSize, 1_000),
    coalesceProgress: config.coalesceProgress ?? true,
    maxAttempts: positiveInteger('maxAttempts', config.maxAttempts, 5),
    backoff: resolveBackoff(config.backoff),
    leaseTtlMs: positiveInteger('leaseTtlMs', config.leaseTtlMs, 30_000),
    dictionary: config.dictionary ?? true,
    baselineBytes: config.baselineBytes ?? true,
  };
}

interface EnqueueRequest {
  readonly ops: readonly SyncOperation[];
  readonly resolve: (entries: SequencedOperation[]) => void;
  readonly reject: (error: unknown) => void;
}

interface Identity {
  readonly clock: HybridLogicalClock;
  userId: string | undefined;
  /** The userId storage holds, so `status` can show it and a restart without one knows it. */
  storedUserId: string | undefined;
  deviceRecorded: boolean;
}

async function loadDefaultCodec(): Promise<FrameEncoder> {
  const { createCodec } = await import('@media-sync/codec');
  return await createCodec();
}

function storageFailure(error: unknown, storageName: string): unknown {
  if (error instanceof QueueError) return error;
  if (error instanceof Error && error.name === 'StorageError') {
    return new QueueError('STORAGE_FAILED', `storage ${storageName} failed: ${error.message}`, { cause: error });
  }
  return error;
}

/** Creates the offline queue (§6) of one device over a storage adapter and a publisher. */
export function createQueue(options: QueueOptions): Queue {
  const deviceId = checkId(options.deviceId, 'deviceId');
  const configuredUserId = options.userId === undefined ? undefined : checkId(options.userId, 'userId');
  const { storage, publisher } = options;
  const config = resolveQueueConfig(options.config);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const emitter = new TypedEmitter<QueueEvents>();
  const leaseOwner = `${deviceId}/${Math.floor(random() * 2 ** 48).toString(36)}`;

  let closed = false;
  let identity: Promise<Identity> | undefined;
  let codec: Promise<FrameEncoder> | undefined;
  const waiting: EnqueueRequest[] = [];
  let flushing: Promise<void> | undefined;
  let running: Promise<ReplayReport> | undefined;
  let runController: AbortController | undefined;
  const progressListeners = new Set<(progress: ReplayProgress) => void>();
  let stopAutoReplay: (() => void) | undefined;

  let metrics = freshMetrics();
  const outage: OutageState = { failures: 0, until: 0 };

  // `formatHlc`, with the millisecond part cached: ticks within one millisecond share it, and
  // `toString(16)` of a 41-bit number is the costly part. Same text as `formatHlc`.
  let cachedPhysicalMs = -1;
  let cachedPrefix = '';
  function hlcText(hlc: Hlc): string {
    if (hlc.physicalMs !== cachedPhysicalMs) {
      cachedPhysicalMs = hlc.physicalMs;
      cachedPrefix = hlc.physicalMs.toString(16).padStart(12, '0');
    }
    return `${cachedPrefix}-${hlc.logical.toString(16).padStart(4, '0')}-${hlc.nodeId}`;
  }

  function freshMetrics() {
    return {
      enqueued: 0,
      published: 0,
      coalesced: 0,
      expired: 0,
      deadLettered: 0,
      frames: 0,
      replays: 0,
      failedPublishes: 0,
      bytes: { ...EMPTY_BYTES } as MutableByteMetrics,
    };
  }

  function checkOpen(): void {
    if (closed) throw new QueueError('CLOSED', `queue of device ${deviceId} is closed`);
  }

  function loadIdentity(): Promise<Identity> {
    identity ??= (async () => {
      const [hlcText, storedDevice, storedUser] = await Promise.all([
        storage.getMeta(META_KEYS.hlc),
        storage.getMeta(META_KEYS.deviceId),
        storage.getMeta(META_KEYS.userId),
      ]);
      if (storedDevice !== undefined && storedDevice !== deviceId) {
        throw new QueueError(
          'DEVICE_MISMATCH',
          `storage ${storage.name} holds the queue of device ${storedDevice}, not ${deviceId}`,
        );
      }
      const last: Hlc | undefined = hlcText === undefined ? undefined : parseHlc(hlcText);
      const clock = new HybridLogicalClock(
        last === undefined ? { nodeId: deviceId, now } : { nodeId: deviceId, now, last },
      );
      return {
        clock,
        userId: configuredUserId ?? storedUser,
        storedUserId: storedUser,
        deviceRecorded: storedDevice !== undefined,
      };
    })().catch((error: unknown) => {
      identity = undefined;
      throw storageFailure(error, storage.name);
    });
    return identity;
  }

  function loadCodec(): Promise<FrameEncoder> {
    codec ??= (options.codec ? Promise.resolve(options.codec) : loadDefaultCodec()).catch((error: unknown) => {
      codec = undefined;
      throw error;
    });
    return codec;
  }

  // Group commit: enqueues that arrive while an append is in flight go into the next append
  // together, so concurrent single enqueues cost one durable transaction per group, not per op.
  async function flushEnqueues(): Promise<void> {
    try {
      const id = await loadIdentity();
      while (waiting.length > 0) await commit(id, waiting.splice(0, waiting.length));
    } catch (error) {
      for (const request of waiting.splice(0, waiting.length)) request.reject(error);
    } finally {
      flushing = undefined;
    }
  }

  async function commit(id: Identity, group: EnqueueRequest[]): Promise<void> {
    const accepted: EnqueueRequest[] = [];
    const records: NewQueueRecord[] = [];
    const clocks: Hlc[] = [];
    // One instant for the whole group: the ops were all waiting for the same transaction.
    const enqueuedAt = now();
    let learnedUser: string | undefined;
    for (const request of group) {
      // A request may name its user anywhere in it, after its commands too.
      let userId = id.userId ?? learnedUser;
      for (const op of request.ops) if (op.type !== 'deviceCommand') userId ??= op.userId;
      const needsUser = userId === undefined && request.ops.some((op) => op.type === 'deviceCommand');
      if (needsUser) {
        request.reject(
          new QueueError('USER_ID_REQUIRED', `device ${deviceId} enqueued a deviceCommand but its userId is unknown`),
        );
        continue;
      }
      if (id.userId === undefined && learnedUser === undefined) learnedUser = userId;
      accepted.push(request);
      for (const op of request.ops) {
        const hlc = id.clock.tick();
        clocks.push(hlc);
        records.push({
          hlc: hlcText(hlc),
          type: op.type,
          coalesceKey: coalesceKeyOf(op),
          expiresAt: expiresAtOf(op),
          body: encodeValidatedBody(op),
          enqueuedAt,
        });
      }
    }
    if (accepted.length === 0) return;
    const meta: Record<string, string> = { [META_KEYS.hlc]: formatHlc(id.clock.last) };
    if (!id.deviceRecorded) meta[META_KEYS.deviceId] = deviceId;
    const userToStore = id.userId ?? learnedUser;
    if (userToStore !== undefined && userToStore !== id.storedUserId) meta[META_KEYS.userId] = userToStore;
    let seqs: readonly number[];
    try {
      ({ seqs } = await storage.append(records, meta));
    } catch (error) {
      const failure = storageFailure(error, storage.name);
      for (const request of accepted) request.reject(failure);
      return;
    }
    id.deviceRecorded = true;
    if (learnedUser !== undefined) id.userId = learnedUser;
    if (userToStore !== undefined) id.storedUserId = userToStore;
    let index = 0;
    for (const request of accepted) {
      const entries = request.ops.map((op) => {
        const entry: SequencedOperation = {
          deviceId,
          seq: seqs[index] as number,
          hlc: clocks[index] as Hlc,
          op,
        };
        index += 1;
        return entry;
      });
      metrics.enqueued += entries.length;
      request.resolve(entries);
      emitter.emit('enqueued', { ops: entries });
    }
  }

  async function enqueueMany(ops: readonly SyncOperation[]): Promise<SequencedOperation[]> {
    checkOpen();
    if (!Array.isArray(ops)) throw new TypeError('enqueueMany expects an array of operations');
    const validated = ops.map((op) => validateOperation(op));
    if (validated.length === 0) return [];
    return new Promise<SequencedOperation[]>((resolve, reject) => {
      waiting.push({ ops: validated, resolve, reject });
      flushing ??= flushEnqueues();
    });
  }

  function replay(replayOptions: ReplayOptions = {}): Promise<ReplayReport> {
    if (closed) return Promise.reject(new QueueError('CLOSED', `queue of device ${deviceId} is closed`));
    if (publisher === undefined) {
      return Promise.reject(
        new QueueError('NO_PUBLISHER', `queue of device ${deviceId} has no publisher to replay to`),
      );
    }
    if (replayOptions.onProgress) progressListeners.add(replayOptions.onProgress);
    if (running) return running;
    const controller = new AbortController();
    runController = controller;
    const signal = replayOptions.signal;
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    else signal?.addEventListener('abort', onAbort, { once: true });
    const run = (async () => {
      const id = await loadIdentity();
      const context: ReplayContext = {
        deviceId,
        userIdForCommands: () => id.userId,
        storage,
        publisher,
        codec: await loadCodec(),
        config,
        now,
        random,
        leaseOwner,
        signal: controller.signal,
        force: replayOptions.force ?? false,
        emitter,
        onProgress: (progress) => {
          for (const listener of progressListeners) listener(progress);
          emitter.emit('progress', progress);
        },
        onFrame: (frame) => {
          metrics.frames += 1;
          metrics.published += frame.published;
          addMetrics(metrics.bytes, frame.bytes);
        },
        onFailedPublish: () => {
          metrics.failedPublishes += 1;
        },
        outage,
        leaseHolder: () => storage.replayLeaseHolder(),
      };
      try {
        const report = await runReplay(context);
        metrics.replays += 1;
        metrics.coalesced += report.coalesced;
        metrics.expired += report.expired;
        metrics.deadLettered += report.deadLettered;
        emitter.emit('replayed', report);
        return report;
      } catch (error) {
        const failure = storageFailure(error, storage.name);
        emitter.emit('error', { phase: 'replay', error: failure });
        throw failure;
      }
    })().finally(() => {
      signal?.removeEventListener('abort', onAbort);
      running = undefined;
      runController = undefined;
      progressListeners.clear();
    });
    running = run;
    return run;
  }

  async function settleReplay(): Promise<void> {
    await running?.catch(() => undefined);
  }

  function startAutoReplay(autoOptions: AutoReplayOptions = {}): () => void {
    checkOpen();
    if (publisher === undefined) {
      throw new QueueError('NO_PUBLISHER', `queue of device ${deviceId} has no publisher to replay to`);
    }
    const online = publisher;
    stopAutoReplay?.();
    const debounceMs = autoOptions.debounceMs ?? 50;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let dirty = false;

    const schedule = (delayMs: number) => {
      if (stopped || closed) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void drive(), Math.max(0, delayMs));
      // A background driver must not keep a Node process alive on its own.
      (timer as { unref?: () => void }).unref?.();
    };

    const drive = async () => {
      timer = undefined;
      if (stopped || closed || online.connectionState !== 'online') return;
      dirty = false;
      try {
        const report = await replay();
        if (stopped || closed) return;
        if (report.nextAttemptAt !== null) schedule(report.nextAttemptAt - now());
        else if (report.stoppedBy === 'leaseHeld' || report.stoppedBy === 'leaseLost') schedule(config.leaseTtlMs);
        else if (dirty) schedule(debounceMs);
      } catch (error) {
        emitter.emit('error', { phase: 'autoReplay', error });
        schedule(config.backoff.baseMs);
      }
    };

    const offConnection = online.onConnectionState((state) => {
      if (state === 'online') schedule(0);
    });
    const offEnqueued = emitter.on('enqueued', () => {
      dirty = true;
      schedule(debounceMs);
    });
    if (online.connectionState === 'online') schedule(0);

    const stop = () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      offConnection();
      offEnqueued();
      if (stopAutoReplay === stop) stopAutoReplay = undefined;
    };
    stopAutoReplay = stop;
    return stop;
  }

  const queue: Queue = {
    deviceId,
    on: (type, listener) => emitter.on(type, listener),
    enqueue: async (op) => (await enqueueMany([op]))[0] as SequencedOperation,
    enqueueMany,
    replay,
    async pending() {
      checkOpen();
      return (await queue.status()).pending;
    },
    async status(): Promise<StorageCounts> {
      checkOpen();
      try {
        return await storage.counts();
      } catch (error) {
        throw storageFailure(error, storage.name);
      }
    },
    async deadLetters(limit?: number): Promise<DeadLetter[]> {
      checkOpen();
      try {
        const rows = await storage.listDeadLetters(limit);
        return rows.map((row) => {
          let op: SyncOperation | null;
          try {
            op = decodeBody(row.body);
          } catch {
            op = null;
          }
          return {
            seq: row.seq,
            op,
            hlc: row.hlc,
            reasonCode: row.reasonCode,
            reason: row.reason,
            attempts: row.attempts,
            lastError: row.lastError,
            enqueuedAt: row.enqueuedAt,
            deadLetteredAt: row.deadLetteredAt,
          };
        });
      } catch (error) {
        throw storageFailure(error, storage.name);
      }
    },
    async deadLetterSummary() {
      checkOpen();
      try {
        return await storage.deadLetterSummary();
      } catch (error) {
        throw storageFailure(error, storage.name);
      }
    },
    async requeueDeadLetters(seqs) {
      checkOpen();
      // A requeued row gets its old seq back, behind a running replay's read position: replay
      // never deletes it unsent (it deletes exact seqs), but it would wait for the next run, so
      // the running one finishes first and the next run picks the row up in order.
      await settleReplay();
      try {
        return await storage.requeueDeadLetters(seqs);
      } catch (error) {
        throw storageFailure(error, storage.name);
      }
    },
    async purgeDeadLetters(seqs) {
      checkOpen();
      try {
        return await storage.purgeDeadLetters(seqs);
      } catch (error) {
        throw storageFailure(error, storage.name);
      }
    },
    metrics(): QueueMetrics {
      const { bytes, ...counts } = metrics;
      return { ...counts, ...toByteMetrics(bytes) };
    },
    resetMetrics() {
      metrics = freshMetrics();
    },
    startAutoReplay,
    async clock() {
      return (await loadIdentity()).clock.last;
    },
    async close() {
      if (closed) return;
      closed = true;
      stopAutoReplay?.();
      runController?.abort(new QueueError('CLOSED', `queue of device ${deviceId} is closed`));
      await settleReplay();
      await flushing;
      emitter.removeAll();
    },
  };

  const auto = options.config?.autoReplay;
  if (auto) startAutoReplay(auto === true ? {} : auto);
  return queue;
}
