/**
 * An ascending list of seqs, tuned for a queue: appends at the end and deletes at the front are
 * O(1) amortised (a moving head instead of `shift`, which copies the whole array), anything else
 * is a binary search and a splice.
 */
export class SortedSeqs {
  #items: number[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  get first(): number | undefined {
    return this.#items[this.#head];
  }

  get last(): number | undefined {
    return this.size === 0 ? undefined : this.#items[this.#items.length - 1];
  }

  insert(seq: number): void {
    const last = this.last;
    if (last === undefined || seq > last) {
      this.#items.push(seq);
      return;
    }
    const index = this.#lowerBound(seq);
    if (this.#items[index] !== seq) this.#items.splice(index, 0, seq);
  }

  remove(seq: number): boolean {
    if (this.first === seq) {
      this.#head += 1;
      this.#compact();
      return true;
    }
    const index = this.#lowerBound(seq);
    if (this.#items[index] !== seq) return false;
    this.#items.splice(index, 1);
    return true;
  }

  /** The seqs in `[from, to]`, ascending. */
  range(from: number, to: number): number[] {
    const result: number[] = [];
    for (let i = this.#lowerBound(from); i < this.#items.length; i++) {
      const seq = this.#items[i] as number;
      if (seq > to) break;
      result.push(seq);
    }
    return result;
  }

  /** Up to `limit` seqs greater than `after`, ascending. */
  after(after: number, limit: number): number[] {
    const result: number[] = [];
    let i = this.#lowerBound(after);
    if (this.#items[i] === after) i += 1;
    for (; i < this.#items.length && result.length < limit; i++) result.push(this.#items[i] as number);
    return result;
  }

  /** First index ≥ head whose seq is ≥ `seq`. */
  #lowerBound(seq: number): number {
    let low = this.#head;
    let high = this.#items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#items[mid] as number) < seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  // Drop the consumed prefix once it outweighs the live part, so memory follows the live size.
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
