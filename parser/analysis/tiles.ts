// Tile queries over the timeline model: for a set of tracks and a time range, the spans
// merged below one pixel (keeping the dominant state by duration and counting what was
// merged), in parallel arrays so a screenful is a few hundred kB of JSON at most.
// Fetching is the client's business; this module only answers (tracks, start, end, resolution).

import { resized } from '../model/typed-arrays.ts';
import type { TraceTables } from '../model/tables.ts';
import {
  goroutineSpanStateNames,
  sliceKindNames,
  stateSpansIn,
  type SliceColumns,
  type StateRowSpans,
  type TimelineModel,
  type TrackDescriptor,
} from '../model/timeline.ts';
import { lowerBound, type IntColumn } from '../model/timeline-columns.ts';
import { levelColumns, sliceLaneKey, stateLaneKey } from './tiles-pyramid.ts';

export interface TileQuery {
  tracks: readonly number[];
  start: number;
  end: number;
  /** Nanoseconds per pixel; spans shorter than this are merged with their neighbours. */
  resolution: number;
}

/**
 * The spans of one track in a tile, as parallel arrays (absolute trace ns, like /api/trace).
 * `depth` 0 is the first lane; goroutine tracks put their state row at depth 0 and their
 * ranges (mark assist, STW) below it. `kind` and `label` index the tile's `strings`: kind is
 * a goroutine state ("running", "runnable", "waiting", "waiting (GC)", "syscall") or a slice
 * kind ("goroutine", "syscall", "syscall (blocked)", "range"); label is the slice's name
 * (goroutine name, range name) or a waiting reason. `merged` is how many spans an entry
 * stands for: 1 is one exact span, more is a sub-pixel run shown by its dominant kind/label.
 */
export interface SpanTrackTile {
  id: number;
  shape: 'spans';
  start: number[];
  end: number[];
  depth: number[];
  kind: number[];
  label: number[];
  /** The goroutine of the span, or -1 (GC, STW, sweep, and merged entries of mixed goroutines). */
  goroutine: number[];
  merged: number[];
  /** Stack ids (resolve with /api/stacks/:id); 0 for merged entries and unknown stacks. */
  startStack: number[];
  endStack: number[];
}

/** A counter track: at most one point per pixel, each holding the maxima of the merged points. */
export interface CounterTrackTile {
  id: number;
  shape: 'counter';
  time: number[];
  series: { name: string; values: number[] }[];
  merged: number[];
}

export type TrackTile = SpanTrackTile | CounterTrackTile;

export interface Tile {
  start: number;
  end: number;
  resolution: number;
  strings: string[];
  tracks: TrackTile[];
}

/**
 * A span track as /api/timeline/tile sends it: SpanTrackTile with its times as integer-ns
 * deltas. Absolute times are 12-digit numbers (over half of a zoomed-out tile's bytes, and slow
 * to stringify as doubles); deltas are mostly small integers. Entry i of a lane (a run of equal
 * `depth`) starts `gap[i]` after the previous entry's end — the lane's first after ⌊tile start⌋
 * (negative when it began earlier) — and lasts `duration[i]`. Model times are integer ns, so
 * the sums give them back exactly.
 */
export type SpanTrackWire = Omit<SpanTrackTile, 'start' | 'end'> & { gap: number[]; duration: number[] };

/** A counter track as sent: point i is at the previous point's time + gap[i] (the first: ⌊tile start⌋ + gap[0]). */
export type CounterTrackWire = Omit<CounterTrackTile, 'time'> & { gap: number[] };

export type TrackWire = SpanTrackWire | CounterTrackWire;

/** The body of /api/timeline/tile. */
export type TileWire = Omit<Tile, 'tracks'> & { tracks: TrackWire[] };

/** Where a tile's time deltas start: ⌊tile start⌋ (an integer, so the deltas stay exact). */
export function tileTimeOrigin(tileStart: number): number {
  return Math.floor(tileStart);
}

