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
import {
  chunkedF64, f64, i32, narrowChunked, narrowed, StringTable, type GrowableColumn,
} from './timeline-columns.ts';
import { FlowStore, FlowTable } from './timeline-flows.ts';
import { StateRowsBuilder } from './timeline-states.ts';
import { BLOCK_REASON, FLAGS, GoroutineRecords, LABEL, PENDING_FLOW, START_FUNCTION } from './timeline-goroutines.ts';
import { buildSliceColumns, SliceStore } from './timeline-slices.ts';
import { DELTA_MINUS, DELTA_PLUS, DeltaCounterBuilder, PlainCounter, type CounterSeries } from './timeline-counter.ts';
import { DenseIdIndex } from '../analysis/dense-id-index.ts';
import { busySliceLanes, joinedPyramids, joinedSliceLevels, sharedSlicePyramidLevels, slicePyramidLevels, type PyramidLevel } from '../analysis/tiles-pyramid.ts';
import { RowValues } from './typed-arrays.ts';
import {
  GoroutineSpanState,
  SliceKind,
  TimelineModel,
  type GoroutineTrackColumns,
  type SliceColumns,
  type TrackDescriptor,
  type TrackKind,
} from './timeline.ts';
import { NONE, TimelineViews, type SliceSink, type TraceClock } from './timeline-views.ts';
import { buildStateHalf, type SplitFinishRest, type SplitFinishResult, type SplitFinishRunner } from './timeline-finish-split.ts';

/** State spans below which a split finish saves nothing (its half is ~50 ms of work; a thread's start costs about that). */
const SPLIT_FINISH_MIN_SPANS = 1 << 20;

/** The tracks' order, fixed at the start of finish, and the state rows' part of the half that may run elsewhere. */
interface FinishPlan {
  fixedTracks: TrackDescriptor[];
  /** Provisional fixed-track id → final id. */
  finalOf: Int32Array;
  goroutineTracks: GoroutineTrackColumns;
  kOfRow: Uint32Array;
  goroutineBase: number;
  counterBase: number;
  trackCount: number;
  stateRowOfTrack: Int32Array;
  flows: FlowTable;
  /** The state rows' part of the half that may run elsewhere. */
  rest: SplitFinishRest;
}

interface FinishLocalHalf {
  slices: SliceColumns;
  slicePyramids: Map<number, PyramidLevel[]>;
  counters: CounterSeries[];
}

const MARK_ASSIST_RANGE = 'GC mark assist';
const STW_PREFIX = 'stop-the-world';
/** Entries of the thread-track cache (a power of two). */
const THREAD_CACHE = 64;
/** go tool trace zeroes heap goals above 1 PiB (golang.org/issue/63864). */
const HEAP_GOAL_CUTOFF = 2 ** 50;

/** Go's traceviewer.GState order, used for the Goroutines counter. */
const enum ViewerState { Dead = 0, Runnable, Running, Waiting, WaitingGC }
/** Goroutines counter series by ViewerState (Dead has none); the last series counts syscalls. */
const SERIES_OF_VIEWER_STATE = [-1, 1, 0, 3, 2];
const SYSCALL_SERIES = 4;
/** The delta code of one viewer state's series stepping down / up (0 for Dead). */
const STEP_DOWN = SERIES_OF_VIEWER_STATE.map((k) => (k < 0 ? 0 : DELTA_MINUS << (2 * k)));
const STEP_UP = SERIES_OF_VIEWER_STATE.map((k) => (k < 0 ? 0 : DELTA_PLUS << (2 * k)));

/**
 * What all views share about the goroutines — name, label, mark-assist flag, block reason, state
 * row — by column, one row per goroutine id (a trace may hold millions). Row r is also the
 * goroutine's state row. A pending start cause (flow) is the flow slot recorded at the unblock
 * and completed at the next start.
 */
class GoroutineColumns {
  readonly rowOf = new DenseIdIndex();
  readonly id = new RowValues(new Float64Array(1024));
  /** The fields every goroutine event touches (see timeline-goroutines.ts). */
  readonly records = new GoroutineRecords();
  readonly rowEnd = new RowValues(new Float64Array(1024));
  readonly rowEndStack = new RowValues(new Uint32Array(1024));

  get count(): number {
    return this.id.length;
  }

