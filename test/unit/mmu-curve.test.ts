// The MMU curve: Go's own TestMMU table (internal/trace/gc_test.go, values from Go's test
// suite), an independent brute-force MMU on random utilization functions, and band-count
// independence (Go's TestMMUTrace idea).

import { describe, expect, it } from 'vitest';
import { MmuCurve, mmuCurve, type UtilSeries } from '../../parser/analysis/mmu-curve.ts';

const series = (points: [number, number][]): UtilSeries => ({
  time: Float64Array.from(points.map((p) => p[0])),
  util: Float64Array.from(points.map((p) => p[1])),
});

/** Equal to 8 significant digits, as Go's aeq. */
function aeq(x: number, y: number): boolean {
  if (x < 0 && y < 0) [x, y] = [-x, -y];
  const factor = 1 - 10 ** -7;
  return x * factor <= y && y * factor <= x;
}

/**
 * The mean of a step function over [start, start + window], by direct integration; the
 * minimum over all windows is reached when an edge sits on a step, so those are the candidates.
 */
function bruteForceMMU(s: UtilSeries, window: number): number {
  const n = s.time.length;
  const first = s.time[0];
  const last = s.time[n - 1];
  window = Math.min(window, last - first);
  if (window <= 0) return 0;
  const integral = (a: number, b: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const lo = Math.max(a, s.time[i]);
      const hi = Math.min(b, i + 1 < n ? s.time[i + 1] : last);
      if (hi > lo) sum += s.util[i] * (hi - lo);
    }
    return sum;
  };
  let mmu = 1;
  for (let i = 0; i < n; i++) {
    for (const start of [s.time[i], s.time[i] - window]) {
      if (start < first || start + window > last) continue;
      mmu = Math.min(mmu, integral(start, start + window) / window);
    }
  }
  return mmu;
}

/** A deterministic random utilization function ending at 0, like a real one. */
function randomSeries(seed: number, points: number): UtilSeries {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out: [number, number][] = [];
  let t = 1_000_000;
  for (let i = 0; i < points - 1; i++) {
    out.push([t, Math.floor(next() * 5) / 4]);
    t += 1 + Math.floor(next() * 50_000);
  }
  out.push([t, 0]);
  return series(out);
}

describe('MMU curve', () => {
  // MU 1 on [0,1)s, 0 on [1,2)s, 1 on [2,3)s, 0 on [3,4)s, 1 on [4,5)s, end at 5s.
  const square = series([[0, 1], [1e9, 0], [2e9, 1], [3e9, 0], [4e9, 1], [5e9, 0]]);

  it("matches Go's TestMMU table", () => {
    const curve = new MmuCurve([square]);
    const cases: [window: number, mmu: number, worst: number[]][] = [
      [0, 0, []],
      [1e6, 0, [0, 0]],
      [1e9, 0, [0, 0]],
      [2e9, 0.5, [0.5, 0.5]],
      [3e9, 1 / 3, [1 / 3]],
      [4e9, 0.5, [0.5]],
      [5e9, 3 / 5, [3 / 5]],
      [6e9, 3 / 5, [3 / 5]],
    ];
    for (const [window, want, worst] of cases) {
      expect(aeq(want, curve.mmu(window)) || (want === 0 && curve.mmu(window) === 0), `window ${window}`).toBe(true);
      expect(curve.examples(window, 2).map((w) => w.mutatorUtil), `worst for ${window}`).toEqual(worst);
    }
  });

  it('returns the worst windows, worst first', () => {
    const curve = new MmuCurve([square]);
    expect(curve.examples(1e9, 2)).toEqual([{ time: 1e9, mutatorUtil: 0 }, { time: 3e9, mutatorUtil: 0 }]);
    const worst = curve.examples(1e9, 10);
    expect(worst.slice(0, 2).map((w) => w.time)).toEqual([1e9, 3e9]);
    // Worst first. (Go's claim that they are disjoint holds only against the first overlapping
    // window it finds in its heap; we keep its behaviour, which the goldens check.)
    for (let i = 1; i < worst.length; i++) expect(worst[i].mutatorUtil).toBeGreaterThanOrEqual(worst[i - 1].mutatorUtil);
  });

  it('agrees with brute force on random utilization functions', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const s = randomSeries(seed, 400);
      const curve = new MmuCurve([s]);
      for (let window = 1; window < 1e10; window *= 10) {
        const want = bruteForceMMU(s, window);
        const got = curve.mmu(window);
        expect(aeq(want, got) || Math.abs(want - got) < 1e-12, `seed ${seed} window ${window}: want ${want}, got ${got}`).toBe(true);
      }
    }
  });

  it('does not depend on the band count', () => {
    const s = randomSeries(42, 3000);
    const banded = new MmuCurve([s]);
    const oneBand = new MmuCurve([s], 1);
    for (let window = 1000; window < 1e9; window *= 7) {
      expect(aeq(banded.mmu(window), oneBand.mmu(window)) || banded.mmu(window) === oneBand.mmu(window)).toBe(true);
    }
  });

  it('takes the minimum over several series (per-P)', () => {
    const busy = series([[0, 1], [10, 0], [20, 1], [100, 0]]);
    const idle = series([[0, 1], [100, 0]]);
    expect(mmuCurve([busy, idle], [10, 20, 50])).toEqual([0, 0.5, 0.8]);
  });

  it('gives every percentile the MMU, as Go 1.27 does', () => {
    const curve = new MmuCurve([square]);
    expect(curve.mud(2e9, [0, 0.001, 0.01, 0.05])).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(curve.mud(2e9, [])).toEqual([]);
  });
});
