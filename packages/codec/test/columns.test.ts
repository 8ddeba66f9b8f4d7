import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BiasedColumnReader,
  BiasedColumnWriter,
  type ColumnBytes,
  type ColumnReader,
  DeltaColumnReader,
  DeltaColumnWriter,
  defaultFill,
  IntColumnReader,
  IntColumnWriter,
  RunLengthColumnReader,
  RunLengthColumnWriter,
  UintColumnReader,
  UintColumnWriter,
} from '../src/columns.js';
import { CodecError } from '../src/errors.js';

/**
 * Each primitive column: a property that its reader returns exactly what its writer wrote
 * (also when the writer left the column out), and a fuzz test of the reader on arbitrary
 * bytes: only CodecErrors, offsets inside the column, never a hang.
 */

const safeInt = fc.integer({ min: -(2 ** 52), max: 2 ** 52 });
const smallInt = fc.integer({ min: -300, max: 300 });
const nat = fc.oneof(fc.nat({ max: 300 }), fc.maxSafeNat());

/** Reads `n` entries from the encoded column, or from an absent one when the writer left it out. */
function readAll<R extends ColumnReader>(
  bytes: ColumnBytes,
  n: number,
  present: (b: Uint8Array) => R,
  absent: () => R,
  read: (r: R) => number,
): number[] {
  const reader = bytes === null ? absent() : present(bytes);
  const out = Array.from({ length: n }, () => read(reader));
  if (bytes !== null) reader.finish('column');
  return out;
}

/** Runs a reader over fuzz bytes; anything thrown must be a CodecError at an offset in range. */
function fuzz(bytes: Uint8Array, entries: number, read: (b: Uint8Array) => () => unknown, finish?: () => void): void {
  try {
    const next = read(bytes);
    for (let i = 0; i < entries; i++) next();
    finish?.();
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    expect(error.offset).toBeGreaterThanOrEqual(1000);
    expect(error.offset).toBeLessThanOrEqual(1000 + bytes.length);
  }
}
const fuzzInput = fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 50 }));
const BASE = 1000;

