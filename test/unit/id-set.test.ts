// IdSet (parser/analysis/id-set.ts) against a plain Set: dense, sparse, negative and
// fractional ids, deletes and clears, in a random sequence.

import { describe, expect, it } from 'vitest';
import { IdSet } from '../../parser/analysis/id-set.ts';

function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('IdSet', () => {
  it('behaves as a Set of numbers', () => {
    const next = random(11);
    const set = new IdSet();
    const want = new Set<number>();
    const pick = (): number => {
      const r = next();
      if (r < 0.7) return Math.floor(next() * 5000);
      if (r < 0.8) return Math.floor(next() * 2 ** 40); // beyond the bitmap
      if (r < 0.9) return -1 - Math.floor(next() * 3);
      return Math.floor(next() * 100) + 0.5;
    };
    for (let i = 0; i < 20000; i++) {
      const id = pick();
      const op = next();
      if (op < 0.6) {
        set.add(id);
        want.add(id);
      } else if (op < 0.95) {
        set.delete(id);
        want.delete(id);
      } else if (op < 0.9505) {
        set.clear();
        want.clear();
      }
      const probe = pick();
      expect(set.has(probe)).toBe(want.has(probe));
      expect(set.size).toBe(want.size);
    }
    for (const id of want) expect(set.has(id)).toBe(true);
    expect(set.has(IdSet.DENSE_LIMIT - 1)).toBe(want.has(IdSet.DENSE_LIMIT - 1));
  });
});
