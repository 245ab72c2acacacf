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
import type { SliceStore } from './timeline-slices.ts';

export const NONE = -1;

/** Where a view's slices go: (track kind, resource id) plus the slice's columns. */
export interface SliceSink {
  slice(track: TrackKind, resource: number, start: number, end: number, kind: SliceKind, goroutine: number, name: number, startStack: number, endStack: number): void;
  /** The slice store of a proc or thread track: the views push their slices there directly. */
  fixedSliceStore(track: 'proc' | 'thread', resource: number): SliceStore;
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

/**
 * A pending slice (CompletedRange) is an entry of the pending pool: six numbers and the entry + 1
 * of the next slice of its view's list (0: the last).
 */
const PENDING_FIELDS = 7;
const PENDING_NEXT = 6;

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
  // Slices cut but emitted at the next stop (mostly syscalls), as lists in one pool of entries:
  // a JS array per slot and view reallocated its backing store for nearly every syscall.
  private pendingPool = new Float64Array(64 * PENDING_FIELDS);
  private pendingUsed = 0;
  /** Entry + 1 of the first free pool entry (0: none). */
  private pendingFree = 0;
  /** Per slot·VIEWS + view: entry + 1 of the first and the last pending slice (0: none). */
  private pendingHead = new Int32Array(64 * VIEWS);
  private pendingTail = new Int32Array(64 * VIEWS);
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
      if (free * STRIDE === this.state.length) {
        this.state = resized(this.state, this.state.length * 2);
        this.pendingHead = resized(this.pendingHead, this.pendingHead.length * 2);
        this.pendingTail = resized(this.pendingTail, this.pendingTail.length * 2);
      }
      for (let v = 0; v < VIEWS; v++) this.activeRanges.push(null);
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
    this.releasePending(i);
  }

  /** Returns the pending list of slot·VIEWS + view `i` to the pool's free list. */
  private releasePending(i: number): void {
    const head = this.pendingHead[i];
    if (head === 0) return;
    this.pendingPool[(this.pendingTail[i] - 1) * PENDING_FIELDS + PENDING_NEXT] = this.pendingFree;
    this.pendingFree = head;
    this.pendingHead[i] = 0;
    this.pendingTail[i] = 0;
  }

  /**
   * Whether a view's state can be forgotten (a dead goroutine with nothing pending; cgo callback
   * goroutines come back to life with the same id, so a slice still waiting to be flushed must
   * survive).
   */
  private forgettable(slot: number, view: number): boolean {
    const at = slot * STRIDE + view * FIELDS;
    const i = slot * VIEWS + view;
    return this.state[at + EXECUTING] === NONE && !this.activeRanges[i]?.size && this.pendingHead[i] === 0 && this.state[at + SYSCALL_ACTIVE] === 0;
  }

  /**
   * A goroutine StateTransition with from !== to (the builder filters no-ops) of the goroutine
   * of builder row `row`.
   */
  goroutineTransition(ev: TraceEvent, row: number): void {
    const id = ev.resourceId;
    const slot = this.slot(id, row);
    const from = ev.oldState;
    const to = ev.newState;
    const t = ev.time;
    const stack = ev.stack;
    const backdated = from === GoState.Undetermined ? this.clock.startTime : t;
    const fromExecuting = executing(from);
    const toExecuting = executing(to);
    const stops = fromExecuting && !toExecuting;
    const starts = !fromExecuting && toExecuting;
    // The proc and thread views usually stop together and name their slices alike: the name is
    // looked up once (-1: not yet).
    let name = -1;

    // procgen.go
    const proc = ev.p;
    if (from === GoState.Running && !toExecuting) name = this.stop(slot, PROC, t, stack, name);
    if (!fromExecuting && to === GoState.Running) this.start(slot, PROC, backdated, proc);
    if (to === GoState.Syscall && proc !== NONE) {
      this.syscallBegin(slot, PROC, backdated, proc, stack);
      this.inSyscall.set(proc, slot);
    }
    // procgen.go checks for *any* goroutine in a syscall on this proc, then ends this one's.
    if (from === GoState.Syscall && this.inSyscall.has(proc)) {
      this.syscallEnd(slot, PROC, t, false);
      this.inSyscall.delete(proc);
    }

    // threadgen.go
    const m = ev.m;
    if (stops) name = this.stop(slot, THREAD, t, stack, name);
    if (starts) this.start(slot, THREAD, backdated, m);
    if (from === GoState.Syscall) this.syscallEnd(slot, THREAD, t, to !== GoState.Running);
    if (to === GoState.Syscall) this.syscallBegin(slot, THREAD, backdated, m, stack);

    // goroutinegen.go. Its execution and syscall slices come from the state rows, so without
    // ranges or pending slices its rules only update the record (what the calls would do).
    const i = slot * VIEWS + GOROUTINE;
    if (this.activeRanges[i] === null && this.pendingHead[i] === 0) {
      const at = slot * STRIDE + GOROUTINE * FIELDS;
      const st = this.state;
      if (stops) {
        st[at + START_RUNNING] = Number.NaN;
        st[at + LAST_STOP_STACK] = stack;
        st[at + EXECUTING] = NONE;
      }
      if (starts) {
        st[at + EXECUTING] = id;
        st[at + START_RUNNING] = backdated;
      }
      if (from === GoState.Syscall && st[at + SYSCALL_ACTIVE] !== 0) {
        st[at + SYSCALL_ACTIVE] = 0;
        st[at + SYSCALL_TIME] = Number.NaN;
        st[at + SYSCALL_STACK] = 0;
      }
      if (to === GoState.Syscall) this.syscallBegin(slot, GOROUTINE, backdated, id, stack);
    } else {
      if (stops) this.stop(slot, GOROUTINE, t, stack, name);
      if (starts) this.start(slot, GOROUTINE, backdated, id);
      if (from === GoState.Syscall) this.syscallEnd(slot, GOROUTINE, t, to !== GoState.Running);
      if (to === GoState.Syscall) this.syscallBegin(slot, GOROUTINE, backdated, id, stack);
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
      this.stop(slot, PROC, ev.time, ev.stack, -1);
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
        this.stop(slot, view, end, 0, -1);
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
    let entry = this.pendingFree - 1;
    if (entry >= 0) this.pendingFree = this.pendingPool[entry * PENDING_FIELDS + PENDING_NEXT];
    else {
      entry = this.pendingUsed++;
      if ((entry + 1) * PENDING_FIELDS > this.pendingPool.length) this.pendingPool = resized(this.pendingPool, this.pendingPool.length * 2);
    }
    const pool = this.pendingPool;
    const at = entry * PENDING_FIELDS;
    pool[at] = kind;
    pool[at + 1] = name;
    pool[at + 2] = start;
    pool[at + 3] = end;
    pool[at + 4] = startStack;
    pool[at + 5] = endStack;
    pool[at + PENDING_NEXT] = 0;
    const i = slot * VIEWS + view;
    const tail = this.pendingTail[i];
    if (tail === 0) this.pendingHead[i] = entry + 1;
    else pool[(tail - 1) * PENDING_FIELDS + PENDING_NEXT] = entry + 1;
    this.pendingTail[i] = entry + 1;
  }

  /**
   * Ends the goroutine's execution on the view's resource. `name`: the goroutine's name if the
   * caller already has it, else -1; returns it (or -1) for the next view stopping with it.
   */
  /** A slice onto `store` (proc and thread views) or else the goroutine track of `resource`. */
  private emit(store: SliceStore | null, resource: number, start: number, end: number, kind: SliceKind, goroutine: number, name: number, startStack: number, endStack: number): void {
    if (store !== null) store.push(start, end, kind, goroutine, name, startStack, endStack);
    else this.sink.slice('goroutine', resource, start, end, kind, goroutine, name, startStack, endStack);
  }

  private stop(slot: number, view: number, t: number, stack: number, name: number): number {
    const base = slot * STRIDE;
    const at = base + view * FIELDS;
    const st = this.state;
    const resource = st[at + EXECUTING];
    const startRunning = st[at + START_RUNNING];
    // go tool trace panics on these broken invariants; we drop the slice instead.
    if (resource !== NONE && !Number.isNaN(startRunning)) {
      const id = st[base + ID];
      const sink = this.sink;
      // The goroutine view's execution slices are the Running/Syscall runs of its state row.
      let store: SliceStore | null = null;
      if (view !== GOROUTINE) {
        store = sink.fixedSliceStore(view === PROC ? 'proc' : 'thread', resource);
        if (name < 0) name = sink.goroutineName(st[base + ROW]);
        store.push(startRunning, t, SliceKind.GoroutineExec, id, name, st[at + LAST_STOP_STACK], stack);
      }
      const i = slot * VIEWS + view;
      if (this.pendingHead[i] !== 0) {
        const pool = this.pendingPool;
        for (let entry = this.pendingHead[i] - 1; entry >= 0; entry = pool[entry * PENDING_FIELDS + PENDING_NEXT] - 1) {
          const p = entry * PENDING_FIELDS;
          this.emit(store, resource, pool[p + 2], pool[p + 3], pool[p], id, pool[p + 1], pool[p + 4], pool[p + 5]);
        }
        this.releasePending(i);
      }
      const ranges = this.activeRanges[i];
      if (ranges) {
        for (const [rangeName, r] of ranges) {
          if (!Number.isNaN(r.time)) this.emit(store, resource, r.time, t, SliceKind.Range, id, sink.internString(rangeName), r.stack, 0);
          r.time = Number.NaN;
          r.stack = 0;
        }
      }
    }
    st[at + START_RUNNING] = Number.NaN;
    st[at + LAST_STOP_STACK] = stack;
    st[at + EXECUTING] = NONE;
    return name;
  }
}
