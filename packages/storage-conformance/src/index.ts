import type { LeaseProcess, StorageAdapter } from '@media-sync/queue';
import { afterEach, beforeEach, describe, it } from 'vitest';
import {
  type ConformanceCase,
  type ConformanceContext,
  type ConformanceTheme,
  storageConformanceCases,
} from './cases.js';

export {
  AWKWARD_BYTES,
  type ConformanceCase,
  type ConformanceContext,
  type ConformanceTheme,
  hex,
  sampleRecord,
  storageConformanceCases,
} from './cases.js';
export {
  comparable,
  describeModelComparison,
  type ModelComparisonOptions,
  type NamedCall,
  outcomeOf,
  type StorageCall,
  snapshot,
  storageCall,
} from './model.js';

export interface StorageConformanceOptions {
  /** Shown in the describe block, e.g. `sqlite`. */
  readonly name: string;
  /** A fresh, empty, isolated adapter (temp file, random database name). Called before each test. */
  readonly setup: () => StorageAdapter | Promise<StorageAdapter>;
  /** Releases what `setup` made (delete the temp file). Called after each test with the live instance. */
  readonly teardown?: (storage: StorageAdapter) => void | Promise<void>;
  /**
   * Closes `storage` and opens the same underlying store again. Durable adapters must provide it:
   * the suite checks that everything survives a reopen.
   */
  readonly reopen?: (storage: StorageAdapter) => StorageAdapter | Promise<StorageAdapter>;
  /**
   * Opens a second adapter on the same store as `storage` that records `process` with the replay
   * lease and uses its `isAlive` (another process or tab). Adapters whose store can be shared
   * must provide it: the lease takeover case needs it.
   */
  readonly openPeer?: (storage: StorageAdapter, process: LeaseProcess) => StorageAdapter | Promise<StorageAdapter>;
  /** Per-test timeout in ms (default vitest's). Real IndexedDB in a browser may need more. */
  readonly timeoutMs?: number;
}

/**
 * Runs `cases` as vitest tests, each against a fresh adapter from `setup`. The adapter is
 * closed (errors ignored: a case may have closed it already) and torn down after each test.
 */
export function runConformanceCases(
  options: StorageConformanceOptions,
  cases: readonly ConformanceCase[],
  title: string,
): void {
  describe(title, () => {
    let current: StorageAdapter | undefined;
    let peers: StorageAdapter[] = [];

    beforeEach(async () => {
      current = await options.setup();
    });

    afterEach(async () => {
      for (const peer of peers) await peer.close().catch(() => undefined);
      peers = [];
      const storage = current;
      current = undefined;
      if (storage === undefined) return;
      await storage.close().catch(() => undefined);
      await options.teardown?.(storage);
    });

    for (const testCase of cases) {
      it(
        testCase.name,
        async () => {
          const storage = current;
          if (storage === undefined) throw new Error(`setup of ${options.name} did not provide an adapter`);
          const reopenStore = options.reopen;
          const openPeerOf = options.openPeer;
          const context: ConformanceContext = {
            storage,
            reopen:
              reopenStore === undefined
                ? undefined
                : async () => {
                    current = await reopenStore(current as StorageAdapter);
                    return current;
                  },
            openPeer:
              openPeerOf === undefined
                ? undefined
                : async (process) => {
                    const peer = await openPeerOf(current as StorageAdapter, process);
                    peers.push(peer);
                    return peer;
                  },
          };
          await testCase.run(context);
        },
        options.timeoutMs,
      );
    }
  });
}

function describeTheme(theme: ConformanceTheme, title: string) {
  return (options: StorageConformanceOptions): void =>
    runConformanceCases(
      options,
      storageConformanceCases.filter((testCase) => testCase.theme === theme),
      `${options.name}: ${title}`,
    );
}

/** Append: seq assignment, exact bytes, copies, concurrency, meta in the same transaction. */
export const describeAppendConformance = describeTheme('append', 'append');
/** Reading: FIFO pages, counts, latest seq per coalesce key. */
export const describeReadConformance = describeTheme('read', 'read');
/** Deleting acknowledged ranges. */
export const describeDeleteConformance = describeTheme('delete', 'delete');
/** Recording failed attempts. */
export const describeAttemptConformance = describeTheme('attempts', 'attempts');
/** Dead letters: move, list, requeue, purge. */
export const describeDeadLetterConformance = describeTheme('deadLetters', 'dead letters');
/** The metadata map. */
export const describeMetaConformance = describeTheme('meta', 'meta');
/** The replay lease. */
export const describeLeaseConformance = describeTheme('lease', 'replay lease');
/** Close, and durability across a reopen. */
export const describeCloseConformance = describeTheme('close', 'close and reopen');

/** The whole suite (§7): every adapter runs all of it. */
export function describeStorageConformance(options: StorageConformanceOptions): void {
  describe(`storage conformance: ${options.name}`, () => {
    describeAppendConformance(options);
    describeReadConformance(options);
    describeDeleteConformance(options);
    describeAttemptConformance(options);
    describeDeadLetterConformance(options);
    describeMetaConformance(options);
    describeLeaseConformance(options);
    describeCloseConformance(options);
  });
}
