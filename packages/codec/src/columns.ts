import { CodecError } from './errors.js';
import {
  createWriter,
  ensure,
  readVarInt,
  readVarUint,
  readVarUintWide,
  varUintSize,
  type Writer,
  writeVarInt,
  writeVarUint,
} from './varint.js';

/**
 * Primitive column encodings (the lib0 / Yjs UpdateEncoderV2 / Automerge columnar split): each
 * a small writer with a reader twin, knowing nothing of what its numbers mean. A column whose
 * entries are all the column's default is left out of the body; its reader then yields the
 * default for every entry. Readers never read past their column and fail with MALFORMED_BODY
 * (running out of entries, values out of bounds) or the varint errors, each at a byte offset.
 */

/** Bytes of a column as it goes into the body, or null when it is left out (all default). */
export type ColumnBytes = Uint8Array | null;

function malformed(at: number, detail: string): CodecError {
  return new CodecError('MALFORMED_BODY', at, detail);
}

/** Read-only runs of a one-byte default, shared by every absent column and grown on demand. */
const fills = new Map<number, Uint8Array>();
export function defaultFill(value: number, n: number): Uint8Array {
  let fill = fills.get(value);
  if (fill === undefined || fill.length < n) {
    fill = new Uint8Array(Math.max(n, 1024)).fill(value);
    fills.set(value, fill);
  }
  return fill;
}

/**
 * A cursor over one column's bytes. An absent column reads `entries` copies of its default
 * (a varint below 128), so the hot loops never branch on presence.
 */
export class ColumnReader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
    /** Where buf sits in the frame, for error offsets. */
    readonly base: number,
  ) {
    this.pos = start;
  }

  /** A reader of an absent column: `entries` copies of `defaultValue`. */
  static absent<T extends ColumnReader>(
    this: new (
      buf: Uint8Array,
      start: number,
      end: number,
      base: number,
    ) => T,
    defaultValue: number,
    entries: number,
    base: number,
  ): T {
    return new this(defaultFill(defaultValue, entries), 0, entries, base);
  }

  /** Byte offset of the next entry, in the frame. */
  get offset(): number {
    return this.base + this.pos;
  }

  protected exhausted(): CodecError {
    return malformed(this.offset, 'column has fewer entries than ops');
  }

  /** Throws MALFORMED_BODY when entries are left over: a column longer than its ops. */
  finish(name: string): void {
    if (this.pos !== this.end) throw malformed(this.offset, `${name} has more entries than ops`);
  }
}

// ---- unsigned LEB128 ---------------------------------------------------------------------

/**
 * Entries equal to the column's default that precede its first other entry are only counted:
 * a column that stays all default (most of them, most of the time) costs no byte writes and
 * no scan, and is written out only when a first other value arrives.
 */
function flushDefaults(w: Writer, value: number, count: number): void {
  if (value < 0x80) {
    ensure(w, count);
    w.buf.fill(value, w.pos, w.pos + count);
    w.pos += count;
  } else for (let k = 0; k < count; k++) writeVarUint(w, value);
}

/** Unsigned integers as LEB128 varints. Left out when every entry is `absentValue`. */
export class UintColumnWriter {
  readonly w: Writer = createWriter(64);
  private pendingDefaults = 0;
  constructor(readonly absentValue = 0) {}
  reset(): void {
    this.w.pos = 0;
    this.pendingDefaults = 0;
  }
  write(v: number | bigint): void {
    const w = this.w;
    if (w.pos === 0) {
      if (v === this.absentValue) {
        this.pendingDefaults++;
        return;
      }
      if (this.pendingDefaults > 0) {
        flushDefaults(w, this.absentValue, this.pendingDefaults);
        this.pendingDefaults = 0;
      }
    }
    if (typeof v === 'number' && v < 0x80 && w.pos < w.buf.length) w.buf[w.pos++] = v;
    else writeVarUint(w, v);
  }
  bytes(): ColumnBytes {
    return this.w.pos === 0 ? null : this.w.buf.subarray(0, this.w.pos);
  }
}

export class UintColumnReader extends ColumnReader {
  read(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos] as number;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
      return readVarUint(this);
    }
    throw this.exhausted();
  }

  /** An entry of up to 64 bits: bigint above 2^53 − 1. */
  readWide(): number | bigint {
    if (this.pos >= this.end) throw this.exhausted();
    return readVarUintWide(this);
  }

  /** An entry that must be below `bound` (a table size, an enum's range). */
  readBelow(bound: number, what: string): number {
    const at = this.offset;
    const v = this.read();
    if (v >= bound) throw malformed(at, `${what} ${v} is not below ${bound}`);
    return v;
  }
}