  // The last id asked for and its row: consecutive events often concern the same goroutine.
  private lastId = Number.NaN;
  private lastRow = -1;

  /** The row of goroutine `id`, created on first sight. */
  row(id: number): number {
    if (id === this.lastId) return this.lastRow;
    let row = this.rowOf.get(id);
    if (row < 0) {
      row = this.records.add();
      this.rowOf.set(id, row);
      this.id.push(id);
      this.rowEnd.push(Number.NaN);
      this.rowEndStack.push(0);
    }
    this.lastId = id;
    this.lastRow = row;
    return row;
  }

  get(row: number, field: number): number {
    return this.records.data[GoroutineRecords.at(row, field)];
  }

  set(row: number, field: number, value: number): void {
    this.records.data[GoroutineRecords.at(row, field)] = value;
  }

  has(row: number, flag: number): boolean {
    return (this.records.data[GoroutineRecords.at(row, FLAGS)] & flag) !== 0;
  }

  setFlag(row: number, flag: number, on: boolean): void {
    const i = GoroutineRecords.at(row, FLAGS);
    if (on) this.records.data[i] |= flag;
    else this.records.data[i] &= ~flag;
  }
}

/** GoroutineColumns.flags. */
const MARK_ASSIST = 1;
/** The goroutine has state spans (a row in the model). */
const HAS_ROW = 2;
/** Its last state span is open (it has not exited). */
const ROW_OPEN = 4;

interface OpenRange {
  time: number;
  stack: number;
}

const executing = (s: number) => s === GoState.Running || s === GoState.Syscall;

function spanState(s: number, inMarkAssist: boolean): GoroutineSpanState {
  switch (s) {
    case GoState.Runnable: return GoroutineSpanState.Runnable;
    case GoState.Running: return GoroutineSpanState.Running;
    case GoState.Syscall: return GoroutineSpanState.Syscall;
    case GoState.Waiting: return inMarkAssist ? GoroutineSpanState.WaitingGC : GoroutineSpanState.Waiting;
    default: return GoroutineSpanState.NotExist;
  }
}

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

/** The timeline analysis; its finish may also be split across two threads (finishSplit). */
export interface TimelineAnalysis extends Analysis<TimelineModel> {
  /** Whether finishSplit would save anything: enough state spans (~1 M) to outweigh a thread's start. */
  readonly splitWorthwhile: boolean;
  /** finish(), with half of it run by `runner` (see TimelineBuilder.finishSplit). */
  finishSplit(runner: SplitFinishRunner): Promise<TimelineModel>;
}

export function createTimelineModel(tables: TraceTables): TimelineAnalysis {
  return new TimelineBuilder(tables);
}

class TimelineBuilder implements TimelineAnalysis, SliceSink {
  private readonly strings = new StringTable();
  private readonly clock: TraceClock = { startTime: Number.NaN, endTime: Number.NaN };
  private readonly views: TimelineViews;

  // Provisional tracks of the GC, STW, proc and thread kinds, numbered in order of first sight;
  // goroutine tracks are their goroutine's row. finish() renumbers them all.
  /** (kind, resource) → provisional track id: one numeric map per kind (this runs per event). */
  private readonly trackKeys: Record<'gc' | 'stw' | 'proc' | 'thread', Map<number, number>> = { gc: new Map(), stw: new Map(), proc: new Map(), thread: new Map() };
  private readonly trackKind: TrackKind[] = [];
  /** Proc id → provisional track. */
  private readonly procTrack: number[] = [];
  /**
   * Thread id → provisional track for recently seen threads, direct-mapped by the id's low bits:
   * nearly every event asks, and consecutive events switch among a few threads.
   */
  private readonly threadCacheId = new Float64Array(THREAD_CACHE).fill(Number.NaN);
  private readonly threadCacheTrack = new Int32Array(THREAD_CACHE);
  private readonly trackResource: number[] = [];

  /** Slices of the fixed tracks, by provisional track id; goroutine tracks' slices share one store. */
  private readonly sliceStores: (SliceStore | undefined)[] = [];
  private readonly goroutineSlices = new SliceStore();
  /** Builder row of each goroutine-track slice. */
  private readonly goroutineSliceRow = new RowValues(new Uint32Array(1024));

  private readonly g = new GoroutineColumns();
  private readonly states: StateRowsBuilder;

