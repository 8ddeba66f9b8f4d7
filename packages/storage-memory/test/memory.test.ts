import { StorageError } from '@media-sync/queue';
import { sampleRecord } from '@media-sync/storage-conformance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../src/index.js';
import { SortedSeqs } from '../src/sorted-seqs.js';

describe('createMemoryStorage', () => {
  it('says it is not durable', () => {
    expect(createMemoryStorage().capabilities).toEqual({ durable: false, crossProcessLease: false });
    expect(createMemoryStorage({ name: 'tab-1' }).name).toBe('tab-1');
  });

  it('refuses an append beyond maxPending with QUOTA_EXCEEDED and stores none of it', async () => {
    const storage = createMemoryStorage({ maxPending: 3 });
    await storage.append([sampleRecord(1), sampleRecord(2)]);
    const error = await storage.append([sampleRecord(3), sampleRecord(4)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('QUOTA_EXCEEDED');
    expect(await storage.counts()).toMatchObject({ pending: 2, lastSeq: 2 });
    expect((await storage.append([sampleRecord(3)])).seqs).toEqual([3]);
  });

  it('drains a long queue front to back without keeping the drained rows', async () => {
    const storage = createMemoryStorage();
    const total = 50_000;
    for (let from = 1; from <= total; from += 5_000) {
      await storage.append(Array.from({ length: 5_000 }, (_, i) => sampleRecord(from + i)));
    }
    for (let from = 1; from <= total; from += 100) expect(await storage.deleteRange(from, from + 99)).toBe(100);
    expect(await storage.counts()).toEqual({ pending: 0, deadLettered: 0, lastSeq: total, oldestPendingAt: null });
  });
});

describe('SortedSeqs', () => {
  it('behaves like a sorted set under any mix of inserts and removals', () => {
    const command = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), seq: fc.integer({ min: 1, max: 3_000 }) }),
      fc.record({ kind: fc.constant('remove' as const), seq: fc.integer({ min: 1, max: 3_000 }) }),
      fc.record({ kind: fc.constant('removeFirst' as const), seq: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 3_000 }), fc.integer({ min: 0, max: 3_000 }), (commands, probe) => {
        const seqs = new SortedSeqs();
        const model = new Set<number>();
        for (const { kind, seq } of commands) {
          if (kind === 'insert') {
            seqs.insert(seq);
            model.add(seq);
          } else {
            const target = kind === 'remove' ? seq : seqs.first;
            if (target === undefined) continue;
            expect(seqs.remove(target)).toBe(model.delete(target));
          }
        }
        const sorted = [...model].sort((a, b) => a - b);
        expect(seqs.size).toBe(sorted.length);
        expect(seqs.first).toBe(sorted[0]);
        expect(seqs.last).toBe(sorted.at(-1));
        expect(seqs.after(probe, 10)).toEqual(sorted.filter((seq) => seq > probe).slice(0, 10));
        expect(seqs.range(probe, probe + 500)).toEqual(sorted.filter((seq) => seq >= probe && seq <= probe + 500));
      }),
      { numRuns: 200 },
    );
  });
});