// ---- zigzag ------------------------------------------------------------------------------

/** Signed integers as zigzag varints (protobuf sint64). Left out when all are 0. */
export class IntColumnWriter {
  readonly w: Writer = createWriter(64);
  private pendingZeros = 0;
  reset(): void {
    this.w.pos = 0;
    this.pendingZeros = 0;
  }
  write(v: number): void {
    const w = this.w;
    if (w.pos === 0) {
      if (v === 0) {
        this.pendingZeros++;
        return;
      }
      if (this.pendingZeros > 0) {
        flushDefaults(w, 0, this.pendingZeros);
        this.pendingZeros = 0;
      }
    }
    writeVarInt(w, v);
  }
  bytes(): ColumnBytes {
    return this.w.pos === 0 ? null : this.w.buf.subarray(0, this.w.pos);
  }
}

export class IntColumnReader extends ColumnReader {
  read(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos] as number;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b & 1 ? -((b + 1) >> 1) : b >> 1;
      }
      return readVarInt(this);
    }
    throw this.exhausted();
  }
}

// ---- zigzag delta ------------------------------------------------------------------------

/**
 * Each entry as its change from the previous one (the first from `initial`), zigzag: runs of
 * one value cost a zero byte each, and the column is left out when nothing changes.
 */
export class DeltaColumnWriter {
  readonly w: Writer = createWriter(64);
  private previous = 0;
  private pendingZeros = 0;
  reset(initial: number): void {
    this.w.pos = 0;
    this.previous = initial;
    this.pendingZeros = 0;
  }
  write(v: number): void {
    const delta = v - this.previous;
    this.previous = v;
    const w = this.w;
    if (w.pos === 0) {
      if (delta === 0) {
        this.pendingZeros++;
        return;
      }
      if (this.pendingZeros > 0) {
        flushDefaults(w, 0, this.pendingZeros);
        this.pendingZeros = 0;
      }
    }
    writeVarInt(w, delta);
  }
  get last(): number {
    return this.previous;
  }
  bytes(): ColumnBytes {
    return this.w.pos === 0 ? null : this.w.buf.subarray(0, this.w.pos);
  }
}

export class DeltaColumnReader extends IntColumnReader {
  private previous: number;
  constructor(buf: Uint8Array, start: number, end: number, base: number, initial: number) {
    super(buf, start, end, base);
    this.previous = initial;
  }

  static absentFrom(initial: number, entries: number, base: number): DeltaColumnReader {
    return new DeltaColumnReader(defaultFill(0, entries), 0, entries, base, initial);
  }

  /** The next value; it must lie in [0, bound) (a table index). */
  readIndex(bound: number, what: string): number {
    const at = this.offset;
    const v = this.previous + this.read();
    if (v < 0 || v >= bound) throw malformed(at, `${what} ${v} is outside 0..${bound - 1}`);
    this.previous = v;
    return v;
  }

  get last(): number {
    return this.previous;
  }
}

// ---- biased zigzag -----------------------------------------------------------------------

/**
 * Signed integers minus a per-column bias (a typical value: the lower median of up to 64 evenly
 * spaced samples), zigzag. Steady ~10 s intervals leave one-byte jitter instead of two- and
 * three-byte varints. The bias travels separately (a scalar field); short columns get none.
 */
export class BiasedColumnWriter {
  private values = new Float64Array(64);
  private count = 0;
  private readonly w: Writer = createWriter(64);
  private biasValue = 0;
  private written = false;
  reset(): void {
    this.count = 0;
    this.written = false;
  }
  write(v: number): void {
    if (this.count === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.count++] = v;
  }
  get length(): number {
    return this.count;
  }
  /** Computes the bias; call once, before `bias`, `size` and `bytes`. */
  finish(): void {
    this.biasValue = columnBias(this.values, this.count);
    this.written = false;
  }
  get bias(): number {
    return this.biasValue;
  }
  /** Bytes the column takes in the body (0 when left out), without writing it. */
  size(): number {
    const values = this.values;
    const bias = this.biasValue;
    let bytes = 0;
    let allZero = true;
    for (let i = 0; i < this.count; i++) {
      const d = (values[i] as number) - bias;
      if (d !== 0) allZero = false;
      const z = d >= 0 ? d * 2 : -d * 2 - 1;
      bytes += z < 0x80 ? 1 : z < 0x4000 ? 2 : varUintSize(z);
    }
    return allZero ? 0 : bytes;
  }
  bytes(): ColumnBytes {
    const w = this.w;
    if (!this.written) {
      this.written = true;
      w.pos = 0;
      const values = this.values;
      const bias = this.biasValue;
      let allZero = true;
      ensure(w, this.count);
      for (let i = 0; i < this.count; i++) {
        const d = (values[i] as number) - bias;
        if (d === 0) {
          if (w.pos >= w.buf.length) ensure(w, 1);
          w.buf[w.pos++] = 0;
          continue;
        }
        allZero = false;
        const z = d > 0 ? d * 2 : -d * 2 - 1;
        if (z < 0x80 && w.pos < w.buf.length) w.buf[w.pos++] = z;
        else writeVarInt(w, d);
      }
      if (allZero) w.pos = 0;
    }
    return w.pos === 0 ? null : w.buf.subarray(0, w.pos);
  }
}