  private readonly flows = new FlowStore();

  private readonly sampleTime = chunkedF64();
  private readonly sampleG = narrowChunked();
  private readonly sampleP = narrowChunked();
  private readonly sampleM = narrowChunked();
  private readonly sampleStack = narrowChunked();

  private readonly heap = new CounterBuilder('Heap', ['allocated', 'goal', 'nextGC']);
  private heapAlloc = 0;
  private heapGoal = 0;
  // One point per goroutine transition: delta-coded (timeline-counter.ts).
  private readonly goroutineCounter = new DeltaCounterBuilder('Goroutines', ['running', 'runnable', 'gcWaiting', 'waiting', 'syscall']);
  private readonly threadCounter = new CounterBuilder('Threads', ['running'], true);
  private runningProcs = 0;

  private seenSync = 0;
  private readonly globalRanges = new Map<string, OpenRange>();
  private readonly procRanges = new Map<string, OpenRange & { proc: number; name: string }>();
  private readonly stwRanges = new Map<number, OpenRange & { name: string }>();
  private maxProc = -1;
  // String ids of the flow names, interned once ("unblock (reason)" by the reason's id).
  private readonly unblockNameOf: number[] = [];
  private goName = -1;
  // The last waiting reason and its string id (reasons repeat; this runs per transition).
  private lastReason = '';
  private lastReasonId = 0;
  private exitSyscallName = -1;
  /** entryFunctionOf's answers, by stack id. */
  private readonly entryFunctionOfStack: number[] = [];

  constructor(private readonly tables: TraceTables) {
    this.views = new TimelineViews(this, this.clock, this.g.records);
    this.states = new StateRowsBuilder(this.g.records, this.clock);
    this.track('gc', -1);
    this.track('stw', -1);
  }

  // ── SliceSink ────────────────────────────────────────────────────────────────────────────

  internString(s: string): number {
    return this.strings.intern(s);
  }

  /**
   * The goroutine's name now, as go tool trace names a slice when it ends. Without a label it
   * is a derived id (no string per goroutine): its id, and whether it was named yet.
   */
  goroutineName(row: number): number {
    const label = this.g.get(row, LABEL);
    const fn = this.g.get(row, START_FUNCTION);
    const id = this.g.id.data[row];
    // As an int32 (SliceSink.goroutineName): derived ids are 2^31 and up.
    if (label === 0 && TimelineModel.derivesGoroutineName(id)) return TimelineModel.goroutineNameBits(id, fn > 0);
    let name = `G${id}`;
    if (fn > 0) name += ` ${this.strings.get(fn - 1)}`;
    return this.strings.intern(label === 0 ? name : `${name} (${this.strings.get(label)})`);
  }

  slice(kind: TrackKind, resource: number, start: number, end: number, sliceKind: SliceKind, goroutine: number, name: number, startStack: number, endStack: number): void {
    if (kind === 'goroutine') {
      this.goroutineSliceRow.push(this.g.row(resource));
      this.goroutineSlices.push(start, end, sliceKind, goroutine, name, startStack, endStack);
      return;
    }
    this.fixedSliceStore(kind, resource).push(start, end, sliceKind, goroutine, name, startStack, endStack);
  }

  fixedSliceStore(kind: TrackKind, resource: number): SliceStore {
    const track = this.fixedTrack(kind, resource);
    return (this.sliceStores[track] ??= new SliceStore());
  }

  /** The provisional track of a fixed-track slice: the views' proc and thread slices take the short ways. */
  private fixedTrack(kind: TrackKind, resource: number): number {
    if (kind === 'proc') {
      const id = this.procTrack[resource];
      if (id !== undefined) return id;
      return resource >= 0 && resource < 0x10000 && Number.isInteger(resource) ? (this.procTrack[resource] = this.track(kind, resource)) : this.track(kind, resource);
    }
    if (kind === 'thread') return this.threadTrackOf(resource);
    return this.track(kind, resource);
  }

  private threadTrackOf(m: number): number {
    const h = m & (THREAD_CACHE - 1);
    if (this.threadCacheId[h] === m) return this.threadCacheTrack[h];
    const track = this.track('thread', m);
    this.threadCacheId[h] = m;
    this.threadCacheTrack[h] = track;
    return track;
  }

