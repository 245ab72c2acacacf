// Zoomed-out levels for the busy lanes of the timeline: a mipmap per lane, built once when the
// model is finished. Level k holds the lane already merged at BASE_RESOLUTION · 4^k ns per
// pixel (tiles.ts mergeLane, entries weighted by how many spans they stand for); a tile at
// resolution r re-merges the coarsest level finer than r, so it touches a few entries per pixel
// instead of every span of a million-span lane.

import { goroutineSpanStateNames, sliceKindNames, stateRowSpans, type SliceColumns, type StateColumns, type TimelineModel } from '../model/timeline.ts';
import { lowerBound, narrowed, type IntColumn } from '../model/timeline-columns.ts';
import { resized } from '../model/typed-arrays.ts';
import { entryTimes, mergeLane, sliceLaneColumns, stateRowColumns, type LaneColumns } from './tiles.ts';

/** Lanes with fewer spans are merged straight from their spans (cheap enough). */
const MIN_SPANS = 4096;
/** Resolution of level 0 (ns per pixel, ~66 µs); finer tiles read the spans (few per pixel by then). */
const BASE_RESOLUTION = 1 << 16;
/** Each level is this many times coarser than the previous one. */
const LEVEL_FACTOR = 4;
/** Levels stop once one would hold fewer entries than this (a whole-trace tile is that small). */
const MIN_LEVEL_ENTRIES = 256;
/** A level that does not merge the previous one by at least this much is not worth keeping. */
const MIN_SHRINK = 2;

/** One level: merged entries of a lane, non-overlapping and sorted, as mergeLane's input. */
export interface PyramidLevel {
  resolution: number;
  start: Float64Array;
  end: Float64Array;
  kind: Uint8Array;
  label: IntColumn;
  goroutine: IntColumn;
  startStack: IntColumn;
  endStack: IntColumn;
  /** cumulative[i]: spans stood for by the entries before i (length + 1 values). */
  cumulative: Uint32Array;
}

/** Levels by lane key (sliceLaneKey / stateLaneKey), finest first. */
export class TilePyramids {
  constructor(private readonly levels: ReadonlyMap<number, readonly PyramidLevel[]>) {}

  /** The coarsest level of the lane not coarser than `resolution`, or undefined (read the spans). */
  level(key: number, resolution: number): PyramidLevel | undefined {
    const levels = this.levels.get(key);
    if (!levels) return undefined;
    let best: PyramidLevel | undefined;
    for (const level of levels) {
      if (level.resolution > resolution) break;
      best = level;
    }
    return best;
  }

  get bytes(): number {
    let n = 0;
    for (const levels of this.levels.values()) {
      for (const l of levels) {
        n += l.start.byteLength + l.end.byteLength + l.kind.byteLength + l.label.byteLength + l.goroutine.byteLength
          + l.startStack.byteLength + l.endStack.byteLength + l.cumulative.byteLength;
      }
    }
    return n;
  }
}

/** Key of a slice lane: its segment. */
export function sliceLaneKey(model: TimelineModel, track: number, lane: number): number {
  return model.slices.trackSegment[track] + lane;
}

/** Key of a goroutine's state row (negative, apart from segments). */
export function stateLaneKey(model: TimelineModel, track: number): number {
  return -1 - model.stateRowOfTrack[track];
}

/** The entries of `level` overlapping [t0, t1), as mergeLane's input. */
export function levelColumns(level: PyramidLevel, kindNames: readonly string[], t0: number, t1: number): LaneColumns {
  const n = level.start.length;
  // Entries do not overlap, so their ends are sorted as well as their starts.
  const lo = lowerBound(level.end, 0, n, t0, true);
  const hi = lowerBound(level.start, lo, n, t1);
  return {
    lo, hi, rowHi: hi, rowEnd: 0, rowEndStack: 0,
    start: level.start, end: level.end, kind: level.kind, label: level.label, goroutine: level.goroutine, fixedGoroutine: -1,
    stack: level.startStack, endStack: level.endStack, kindNames, cumulative: level.cumulative,
  };
}

