import { createMemoryStorage } from '@media-sync/storage-memory';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcomeOf, snapshot, storageCall } from './model.js';

describe('sqlite against the reference memory adapter', () => {
  it('answers every random sequence of calls exactly as the reference does', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.info(`model test seed ${seed} (FC_SEED=${seed} replays it)`);
    await fc.assert(
      fc.asyncProperty(fc.array(storageCall, { minLength: 1, maxLength: 40 }), async (calls) => {
        const reference = createMemoryStorage();
        const subject = createSqliteStorage({ path: ':memory:' });
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
      { numRuns: 200, seed, verbose: 1 },
    );
  });
});
