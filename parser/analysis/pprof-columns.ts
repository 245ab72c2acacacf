// Typed-array columns for the one-pass analyses (blocking profiles, MMU), so that millions of
// recorded intervals cost bytes, not objects.
//
// GrowableColumn doubles a single array (for small or randomly indexed tables); ChunkedColumn
// appends fixed-size chunks (for the big append-only logs: no doubling copies, no slack
// beyond one chunk, so memory stays at what is stored).

import { growingArray } from '../model/typed-arrays.ts';

type NumericArray = Float64Array | Uint32Array | Int32Array | Uint8Array;
type NumericArrayConstructor<T extends NumericArray> = { new (length: number): T; new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

/** One column that doubles its capacity when full. */
export class GrowableColumn<T extends NumericArray> {
  private data: T;
  private length = 0;

  constructor(private readonly ctor: NumericArrayConstructor<T>, initialCapacity = 1024, private readonly fillValue = 0) {
    this.data = growingArray(ctor, initialCapacity);
    if (fillValue !== 0) this.data.fill(fillValue);
  }

  get size(): number {
    return this.length;
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Makes room for `count` more values (set to the fill value) and returns the first index. */
  extend(count: number): number {
    const first = this.length;
    if (first + count > this.data.length) this.grow(first + count);
    this.length += count;
    return first;
  }

  get(index: number): number {
    return this.data[index];
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** A tightly sized copy of the first `length` values. */
  compact(length = this.length): T {
    return this.data.slice(0, length) as T;
  }

  private grow(minLength: number): void {
    let capacity = Math.max(1, this.data.length * 2);
    while (capacity < minLength) capacity *= 2;
    const bigger = growingArray(this.ctor, capacity);
    if (this.fillValue !== 0) bigger.fill(this.fillValue);
    bigger.set(this.data as never);
    this.data = bigger;
  }
}

const CHUNK_BITS = 16;
/** Values per chunk (65 536). */
export const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

/** An append-only column stored in fixed-size chunks. */
export class ChunkedColumn<T extends NumericArray> {
  private readonly chunkList: T[] = [];
  private length = 0;

  constructor(private readonly ctor: NumericArrayConstructor<T>) {}

  get size(): number {
    return this.length;
  }

  push(value: number): void {
    const offset = this.length & CHUNK_MASK;
    if (offset === 0) this.chunkList.push(growingArray(this.ctor, CHUNK_SIZE));
    this.chunkList[this.chunkList.length - 1][offset] = value;
    this.length++;
  }

  get(index: number): number {
    return this.chunkList[index >>> CHUNK_BITS][index & CHUNK_MASK];
  }

  set(index: number, value: number): void {
    this.chunkList[index >>> CHUNK_BITS][index & CHUNK_MASK] = value;
  }

  /** Chunk `c` (values c·CHUNK_SIZE … ); only its first chunkLength(c, n) values are set. */
  chunk(c: number): T {
    return this.chunkList[c];
  }

  /** Number of chunks holding the first `n` values. */
  static chunkCount(n: number): number {
    return Math.ceil(n / CHUNK_SIZE);
  }

  /** How many of the first `n` values lie in chunk `c`. */
  static chunkLength(c: number, n: number): number {
    return Math.min(CHUNK_SIZE, n - c * CHUNK_SIZE);
  }

  /** The first `n` values in one array (for small columns). */
  toArray(n = this.length): T {
    const out = new this.ctor(n);
    for (let c = 0; c < ChunkedColumn.chunkCount(n); c++) {
      out.set(this.chunkList[c].subarray(0, ChunkedColumn.chunkLength(c, n)) as never, c * CHUNK_SIZE);
    }
    return out;
  }
}

/**
 * Id → row number for ids that are usually small and dense (goroutine ids): direct tables of
 * PAGE ids each, made as ids reach them, for ids below DENSE_LIMIT; a map beyond it. Much lighter
 * than a Map when there are millions of ids, and unbounded by a Map's 2^24 entries (a 1.3 GB
 * trace holds 46 M goroutines).
 */
export class DenseIdIndex {
  static readonly DENSE_LIMIT = 2 ** 36;
  private static readonly PAGE_BITS = 16;
  private static readonly PAGE = 1 << DenseIdIndex.PAGE_BITS;
  /** Page p holds the rows of ids [p·PAGE, (p+1)·PAGE), -1 where unset. */
  private readonly pages: (Int32Array | undefined)[] = [];
  private readonly sparse = new Map<number, number>();

  /** The row of `id`, or -1. */
  get(id: number): number {
    // Hot: once per goroutine event. Ids below 2^31 (whole numbers) need two loads.
    if ((id | 0) === id && id >= 0) {
      const page = this.pages[id >> DenseIdIndex.PAGE_BITS];
      return page === undefined ? -1 : page[id & (DenseIdIndex.PAGE - 1)];
    }
    if (id >= 0 && id < DenseIdIndex.DENSE_LIMIT && Number.isInteger(id)) {
      const page = this.pages[Math.floor(id / DenseIdIndex.PAGE)];
      return page === undefined ? -1 : page[id % DenseIdIndex.PAGE];
    }
    return this.sparse.get(id) ?? -1;
  }

  set(id: number, row: number): void {
    // Ids below 2^31 (whole numbers): shifts and masks, as in get (`%` on a double calls fmod).
    if ((id | 0) === id && id >= 0) {
      const p = id >> DenseIdIndex.PAGE_BITS;
      const pages = this.pages;
      let page = p < pages.length ? pages[p] : undefined;
      if (page === undefined) page = this.newPage(p);
      page[id & (DenseIdIndex.PAGE - 1)] = row;
    } else if (id >= 0 && id < DenseIdIndex.DENSE_LIMIT && Number.isInteger(id)) {
      const p = Math.floor(id / DenseIdIndex.PAGE);
      const page = this.pages[p] ?? this.newPage(p);
      page[id % DenseIdIndex.PAGE] = row;
    } else {
      this.sparse.set(id, row);
    }
  }

  private newPage(p: number): Int32Array {
    while (this.pages.length <= p) this.pages.push(undefined);
    const page = growingArray(Int32Array, DenseIdIndex.PAGE).fill(-1);
    this.pages[p] = page;
    return page;
  }

  /**
   * Every (id, row) pair by ascending id, as Float64Array sort orders the ids: the dense table
   * is read in order (no sort of millions of ids), the few sparse ids are sorted and merged in.
   * `count` is the number of ids set.
   */
  sortedEntries(count: number): { ids: Float64Array; rows: Uint32Array } {
    const ids = new Float64Array(count);
    const rows = new Uint32Array(count);
    const sparseIds = Float64Array.from(this.sparse.keys()).sort();
    let k = 0;
    let s = 0;
    for (let p = 0; p < this.pages.length; p++) {
      const page = this.pages[p];
      if (page === undefined) continue;
      for (let i = 0; i < page.length; i++) {
        const row = page[i];
        if (row < 0) continue;
        const id = p * DenseIdIndex.PAGE + i;
        for (; s < sparseIds.length && sparseIds[s] < id; s++, k++) {
          ids[k] = sparseIds[s];
          rows[k] = this.sparse.get(sparseIds[s])!;
        }
        ids[k] = id;
        rows[k++] = row;
      }
    }
    for (; s < sparseIds.length; s++, k++) {
      ids[k] = sparseIds[s];
      rows[k] = this.sparse.get(sparseIds[s])!;
    }
    if (k !== count) throw new Error(`DenseIdIndex holds ${k} ids, not ${count}`);
    return { ids, rows };
  }
}