describe('UintColumn (LEB128)', () => {
  it('reads back what it wrote; all-default columns are left out', () => {
    fc.assert(
      fc.property(fc.array(nat, { maxLength: 60 }), fc.constantFrom(0, 1, 3), (values, absentValue) => {
        const w = new UintColumnWriter(absentValue);
        for (const v of values) w.write(v);
        const bytes = w.bytes();
        if (values.every((v) => v === absentValue)) expect(bytes).toBeNull();
        const read = readAll(
          bytes,
          values.length,
          (b) => new UintColumnReader(b, 0, b.length, 0),
          () => UintColumnReader.absent(absentValue, values.length, 0),
          (r) => r.read(),
        );
        expect(read).toEqual(values);
      }),
    );
  });
  it('fuzz: the reader throws only CodecErrors', () => {
    fc.assert(
      fc.property(fuzzInput, ([bytes, n]) => {
        const r = new UintColumnReader(bytes, 0, bytes.length, BASE);
        fuzz(
          bytes,
          n,
          () => () => r.readWide(),
          () => r.finish('column'),
        );
        const bounded = new UintColumnReader(bytes, 0, bytes.length, BASE);
        fuzz(bytes, n, () => () => bounded.readBelow(7, 'ref'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IntColumn (zigzag)', () => {
  it('reads back what it wrote', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(smallInt, safeInt), { maxLength: 60 }), (values) => {
        const w = new IntColumnWriter();
        for (const v of values) w.write(v);
        const read = readAll(
          w.bytes(),
          values.length,
          (b) => new IntColumnReader(b, 0, b.length, 0),
          () => IntColumnReader.absent(0, values.length, 0),
          (r) => r.read(),
        );
        expect(read).toEqual(values.map((v) => v + 0));
      }),
    );
  });
  it('fuzz: the reader throws only CodecErrors', () => {
    fc.assert(
      fc.property(fuzzInput, ([bytes, n]) => {
        const r = new IntColumnReader(bytes, 0, bytes.length, BASE);
        fuzz(
          bytes,
          n,
          () => () => r.read(),
          () => r.finish('column'),
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('DeltaColumn (zigzag of the change from the previous entry)', () => {
  it('reads back what it wrote, from the same initial value; a constant run is left out', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5000 }), { maxLength: 60 }), fc.nat({ max: 5000 }), (values, initial) => {
        const w = new DeltaColumnWriter();
        w.reset(initial);
        for (const v of values) w.write(v);
        const bytes = w.bytes();
        if (values.every((v) => v === initial)) expect(bytes).toBeNull();
        const read = readAll(
          bytes,
          values.length,
          (b) => new DeltaColumnReader(b, 0, b.length, 0, initial),
          () => DeltaColumnReader.absentFrom(initial, values.length, 0),
          (r) => r.readIndex(5001, 'ref'),
        );
        expect(read).toEqual(values);
      }),
    );
  });
  it('fuzz: the reader throws only CodecErrors and never yields an index outside the table', () => {
    fc.assert(
      fc.property(fuzzInput, fc.nat({ max: 9 }), ([bytes, n], initial) => {
        const r = new DeltaColumnReader(bytes, 0, bytes.length, BASE, initial);
        fuzz(bytes, n, () => () => {
          const v = r.readIndex(10, 'ref');
          expect(v >= 0 && v < 10).toBe(true);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('BiasedColumn (zigzag after subtracting a per-column median)', () => {
  it('reads back what it wrote; steady values around the bias take one byte each', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(smallInt, safeInt), { maxLength: 80 }), (values) => {
        const w = new BiasedColumnWriter();
        for (const v of values) w.write(v);
        w.finish();
        const read = readAll(
          w.bytes(),
          values.length,
          (b) => new BiasedColumnReader(b, 0, b.length, 0, w.bias),
          () => new BiasedColumnReader(defaultFill(0, values.length), 0, values.length, 0, w.bias),
          (r) => r.readBiased(),
        );
        expect(read).toEqual(values.map((v) => v + 0));
      }),
    );
    const steady = new BiasedColumnWriter();
    for (let i = 0; i < 100; i++) steady.write(10_000 + (i % 50));
    steady.finish();
    expect(steady.bytes()?.length).toBeLessThanOrEqual(100);
  });
  it('fuzz: the reader throws only CodecErrors', () => {
    fc.assert(
      fc.property(fuzzInput, safeInt, ([bytes, n], bias) => {
        const r = new BiasedColumnReader(bytes, 0, bytes.length, BASE, bias);
        fuzz(
          bytes,
          n,
          () => () => r.readBiased(),
          () => r.finish('column'),
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('RunLengthColumn (pairs of value and run length − 1)', () => {
  it('reads back what it wrote; runs of the default are left out', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(1, 1, 1, 2, 3, 4, 200), { maxLength: 80 }),
        fc.constantFrom(1, 3),
        (values, absentValue) => {
          const w = new RunLengthColumnWriter(absentValue);
          for (const v of values) w.write(v);
          const bytes = w.bytes();
          if (values.every((v) => v === absentValue)) expect(bytes).toBeNull();
          const read = readAll(
            bytes,
            values.length,
            (b) => new RunLengthColumnReader(b, 0, b.length, 0),
            () => RunLengthColumnReader.absentRuns(absentValue, 0),
            (r) => r.read(),
          );
          expect(read).toEqual(values);
        },
      ),
    );
  });
  it('a thousand entries with three changes are a few bytes', () => {
    const w = new RunLengthColumnWriter(3);
    for (let i = 0; i < 1000; i++) w.write(i === 500 || i === 501 || i === 900 ? 2 : 3);
    expect(w.bytes()?.length).toBeLessThanOrEqual(16);
  });
  it('fuzz: the reader throws only CodecErrors, and a run past the last entry is refused', () => {
    fc.assert(
      fc.property(fuzzInput, ([bytes, n]) => {
        const r = new RunLengthColumnReader(bytes, 0, bytes.length, BASE);
        fuzz(
          bytes,
          n,
          () => () => r.read(),
          () => r.finish('column'),
        );
      }),
      { numRuns: 2000 },
    );
    const tooLong = new RunLengthColumnReader(new Uint8Array([3, 9]), 0, 2, 0);
    for (let i = 0; i < 5; i++) tooLong.read();
    expect(() => tooLong.finish('types')).toThrowError(expect.objectContaining({ code: 'MALFORMED_BODY' }));
  });
});
