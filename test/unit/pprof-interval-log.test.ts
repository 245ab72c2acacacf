// The blocking profiles' interval log (parser/analysis/pprof.ts IntervalLog) gives back exactly
// what was pushed: ends stored as offsets from a chunk base, chunks closed early when an end
// is 2^32 ns or more past their base, and exact fallbacks for fractional, out-of-order and
// long intervals.

import { describe, expect, it } from 'vitest';
import { IntervalLog } from '../../parser/analysis/pprof.ts';

type Interval = [row: number, start: number, end: number, stack: number];

function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function readBack(log: IntervalLog, size = log.size): Interval[] {
  const out: Interval[] = [];
  log.forEach(size, (row, start, end, stack) => out.push([row, start, end, stack]));
  return out;
}

describe('IntervalLog', () => {
  it('keeps every interval exact across chunks, long gaps, fractions and reordering', () => {
    const next = random(3);
    const log = new IntervalLog();
    const want: Interval[] = [];
    let now = 1e12;
    for (let k = 0; k < 200_000; k++) {
      const r = next();
      if (r < 0.00005) now += 5e9 + Math.floor(next() * 1e9); // a gap past the 32-bit offset range
      else now += Math.floor(next() * 50);
      let end = now;
      if (r > 0.9999) end = now - 1000; // out of order
      let start = end - 1 - Math.floor(next() * 10_000);
      if (r > 0.9998 && r <= 0.9999) start = end - 2 ** 32 - 7; // long
      if (r > 0.9997 && r <= 0.9998) start += 0.25; // fractional
      const interval: Interval = [Math.floor(next() * 1000), start, end, Math.floor(next() * 50)];
      want.push(interval);
      log.push(interval[0], interval[1], interval[2], interval[3]);
    }
    expect(log.size).toBe(want.length);
    expect(readBack(log)).toEqual(want);
    // A damaged tail is dropped by asking for fewer.
    expect(readBack(log, 70_000)).toEqual(want.slice(0, 70_000));
  });

  it('starts from the first end when times are fractional', () => {
    const log = new IntervalLog();
    log.push(1, 10.5, 12.25, 3);
    log.push(2, 12, 13, 4);
    log.push(3, 2 ** 40, 2 ** 40 + 5, 5);
    expect(readBack(log)).toEqual([[1, 10.5, 12.25, 3], [2, 12, 13, 4], [3, 2 ** 40, 2 ** 40 + 5, 5]]);
  });
});
