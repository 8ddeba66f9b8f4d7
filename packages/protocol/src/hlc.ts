import { ValidationError } from './errors.js';
import { isWellFormedUtf16, utf8Length } from './utf8.js';

/**
 * A hybrid logical clock timestamp. Ordered by `physicalMs`, then `logical`, then `nodeId`
 * compared by UTF-8 bytes, so any two distinct timestamps compare unequal.
 */
export interface Hlc {
  /** Wall-clock epoch milliseconds, 0 ≤ physicalMs < 2^48. */
  readonly physicalMs: number;
  /** Counter within one millisecond, 0 ≤ logical < 2^16. */
  readonly logical: number;
  readonly nodeId: string;
}

export const MAX_PHYSICAL_MS = 2 ** 48 - 1;
export const MAX_LOGICAL = 2 ** 16 - 1;
export const DEFAULT_MAX_DRIFT_MS = 60_000;

const encoder = new TextEncoder();

/** Total order of §3: negative when `a` is earlier, positive when later, 0 only when equal. */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.physicalMs !== b.physicalMs) return a.physicalMs < b.physicalMs ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  return compareUtf8(a.nodeId, b.nodeId);
}

/** Compares strings by their UTF-8 bytes (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** Throws a `ValidationError` unless `value` is a well-formed `Hlc`. */
export function validateHlc(value: unknown, field = 'hlc'): Hlc {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('NOT_AN_OBJECT', field, value, 'expected an HLC object');
  }
  const { physicalMs, logical, nodeId } = value as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (key !== 'physicalMs' && key !== 'logical' && key !== 'nodeId') {
      throw new ValidationError(
        'UNKNOWN_FIELD',
        `${field}.${key}`,
        (value as Record<string, unknown>)[key],
        'unknown HLC field',
      );
    }
  }
  checkBoundedInteger(physicalMs, `${field}.physicalMs`, MAX_PHYSICAL_MS);
  checkBoundedInteger(logical, `${field}.logical`, MAX_LOGICAL);
  if (typeof nodeId !== 'string')
    throw new ValidationError('WRONG_TYPE', `${field}.nodeId`, nodeId, 'expected a string');
  if (nodeId.length === 0) throw new ValidationError('EMPTY_STRING', `${field}.nodeId`, nodeId, 'must not be empty');
  if (!isWellFormedUtf16(nodeId)) {
    throw new ValidationError('INVALID_UTF8', `${field}.nodeId`, nodeId, 'has a lone surrogate');
  }
  if (utf8Length(nodeId) > 256)
    throw new ValidationError('STRING_TOO_LONG', `${field}.nodeId`, nodeId, 'longer than 256 UTF-8 bytes');
  return { physicalMs: physicalMs as number, logical: logical as number, nodeId };
}

function checkBoundedInteger(value: unknown, field: string, max: number): void {
  if (typeof value !== 'number') throw new ValidationError('WRONG_TYPE', field, value, 'expected an integer');
  if (!Number.isInteger(value)) throw new ValidationError('NOT_AN_INTEGER', field, value, 'expected an integer');
  if (value < 0 || value > max) throw new ValidationError('OUT_OF_RANGE', field, value, `expected 0..${max}`);
}

/**
 * Packs the clock part into 64 bits: 48 bits of milliseconds, 16 of counter. A `bigint`,
 * because a JSON number cannot hold 64 bits exactly. The node id travels beside it.
 */
export function packHlc(hlc: Hlc): bigint {
  return (BigInt(hlc.physicalMs) << 16n) | BigInt(hlc.logical);
}

export function unpackHlc(packed: bigint, nodeId: string): Hlc {
  if (packed < 0n || packed >= 1n << 64n) {
    throw new ValidationError('OUT_OF_RANGE', 'hlc', packed, 'packed HLC must fit in 64 unsigned bits');
  }
  return validateHlc({ physicalMs: Number(packed >> 16n), logical: Number(packed & 0xffffn), nodeId });
}

/**
 * The serializable form: `<12 hex digits of ms>-<4 hex digits of counter>-<nodeId>`, e.g.
 * `01a0c3f1e2d4-0003-phone-1`. Its string order equals `compareHlc` order for equal-length
 * node ids, and it survives JSON and storage as text.
 */
export function formatHlc(hlc: Hlc): string {
  return `${hlc.physicalMs.toString(16).padStart(12, '0')}-${hlc.logical.toString(16).padStart(4, '0')}-${hlc.nodeId}`;
}

