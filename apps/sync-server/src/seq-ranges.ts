/** Inclusive seq range of one device: `first..last`. */
export interface SeqRange {
  readonly first: number;
  readonly last: number;
}

/** A rejection verdict over a seq range. */
export interface CodedRange {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly code: string;
}

/** Seqs (any order, repeats allowed) as sorted, disjoint, non-adjacent ranges: [1,2,3,7] → 1..3, 7..7. */
export function rangesOf(seqs: Iterable<number>): SeqRange[] {
  const sorted = [...seqs].sort((a, b) => a - b);
  return normalize(sorted.map((seq) => ({ first: seq, last: seq })));
}

/** Sorts and coalesces overlapping or adjacent ranges. */
export function normalize(ranges: readonly SeqRange[]): SeqRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const out: { first: number; last: number }[] = [];
  for (const range of sorted) {
    const previous = out[out.length - 1];
    if (previous !== undefined && range.first <= previous.last + 1) {
      previous.last = Math.max(previous.last, range.last);
    } else {
      out.push({ first: range.first, last: range.last });
    }
  }
  return out;
}

/** The parts of `ranges` not covered by `minus` (both normalized). */
export function subtract(ranges: readonly SeqRange[], minus: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = [];
  let j = 0;
  for (const range of ranges) {
    let first = range.first;
    while (j < minus.length && (minus[j] as SeqRange).last < first) j += 1;
    let k = j;
    while (first <= range.last) {
      const cut = minus[k];
      if (cut === undefined || cut.first > range.last) {
        out.push({ first, last: range.last });
        break;
      }
      if (cut.first > first) out.push({ first, last: cut.first - 1 });
      first = Math.max(first, cut.last + 1);
      k += 1;
    }
  }
  return out;
}

/** Whether `seq` lies in one of the normalized `ranges` (binary search). */
export function contains(ranges: readonly SeqRange[], seq: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle] as SeqRange;
    if (seq < range.first) high = middle - 1;
    else if (seq > range.last) low = middle + 1;
    else return true;
  }
  return false;
}

/** How many seqs the ranges hold. */
export function size(ranges: readonly SeqRange[]): number {
  return ranges.reduce((total, range) => total + range.last - range.first + 1, 0);
}

/**
 * Per-op verdicts as ranges per code, in seq order: consecutive verdicts of one code become one
 * range when no op of the frame with another outcome lies between them. `verdicts` is sorted by
 * seq; `carried` the sorted seqs of every op the frame carries (accepted ones break ranges), or
 * undefined for a frame that carries every seq of its range.
 */
export function codedRanges(
  verdicts: readonly { readonly seq: number; readonly code: string }[],
  carried: readonly number[] | undefined,
): CodedRange[] {
  const out: { firstSeq: number; lastSeq: number; code: string }[] = [];
  let position = 0;
  for (const verdict of verdicts) {
    const previous = out[out.length - 1];
    // Ops of the frame between the previous verdict and this one: any of them means the
    // previous range cannot stretch over to this verdict.
    let between = false;
    if (previous !== undefined && carried === undefined) {
      between = verdict.seq > previous.lastSeq + 1;
    } else if (previous !== undefined && carried !== undefined) {
      while (position < carried.length && (carried[position] as number) <= previous.lastSeq) position += 1;
      between = position < carried.length && (carried[position] as number) < verdict.seq;
    }
    if (previous !== undefined && previous.code === verdict.code && !between) previous.lastSeq = verdict.seq;
    else out.push({ firstSeq: verdict.seq, lastSeq: verdict.seq, code: verdict.code });
  }
  return out;
}
