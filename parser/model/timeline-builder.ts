// createTimelineModel: the timeline analysis. In the single event pass it appends spans to
// growable columns (no object per span); finish() sorts them into the indexed TimelineModel.
//
// What is built, and from which go tool trace rule (cmd/trace):
// - proc / thread slices: the proc and thread views (timeline-views.ts);
// - goroutine tracks: a state row tiling each goroutine's lifetime (our addition: go tool trace
//   only draws execution slices there) plus the goroutine view's ranges (mark assist, STW);
// - GC track: gen.go globalRangeGenerator; proc ranges (sweep): procRangeGenerator;
// - STW track: every stop-the-world range as recorded, unclipped (our addition);
// - counters: the traceviewer emitter's Heap, Goroutines and Threads counters;
// - flows: gstate.go start causes ("go", "unblock (…)", "exit blocked syscall");
// - CPU samples: StackSample events.

import type { Analysis } from '../analysis/analysis.ts';
import { EventKind, GoState, ProcState, ResourceKind, type TraceEvent } from './event.ts';
import type { TraceTables } from './tables.ts';
import { f64, i32, sortSegment, StringTable, u32, u8, type GrowableColumn } from './timeline-columns.ts';
import {
  GoroutineSpanState,
  SliceKind,
  TimelineModel,
  type CounterSeries,
  type SliceColumns,
  type StateColumns,
  type TrackDescriptor,
  type TrackKind,
} from './timeline.ts';
import { NONE, TimelineView, type SliceSink, type TraceClock } from './timeline-views.ts';

const MARK_ASSIST = 'GC mark assist';
const STW_PREFIX = 'stop-the-world';
/** go tool trace zeroes heap goals above 1 PiB (golang.org/issue/63864). */
const HEAP_GOAL_CUTOFF = 2 ** 50;

/** Go's traceviewer.GState order, used for the Goroutines counter. */
const enum ViewerState { Dead = 0, Runnable, Running, Waiting, WaitingGC }

interface PendingCause {
  time: number;
  name: number;
  g: number;
  p: number;
  m: number;
  stack: number;
  set: boolean;
}

/** What all views share about one goroutine: its name, its state row, its pending start cause. */
interface GoroutineInfo {
  id: number;
  named: boolean;
  startFunction: string;
  label: string;
  /** String id of goroutineName(this), or -1 when it must be recomputed. */
  nameId: number;
  system: boolean;
  markAssist: boolean;
  blockReason: string;
  cause: PendingCause | null;
  row: number;
  rowOpen: boolean;
}

interface OpenRange {
  time: number;
  stack: number;
}

const executing = (s: number) => s === GoState.Running || s === GoState.Syscall;

/** cmd/trace viewerGState. */
function viewerState(s: number, inMarkAssist: boolean): ViewerState {
  switch (s) {
    case GoState.Runnable: return ViewerState.Runnable;
    case GoState.Running:
    case GoState.Syscall: return ViewerState.Running;
    case GoState.Waiting: return inMarkAssist ? ViewerState.WaitingGC : ViewerState.Waiting;
    default: return ViewerState.Dead;
  }
}

function metricNumber(v: TraceEvent['value']): number {
  return typeof v === 'string' ? Number.NaN : Number(v);
}

export function createTimelineModel(tables: TraceTables): Analysis<TimelineModel> {
  return new TimelineBuilder(tables);
}

class TimelineBuilder implements Analysis<TimelineModel>, SliceSink {
  private readonly strings = new StringTable();
  private readonly clock: TraceClock = { startTime: Number.NaN, endTime: Number.NaN };
  private readonly views: TimelineView[];

  // Provisional tracks, numbered in order of first sight; finish() renumbers them.
  /** (kind, resource) → provisional track id: one numeric map per kind (this runs per event). */
  private readonly trackKeys: Record<TrackKind, Map<number, number>> = { gc: new Map(), stw: new Map(), proc: new Map(), thread: new Map(), goroutine: new Map(), counter: new Map() };
  private readonly trackKind: TrackKind[] = [];
  private readonly trackResource: number[] = [];

  private readonly sliceTrack = i32();
  private readonly sliceStart = f64();
  private readonly sliceEnd = f64();
  private readonly sliceKind = u8();
  private readonly sliceGoroutine = f64();
  private readonly sliceName = u32();
  private readonly sliceStartStack = u32();
  private readonly sliceEndStack = u32();

