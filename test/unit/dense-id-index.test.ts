// DenseIdIndex (goroutine id → row) on the ids real traces have: small and dense, millions of
// them — more than a Map can hold (2^24 entries; a 1.3 GB trace has 46 M goroutines) — and
// the odd huge one.

import { describe, expect, it } from 'vitest';
import { DenseIdIndex } from '../../parser/analysis/dense-id-index.ts';

describe('DenseIdIndex', () => {
  it('maps ids of every size and lists them in ascending order', () => {
    const index = new DenseIdIndex();
    const ids = [2 ** 40, 7, 0, 2 ** 31 + 7, 65535, 65536, 2 ** 24 + 5, 2 ** 31 - 1, 2 ** 35, 2 ** 53 - 1];
    ids.forEach((id, row) => index.set(id, row));
    ids.forEach((id, row) => expect(index.get(id)).toBe(row));
    for (const absent of [1, 65537, 2 ** 24 + 4, 2 ** 31, 2 ** 35 + 1, 2 ** 41, -1, 0.5]) expect(index.get(absent)).toBe(-1);
    const sorted = [...ids].sort((a, b) => a - b);
    const entries = index.sortedEntries(ids.length);
    expect(Array.from(entries.ids)).toEqual(sorted);
    expect(Array.from(entries.rows)).toEqual(sorted.map((id) => ids.indexOf(id)));
  });

  it('holds more ids than a Map can', () => {
    // Ids from 2^24 on, as in a trace that already created 16 M goroutines: 2^24 + 1000 of them.
    const index = new DenseIdIndex();
    const first = 2 ** 24;
    const n = 2 ** 24 + 1000;
    for (let row = 0; row < n; row++) index.set(first + row, row);
    expect(index.get(first)).toBe(0);
    expect(index.get(first + n - 1)).toBe(n - 1);
    expect(index.get(first + n)).toBe(-1);
    const { ids, rows } = index.sortedEntries(n);
    expect(ids[n - 1]).toBe(first + n - 1);
    expect(rows[n - 1]).toBe(n - 1);
  });
});