  private track(kind: TrackKind, resource: number): number {
    const keys = this.trackKeys[kind as 'gc' | 'stw' | 'proc' | 'thread'];
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
          const row = this.g.row(ev.resourceId);
          this.g.set(row, LABEL, this.strings.intern(ev.name));
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
    const id = ev.resourceId;
    const row = this.g.row(id);
    if (begin) this.views.rangeBegin(id, row, t, name, ev.stack);
    else if (active) this.views.rangeActive(id, row, name);
    else this.views.rangeEnd(id, row, t, name, ev.stack);
    if (name === MARK_ASSIST_RANGE) this.g.setFlag(row, MARK_ASSIST, ev.kind !== EventKind.RangeEnd);
    if (name.startsWith(STW_PREFIX)) {
      if (begin) this.stwRanges.set(id, { time: t, stack: ev.stack, name });
      else if (active) { if (!this.stwRanges.has(id)) this.stwRanges.set(id, { time: Number.isNaN(activeFrom) ? t : activeFrom, stack: 0, name }); }
      else {
        const open = this.stwRanges.get(id);
        this.slice('stw', -1, open?.time ?? this.clock.startTime, t, SliceKind.Range, id, this.strings.intern(name), open?.stack ?? 0, ev.stack);
        this.stwRanges.delete(id);
      }
    }
  }

  private goroutineTransition(ev: TraceEvent): void {
    const g = this.g;
    const id = ev.resourceId;
    const row = g.row(id);
    // The goroutine's record. Its array is replaced only when a row is added (above), so one
    // load serves the whole event.
    const data = g.records.data;
    const at = GoroutineRecords.at(row, 0);
    // gState.augmentName: the first transition stack names the goroutine by its entry function.
    if (data[at + START_FUNCTION] === 0 && ev.transitionStack !== 0) {
      const name = this.entryFunctionOf(ev.transitionStack);
      if (name !== 0) data[at + START_FUNCTION] = name;
    }
    const m = ev.m;
    if (m !== NONE) this.threadTrackOf(m);
    const from = ev.oldState;
    const to = ev.newState;
    if (from === to) return;
    const fromExecuting = executing(from);
    const toExecuting = executing(to);

    if (fromExecuting && to === GoState.Waiting) data[at + BLOCK_REASON] = this.reasonId(ev.reason);
    this.views.goroutineTransition(ev, row);

    // Flows (gstate.go start / unblock / created / blockedSyscallEnd, goroutine-view order). A
    // cause is recorded in a new flow slot; one it replaces stays behind, never started.
    if (!fromExecuting && toExecuting) {
      const slot = (data[at + PENDING_FLOW] | 0) - 1;
      if (slot >= 0) {
        this.flows.start(slot, ev, this.clock);
        data[at + PENDING_FLOW] = 0;
      }
    }
    if (from === GoState.Waiting) {
      const reason = data[at + BLOCK_REASON];
      let name = this.unblockNameOf[reason];
      if (name === undefined) {
        name = this.strings.intern(reason !== 0 ? `unblock (${this.strings.get(reason)})` : 'unblock');
        this.unblockNameOf[reason] = name;
      }
      data[at + BLOCK_REASON] = 0;
      data[at + PENDING_FLOW] = this.flows.add(name, ev) + 1;
    }
    if (from === GoState.NotExist && to === GoState.Runnable && (ev.g !== NONE || ev.p !== NONE)) {
      if (this.goName < 0) this.goName = this.strings.intern('go');
      data[at + PENDING_FLOW] = this.flows.add(this.goName, ev) + 1;
    }
    if (from === GoState.Syscall && to !== GoState.Running) {
      if (this.exitSyscallName < 0) this.exitSyscallName = this.strings.intern('exit blocked syscall');
      data[at + PENDING_FLOW] = this.flows.add(this.exitSyscallName, ev) + 1;
    }

    // Flags change only here and at mark-assist ranges: read once, written back once. As an
    // int32: a record's value is a double, which a call V8 does not inline gets boxed.
    const flags = data[at + FLAGS] | 0;
    const markAssist = (flags & MARK_ASSIST) !== 0;
    if ((flags & HAS_ROW) !== 0 || to !== GoState.NotExist) data[at + FLAGS] = this.stateSpan(row, flags, markAssist, ev);
    this.countGoroutines(markAssist, from, to, ev);
  }