  private readonly goroutines = new Map<number, GoroutineInfo>();
  private readonly rowGoroutine: number[] = [];
  private readonly rowEnd = f64();
  private readonly rowEndStack = u32();
  private readonly stateRow = u32();
  private readonly stateStart = f64();
  private readonly stateState = u8();
  private readonly stateReason = u32();
  private readonly stateStack = u32();

  private readonly flowName = u32();
  private readonly flowFromTime = f64();
  private readonly flowToTime = f64();
  private readonly flowFromG = f64();
  private readonly flowFromP = i32();
  private readonly flowFromM = f64();
  private readonly flowToG = f64();
  private readonly flowToP = i32();
  private readonly flowToM = f64();
  private readonly flowFromStack = u32();

  private readonly sampleTime = f64();
  private readonly sampleG = f64();
  private readonly sampleP = i32();
  private readonly sampleM = f64();
  private readonly sampleStack = u32();

  private readonly heap = new CounterBuilder('Heap', ['allocated', 'goal', 'nextGC']);
  private heapAlloc = 0;
  private heapGoal = 0;
  private readonly goroutineCounter = new CounterBuilder('Goroutines', ['running', 'runnable', 'gcWaiting', 'waiting', 'syscall'], true);
  private readonly viewerStates = [0, 0, 0, 0, 0];
  /** Scratch row for goroutineCounter.point (no array per event). */
  private readonly goroutineValues = [0, 0, 0, 0, 0];
  private inSyscall = 0;
  private readonly threadCounter = new CounterBuilder('Threads', ['running'], true);
  private runningProcs = 0;

  private seenSync = 0;
  private readonly globalRanges = new Map<string, OpenRange>();
  private readonly procRanges = new Map<string, OpenRange & { proc: number; name: string }>();
  private readonly stwRanges = new Map<number, OpenRange & { name: string }>();
  private maxProc = -1;

  constructor(private readonly tables: TraceTables) {
    this.views = [new TimelineView('proc', this, this.clock), new TimelineView('thread', this, this.clock), new TimelineView('goroutine', this, this.clock)];
    this.track('gc', -1);
    this.track('stw', -1);
  }

  // ── SliceSink ────────────────────────────────────────────────────────────────────────────

  internString(s: string): number {
    return this.strings.intern(s);
  }

  goroutineName(id: number): number {
    const g = this.goroutine(id);
    if (g.nameId < 0) g.nameId = this.strings.intern(goroutineName(g));
    return g.nameId;
  }

  slice(kind: TrackKind, resource: number, start: number, end: number, sliceKind: SliceKind, goroutine: number, name: number, startStack: number, endStack: number): void {
    this.sliceTrack.push(this.track(kind, resource));
    this.sliceStart.push(start);
    this.sliceEnd.push(end);
    this.sliceKind.push(sliceKind);
    this.sliceGoroutine.push(goroutine);
    this.sliceName.push(name);
    this.sliceStartStack.push(startStack);
    this.sliceEndStack.push(endStack);
  }

  private track(kind: TrackKind, resource: number): number {
    const keys = this.trackKeys[kind];
    let id = keys.get(resource);
    if (id === undefined) {
      id = this.trackKind.length;
      this.trackKind.push(kind);
      this.trackResource.push(resource);
      keys.set(resource, id);
    }
    return id;
  }

  // ── The event pass ───────────────────────────────────────────────────────────────────────

  handleEvent(ev: TraceEvent): void {
    if (Number.isNaN(this.clock.startTime)) this.clock.startTime = ev.time;
    this.clock.endTime = ev.time;
    switch (ev.kind) {
      case EventKind.Sync:
        this.seenSync++;
        break;
      case EventKind.StackSample:
        this.sampleTime.push(ev.time);
        this.sampleG.push(ev.g);
        this.sampleP.push(ev.p);
        this.sampleM.push(ev.m);
        this.sampleStack.push(ev.stack);
        break;
      case EventKind.Metric:
        this.metric(ev);
        break;
      case EventKind.Label:
        if (ev.resourceKind === ResourceKind.Goroutine) {
          const g = this.goroutine(ev.resourceId);
          g.label = ev.name;
          g.nameId = -1;
        }
        break;
      case EventKind.RangeBegin:
      case EventKind.RangeActive:
      case EventKind.RangeEnd:
        this.range(ev);
        break;
      case EventKind.StateTransition:
        if (ev.resourceKind === ResourceKind.Goroutine) this.goroutineTransition(ev);
        else if (ev.resourceKind === ResourceKind.Proc) this.procTransition(ev);
        break;
    }
  }