export class BiasedColumnReader extends IntColumnReader {
  constructor(
    buf: Uint8Array,
    start: number,
    end: number,
    base: number,
    readonly bias: number,
  ) {
    super(buf, start, end, base);
  }
  readBiased(): number {
    return this.read() + this.bias;
  }
}

const sampleScratch = new Float64Array(64);

/** The lower median of up to 64 evenly spaced samples; 0 for fewer than 4 values or huge ones. */
export function columnBias(values: ArrayLike<number>, n = values.length): number {
  if (n < 4) return 0;
  // Subtracting stays exact only while every value is within ±2^52.
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v > 2 ** 52 || v < -(2 ** 52)) return 0;
  }
  const m = Math.min(n, 64);
  const samples = sampleScratch.subarray(0, m);
  for (let k = 0; k < m; k++) samples[k] = values[Math.floor((k * n) / m)] as number;
  // A typed array sorts numerically, without a comparator call per comparison.
  samples.sort();
  const median = samples[(m - 1) >> 1] as number;
  return median > 2 ** 31 || median < -(2 ** 31) ? 0 : median;
}

// ---- run length --------------------------------------------------------------------------

/**
 * Small unsigned values (enum codes) as runs: pairs of varints (value, run length − 1). A
 * thousand progress updates with a few pauses are a handful of pairs; the column is left out
 * when every entry is `absentValue`.
 */
export class RunLengthColumnWriter {
  private readonly w: Writer = createWriter(32);
  private value = -1;
  private run = 0;
  private allDefault = true;
  constructor(readonly absentValue: number) {}
  reset(): void {
    this.w.pos = 0;
    this.value = -1;
    this.run = 0;
    this.allDefault = true;
  }
  write(v: number): void {
    if (v === this.value) {
      this.run++;
      return;
    }
    this.flush();
    if (v !== this.absentValue) this.allDefault = false;
    this.value = v;
    this.run = 1;
  }
  private flush(): void {
    if (this.run === 0) return;
    writeVarUint(this.w, this.value);
    writeVarUint(this.w, this.run - 1);
  }
  bytes(): ColumnBytes {
    if (this.allDefault) return null;
    this.flush();
    this.run = 0;
    return this.w.buf.subarray(0, this.w.pos);
  }
}

export class RunLengthColumnReader extends ColumnReader {
  private value = 0;
  private left = 0;
  private readonly absentValue: number | undefined;

  constructor(buf: Uint8Array, start: number, end: number, base: number, absentValue?: number) {
    super(buf, start, end, base);
    this.absentValue = absentValue;
  }

  /** An absent column: `defaultValue` for as many entries as are asked for. */
  static absentRuns(defaultValue: number, base: number): RunLengthColumnReader {
    return new RunLengthColumnReader(new Uint8Array(0), 0, 0, base, defaultValue);
  }

  read(): number {
    if (this.left > 0) {
      this.left--;
      return this.value;
    }
    if (this.absentValue !== undefined) return this.absentValue;
    if (this.pos >= this.end) throw this.exhausted();
    this.value = readVarUint(this);
    const at = this.offset;
    if (this.pos >= this.end) throw malformed(at, 'run without a length');
    const run = readVarUint(this);
    if (run >= 2 ** 32) throw malformed(at, `run of ${run} entries`);
    this.left = run;
    return this.value;
  }

  /** A run may not reach past the last op. */
  override finish(name: string): void {
    if (this.left !== 0) throw malformed(this.offset, `${name} has a run longer than the ops`);
    super.finish(name);
  }
}
