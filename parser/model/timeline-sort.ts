// Index sorts for finishing the timeline model. Spans and flows arrive nearly in order, so these
// find the already-sorted runs and merge them (typed arrays, no comparator closures): tens of
// millions of indices sort in a fraction of what Array.prototype.sort with a closure costs.

/**
 * Sorts `order` (indices) by key1 ascending, then key2 ascending, stably, in place. A natural
 * merge sort: linear when the input is already sorted, O(n log runs) otherwise.
 */
export function sortIndicesByKeys(order: Uint32Array, key1: ArrayLike<number>, key2: ArrayLike<number>): void {
  const n = order.length;
  const runs: number[] = [0];
  for (let i = 1; i < n; i++) {
    const a = order[i - 1];
    const b = order[i];
    if (key1[b] < key1[a] || (key1[b] === key1[a] && key2[b] < key2[a])) runs.push(i);
  }
  if (runs.length === 1) return;
  runs.push(n);
  let src: Uint32Array = order;
  let dst: Uint32Array = new Uint32Array(n);
  let bounds = runs;
  while (bounds.length > 2) {
    const merged: number[] = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const lo = bounds[r];
      const mid = bounds[r + 1];
      const hi = r + 2 < bounds.length ? bounds[r + 2] : mid;
      mergeRuns(src, dst, lo, mid, hi, key1, key2);
      merged.push(hi);
    }
    bounds = merged;
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== order) order.set(src);
}

/** Merges the sorted runs src[lo..mid) and src[mid..hi) into dst[lo..hi); ties take the left run. */
function mergeRuns(src: Uint32Array, dst: Uint32Array, lo: number, mid: number, hi: number, key1: ArrayLike<number>, key2: ArrayLike<number>): void {
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    const a = src[i];
    const b = src[j];
    if (key1[b] < key1[a] || (key1[b] === key1[a] && key2[b] < key2[a])) {
      dst[k++] = b;
      j++;
    } else {
      dst[k++] = a;
      i++;
    }
  }
  while (i < mid) dst[k++] = src[i++];
  while (j < hi) dst[k++] = src[j++];
}
