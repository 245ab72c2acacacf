// Slices as the pass appends them, one store per track, and their layout into the model's
// SliceColumns at finish. A store per proc or thread track keeps each track's slices together
// from the start: finishing sorts and lays out one track at a time and copies it into place,
// without a track column, a global grouping sort, or full-size temporaries. The few slices of
// goroutine tracks (their ranges) share one store with a row column.

import { ChunkedColumn, IntRange, NarrowChunkedColumn, RecordCursor, sortSegment } from './timeline-columns.ts';
import { TimelineModel, type SliceColumns } from './timeline.ts';

/** Stores start small (a trace may have thousands of threads) and grow to full chunks. */
const FIRST_CHUNK = 1024;

export class SliceStore {
  readonly start = new ChunkedColumn(Float64Array, FIRST_CHUNK);
  readonly end = new ChunkedColumn(Float64Array, FIRST_CHUNK);
  readonly kind = new ChunkedColumn(Uint8Array, FIRST_CHUNK);
  readonly goroutine = new NarrowChunkedColumn(FIRST_CHUNK);
  /** String ids; goroutine names are derived ids by builder row (renamed by track at finish). */
  readonly name = new ChunkedColumn(Uint32Array, FIRST_CHUNK);
  readonly startStack = new NarrowChunkedColumn(FIRST_CHUNK);
  readonly endStack = new NarrowChunkedColumn(FIRST_CHUNK);
  /** One room check per slice; the columns get their length from seal(). */
  private readonly cursor = new RecordCursor([this.start, this.end, this.kind, this.goroutine, this.name, this.startStack, this.endStack]);

  get length(): number {
    return this.cursor.length;
  }

  push(start: number, end: number, kind: number, goroutine: number, name: number, startStack: number, endStack: number): void {
    const o = this.cursor.next();
    this.start.current[o] = start;
    this.end.current[o] = end;
    this.kind.current[o] = kind;
    this.name.current[o] = name;
    const g = this.goroutine.current;
    g[o] = goroutine;
    if (g[o] !== goroutine) this.goroutine.widenCurrent(o, goroutine);
    const ss = this.startStack.current;
    ss[o] = startStack;
    if (ss[o] !== startStack) this.startStack.widenCurrent(o, startStack);
    const es = this.endStack.current;
    es[o] = endStack;
    if (es[o] !== endStack) this.endStack.widenCurrent(o, endStack);
  }

  /** Makes the columns readable (their lengths); the store takes no more pushes after. */
  seal(): this {
    this.cursor.seal();
    return this;
  }

  release(): void {
    this.start.release();
    this.end.release();
    this.kind.release();
    this.goroutine.release();
    this.name.release();
    this.startStack.release();
    this.endStack.release();
  }
}

/** The slices of the pass, by store, and how stores map to final tracks. */
export interface SliceStores {
  trackCount: number;
  /** One store per fixed track (GC, STW, proc, thread), with its final track id. */
  fixed: readonly { track: number; store: SliceStore }[];
  /** Slices of goroutine tracks, and the final track of each (ascending within none: any order). */
  goroutine: SliceStore;
  goroutineTrack: Uint32Array;
  /** Builder row → goroutine track number k, for renaming derived goroutine names. */
  kOfRow: Uint32Array;
}

/**
 * The model's slice columns: per track, slices by (start, end descending) spread over lanes
 * greedily so no two in a lane overlap, then lane by lane. Releases the stores.
 */
