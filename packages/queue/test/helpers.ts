import type { SyncOperation } from '@media-sync/protocol';
import { createMemoryPublisher, type MemoryPublisher, type MemoryPublisherOptions } from '@media-sync/publisher-memory';
import { createMemoryStorage, type MemoryStorageOptions } from '@media-sync/storage-memory';
import { createQueue, type Queue, type QueueConfig, type StorageAdapter } from '../src/index.js';

export const USER = 'user-1';
export const DEVICE = 'phone-1';
export const T0 = 1_790_000_000_000;

export function watchlistAdd(contentId: string, timestamp = T0, userId = USER): SyncOperation {
  return { type: 'watchlistAdd', userId, contentId, timestamp };
}

export function progress(contentId: string, positionMs: number, timestamp = T0 + positionMs): SyncOperation {
  return { type: 'progressUpdate', userId: USER, contentId, positionMs, state: 'playing', timestamp };
}

export function command(commandId: string, timestamp: number, expiresAt?: number): SyncOperation {
  return {
    type: 'deviceCommand',
    commandId,
    sourceDeviceId: DEVICE,
    targetDeviceId: 'tv-1',
    commandType: 'pause',
    payload: { at: 1 },
    timestamp,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** `count` distinct watchlist adds: nothing coalesces, so every op must arrive. */
export function distinctOps(count: number, from = 0): SyncOperation[] {
  return Array.from({ length: count }, (_, i) => watchlistAdd(`tt${String(from + i).padStart(7, '0')}`, T0 + from + i));
}

/** Records every storage call, so tests can check what was deleted and when. */
export interface StorageSpy {
  readonly storage: StorageAdapter;
  readonly calls: Array<{ method: string; args: unknown[] }>;
}

export function spyOn(storage: StorageAdapter, before?: (method: string, args: unknown[]) => void): StorageSpy {
  const calls: StorageSpy['calls'] = [];
  const proxy = new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(property), args });
        before?.(String(property), args);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { storage: proxy, calls };
}

export interface Harness {
  readonly queue: Queue;
  readonly publisher: MemoryPublisher;
  readonly storage: StorageAdapter;
  readonly clock: { now: number };
}

export function harness(
  options: {
    config?: QueueConfig;
    publisher?: MemoryPublisherOptions;
    storage?: StorageAdapter;
    memory?: MemoryStorageOptions;
    userId?: string;
    random?: () => number;
  } = {},
): Harness {
  const clock = { now: T0 };
  const storage = options.storage ?? createMemoryStorage(options.memory);
  const publisher = createMemoryPublisher({ timeoutMs: 20, ...options.publisher });
  const queue = createQueue({
    deviceId: DEVICE,
    ...(options.userId === undefined ? {} : { userId: options.userId }),
    storage,
    publisher,
    config: { backoff: { jitter: 0 }, ...options.config },
    now: () => clock.now,
    random: options.random ?? (() => 0.5),
  });
  return { queue, publisher, storage, clock };
}

export function seqsOf(ops: readonly { seq: number }[]): number[] {
  return ops.map((op) => op.seq);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
