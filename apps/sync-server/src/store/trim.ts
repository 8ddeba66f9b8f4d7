import { type CodedRange, contains, normalize, type SeqRange, subtract } from '../seq-ranges.js';
import type { FrameWrite } from './contract.js';

/**
 * The part of a frame's write whose seqs are not settled yet: what the transaction still has to
 * write once it found `alreadySettled` (another gateway wrote the same frame first).
 */
export function withoutSettled(write: FrameWrite, alreadySettled: readonly SeqRange[]): FrameWrite {
  if (alreadySettled.length === 0) return write;
  const fresh = (seq: number) => !contains(alreadySettled, seq);
  return {
    userId: write.userId,
    deviceId: write.deviceId,
    stateOps: write.stateOps.filter((entry) => fresh(entry.seq)),
    commands: write.commands.filter((command) => fresh(command.entry.seq)),
    rejected: subtractCoded(write.rejected, alreadySettled),
    settled: subtract(normalize(write.settled), alreadySettled),
  };
}

/** Coded ranges minus normalized seq ranges, each piece keeping its code. */
export function subtractCoded(ranges: readonly CodedRange[], minus: readonly SeqRange[]): CodedRange[] {
  return ranges.flatMap((range) =>
    subtract([{ first: range.firstSeq, last: range.lastSeq }], minus).map((piece) => ({
      firstSeq: piece.first,
      lastSeq: piece.last,
      code: range.code,
    })),
  );
}

/** The normalized overlap of two normalized range lists. */
export function intersect(a: readonly SeqRange[], b: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as SeqRange;
    const y = b[j] as SeqRange;
    const first = Math.max(x.first, y.first);
    const last = Math.min(x.last, y.last);
    if (first <= last) out.push({ first, last });
    if (x.last < y.last) i += 1;
    else j += 1;
  }
  return normalize(out);
}
