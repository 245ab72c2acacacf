// The three timeline "views" of go tool trace (cmd/trace procgen.go, threadgen.go,
// goroutinegen.go), each following one goroutine state machine (gstate.go) to cut execution
// slices, syscall slices and goroutine-scoped ranges onto a resource: the proc, the thread or
// the goroutine itself. Emitting through the same rules is what makes our slice boundaries equal
// go tool trace's. Flows, names and counters are view-independent and live in the builder.
//
// This runs on every goroutine transition of traces with tens of millions of them, so the three
// views' per-goroutine states are numbers in one Float64Array record per live goroutine (slot),
// and the views' rules are applied in one pass over that record instead of through an object
// per view and goroutine. Ranges and pending slices (rare but for syscalls) live beside it.

import { resized } from './typed-arrays.ts';
import { GoState, ProcState, type TraceEvent } from './event.ts';
import { SliceKind, type TrackKind } from './timeline.ts';
import { GoroutineRecords, VIEW_SLOT } from './timeline-goroutines.ts';

export const NONE = -1;

/** Where a view's slices go: (track kind, resource id) plus the slice's columns. */
export interface SliceSink {
  slice(track: TrackKind, resource: number, start: number, end: number, kind: SliceKind, goroutine: number, name: number, startStack: number, endStack: number): void;
  internString(s: string): number;
  /** String id of the name of the goroutine of builder row `row` now (go tool trace names each slice when it ends). */
  goroutineName(row: number): number;
}

/** Times the views need from the builder: the trace's first and (at finish) last event. */
export interface TraceClock {
  startTime: number;
  endTime: number;
}

interface ActiveRange {
  time: number; // NaN: not executing, the slice starts when the goroutine next runs
  stack: number;
}

/** The views, in the order go tool trace's rules are applied (and strings get interned). */
const PROC = 0;
const THREAD = 1;
const GOROUTINE = 2;
const VIEWS = 3;
const TRACK_OF_VIEW: readonly TrackKind[] = ['proc', 'thread', 'goroutine'];

// A view's fields in a slot record (gstate.go's gState minus naming and flows), at view·FIELDS.
const EXECUTING = 0; // resource the goroutine executes on, or NONE
const START_RUNNING = 1; // NaN when not running
const LAST_STOP_STACK = 2;
const SYSCALL_TIME = 3;
const SYSCALL_STACK = 4;
const SYSCALL_ACTIVE = 5; // 1 or 0
const FIELDS = 6;
// The goroutine's id and builder row, after the three views.
const ID = VIEWS * FIELDS;
const ROW = ID + 1;
const STRIDE = ROW + 1;

/** A pending slice (CompletedRange) is six numbers in its view's list. */
const PENDING_FIELDS = 6;

/** procgen.go's inSyscall entry whose state was forgotten: go tool trace keeps it, inert. */
const FORGOTTEN = -1;

const executing = (s: number) => s === GoState.Running || s === GoState.Syscall;

/**
 * The three views over per-goroutine slots: builder row → slot (VIEW_SLOT), and each view's
 * state in that slot's record. Millions of goroutines come and go; only the live ones hold a slot.
 */
export class TimelineViews {
  /** Slot s's record: state[s·STRIDE …]. Replaced as it grows. */
  private state = new Float64Array(64 * STRIDE);
  private slots = 0;
  private readonly freeSlots: number[] = [];
  /** Per slot·VIEWS + view: open goroutine ranges by name (null: none yet). */
  private readonly activeRanges: (Map<string, ActiveRange> | null)[] = [];
  /** Per slot·VIEWS + view: slices cut but emitted at the next stop, PENDING_FIELDS numbers each. */
  private readonly pending: (number[] | null)[] = [];
  /** procgen.go inSyscall: the slot of the goroutine in a syscall on each proc (or FORGOTTEN). */
  private readonly inSyscall = new Map<number, number>();
  private syscallName = -1;

  /** `records`: the builder's goroutine records, whose VIEW_SLOT field is the row's slot + 1. */
  constructor(
    private readonly sink: SliceSink,
    private readonly clock: TraceClock,
    private readonly records: GoroutineRecords,
  ) {}

  /** The slot of goroutine `id`, whose builder row is `row`. */
  private slot(id: number, row: number): number {
    const slot = this.records.data[GoroutineRecords.at(row, VIEW_SLOT)];
    if (slot !== 0) return slot - 1;
    let free = this.freeSlots.pop();
    if (free === undefined) {
      free = this.slots++;
      if (free * STRIDE === this.state.length) this.state = resized(this.state, this.state.length * 2);
      for (let v = 0; v < VIEWS; v++) {
        this.activeRanges.push(null);
        this.pending.push(null);
      }
    }
    const base = free * STRIDE;
    this.state[base + ID] = id;
    this.state[base + ROW] = row;
    for (let v = 0; v < VIEWS; v++) this.resetView(free, v);
    this.records.data[GoroutineRecords.at(row, VIEW_SLOT)] = free + 1;
    return free;
  }