  /**
   * String id + 1 of the outermost function of stack `stack` (0: the stack has no frames), by
   * stack: millions of goroutines share a few entry stacks.
   */
  private entryFunctionOf(stack: number): number {
    const known = this.entryFunctionOfStack[stack];
    if (known !== undefined) return known;
    const frames = this.tables.stackFrameIds(stack);
    const name = frames.length > 0 ? this.strings.intern(this.tables.frameFunc[frames[frames.length - 1]]) + 1 : 0;
    // (A stack not interned yet reads as empty now; ask again next time.)
    if (stack < this.tables.stackCount) this.entryFunctionOfStack[stack] = name;
    return name;
  }

  private reasonId(reason: string): number {
    if (reason !== this.lastReason) {
      this.lastReason = reason;
      this.lastReasonId = this.strings.intern(reason);
    }
    return this.lastReasonId;
  }

  /**
   * The goroutine's state row gets the span `ev` begins (or is closed by its exit); returns its
   * new flags. Not called for a goroutine without a row that does not come to exist.
   */
  private stateSpan(row: number, flags: number, markAssist: boolean, ev: TraceEvent): number {
    const to = ev.newState;
    const open = (flags & ROW_OPEN) !== 0;
    if ((flags & HAS_ROW) === 0) flags |= HAS_ROW;
    // A goroutine id seen again after it exited: keep the row gap-free.
    else if (!open && to !== GoState.NotExist) this.states.push(row, this.g.rowEnd.data[row], GoroutineSpanState.NotExist, 0, 0);
    if (to === GoState.NotExist) {
      this.g.rowEnd.data[row] = ev.time;
      this.g.rowEndStack.data[row] = ev.stack;
      this.states.close(row);
      return flags & ~ROW_OPEN;
    }
    const reason = to === GoState.Waiting ? this.reasonId(ev.reason) : 0;
    // Backdated to the trace's start if the goroutine's state was undetermined until now.
    this.states.pushTransition(row, ev, ev.oldState === GoState.Undetermined && !open, spanState(to, markAssist), reason);
    return flags | ROW_OPEN;
  }

  /**
   * The Goroutines counter: a transition moves one goroutine between viewer states, so the
   * point it writes is the last one stepped by ±1 (the emitter writes a point whenever any state
   * count, Dead included, changes: the counts then always differ from the last point's).
   */
  private countGoroutines(markAssist: boolean, from: number, to: number, ev: TraceEvent): void {
    const vf = viewerState(from, markAssist);
    const vt = viewerState(to, markAssist);
    let code = 0;
    if (vf !== vt) code = STEP_DOWN[vf] | STEP_UP[vt];
    if (from === GoState.Syscall) code |= DELTA_MINUS << (2 * SYSCALL_SERIES);
    if (to === GoState.Syscall) code |= DELTA_PLUS << (2 * SYSCALL_SERIES);
    if (code !== 0) this.goroutineCounter.pushSteps(ev, code);
  }

  /** Makes sure thread `m` has a track (consecutive events mostly share their M). */
  private threadTrack(m: number): void {
    if (m !== NONE) this.threadTrackOf(m);
  }

  private procTransition(ev: TraceEvent): void {
    this.threadTrack(ev.m);
    const proc = ev.resourceId;
    this.maxProc = Math.max(this.maxProc, proc);
    const from = ev.oldState;
    const to = ev.newState;
    if (from === to) return;
    this.views.procTransition(ev);
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
    const plan = this.beginFinish();
    // Slices first, as before the split: on one thread the peak is lowest this way (a first part
    // of a huge trace finishes on one thread because memory is short).
    const local = this.finishLocalHalf(plan);
    return this.endFinish(plan, local, buildStateHalf(plan.rest));
  }

  get splitWorthwhile(): boolean {
    return this.states.movedSpans >= SPLIT_FINISH_MIN_SPANS;
  }

