// The finished timeline model: every span the viewer draws, stored struct-of-arrays and
// indexed so that "spans of track T, lane L, overlapping [t0, t1)" is two binary searches.
// Built in the single event pass by timeline-builder.ts (createTimelineModel), following
// go tool trace's generators (cmd/trace gen.go, gstate.go, procgen.go, threadgen.go,
// goroutinegen.go) so slice boundaries, names and counters equal go tool trace's.

import type { Nanoseconds, StackID } from './event.ts';
import { CHUNK_BITS, CHUNK_MASK, DERIVED_STRING_BASE, lowerBound, type IntColumn, type StringTable } from './timeline-columns.ts';
import type { CounterSeries } from './timeline-counter.ts';
import type { TilePyramids } from '../analysis/tiles-pyramid.ts';
import { FLOW_INDEX_BLOCK, type FlowTable } from './timeline-flows.ts';

export type { CounterSeries, CounterPixels } from './timeline-counter.ts';

/** What a track shows. Ids are dense and stable for one model (0 = GC, 1 = STW, then the rest). */
export type TrackKind = 'gc' | 'stw' | 'proc' | 'thread' | 'goroutine' | 'counter';

/** Kinds of slices (spans that may nest) on proc, thread, goroutine, GC and STW tracks. */
export enum SliceKind {
  /** A goroutine running on a proc (proc view) or a thread (thread view). */
  GoroutineExec = 0,
  /** A syscall that returned without losing its P. */
  Syscall = 1,
  /** A syscall that blocked (the P was taken or the goroutine left it blocked). */
  SyscallBlocked = 2,
  /** A named range: GC concurrent mark phase, GC incremental sweep, GC mark assist, stop-the-world (…). */
  Range = 3,
}

export const sliceKindNames = ['goroutine', 'syscall', 'syscall (blocked)', 'range'] as const;

/**
 * A goroutine's state between two transitions. Go's viewer states (traceviewer.GState) plus
 * Syscall, which go tool trace folds into Running; WaitingGC is "waiting while in a mark assist".
 */
export enum GoroutineSpanState {
  /** A gap in a goroutine's lifetime (never seen in practice: goroutine ids are not reused). */
  NotExist = 0,
  Runnable = 1,
  Running = 2,
  Waiting = 3,
  WaitingGC = 4,
  Syscall = 5,
}

export const goroutineSpanStateNames = ['not exist', 'runnable', 'running', 'waiting', 'waiting (GC)', 'syscall'] as const;

/** Slices of all tracks, sorted by (track, lane, start); lanes hold non-overlapping slices. */
export interface SliceColumns {
  start: Float64Array;
  end: Float64Array;
  kind: Uint8Array;
  /** The goroutine the slice belongs to (GoroutineExec, Syscall, goroutine ranges), else -1. */
  goroutine: IntColumn;
  /**
   * String id of the slice's name: the goroutine's name when the slice ended (a derived id,
   * see TimelineModel.goroutineNameBits), "syscall", or the range's name.
   */
  name: Uint32Array;
  startStack: IntColumn;
  endStack: IntColumn;
  /** Lane segment s covers slices [segmentOffset[s], segmentOffset[s+1]). */
  segmentOffset: Uint32Array;
  /** Track t's slice lanes are segments trackSegment[t] … trackSegment[t] + trackLanes[t] - 1. */
  trackSegment: Uint32Array;
  trackLanes: Uint16Array;
}

/**
 * Goroutine state spans: per goroutine row, a gap-free tiling of its lifetime. Only starts are
 * stored; a span ends where the next one in its row starts, or at rowEnd for the last one.
 *
 * The spans are stored in chunks (the pass's, kept as they are, then chunks of the rows copied out
 * of them: long-lived goroutines' own columns, blocks across two chunks; timeline-states.ts): row
 * r's spans are values [o, o + rowCount[r]) of chunk c of each column, where rowFirst[r] =
 * c · 2^16 + o. stateRowSpans() gives a row's arrays.
 */
export interface StateColumns {
  start: Float64Array[];
  state: Uint8Array[];
  /** String id of the blocking reason (Waiting, WaitingGC), else 0. */
  reason: IntColumn[];
  /** Stack of the event that began the span (the end stack is the next span's start stack). */
  stack: IntColumn[];
  rowFirst: Uint32Array;
  rowCount: IntColumn;
  /** Spans in all rows. */
  spans: number;
  rowEnd: Float64Array;
  /** Stack of the event that ended the row's last span (goroutine exit), or 0. */
  rowEndStack: IntColumn;
}