  private resetView(slot: number, view: number): void {
    const at = slot * STRIDE + view * FIELDS;
    const st = this.state;
    st[at + EXECUTING] = NONE;
    st[at + START_RUNNING] = Number.NaN;
    st[at + LAST_STOP_STACK] = 0;
    st[at + SYSCALL_TIME] = Number.NaN;
    st[at + SYSCALL_STACK] = 0;
    st[at + SYSCALL_ACTIVE] = 0;
    const i = slot * VIEWS + view;
    this.activeRanges[i] = null;
    const pending = this.pending[i];
    if (pending) pending.length = 0;
  }

  /**
   * Whether a view's state can be forgotten (a dead goroutine with nothing pending; cgo callback
   * goroutines come back to life with the same id, so a slice still waiting to be flushed must
   * survive).
   */
  private forgettable(slot: number, view: number): boolean {
    const at = slot * STRIDE + view * FIELDS;
    const i = slot * VIEWS + view;
    return this.state[at + EXECUTING] === NONE && !this.activeRanges[i]?.size && !this.pending[i]?.length && this.state[at + SYSCALL_ACTIVE] === 0;
  }

  /**
   * A goroutine StateTransition with from !== to (the builder filters no-ops) of the goroutine
   * of builder row `row`.
   */
  goroutineTransition(ev: TraceEvent, row: number): void {
    const slot = this.slot(ev.resourceId, row);
    const from = ev.oldState;
    const to = ev.newState;
    const t = ev.time;
    const backdated = from === GoState.Undetermined ? this.clock.startTime : t;
    const fromExecuting = executing(from);
    const toExecuting = executing(to);

    // procgen.go
    const proc = ev.p;
    if (from === GoState.Running && !toExecuting) this.stop(slot, PROC, t, ev.stack);
    if (!fromExecuting && to === GoState.Running) this.start(slot, PROC, backdated, proc);
    if (to === GoState.Syscall && proc !== NONE) {
      this.syscallBegin(slot, PROC, backdated, proc, ev.stack);
      this.inSyscall.set(proc, slot);
    }
    // procgen.go checks for *any* goroutine in a syscall on this proc, then ends this one's.
    if (from === GoState.Syscall && this.inSyscall.has(proc)) {
      this.syscallEnd(slot, PROC, t, false);
      this.inSyscall.delete(proc);
    }

    // threadgen.go, goroutinegen.go
    for (let view = THREAD; view <= GOROUTINE; view++) {
      const resource = view === THREAD ? ev.m : ev.resourceId;
      if (fromExecuting && !toExecuting) this.stop(slot, view, t, ev.stack);
      if (!fromExecuting && toExecuting) this.start(slot, view, backdated, resource);
      if (from === GoState.Syscall) this.syscallEnd(slot, view, t, to !== GoState.Running);
      if (to === GoState.Syscall) this.syscallBegin(slot, view, backdated, resource, ev.stack);
    }

    if (to !== GoState.NotExist) return;
    let forgotten = 0;
    for (let view = PROC; view < VIEWS; view++) {
      if (!this.forgettable(slot, view)) continue;
      // A state procgen's inSyscall still refers to lives on there, inert (nothing to emit).
      if (view === PROC) this.forgetInSyscall(slot);
      this.resetView(slot, view);
      forgotten++;
    }
    if (forgotten === VIEWS) {
      this.records.data[GoroutineRecords.at(row, VIEW_SLOT)] = 0;
      this.freeSlots.push(slot);
    }
  }

  private forgetInSyscall(slot: number): void {
    if (this.inSyscall.size === 0) return;
    for (const [proc, s] of this.inSyscall) if (s === slot) this.inSyscall.set(proc, FORGOTTEN);
  }

  /** procgen.go ProcTransition: a proc losing its P while its goroutine sat in a syscall. */
  procTransition(ev: TraceEvent): void {
    if (ev.oldState !== ProcState.Running) return;
    const proc = ev.resourceId;
    const slot = this.inSyscall.get(proc);
    if (slot === undefined) return;
    if (slot !== FORGOTTEN) {
      this.syscallEnd(slot, PROC, ev.time, true);
      this.stop(slot, PROC, ev.time, ev.stack);
    }
    this.inSyscall.delete(proc);
  }

  rangeBegin(id: number, row: number, t: number, name: string, stack: number): void {
    const slot = this.slot(id, row);
    for (let view = PROC; view < VIEWS; view++) {
      const running = this.state[slot * STRIDE + view * FIELDS + EXECUTING] !== NONE;
      this.rangesOf(slot, view).set(name, { time: running ? t : Number.NaN, stack });
    }
  }

  rangeActive(id: number, row: number, name: string): void {
    const slot = this.slot(id, row);
    for (let view = PROC; view < VIEWS; view++) {
      const at = slot * STRIDE + view * FIELDS;
      const time = this.state[at + EXECUTING] !== NONE ? this.state[at + START_RUNNING] : Number.NaN;
      this.rangesOf(slot, view).set(name, { time, stack: 0 });
    }
  }