  private metric(ev: TraceEvent): void {
    const t = ev.time;
    const v = metricNumber(ev.value);
    if (ev.name === '/memory/classes/heap/objects:bytes') this.heapAlloc = v;
    else if (ev.name === '/gc/heap/goal:bytes') this.heapGoal = v > HEAP_GOAL_CUTOFF ? 0 : v;
    else return;
    const nextGC = this.heapGoal > this.heapAlloc ? this.heapGoal - this.heapAlloc : 0;
    this.heap.point(t, [this.heapAlloc, this.heapGoal, nextGC]);
  }

  private goroutine(id: number): GoroutineInfo {
    let g = this.goroutines.get(id);
    if (!g) {
      g = { id, named: false, startFunction: '', label: '', nameId: -1, system: false, markAssist: false, blockReason: '', cause: null, row: -1, rowOpen: false };
      this.goroutines.set(id, g);
      this.track('goroutine', id);
    }
    return g;
  }

  private range(ev: TraceEvent): void {
    const name = ev.name;
    const t = ev.time;
    const begin = ev.kind === EventKind.RangeBegin;
    const active = ev.kind === EventKind.RangeActive;
    // gen.go: in the first generation an Active range extends back to the trace start; later
    // Active events repeat what is already known.
    const activeFrom = this.seenSync < 2 ? this.clock.startTime : Number.NaN;

    if (ev.resourceKind === ResourceKind.None) {
      if (begin) this.globalRanges.set(name, { time: t, stack: ev.stack });
      else if (active) { if (!Number.isNaN(activeFrom)) this.globalRanges.set(name, { time: activeFrom, stack: ev.stack }); }
      else {
        const open = this.globalRanges.get(name);
        if (name.includes('GC')) {
          this.slice('gc', -1, open?.time ?? this.clock.startTime, t, SliceKind.Range, -1, this.strings.intern(name), open?.stack ?? 0, ev.stack);
        }
        this.globalRanges.delete(name);
      }
      return;
    }

    if (ev.resourceKind === ResourceKind.Proc) {
      const key = `${ev.resourceId}\u0000${name}`;
      if (begin) this.procRanges.set(key, { time: t, stack: ev.stack, proc: ev.resourceId, name });
      else if (active) { if (!Number.isNaN(activeFrom)) this.procRanges.set(key, { time: activeFrom, stack: ev.stack, proc: ev.resourceId, name }); }
      else {
        const open = this.procRanges.get(key);
        this.slice('proc', ev.resourceId, open?.time ?? this.clock.startTime, t, SliceKind.Range, -1, this.strings.intern(name), open?.stack ?? 0, ev.stack);
        this.procRanges.delete(key);
      }
      return;
    }

    if (ev.resourceKind !== ResourceKind.Goroutine) return;
    const g = this.goroutine(ev.resourceId);
    for (const view of this.views) {
      if (begin) view.rangeBegin(g.id, t, name, ev.stack);
      else if (active) view.rangeActive(g.id, name);
      else view.rangeEnd(g.id, t, name, ev.stack);
    }
    if (name === MARK_ASSIST) g.markAssist = !(ev.kind === EventKind.RangeEnd);
    if (name.startsWith(STW_PREFIX)) {
      if (begin) this.stwRanges.set(g.id, { time: t, stack: ev.stack, name });
      else if (active) { if (!this.stwRanges.has(g.id)) this.stwRanges.set(g.id, { time: Number.isNaN(activeFrom) ? t : activeFrom, stack: 0, name }); }
      else {
        const open = this.stwRanges.get(g.id);
        this.slice('stw', -1, open?.time ?? this.clock.startTime, t, SliceKind.Range, g.id, this.strings.intern(name), open?.stack ?? 0, ev.stack);
        this.stwRanges.delete(g.id);
      }
    }
  }