export function buildSliceColumns(stores: SliceStores): SliceColumns {
  const { trackCount, fixed, goroutine, goroutineTrack } = stores;
  for (const { store } of fixed) store.seal();
  goroutine.seal();
  const trackOffset = new Uint32Array(trackCount + 1);
  for (const { track, store } of fixed) trackOffset[track + 1] += store.length;
  for (let i = 0; i < goroutineTrack.length; i++) trackOffset[goroutineTrack[i] + 1]++;
  for (let t = 0; t < trackCount; t++) trackOffset[t + 1] += trackOffset[t];
  const n = trackOffset[trackCount];

  const all = [...fixed.map((f) => f.store), goroutine];
  const rangeOf = (pick: (s: SliceStore) => NarrowChunkedColumn) => all.reduce((r, s) => r.add(pick(s)), new IntRange());
  const out = {
    start: new Float64Array(n),
    end: new Float64Array(n),
    kind: new Uint8Array(n),
    goroutine: rangeOf((s) => s.goroutine).allocate(n),
    name: new Uint32Array(n),
    startStack: rangeOf((s) => s.startStack).allocate(n),
    endStack: rangeOf((s) => s.endStack).allocate(n),
  };
  const trackLanes = new Uint16Array(trackCount);
  /** Per track with slices: how many slices each lane holds. */
  const laneSizes = new Map<number, number[]>();

  const place = (store: SliceStore, order: Uint32Array, at: number) => {
    store.start.gatherInto(out.start, at, order);
    store.end.gatherInto(out.end, at, order);
    store.kind.gatherInto(out.kind, at, order);
    store.goroutine.gatherInto(out.goroutine, at, order);
    store.name.gatherInto(out.name, at, order);
    store.startStack.gatherInto(out.startStack, at, order);
    store.endStack.gatherInto(out.endStack, at, order);
    store.release();
  };

  // Sort keys are each store's starts and ends copied to where the track's slices will go (the
  // gathers overwrite them last): no temporary copy of the keys. One order buffer for all tracks.
  let scratch = new Uint32Array(0);
  const identityOrder = (m: number) => {
    if (scratch.length < m) scratch = new Uint32Array(m);
    const order = scratch.subarray(0, m);
    for (let i = 0; i < m; i++) order[i] = i;
    return order;
  };
  const keysAt = (store: SliceStore, at: number) => {
    store.start.copyInto(out.start, at);
    store.end.copyInto(out.end, at);
    return { start: out.start.subarray(at, at + store.length), end: out.end.subarray(at, at + store.length) };
  };

  for (const { track, store } of fixed) {
    const m = store.length;
    if (m === 0) continue;
    const order = identityOrder(m);
    const at = trackOffset[track];
    const keys = keysAt(store, at);
    const sizes = layOutLanes(order, 0, m, keys.start, keys.end);
    trackLanes[track] = sizes.length;
    laneSizes.set(track, sizes);
    place(store, order, at);
  }

  // Goroutine tracks: group the shared store's slices by track (stably), then as above.
  const m = goroutineTrack.length;
  if (m > 0) {
    let first = trackCount;
    let last = 0;
    for (let i = 0; i < m; i++) {
      first = Math.min(first, goroutineTrack[i]);
      last = Math.max(last, goroutineTrack[i]);
    }
    const next = trackOffset.slice(first, last + 1);
    const order = identityOrder(m);
    for (let i = 0; i < m; i++) order[next[goroutineTrack[i] - first]++ - trackOffset[first]] = i;
    // Tracks first…last are goroutine tracks: their slices fill exactly m places from here.
    const { start, end } = keysAt(goroutine, trackOffset[first]);
    for (let t = first; t <= last; t++) {
      const lo = trackOffset[t] - trackOffset[first];
      const hi = trackOffset[t + 1] - trackOffset[first];
      if (lo === hi) continue;
      const sizes = layOutLanes(order, lo, hi, start, end);
      trackLanes[t] = sizes.length;
      laneSizes.set(t, sizes);
    }
    place(goroutine, order, trackOffset[first]);
  } else {
    goroutine.release();
  }

  const trackSegment = new Uint32Array(trackCount + 1);
  let segments = 0;
  for (let t = 0; t < trackCount; t++) {
    trackSegment[t] = segments;
    segments += trackLanes[t];
  }
  trackSegment[trackCount] = segments;
  const segmentOffset = new Uint32Array(segments + 1);
  for (const [t, sizes] of laneSizes) {
    let at = trackOffset[t];
    for (let l = 0; l < sizes.length; l++) {
      segmentOffset[trackSegment[t] + l] = at;
      at += sizes[l];
    }
  }
  segmentOffset[segments] = n;

  return { ...out, name: renameGoroutines(out.name, stores.kOfRow), segmentOffset, trackSegment, trackLanes };
}

/**
 * Orders one track's slices order[lo..hi) by (start, end descending), assigns each the first
 * lane whose last slice has ended, and regroups them lane by lane (stably). Returns lane sizes.
 */
function layOutLanes(order: Uint32Array, lo: number, hi: number, start: Float64Array, end: Float64Array): number[] {
  sortSegment(order, lo, hi, start, end);
  const laneEnds: number[] = [];
  const sizes: number[] = [];
  const lane = new Uint16Array(hi - lo);
  for (let k = lo; k < hi; k++) {
    const i = order[k];
    let l = 0;
    while (l < laneEnds.length && laneEnds[l] > start[i]) l++;
    if (l === laneEnds.length) {
      laneEnds.push(end[i]);
      sizes.push(0);
    } else {
      laneEnds[l] = end[i];
    }
    lane[k - lo] = l;
    sizes[l]++;
  }
  if (laneEnds.length > 1) {
    // Counting sort by lane, stable: each lane keeps its slices in start order.
    const next = new Uint32Array(laneEnds.length);
    for (let l = 1; l < laneEnds.length; l++) next[l] = next[l - 1] + sizes[l - 1];
    const seg = order.slice(lo, hi);
    for (let k = 0; k < seg.length; k++) order[lo + next[lane[k]]++] = seg[k];
  }
  return sizes;
}

/** Derived name ids, as TimelineModel.goroutineNameId makes them (the builder's are by row). */
const DERIVED_NAME_BASE = TimelineModel.goroutineNameId(0, false);

/** Derived goroutine names were made with builder rows; the model names goroutine tracks by k. */
function renameGoroutines(names: Uint32Array, kOfRow: Uint32Array): Uint32Array {
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name >= DERIVED_NAME_BASE) names[i] = TimelineModel.goroutineNameId(kOfRow[(name - DERIVED_NAME_BASE) >>> 1], (name & 1) === 1);
  }
  return names;
}
