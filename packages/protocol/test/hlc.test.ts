import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareHlc,
  compareUtf8,
  formatHlc,
  type Hlc,
  HybridLogicalClock,
  MAX_LOGICAL,
  packHlc,
  parseHlc,
  unpackHlc,
  ValidationError,
} from '../src/index.js';

/** A wall clock the test moves by hand. */
function manualClock(start: number) {
  let now = start;
  return {
    now: () => now,
    set(ms: number) {
      now = ms;
    },
  };
}

const hlcArb = fc.record({
  physicalMs: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  logical: fc.integer({ min: 0, max: MAX_LOGICAL }),
  nodeId: fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }),
});

describe('HybridLogicalClock.tick', () => {
  it('follows the wall clock when it moves forward', () => {
    const wall = manualClock(1_000);
    const clock = new HybridLogicalClock({ nodeId: 'a', now: wall.now });
    expect(clock.tick()).toEqual({ physicalMs: 1_000, logical: 0, nodeId: 'a' });
    wall.set(1_005);
    expect(clock.tick()).toEqual({ physicalMs: 1_005, logical: 0, nodeId: 'a' });
  });

  it('stays strictly increasing when the wall clock stands still or goes backwards', () => {
    const wall = manualClock(5_000);
    const clock = new HybridLogicalClock({ nodeId: 'a', now: wall.now });
    const first = clock.tick();
    const second = clock.tick();
    wall.set(4_000);
    const third = clock.tick();
    expect(second).toEqual({ physicalMs: 5_000, logical: 1, nodeId: 'a' });
    expect(third).toEqual({ physicalMs: 5_000, logical: 2, nodeId: 'a' });
    expect(compareHlc(first, second)).toBeLessThan(0);
    expect(compareHlc(second, third)).toBeLessThan(0);
  });

  it('is monotonic under any sequence of wall-clock readings', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 200 }), (readings) => {
        let i = 0;
        const clock = new HybridLogicalClock({ nodeId: 'n', now: () => readings[i] ?? 0 });
        let previous: Hlc | undefined;
        for (i = 0; i < readings.length; i++) {
          const next = clock.tick();
          if (previous) expect(compareHlc(previous, next)).toBeLessThan(0);
          expect(next.physicalMs).toBeGreaterThanOrEqual(readings[i] as number);
          previous = next;
        }
      }),
    );
  });

  it('borrows the next millisecond instead of overflowing the 16-bit counter', () => {
    const clock = new HybridLogicalClock({
      nodeId: 'a',
      now: () => 10,
      last: { physicalMs: 10, logical: MAX_LOGICAL, nodeId: 'a' },
    });
    expect(clock.tick()).toEqual({ physicalMs: 11, logical: 0, nodeId: 'a' });
  });

  it('never issues a smaller timestamp after a restart with a slower wall clock', () => {
    const before = new HybridLogicalClock({ nodeId: 'a', now: () => 9_000 });
    const last = before.tick();
    const after = new HybridLogicalClock({ nodeId: 'a', now: () => 1_000, last: parseHlc(formatHlc(last)) });
    expect(compareHlc(after.tick(), last)).toBeGreaterThan(0);
  });

  it('rejects a wall clock that returns garbage', () => {
    const clock = new HybridLogicalClock({ nodeId: 'a', now: () => Number.NaN });
    expect(() => clock.tick()).toThrow(RangeError);
  });
});

