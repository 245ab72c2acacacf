// Go's traceviewer.TimeHistogram (histogram.go): five logarithmic buckets per power of ten, as
// the /usertasks and /userregions pages draw duration distributions. JS's Math.log/exp give
// Go's amd64 results for every bucket edge below 2^53 ns (checked against Go 1.27 once:
// 254k durations around every edge), so the computation is repeated rather than tabulated.

/** log(10^(1/5)): the width of one bucket in natural-log units. */
const logDiv = Math.log(Math.pow(10, 1 / 5));

export interface HistogramBucket {
  /** Bucket index (0 holds durations below ~1.58ns, and zero or negative ones). */
  index: number;
  /** Go's BucketMin(index) and BucketMin(index + 1), the bounds go tool trace links with. */
  min: number;
  max: number;
  count: number;
}

export interface TimeHistogram {
  count: number;
  /** Every bucket from the lowest to the highest non-empty one, empty ones included (as drawn). */
  buckets: HistogramBucket[];
}

/** Go's BucketMin: the smallest duration in a bucket (truncated to whole ns). */
export function bucketMin(bucket: number): number {
  return Math.trunc(Math.exp(bucket * logDiv));
}

/** Go's bucket index for a duration. */
export function bucketOf(d: number): number {
  return d > 0 ? Math.trunc(Math.log(d) / logDiv) : 0;
}

/** Builds the histogram of `durations` as Go's Add then ToHTML would show it. */
export function timeHistogram(durations: Iterable<number>): TimeHistogram {
  const counts: number[] = [];
  let count = 0;
  // Go's MinBucket/MaxBucket start at 0 and MinBucket is reset whenever MaxBucket is still 0.
  let minBucket = 0;
  let maxBucket = 0;
  for (const d of durations) {
    const b = bucketOf(d);
    while (counts.length <= b) counts.push(0);
    counts[b]++;
    if (b < minBucket || maxBucket === 0) minBucket = b;
    if (b > maxBucket) maxBucket = b;
    count++;
  }
  const buckets: HistogramBucket[] = [];
  if (count > 0) {
    for (let i = minBucket; i <= maxBucket; i++) {
      buckets.push({ index: i, min: bucketMin(i), max: bucketMin(i + 1), count: counts[i] ?? 0 });
    }
  }
  return { count, buckets };
}
