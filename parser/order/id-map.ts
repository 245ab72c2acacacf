// A map from non-negative integer ids (goroutines, procs, threads) to states: a plain array
// for ids below a bound (they are small and dense in practice), a Map for the rest. Lookups
// happen several times per event, and an array index is much cheaper than hashing.

// Goroutine ids pass 4 M in a few seconds of a busy program; 8 bytes a slot up to 16 M ids.
const DENSE_LIMIT = 1 << 24;

export class IdMap<V> {
  private readonly dense: (V | undefined)[] = [];
  private readonly sparse = new Map<number, V>();
  private count = 0;

  get(id: number): V | undefined {
    if (id >= 0 && id < this.dense.length) return this.dense[id];
    return id >= DENSE_LIMIT || id < 0 ? this.sparse.get(id) : undefined;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, value: V): void {
    if (id >= 0 && id < DENSE_LIMIT && Number.isInteger(id)) {
      // Grow by appending so the array stays in fast (non-dictionary) mode.
      while (this.dense.length <= id) this.dense.push(undefined);
      if (this.dense[id] === undefined) this.count++;
      this.dense[id] = value;
      return;
    }
    if (!this.sparse.has(id)) this.count++;
    this.sparse.set(id, value);
  }

  delete(id: number): void {
    if (id >= 0 && id < this.dense.length) {
      if (this.dense[id] !== undefined) this.count--;
      this.dense[id] = undefined;
    } else if (this.sparse.delete(id)) {
      this.count--;
    }
  }

  get size(): number {
    return this.count;
  }

  /** Entries in id order for the dense part, then insertion order. */
  *entries(): IterableIterator<[number, V]> {
    for (let id = 0; id < this.dense.length; id++) {
      const v = this.dense[id];
      if (v !== undefined) yield [id, v];
    }
    yield* this.sparse.entries();
  }
}
