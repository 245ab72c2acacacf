// Slices as the pass appends them, one store per track, and their layout into the model's
// SliceColumns at finish. A store per proc or thread track keeps each track's slices together
// from the start: finishing sorts and lays out one track at a time and copies it into place,
// without a track column, a global grouping sort, or full-size temporaries. The few slices of
// goroutine tracks (their ranges) share one store with a row column.

import { ChunkedColumn, GatherPlan, IntRange, NarrowChunkedColumn, RecordCursor, sortSegment } from './timeline-columns.ts';
import { growingArray, resized, writtenZeros } from './typed-arrays.ts';
import type { SliceColumns } from './timeline.ts';

/** Stores start small (a trace may have thousands of threads) and grow to full chunks. */
const FIRST_CHUNK = 1024;

export class SliceStore {
  readonly start = new ChunkedColumn(Float64Array, FIRST_CHUNK);
  readonly end = new ChunkedColumn(Float64Array, FIRST_CHUNK);
  readonly kind = new ChunkedColumn(Uint8Array, FIRST_CHUNK);
  readonly goroutine = new NarrowChunkedColumn(FIRST_CHUNK);
  /** String ids; goroutine names are derived ids (TimelineModel.goroutineNameBits). */
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
    this.goroutine.store(o, goroutine);
    this.startStack.store(o, startStack);
    this.endStack.store(o, endStack);
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
}

/**
 * The model's slice columns: per track, slices by (start, end descending) spread over lanes
 * greedily so no two in a lane overlap, then lane by lane. Releases the stores. `shared`: the
 * columns in shared memory, for another thread to read too (a split finish's helper builds tile
 * pyramids of some lanes). Otherwise they are ordinary arrays: V8 counts those, so it collects
 * the stores' chunks as they are released; shared ones would raise the finish's peak instead
 * (a 0.8 GiB part of a trace: +1.4 GB).
 */
export function buildSliceColumns(stores: SliceStores, shared = false): SliceColumns {
  const allocate = shared ? growingArray : <T>(ctor: { new (length: number): T }, length: number) => new ctor(length);
  const { trackCount, fixed, goroutine, goroutineTrack } = stores;
  for (const { store } of fixed) store.seal();
  goroutine.seal();
  // Counted, then summed in place: read before written (writtenZeros).
  const trackOffset = writtenZeros(Uint32Array, trackCount + 1);
  for (const { track, store } of fixed) trackOffset[track + 1] += store.length;
  for (let i = 0; i < goroutineTrack.length; i++) trackOffset[goroutineTrack[i] + 1]++;
  for (let t = 0; t < trackCount; t++) trackOffset[t + 1] += trackOffset[t];
  const n = trackOffset[trackCount];

  const trackLanes = new Uint16Array(trackCount);
  /** Per track with slices: how many slices each lane holds. */
  const laneSizes = new Map<number, number[]>();

  // Lay out every track first, then build the columns one at a time, releasing each column's
  // chunks from every store as soon as it is copied out (the peak holds one column twice, not
  // all of them). The sort keys are the stores' starts and ends copied to where their slices go
  // (gathering those columns overwrites them last); each store's order sits at the same place.
  const start = allocate(Float64Array, n);
  const end = allocate(Float64Array, n);
  const orders = new Uint32Array(n);
  const placed: { store: SliceStore; at: number; plan: GatherPlan }[] = [];
  const scratch = new LaneScratch();
  const prepare = (store: SliceStore, at: number) => {
    const m = store.length;
    store.start.copyInto(start, at);
    store.end.copyInto(end, at);
    const order = orders.subarray(at, at + m);
    for (let i = 0; i < m; i++) order[i] = i;
    return { order, keys: { start: start.subarray(at, at + m), end: end.subarray(at, at + m) } };
  };

  for (const { track, store } of fixed) {
    const m = store.length;
    if (m === 0) continue;
    const at = trackOffset[track];
    const { order, keys } = prepare(store, at);
    const sizes = layOutLanes(order, 0, m, keys.start, keys.end, scratch);
    trackLanes[track] = sizes.length;
    laneSizes.set(track, sizes);
    placed.push({ store, at, plan: new GatherPlan(order) });
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
    // Tracks first…last are goroutine tracks: their slices fill exactly m places from here.
    const at = trackOffset[first];
    const { order, keys } = prepare(goroutine, at);
    const next = trackOffset.slice(first, last + 1);
    for (let i = 0; i < m; i++) order[next[goroutineTrack[i] - first]++ - at] = i;
    for (let t = first; t <= last; t++) {
      const lo = trackOffset[t] - at;
      const hi = trackOffset[t + 1] - at;
      if (lo === hi) continue;
      const sizes = layOutLanes(order, lo, hi, keys.start, keys.end, scratch);
      trackLanes[t] = sizes.length;
      laneSizes.set(t, sizes);
    }
    placed.push({ store: goroutine, at, plan: new GatherPlan(order) });
  }

  for (const { store, at, plan } of placed) {
    store.start.gatherInto(start, at, plan);
    store.start.release();
  }
  for (const { store, at, plan } of placed) {
    store.end.gatherInto(end, at, plan);
    store.end.release();
  }
  const kind = allocate(Uint8Array, n);
  for (const { store, at, plan } of placed) {
    store.kind.gatherInto(kind, at, plan);
    store.kind.release();
  }
  const name = allocate(Uint32Array, n);
  for (const { store, at, plan } of placed) {
    store.name.gatherInto(name, at, plan);
    store.name.release();
  }
  const all = [...fixed.map((f) => f.store), goroutine];
  /** One narrow column of every store, in the narrowest type holding all their values. */
  const narrowColumn = (pick: (s: SliceStore) => NarrowChunkedColumn) => {
    const out = all.reduce((r, s) => r.add(pick(s)), new IntRange()).allocate(n, shared);
    for (const { store, at, plan } of placed) pick(store).gatherInto(out, at, plan);
    for (const store of all) pick(store).release();
    return out;
  };
  const out = {
    start,
    end,
    kind,
    goroutine: narrowColumn((s) => s.goroutine),
    name,
    startStack: narrowColumn((s) => s.startStack),
    endStack: narrowColumn((s) => s.endStack),
  };
  for (const store of all) store.release();

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

  return { ...out, segmentOffset, trackSegment, trackLanes };
}

