import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BiasedColumnReader,
  BiasedColumnWriter,
  BitPackedColumnReader,
  BitPackedColumnWriter,
  type ColumnBytes,
  type ColumnReader,
  DeltaColumnReader,
  DeltaColumnWriter,
  defaultFill,
  IntColumnReader,
  IntColumnWriter,
  MAX_PACKED_WIDTH,
  RunLengthColumnReader,
  RunLengthColumnWriter,
  SignedColumnWriter,
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

describe('RunLengthColumn (runs of non-default values: defaults before, value × 2 + long, length − 2)', () => {
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
            (b) => new RunLengthColumnReader(b, 0, b.length, 0, absentValue),
            () => RunLengthColumnReader.absentRuns(absentValue, 0),
            (r) => r.read(),
          );
          expect(read).toEqual(values);
        },
      ),
    );
  });
  it('a thousand entries with three changes are a few bytes; an isolated value two', () => {
    const w = new RunLengthColumnWriter(3);
    for (let i = 0; i < 1000; i++) w.write(i === 500 || i === 501 || i === 900 ? 2 : 3);
    // 500 defaults, a run of two 2s; 398 defaults, one 2; the 99 defaults after are implied.
    expect([...(w.bytes() ?? [])]).toEqual([0xf4, 0x03, 5, 0, 0x8e, 0x03, 4]);
    const isolated = new RunLengthColumnWriter(1);
    for (let i = 0; i < 100; i++) isolated.write(i === 40 ? 2 : 1);
    expect([...(isolated.bytes() ?? [])]).toEqual([40, 4]);
    const long = new RunLengthColumnWriter(1);
    for (let i = 0; i < 1000; i++) long.write(4);
    expect(long.bytes()?.length).toBeLessThanOrEqual(4);
  });
  it('fuzz: the reader throws only CodecErrors, and a run past the last entry is refused', () => {
    fc.assert(
      fc.property(fuzzInput, ([bytes, n]) => {
        let r: RunLengthColumnReader | undefined;
        fuzz(
          bytes,
          n,
          () => {
            // The reader loads its first run when it is made.
            r = new RunLengthColumnReader(bytes, 0, bytes.length, BASE, 1);
            return () => r?.read();
          },
          () => r?.finish('column'),
        );
      }),
      { numRuns: 2000 },
    );
    // Two defaults, then a run of five 2s: five ops end inside the run.
    const tooLong = new RunLengthColumnReader(new Uint8Array([2, 5, 3]), 0, 3, 0, 3);
    for (let i = 0; i < 5; i++) tooLong.read();
    expect(() => tooLong.finish('types')).toThrowError(expect.objectContaining({ code: 'MALFORMED_BODY' }));
  });
});

describe('BitPackedColumn (frame of reference with exceptions)', () => {
  const read = (_w: BitPackedColumnWriter | SignedColumnWriter, n: number, bits: ColumnBytes, bias: number) =>
    readAll<ColumnReader & { readBiased(): number }>(
      bits,
      n,
      (b) => new BitPackedColumnReader(b, 0, b.length, 0, bias),
      () => new BiasedColumnReader(defaultFill(0, n), 0, n, 0, bias),
      (r) => r.readBiased(),
    );
  it('reads back what it wrote, also with exceptions far outside the window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 9_990, max: 10_130 }), smallInt, safeInt), { maxLength: 120 }),
        (values) => {
          const w = new BitPackedColumnWriter();
          for (const v of values) w.write(v);
          w.finish();
          const bytes = w.bytes();
          if (w.size() === Number.POSITIVE_INFINITY) expect(bytes).toBeNull();
          else {
            expect(bytes?.length ?? 0).toBe(w.size());
            expect(read(w, values.length, bytes, w.base)).toEqual(values.map((v) => v + 0));
          }
        },
      ),
    );
  });
  it('uniform jitter of 0..120 takes 7 bits an entry; a constant column is left out', () => {
    const w = new BitPackedColumnWriter();
    for (let i = 0; i < 800; i++) w.write(10_000 + ((i * 7_919) % 121) + (i === 400 ? 500_000 : 0));
    w.finish();
    expect(w.base).toBe(10_000);
    // width, exception count, the exception (gap 400, zigzag 510 079: 3 bytes), 799 × 7 bits.
    expect(w.size()).toBe(1 + 1 + 2 + 3 + Math.ceil((799 * 7) / 8));
    const constant = new BitPackedColumnWriter();
    for (let i = 0; i < 10; i++) constant.write(-42);
    constant.finish();
    expect([constant.bytes(), constant.base]).toEqual([null, -42]);
  });
  it('a signed column sends the shorter form, both read as entry + bias', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 120 }), safeInt), { maxLength: 80 }), (values) => {
        const w = new SignedColumnWriter();
        for (const v of values) w.write(v);
        w.finish();
        const varints = w.varintBytes();
        const bits = w.bitBytes();
        expect(varints !== null && bits !== null).toBe(false);
        expect((varints ?? bits)?.length ?? 0).toBe(w.size());
        const out =
          varints !== null
            ? readAll(
                varints,
                values.length,
                (b) => new BiasedColumnReader(b, 0, b.length, 0, w.bias),
                () => new BiasedColumnReader(defaultFill(0, values.length), 0, values.length, 0, w.bias),
                (r) => r.readBiased(),
              )
            : read(w, values.length, bits, w.bias);
        expect(out).toEqual(values.map((v) => v + 0));
      }),
    );
  });
  it('fuzz: the reader throws only CodecErrors, refuses widths over the limit and unused exceptions', () => {
    fc.assert(
      fc.property(fuzzInput, safeInt, ([bytes, n], bias) => {
        try {
          const r = new BitPackedColumnReader(bytes, 0, bytes.length, BASE, bias);
          fuzz(
            bytes,
            n,
            () => () => r.readBiased(),
            () => r.finish('column'),
          );
        } catch (error) {
          if (!(error instanceof CodecError)) throw error;
          expect(error.offset).toBeGreaterThanOrEqual(BASE);
          expect(error.offset).toBeLessThanOrEqual(BASE + bytes.length);
        }
      }),
      { numRuns: 2000 },
    );
    expect(() => new BitPackedColumnReader(new Uint8Array([MAX_PACKED_WIDTH + 1, 0]), 0, 2, 0, 0)).toThrowError(
      expect.objectContaining({ code: 'MALFORMED_BODY' }),
    );
    // Width 3, one exception at index 5 (value 7), one packed byte: two entries read, then finish.
    const early = new BitPackedColumnReader(new Uint8Array([3, 1, 5, 14, 0b00_010_001]), 0, 5, 0, 100);
    expect([early.readBiased(), early.readBiased()]).toEqual([101, 102]);
    expect(() => early.finish('timestamp_deltas')).toThrowError(expect.objectContaining({ code: 'MALFORMED_BODY' }));
  });
});