  private goroutineTransition(ev: TraceEvent): void {
    const g = this.goroutine(ev.resourceId);
    // gState.augmentName: the first transition stack names the goroutine by its entry function.
    if (!g.named && ev.transitionStack !== 0) {
      const frames = this.tables.stackFrameIds(ev.transitionStack);
      if (frames.length > 0) {
        g.startFunction = this.tables.frameFunc[frames[frames.length - 1]];
        g.named = true;
        g.nameId = -1;
        g.system = g.startFunction === '' || (g.startFunction !== 'runtime.main' && g.startFunction.startsWith('runtime.'));
      }
    }
    if (ev.m !== NONE) this.track('thread', ev.m);
    const from = ev.oldState;
    const to = ev.newState;
    if (from === to) return;
    const t = ev.time;

    if (executing(from) && !executing(to) && to === GoState.Waiting) g.blockReason = ev.reason;
    for (const view of this.views) view.goroutineTransition(ev);

    // Flows (gstate.go start / unblock / created / blockedSyscallEnd, goroutine-view order).
    if (!executing(from) && executing(to)) {
      const start = from === GoState.Undetermined ? this.clock.startTime : t;
      const c = g.cause;
      if (c?.set) {
        this.flowName.push(c.name);
        this.flowFromTime.push(c.time);
        this.flowToTime.push(start);
        this.flowFromG.push(c.g);
        this.flowFromP.push(c.p);
        this.flowFromM.push(c.m);
        this.flowToG.push(g.id);
        this.flowToP.push(ev.p);
        this.flowToM.push(ev.m);
        this.flowFromStack.push(c.stack);
        c.set = false;
      }
    }
    if (from === GoState.Waiting) {
      const name = g.blockReason ? `unblock (${g.blockReason})` : 'unblock';
      g.blockReason = '';
      setCause(g, t, this.strings.intern(name), ev);
    }
    if (from === GoState.NotExist && to === GoState.Runnable && (ev.g !== NONE || ev.p !== NONE)) {
      setCause(g, t, this.strings.intern('go'), ev);
    }
    if (from === GoState.Syscall && to !== GoState.Running) {
      setCause(g, t, this.strings.intern('exit blocked syscall'), ev);
    }

    this.stateSpan(g, ev);
    this.countGoroutines(g, from, to, t);
  }

  private spanState(g: GoroutineInfo, s: number): GoroutineSpanState {
    switch (s) {
      case GoState.Runnable: return GoroutineSpanState.Runnable;
      case GoState.Running: return GoroutineSpanState.Running;
      case GoState.Syscall: return GoroutineSpanState.Syscall;
      case GoState.Waiting: return g.markAssist ? GoroutineSpanState.WaitingGC : GoroutineSpanState.Waiting;
      default: return GoroutineSpanState.NotExist;
    }
  }

  private pushState(row: number, start: number, state: GoroutineSpanState, reason: number, stack: number): void {
    this.stateRow.push(row);
    this.stateStart.push(start);
    this.stateState.push(state);
    this.stateReason.push(reason);
    this.stateStack.push(stack);
  }

  private stateSpan(g: GoroutineInfo, ev: TraceEvent): void {
    const from = ev.oldState;
    const to = ev.newState;
    if (g.row < 0) {
      if (to === GoState.NotExist) return;
      g.row = this.rowGoroutine.length;
      this.rowGoroutine.push(g.id);
      this.rowEnd.push(Number.NaN);
      this.rowEndStack.push(0);
    } else if (!g.rowOpen && to !== GoState.NotExist) {
      // A goroutine id seen again after it exited: keep the row gap-free.
      this.pushState(g.row, this.rowEnd.get(g.row), GoroutineSpanState.NotExist, 0, 0);
    }
    if (to === GoState.NotExist) {
      this.rowEnd.set(g.row, ev.time);
      this.rowEndStack.set(g.row, ev.stack);
      g.rowOpen = false;
      return;
    }
    const start = from === GoState.Undetermined && !g.rowOpen ? this.clock.startTime : ev.time;
    const reason = to === GoState.Waiting ? this.strings.intern(ev.reason) : 0;
    this.pushState(g.row, start, this.spanState(g, to), reason, ev.stack);
    g.rowOpen = true;
  }