  rangeEnd(id: number, row: number, t: number, name: string, stack: number): void {
    const slot = this.slot(id, row);
    for (let view = PROC; view < VIEWS; view++) {
      const ranges = this.activeRanges[slot * VIEWS + view];
      const r = ranges?.get(name);
      if (this.state[slot * STRIDE + view * FIELDS + EXECUTING] !== NONE && r && !Number.isNaN(r.time)) {
        this.complete(slot, view, SliceKind.Range, this.sink.internString(name), r.time, t, r.stack, stack);
      }
      ranges?.delete(name);
    }
  }

  /** gState.finish for every goroutine still executing at the end of the trace, view by view. */
  finish(): void {
    const end = this.clock.endTime;
    for (let view = PROC; view < VIEWS; view++) {
      for (let slot = 0; slot < this.slots; slot++) {
        if (this.state[slot * STRIDE + view * FIELDS + EXECUTING] === NONE) continue;
        this.syscallEnd(slot, view, end, false);
        this.stop(slot, view, end, 0);
      }
    }
  }

  private rangesOf(slot: number, view: number): Map<string, ActiveRange> {
    return (this.activeRanges[slot * VIEWS + view] ??= new Map());
  }

  private start(slot: number, view: number, t: number, resource: number): void {
    const ranges = this.activeRanges[slot * VIEWS + view];
    if (ranges) for (const r of ranges.values()) { r.time = t; r.stack = 0; }
    const at = slot * STRIDE + view * FIELDS;
    this.state[at + EXECUTING] = resource;
    this.state[at + START_RUNNING] = t;
  }

  private syscallBegin(slot: number, view: number, t: number, resource: number, stack: number): void {
    const at = slot * STRIDE + view * FIELDS;
    const st = this.state;
    st[at + SYSCALL_TIME] = t;
    st[at + SYSCALL_STACK] = stack;
    st[at + SYSCALL_ACTIVE] = 1;
    if (st[at + EXECUTING] === NONE) {
      st[at + EXECUTING] = resource;
      st[at + START_RUNNING] = t;
    }
  }

  private syscallEnd(slot: number, view: number, t: number, blocked: boolean): void {
    const at = slot * STRIDE + view * FIELDS;
    const st = this.state;
    if (st[at + SYSCALL_ACTIVE] === 0) return;
    // The goroutine view shows syscalls as goroutine states instead (builder's state rows).
    if (view !== GOROUTINE) {
      if (this.syscallName < 0) this.syscallName = this.sink.internString('syscall');
      this.complete(slot, view, blocked ? SliceKind.SyscallBlocked : SliceKind.Syscall, this.syscallName, st[at + SYSCALL_TIME], t, st[at + SYSCALL_STACK], 0);
    }
    st[at + SYSCALL_ACTIVE] = 0;
    st[at + SYSCALL_TIME] = Number.NaN;
    st[at + SYSCALL_STACK] = 0;
  }

  private complete(slot: number, view: number, kind: SliceKind, name: number, start: number, end: number, startStack: number, endStack: number): void {
    const i = slot * VIEWS + view;
    const pending = (this.pending[i] ??= []);
    pending.push(kind, name, start, end, startStack, endStack);
  }

  private stop(slot: number, view: number, t: number, stack: number): void {
    const base = slot * STRIDE;
    const at = base + view * FIELDS;
    const st = this.state;
    const resource = st[at + EXECUTING];
    const startRunning = st[at + START_RUNNING];
    // go tool trace panics on these broken invariants; we drop the slice instead.
    if (resource !== NONE && !Number.isNaN(startRunning)) {
      const track = TRACK_OF_VIEW[view];
      const id = st[base + ID];
      const sink = this.sink;
      // The goroutine view's execution slices are the Running/Syscall runs of its state row.
      if (view !== GOROUTINE) {
        sink.slice(track, resource, startRunning, t, SliceKind.GoroutineExec, id, sink.goroutineName(st[base + ROW]), st[at + LAST_STOP_STACK], stack);
      }
      const i = slot * VIEWS + view;
      const pending = this.pending[i];
      if (pending && pending.length > 0) {
        for (let p = 0; p < pending.length; p += PENDING_FIELDS) {
          sink.slice(track, resource, pending[p + 2], pending[p + 3], pending[p], id, pending[p + 1], pending[p + 4], pending[p + 5]);
        }
        pending.length = 0;
      }
      const ranges = this.activeRanges[i];
      if (ranges) {
        for (const [name, r] of ranges) {
          if (!Number.isNaN(r.time)) sink.slice(track, resource, r.time, t, SliceKind.Range, id, sink.internString(name), r.stack, 0);
          r.time = Number.NaN;
          r.stack = 0;
        }
      }
    }
    st[at + START_RUNNING] = Number.NaN;
    st[at + LAST_STOP_STACK] = stack;
    st[at + EXECUTING] = NONE;
  }
}
