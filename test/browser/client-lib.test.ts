// The client's formatting and bucketing must read exactly like go tool trace's pages. The
// expected values were printed by Go 1.27 (time.Duration.String, and traceviewer's
// TimeHistogram bucket arithmetic) with a throw-away program; they are not our own guesses.

import { describe, expect, it } from 'vitest';
import { goDuration } from '../../client/lib/duration.ts';
import { bucketOf, bucketMin, durationHistogram, percentile } from '../../client/lib/stats.ts';
import { toCsv } from '../../client/lib/csv.ts';

const goDurationStrings: [number, string][] = [
  [0, '0s'], [1, '1ns'], [999, '999ns'], [1000, '1µs'], [1500, '1.5µs'], [999999, '999.999µs'],
  [1000000, '1ms'], [1234567, '1.234567ms'], [31323201, '31.323201ms'], [999999999, '999.999999ms'],
  [1000000000, '1s'], [1500000000, '1.5s'], [61000000000, '1m1s'], [3600000000000, '1h0m0s'],
  [3723500000000, '1h2m3.5s'], [-1500, '-1.5µs'], [556550891353, '9m16.550891353s'],
];

// [duration ns, Go's bucket, Go's BucketMin(bucket) in ns]
const goBuckets: [number, number, number][] = [
  [1, 0, 1], [9, 4, 6], [10, 4, 6], [1000, 14, 630], [1584, 15, 1000], [1585, 16, 1584],
  [25118, 21, 15848], [1000000, 29, 630957], [31323201, 37, 25118864],
];

describe('client formatting equals go tool trace', () => {
  it.each(goDurationStrings)('goDuration(%d) = %s', (ns, text) => {
    expect(goDuration(ns)).toBe(text);
  });

  it.each(goBuckets)('duration %d falls in bucket %d starting at %d ns', (ns, bucket, min) => {
    expect(bucketOf(ns)).toBe(bucket);
    expect(bucketMin(bucket)).toBe(min);
  });

  it('builds contiguous histogram buckets from the smallest to the largest', () => {
    const h = durationHistogram([1000, 1584, 1585, 25118]);
    expect(h.firstBucket).toBe(14);
    expect(h.counts).toEqual([1, 1, 1, 0, 0, 0, 0, 1]);
    expect(h.edges[0]).toBe(630);
    expect(h.edges.length).toBe(h.counts.length + 1);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 90), percentile(values, 99)]).toEqual([50, 90, 99]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('quotes CSV cells that need it', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1, null]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n1,\r\n');
  });
});