/**
 * Where buildLevel's merge writes its entries before they are copied out at their exact size:
 * typed arrays grown by doubling and reused for every level of every lane (no array of boxed
 * numbers per column and level).
 */
class LevelScratch {
  length = 0;
  start = new Float64Array(1024);
  end = new Float64Array(1024);
  kind = new Uint8Array(1024);
  label = new Float64Array(1024);
  goroutine = new Float64Array(1024);
  startStack = new Float64Array(1024);
  endStack = new Float64Array(1024);
  /** cumulative[i + 1]: spans stood for by entries 0…i (cumulative[0] = 0). */
  cumulative = new Uint32Array(1025);
  private total = 0;

  reset(): void {
    this.length = 0;
    this.total = 0;
  }

  /** mergeLane's sink. */
  readonly add = (k: number, l: number, g: number, merged: number, st: number, est: number): void => {
    const i = this.length;
    if (i === this.start.length) this.grow();
    this.start[i] = entryTimes[0];
    this.end[i] = entryTimes[1];
    this.kind[i] = k;
    this.label[i] = l;
    this.goroutine[i] = g;
    this.startStack[i] = st;
    this.endStack[i] = est;
    this.cumulative[i + 1] = this.total += merged;
    this.length = i + 1;
  };

  private grow(): void {
    const capacity = this.start.length * 2;
    this.start = resized(this.start, capacity);
    this.end = resized(this.end, capacity);
    this.kind = resized(this.kind, capacity);
    this.label = resized(this.label, capacity);
    this.goroutine = resized(this.goroutine, capacity);
    this.startStack = resized(this.startStack, capacity);
    this.endStack = resized(this.endStack, capacity);
    this.cumulative = resized(this.cumulative, capacity + 1);
  }
}

/** Merges a lane at `resolution` into a new level. */
function buildLevel(source: LaneColumns, resolution: number, scratch: LevelScratch): PyramidLevel {
  scratch.reset();
  mergeLane(source, resolution, scratch.add);
  const n = scratch.length;
  return {
    resolution,
    start: scratch.start.slice(0, n),
    end: scratch.end.slice(0, n),
    kind: scratch.kind.slice(0, n),
    label: narrowed(scratch.label, n),
    goroutine: narrowed(scratch.goroutine, n),
    startStack: narrowed(scratch.startStack, n),
    endStack: narrowed(scratch.endStack, n),
    cumulative: scratch.cumulative.slice(0, n + 1),
  };
}

/** Levels for one lane: level 0 from its spans, each next one from the previous level. */
function laneLevels(spans: LaneColumns, kindNames: readonly string[], scratch: LevelScratch): PyramidLevel[] {
  const levels: PyramidLevel[] = [];
  let source = spans;
  let count = spans.hi - spans.lo;
  for (let resolution = BASE_RESOLUTION; count > MIN_LEVEL_ENTRIES; resolution *= LEVEL_FACTOR) {
    const level = buildLevel(source, resolution, scratch);
    const n = level.start.length;
    // Worth keeping once it merges well; an early level that barely merges is skipped, not fatal.
    if (n * MIN_SHRINK <= spans.hi - spans.lo) levels.push(level);
    source = levelColumns(level, kindNames, -Infinity, Infinity);
    count = n;
  }
  return levels;
}

/** The pyramids of every lane with at least MIN_SPANS spans. */
export function buildTilePyramids(model: TimelineModel): TilePyramids {
  const hasRow = new Uint8Array(model.goroutineTracks.ids.length);
  for (let k = 0; k < hasRow.length; k++) if (model.stateRowOfTrack[model.goroutineTrackBase + k] >= 0) hasRow[k] = 1;
  return joinedPyramids(slicePyramidLevels(model.slices, model.trackCount), statePyramidLevels(model.states, hasRow, model.goroutineTracks.ids));
}