/** One state row's spans: [lo, hi) of these arrays, then `end` (the row's end, its stack `endStack`). */
export interface StateRowSpans {
  start: Float64Array;
  state: Uint8Array;
  reason: IntColumn;
  stack: IntColumn;
  lo: number;
  hi: number;
  end: number;
  endStack: number;
}

/** Row `row`'s spans (see StateColumns). */
export function stateRowSpans(st: StateColumns, row: number): StateRowSpans {
  const first = st.rowFirst[row];
  const chunk = first >>> CHUNK_BITS;
  const lo = first & CHUNK_MASK;
  return {
    start: st.start[chunk], state: st.state[chunk], reason: st.reason[chunk], stack: st.stack[chunk],
    lo, hi: lo + st.rowCount[row], end: st.rowEnd[row], endStack: st.rowEndStack[row],
  };
}

/** End time of span i of a row's spans. */
export function stateSpanEnd(row: StateRowSpans, i: number): number {
  return i + 1 < row.hi ? row.start[i + 1] : row.end;
}

/** Of a state row's spans, those overlapping [t0, t1): index range [first, last) of its arrays. */
export function stateSpansIn(row: StateRowSpans, t0: number, t1: number): [number, number] {
  const { lo, hi } = row;
  if (lo === hi) return [lo, lo];
  if (row.end <= t0) return [hi, hi];
  // The span containing t0 is the last one starting at or before it.
  const first = Math.max(lo, lowerBound(row.start, lo, hi, t0, true) - 1);
  const last = lowerBound(row.start, first, hi, t1);
  return [first, last];
}

/**
 * Causal arrows: goroutine created by / unblocked by, drawn from `fromTime` to `toTime`, as plain
 * columns (FlowTable.columns(); the model keeps them as a FlowTable).
 */
export interface FlowColumns {
  /** String ids: "go", "unblock (chan receive)", "exit blocked syscall", … (go tool trace's arrow names). */
  name: IntColumn;
  fromTime: Float64Array;
  toTime: Float64Array;
  fromG: IntColumn;
  fromP: IntColumn;
  fromM: IntColumn;
  toG: IntColumn;
  toP: IntColumn;
  toM: IntColumn;
  fromStack: IntColumn;
}

export interface SampleColumns {
  time: Float64Array;
  g: IntColumn;
  p: IntColumn;
  m: IntColumn;
  stack: IntColumn;
}

/**
 * The goroutine tracks, by column (a trace may hold millions): goroutine track k (track id
 * TimelineModel.goroutineTrackBase + k) is goroutine ids[k]; ids ascend.
 */
export interface GoroutineTrackColumns {
  ids: Float64Array;
  /** String id + 1 of the entry function that names the goroutine; 0 if it was never named. */
  startFunction: IntColumn;
  /** String id of the goroutine's last label, or 0. */
  label: IntColumn;
}

/** Goroutine id → display name, computed on demand. */
export interface GoroutineNames {
  get(id: number): string | undefined;
}

export interface TrackDescriptor {
  id: number;
  kind: TrackKind;
  /** Proc, thread or goroutine id; counter index for counters; -1 for GC and STW. */
  resource: number;
  name: string;
  /** Slice lanes (goroutine tracks draw their state row above these). */
  lanes: number;
  /** Goroutine tracks: the goroutine's start function ("" if unknown), for colouring. */
  startFunction?: string;
  /** Goroutine tracks: whether go tool trace counts it as a system goroutine. */
  system?: boolean;
}

export interface TimelineMemory {
  slices: number;
  stateSpans: number;
  flows: number;
  samples: number;
  counterPoints: number;
  bytes: number;
  /** Bytes of span storage (slices + state spans) per span. */
  bytesPerSpan: number;
}

/** Derived goroutine-name ids (two per goroutine id) must fit the Uint32 name column. */
const MAX_DERIVED_GOROUTINE_ID = 2 ** 30 - 1;