  /**
   * finish(), with the state rows ordered by `runner` (on another thread) once the goroutine
   * tracks are ordered, while this one lays out the slices; then both build the slice lanes'
   * pyramids, each taking the next lane left.
   */
  async finishSplit(runner: SplitFinishRunner): Promise<TimelineModel> {
    const plan = this.beginFinish();
    const split = runner.rest(plan.rest);
    const { slices, counters } = this.layOutSlices(plan, true);
    const job = { slices, lanes: busySliceLanes(slices, plan.trackCount), next: new Int32Array(new SharedArrayBuffer(4)) };
    const theirs = runner.slicePyramids(job);
    const mine = sharedSlicePyramidLevels(slices, job.lanes, job.next);
    const slicePyramids = joinedSliceLevels(mine, await theirs);
    return this.endFinish(plan, { slices, counters, slicePyramids }, await split);
  }

  /** Closes what is open at the trace's end and orders the tracks; `rest` hands over the state rows. */
  private beginFinish(): FinishPlan {
    if (Number.isNaN(this.clock.startTime)) this.clock.startTime = this.clock.endTime = 0;
    // Flows are final as the pass recorded them (timeline-flows.ts), bar a few ties.
    const flows = FlowTable.fromStaged(this.flows.staged());
    const end = this.clock.endTime;
    // gen.go Finish: open proc ranges, then open GC ranges, then executing goroutines.
    for (const r of this.procRanges.values()) this.slice('proc', r.proc, r.time, end, SliceKind.Range, -1, this.strings.intern(r.name), r.stack, 0);
    for (const [name, r] of this.globalRanges) if (name.includes('GC')) this.slice('gc', -1, r.time, end, SliceKind.Range, -1, this.strings.intern(name), r.stack, 0);
    for (const [g, r] of this.stwRanges) this.slice('stw', -1, r.time, end, SliceKind.Range, g, this.strings.intern(r.name), r.stack, 0);
    this.views.finish();
    for (let p = 0; p <= this.maxProc; p++) this.track('proc', p);
    const g = this.g;
    for (let row = 0; row < g.count; row++) if (g.has(row, ROW_OPEN)) g.rowEnd.data[row] = end;

    const { fixedTracks, finalOf } = this.orderFixedTracks();
    const { goroutineTracks, kOfRow, rowOfK } = this.orderGoroutines();
    const goroutineBase = fixedTracks.length;
    const counterBase = goroutineBase + goroutineTracks.ids.length;
    const trackCount = counterBase + 3;
    const stateRowOfTrack = new Int32Array(trackCount).fill(-1);
    const hasRow = new Uint8Array(g.count);
    for (let k = 0; k < g.count; k++) {
      if (g.has(rowOfK[k], HAS_ROW)) {
        stateRowOfTrack[goroutineBase + k] = k;
        hasRow[k] = 1;
      }
    }
    const rest: SplitFinishRest = {
      states: this.states.staged(),
      flows: flows.parts,
      rowOfK,
      kOfRow,
      // Handed over as they are (a helper thread puts them in track order): the builder is done with them.
      rowEndByRow: g.rowEnd.data,
      rowEndStackByRow: g.rowEndStack.data,
      hasRow,
      goroutineIds: goroutineTracks.ids,
    };
    return { fixedTracks, finalOf, goroutineTracks, kOfRow, goroutineBase, counterBase, trackCount, stateRowOfTrack, flows, rest };
  }

  /** What finish builds besides the split-off half: slices and their pyramids, counters. */
  private finishLocalHalf(plan: FinishPlan): FinishLocalHalf {
    const { slices, counters } = this.layOutSlices(plan, false);
    return { slices, slicePyramids: slicePyramidLevels(slices, plan.trackCount), counters };
  }

  /** `shared`: the slice columns in shared memory, for a helper thread (buildSliceColumns). */
  private layOutSlices(plan: FinishPlan, shared: boolean): { slices: SliceColumns; counters: CounterSeries[] } {
    const { trackCount, finalOf, goroutineBase, counterBase, kOfRow } = plan;
    const slices = this.buildSlices(trackCount, finalOf, goroutineBase, kOfRow, shared);
    for (const t of plan.fixedTracks) t.lanes = slices.trackLanes[t.id];
    const counters: CounterSeries[] = [this.heap.build(counterBase), this.goroutineCounter.build(counterBase + 1), this.threadCounter.build(counterBase + 2)];
    return { slices, counters };
  }

