// Goroutine id → row for the analyses and the timeline, which see millions of ids.

import { growingArray } from '../model/typed-arrays.ts';

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
