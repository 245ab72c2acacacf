// Tile queries and model invariants on a randomly scheduled (but valid) event stream: state
// rows tile each goroutine's lifetime, a proc runs one goroutine at a time, lanes never
// overlap, and merging below a pixel keeps span counts and covered time.

import { describe, expect, it } from 'vitest';
import { EventKind, GoState, ProcState, ResourceKind, TraceEvent } from '../../parser/model/event.ts';
import { TraceTables } from '../../parser/model/tables.ts';
import { createTimelineModel } from '../../parser/model/timeline-builder.ts';
import { SliceKind, stateSpanEnd, type TimelineModel } from '../../parser/model/timeline.ts';
import { listTracks, queryFlows, queryTile, queryTileWire, stackFrames, type CounterTrackTile, type SpanTrackTile, type TileWire } from '../../parser/analysis/tiles.ts';
import { normalizeTile } from '../../client/controllers/timeline-adapter.ts';
import type { CounterTile, SpanTile } from '../../client/api/timeline-types.ts';

/** A tiny deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Simulates a scheduler with `procs` Ps and emits a valid v2-style event stream into the model. */
function simulate(seed: number, steps: number, procs = 4, tick = 1): TimelineModel {
  const rand = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const tables = new TraceTables();
  const stack = tables.internStack([tables.internFrame(1, 'main.work', 'w.go', 1)]);
  const analysis = createTimelineModel(tables);
  const ev = new TraceEvent();
  let t = 1000;
  const emit = (f: Partial<TraceEvent>) => {
    ev.reset();
    Object.assign(ev, { time: t }, f);
    analysis.handleEvent(ev);
  };
  const goT = (id: number, from: GoState, to: GoState, ctx: Partial<TraceEvent>) =>
    emit({ kind: EventKind.StateTransition, resourceKind: ResourceKind.Goroutine, resourceId: id, oldState: from, newState: to, stack, ...ctx });
  const procT = (id: number, from: ProcState, to: ProcState, m: number) =>
    emit({ kind: EventKind.StateTransition, resourceKind: ResourceKind.Proc, resourceId: id, oldState: from, newState: to, p: id, m });

  emit({ kind: EventKind.Sync });
  const running: number[] = new Array(procs).fill(-1); // goroutine on each P, -1 idle
  const procUp: boolean[] = new Array(procs).fill(true);
  const state = new Map<number, GoState>();
  const syscallOf = new Map<number, number>(); // g in syscall → its P (or -1 once the P is gone)
  let nextG = 1;
  for (let p = 0; p < procs; p++) procT(p, ProcState.Undetermined, ProcState.Running, 100 + p);
  for (let i = 0; i < 3; i++) {
    const g = nextG++;
    state.set(g, GoState.Runnable);
    goT(g, GoState.Undetermined, GoState.Runnable, { transitionStack: stack });
  }
  for (let step = 0; step < steps; step++) {
    t += (1 + Math.floor(rand() * 50)) * tick;
    const p = Math.floor(rand() * procs);
    const m = 100 + p;
    const g = running[p];
    if (!procUp[p]) {
      procUp[p] = true;
      procT(p, ProcState.Idle, ProcState.Running, m);
      continue;
    }
    if (g < 0) {
      const runnable = [...state].filter(([, s]) => s === GoState.Runnable).map(([id]) => id);
      if (runnable.length === 0) continue;
      const next = pick(runnable);
      state.set(next, GoState.Running);
      running[p] = next;
      goT(next, GoState.Runnable, GoState.Running, { g: -1, p, m });
      continue;
    }
    if (state.get(g) === GoState.Syscall) {
      if (rand() < 0.5) {
        state.set(g, GoState.Running);
        syscallOf.delete(g);
        goT(g, GoState.Syscall, GoState.Running, { g, p, m });
      } else {
        // Another M retakes the P; the goroutine returns later without it.
        procT(p, ProcState.Running, ProcState.Idle, 200);
        procUp[p] = false;
        running[p] = -1;
        syscallOf.set(g, -1);
        t += 5;
        state.set(g, GoState.Runnable);
        syscallOf.delete(g);
        goT(g, GoState.Syscall, GoState.Runnable, { g, p: -1, m });
      }
      continue;
    }
    const r = rand();
    if (r < 0.2) {
      const child = nextG++;
      state.set(child, GoState.Runnable);
      goT(child, GoState.NotExist, GoState.Runnable, { g, p, m, transitionStack: stack });
    } else if (r < 0.4) {
      state.set(g, GoState.Waiting);
      running[p] = -1;
      goT(g, GoState.Running, GoState.Waiting, { g, p, m, reason: pick(['chan receive', 'sync', 'sleep']) });
    } else if (r < 0.55) {
      const waiting = [...state].filter(([, s]) => s === GoState.Waiting).map(([id]) => id);
      if (waiting.length) {
        const w = pick(waiting);
        state.set(w, GoState.Runnable);
        goT(w, GoState.Waiting, GoState.Runnable, { g, p, m });
      }
    } else if (r < 0.7) {
      state.set(g, GoState.Runnable);
      running[p] = -1;
      goT(g, GoState.Running, GoState.Runnable, { g, p, m, reason: 'preempted' });
    } else if (r < 0.85) {
      state.set(g, GoState.Syscall);
      syscallOf.set(g, p);
      goT(g, GoState.Running, GoState.Syscall, { g, p, m });
    } else if (r < 0.9 && state.size > 4) {
      state.delete(g);
      running[p] = -1;
      goT(g, GoState.Running, GoState.NotExist, { g, p, m });
    } else {
      emit({ kind: EventKind.StackSample, g, p, m, stack });
    }
  }
  t += 10;
  emit({ kind: EventKind.Metric, name: '/gc/heap/goal:bytes', value: 1 << 20 });
  return analysis.finish();
}