/** Levels of the busy slice lanes, by sliceLaneKey (in key order). */
export function slicePyramidLevels(s: SliceColumns, trackCount: number): Map<number, PyramidLevel[]> {
  return sortedLevels(sharedSlicePyramidLevels(s, busySliceLanes(s, trackCount), new Int32Array(1)));
}

/**
 * The slice lanes that get pyramids (segments of at least MIN_SPANS slices), biggest first: the
 * work sharedSlicePyramidLevels hands out, a lane at a time, to the threads that share it.
 */
export function busySliceLanes(s: SliceColumns, trackCount: number): Uint32Array {
  const size = (segment: number) => s.segmentOffset[segment + 1] - s.segmentOffset[segment];
  const lanes: number[] = [];
  for (let segment = 0; segment < s.trackSegment[trackCount]; segment++) if (size(segment) >= MIN_SPANS) lanes.push(segment);
  return Uint32Array.from(lanes.sort((a, b) => size(b) - size(a)));
}

/**
 * Levels of the lanes this thread takes from `lanes` (busySliceLanes), by sliceLaneKey: it takes
 * lane next[0] and counts it taken (Atomics), until none are left. Threads sharing `next` (in
 * shared memory) and the columns build each lane once between them; their maps together are
 * slicePyramidLevels' (joinedSliceLevels).
 */
export function sharedSlicePyramidLevels(s: SliceColumns, lanes: Uint32Array, next: Int32Array): Map<number, PyramidLevel[]> {
  const levels = new Map<number, PyramidLevel[]>();
  const scratch = new LevelScratch();
  for (let i = Atomics.add(next, 0, 1); i < lanes.length; i = Atomics.add(next, 0, 1)) {
    const segment = lanes[i];
    const built = laneLevels(sliceLaneColumns(s, s.segmentOffset[segment], s.segmentOffset[segment + 1]), sliceKindNames, scratch);
    if (built.length > 0) levels.set(segment, built);
  }
  return levels;
}

/** The slice levels several threads built (sharedSlicePyramidLevels), as one map in key order. */
export function joinedSliceLevels(...parts: ReadonlyMap<number, PyramidLevel[]>[]): Map<number, PyramidLevel[]> {
  return sortedLevels(new Map(parts.flatMap((part) => [...part])));
}

function sortedLevels(levels: Map<number, PyramidLevel[]>): Map<number, PyramidLevel[]> {
  return new Map([...levels].sort((a, b) => a[0] - b[0]));
}

/**
 * Levels of the busy state rows, by stateLaneKey: row k is goroutine track k, of goroutine
 * `goroutineIds[k]`, and only rows with `hasRow[k]` are drawn.
 */
export function statePyramidLevels(st: StateColumns, hasRow: Uint8Array, goroutineIds: Float64Array): Map<number, PyramidLevel[]> {
  const levels = new Map<number, PyramidLevel[]>();
  const scratch = new LevelScratch();
  // Millions of goroutines, few with busy rows: read the offsets, not [lo, hi] pairs.
  for (let k = 0; k < hasRow.length; k++) {
    if (hasRow[k] === 0) continue;
    if (st.rowCount[k] < MIN_SPANS) continue;
    const row = stateRowSpans(st, k);
    const built = laneLevels(stateRowColumns(row, goroutineIds[k], row.lo, row.hi), goroutineSpanStateNames, scratch);
    if (built.length > 0) levels.set(-1 - k, built);
  }
  return levels;
}

/** The pyramids of slice lanes and state rows together (their keys do not collide). */
export function joinedPyramids(slices: ReadonlyMap<number, PyramidLevel[]>, states: ReadonlyMap<number, PyramidLevel[]>): TilePyramids {
  return new TilePyramids(new Map([...slices, ...states]));
}
