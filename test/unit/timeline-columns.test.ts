// The compact columns behind the timeline and the goroutine summary: each one checked against
// the plain arrays it replaces, on data that exercises its escapes (big steps, jumps, widening).

import { describe, expect, it } from 'vitest';
import { DeltaCounterBuilder, PlainCounter } from '../../parser/model/timeline-counter.ts';
import { NarrowChunkedColumn, narrowed } from '../../parser/model/timeline-columns.ts';
import { DurationColumn, KeyedSums } from '../../parser/analysis/summary-columns.ts';

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A goroutine-counter-like series: ±1 steps, with rare jumps, long gaps and fractional times. */
function series(n: number, seed: number): { time: Float64Array; values: Int32Array[] } {
  const next = random(seed);
  const time = new Float64Array(n);
  const values = [0, 1, 2].map(() => new Int32Array(n));
  let t = 1000;
  const v = [5, 0, 100];
  for (let i = 0; i < n; i++) {
    const r = next();
    t += r < 0.01 ? 5e9 * next() : r < 0.02 ? 70000 : Math.floor(next() * 300);
    if (r > 0.995) t += 0.5;
    for (let k = 0; k < 3; k++) {
      const d = next();
      if (d < 0.3) v[k]++;
      else if (d < 0.6 && v[k] > 0) v[k]--;
      else if (d > 0.999) v[k] += 1000;
    }
    time[i] = t;
    for (let k = 0; k < 3; k++) values[k][i] = v[k];
  }
  return { time, values };
}

describe('delta-coded counters', () => {
  const { time, values } = series(5000, 7);
  const builder = new DeltaCounterBuilder('Goroutines', ['a', 'b', 'c']);
  for (let i = 0; i < time.length; i++) builder.push(time[i], [values[0][i], values[1][i], values[2][i]]);
  const delta = builder.build(3);
  const plain = new PlainCounter(3, 'Goroutines', ['a', 'b', 'c'], time, values);

  it('decodes every point exactly', () => {
    expect(delta.length).toBe(time.length);
    expect(Array.from(delta.time)).toEqual(Array.from(time));
    expect(delta.values.map((v) => Array.from(v))).toEqual(values.map((v) => Array.from(v)));
    expect(delta.bytes).toBeLessThan(plain.bytes / 3);
  });

  it('answers every tile as the plain series does', () => {
    const next = random(11);
    const first = time[0];
    const last = time[time.length - 1];
    for (let q = 0; q < 200; q++) {
      const a = first - 1000 + next() * (last - first + 2000);
      const b = a + next() * (last - first) * (q % 3 === 0 ? 1 : 0.01);
      const resolution = Math.max(1, (b - a) / (1 + Math.floor(next() * 2000)));
      expect(delta.pixels(a, b, resolution), `query ${q}`).toEqual(plain.pixels(a, b, resolution));
    }
    expect(delta.pixels(first, last, 1e12)).toEqual(plain.pixels(first, last, 1e12));
  });
});

describe('narrow chunked columns', () => {
  it('widens a chunk only when a value needs it, and keeps every value', () => {
    const col = new NarrowChunkedColumn();
    const want: number[] = [];
    const next = random(3);
    for (let i = 0; i < 200000; i++) {
      const r = next();
      const v = i < 70000 ? i % 200 : r < 0.001 ? -1 : r < 0.002 ? 2 ** 40 : r < 0.003 ? 70000 : Math.floor(r * 250);
      col.push(v);
      want.push(v);
    }
    for (let i = 0; i < want.length; i += 997) expect(col.get(i)).toBe(want[i]);
    const order = Uint32Array.from(want.keys()).reverse();
    const permuted = col.permutedNarrow(order);
    expect(permuted).toBeInstanceOf(Float64Array); // 2^40 fits nothing narrower
    expect(Array.from(permuted)).toEqual(want.slice().reverse());
    // The first 64k-value chunk held bytes only and never widened; the others met 2^40.
    expect(col.bytes).toBe(65536 + 3 * 65536 * 8);
  });

  it('narrows to the smallest exact type', () => {
    expect(narrowed([0, 255])).toBeInstanceOf(Uint8Array);
    expect(narrowed([0, 256])).toBeInstanceOf(Uint16Array);
    expect(narrowed([-1, 300])).toBeInstanceOf(Int16Array);
    expect(narrowed([-1, 70000])).toBeInstanceOf(Int32Array);
    expect(narrowed([0, 2 ** 32 - 1])).toBeInstanceOf(Uint32Array);
    expect(narrowed([0.5])).toBeInstanceOf(Float64Array);
  });
});

describe('summary columns', () => {
  it('keep durations exactly, long, negative, fractional and unset ones included', () => {
    const col = new DurationColumn();
    const values = [0, 1, 2 ** 32 - 3, 2 ** 32 - 2, 2 ** 32, 1e15, -5, 0.25, Number.NaN, 123456];
    values.forEach((v, i) => col.set(i, v));
    expect(values.map((_, i) => col.get(i))).toEqual(values);
    col.add(0, 2 ** 33);
    col.set(5, 7);
    expect(col.get(0)).toBe(2 ** 33);
    expect(col.get(5)).toBe(7);
    const permuted = col.permuted(Uint32Array.from([5, 0, 8]));
    expect([0, 1, 2].map((i) => permuted.get(i))).toEqual([7, 2 ** 33, Number.NaN]);
  });

  it('sum by key per row, in insertion order, like a map per row', () => {
    const sums = new KeyedSums();
    const maps = new Map<number, Map<number, number>>();
    const next = random(5);
    for (let i = 0; i < 5000; i++) {
      const row = Math.floor(next() * 300);
      const key = Math.floor(next() * 6);
      const dt = Math.floor(next() * 1000);
      sums.add(row, key, dt);
      let m = maps.get(row);
      if (!m) maps.set(row, (m = new Map()));
      m.set(key, (m.get(key) ?? 0) + dt);
    }
    sums.clear(7);
    maps.delete(7);
    for (let row = 0; row < 300; row++) {
      const got: [number, number][] = [];
      sums.forEach(row, (k, v) => got.push([k, v]));
      expect(got).toEqual([...(maps.get(row) ?? new Map()).entries()]);
      expect(sums.get(row, 3)).toBe(maps.get(row)?.get(3));
    }
  });
});