/** Dominant-state estimation looks at no more than this many spans per merged entry. */
const MAX_SCAN_PER_ENTRY = 16;

/** Tile-local string table: JSON carries each distinct text once. */
class TileStrings {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  // Model string id → tile id, so a label is resolved (and a goroutine name built) once per tile.
  private readonly ofModel = new Map<number, number>();

  /** The tile id of the model's string `id`. */
  modelString(model: TimelineModel, id: number): number {
    let i = this.ofModel.get(id);
    if (i === undefined) {
      i = this.id(model.strings.get(id));
      this.ofModel.set(id, i);
    }
    return i;
  }

  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** The tile's tracks that exist, in request order. */
function existingTracks(model: TimelineModel, ids: readonly number[]): number[] {
  return ids.filter((id) => id >= 0 && id < model.trackCount);
}

/** A tile with absolute times (tests, tools); /api/timeline/tile sends queryTileWire's form. */
export function queryTile(model: TimelineModel, q: TileQuery): Tile {
  const resolution = Math.max(1, q.resolution);
  const strings = new TileStrings();
  const tracks: TrackTile[] = [];
  for (const id of existingTracks(model, q.tracks)) {
    if (model.trackKind(id) === 'counter') {
      tracks.push(counterTile(model, id, q.start, q.end, resolution));
      continue;
    }
    const out: SpanTrackTile = { id, shape: 'spans', start: [], end: [], depth: [], kind: [], label: [], goroutine: [], merged: [], startStack: [], endStack: [] };
    spanLanes(model, id, q.start, q.end, resolution, (depth, kindNames) =>
      laneSink(model, kindNames, out, depth, strings, () => {
        out.start.push(entryTimes[0]);
        out.end.push(entryTimes[1]);
      }));
    tracks.push(out);
  }
  return { start: q.start, end: q.end, resolution, strings: strings.list, tracks };
}

/**
 * The same tile in the wire form of /api/timeline/tile (times as deltas, SpanTrackWire),
 * written as the lanes merge: no absolute columns to build and convert.
 */
export function queryTileWire(model: TimelineModel, q: TileQuery): TileWire {
  const resolution = Math.max(1, q.resolution);
  const origin = tileTimeOrigin(q.start);
  const strings = new TileStrings();
  const tracks: TrackWire[] = [];
  for (const id of existingTracks(model, q.tracks)) {
    if (model.trackKind(id) === 'counter') {
      tracks.push(counterWire(counterTile(model, id, q.start, q.end, resolution), origin));
      continue;
    }
    const out: SpanTrackWire = { id, shape: 'spans', gap: [], duration: [], depth: [], kind: [], label: [], goroutine: [], merged: [], startStack: [], endStack: [] };
    spanLanes(model, id, q.start, q.end, resolution, (depth, kindNames) => {
      let previousEnd = origin;
      return laneSink(model, kindNames, out, depth, strings, () => {
        const s = entryTimes[0];
        const e = entryTimes[1];
        out.gap.push(s - previousEnd);
        out.duration.push(e - s);
        previousEnd = e;
      });
    });
    tracks.push(out);
  }
  return { start: q.start, end: q.end, resolution, strings: strings.list, tracks };
}

/** A counter track with its times as gaps from the previous point (the first from `origin`). */
function counterWire(t: CounterTrackTile, origin: number): CounterTrackWire {
  const gap: number[] = [];
  let previous = origin;
  for (const time of t.time) {
    gap.push(time - previous);
    previous = time;
  }
  return { id: t.id, shape: 'counter', gap, series: t.series, merged: t.merged };
}

/**
 * Merges each lane of a span track in drawing order — a goroutine's state row first, then
 * its slice lanes — into the sink `sinkFor` gives for the lane's depth.
 */
function spanLanes(model: TimelineModel, id: number, t0: number, t1: number, resolution: number, sinkFor: (depth: number, kindNames: readonly string[]) => EntrySink): void {
  let depth = 0;
  if (model.trackKind(id) === 'goroutine' && model.stateRowOfTrack[id] >= 0) stateLane(model, id, t0, t1, resolution, sinkFor(depth++, goroutineSpanStateNames));
  const lanes = model.slices.trackLanes[id];
  for (let lane = 0; lane < lanes; lane++) sliceLane(model, id, lane, t0, t1, resolution, sinkFor(depth++, sliceKindNames));
}

/**
 * A warm-up tile asks for the first this many tracks (GC, STW, procs, threads, then the first
 * goroutines: what the timeline shows first), a few goroutines spread over the rest and the counters.
 */
const WARM_TRACKS = 64;
/** Warm-up tiles: this many pixels wide, over the whole trace and windows 8, 64, 512… times narrower. */
const WARM_PIXELS = 1600;
const WARM_ZOOMS = [1, 8, 64, 512, 4096];

/**
 * Runs tiles like a session's first ones, through the wire form and JSON.stringify, and
 * discards them. On a fresh model the first tiles were 3–6× slower than the next ones: mergeLane
 * and the sinks had not yet met each kind of input (pyramid levels of each resolution, raw
 * slices, state rows, narrow columns), so the first overview and the first zooms ran in
 * unoptimised or deoptimised code (~60 ms instead of ~11 ms for a 180 MB trace's overview).
 * Warming meets each of them once, before the model is offered.
 */
export function warmTileQueries(model: TimelineModel): void {
  const tracks: number[] = [];
  const first = Math.min(model.counterTrackBase, WARM_TRACKS);
  for (let id = 0; id < first; id++) tracks.push(id);
  const goroutines = model.counterTrackBase - model.goroutineTrackBase;
  for (let k = 1; k < Math.min(goroutines, 8); k++) {
    const id = model.goroutineTrackBase + Math.floor((k * goroutines) / 8);
    if (id >= first) tracks.push(id);
  }
  for (let id = model.counterTrackBase; id < model.trackCount; id++) tracks.push(id);
  const span = Math.max(1, model.endTime - model.startTime);
  const middle = model.startTime + span / 2;
  for (const zoom of WARM_ZOOMS) {
    const width = span / zoom;
    const start = Math.round(middle - width / 2);
    const end = Math.round(middle + width / 2);
    if (end <= start) break;
    JSON.stringify(queryTileWire(model, { tracks, start, end, resolution: Math.max(1, width / WARM_PIXELS) }));
  }
}

/**
 * Accumulates duration per (kind, label, goroutine) for one merged entry; few keys (it sees at
 * most MAX_SCAN_PER_ENTRY spans and a few more), so flat typed lists reused from entry to entry:
 * emptying JS arrays by `length = 0` per entry cost a tenth of a busy tile.
 */
class Dominant {
  private kinds = new Float64Array(MAX_SCAN_PER_ENTRY * 2);
  private labels = new Float64Array(MAX_SCAN_PER_ENTRY * 2);
  private goroutines = new Float64Array(MAX_SCAN_PER_ENTRY * 2);
  private totals = new Float64Array(MAX_SCAN_PER_ENTRY * 2);
  private size = 0;

