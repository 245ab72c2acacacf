// The write-only and shift-and-mask fast paths of the analyses' columns give the same results
// as their general paths: DurationRows.setNewRow vs setRow, KeyedSums.addFirst vs add,
// IdSet.has around the bitmap's end and the dense limit, DenseIdIndex.set for ids on both
// sides of 2^31.

import { describe, expect, it } from 'vitest';
import { DurationRows, KeyedSums } from '../../parser/analysis/summary-columns.ts';
import { IdSet } from '../../parser/analysis/id-set.ts';
import { DenseIdIndex } from '../../parser/analysis/dense-id-index.ts';

// Inline values, the unset code, and what goes to the overflow map (long, negative, fractional).
const VALUES = [0, 1, 123456, 0xfffffffd, 0xfffffffe, 2 ** 40, -5, 2.5, Number.NaN];

describe('DurationRows.setNewRow', () => {
  it('stores a never-written row as setRow does', () => {
    const width = 7;
    const general = new DurationRows(width);
    const fresh = new DurationRows(width);
    const rows = 40000; // more than one chunk
    general.ensureRows(rows);
    fresh.ensureRows(rows);
    const values = new Float64Array(width);
    for (let row = 0; row < rows; row += 7) {
      for (let c = 0; c < width; c++) values[c] = VALUES[(row + c) % VALUES.length];
      general.setRow(row, values);
      fresh.setNewRow(row, values);
    }
    const want: number[] = [];
    const got: number[] = [];
    for (let row = 0; row < rows; row++) {
      for (let c = 0; c < width; c++) {
        want.push(general.get(row, c));
        got.push(fresh.get(row, c));
      }
    }
    expect(got).toEqual(want);
  });
});

describe('KeyedSums.addFirst', () => {
  it('starts a row as add does', () => {
    const general = new KeyedSums();
    const fresh = new KeyedSums();
    for (let row = 0; row < 50000; row += 3) {
      general.add(row, row % 5, row + 0.25);
      fresh.addFirst(row, row % 5, row + 0.25);
      // Later keys of the row go through add on both.
      general.add(row, 7, 1);
      fresh.add(row, 7, 1);
      general.add(row, row % 5, 2);
      fresh.add(row, row % 5, 2);
    }
    const want: number[] = [];
    const got: number[] = [];
    for (let row = 0; row < 50000; row++) {
      general.forEach(row, (k, v) => want.push(row, k, v));
      fresh.forEach(row, (k, v) => got.push(row, k, v));
    }
    expect(got).toEqual(want);
  });
});

describe('IdSet.has at the edges of its dense range', () => {
  it('answers as a Set for ids past the bitmap, at the dense limit and beyond 2^31', () => {
    const set = new IdSet();
    const want = new Set<number>();
    const probes = [0, 31, 32767, 32768, 1 << 20, IdSet.DENSE_LIMIT - 1, IdSet.DENSE_LIMIT, IdSet.DENSE_LIMIT + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 40, -1, 0.5];
    const check = () => {
      for (const id of probes) expect(set.has(id)).toBe(want.has(id));
    };
    check();
    for (const id of [IdSet.DENSE_LIMIT, 2 ** 31 - 1, 5, 2 ** 40]) {
      set.add(id);
      want.add(id);
      check();
    }
    set.add(1 << 20);
    want.add(1 << 20);
    check();
  });
});

describe('DenseIdIndex.set', () => {
  it('finds every id it was given, on both sides of 2^31 and past the dense limit', () => {
    const index = new DenseIdIndex();
    const ids = [0, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 65537, DenseIdIndex.DENSE_LIMIT - 1, DenseIdIndex.DENSE_LIMIT, 1.5, -3];
    ids.forEach((id, row) => index.set(id, row));
    ids.forEach((id, row) => expect(index.get(id)).toBe(row));
    expect(index.get(65537)).toBe(-1);
    expect(index.get(2 ** 31 + 1)).toBe(-1);
    const { ids: sorted, rows } = index.sortedEntries(ids.length);
    const want = ids.map((id, row) => [id, row]).sort((a, b) => a[0] - b[0]);
    expect(Array.from(sorted)).toEqual(want.map((e) => e[0]));
    expect(Array.from(rows)).toEqual(want.map((e) => e[1]));
  });
});
