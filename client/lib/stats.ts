// Small statistics for tables and histograms: percentiles of a column and go tool trace's
// duration histogram buckets (five per power of ten), so our buckets match its pages.

/** Nearest-rank percentile (p in 0..100) of values; NaN for an empty list. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return NaN;
  const rank = Math.ceil((p / 100) * n);
  return sortedAscending[Math.min(n - 1, Math.max(0, rank - 1))];
}

export function percentiles(values: readonly number[], ps: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return ps.map((p) => percentile(sorted, p));
}

// Go's traceviewer.TimeHistogram: bucket i holds durations d with floor(ln d / ln 10^(1/5)) = i.
const logDiv = Math.log(Math.pow(10, 1 / 5));

export function bucketOf(ns: number): number {
  return ns > 0 ? Math.floor(Math.log(ns) / logDiv) : 0;
}

/** Lower bound of a bucket, truncated to whole nanoseconds as Go's time.Duration conversion does. */
export function bucketMin(bucket: number): number {
  return Math.trunc(Math.exp(bucket * logDiv));
}

export interface DurationHistogram {
  /** Lower bound (ns) of each bucket from the smallest to the largest non-empty one, plus the upper end. */
  edges: number[];
  counts: number[];
  firstBucket: number;
}

export function durationHistogram(durations: readonly number[]): DurationHistogram {
  if (durations.length === 0) return { edges: [], counts: [], firstBucket: 0 };
  let lo = Infinity;
  let hi = -Infinity;
  const byBucket = new Map<number, number>();
  for (const d of durations) {
    const b = bucketOf(d);
    byBucket.set(b, (byBucket.get(b) ?? 0) + 1);
    lo = Math.min(lo, b);
    hi = Math.max(hi, b);
  }
  const counts: number[] = [];
  const edges: number[] = [];
  for (let b = lo; b <= hi; b++) {
    counts.push(byBucket.get(b) ?? 0);
    edges.push(bucketMin(b));
  }
  edges.push(bucketMin(hi + 1));
  return { edges, counts, firstBucket: lo };
}
