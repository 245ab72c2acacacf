// A set of goroutine ids for the one-pass analyses: ids are non-negative integers, mostly small
// and dense, and a trace can hold millions of them. Below DENSE_LIMIT an id is a bit in a
// bitmap (a test is one load, millions cost a bit each); anything else goes to a Set.

import { resized } from '../model/typed-arrays.ts';

export class IdSet {
  /** 2^28 bits: the bitmap stops at 32 MB. */
  static readonly DENSE_LIMIT = 1 << 28;
  private bits = new Uint32Array(1024);
  private readonly sparse = new Set<number>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    // (id | 0) === id: a whole number below 2^31, so `word` and the bit are exact.
    if ((id | 0) === id && id >= 0) {
      const word = id >>> 5;
      if (word < this.bits.length) return (this.bits[word] & (1 << (id & 31))) !== 0;
      // Past the bitmap: in the set only if it is beyond the dense range (then in `sparse`).
      if (id < IdSet.DENSE_LIMIT) return false;
    }
    // Sets are mostly small: an empty sparse part answers without hashing.
    return this.sparse.size > 0 && this.sparse.has(id);
  }

  add(id: number): void {
    if (id >= 0 && id < IdSet.DENSE_LIMIT && (id | 0) === id) {
      const word = id >>> 5;
      if (word >= this.bits.length) this.grow(word);
      const bit = 1 << (id & 31);
      if ((this.bits[word] & bit) === 0) {
        this.bits[word] |= bit;
        this.count++;
      }
    } else if (!this.sparse.has(id)) {
      this.sparse.add(id);
      this.count++;
    }
  }

  delete(id: number): void {
    if (id >= 0 && id < IdSet.DENSE_LIMIT && (id | 0) === id) {
      const word = id >>> 5;
      if (word >= this.bits.length) return;
      const bit = 1 << (id & 31);
      if ((this.bits[word] & bit) !== 0) {
        this.bits[word] &= ~bit;
        this.count--;
      }
    } else if (this.sparse.delete(id)) {
      this.count--;
    }
  }

  clear(): void {
    if (this.count === 0) return;
    this.bits.fill(0);
    this.sparse.clear();
    this.count = 0;
  }

  private grow(word: number): void {
    let capacity = this.bits.length * 2;
    while (capacity <= word) capacity *= 2;
    this.bits = resized(this.bits, capacity);
  }
}