  reset(): void {
    this.size = 0;
  }

  add(kind: number, label: number, goroutine: number, duration: number): void {
    for (let i = 0; i < this.size; i++) {
      if (this.kinds[i] === kind && this.labels[i] === label && this.goroutines[i] === goroutine) {
        this.totals[i] += duration;
        return;
      }
    }
    if (this.size === this.kinds.length) this.grow();
    const i = this.size++;
    this.kinds[i] = kind;
    this.labels[i] = label;
    this.goroutines[i] = goroutine;
    this.totals[i] = duration;
  }

  best(): number {
    let b = 0;
    for (let i = 1; i < this.size; i++) if (this.totals[i] > this.totals[b]) b = i;
    return b;
  }

  kind(i: number) { return this.kinds[i]; }
  label(i: number) { return this.labels[i]; }
  goroutine(i: number) { return this.goroutines[i]; }

  private grow(): void {
    const capacity = this.kinds.length * 2;
    this.kinds = resized(this.kinds, capacity);
    this.labels = resized(this.labels, capacity);
    this.goroutines = resized(this.goroutines, capacity);
    this.totals = resized(this.totals, capacity);
  }
}

/** mergeLane's, reset per entry: one for every call (a pyramid's finish merges many thousands of lanes). */
const dominant = new Dominant();

/**
 * One lane's columns. Slice lanes have explicit ends; a goroutine state row does not (a span
 * ends where the next begins, the last at `rowEnd`). Typed arrays, not accessor closures, so
 * the merge loop stays monomorphic and fast.
 */
export interface LaneColumns {
  lo: number;
  hi: number;
  /** Upper bound of the state row (ends come from the next start); unused for slices. */
  rowHi: number;
  rowEnd: number;
  rowEndStack: number;
  start: Float64Array;
  end: Float64Array | null;
  kind: Uint8Array;
  label: IntColumn;
  /** Per-span goroutine (slices) or null with `fixedGoroutine` (a goroutine's own row). */
  goroutine: IntColumn | null;
  fixedGoroutine: number;
  stack: IntColumn;
  endStack: IntColumn | null;
  kindNames: readonly string[];
  /**
   * For pre-merged lanes (tiles-pyramid.ts): cumulative[i] is how many spans entries before i
   * stand for, so entry i stands for cumulative[i+1] − cumulative[i]. Null: one span each.
   */
  cumulative: Uint32Array | null;
}

/**
 * Where mergeLane puts each entry's start and end for its sink to read, instead of passing them:
 * a double passed to a call V8 does not inline is boxed, and a lane's sinks vary (tile columns,
 * pyramid levels), so the call is not inlined: an allocation per entry, millions in a finish.
 */
export const entryTimes = new Float64Array(2);

/** Receives the merged entries of one lane (times in entryTimes): kind and label as the lane's ids. */
export type EntrySink = (kind: number, label: number, goroutine: number, merged: number, startStack: number, endStack: number) => void;

/**
 * The merge: spans at least one pixel long are sent as they are; runs of shorter spans that
 * start in the same pixel (of the absolute grid, so panning keeps entries stable) become one
 * entry carrying the dominant (kind, label, goroutine) by duration.
 */
export function mergeLane(c: LaneColumns, resolution: number, emit: EntrySink): void {
  const { start, end, kind, label, goroutine, stack, hi, rowHi, cumulative } = c;
  const endOf = (i: number) => (end ? end[i] : i + 1 < rowHi ? start[i + 1] : c.rowEnd);
  const endStackOf = (i: number) => (c.endStack ? c.endStack[i] : i + 1 < rowHi ? stack[i + 1] : c.rowEndStack);
  const goroutineOf = (i: number) => (goroutine ? goroutine[i] : c.fixedGoroutine);
  const weight = (from: number, to: number) => (cumulative ? cumulative[to] - cumulative[from] : to - from);
  const dom = dominant;
  let i = c.lo;
  while (i < hi) {
    const s = start[i];
    const e = endOf(i);
    if (e - s >= resolution) {
      entryTimes[0] = s;
      entryTimes[1] = e;
      emit(kind[i], label[i], goroutineOf(i), weight(i, i + 1), stack[i], endStackOf(i));
      i++;
      continue;
    }
    const pixelEnd = (Math.floor(s / resolution) + 1) * resolution;
    let j = i + 1;
    while (j < hi && start[j] < pixelEnd && endOf(j) - start[j] < resolution) {
      j++;
      // A long run of tiny spans: find the pixel's end by binary search instead of walking.
      if (j - i > MAX_SCAN_PER_ENTRY) {
        j = lowerBound(start, j, hi, pixelEnd);
        break;
      }
    }
    // Spans in a lane do not overlap, so only the last span starting in the pixel can be long.
    let last = j;
    while (last > i + 1 && endOf(last - 1) - start[last - 1] >= resolution) last--;
    if (last === i + 1) {
      entryTimes[0] = s;
      entryTimes[1] = e;
      emit(kind[i], label[i], goroutineOf(i), weight(i, i + 1), stack[i], endStackOf(i));
      i++;
      continue;
    }
    dom.reset();
    const count = last - i;
    const step = Math.max(1, Math.floor(count / MAX_SCAN_PER_ENTRY));
    for (let k = i; k < last; k += step) dom.add(kind[k], label[k], goroutineOf(k), endOf(k) - start[k]);
    const b = dom.best();
    entryTimes[0] = s;
    entryTimes[1] = endOf(last - 1);
    emit(dom.kind(b), dom.label(b), dom.goroutine(b), weight(i, last), 0, 0);
    i = last;
  }
}

/** The columns a tile's span track has whatever form its times take. */
type SpanEntryColumns = Omit<SpanTrackTile, 'id' | 'shape' | 'start' | 'end'>;

/** Emits a lane's merged entries into a track: times through `time` (from entryTimes), lane ids as the tile's strings. */
function laneSink(model: TimelineModel, kindNames: readonly string[], out: SpanEntryColumns, depth: number, strings: TileStrings, time: () => void): EntrySink {
  // Lane kind id → tile string id, filled as kinds appear (a tile lists only the kinds it uses).
  const kindIds: number[] = [];
  return (k, l, g, merged, st, est) => {
    time();
    out.depth.push(depth);
    out.kind.push(kindIds[k] ??= strings.id(kindNames[k]));
    out.label.push(strings.modelString(model, l));
    out.goroutine.push(g);
    out.merged.push(merged);
    out.startStack.push(st);
    out.endStack.push(est);
  };
}

/** A slice lane's columns over [lo, hi). */
export function sliceLaneColumns(s: SliceColumns, lo: number, hi: number): LaneColumns {
  return {
    lo, hi, rowHi: hi, rowEnd: 0, rowEndStack: 0,
    start: s.start, end: s.end, kind: s.kind, label: s.name, goroutine: s.goroutine, fixedGoroutine: -1,
    stack: s.startStack, endStack: s.endStack, kindNames: sliceKindNames, cumulative: null,
  };
}

/** A state row's spans (of goroutine `goroutine`) over [lo, hi) of its arrays. */
export function stateRowColumns(row: StateRowSpans, goroutine: number, lo: number, hi: number): LaneColumns {
  return {
    lo, hi, rowHi: row.hi, rowEnd: row.end, rowEndStack: row.endStack,
    start: row.start, end: null, kind: row.state, label: row.reason, goroutine: null, fixedGoroutine: goroutine,
    stack: row.stack, endStack: null, kindNames: goroutineSpanStateNames, cumulative: null,
  };
}

function sliceLane(model: TimelineModel, track: number, lane: number, t0: number, t1: number, resolution: number, sink: EntrySink): void {
  const level = model.tilePyramids?.level(sliceLaneKey(model, track, lane), resolution);
  if (level) {
    mergeLane(levelColumns(level, sliceKindNames, t0, t1), resolution, sink);
    return;
  }
  const [lo, hi] = model.sliceRangeIn(track, lane, t0, t1);
  mergeLane(sliceLaneColumns(model.slices, lo, hi), resolution, sink);
}

function stateLane(model: TimelineModel, track: number, t0: number, t1: number, resolution: number, sink: EntrySink): void {
  const level = model.tilePyramids?.level(stateLaneKey(model, track), resolution);
  if (level) {
    mergeLane(levelColumns(level, goroutineSpanStateNames, t0, t1), resolution, sink);
    return;
  }
  const row = model.stateRowOf(track);
  if (row === null) return;
  const [lo, hi] = stateSpansIn(row, t0, t1);
  mergeLane(stateRowColumns(row, model.goroutineTracks.ids[track - model.goroutineTrackBase], lo, hi), resolution, sink);
}

/** Counter points in [t0, t1] (plus the one in force at t0), at most one per pixel holding the maxima of its points. */
function counterTile(model: TimelineModel, trackId: number, t0: number, t1: number, resolution: number): CounterTrackTile {
  const c = model.counters[trackId - model.counterTrackBase];
  const pixels = c.pixels(t0, t1, resolution);
  return { id: trackId, shape: 'counter', time: pixels.time, series: c.series.map((name, k) => ({ name, values: pixels.values[k] })), merged: pixels.merged };
}

/** Which goroutine tracks a track list carries (a trace may have millions of them). */
export interface TrackListOptions {
  /** The page of goroutine tracks, in goroutine-id order: skip this many… */
  goroutineOffset?: number;
  /** …and list at most this many (default: all). */
  goroutineLimit?: number;
  /** Goroutine ids whose tracks are listed whether or not they fall in the page. */
  goroutines?: readonly number[];
}

export type ListedTrack = TrackDescriptor & { series?: readonly string[] };

/**
 * The track list for /api/timeline/tracks, with the names of kinds and states for the legend:
 * every GC, STW, proc, thread and counter track, and a page of the goroutine tracks.
 */
export function listTracks(model: TimelineModel, options: TrackListOptions = {}): {
  startTime: number;
  endTime: number;
  /** All goroutine tracks, listed or not. */
  goroutineTrackCount: number;
  tracks: ListedTrack[];
  sliceKinds: readonly string[];
  goroutineStates: readonly string[];
} {
  const base = model.goroutineTrackBase;
  const total = model.goroutineTracks.ids.length;
  const first = Math.min(total, Math.max(0, options.goroutineOffset ?? 0));
  const last = Math.min(total, first + Math.max(0, options.goroutineLimit ?? total));
  const ids: number[] = [];
  for (let id = 0; id < base; id++) ids.push(id);
  const extra = new Set<number>();
  for (const g of options.goroutines ?? []) {
    const k = model.goroutineIndex(g);
    if (k >= 0 && (k < first || k >= last)) extra.add(base + k);
  }
  for (const id of [...extra].sort((a, b) => a - b)) if (id < base + first) ids.push(id);
  for (let k = first; k < last; k++) ids.push(base + k);
  for (const id of [...extra].sort((a, b) => a - b)) if (id >= base + last) ids.push(id);
  for (let id = model.counterTrackBase; id < model.trackCount; id++) ids.push(id);
  const tracks: ListedTrack[] = ids.map((id) => {
    const t = model.track(id)!;
    if (t.kind !== 'counter') return t;
    return { ...t, series: model.counters[id - model.counterTrackBase].series };
  });
  return { startTime: model.startTime, endTime: model.endTime, goroutineTrackCount: total, tracks, sliceKinds: sliceKindNames, goroutineStates: goroutineSpanStateNames };
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
  return {
    name: indices.map((i) => model.strings.get(f.name(i))),
    fromTime: indices.map((i) => f.fromTime(i)),
    toTime: indices.map((i) => f.toTime(i)),
    fromG: indices.map((i) => f.fromG(i)),
    fromP: indices.map((i) => f.fromP(i)),
    fromM: indices.map((i) => f.fromM(i)),
    toG: indices.map((i) => f.toG(i)),
    toP: indices.map((i) => f.toP(i)),
    toM: indices.map((i) => f.toM(i)),
    fromStack: indices.map((i) => f.fromStack(i)),
    truncated,
  };
}

/** Stack frames by stack id, innermost first; null for an unknown id. */
export function stackFrames(tables: TraceTables, id: number) {
  if (!Number.isInteger(id) || id < 0 || id >= tables.stackCount) return null;
  return tables.frames(id);
}
