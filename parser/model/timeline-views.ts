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
/**
 * stop()'s name before it is looked up. The int32 form of one name id is -1 too (0xFFFFFFFF, see
 * SliceSink.goroutineName): that goroutine's name is looked up once per view, not once in all.
 */
const NAME_NOT_LOOKED_UP = -1;

/** Where a view's slices go: (track kind, resource id) plus the slice's columns. */
export interface SliceSink {
  slice(track: TrackKind, resource: number, start: number, end: number, kind: SliceKind, goroutine: number, name: number, startStack: number, endStack: number): void;
  /** The slice store of a proc or thread track: the views push their slices there directly. */
  fixedSliceStore(track: 'proc' | 'thread', resource: number): SliceStore;
  internString(s: string): number;
  /**
   * String id of the name of the goroutine of builder row `row` now (go tool trace names each
   * slice when it ends), as an int32: ids from 2^31 (derived ones) come back negative, and a
   * Uint32 column stores them as the same bits. A number past 2^31 − 1 returned from a call V8
   * does not inline is boxed, one heap allocation per slice.
   */
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

// A slot record holds gstate.go's gState (minus naming and flows) for each view: field F of view
// v at F + v. What every transition touches comes first (two cache lines, not five): the
// execution fields, which views have ranges or pending slices, the goroutine's id and row; the
// syscall fields and pending lists follow.
const EXECUTING = 0; // resource the goroutine executes on, or NONE
const START_RUNNING = 3; // NaN when not running
const LAST_STOP_STACK = 6;
/** Per slot: bit v, view v has a ranges map; bit VIEWS + v, view v has pending slices. */
const EXTRAS = 9;
const ID = 10;
const ROW = 11;
const SYSCALL_TIME = 12;
const SYSCALL_STACK = 15;
const SYSCALL_ACTIVE = 18; // 1 or 0
/** Entry + 1 of the first and the last pending slice of the view (0: none). */
const PENDING_HEAD = 21;
const PENDING_TAIL = 24;
/** Per slot: how many procs' inSyscall entries name the slot. */
const IN_SYSCALL_REFS = 27;
const STRIDE = 28;

const hasRanges = (extras: number, view: number) => (extras & (1 << view)) !== 0;
const hasPending = (extras: number, view: number) => (extras & (1 << (VIEWS + view))) !== 0;

/**
 * A pending slice (CompletedRange) is an entry of the pending pool: six numbers and the entry + 1
 * of the next slice of its view's list (0: the last).
 */
const PENDING_FIELDS = 7;
const PENDING_NEXT = 6;

/** procgen.go's inSyscall entry whose state was forgotten: go tool trace keeps it, inert. */
const FORGOTTEN = -1;
/** Indices of TimelineViews.times. */
const NOW = 0;
const SINCE = 1;
/** ProcSyscalls.get of a proc without an entry. */
const NO_ENTRY = -2;

/**
 * procgen.go inSyscall: per proc, the slot of the goroutine in a syscall there (or FORGOTTEN).
 * Procs are small ids, so by array (with a map for any other id): this is asked at every
 * syscall, and every slot the views forget must be looked for in it.
 */
class ProcSyscalls {
  /** By proc: slot + 2, 1 (FORGOTTEN) or 0 (no entry). */
  private entries = new Int32Array(64);
  private readonly others = new Map<number, number>();

  private static dense(proc: number): boolean {
    return proc >= 0 && proc < 0x10000 && (proc | 0) === proc;
  }

  get(proc: number): number {
    if (ProcSyscalls.dense(proc)) return proc < this.entries.length ? this.entries[proc] - 2 : NO_ENTRY;
    return this.others.get(proc) ?? NO_ENTRY;
  }

  set(proc: number, slot: number): void {
    if (!ProcSyscalls.dense(proc)) this.others.set(proc, slot);
    else {
      if (proc >= this.entries.length) this.entries = resized(this.entries, Math.max(proc + 1, this.entries.length * 2));
      this.entries[proc] = slot + 2;
    }
  }

  delete(proc: number): void {
    if (!ProcSyscalls.dense(proc)) this.others.delete(proc);
    else if (proc < this.entries.length) this.entries[proc] = 0;
  }

