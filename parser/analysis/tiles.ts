// Tile queries over the timeline model: for a set of tracks and a time range, the spans
// merged below one pixel (keeping the dominant state by duration and counting what was
// merged), in parallel arrays so a screenful is a few hundred kB of JSON at most.
// Fetching is the client's business; this module only answers (tracks, start, end, resolution).

import type { TraceTables } from '../model/tables.ts';
import {
  goroutineSpanStateNames,
  sliceKindNames,
  type TimelineModel,
  type TrackDescriptor,
} from '../model/timeline.ts';
import { lowerBound } from '../model/timeline-columns.ts';

export interface TileQuery {
  tracks: readonly number[];
  start: number;
  end: number;
  /** Nanoseconds per pixel; spans shorter than this are merged with their neighbours. */
  resolution: number;
}

/**
 * One lane of a tile, as parallel arrays. Times are integers, ns relative to the tile's
 * `start`. For slices `kind` is a SliceKind and `label` a goroutine id (GoroutineExec) or a
 * string id (Range); for goroutine state rows `kind` is a GoroutineSpanState and `label` the
 * reason's string id. `merged` is how many spans an entry stands for (1 = exact).
 */
export interface TileLane {
  start: number[];
  end: number[];
  kind: number[];
  label: number[];
  merged: number[];
  /** Stack ids of the span (only for unmerged spans; 0 otherwise). */
  stack: number[];
  endStack: number[];
}

export interface TileTrack {
  id: number;
  /** Goroutine tracks: the state row; absent for other tracks. */
  states?: TileLane;
  /** Slice lanes (nesting depth order). */
  lanes: TileLane[];
  /** Counter tracks: per-pixel points (time relative to tile start, maxima of each series). */
  counter?: { time: number[]; values: number[][]; merged: number[] };
}

export interface Tile {
  start: number;
  end: number;
  resolution: number;
  tracks: TileTrack[];
  /** Strings referenced by label (Range names, blocking reasons), by id. */
  strings: Record<number, string>;
  /** Goroutine names referenced by GoroutineExec labels. */
  goroutines: Record<number, string>;
}

/** Dominant-state estimation looks at no more than this many spans per merged entry. */
const MAX_SCAN_PER_ENTRY = 64;

export function queryTile(model: TimelineModel, q: TileQuery): Tile {
  const resolution = Math.max(1, q.resolution);
  const tile: Tile = { start: q.start, end: q.end, resolution, tracks: [], strings: {}, goroutines: {} };
  for (const id of q.tracks) {
    const track = model.tracks[id];
    if (!track) continue;
    const out: TileTrack = { id, lanes: [] };
    if (track.kind === 'counter') {
      out.counter = counterTile(model, id, q.start, q.end, resolution);
    } else {
      if (track.kind === 'goroutine' && model.stateRowOfTrack[id] >= 0) out.states = stateLane(model, id, q.start, q.end, resolution, tile);
      for (let lane = 0; lane < track.lanes; lane++) out.lanes.push(sliceLane(model, id, lane, q.start, q.end, resolution, tile));
    }
    tile.tracks.push(out);
  }
  return tile;
}

function emptyLane(): TileLane {
  return { start: [], end: [], kind: [], label: [], merged: [], stack: [], endStack: [] };
}

/** Accumulates duration per (kind, label) key for one merged entry; few keys, so a flat list. */
class Dominant {
  private keys: number[] = [];
  private labels: number[] = [];
  private kinds: number[] = [];
  private totals: number[] = [];

  reset(): void {
    this.keys.length = this.labels.length = this.kinds.length = this.totals.length = 0;
  }

  add(kind: number, label: number, duration: number): void {
    const key = kind * 4294967296 + label;
    const i = this.keys.indexOf(key);
    if (i >= 0) this.totals[i] += duration;
    else {
      this.keys.push(key);
      this.kinds.push(kind);
      this.labels.push(label);
      this.totals.push(duration);
    }
  }