/** Buffers reused by every track's layout (sized for the largest). */
class LaneScratch {
  /** The slices not in lane 0, in start order, and each one's lane. */
  laterSlice = new Uint32Array(0);
  laterLane = new Uint16Array(0);
  /** End of the last slice of each lane so far. */
  laneEnds = new Float64Array(16);

  /** Makes laterSlice and laterLane hold at least m values (pages never written cost nothing). */
  reserve(m: number): void {
    if (this.laterSlice.length < m) {
      this.laterSlice = new Uint32Array(m);
      this.laterLane = new Uint16Array(m);
    }
  }
}

/**
 * Orders one track's slices order[lo..hi) by (start, end descending), assigns each the first
 * lane whose last slice has ended, and regroups them lane by lane (stably). Returns lane sizes.
 * Lane 0 holds nearly every slice of a busy track (its goroutines' executions), so its slices
 * are compacted in place as they are assigned and only the others are set aside and put after.
 */
function layOutLanes(order: Uint32Array, lo: number, hi: number, start: Float64Array, end: Float64Array, scratch: LaneScratch): number[] {
  sortSegment(order, lo, hi, start, end);
  scratch.reserve(hi - lo);
  const { laterSlice, laterLane } = scratch;
  let laneEnds = scratch.laneEnds;
  let lanes = 0;
  const sizes: number[] = [];
  // order[lo..firstEnd) is lane 0 so far: every slot there was read before it is rewritten.
  let firstEnd = lo;
  let later = 0;
  for (let k = lo; k < hi; k++) {
    const i = order[k];
    const s = start[i];
    let l = 0;
    while (l < lanes && laneEnds[l] > s) l++;
    if (l === lanes) {
      if (lanes === laneEnds.length) laneEnds = scratch.laneEnds = resized(laneEnds, lanes * 2);
      lanes++;
      sizes.push(0);
    }
    laneEnds[l] = end[i];
    sizes[l]++;
    if (l === 0) order[firstEnd++] = i;
    else {
      laterSlice[later] = i;
      laterLane[later++] = l;
    }
  }
  if (later > 0) {
    // Lanes 1… after lane 0, each in start order: a stable counting sort of the set-aside slices.
    const next = new Uint32Array(lanes);
    next[1] = firstEnd;
    for (let l = 2; l < lanes; l++) next[l] = next[l - 1] + sizes[l - 1];
    for (let j = 0; j < later; j++) order[next[laterLane[j]]++] = laterSlice[j];
  }
  return sizes;
}