  private endFinish(plan: FinishPlan, local: FinishLocalHalf, split: SplitFinishResult): TimelineModel {
    const goroutineTracks = { ...plan.goroutineTracks, ids: split.goroutineIds };
    plan.flows.parts.latestArrivals ??= split.flowArrivals;
    const model = new TimelineModel(this.clock.startTime, this.clock.endTime, plan.fixedTracks, goroutineTracks, local.slices, split.states, plan.stateRowOfTrack, local.counters, plan.flows, {
      time: this.sampleTime.trimmed(),
      g: narrowed(this.sampleG.trimmed()),
      p: narrowed(this.sampleP.trimmed()),
      m: narrowed(this.sampleM.trimmed()),
      stack: narrowed(this.sampleStack.trimmed()),
    }, this.strings);
    // Zoomed-out tiles read these instead of every span of a busy lane.
    model.tilePyramids = joinedPyramids(local.slicePyramids, split.statePyramids);
    return model;
  }

  /** GC, STW, procs, threads (each by id); returns the tracks and provisional → final ids. */
  private orderFixedTracks(): { fixedTracks: TrackDescriptor[]; finalOf: Int32Array } {
    const rank: Record<TrackKind, number> = { gc: 0, stw: 1, proc: 2, thread: 3, goroutine: 4, counter: 5 };
    const order = this.trackKind.map((_, i) => i);
    order.sort((a, b) => rank[this.trackKind[a]] - rank[this.trackKind[b]] || this.trackResource[a] - this.trackResource[b]);
    const finalOf = new Int32Array(order.length);
    const fixedTracks: TrackDescriptor[] = order.map((prov, id) => {
      finalOf[prov] = id;
      const kind = this.trackKind[prov];
      const resource = this.trackResource[prov];
      return { id, kind, resource, name: trackName(kind, resource), lanes: 0 };
    });
    return { fixedTracks, finalOf };
  }

  /** Goroutine tracks by goroutine id: k-th track ↔ row rowOfK[k]. */
  private orderGoroutines(): { goroutineTracks: GoroutineTrackColumns; kOfRow: Uint32Array; rowOfK: Uint32Array } {
    const g = this.g;
    const n = g.count;
    // The id index already holds every id in order (by page): no sort, no second id table.
    const { ids, rows: rowOfK } = g.rowOf.sortedEntries(n);
    const kOfRow = new Uint32Array(n);
    for (let k = 0; k < n; k++) kOfRow[rowOfK[k]] = k;
    return {
      goroutineTracks: { ids, startFunction: g.records.narrowColumn(START_FUNCTION, rowOfK), label: g.records.narrowColumn(LABEL, rowOfK) },
      kOfRow,
      rowOfK,
    };
  }

  /** Slices by (track, lane, start), with lanes so no two slices in a lane overlap (timeline-slices.ts). */
  private buildSlices(trackCount: number, finalOf: Int32Array, goroutineBase: number, kOfRow: Uint32Array, shared: boolean): SliceColumns {
    const fixed: { track: number; store: SliceStore }[] = [];
    this.sliceStores.forEach((store, prov) => {
      if (store) fixed.push({ track: finalOf[prov], store });
    });
    const rows = this.goroutineSliceRow;
    const goroutineTrack = new Uint32Array(rows.length);
    for (let i = 0; i < rows.length; i++) goroutineTrack[i] = goroutineBase + kOfRow[rows.data[i]];
    return buildSliceColumns({ trackCount, fixed, goroutine: this.goroutineSlices, goroutineTrack }, shared);
  }
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

/** A step series: points are appended when values change; back-dated points are re-sorted. */
class CounterBuilder {
  private readonly time = f64();
  private readonly columns: GrowableColumn<Float64Array | Int32Array>[];
  private last: number[] | null = null;
  private sorted = true;

  /** `integer`: counts (threads) fit Int32 columns, half the bytes of Float64. */
  constructor(readonly name: string, readonly series: readonly string[], integer = false) {
    this.columns = series.map(() => (integer ? i32() : f64()));
  }

  /** Appends a point if any value changed. */
  point(t: number, values: readonly number[]): void {
    const last = (this.last ??= values.map(() => Number.NaN));
    let same = true;
    for (let i = 0; i < values.length; i++) if (values[i] !== last[i]) { same = false; break; }
    if (same) return;
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
    return new PlainCounter(id, this.name, this.series, this.time.permuted(order), this.columns.map((c) => c.permuted(order)));
  }
}