  private countGoroutines(g: GoroutineInfo, from: number, to: number, t: number): void {
    const vf = viewerState(from, g.markAssist);
    const vt = viewerState(to, g.markAssist);
    this.viewerStates[vf]--;
    this.viewerStates[vt]++;
    if (from === GoState.Syscall) this.inSyscall--;
    if (to === GoState.Syscall) this.inSyscall++;
    const s = this.viewerStates;
    // The emitter writes a point whenever any state count (including Dead) changes.
    if (vf !== vt || from === GoState.Syscall || to === GoState.Syscall) {
      const v = this.goroutineValues;
      v[0] = s[ViewerState.Running];
      v[1] = s[ViewerState.Runnable];
      v[2] = s[ViewerState.WaitingGC];
      v[3] = s[ViewerState.Waiting];
      v[4] = this.inSyscall;
      this.goroutineCounter.point(t, v, vf !== vt);
    }
  }

  private procTransition(ev: TraceEvent): void {
    if (ev.m !== NONE) this.track('thread', ev.m);
    const proc = ev.resourceId;
    this.maxProc = Math.max(this.maxProc, proc);
    const from = ev.oldState;
    const to = ev.newState;
    if (from === to) return;
    for (const view of this.views) view.procTransition(ev);
    if (to === ProcState.Running) {
      this.runningProcs++;
      this.threadCounter.point(from === ProcState.Undetermined ? this.clock.startTime : ev.time, [this.runningProcs]);
    }
    if (from === ProcState.Running) {
      this.runningProcs--;
      this.threadCounter.point(ev.time, [this.runningProcs]);
    }
  }

  // ── finish ───────────────────────────────────────────────────────────────────────────────

  finish(): TimelineModel {
    if (Number.isNaN(this.clock.startTime)) this.clock.startTime = this.clock.endTime = 0;
    const end = this.clock.endTime;
    // gen.go Finish: open proc ranges, then open GC ranges, then executing goroutines.
    for (const r of this.procRanges.values()) this.slice('proc', r.proc, r.time, end, SliceKind.Range, -1, this.strings.intern(r.name), r.stack, 0);
    for (const [name, r] of this.globalRanges) if (name.includes('GC')) this.slice('gc', -1, r.time, end, SliceKind.Range, -1, this.strings.intern(name), r.stack, 0);
    for (const [g, r] of this.stwRanges) this.slice('stw', -1, r.time, end, SliceKind.Range, g, this.strings.intern(r.name), r.stack, 0);
    for (const view of this.views) view.finish();
    for (let p = 0; p <= this.maxProc; p++) this.track('proc', p);
    for (const g of this.goroutines.values()) if (g.row >= 0 && g.rowOpen) this.rowEnd.set(g.row, end);

    const { tracks, finalOf } = this.orderTracks();
    const slices = this.buildSlices(tracks.length, finalOf);
    for (const t of tracks) t.lanes = slices.trackLanes[t.id];
    const { states, stateRowOfTrack } = this.buildStates(tracks, finalOf);
    const counters = [this.heap, this.goroutineCounter, this.threadCounter].map((c, i) => c.build(tracks.length + i));
    for (const c of counters) tracks.push({ id: c.id, kind: 'counter', resource: c.id - counters[0].id, name: c.name, lanes: 0 });
    const rowOf = new Int32Array(tracks.length).fill(-1);
    rowOf.set(stateRowOfTrack);

    const names = new Map<number, string>();
    for (const g of this.goroutines.values()) names.set(g.id, goroutineName(g));
    return new TimelineModel(this.clock.startTime, end, tracks, slices, states, rowOf, counters, this.buildFlows(), {
      time: this.sampleTime.trimmed(),
      g: this.sampleG.trimmed(),
      p: this.sampleP.trimmed(),
      m: this.sampleM.trimmed(),
      stack: this.sampleStack.trimmed(),
    }, this.strings, names);
  }