describe('HybridLogicalClock.receive', () => {
  it('moves past a remote timestamp that is ahead within the drift limit', () => {
    const clock = new HybridLogicalClock({ nodeId: 'a', now: () => 1_000 });
    const remote = { physicalMs: 30_000, logical: 7, nodeId: 'b' };
    const merged = clock.receive(remote);
    expect(merged).toEqual({ physicalMs: 30_000, logical: 8, nodeId: 'a' });
    expect(compareHlc(clock.tick(), remote)).toBeGreaterThan(0);
  });

  it('takes the larger counter when both clocks stand at the same millisecond', () => {
    const clock = new HybridLogicalClock({
      nodeId: 'a',
      now: () => 100,
      last: { physicalMs: 100, logical: 3, nodeId: 'a' },
    });
    expect(clock.receive({ physicalMs: 100, logical: 9, nodeId: 'b' })).toEqual({
      physicalMs: 100,
      logical: 10,
      nodeId: 'a',
    });
  });

  it('keeps its own time when the remote is behind', () => {
    const clock = new HybridLogicalClock({ nodeId: 'a', now: () => 5_000 });
    expect(clock.receive({ physicalMs: 10, logical: 99, nodeId: 'b' })).toEqual({
      physicalMs: 5_000,
      logical: 0,
      nodeId: 'a',
    });
  });

  it('rejects a remote clock more than maxDriftMs ahead and stays unchanged', () => {
    const clock = new HybridLogicalClock({ nodeId: 'a', now: () => 1_000, maxDriftMs: 60_000 });
    clock.tick();
    const before = clock.last;
    let error: unknown;
    try {
      clock.receive({ physicalMs: 1_000 + 60_001, logical: 0, nodeId: 'b' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'CLOCK_DRIFT', field: 'hlc.physicalMs', value: 61_001 });
    expect(clock.last).toEqual(before);
    expect(clock.receive({ physicalMs: 61_000, logical: 0, nodeId: 'b' }).physicalMs).toBe(61_000);
  });

  it('rejects a malformed remote timestamp', () => {
    const clock = new HybridLogicalClock({ nodeId: 'a', now: () => 1_000 });
    expect(() => clock.receive({ physicalMs: -1, logical: 0, nodeId: 'b' })).toThrow(ValidationError);
    expect(() => clock.receive({ physicalMs: 1, logical: 70_000, nodeId: 'b' })).toThrow(ValidationError);
    expect(() => clock.receive({ physicalMs: 1, logical: 0, nodeId: '' })).toThrow(ValidationError);
  });

  it('always returns a timestamp later than both inputs (property)', () => {
    fc.assert(
      fc.property(hlcArb, hlcArb, fc.integer({ min: 0, max: 2 ** 47 }), (local, remote, wall) => {
        const clock = new HybridLogicalClock({
          nodeId: 'me',
          now: () => wall,
          maxDriftMs: Number.MAX_SAFE_INTEGER,
          last: { ...local, nodeId: 'me' },
        });
        const before = clock.last;
        if (remote.physicalMs === 2 ** 48 - 1 && remote.logical === MAX_LOGICAL) return;
        const merged = clock.receive(remote);
        expect(compareHlc(merged, before)).toBeGreaterThan(0);
        expect(
          merged.physicalMs > remote.physicalMs ||
            (merged.physicalMs === remote.physicalMs && merged.logical > remote.logical),
        ).toBe(true);
      }),
    );
  });
});

describe('HLC order and serialized forms', () => {
  it('orders by physicalMs, then logical, then nodeId bytes', () => {
    const sorted: Hlc[] = [
      { physicalMs: 1, logical: 5, nodeId: 'z' },
      { physicalMs: 2, logical: 0, nodeId: 'a' },
      { physicalMs: 2, logical: 1, nodeId: 'a' },
      { physicalMs: 2, logical: 1, nodeId: 'b' },
    ];
    const shuffled = [sorted[3], sorted[1], sorted[0], sorted[2]] as Hlc[];
    expect(shuffled.sort(compareHlc)).toEqual(sorted);
  });

  it('compares node ids by UTF-8 bytes, not UTF-16 units', () => {
    // U+FF61 is 0xEF 0xBD 0xA1 in UTF-8; U+1F600 is 0xF0 ...: bytes say U+FF61 < U+1F600, UTF-16 says otherwise.
    expect('\u{ff61}' < '\u{1f600}').toBe(false);
    expect(compareUtf8('\u{ff61}', '\u{1f600}')).toBeLessThan(0);
  });

  it('is a total order: antisymmetric, transitive, zero only for equal values (property)', () => {
    fc.assert(
      fc.property(hlcArb, hlcArb, hlcArb, (a, b, c) => {
        expect(Math.sign(compareHlc(a, b))).toBe(-Math.sign(compareHlc(b, a)));
        expect(compareHlc(a, b) === 0).toBe(
          a.physicalMs === b.physicalMs && a.logical === b.logical && a.nodeId === b.nodeId,
        );
        if (compareHlc(a, b) <= 0 && compareHlc(b, c) <= 0) expect(compareHlc(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('packs into 48 + 16 bits and back', () => {
    const hlc = { physicalMs: 1_790_877_610_118, logical: 513, nodeId: 'tv' };
    const packed = packHlc(hlc);
    expect(packed).toBe((1_790_877_610_118n << 16n) + 513n);
    expect(unpackHlc(packed, 'tv')).toEqual(hlc);
    expect(() => unpackHlc(-1n, 'tv')).toThrow(ValidationError);
  });

  it('round-trips pack and text forms for any valid HLC (property)', () => {
    fc.assert(
      fc.property(hlcArb, (hlc) => {
        expect(unpackHlc(packHlc(hlc), hlc.nodeId)).toEqual(hlc);
        expect(parseHlc(formatHlc(hlc))).toEqual(hlc);
      }),
    );
  });

  it('formats as sortable text', () => {
    expect(formatHlc({ physicalMs: 255, logical: 16, nodeId: 'phone-1' })).toBe('0000000000ff-0010-phone-1');
    expect(() => parseHlc('ff-1-x')).toThrow(ValidationError);
  });
});