  best(): [number, number] {
    let b = 0;
    for (let i = 1; i < this.totals.length; i++) if (this.totals[i] > this.totals[b]) b = i;
    return [this.kinds[b], this.labels[b]];
  }
}

interface SpanSource {
  lo: number;
  hi: number;
  start(i: number): number;
  end(i: number): number;
  kind(i: number): number;
  label(i: number): number;
  stack(i: number): number;
  endStack(i: number): number;
  /** First index in [from, hi) whose start is >= t (a binary search). */
  skipTo(from: number, hi: number, t: number): number;
}

/**
 * The merge: spans at least one pixel long are sent as they are; runs of shorter spans are
 * gathered into entries no longer than about a pixel, carrying the dominant (kind, label).
 * Entries never cross a pixel boundary of the absolute grid, so panning keeps them stable.
 */
function mergeLane(src: SpanSource, t0: number, resolution: number, tile: Tile, model: TimelineModel, isState: boolean): TileLane {
  const lane = emptyLane();
  const dom = new Dominant();
  const note = (kind: number, label: number) => {
    if (isState) { if (label) tile.strings[label] = model.strings.get(label); }
    else if (kind === 0) tile.goroutines[label] ??= model.goroutineNames.get(label) ?? `G${label}`;
    else if (label) tile.strings[label] = model.strings.get(label);
  };
  const emit = (s: number, e: number, kind: number, label: number, merged: number, stack: number, endStack: number) => {
    lane.start.push(Math.round(s - t0));
    lane.end.push(Math.round(e - t0));
    lane.kind.push(kind);
    lane.label.push(label);
    lane.merged.push(merged);
    lane.stack.push(stack);
    lane.endStack.push(endStack);
    note(kind, label);
  };
  let i = src.lo;
  while (i < src.hi) {
    const s = src.start(i);
    const e = src.end(i);
    if (e - s >= resolution) {
      emit(s, e, src.kind(i), src.label(i), 1, src.stack(i), src.endStack(i));
      i++;
      continue;
    }
    // Gather the short spans starting in this pixel.
    const pixelEnd = (Math.floor(s / resolution) + 1) * resolution;
    let j = i + 1;
    while (j < src.hi && src.start(j) < pixelEnd && src.end(j) - src.start(j) < resolution) {
      j++;
      // A long run of tiny spans: find the pixel's end by binary search instead of walking.
      if (j - i > MAX_SCAN_PER_ENTRY) {
        j = src.skipTo(j, src.hi, pixelEnd);
        break;
      }
    }
    // Spans in (i, j) start before pixelEnd; the last of them may be long: keep it separate.
    let last = j;
    while (last > i + 1 && src.end(last - 1) - src.start(last - 1) >= resolution) last--;
    if (last === i + 1) {
      emit(s, e, src.kind(i), src.label(i), 1, src.stack(i), src.endStack(i));
      i++;
      continue;
    }
    dom.reset();
    const count = last - i;
    const step = Math.max(1, Math.floor(count / MAX_SCAN_PER_ENTRY));
    for (let k = i; k < last; k += step) dom.add(src.kind(k), src.label(k), (src.end(k) - src.start(k)) * step);
    const [kind, label] = dom.best();
    emit(s, src.end(last - 1), kind, label, count, 0, 0);
    i = last;
  }
  return lane;
}

function sliceLane(model: TimelineModel, track: number, lane: number, t0: number, t1: number, resolution: number, tile: Tile): TileLane {
  const [lo, hi] = model.sliceRangeIn(track, lane, t0, t1);
  const s = model.slices;
  return mergeLane({
    lo, hi,
    start: (i) => s.start[i],
    end: (i) => s.end[i],
    kind: (i) => s.kind[i],
    label: (i) => s.label[i],
    stack: (i) => s.startStack[i],
    endStack: (i) => s.endStack[i],
    skipTo: (from, end, t) => lowerBound(s.start, from, end, t),
  }, t0, resolution, tile, model, false);
}

