import { compareCodePoints } from './rules.js';

/**
 * Which seqs of one device a replica has seen: every seq ≤ `upTo`, plus the listed seqs above it.
 * Ops usually arrive in order, so `above` stays empty or tiny and memory stays bounded however
 * many ops a device sends.
 */
export interface SeqMark {
  readonly deviceId: string;
  /** The contiguous high-water mark: seqs 1..upTo were all seen (0 = none). */
  readonly upTo: number;
  /** Seqs seen beyond a gap, ascending. */
  readonly above: readonly number[];
}

/** Default for `maxSeqsAboveMark`. */
export const DEFAULT_MAX_SEQS_ABOVE_MARK = 65_536;

interface MutableMark {
  upTo: number;
  readonly above: Set<number>;
}

/**
 * The `(deviceId, seq)` dedupe set of §3, kept as a high-water mark plus the seqs above a gap.
 * Merging two trackers is a set union, so it is commutative, associative and idempotent.
 */
export class SeqTracker {
  readonly maxSeqsAboveMark: number;
  readonly #marks = new Map<string, MutableMark>();

  /**
   * `maxSeqsAboveMark` bounds memory when a seq never arrives (an op dead-lettered on its
   * device): past that many seqs beyond the gap, the mark jumps over the oldest gap, and the
   * skipped seqs then count as already seen.
   */
  constructor(maxSeqsAboveMark = DEFAULT_MAX_SEQS_ABOVE_MARK) {
    if (!Number.isSafeInteger(maxSeqsAboveMark) || maxSeqsAboveMark < 1) {
      throw new TypeError(`maxSeqsAboveMark must be a positive integer, got ${String(maxSeqsAboveMark)}`);
    }
    this.maxSeqsAboveMark = maxSeqsAboveMark;
  }

  has(deviceId: string, seq: number): boolean {
    const mark = this.#marks.get(deviceId);
    return mark !== undefined && (seq <= mark.upTo || mark.above.has(seq));
  }

  /** Records a seq; false when it was already seen. */
  add(deviceId: string, seq: number): boolean {
    checkSeqArgument(seq, 'seq');
    if (this.has(deviceId, seq)) return false;
    const mark = this.#mark(deviceId);
    mark.above.add(seq);
    this.#advance(mark);
    this.#enforceCap(mark);
    return true;
  }

  /** Adds every seq the other tracker has seen. */
  merge(other: SeqTracker): void {
    for (const theirs of other.marks()) this.addMark(theirs);
  }

  /** Adds the seqs a mark describes (used by `merge` and when loading a snapshot). */
  addMark(theirs: SeqMark): void {
    if (theirs.upTo !== 0) checkSeqArgument(theirs.upTo, 'upTo');
    for (const seq of theirs.above) checkSeqArgument(seq, 'above');
    const mark = this.#mark(theirs.deviceId);
    mark.upTo = Math.max(mark.upTo, theirs.upTo);
    for (const seq of theirs.above) if (seq > mark.upTo) mark.above.add(seq);
    for (const seq of mark.above) if (seq <= mark.upTo) mark.above.delete(seq);
    this.#advance(mark);
    this.#enforceCap(mark);
  }

  /** The marks of every device, sorted by device id, for listing and snapshots. */
  marks(): SeqMark[] {
    return [...this.#marks.entries()]
      .sort(([a], [b]) => compareCodePoints(a, b))
      .map(([deviceId, mark]) => ({ deviceId, upTo: mark.upTo, above: [...mark.above].sort((a, b) => a - b) }));
  }

  #mark(deviceId: string): MutableMark {
    let mark = this.#marks.get(deviceId);
    if (mark === undefined) {
      mark = { upTo: 0, above: new Set() };
      this.#marks.set(deviceId, mark);
    }
    return mark;
  }

  #enforceCap(mark: MutableMark): void {
    while (mark.above.size > this.maxSeqsAboveMark) {
      let lowest = Number.POSITIVE_INFINITY;
      for (const seq of mark.above) if (seq < lowest) lowest = seq;
      mark.upTo = lowest;
      mark.above.delete(lowest);
      this.#advance(mark);
    }
  }

  #advance(mark: MutableMark): void {
    while (mark.above.delete(mark.upTo + 1)) mark.upTo += 1;
  }
}

// Seqs reaching the tracker were validated (`validateSequencedOperation`, `parseSnapshot`); a
// caller using the tracker directly with anything else is misusing it.
function checkSeqArgument(seq: number, name: string): void {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new TypeError(`${name} must be an integer ≥ 1, got ${String(seq)}`);
}
