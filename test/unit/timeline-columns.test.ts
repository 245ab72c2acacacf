// The compact columns behind the timeline and the goroutine summary: each one checked against
// the plain arrays it replaces, on data that exercises its escapes (big steps, jumps, widening).

import { describe, expect, it } from 'vitest';
import { DELTA_MINUS, DELTA_PLUS, DeltaCounterBuilder, PlainCounter } from '../../parser/model/timeline-counter.ts';
import { ChunkedColumn, NarrowChunkedColumn, narrowed, RecordCursor } from '../../parser/model/timeline-columns.ts';
import { sortIndicesByKeys } from '../../parser/model/timeline-sort.ts';
import { buildStateRows, StateRowsBuilder } from '../../parser/model/timeline-states.ts';
import { GoroutineRecords } from '../../parser/model/timeline-goroutines.ts';
import { buildSliceColumns, SliceStore } from '../../parser/model/timeline-slices.ts';
import { stateRowSpans } from '../../parser/model/timeline.ts';
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

  it('pushSteps (±1 moves the writer knows) builds the same counter as push (whole points)', () => {
    // A random walk of ±1 steps on 5 series across many blocks, with big and fractional time steps.
    const next = random(19);
    const n = 20000;
    const byPoints = new DeltaCounterBuilder('Goroutines', ['a', 'b', 'c', 'd', 'e']);
    const bySteps = new DeltaCounterBuilder('Goroutines', ['a', 'b', 'c', 'd', 'e']);
    const v = [3, 0, 7, 1, 0];
    let t = 500;
    byPoints.push(t, v);
    bySteps.push(t, v);
    for (let i = 1; i < n; i++) {
      t += next() < 0.01 ? 1e6 * next() : Math.floor(next() * 200);
      let code = 0;
      for (let k = 0; k < v.length; k++) {
        const r = next();
        if (r < 0.2) { v[k]++; code |= DELTA_PLUS << (2 * k); }
        else if (r < 0.35 && v[k] > 0) { v[k]--; code |= DELTA_MINUS << (2 * k); }
      }
      byPoints.push(t, v);
      bySteps.pushSteps({ time: t }, code);
    }
    const a = byPoints.build(4);
    const b = bySteps.build(4);
    expect(b.length).toBe(n);
    expect(Array.from(b.time)).toEqual(Array.from(a.time));
    expect(b.values.map((x) => Array.from(x))).toEqual(a.values.map((x) => Array.from(x)));
    expect(b.pixels(500, t, (t - 500) / 700)).toEqual(a.pixels(500, t, (t - 500) / 700));
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

// The finishing steps of the timeline builder, each against a naive version of what it replaces.
describe('timeline finishing', () => {
  it('sorts indices by two keys like a stable comparator sort, on nearly sorted and scrambled input', () => {
    const next = random(17);
    for (const scramble of [0, 0.01, 0.3, 1]) {
      const n = 5000;
      const key1 = new Float64Array(n);
      const key2 = new Float64Array(n);
      let t = 0;
      for (let i = 0; i < n; i++) {
        t += Math.floor(next() * 3); // many ties
        key1[i] = next() < scramble ? Math.floor(next() * t) : t;
        key2[i] = Math.floor(next() * 4);
      }
      const order = Uint32Array.from({ length: n }, (_, i) => i);
      const want = Array.from(order).sort((a, b) => key1[a] - key1[b] || key2[a] - key2[b]);
      sortIndicesByKeys(order, key1, key2);
      expect(Array.from(order), `scramble ${scramble}`).toEqual(want);
    }
  });

  it('chunked columns that start small grow into full chunks and keep every value', () => {
    const plain = new ChunkedColumn(Float64Array, 4);
    const narrow = new NarrowChunkedColumn(4);
    const want: number[] = [];
    const next = random(23);
    for (let i = 0; i < 150000; i++) {
      const v = next() < 0.0005 ? -3 : Math.floor(next() * (i < 1000 ? 200 : 60000));
      plain.push(v);
      narrow.push(v);
      want.push(v);
    }
    expect(Array.from(plain.trimmed())).toEqual(want);
    expect(Array.from(narrow.trimmed())).toEqual(want);
    for (let i = 0; i < want.length; i += 331) expect(narrow.get(i)).toBe(want[i]);
  });

  it('overwrites values of narrow columns, widening the chunk', () => {
    const col = new NarrowChunkedColumn();
    for (let i = 0; i < 100000; i++) col.push(i % 7);
    col.set(5, 2 ** 33);
    col.set(99999, -2);
    expect(col.get(5)).toBe(2 ** 33);
    expect(col.get(4)).toBe(4);
    expect(col.get(99999)).toBe(-2);
    expect(col.get(99998)).toBe(99998 % 7);
    const picked = col.permutedNarrow(Uint32Array.from([0, 1, 2, 99999]));
    expect(picked).toBeInstanceOf(Float64Array);
    expect(Array.from(picked)).toEqual([0, 1, 2, -2]);
  });

  it('gathers by orders of long runs, runs across chunk boundaries and loose indices as element by element does', () => {
    const next = random(41);
    const n = 3 * 65536 + 500;
    const plain = new ChunkedColumn(Float64Array);
    const narrow = new NarrowChunkedColumn();
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      // Mostly bytes; one chunk widened by a big id, one by a negative one, one by a fraction.
      const v = i === 70000 ? 2 ** 20 : i === 140000 ? -7 : i === 190000 ? 0.5 : Math.floor(next() * 200);
      plain.push(v);
      narrow.push(v);
      values.push(v);
    }
    // Runs of every length (1 to thousands, some across a chunk's end), shuffled among loose picks.
    const order: number[] = [];
    for (let at = 0; at < n; ) {
      const r = next();
      const length = Math.min(n - at, r < 0.4 ? 1 + Math.floor(next() * 15) : r < 0.8 ? 16 + Math.floor(next() * 64) : 1000 + Math.floor(next() * 5000));
      if (next() < 0.3) for (let k = length - 1; k >= 0; k--) order.push(at + k);
      else for (let k = 0; k < length; k++) order.push(at + k);
      at += length + (next() < 0.2 ? 3 : 0);
    }
    order.splice(100, 0, 65535, 65536, 65537, 5, 131071, 131072, 70000, 140000, 190000);
    const want = order.map((i) => values[i]);
    const o = Uint32Array.from(order);
    expect(Array.from(plain.permuted(o))).toEqual(want);
    expect(Array.from(narrow.permutedNarrow(o))).toEqual(want);
    expect(narrow.permutedNarrow(o)).toBeInstanceOf(Float64Array);
  });

  it('appends records to several columns through one cursor, widening narrow chunks, and overwrites never-written ones', () => {
    const next = random(11);
    const n = 3 * 65536 + 123;
    const time = new ChunkedColumn(Float64Array, 1024);
    const id = new NarrowChunkedColumn(1024);
    const late = new NarrowChunkedColumn(1024);
    const cursor = new RecordCursor([time, id, late]);
    const expectTime: number[] = [];
    const expectId: number[] = [];
    const expectLate = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const t = next() * 1e12;
      const r = next();
      const v = r < 0.9 ? Math.floor(next() * 200) : r < 0.99 ? Math.floor(next() * 70000) : r < 0.995 ? -Math.floor(next() * 5e9) : 0.5 + i;
      const o = cursor.next();
      time.current[o] = t;
      id.store(o, v);
      expectTime.push(t);
      expectId.push(v);
      // Some records get a later value, after more have been appended.
      if (i > 10 && next() < 0.3) {
        const k = i - Math.floor(next() * 10);
        const w = next() < 0.95 ? Math.floor(next() * 300) : Math.floor(next() * 1e10);
        late.set(k, w);
        expectLate[k] = w;
      }
    }
    cursor.seal();
    expect(time.length).toBe(n);
    expect(Array.from(time.trimmed())).toEqual(expectTime);
    expect(Array.from(id.trimmed())).toEqual(expectId);
    expect(Array.from(late.trimmed())).toEqual(expectLate);
  });

  it('groups state spans by row in push order, however rows interleave, close and come back', () => {
    const records = new GoroutineRecords();
    const states = new StateRowsBuilder(records, { startTime: 0 });
    const rows = 300;
    for (let r = 0; r < rows; r++) records.add();
    const want: number[][] = Array.from({ length: rows }, () => []);
    const next = random(29);
    // More spans than one 65 536-value chunk holds: blocks also straddle chunk boundaries.
    for (let i = 0; i < 150000; i++) {
      const row = Math.floor(next() ** 2 * rows);
      if (next() < 0.05) {
        states.close(row);
        continue;
      }
      const stack = next() < 0.01 ? 2 ** 35 : Math.floor(next() * 1000);
      states.push(row, i, i % 5, i % 3, stack);
      want[row].push(i, i % 5, i % 3, stack);
    }
    const rowOfK = Uint32Array.from({ length: rows }, (_, k) => (k * 7) % rows);
    const kOfRow = new Uint32Array(rows);
    rowOfK.forEach((row, k) => (kOfRow[row] = k));
    const built = buildStateRows(states.staged(), rowOfK, kOfRow);
    for (let k = 0; k < rows; k++) {
      const got: number[] = [];
      const row = stateRowSpans({ ...built, rowEnd: new Float64Array(rows), rowEndStack: new Uint8Array(rows) }, k);
      for (let i = row.lo; i < row.hi; i++) got.push(row.start[i], row.state[i], row.reason[i], row.stack[i]);
      expect(got, `row ${rowOfK[k]}`).toEqual(want[rowOfK[k]]);
    }
  });

  it('reads short-lived goroutines\u2019 rows in place, a block that would cross a chunk\u2019s end starting the next chunk', () => {
    const records = new GoroutineRecords();
    const states = new StateRowsBuilder(records, { startTime: 0 });
    // 20 000 goroutines of 5 spans each, one after another: the block of row 13 107 would hold
    // spans 65 535 … 65 539, across the first chunk's end.
    const rows = 20000;
    const want: number[][] = [];
    for (let row = 0; row < rows; row++) {
      records.add();
      want.push([]);
      for (let j = 0; j < 5; j++) {
        const i = row * 5 + j;
        states.push(row, i, j, row % 7, i % 300);
        want[row].push(i, j, row % 7, i % 300);
      }
      states.close(row);
    }
    const identity = Uint32Array.from({ length: rows }, (_, k) => k);
    const built = buildStateRows(states.staged(), identity, identity);
    expect(built.spans).toBe(rows * 5);
    const st = { ...built, rowEnd: new Float64Array(rows), rowEndStack: new Uint8Array(rows) };
    for (let k = 0; k < rows; k++) {
      const row = stateRowSpans(st, k);
      const got: number[] = [];
      for (let i = row.lo; i < row.hi; i++) got.push(row.start[i], row.state[i], row.reason[i], row.stack[i]);
      expect(got, `row ${k}`).toEqual(want[k]);
    }
    // In place, in the pass's two chunks: row 13 107 begins the second one (one value left unused).
    expect(built.start.length).toBe(2);
    expect(built.rowFirst[13106]).toBe(13106 * 5);
    expect(built.rowFirst[13107]).toBe(65536);
  });

  it('lays slices out by track and lane as a sort of all slices by (track, start, end descending) with greedy lanes does', () => {
    const next = random(31);
    const trackCount = 6;
    type Slice = { track: number; start: number; end: number; kind: number; goroutine: number; name: number; startStack: number; endStack: number };
    const all: Slice[] = [];
    const fixed = [0, 1, 2].map((track) => ({ track, store: new SliceStore() }));
    const goroutine = new SliceStore();
    const goroutineTrack: number[] = [];
    for (let i = 0; i < 6000; i++) {
      const track = Math.floor(next() * trackCount);
      const start = Math.floor(i / 2) + Math.floor(next() * 5) - (next() < 0.02 ? 500 : 0);
      const s: Slice = {
        track, start, end: start + Math.floor(next() * 8), kind: i % 4, goroutine: next() < 0.1 ? -1 : Math.floor(next() * 1e6),
        name: Math.floor(next() * 50), startStack: Math.floor(next() * 300), endStack: next() < 0.01 ? 70000 : 0,
      };
      all.push(s);
      const store = track < 3 ? fixed[track].store : goroutine;
      if (track >= 3) goroutineTrack.push(track);
      store.push(s.start, s.end, s.kind, s.goroutine, s.name, s.startStack, s.endStack);
    }
    const built = buildSliceColumns({ trackCount, fixed, goroutine, goroutineTrack: Uint32Array.from(goroutineTrack) });

    const want: Slice[] = [];
    const segments: number[] = [];
    for (let t = 0; t < trackCount; t++) {
      const mine = all.filter((s) => s.track === t).sort((a, b) => a.start - b.start || b.end - a.end);
      const laneEnds: number[] = [];
      const lanes = mine.map((s) => {
        let l = laneEnds.findIndex((e) => e <= s.start);
        if (l < 0) l = laneEnds.push(s.end) - 1;
        else laneEnds[l] = s.end;
        return l;
      });
      expect(built.trackLanes[t]).toBe(laneEnds.length);
      for (let l = 0; l < laneEnds.length; l++) {
        segments.push(want.length);
        mine.forEach((s, i) => lanes[i] === l && want.push(s));
      }
    }
    segments.push(want.length);
    expect(Array.from(built.segmentOffset)).toEqual(segments);
    const got = Array.from(built.start, (_, i) => ({
      track: all[0].track, start: built.start[i], end: built.end[i], kind: built.kind[i], goroutine: built.goroutine[i],
      name: built.name[i], startStack: built.startStack[i], endStack: built.endStack[i],
    }));
    expect(got).toEqual(want.map((s) => ({ ...s, track: all[0].track })));
  });
});