function stateLane(model: TimelineModel, track: number, t0: number, t1: number, resolution: number, tile: Tile): TileLane {
  const [lo, hi] = model.stateRangeIn(track, t0, t1);
  const [, rowHi] = model.stateRange(track);
  const row = model.stateRowOfTrack[track];
  const st = model.states;
  const end = (i: number) => (i + 1 < rowHi ? st.start[i + 1] : st.rowEnd[row]);
  return mergeLane({
    lo, hi,
    start: (i) => st.start[i],
    end,
    kind: (i) => st.state[i],
    label: (i) => st.reason[i],
    stack: (i) => st.stack[i],
    endStack: (i) => (i + 1 < rowHi ? st.stack[i + 1] : st.rowEndStack[row]),
    skipTo: (from, e, t) => lowerBound(st.start, from, e, t),
  }, t0, resolution, tile, model, true);
}

/** Counter points in [t0, t1] (plus the one in force at t0), at most one per pixel: the maxima. */
function counterTile(model: TimelineModel, trackId: number, t0: number, t1: number, resolution: number) {
  const c = model.counters.find((x) => x.id === trackId)!;
  const out = { time: [] as number[], values: c.values.map(() => [] as number[]), merged: [] as number[] };
  const first = Math.max(0, lowerBound(c.time, 0, c.time.length, t0, true) - 1);
  const last = lowerBound(c.time, first, c.time.length, t1, true);
  let i = first;
  while (i < last) {
    const pixelEnd = (Math.floor(c.time[i] / resolution) + 1) * resolution;
    let j = i + 1;
    while (j < last && c.time[j] < pixelEnd) j++;
    out.time.push(Math.round(c.time[i] - t0));
    c.values.forEach((col, k) => {
      let m = col[i];
      for (let x = i + 1; x < j; x++) if (col[x] > m) m = col[x];
      out.values[k].push(m);
    });
    out.merged.push(j - i);
    i = j;
  }
  return out;
}

/** The track list for /api/timeline/tracks, with the names of kinds and states for the legend. */
export function listTracks(model: TimelineModel): {
  startTime: number;
  endTime: number;
  tracks: (TrackDescriptor & { series?: readonly string[] })[];
  sliceKinds: readonly string[];
  goroutineStates: readonly string[];
} {
  const tracks = model.tracks.map((t) => {
    if (t.kind !== 'counter') return t;
    const c = model.counters.find((x) => x.id === t.id);
    return { ...t, series: c?.series ?? [] };
  });
  return { startTime: model.startTime, endTime: model.endTime, tracks, sliceKinds: sliceKindNames, goroutineStates: goroutineSpanStateNames };
}

export interface FlowsResult {
  /** go tool trace's arrow names: "go", "unblock (chan receive)", "exit blocked syscall"… */
  name: string[];
  fromTime: number[];
  toTime: number[];
  fromG: number[];
  fromP: number[];
  fromM: number[];
  toG: number[];
  toP: number[];
  toM: number[];
  fromStack: number[];
  truncated: boolean;
}

/** Flows whose arrow overlaps [start, end], absolute ns, at most `limit`. */
export function queryFlows(model: TimelineModel, start: number, end: number, limit = 20000): FlowsResult {
  const f = model.flows;
  const { indices, truncated } = model.flowsIn(start, end, limit);
  const pick = <T extends ArrayLike<number>>(col: T) => indices.map((i) => col[i]);
  return {
    name: indices.map((i) => model.strings.get(f.name[i])),
    fromTime: pick(f.fromTime),
    toTime: pick(f.toTime),
    fromG: pick(f.fromG),
    fromP: pick(f.fromP),
    fromM: pick(f.fromM),
    toG: pick(f.toG),
    toP: pick(f.toP),
    toM: pick(f.toM),
    fromStack: pick(f.fromStack),
    truncated,
  };
}

/** Stack frames by stack id, innermost first; null for an unknown id. */
export function stackFrames(tables: TraceTables, id: number) {
  if (!Number.isInteger(id) || id < 0 || id >= tables.stackCount) return null;
  return tables.frames(id);
}