  /** Every entry of `slot` becomes FORGOTTEN. */
  forget(slot: number): void {
    for (let p = 0; p < this.entries.length; p++) if (this.entries[p] === slot + 2) this.entries[p] = FORGOTTEN + 2;
    for (const [proc, s] of this.others) if (s === slot) this.others.set(proc, FORGOTTEN);
  }
}

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
  /** Per slot·VIEWS + view: open goroutine ranges by name (null: none yet; see EXTRAS). */
  private readonly activeRanges: (Map<string, ActiveRange> | null)[] = [];
  // Slices cut but emitted at the next stop (mostly syscalls), as lists in one pool of entries:
  // a JS array per slot and view reallocated its backing store for nearly every syscall.
  private pendingPool = new Float64Array(64 * PENDING_FIELDS);
  private pendingUsed = 0;
  /** Entry + 1 of the first free pool entry (0: none). */
  private pendingFree = 0;
  private readonly inSyscall = new ProcSyscalls();
  /**
   * The times the rules below apply at, [NOW] (ends) and [SINCE] (starts, backdated to the
   * trace start for goroutines first seen in an undetermined state). Passed here rather than as
   * arguments: a non-integer number passed to a call that is not inlined is boxed, and this ran
   * several times per transition.
   */
  private readonly times = new Float64Array(2);
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
      for (let v = 0; v < VIEWS; v++) this.activeRanges.push(null);
    }
    const base = free * STRIDE;
    this.state[base + ID] = id;
    this.state[base + ROW] = row;
    for (let v = 0; v < VIEWS; v++) this.resetView(free, v);
    this.state[base + EXTRAS] = 0;
    this.records.data[GoroutineRecords.at(row, VIEW_SLOT)] = free + 1;
    return free;
  }

  private resetView(slot: number, view: number): void {
    const base = slot * STRIDE;
    const at = base + view;
    const st = this.state;
    st[at + EXECUTING] = NONE;
    st[at + START_RUNNING] = Number.NaN;
    st[at + LAST_STOP_STACK] = 0;
    st[at + SYSCALL_TIME] = Number.NaN;
    st[at + SYSCALL_STACK] = 0;
    st[at + SYSCALL_ACTIVE] = 0;
    this.activeRanges[slot * VIEWS + view] = null;
    st[base + EXTRAS] &= ~(1 << view);
    this.releasePending(slot, view);
  }

  /** Returns the view's pending list to the pool's free list. */
  private releasePending(slot: number, view: number): void {
    const base = slot * STRIDE;
    const st = this.state;
    const head = st[base + view + PENDING_HEAD];
    if (head === 0) return;
    this.pendingPool[(st[base + view + PENDING_TAIL] - 1) * PENDING_FIELDS + PENDING_NEXT] = this.pendingFree;
    this.pendingFree = head;
    st[base + view + PENDING_HEAD] = 0;
    st[base + view + PENDING_TAIL] = 0;
    st[base + EXTRAS] &= ~(1 << (VIEWS + view));
  }

  /**
   * Whether a view's state can be forgotten (a dead goroutine with nothing pending; cgo callback
   * goroutines come back to life with the same id, so a slice still waiting to be flushed must
   * survive).
   */
  private forgettable(slot: number, view: number): boolean {
    const at = slot * STRIDE + view;
    const extras = this.state[slot * STRIDE + EXTRAS];
    return this.state[at + EXECUTING] === NONE && !(hasRanges(extras, view) && this.activeRanges[slot * VIEWS + view]!.size > 0)
      && !hasPending(extras, view) && this.state[at + SYSCALL_ACTIVE] === 0;
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
    this.times[NOW] = t;
    this.times[SINCE] = backdated;
    const fromExecuting = executing(from);
    const toExecuting = executing(to);
    // No view rule applies to a goroutine that neither executed nor executes (it is created,
    // unblocked, …) unless it exits.
    if (!fromExecuting && !toExecuting && to !== GoState.NotExist) return;
    const stops = fromExecuting && !toExecuting;
    const starts = !fromExecuting && toExecuting;
    // The proc and thread views usually stop together and name their slices alike: the name is
    // looked up once (-1: not yet).
    let name = NAME_NOT_LOOKED_UP;

    // procgen.go
    const proc = ev.p;
    if (from === GoState.Running && !toExecuting) name = this.stop(slot, PROC, stack, name);
    if (!fromExecuting && to === GoState.Running) this.start(slot, PROC, proc);
    if (to === GoState.Syscall && proc !== NONE) {
      this.syscallBegin(slot, PROC, proc, stack);
      this.setInSyscall(proc, slot);
    }
    // procgen.go checks for *any* goroutine in a syscall on this proc, then ends this one's.
    if (from === GoState.Syscall && this.inSyscall.get(proc) !== NO_ENTRY) {
      this.syscallEnd(slot, PROC, false);
      this.deleteInSyscall(proc);
    }

    // threadgen.go
    const m = ev.m;
    if (stops) name = this.stop(slot, THREAD, stack, name);
    if (starts) this.start(slot, THREAD, m);
    if (from === GoState.Syscall) this.syscallEnd(slot, THREAD, to !== GoState.Running);
    if (to === GoState.Syscall) this.syscallBegin(slot, THREAD, m, stack);

    // goroutinegen.go. Its execution and syscall slices come from the state rows, so without
    // ranges or pending slices its rules only update the record (what the calls would do).
    const st = this.state;
    const extras = st[slot * STRIDE + EXTRAS];
    if (!hasRanges(extras, GOROUTINE) && !hasPending(extras, GOROUTINE)) {
      const at = slot * STRIDE + GOROUTINE;
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
      if (to === GoState.Syscall) this.syscallBegin(slot, GOROUTINE, id, stack);
    } else {
      if (stops) this.stop(slot, GOROUTINE, stack, name);
      if (starts) this.start(slot, GOROUTINE, id);
      if (from === GoState.Syscall) this.syscallEnd(slot, GOROUTINE, to !== GoState.Running);
      if (to === GoState.Syscall) this.syscallBegin(slot, GOROUTINE, id, stack);
    }

    if (to !== GoState.NotExist) return;
    const procGone = this.forgettable(slot, PROC);
    const threadGone = this.forgettable(slot, THREAD);
    const goroutineGone = this.forgettable(slot, GOROUTINE);
    // A state procgen's inSyscall still refers to lives on there, inert (nothing to emit).
    if (procGone) this.forgetInSyscall(slot);
    if (procGone && threadGone && goroutineGone) {
      // The slot is free; slot() resets it when it is taken again.
      this.records.data[GoroutineRecords.at(row, VIEW_SLOT)] = 0;
      this.freeSlots.push(slot);
      return;
    }
    if (procGone) this.resetView(slot, PROC);
    if (threadGone) this.resetView(slot, THREAD);
    if (goroutineGone) this.resetView(slot, GOROUTINE);
  }

  private forgetInSyscall(slot: number): void {
    const refs = slot * STRIDE + IN_SYSCALL_REFS;
    if (this.state[refs] === 0) return;
    this.inSyscall.forget(slot);
    this.state[refs] = 0;
  }

  private setInSyscall(proc: number, slot: number): void {
    const old = this.inSyscall.get(proc);
    if (old >= 0) this.state[old * STRIDE + IN_SYSCALL_REFS]--;
    this.inSyscall.set(proc, slot);
    this.state[slot * STRIDE + IN_SYSCALL_REFS]++;
  }

  private deleteInSyscall(proc: number): void {
    const old = this.inSyscall.get(proc);
    if (old >= 0) this.state[old * STRIDE + IN_SYSCALL_REFS]--;
    this.inSyscall.delete(proc);
  }

  /** procgen.go ProcTransition: a proc losing its P while its goroutine sat in a syscall. */
  procTransition(ev: TraceEvent): void {
    if (ev.oldState !== ProcState.Running) return;
    const proc = ev.resourceId;
    const slot = this.inSyscall.get(proc);
    if (slot === NO_ENTRY) return;
    if (slot !== FORGOTTEN) {
      this.times[NOW] = ev.time;
      this.syscallEnd(slot, PROC, true);
      this.stop(slot, PROC, ev.stack, NAME_NOT_LOOKED_UP);
    }
    this.deleteInSyscall(proc);
  }

  rangeBegin(id: number, row: number, t: number, name: string, stack: number): void {
    const slot = this.slot(id, row);
    for (let view = PROC; view < VIEWS; view++) {
      const running = this.state[slot * STRIDE + view + EXECUTING] !== NONE;
      this.rangesOf(slot, view).set(name, { time: running ? t : Number.NaN, stack });
    }
  }

  rangeActive(id: number, row: number, name: string): void {
    const slot = this.slot(id, row);
    for (let view = PROC; view < VIEWS; view++) {
      const at = slot * STRIDE + view;
      const time = this.state[at + EXECUTING] !== NONE ? this.state[at + START_RUNNING] : Number.NaN;
      this.rangesOf(slot, view).set(name, { time, stack: 0 });
    }
  }

  rangeEnd(id: number, row: number, t: number, name: string, stack: number): void {
    const slot = this.slot(id, row);
    for (let view = PROC; view < VIEWS; view++) {
      const ranges = this.activeRanges[slot * VIEWS + view];
      const r = ranges?.get(name);
      if (this.state[slot * STRIDE + view + EXECUTING] !== NONE && r && !Number.isNaN(r.time)) {
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
        if (this.state[slot * STRIDE + view + EXECUTING] === NONE) continue;
        this.times[NOW] = end;
        this.syscallEnd(slot, view, false);
        this.stop(slot, view, 0, NAME_NOT_LOOKED_UP);
      }
    }
  }

  private rangesOf(slot: number, view: number): Map<string, ActiveRange> {
    this.state[slot * STRIDE + EXTRAS] |= 1 << view;
    return (this.activeRanges[slot * VIEWS + view] ??= new Map());
  }

  private start(slot: number, view: number, resource: number): void {
    const t = this.times[SINCE];
    if (hasRanges(this.state[slot * STRIDE + EXTRAS], view)) {
      for (const r of this.activeRanges[slot * VIEWS + view]!.values()) { r.time = t; r.stack = 0; }
    }
    const at = slot * STRIDE + view;
    this.state[at + EXECUTING] = resource;
    this.state[at + START_RUNNING] = t;
  }

  private syscallBegin(slot: number, view: number, resource: number, stack: number): void {
    const t = this.times[SINCE];
    const at = slot * STRIDE + view;
    const st = this.state;
    st[at + SYSCALL_TIME] = t;
    st[at + SYSCALL_STACK] = stack;
    st[at + SYSCALL_ACTIVE] = 1;
    if (st[at + EXECUTING] === NONE) {
      st[at + EXECUTING] = resource;
      st[at + START_RUNNING] = t;
    }
  }

  private syscallEnd(slot: number, view: number, blocked: boolean): void {
    const t = this.times[NOW];
    const at = slot * STRIDE + view;
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
    const base = slot * STRIDE;
    const st = this.state;
    const tail = st[base + view + PENDING_TAIL];
    if (tail === 0) st[base + view + PENDING_HEAD] = entry + 1;
    else pool[(tail - 1) * PENDING_FIELDS + PENDING_NEXT] = entry + 1;
    st[base + view + PENDING_TAIL] = entry + 1;
    st[base + EXTRAS] |= 1 << (VIEWS + view);
  }

  /** A slice onto `store` (proc and thread views) or else the goroutine track of `resource`. */
  private emit(store: SliceStore | null, resource: number, start: number, end: number, kind: SliceKind, goroutine: number, name: number, startStack: number, endStack: number): void {
    if (store !== null) store.push(start, end, kind, goroutine, name, startStack, endStack);
    else this.sink.slice('goroutine', resource, start, end, kind, goroutine, name, startStack, endStack);
  }

  /**
   * Ends the goroutine's execution on the view's resource. `name`: the goroutine's name if the
   * caller already has it, else NAME_NOT_LOOKED_UP; returns it (or NAME_NOT_LOOKED_UP) for the
   * next view stopping with it.
   */
  private stop(slot: number, view: number, stack: number, name: number): number {
    const t = this.times[NOW];
    const base = slot * STRIDE;
    const at = base + view;
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
        if (name === NAME_NOT_LOOKED_UP) name = sink.goroutineName(st[base + ROW]);
        store.push(startRunning, t, SliceKind.GoroutineExec, id, name, st[at + LAST_STOP_STACK], stack);
      }
      const extras = st[base + EXTRAS];
      if (hasPending(extras, view)) {
        const pool = this.pendingPool;
        for (let entry = st[at + PENDING_HEAD] - 1; entry >= 0; entry = pool[entry * PENDING_FIELDS + PENDING_NEXT] - 1) {
          const p = entry * PENDING_FIELDS;
          this.emit(store, resource, pool[p + 2], pool[p + 3], pool[p], id, pool[p + 1], pool[p + 4], pool[p + 5]);
        }
        this.releasePending(slot, view);
      }
      if (hasRanges(extras, view)) {
        const ranges = this.activeRanges[slot * VIEWS + view]!;
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