export function parseHlc(text: string): Hlc {
  const match = /^([0-9a-f]{12})-([0-9a-f]{4})-(.+)$/s.exec(text);
  if (!match) throw new ValidationError('INVALID_VALUE', 'hlc', text, 'expected <12 hex>-<4 hex>-<nodeId>');
  return validateHlc({
    physicalMs: Number.parseInt(match[1] as string, 16),
    logical: Number.parseInt(match[2] as string, 16),
    nodeId: match[3] as string,
  });
}

export interface HybridLogicalClockOptions {
  /** This node's id, normally the device id. */
  readonly nodeId: string;
  /** Wall clock in epoch milliseconds; injectable for tests. Defaults to `Date.now`. */
  readonly now?: () => number;
  /** A remote clock further ahead of the local wall clock than this is rejected. Default 60 000. */
  readonly maxDriftMs?: number;
  /** The last timestamp this node issued (persisted), so a restart never goes backwards. */
  readonly last?: Hlc;
}

/**
 * A hybrid logical clock (Kulkarni et al., 2014). Issued timestamps strictly increase even when
 * the wall clock goes backwards; `receive` folds in a remote timestamp so causally later
 * events always compare later.
 */
export class HybridLogicalClock {
  readonly nodeId: string;
  readonly maxDriftMs: number;
  readonly #now: () => number;
  #physicalMs: number;
  #logical: number;

  constructor(options: HybridLogicalClockOptions) {
    validateHlc({ physicalMs: 0, logical: 0, nodeId: options.nodeId }, 'nodeId');
    this.nodeId = options.nodeId;
    this.maxDriftMs = options.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS;
    if (!Number.isFinite(this.maxDriftMs) || this.maxDriftMs < 0) {
      throw new TypeError(`maxDriftMs must be a non-negative number, got ${String(options.maxDriftMs)}`);
    }
    this.#now = options.now ?? Date.now;
    const last = options.last === undefined ? undefined : validateHlc(options.last, 'last');
    this.#physicalMs = last?.physicalMs ?? 0;
    this.#logical = last?.logical ?? 0;
  }

  /** The last timestamp issued or received (the value to persist). */
  get last(): Hlc {
    return { physicalMs: this.#physicalMs, logical: this.#logical, nodeId: this.nodeId };
  }

  /** A timestamp for a local event, strictly greater than every one issued or received before. */
  tick(): Hlc {
    const wall = this.#wall();
    if (wall > this.#physicalMs) {
      this.#physicalMs = wall;
      this.#logical = 0;
    } else {
      this.#bumpLogical();
    }
    return this.last;
  }

  /**
   * Folds in a timestamp from another node and returns a local timestamp later than both.
   * Throws `ValidationError` code `CLOCK_DRIFT` when `remote` is more than `maxDriftMs` ahead of
   * the local wall clock; the clock is then unchanged.
   */
  receive(remote: Hlc): Hlc {
    const checked = validateHlc(remote, 'remote');
    const wall = this.#wall();
    if (checked.physicalMs - wall > this.maxDriftMs) {
      throw new ValidationError(
        'CLOCK_DRIFT',
        'hlc.physicalMs',
        checked.physicalMs,
        `remote clock is ${checked.physicalMs - wall} ms ahead of local time, more than maxDriftMs ${this.maxDriftMs}`,
      );
    }
    const physical = Math.max(wall, this.#physicalMs, checked.physicalMs);
    if (physical === this.#physicalMs && physical === checked.physicalMs) {
      this.#logical = Math.max(this.#logical, checked.logical);
      this.#bumpLogical();
    } else if (physical === this.#physicalMs) {
      this.#bumpLogical();
    } else if (physical === checked.physicalMs) {
      this.#physicalMs = physical;
      this.#logical = checked.logical;
      this.#bumpLogical();
    } else {
      this.#physicalMs = physical;
      this.#logical = 0;
    }
    return this.last;
  }

  #wall(): number {
    const wall = Math.floor(this.#now());
    if (!Number.isSafeInteger(wall) || wall < 0 || wall > MAX_PHYSICAL_MS) {
      throw new RangeError(`wall clock returned ${String(wall)}, expected epoch milliseconds`);
    }
    return wall;
  }

  // 65 536 events in one millisecond overflow the 16-bit counter: borrow the next millisecond
  // rather than wrap, so timestamps stay strictly increasing.
  #bumpLogical(): void {
    if (this.#logical < MAX_LOGICAL) {
      this.#logical += 1;
    } else {
      this.#physicalMs += 1;
      this.#logical = 0;
    }
  }
}
