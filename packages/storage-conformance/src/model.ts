// Model-based testing: random sequences of storage calls run against an adapter and against a
// reference adapter (normally `@media-sync/storage-memory`, §7), which must answer every call alike.
import type { NewQueueRecord, StorageAdapter } from '@media-sync/queue';
import { StorageError } from '@media-sync/queue';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex } from './cases.js';

export type StorageCall = (storage: StorageAdapter) => Promise<unknown>;
export interface NamedCall {
  readonly label: string;
  readonly call: StorageCall;
}

const KEYS = ['user-1\ncontent-a', 'user-1\ncontent-b', 'user-2\ncontent-a'];
// Small ranges, so calls keep hitting rows that exist and lease times meet exactly at expiry.
const seq = fc.integer({ min: 0, max: 12 });
const seqList = fc.uniqueArray(seq, { maxLength: 5 });
const time = fc.integer({ min: 0, max: 20 }).map((step) => step * 50);

const newRecord: fc.Arbitrary<NewQueueRecord> = fc.record({
  hlc: fc.string({ maxLength: 8 }),
  type: fc.constantFrom('watchlistAdd', 'watchlistRemove', 'progressUpdate', 'deviceCommand'),
  coalesceKey: fc.option(fc.constantFrom(...KEYS), { nil: null }),
  expiresAt: fc.option(time, { nil: null }),
  body: fc.uint8Array({ maxLength: 12 }),
  enqueuedAt: time,
});
const meta = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 4 }), { maxKeys: 2 });

const named = (label: string, call: StorageCall): NamedCall => ({ label, call });

export const storageCall: fc.Arbitrary<NamedCall> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.array(newRecord, { maxLength: 4 }), fc.option(meta, { nil: undefined }))
      .map(([records, entries]) => named(`append(${records.length})`, (s) => s.append(records, entries))),
  },
  fc
    .tuple(seq, fc.integer({ min: 0, max: 8 }))
    .map(([after, limit]) => named(`readPage(${after}, ${limit})`, (s) => s.readPage(after, limit))),
  fc
    .uniqueArray(fc.constantFrom(...KEYS, 'none'), { maxLength: 4 })
    .map((keys) => named(`latestSeqByKey(${keys.length})`, (s) => s.latestSeqByKey(keys))),
  fc
    .tuple(fc.integer({ min: -2, max: 14 }), fc.integer({ min: -2, max: 14 }))
    .map(([from, to]) => named(`deleteRange(${from}, ${to})`, (s) => s.deleteRange(from, to))),
  fc
    .tuple(seqList, time)
    .map(([seqs, at]) => named(`recordAttempt(${seqs})`, (s) => s.recordAttempt(seqs, `E${at}`, at))),
  fc
    .tuple(seqList, time)
    .map(([seqs, at]) => named(`deadLetter(${seqs})`, (s) => s.deadLetter(seqs, 'REJECTED', `R${at}`, at))),
  fc
    .option(fc.integer({ min: 0, max: 5 }), { nil: undefined })
    .map((limit) => named(`listDeadLetters(${limit})`, (s) => s.listDeadLetters(limit))),
  fc
    .option(seqList, { nil: undefined })
    .map((seqs) => named(`requeueDeadLetters(${seqs})`, (s) => s.requeueDeadLetters(seqs))),
  fc
    .option(seqList, { nil: undefined })
    .map((seqs) => named(`purgeDeadLetters(${seqs})`, (s) => s.purgeDeadLetters(seqs))),
  fc.constantFrom('a', 'b', 'c', 'z').map((key) => named(`getMeta(${key})`, (s) => s.getMeta(key))),
  meta.map((entries) => named('setMeta', (s) => s.setMeta(entries))),
  fc.constant(named('counts', (s) => s.counts())),
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('p', 'q'),
        fc.integer({ min: 0, max: 3 }).map((step) => step * 50),
        fc.integer({ min: 0, max: 6 }).map((step) => step * 50),
      )
      .map(([owner, ttl, now]) =>
        named(`acquireReplayLease(${owner}, ${ttl}, ${now})`, (s) => s.acquireReplayLease(owner, ttl, now)),
      ),
  },
  fc.constantFrom('p', 'q').map((owner) => named(`releaseReplayLease(${owner})`, (s) => s.releaseReplayLease(owner))),
);

/** Results in a comparable form: bodies as hex, maps as sorted entries, errors as their code. */
export function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return `0x${hex(value)}`;
  if (value instanceof Map) return [...value].sort(([a], [b]) => String(a).localeCompare(String(b)));
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, comparable(inner)]));
  }
  return value;
}

export async function outcomeOf(call: StorageCall, storage: StorageAdapter): Promise<unknown> {
  try {
    return { ok: comparable(await call(storage)) };
  } catch (error) {
    return { error: error instanceof StorageError ? error.code : String(error) };
  }
}

/** Everything observable at the end of a run. */
export async function snapshot(storage: StorageAdapter): Promise<unknown> {
  return comparable({
    pending: await storage.readPage(0, 1_000),
    deadLetters: await storage.listDeadLetters(),
    counts: await storage.counts(),
    meta: await Promise.all(['a', 'b', 'c'].map((key) => storage.getMeta(key))),
  });
}

export interface ModelComparisonOptions {
  /** Shown in the describe block, e.g. `sqlite`. */
  readonly name: string;
  /** A fresh, empty adapter under test; closed by the suite. */
  readonly setup: () => StorageAdapter | Promise<StorageAdapter>;
  /** A fresh, empty reference adapter; closed by the suite. */
  readonly reference: () => StorageAdapter | Promise<StorageAdapter>;
  /** Random call sequences to try. Default 150. */
  readonly numRuns?: number;
  readonly timeoutMs?: number;
}

/**
 * Runs random sequences of up to 40 storage calls on the adapter and on the reference and
 * requires the same answer to every call (error codes included) and the same final state.
 * The seed is logged; `FC_SEED=<seed>` replays a failure.
 */
export function describeModelComparison(options: ModelComparisonOptions): void {
  describe(`${options.name} against the reference adapter`, () => {
    it('answers every random sequence of calls exactly as the reference does', {
      timeout: options.timeoutMs ?? 60_000,
    }, async () => {
      const seed = Number(replaySeed() ?? Date.now() % 2 ** 31);
      console.info(`model test seed ${seed} (FC_SEED=${seed} replays it)`);
      await fc.assert(
        fc.asyncProperty(fc.array(storageCall, { minLength: 1, maxLength: 40 }), async (calls) => {
          const reference = await options.reference();
          const subject = await options.setup();
          try {
            for (const { label, call } of calls) {
              expect(await outcomeOf(call, subject), label).toEqual(await outcomeOf(call, reference));
            }
            expect(await snapshot(subject)).toEqual(await snapshot(reference));
          } finally {
            await subject.close();
            await reference.close();
          }
        }),
        { numRuns: options.numRuns ?? 150, seed, verbose: 1 },
      );
    });
  });
}

// The suite also runs in browsers, where there is no `process`.
function replaySeed(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.FC_SEED;
}
