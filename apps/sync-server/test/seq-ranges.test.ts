import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codedRanges, contains, normalize, rangesOf, size, subtract } from '../src/seq-ranges.js';

const seqSet = fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 80 });
const seed = Date.now();
console.log(`seq-ranges property seed ${seed}`);

describe('seq ranges (laws)', () => {
  it('rangesOf holds exactly the seqs, as sorted, disjoint, non-adjacent ranges', () => {
    fc.assert(
      fc.property(seqSet, (seqs) => {
        const ranges = rangesOf(seqs);
        const universe = Array.from({ length: 202 }, (_, x) => x);
        expect(universe.filter((x) => contains(ranges, x))).toEqual([...seqs].sort((x, y) => x - y));
        expect(size(ranges)).toBe(seqs.length);
        for (let i = 1; i < ranges.length; i += 1) {
          expect((ranges[i]?.first ?? 0) > (ranges[i - 1]?.last ?? 0) + 1).toBe(true);
        }
        expect(normalize(ranges)).toEqual(ranges);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('subtract(a, b) holds what a holds and b does not', () => {
    fc.assert(
      fc.property(seqSet, seqSet, (a, b) => {
        const difference = subtract(rangesOf(a), rangesOf(b));
        const universe = Array.from({ length: 202 }, (_, x) => x);
        expect(universe.filter((x) => contains(difference, x))).toEqual(
          universe.filter((x) => a.includes(x) && !b.includes(x)),
        );
        expect(normalize(difference)).toEqual(difference);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('codedRanges covers each rejected op with its code and no accepted op of the frame', () => {
    const frame = fc
      .uniqueArray(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 60 })
      .chain((seqs) =>
        fc.tuple(
          fc.constant([...seqs].sort((x, y) => x - y)),
          fc.array(fc.constantFrom('A', 'B', undefined), { minLength: seqs.length, maxLength: seqs.length }),
        ),
      );
    fc.assert(
      fc.property(frame, ([carried, codes]) => {
        const verdicts = carried.flatMap((seq, i) => (codes[i] ? [{ seq, code: codes[i] as string }] : []));
        const ranges = codedRanges(verdicts, carried);
        carried.forEach((seq, i) => {
          const covering = ranges.filter((range) => range.firstSeq <= seq && seq <= range.lastSeq);
          if (codes[i] === undefined) expect(covering).toEqual([]);
          else expect(covering.map((range) => range.code)).toEqual([codes[i]]);
        });
        // A frame carrying every seq of its range: the same verdicts without the list.
        if (carried.every((seq, i) => i === 0 || seq === (carried[i - 1] as number) + 1)) {
          expect(codedRanges(verdicts, undefined)).toEqual(ranges);
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
