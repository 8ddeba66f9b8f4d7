import { CodecError } from './errors.js';
import {
  createReader,
  createWriter,
  ensure,
  offsetOf,
  type Reader,
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
    return biasedSize(this.values, this.count, this.biasValue);
  }
  bytes(): ColumnBytes {
    const w = this.w;
    if (!this.written) {
      this.written = true;
      writeBiased(w, this.values, this.count, this.biasValue);
    }
    return w.pos === 0 ? null : w.buf.subarray(0, w.pos);
  }
}

/** Bytes of `values[0, n)` minus `bias` as zigzag varints; 0 when all equal the bias. */
function biasedSize(values: Float64Array, n: number, bias: number): number {
  let bytes = 0;
  let allZero = true;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - bias;
    if (d !== 0) allZero = false;
    const z = d >= 0 ? d * 2 : -d * 2 - 1;
    bytes += z < 0x80 ? 1 : z < 0x4000 ? 2 : varUintSize(z);
  }
  return allZero ? 0 : bytes;
}

/** Writes `values[0, n)` minus `bias` as zigzag varints into `w` (from 0); nothing when all equal the bias. */
function writeBiased(w: Writer, values: Float64Array, n: number, bias: number): void {
  w.pos = 0;
  let allZero = true;
  ensure(w, n);
  for (let i = 0; i < n; i++) {
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

/** What reads a signed column with a bias, in either form. */
export interface BiasedReader {
  readBiased(): number;
  readonly offset: number;
  finish(name: string): void;
}

export class BiasedColumnReader extends IntColumnReader implements BiasedReader {
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

// ---- runs of non-default values -----------------------------------------------------------

/**
 * Small unsigned values (enum codes) mostly equal to a default, as the runs that are not:
 * per run, varint (defaults before it, since the previous run), varint (value × 2 + 1 when the
 * run is longer than one entry) and then varint (run length − 2) for such a run. Defaults after
 * the last run are implied. A thousand progress updates with a few pauses are a few bytes, an
 * isolated other value two bytes; the column is left out when every entry is the default.
 */
export class RunLengthColumnWriter {
  private readonly w: Writer = createWriter(32);
  private value = -1;
  private run = 0;
  private defaultsBefore = 0;
  constructor(readonly absentValue: number) {}
  reset(): void {
    this.w.pos = 0;
    this.value = -1;
    this.run = 0;
    this.defaultsBefore = 0;
  }
  write(v: number): void {
    if (this.run > 0 && v === this.value) {
      this.run++;
      return;
    }
    if (v === this.absentValue) {
      this.flush();
      this.defaultsBefore++;
      return;
    }
    if (!Number.isSafeInteger(v) || v < 0 || v >= 2 ** 31) throw new RangeError(`run value ${v} is not a small code`);
    this.flush();
    this.value = v;
    this.run = 1;
  }
  private flush(): void {
    if (this.run === 0) return;
    const w = this.w;
    writeVarUint(w, this.defaultsBefore);
    writeVarUint(w, this.value * 2 + (this.run > 1 ? 1 : 0));
    if (this.run > 1) writeVarUint(w, this.run - 2);
    this.defaultsBefore = 0;
    this.run = 0;
  }
  bytes(): ColumnBytes {
    this.flush();
    return this.w.pos === 0 ? null : this.w.buf.subarray(0, this.w.pos);
  }
}

export class RunLengthColumnReader extends ColumnReader {
  private value = 0;
  /** Defaults still to yield before the current run. */
  private defaultsLeft = 0;
  /** Entries of the current run still to yield (0: no run pending). */
  private runLeft = 0;

  constructor(
    buf: Uint8Array,
    start: number,
    end: number,
    base: number,
    readonly absentValue: number,
  ) {
    super(buf, start, end, base);
    this.next();
  }

  /** An absent column: `defaultValue` for as many entries as are asked for. */
  static absentRuns(defaultValue: number, base: number): RunLengthColumnReader {
    return new RunLengthColumnReader(new Uint8Array(0), 0, 0, base, defaultValue);
  }

  /** Loads the next run, if any. */
  private next(): void {
    if (this.pos >= this.end) return;
    const at = this.offset;
    const defaults = readVarUint(this);
    if (this.pos >= this.end) throw malformed(at, 'run without a value');
    const code = readVarUint(this);
    let run = 1;
    if (code % 2 === 1) {
      if (this.pos >= this.end) throw malformed(at, 'run without a length');
      run = readVarUint(this) + 2;
    }
    if (defaults >= 2 ** 32 || run >= 2 ** 32) throw malformed(at, `run of ${defaults} + ${run} entries`);
    this.defaultsLeft = defaults;
    this.value = Math.floor(code / 2);
    this.runLeft = run;
  }

  read(): number {
    if (this.defaultsLeft > 0) {
      this.defaultsLeft--;
      return this.absentValue;
    }
    if (this.runLeft > 0) {
      const value = this.value;
      if (--this.runLeft === 0) this.next();
      return value;
    }
    return this.absentValue;
  }

  /** A run may not reach past the last op. */
  override finish(name: string): void {
    if (this.runLeft !== 0) throw malformed(this.offset, `${name} has a run longer than the ops`);
    super.finish(name);
  }
}

// ---- bit-packed frame of reference ----------------------------------------------------------

/** Widest entry a bit-packed column holds; wider spreads are as short as varints anyway. */
export const MAX_PACKED_WIDTH = 24;

const bitSampleScratch = new Float64Array(64);
const intSampleScratch = new Int32Array(64);

/** Sorts samples ascending; 32-bit integers (the usual case) sort about twice as fast as doubles. */
function sortSamples(samples: Float64Array, small: boolean): void {
  if (!small) {
    samples.sort();
    return;
  }
  const m = samples.length;
  const ints = intSampleScratch.subarray(0, m);
  for (let k = 0; k < m; k++) ints[k] = samples[k] as number;
  ints.sort();
  for (let k = 0; k < m; k++) samples[k] = ints[k] as number;
}
const exceptionBitsScratch = new Float64Array(65);
/** 2^w for every width. */
const SPANS: readonly number[] = Array.from({ length: MAX_PACKED_WIDTH + 1 }, (_, w) => 2 ** w);

/** Assumed bits of an exception's index gap while choosing the width (exact sizes are counted after). */
const GAP_BITS = 8;

/**
 * Signed integers as a frame of reference with exceptions (the patched FOR of Parquet, ORC and
 * Lemire's PFOR): a base (sent as the column's bias scalar) and a width w; an entry in
 * [base, base + 2^w) is w bits of (entry − base), any other is an exception listed up front
 * with its index and its own value (not relative to the base: exceptions are the irregular
 * events — a pause, a burst, a seek — and are nearer zero than the steady step). Uniform jitter of 0..120 ms takes 7 bits an entry instead of a varint byte,
 * which zstd can hardly shrink (its literal table is shared with every other column), and
 * the rare pause or seek does not widen the rest.
 *
 * Layout: varint w, varint exception count, per exception the varint gap to its index (index −
 * previous exception's index − 1; the first: its index) and the zigzag varint of the entry,
 * then the other entries' bits in order, least significant first, zero-padded to a byte.
 * Left out when every entry equals the base (read like an absent biased column).
 */
export class BitPackedColumnWriter {
  /** The entries written, in order (read by SignedColumnWriter for the varint form). */
  values = new Float64Array(64);
  count = 0;
  /**
   * The varint form's bias from the same samples: `columnBias` of the entries (lower median of
   * the samples; 0 for fewer than 4 entries or out-of-range ones), so both forms sort once.
   */
  medianBias = 0;
  private readonly w: Writer = createWriter(64);
  private baseValue = 0;
  private width = 0;
  private sizeValue = 0;
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

  /** The base every entry is relative to (the column's bias scalar). */
  get base(): number {
    return this.baseValue;
  }

  /**
   * Chooses base and width from up to 64 evenly spaced samples (sorting every entry would cost
   * more than the rest of the frame): for each width, the window holding
   * the most samples, and of those the width with the fewest estimated bits; then lowers the
   * base over all entries to the lowest one the window can still start at. Deterministic.
   * Call once, before `base`, `size` and `bytes`.
   */
  finish(): void {
    this.written = false;
    const n = this.count;
    const values = this.values;
    this.medianBias = 0;
    if (n === 0) {
      this.baseValue = 0;
      this.width = 0;
      this.sizeValue = 0;
      return;
    }
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      // Differences stay exact only within ±2^52; such columns go as varints.
      if (v > 2 ** 52 || v < -(2 ** 52)) {
        this.baseValue = 0;
        this.width = 0;
        this.sizeValue = Number.POSITIVE_INFINITY;
        return;
      }
    }
    const m = Math.min(n, 64);
    const samples = bitSampleScratch.subarray(0, m);
    let small = true;
    for (let k = 0; k < m; k++) {
      const v = values[Math.floor((k * n) / m)] as number;
      samples[k] = v;
      if (v > 0x7fffffff || v < -0x80000000) small = false;
    }
    sortSamples(samples, small);
    if (n >= 4) {
      const median = samples[(m - 1) >> 1] as number;
      this.medianBias = median > 2 ** 31 || median < -(2 ** 31) ? 0 : median;
    }
    // Exceptions carry their own value, so a sample's cost as one is fixed: prefix sums of it.
    const exceptionBits = exceptionBitsScratch;
    exceptionBits[0] = 0;
    for (let k = 0; k < m; k++)
      exceptionBits[k + 1] = (exceptionBits[k] as number) + GAP_BITS + 8 * zigzagSize(samples[k] as number);
    let bestBits = Number.POSITIVE_INFINITY;
    let bestStart = 0;
    let bestEnd = 0;
    let bestWidth = 0;
    for (let width = 0; width <= MAX_PACKED_WIDTH; width++) {
      const span = SPANS[width] as number;
      let inliers = 0;
      let start = 0;
      let j = 0;
      for (let i = 0; i < m && m - i > inliers; i++) {
        if (j < i) j = i;
        const limit = (samples[i] as number) + span;
        while (j < m && (samples[j] as number) < limit) j++;
        if (j - i > inliers) {
          inliers = j - i;
          start = i;
        }
      }
      const bits =
        inliers * width +
        (exceptionBits[start] as number) +
        (exceptionBits[m] as number) -
        (exceptionBits[start + inliers] as number);
      if (bits < bestBits) {
        bestBits = bits;
        bestStart = start;
        bestEnd = start + inliers - 1;
        bestWidth = width;
      }
      // Wider windows hold at least these inliers, at more bits each: none can do better.
      if (inliers === m || inliers * (width + 1) >= bestBits) break;
    }
    // The window must still hold the highest sample in it: it may start as low as that minus
    // 2^w − 1. Start it at the lowest entry in that reach, so entries below the samples fit.
    const low = samples[bestStart] as number;
    const floor = (samples[bestEnd] as number) - (SPANS[bestWidth] as number) + 1;
    let base = low;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (v < base && v >= floor) base = v;
    }
    this.baseValue = base;
    this.width = bestWidth;
    this.sizeValue = this.exactSize();
  }

  private exactSize(): number {
    const n = this.count;
    const values = this.values;
    const base = this.baseValue;
    const span = SPANS[this.width] as number;
    let exceptions = 0;
    let exceptionBytes = 0;
    let previous = -1;
    for (let i = 0; i < n; i++) {
      const d = (values[i] as number) - base;
      if (d >= 0 && d < span) continue;
      exceptions++;
      exceptionBytes += varUintSize(i - previous - 1) + zigzagSize(values[i] as number);
      previous = i;
    }
    if (exceptions === 0 && this.width === 0) return 0;
    return (
      varUintSize(this.width) +
      varUintSize(exceptions) +
      exceptionBytes +
      Math.ceil(((n - exceptions) * this.width) / 8)
    );
  }

  /** Bytes the column takes in the body (0 when left out; Infinity when it cannot hold the values). */
  size(): number {
    return this.sizeValue;
  }

  bytes(): ColumnBytes {
    const w = this.w;
    if (!this.written) {
      this.written = true;
      w.pos = 0;
      if (this.sizeValue === 0 || this.sizeValue === Number.POSITIVE_INFINITY) return null;
      const n = this.count;
      const values = this.values;
      const base = this.baseValue;
      const width = this.width;
      const span = SPANS[width] as number;
      let exceptions = 0;
      for (let i = 0; i < n; i++) {
        const d = (values[i] as number) - base;
        if (!(d >= 0 && d < span)) exceptions++;
      }
      writeVarUint(w, width);
      writeVarUint(w, exceptions);
      let previous = -1;
      for (let i = 0; i < n; i++) {
        const d = (values[i] as number) - base;
        if (d >= 0 && d < span) continue;
        writeVarUint(w, i - previous - 1);
        writeVarInt(w, values[i] as number);
        previous = i;
      }
      ensure(w, Math.ceil(((n - exceptions) * width) / 8) + 1);
      const buf = w.buf;
      let pos = w.pos;
      let acc = 0;
      let filled = 0;
      if (width > 0) {
        for (let i = 0; i < n; i++) {
          const d = (values[i] as number) - base;
          if (!(d >= 0 && d < span)) continue;
          acc |= d << filled;
          filled += width;
          while (filled >= 8) {
            buf[pos++] = acc & 0xff;
            acc >>>= 8;
            filled -= 8;
          }
        }
        if (filled > 0) buf[pos++] = acc & 0xff;
      }
      w.pos = pos;
    }
    return w.pos === 0 ? null : w.buf.subarray(0, w.pos);
  }
}

function zigzagSize(d: number): number {
  const z = d >= 0 ? d * 2 : -d * 2 - 1;
  return z < 0x80 ? 1 : z < 0x4000 ? 2 : z < 0x200000 ? 3 : z < 0x10000000 ? 4 : varUintSize(z);
}

export class BitPackedColumnReader extends ColumnReader implements BiasedReader {
  private readonly width: number;
  private readonly mask: number;
  /** Cursor over the exception list. */
  private readonly exceptions: Reader;
  private exceptionsLeft: number;
  /** Index of the next exception; -1 when none is left. */
  private nextException = -1;
  private index = 0;
  private acc = 0;
  private filled = 0;

  constructor(
    buf: Uint8Array,
    start: number,
    end: number,
    base: number,
    readonly bias: number,
  ) {
    super(buf, start, end, base);
    const widthAt = this.offset;
    const width = readVarUint(this);
    if (width > MAX_PACKED_WIDTH) throw malformed(widthAt, `bit width ${width} exceeds ${MAX_PACKED_WIDTH}`);
    this.width = width;
    this.mask = width === 0 ? 0 : 2 ** width - 1;
    const count = readVarUint(this);
    const listStart = this.pos;
    // Walk the list once to find where the bits start (each exception is two varints).
    for (let k = 0; k < count; k++) {
      if (this.pos >= this.end) throw new CodecError('TRUNCATED', this.offset, 'exception list runs past the column');
      readVarUintWide(this);
      if (this.pos >= this.end) throw new CodecError('TRUNCATED', this.offset, 'exception without a value');
      readVarUintWide(this);
    }
    this.exceptions = createReader(buf, listStart, this.pos, base);
    this.exceptionsLeft = count;
    if (count > 0) this.nextException = readVarUint(this.exceptions);
  }

  readBiased(): number {
    const i = this.index++;
    if (i === this.nextException) {
      const value = readVarInt(this.exceptions);
      if (--this.exceptionsLeft > 0) {
        const gapAt = offsetOf(this.exceptions);
        const next = i + 1 + readVarUint(this.exceptions);
        if (next > Number.MAX_SAFE_INTEGER) throw malformed(gapAt, 'exception index out of range');
        this.nextException = next;
      } else this.nextException = -1;
      return value;
    }
    const width = this.width;
    if (width === 0) return this.bias;
    while (this.filled < width) {
      if (this.pos >= this.end) throw this.exhausted();
      this.acc |= (this.buf[this.pos++] as number) << this.filled;
      this.filled += 8;
    }
    const value = this.acc & this.mask;
    this.acc >>>= width;
    this.filled -= width;
    return value + this.bias;
  }

  /** Every exception and every bit used, the padding zero. */
  override finish(name: string): void {
    if (this.exceptionsLeft > 0) throw malformed(this.offset, `${name} has an exception past its last entry`);
    if (this.acc !== 0) throw malformed(this.offset, `${name} has non-zero padding bits`);
    super.finish(name);
  }
}

// ---- the shorter of two forms -------------------------------------------------------------

/**
 * A signed column sent in whichever form is shorter for this frame — biased zigzag varints or
 * bit-packed frame of reference — each in its own field; both read their entries as
 * `entry + bias`, so they share the bias scalar and read the same when left out.
 */
export class SignedColumnWriter {
  readonly bits = new BitPackedColumnWriter();
  private readonly w: Writer = createWriter(64);
  private varintSize = 0;
  private packed = false;
  private written = false;
  reset(): void {
    this.bits.reset();
  }
  write(v: number): void {
    this.bits.write(v);
  }
  /** Chooses the form; call once, before `bias`, `size` and the bytes. */
  finish(): void {
    const bits = this.bits;
    bits.finish();
    this.varintSize = biasedSize(bits.values, bits.count, bits.medianBias);
    this.packed = bits.size() < this.varintSize;
    this.written = false;
  }
  get bias(): number {
    return this.packed ? this.bits.base : this.bits.medianBias;
  }
  size(): number {
    return this.packed ? this.bits.size() : this.varintSize;
  }
  /** The varint form's bytes, null when the column is bit-packed or left out. */
  varintBytes(): ColumnBytes {
    if (this.packed) return null;
    const w = this.w;
    if (!this.written) {
      this.written = true;
      writeBiased(w, this.bits.values, this.bits.count, this.bits.medianBias);
    }
    return w.pos === 0 ? null : w.buf.subarray(0, w.pos);
  }
  /** The bit-packed form's bytes, null when the column is varints or left out. */
  bitBytes(): ColumnBytes {
    return this.packed ? this.bits.bytes() : null;
  }
}