describe('timeline invariants on a simulated schedule', () => {
  const model = simulate(42, 20000);

  it('tiles every goroutine lifetime with state spans, without gaps or overlaps', () => {
    let rows = 0;
    for (const track of model.tracks) {
      if (track.kind !== 'goroutine') continue;
      const row = model.stateRowOf(track.id)!;
      const { lo, hi } = row;
      expect(hi).toBeGreaterThan(lo);
      rows++;
      for (let i = lo; i < hi; i++) {
        const end = stateSpanEnd(row, i);
        expect(end).toBeGreaterThanOrEqual(row.start[i]);
        if (i > lo) expect(row.start[i]).toBe(stateSpanEnd(row, i - 1));
      }
      expect(row.end).toBeLessThanOrEqual(model.endTime);
    }
    expect(rows).toBeGreaterThan(100);
  });

  it('never runs two goroutines on one proc at once, and lanes never overlap', () => {
    let execs = 0;
    for (const track of model.tracks) {
      for (let lane = 0; lane < track.lanes; lane++) {
        const [lo, hi] = model.laneRange(track.id, lane);
        for (let i = lo + 1; i < hi; i++) expect(model.slices.start[i]).toBeGreaterThanOrEqual(model.slices.end[i - 1]);
      }
      if (track.kind !== 'proc') continue;
      const runs: [number, number][] = [];
      for (let lane = 0; lane < track.lanes; lane++) {
        const [lo, hi] = model.laneRange(track.id, lane);
        for (let i = lo; i < hi; i++) if (model.slices.kind[i] === SliceKind.GoroutineExec) runs.push([model.slices.start[i], model.slices.end[i]]);
      }
      runs.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < runs.length; i++) expect(runs[i][0]).toBeGreaterThanOrEqual(runs[i - 1][1]);
      execs += runs.length;
    }
    expect(execs).toBeGreaterThan(1000);
  });

  it('has as many proc execution slices as goroutine runs on a P', () => {
    // Each Runnable→Running on a P starts one proc-view slice; count them from the state rows.
    let runningSpans = 0;
    for (const track of model.tracks) {
      if (track.kind !== 'goroutine') continue;
      const { lo, hi, state } = model.stateRowOf(track.id)!;
      for (let i = lo; i < hi; i++) {
        // Running spans that follow a non-executing state (Syscall→Running continues the slice).
        if (state[i] === 2 && (i === lo || state[i - 1] !== 5)) runningSpans++;
      }
    }
    let execs = 0;
    for (let i = 0; i < model.slices.kind.length; i++) if (model.slices.kind[i] === SliceKind.GoroutineExec) execs++;
    const threadExecs = model.tracks.filter((t) => t.kind === 'thread').length;
    expect(threadExecs).toBeGreaterThan(0);
    // Proc and thread views both cut one slice per run: total = 2 × runs.
    expect(execs).toBe(2 * runningSpans);
  });

  it('merging at coarse resolution keeps span counts and covered time', () => {
    const ids = model.tracks.filter((t) => t.kind !== 'counter').map((t) => t.id);
    const pixels = 300;
    const fine = queryTile(model, { tracks: ids, start: model.startTime, end: model.endTime, resolution: 1 });
    const coarse = queryTile(model, { tracks: ids, start: model.startTime, end: model.endTime, resolution: (model.endTime - model.startTime) / pixels });
    let fineCount = 0;
    let coarseCount = 0;
    let coarseEntries = 0;
    fine.tracks.forEach((ftAny, k) => {
      const ft = ftAny as SpanTrackTile;
      const ct = coarse.tracks[k] as SpanTrackTile;
      const depths = new Set(ft.depth);
      for (const d of depths) {
        const f = ft.start.map((_, i) => i).filter((i) => ft.depth[i] === d);
        const c = ct.start.map((_, i) => i).filter((i) => ct.depth[i] === d);
        expect(f.every((i) => ft.merged[i] === 1)).toBe(true);
        fineCount += f.length;
        coarseCount += c.reduce((a, i) => a + ct.merged[i], 0);
        coarseEntries += c.length;
        // At most a long span and a merged entry per pixel.
        expect(c.length).toBeLessThanOrEqual(2 * pixels + 2);
        // Covered time: merged entries span from their first start to their last end.
        expect(ct.start[c[0]]).toBe(ft.start[f[0]]);
        expect(ct.end[c[c.length - 1]]).toBe(ft.end[f[f.length - 1]]);
        for (let i = 1; i < c.length; i++) expect(ct.start[c[i]]).toBeGreaterThanOrEqual(ct.end[c[i - 1]]);
        // The dominant kind of a merged entry is one of the kinds it merged.
        for (const i of c) expect(coarse.strings[ct.kind[i]]).toMatch(/^(running|runnable|waiting|syscall|goroutine|syscall \(blocked\)|range)$/);
      }
    });
    expect(coarseCount).toBe(fineCount);
    expect(coarseEntries).toBeLessThan(fineCount * 0.75);
  });

  it('answers a zoomed-in tile with exactly the spans that overlap it', () => {
    const track = model.tracks.find((t) => t.kind === 'proc' && t.resource === 0)!;
    const mid = Math.round((model.startTime + model.endTime) / 2);
    const tile = queryTile(model, { tracks: [track.id], start: mid, end: mid + 20000, resolution: 0.5 });
    const t = tile.tracks[0] as SpanTrackTile;
    const lane0 = t.start.map((_, i) => i).filter((i) => t.depth[i] === 0);
    const [lo, hi] = model.laneRange(track.id, 0);
    let expected = 0;
    for (let i = lo; i < hi; i++) if (model.slices.end[i] > mid && model.slices.start[i] < mid + 20000) expected++;
    expect(lane0.length).toBe(expected);
    expect(t.merged.every((x) => x === 1)).toBe(true);
    for (const i of lane0) {
      expect(tile.strings[t.kind[i]]).toBe('goroutine');
      expect(tile.strings[t.label[i]]).toBe(`G${t.goroutine[i]} main.work`);
    }
  });

  it('lists tracks in a stable order with counters last', () => {
    const list = listTracks(model);
    const kinds = list.tracks.map((t) => t.kind);
    expect(kinds.slice(0, 2)).toEqual(['gc', 'stw']);
    expect(kinds.slice(-3)).toEqual(['counter', 'counter', 'counter']);
    expect(list.tracks.every((t, i) => t.id === i)).toBe(true);
    const heap = list.tracks.find((t) => t.name === 'Heap')!;
    expect(heap.series).toEqual(['allocated', 'goal', 'nextGC']);
    const tile = queryTile(model, { tracks: [heap.id], start: model.startTime, end: model.endTime, resolution: 1 });
    const counter = tile.tracks[0] as CounterTrackTile;
    expect(counter.series.map((x) => x.name)).toEqual(['allocated', 'goal', 'nextGC']);
    expect(counter.series[1].values).toEqual([1 << 20]);
  });

  it('answers zoomed-out tiles from lane pyramids with the spans and extent the spans give', () => {
    const big = simulate(42, 80000, 4, 1000);
    const pyramids = big.tilePyramids!;
    expect(pyramids.bytes).toBeGreaterThan(0);
    const ids = big.tracks.filter((t) => t.kind !== 'counter').map((t) => t.id);
    for (const pixels of [40, 300, 1600]) {
      const q = { tracks: ids, start: big.startTime, end: big.endTime, resolution: (big.endTime - big.startTime) / pixels };
      const fast = queryTile(big, q);
      big.tilePyramids = null;
      const slow = queryTile(big, q);
      big.tilePyramids = pyramids;
      let pyramidLanes = 0;
      fast.tracks.forEach((ftAny, k) => {
        const ft = ftAny as SpanTrackTile;
        const st = slow.tracks[k] as SpanTrackTile;
        for (const d of new Set(st.depth)) {
          const f = ft.start.map((_, i) => i).filter((i) => ft.depth[i] === d);
          const s = st.start.map((_, i) => i).filter((i) => st.depth[i] === d);
          expect(f.reduce((a, i) => a + ft.merged[i], 0)).toBe(s.reduce((a, i) => a + st.merged[i], 0));
          expect(ft.start[f[0]]).toBe(st.start[s[0]]);
          expect(ft.end[f[f.length - 1]]).toBe(st.end[s[s.length - 1]]);
          expect(f.length).toBeLessThanOrEqual(2 * pixels + 2);
          for (let i = 1; i < f.length; i++) expect(ft.start[f[i]]).toBeGreaterThanOrEqual(ft.end[f[i - 1]]);
          if (f.length !== s.length || f.some((i, x) => ft.start[i] !== st.start[s[x]])) pyramidLanes++;
        }
      });
      // The coarse tiles did come from the pyramids (they group some entries differently).
      if (pixels === 40) expect(pyramidLanes).toBeGreaterThan(0);
    }
  });

  it('sends tiles with times as deltas that the client decodes back exactly', () => {
    const big = simulate(7, 20000, 4, 1000);
    const ids = big.tracks.map((t) => t.id);
    const span = big.endTime - big.startTime;
    // A fractional start (the origin is its floor), a whole-trace tile and a zoomed-in one.
    for (const [start, end, resolution] of [[big.startTime + 0.37, big.endTime, span / 1600], [big.startTime + span / 3, big.startTime + span / 2, 1]]) {
      const tile = queryTile(big, { tracks: ids, start, end, resolution });
      const wire = JSON.parse(JSON.stringify(queryTileWire(big, { tracks: ids, start, end, resolution }))) as TileWire;
      const decoded = normalizeTile(wire);
      let entries = 0;
      for (const want of tile.tracks) {
        const got = decoded.get(String(want.id))!;
        if (want.shape === 'counter') {
          expect(Array.from((got as CounterTile).time)).toEqual(want.time);
          expect((got as CounterTile).series.map((x) => Array.from(x.values))).toEqual(want.series.map((x) => x.values));
          continue;
        }
        const spans = got as SpanTile;
        entries += want.start.length;
        expect(Array.from(spans.start)).toEqual(want.start);
        expect(Array.from(spans.end)).toEqual(want.end);
        for (const column of ['depth', 'kind', 'label', 'goroutine', 'merged', 'startStack', 'endStack'] as const) expect(Array.from(spans[column])).toEqual(want[column]);
        expect(spans.strings).toEqual(tile.strings);
      }
      expect(entries).toBeGreaterThan(100);
    }
  });

  it('lists goroutine tracks a page at a time, plus the goroutines asked for', () => {
    const all = listTracks(model);
    const goroutines = all.tracks.filter((t) => t.kind === 'goroutine');
    expect(all.goroutineTrackCount).toBe(goroutines.length);
    const page = listTracks(model, { goroutineOffset: 10, goroutineLimit: 5, goroutines: [goroutines[0].resource, goroutines[40].resource] });
    const listed = page.tracks.filter((t) => t.kind === 'goroutine');
    expect(listed.map((t) => t.id)).toEqual([goroutines[0], ...goroutines.slice(10, 15), goroutines[40]].map((t) => t.id));
    expect(listed[1]).toEqual(goroutines[10]);
    // Every other track is always listed, with the same ids.
    expect(page.tracks.filter((t) => t.kind !== 'goroutine')).toEqual(all.tracks.filter((t) => t.kind !== 'goroutine'));
    expect(page.goroutineTrackCount).toBe(all.goroutineTrackCount);
  });

  it('finds flows in a range and resolves stacks', () => {
    const all = queryFlows(model, model.startTime, model.endTime);
    expect(all.name.length).toBe(model.flows.count);
    expect(new Set(all.name)).toEqual(new Set(['go', 'unblock (chan receive)', 'unblock (sync)', 'unblock (sleep)', 'exit blocked syscall']));
    const mid = (model.startTime + model.endTime) / 2;
    const part = queryFlows(model, mid, mid + 1000);
    for (let i = 0; i < part.name.length; i++) {
      expect(part.fromTime[i]).toBeLessThanOrEqual(mid + 1000);
      expect(part.toTime[i]).toBeGreaterThanOrEqual(mid);
    }
    const flows = model.flows.columns();
    const brute = Array.from(flows.fromTime).filter((f, i) => f <= mid + 1000 && flows.toTime[i] >= mid).length;
    expect(part.name.length).toBe(brute);
    expect(queryFlows(model, model.startTime, model.endTime, 10)).toMatchObject({ truncated: true });
  });
});

describe('stack frames', () => {
  it('resolves an interned stack and rejects unknown ids', () => {
    const tables = new TraceTables();
    const id = tables.internStack([tables.internFrame(5, 'main.f', 'f.go', 3)]);
    expect(stackFrames(tables, id)).toEqual([{ pc: 5, func: 'main.f', file: 'f.go', line: 3 }]);
    expect(stackFrames(tables, 999)).toBeNull();
    expect(stackFrames(tables, -1)).toBeNull();
  });
});