  /** GC, STW, procs, threads, goroutines (each by id); returns provisional → final ids. */
  private orderTracks(): { tracks: TrackDescriptor[]; finalOf: Int32Array } {
    const rank: Record<TrackKind, number> = { gc: 0, stw: 1, proc: 2, thread: 3, goroutine: 4, counter: 5 };
    const order = this.trackKind.map((_, i) => i);
    order.sort((a, b) => rank[this.trackKind[a]] - rank[this.trackKind[b]] || this.trackResource[a] - this.trackResource[b]);
    const finalOf = new Int32Array(order.length);
    const tracks: TrackDescriptor[] = order.map((prov, id) => {
      finalOf[prov] = id;
      const kind = this.trackKind[prov];
      const resource = this.trackResource[prov];
      const t: TrackDescriptor = { id, kind, resource, name: trackName(kind, resource), lanes: 0 };
      if (kind === 'goroutine') {
        const g = this.goroutines.get(resource);
        t.name = g ? goroutineName(g) : `G${resource}`;
        t.startFunction = g?.startFunction ?? '';
        t.system = g?.system ?? false;
      }
      return t;
    });
    return { tracks, finalOf };
  }

  /** Sorts slices by (track, lane, start) and assigns lanes so no two slices in a lane overlap. */
  private buildSlices(trackCount: number, finalOf: Int32Array): SliceColumns {
    const n = this.sliceStart.length;
    const track = new Uint32Array(n);
    const provTrack = this.sliceTrack.data;
    for (let i = 0; i < n; i++) track[i] = finalOf[provTrack[i]];
    const trackOffset = countingOffsets(track, trackCount);
    const order = countingSort(track, trackOffset);
    const start = this.sliceStart.data;
    const end = this.sliceEnd.data;

    const lane = new Uint16Array(n);
    const trackLanes = new Uint16Array(trackCount);
    const laneEnds: number[] = [];
    for (let t = 0; t < trackCount; t++) {
      const lo = trackOffset[t];
      const hi = trackOffset[t + 1];
      if (lo === hi) continue;
      sortSegment(order, lo, hi, start, end);
      laneEnds.length = 0;
      for (let k = lo; k < hi; k++) {
        const i = order[k];
        let l = 0;
        while (l < laneEnds.length && laneEnds[l] > start[i]) l++;
        if (l === laneEnds.length) laneEnds.push(end[i]);
        else laneEnds[l] = end[i];
        lane[i] = l;
      }
      trackLanes[t] = laneEnds.length;
      // Stable reorder of this track's slices by lane (they are already by start within a lane).
      if (laneEnds.length > 1) {
        const seg = Array.from(order.subarray(lo, hi));
        seg.sort((a, b) => lane[a] - lane[b]);
        order.set(seg, lo);
      }
    }

    const trackSegment = new Uint32Array(trackCount + 1);
    let segments = 0;
    for (let t = 0; t < trackCount; t++) {
      trackSegment[t] = segments;
      segments += trackLanes[t];
    }
    trackSegment[trackCount] = segments;
    const segmentOffset = new Uint32Array(segments + 1);
    let k = 0;
    for (let t = 0; t < trackCount; t++) {
      for (let l = 0; l < trackLanes[t]; l++) {
        segmentOffset[trackSegment[t] + l] = k;
        while (k < trackOffset[t + 1] && lane[order[k]] === l) k++;
      }
    }
    segmentOffset[segments] = k;

    return {
      start: this.sliceStart.permuted(order),
      end: this.sliceEnd.permuted(order),
      kind: this.sliceKind.permuted(order),
      goroutine: this.sliceGoroutine.permuted(order),
      name: this.sliceName.permuted(order),
      startStack: this.sliceStartStack.permuted(order),
      endStack: this.sliceEndStack.permuted(order),
      segmentOffset,
      trackSegment,
      trackLanes,
    };
  }

  private buildStates(tracks: TrackDescriptor[], finalOf: Int32Array): { states: StateColumns; stateRowOfTrack: Int32Array } {
    const rows = this.rowGoroutine.length;
    const row = this.stateRow.trimmed();
    const rowOffset = countingOffsets(row, rows);
    // Spans of one goroutine arrive in time order, so a stable bucket by row is enough.
    const order = countingSort(row, rowOffset);
    const stateRowOfTrack = new Int32Array(tracks.length).fill(-1);
    for (let r = 0; r < rows; r++) {
      const prov = this.trackKeys.goroutine.get(this.rowGoroutine[r])!;
      stateRowOfTrack[finalOf[prov]] = r;
    }
    return {
      states: {
        start: this.stateStart.permuted(order),
        state: this.stateState.permuted(order),
        reason: this.stateReason.permuted(order),
        stack: this.stateStack.permuted(order),
        rowOffset,
        rowEnd: this.rowEnd.trimmed(),
        rowEndStack: this.rowEndStack.trimmed(),
      },
      stateRowOfTrack,
    };
  }