export class TimelineModel {
  /** Track id of goroutine track 0; goroutine tracks follow the GC, STW, proc and thread tracks. */
  readonly goroutineTrackBase: number;
  /** Track id of the first counter; counters come last. */
  readonly counterTrackBase: number;
  readonly goroutineNames: GoroutineNames;
  /** Zoomed-out levels of the busy lanes, set once when the model is built (tiles-pyramid.ts). */
  tilePyramids: TilePyramids | null = null;

  constructor(
    /** First and last event time: go tool trace's ctx.startTime / ctx.endTime. */
    readonly startTime: Nanoseconds,
    readonly endTime: Nanoseconds,
    /** GC, STW, proc and thread tracks (ids 0 … n−1, in that order, each kind by resource id). */
    readonly fixedTracks: readonly TrackDescriptor[],
    readonly goroutineTracks: GoroutineTrackColumns,
    readonly slices: SliceColumns,
    readonly states: StateColumns,
    /** Track id → state row (goroutine tracks with state spans), else -1. */
    readonly stateRowOfTrack: Int32Array,
    /** Heap, Goroutines, Threads: track ids counterTrackBase + index. */
    readonly counters: readonly CounterSeries[],
    readonly flows: FlowTable,
    readonly samples: SampleColumns,
    readonly strings: StringTable,
  ) {
    this.goroutineTrackBase = fixedTracks.length;
    this.counterTrackBase = this.goroutineTrackBase + goroutineTracks.ids.length;
    strings.derive = (id) => this.derivedName(id);
    this.goroutineNames = {
      get: (id) => {
        const k = this.goroutineIndex(id);
        return k < 0 ? undefined : this.goroutineName(k, true);
      },
    };
  }

  /** Whether goroutine `id`'s name has a derived string id (else the caller interns the string). */
  static derivesGoroutineName(id: number): boolean {
    return id >= 0 && id <= MAX_DERIVED_GOROUTINE_ID && Number.isInteger(id);
  }

  /**
   * The string id that stands for goroutine `id`'s name "G<id> <entry function>" (or "G<id>"
   * when `named` is false), without interning one string per goroutine, for an id that
   * derivesGoroutineName. Keyed by goroutine id, not track, so the pass can name slices before the
   * tracks are ordered and finishing renames nothing. Returned as an int32 of the id's bits
   * (`>>> 0` gives the id, 2^31 and up): a larger number returned from a call V8 does not inline
   * is boxed.
   */
  static goroutineNameBits(id: number, named: boolean): number {
    return (DERIVED_STRING_BASE + 2 * id + (named ? 1 : 0)) | 0;
  }

  private derivedName(nameId: number): string {
    const offset = nameId - DERIVED_STRING_BASE;
    const id = Math.floor(offset / 2);
    const k = this.goroutineIndex(id);
    const fn = k < 0 ? 0 : this.goroutineTracks.startFunction[k];
    return offset % 2 === 1 && fn > 0 ? `G${id} ${this.strings.get(fn - 1)}` : `G${id}`;
  }

  /** go tool trace's gState.name() for goroutine track k: "G12 main.worker (label)". */
  goroutineName(k: number, withLabel: boolean): string {
    const g = this.goroutineTracks;
    const fn = g.startFunction[k];
    let name = `G${g.ids[k]}`;
    if (fn > 0) name += ` ${this.strings.get(fn - 1)}`;
    const label = g.label[k];
    if (withLabel && label > 0) name += ` (${this.strings.get(label)})`;
    return name;
  }

  /** The goroutine track number k of goroutine `id`, or -1. */
  goroutineIndex(id: number): number {
    const ids = this.goroutineTracks.ids;
    const k = lowerBound(ids, 0, ids.length, id);
    return k < ids.length && ids[k] === id ? k : -1;
  }

  trackKind(id: number): TrackKind {
    if (id < this.goroutineTrackBase) return this.fixedTracks[id].kind;
    return id < this.counterTrackBase ? 'goroutine' : 'counter';
  }

  /** One track's descriptor (materialised for goroutine and counter tracks). */
  track(id: number): TrackDescriptor | undefined {
    if (!(id >= 0 && id < this.trackCount && Number.isInteger(id))) return undefined;
    if (id < this.goroutineTrackBase) return this.fixedTracks[id];
    if (id >= this.counterTrackBase) {
      const c = this.counters[id - this.counterTrackBase];
      return { id, kind: 'counter', resource: id - this.counterTrackBase, name: c.name, lanes: 0 };
    }
    const k = id - this.goroutineTrackBase;
    const fn = this.goroutineTracks.startFunction[k];
    const startFunction = fn > 0 ? this.strings.get(fn - 1) : '';
    return {
      id,
      kind: 'goroutine',
      resource: this.goroutineTracks.ids[k],
      name: this.goroutineName(k, true),
      lanes: this.slices.trackLanes[id],
      startFunction,
      system: fn > 0 && (startFunction === '' || (startFunction !== 'runtime.main' && startFunction.startsWith('runtime.'))),
    };
  }

