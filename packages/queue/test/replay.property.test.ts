import { createCodec } from '@media-sync/codec';
import type { SyncOperation } from '@media-sync/protocol';
import { createMemoryPublisher, type MemoryFault } from '@media-sync/publisher-memory';
import { createMemoryStorage } from '@media-sync/storage-memory';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createQueue, META_KEYS } from '../src/index.js';
import { DEVICE, progress, spyOn, T0, watchlistAdd } from './helpers.js';

const opArbitrary = fc.oneof(
  fc.integer({ min: 0, max: 5 }).map((n) => watchlistAdd(`tt${n}`)),
  fc
    .record({ content: fc.integer({ min: 0, max: 2 }), position: fc.integer({ min: 0, max: 1_000_000 }) })
    .map(({ content, position }) => progress(`c${content}`, position)),
);

const faultArbitrary: fc.Arbitrary<MemoryFault | null> = fc.oneof(
  fc.constant(null),
  fc.constant({ kind: 'transient' } as const),
  fc.constant({ kind: 'dropConnection', delivered: true } as const),
  fc.constant({ kind: 'dropConnection', delivered: false } as const),
);

function progressKey(op: SyncOperation): string | null {
  return op.type === 'progressUpdate' ? `${op.userId}\n${op.contentId}` : null;
}

describe('replay laws', () => {
  it('whatever fails on the way: nothing is deleted unacknowledged, and every op is applied once, in seq order, except superseded progress', async () => {
    const codec = await createCodec();
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArbitrary, { minLength: 1, maxLength: 40 }),
        fc.array(faultArbitrary, { maxLength: 12 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        async (ops, faults, maxBatchOps, pageSize) => {
          const acknowledged = new Set<number>();
          const deleted = new Set<number>();
          const superseded = new Set<number>();
          const spy = spyOn(createMemoryStorage(), (method, args) => {
            if (method !== 'deleteRange') return;
            const [from, to] = args as [number, number];
            for (let seq = Math.max(1, from); seq <= Math.min(to, ops.length); seq++) {
              // Nothing leaves the queue without an ack, unless a later progress update supersedes it.
              expect(acknowledged.has(seq) || superseded.has(seq) || deleted.has(seq), `seq ${seq}`).toBe(true);
              deleted.add(seq);
            }
          });
          const storage = spy.storage;
          const publisher = createMemoryPublisher({ codec });
          const publish = publisher.publish.bind(publisher);
          publisher.publish = async (frame, options) => {
            const ack = await publish(frame, options);
            for (const op of frame.ops) acknowledged.add(op.seq);
            return ack;
          };
          const queue = createQueue({
            deviceId: DEVICE,
            storage,
            publisher,
            codec,
            now: () => T0,
            config: { maxBatchOps, pageSize, maxAttempts: 1_000 },
          });
          const enqueued = await queue.enqueueMany(ops);
          const lastByKey = new Map<string, number>();
          for (const entry of enqueued) {
            const key = progressKey(entry.op);
            if (key === null) continue;
            const previous = lastByKey.get(key);
            if (previous !== undefined) superseded.add(previous);
            lastByKey.set(key, entry.seq);
          }
          publisher.inject(...faults.map((fault) => fault ?? { kind: 'ok' as const }));
          for (let run = 0; run < faults.length + 2; run++) {
            publisher.setConnectionState('online');
            const report = await queue.replay({ force: true });
            if (report.stoppedBy === 'drained') break;
          }
          expect(await storage.counts()).toMatchObject({ pending: 0, deadLettered: 0 });
          // Every seq was applied or declared skipped: the receiver's mark reached the last one.
          expect(publisher.marks.get(DEVICE)).toBe(enqueued.length);
          expect(await storage.getMeta(META_KEYS.skipped)).toBeFalsy();
          const applied = publisher.applied.map((entry) => entry.seq);
          // Order per device: first deliveries only ever go up.
          expect(applied).toEqual([...applied].sort((a, b) => a - b));
          // Everything that is not superseded progress arrived, with its seq, HLC and op intact.
          const lastOfKey = new Map<string, number>();
          for (const entry of enqueued) {
            const key = progressKey(entry.op);
            if (key !== null) lastOfKey.set(key, entry.seq);
          }
          const expected = enqueued.filter((entry) => {
            const key = progressKey(entry.op);
            return key === null || lastOfKey.get(key) === entry.seq;
          });
          const byFirstDelivery = new Map(publisher.applied.map((entry) => [entry.seq, entry]));
          for (const entry of expected) expect(byFirstDelivery.get(entry.seq)).toEqual(entry);
          // Superseded progress may have been sent before it was superseded, never anything unknown.
          for (const seq of applied) expect(seq).toBeLessThanOrEqual(enqueued.length);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
