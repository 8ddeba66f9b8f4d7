import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveBackoff } from '../src/index.js';

describe('backoffDelay', () => {
  it('doubles from the base up to the cap without jitter', () => {
    const backoff = resolveBackoff({ baseMs: 1_000, factor: 2, capMs: 10_000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, backoff, () => 0.99))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('takes up to the jitter share off the delay', () => {
    const backoff = resolveBackoff({ baseMs: 1_000, factor: 3, capMs: 100_000, jitter: 0.5 });
    expect(backoffDelay(2, backoff, () => 0)).toBe(3_000);
    expect(backoffDelay(2, backoff, () => 0.5)).toBe(2_250);
    expect(backoffDelay(2, backoff, () => 0.999_999)).toBe(1_500);
  });

  it('always lands in [(1 − jitter) × d, d] with d = min(cap, base × factor^(n−1))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseMs, factor, extra, jitter, attempt, random) => {
          const backoff = resolveBackoff({ baseMs, factor, capMs: baseMs + extra, jitter });
          const full = Math.min(backoff.capMs, baseMs * factor ** (attempt - 1));
          const delay = backoffDelay(attempt, backoff, () => random);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(full * (1 - jitter)) - 1);
          expect(delay).toBeLessThanOrEqual(Math.ceil(full));
        },
      ),
    );
  });
});