  /** Every track's descriptor, materialised (exports and small traces; tiles use track()). */
  get tracks(): TrackDescriptor[] {
    const out: TrackDescriptor[] = [];
    for (let id = 0; id < this.trackCount; id++) out.push(this.track(id)!);
    return out;
  }

  get trackCount(): number {
    return this.counterTrackBase + this.counters.length;
  }

  /** Slice index range [lo, hi) of one lane. */
  laneRange(track: number, lane: number): [number, number] {
    const s = this.slices;
    if (lane < 0 || lane >= s.trackLanes[track]) return [0, 0];
    const seg = s.trackSegment[track] + lane;
    return [s.segmentOffset[seg], s.segmentOffset[seg + 1]];
  }

  /** Slices of one lane overlapping [t0, t1): index range [first, last). */
  sliceRangeIn(track: number, lane: number, t0: number, t1: number): [number, number] {
    const [lo, hi] = this.laneRange(track, lane);
    // Slices in a lane do not overlap, so ends are sorted as well as starts.
    const first = lowerBound(this.slices.end, lo, hi, t0, true);
    const last = lowerBound(this.slices.start, first, hi, t1);
    return [first, last];
  }

  /** The spans of a goroutine track's state row, or null if it has none. */
  stateRowOf(track: number): StateRowSpans | null {
    const row = this.stateRowOfTrack[track];
    return row < 0 ? null : stateRowSpans(this.states, row);
  }

  /**
   * Flow slots (FlowTable indices) whose arrow overlaps [t0, t1] (slots are in fromTime order),
   * at most `limit` of them. Blocks of slots carry their latest toTime (FlowTable.latestArrivals),
   * so early blocks are skipped wholesale.
   */
  flowsIn(t0: number, t1: number, limit = Infinity): { indices: number[]; truncated: boolean } {
    const f = this.flows;
    const blockMax = f.latestArrivals();
    // The first slot starting after t1.
    let lo = 0;
    let hi = f.slots;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (f.fromTime(mid) <= t1) lo = mid + 1;
      else hi = mid;
    }
    const indices: number[] = [];
    for (let b = 0; b * FLOW_INDEX_BLOCK < lo; b++) {
      if (blockMax[b] < t0) continue;
      const end = Math.min(lo, (b + 1) * FLOW_INDEX_BLOCK);
      for (let i = b * FLOW_INDEX_BLOCK; i < end; i++) {
        if (!f.drawn(i) || f.toTime(i) < t0) continue;
        if (indices.length >= limit) return { indices, truncated: true };
        indices.push(i);
      }
    }
    return { indices, truncated: false };
  }


  memory(): TimelineMemory {
    const bytesOf = (o: object) => Object.values(o).reduce((n: number, v) => n + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
    const sliceBytes = bytesOf(this.slices);
    const stateBytes = bytesOf(this.states) + [this.states.start, this.states.state, this.states.reason, this.states.stack]
      .reduce((n, chunks) => n + chunks.reduce((m: number, c: ArrayBufferView) => m + c.byteLength, 0), 0);
    const counterBytes = this.counters.reduce((n, c) => n + c.bytes, 0);
    const bytes = sliceBytes + stateBytes + this.flows.bytes + bytesOf(this.samples) + counterBytes + this.stateRowOfTrack.byteLength
      + bytesOf(this.goroutineTracks);
    const spans = this.slices.start.length + this.states.spans;
    return {
      slices: this.slices.start.length,
      stateSpans: this.states.spans,
      flows: this.flows.count,
      samples: this.samples.time.length,
      counterPoints: this.counters.reduce((n, c) => n + c.length, 0),
      bytes: bytes + (this.tilePyramids?.bytes ?? 0),
      bytesPerSpan: spans ? (sliceBytes + stateBytes) / spans : 0,
    };
  }
}

export type { StackID };