  private buildFlows() {
    // Flows are recorded when the target starts; order them by their source time.
    const n = this.flowFromTime.length;
    const from = this.flowFromTime.data;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    sortSegment(order, 0, n, from, new Float64Array(n));
    return {
      name: this.flowName.permuted(order),
      fromTime: this.flowFromTime.permuted(order),
      toTime: this.flowToTime.permuted(order),
      fromG: this.flowFromG.permuted(order),
      fromP: this.flowFromP.permuted(order),
      fromM: this.flowFromM.permuted(order),
      toG: this.flowToG.permuted(order),
      toP: this.flowToP.permuted(order),
      toM: this.flowToM.permuted(order),
      fromStack: this.flowFromStack.permuted(order),
    };
  }
}

/** Records a goroutine's start cause, reusing its cause object (this runs per unblock). */
function setCause(g: GoroutineInfo, time: number, name: number, ev: TraceEvent): void {
  const c = (g.cause ??= { time: 0, name: 0, g: 0, p: 0, m: 0, stack: 0, set: false });
  c.time = time;
  c.name = name;
  c.g = ev.g;
  c.p = ev.p;
  c.m = ev.m;
  c.stack = ev.stack;
  c.set = true;
}

function goroutineName(g: GoroutineInfo): string {
  let name = `G${g.id}`;
  if (g.named) name += ` ${g.startFunction}`;
  if (g.label) name += ` (${g.label})`;
  return name;
}

function trackName(kind: TrackKind, resource: number): string {
  switch (kind) {
    case 'gc': return 'GC';
    case 'stw': return 'STW';
    case 'proc': return `Proc ${resource}`;
    case 'thread': return `Thread ${resource}`;
    case 'goroutine': return `G${resource}`;
    case 'counter': return `Counter ${resource}`;
  }
}

/** offsets[k] = number of keys < k; keys are in [0, buckets). */
function countingOffsets(keys: ArrayLike<number>, buckets: number): Uint32Array {
  const offsets = new Uint32Array(buckets + 1);
  for (let i = 0; i < keys.length; i++) offsets[keys[i] + 1]++;
  for (let b = 0; b < buckets; b++) offsets[b + 1] += offsets[b];
  return offsets;
}

/** A stable permutation grouping indices by key. */
function countingSort(keys: ArrayLike<number>, offsets: Uint32Array): Uint32Array {
  const next = offsets.slice(0, offsets.length - 1);
  const order = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) order[next[keys[i]]++] = i;
  return order;
}

/** A step series: points are appended when values change; back-dated points are re-sorted. */
class CounterBuilder {
  private readonly time = f64();
  private readonly columns: GrowableColumn<Float64Array | Int32Array>[];
  private last: number[] | null = null;
  private sorted = true;

  /** `integer`: counts (goroutines, threads) fit Int32 columns, half the bytes of Float64. */
  constructor(readonly name: string, readonly series: readonly string[], integer = false) {
    this.columns = series.map(() => (integer ? i32() : f64()));
  }

  /** Appends a point if any value changed (or `force`, when an uncounted state changed). */
  point(t: number, values: readonly number[], force = false): void {
    const last = (this.last ??= values.map(() => Number.NaN));
    if (!force) {
      let same = true;
      for (let i = 0; i < values.length; i++) if (values[i] !== last[i]) { same = false; break; }
      if (same) return;
    }
    if (this.time.length > 0 && t < this.time.get(this.time.length - 1)) this.sorted = false;
    this.time.push(t);
    for (let i = 0; i < values.length; i++) {
      this.columns[i].push(values[i]);
      last[i] = values[i];
    }
  }

  build(id: number): CounterSeries {
    const n = this.time.length;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!this.sorted) {
      const seg = Array.from(order);
      const t = this.time.data;
      seg.sort((a, b) => t[a] - t[b] || a - b);
      order.set(seg);
    }
    return { id, name: this.name, series: this.series, time: this.time.permuted(order), values: this.columns.map((c) => c.permuted(order)) };
  }
}
