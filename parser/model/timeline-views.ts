// The three timeline "views" of go tool trace (cmd/trace procgen.go, threadgen.go,
// goroutinegen.go), each following one goroutine state machine (gstate.go) to cut execution
// slices, syscall slices and goroutine-scoped ranges onto a resource: the proc, the thread or
// the goroutine itself. Emitting through the same rules is what makes our slice boundaries equal
// go tool trace's. Flows, names and counters are view-independent and live in the builder.

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

interface CompletedRange {
  kind: SliceKind;
  name: number;
  start: number;
  end: number;
  startStack: number;
  endStack: number;
}

/** gstate.go's gState minus naming and flows (shared by all views, kept by the builder). */
class ViewGoroutine {
  id = 0;
  row = 0;
  executing = NONE;
  lastStopStack = 0;
  startRunningTime = NaN;
  syscallTime = NaN;
  syscallStack = 0;
  syscallActive = false;
  activeRanges: Map<string, ActiveRange> | null = null;
  completed: CompletedRange[] | null = null;

  /** Makes a recycled state new for goroutine `id` (builder row `row`). */
  reset(id: number, row: number): this {
    this.id = id;
    this.row = row;
    this.executing = NONE;
    this.lastStopStack = 0;
    this.startRunningTime = NaN;
    this.syscallTime = NaN;
    this.syscallStack = 0;
    this.syscallActive = false;
    this.activeRanges = null;
    this.completed = null;
    return this;
  }
}

export type ViewKind = 'proc' | 'thread' | 'goroutine';

const executing = (s: number) => s === GoState.Running || s === GoState.Syscall;

/**
 * One view. The per-goroutine states live in TimelineViews' shared slots (one lookup per event
 * for all three views); a view's method gets the state it owns in that slot.
 */
export class TimelineView {
  private syscallName = -1;
  /** procgen.go inSyscall: the goroutine in a syscall on each proc. */
  private readonly inSyscall = new Map<number, ViewGoroutine>();

  constructor(
    readonly kind: ViewKind,
    private readonly sink: SliceSink,
    private readonly clock: TraceClock,
  ) {}

  /**
   * Whether `gs` can be forgotten (a dead goroutine with nothing pending; cgo callback
   * goroutines come back to life with the same id, so a slice still waiting to be flushed must
   * survive).
   */
  forgettable(gs: ViewGoroutine): boolean {
    return gs.executing === NONE && !gs.activeRanges?.size && !gs.completed?.length && !gs.syscallActive;
  }

  /**
   * A fresh state in place of a forgotten one. A state procgen's inSyscall still refers to lives
   * on there untouched; only others are reset and reused.
   */
  renew(gs: ViewGoroutine): ViewGoroutine {
    return this.inSyscallOnProc(gs) ? new ViewGoroutine().reset(gs.id, gs.row) : gs.reset(gs.id, gs.row);
  }

  /**
   * A goroutine StateTransition with from !== to (the builder filters no-ops), on the
   * goroutine's state `gs`. Returns whether the state is to be forgotten (renew()).
   */
  goroutineTransition(ev: TraceEvent, gs: ViewGoroutine): boolean {
    const from = ev.oldState;
    const to = ev.newState;
    const t = ev.time;
    const backdated = from === GoState.Undetermined ? this.clock.startTime : t;

    if (this.kind === 'proc') {
      if (from === GoState.Running && !executing(to)) this.stop(gs, t, ev.stack);
      if (!executing(from) && to === GoState.Running) this.start(gs, backdated, ev.p);
      if (to === GoState.Syscall && ev.p !== NONE) {
        this.syscallBegin(gs, backdated, ev.p, ev.stack);
        this.inSyscall.set(ev.p, gs);
      }
      // procgen.go checks for *any* goroutine in a syscall on this proc, then ends this one's.
      if (from === GoState.Syscall && this.inSyscall.has(ev.p)) {
        this.syscallEnd(gs, t, false);
        this.inSyscall.delete(ev.p);
      }
    } else {
      const resource = this.kind === 'thread' ? ev.m : gs.id;
      if (executing(from) && !executing(to)) this.stop(gs, t, ev.stack);
      if (!executing(from) && executing(to)) this.start(gs, backdated, resource);
      if (from === GoState.Syscall) this.syscallEnd(gs, t, to !== GoState.Running);
      if (to === GoState.Syscall) this.syscallBegin(gs, backdated, resource, ev.stack);
    }
    return to === GoState.NotExist && this.forgettable(gs);
  }

  /** procgen.go ProcTransition: a proc losing its P while its goroutine sat in a syscall. */
  procTransition(ev: TraceEvent): void {
    if (this.kind !== 'proc') return;
    const from = ev.oldState;
    if (from !== ProcState.Running) return;
    const proc = ev.resourceId;
    const gs = this.inSyscall.get(proc);
    if (gs) {
      this.syscallEnd(gs, ev.time, true);
      this.stop(gs, ev.time, ev.stack);
      this.inSyscall.delete(proc);
    }
  }

  /** Whether procgen's inSyscall refers to this state. */
  private inSyscallOnProc(gs: ViewGoroutine): boolean {
    if (this.inSyscall.size === 0) return false;
    for (const other of this.inSyscall.values()) if (other === gs) return true;
    return false;
  }

  rangeBegin(gs: ViewGoroutine, t: number, name: string, stack: number): void {
    gs.activeRanges ??= new Map();
    gs.activeRanges.set(name, { time: gs.executing !== NONE ? t : NaN, stack });
  }

  rangeActive(gs: ViewGoroutine, name: string): void {
    gs.activeRanges ??= new Map();
    gs.activeRanges.set(name, { time: gs.executing !== NONE ? gs.startRunningTime : NaN, stack: 0 });
  }

  rangeEnd(gs: ViewGoroutine, t: number, name: string, stack: number): void {
    const r = gs.activeRanges?.get(name);
    if (gs.executing !== NONE && r && !Number.isNaN(r.time)) {
      this.complete(gs, { kind: SliceKind.Range, name: this.sink.internString(name), start: r.time, end: t, startStack: r.stack, endStack: stack });
    }
    gs.activeRanges?.delete(name);
  }

  /** gState.finish for every goroutine still executing at the end of the trace. */
  finish(states: readonly ViewGoroutine[]): void {
    for (const gs of states) {
      if (gs.executing === NONE) continue;
      this.syscallEnd(gs, this.clock.endTime, false);
      this.stop(gs, this.clock.endTime, 0);
    }
  }

  private start(gs: ViewGoroutine, t: number, resource: number): void {
    if (gs.activeRanges) for (const r of gs.activeRanges.values()) { r.time = t; r.stack = 0; }
    gs.executing = resource;
    gs.startRunningTime = t;
  }

  private syscallBegin(gs: ViewGoroutine, t: number, resource: number, stack: number): void {
    gs.syscallTime = t;
    gs.syscallStack = stack;
    gs.syscallActive = true;
    if (gs.executing === NONE) {
      gs.executing = resource;
      gs.startRunningTime = t;
    }
  }

  private syscallEnd(gs: ViewGoroutine, t: number, blocked: boolean): void {
    if (!gs.syscallActive) return;
    // The goroutine view shows syscalls as goroutine states instead (builder's state rows).
    if (this.kind !== 'goroutine') {
      this.complete(gs, { kind: blocked ? SliceKind.SyscallBlocked : SliceKind.Syscall, name: this.syscallName < 0 ? (this.syscallName = this.sink.internString('syscall')) : this.syscallName, start: gs.syscallTime, end: t, startStack: gs.syscallStack, endStack: 0 });
    }
    gs.syscallActive = false;
    gs.syscallTime = NaN;
    gs.syscallStack = 0;
  }

  private complete(gs: ViewGoroutine, r: CompletedRange): void {
    (gs.completed ??= []).push(r);
  }

  private stop(gs: ViewGoroutine, t: number, stack: number): void {
    // go tool trace panics on these broken invariants; we drop the slice instead.
    if (gs.executing !== NONE && !Number.isNaN(gs.startRunningTime)) {
      const track = this.kind;
      const resource = gs.executing;
      // The goroutine view's execution slices are the Running/Syscall runs of its state row.
      if (track !== 'goroutine') {
        this.sink.slice(track, resource, gs.startRunningTime, t, SliceKind.GoroutineExec, gs.id, this.sink.goroutineName(gs.row), gs.lastStopStack, stack);
      }
      if (gs.completed) {
        for (const c of gs.completed) this.sink.slice(track, resource, c.start, c.end, c.kind, gs.id, c.name, c.startStack, c.endStack);
        gs.completed.length = 0;
      }
      if (gs.activeRanges) {
        for (const [name, r] of gs.activeRanges) {
          if (!Number.isNaN(r.time)) this.sink.slice(track, resource, r.time, t, SliceKind.Range, gs.id, this.sink.internString(name), r.stack, 0);
          r.time = NaN;
          r.stack = 0;
        }
      }
    }
    gs.startRunningTime = NaN;
    gs.lastStopStack = stack;
    gs.executing = NONE;
  }
}

/**
 * The three views over shared per-goroutine slots: builder row → slot, and each view's state in
 * that slot. Millions of goroutines come and go; only the live ones hold a slot.
 */
export class TimelineViews {
  private readonly views: readonly TimelineView[];
  /** Per view, its state in each slot. */
  private readonly states: ViewGoroutine[][];
  private readonly freeSlots: number[] = [];

  /** `records`: the builder's goroutine records, whose VIEW_SLOT field is the row's slot + 1. */
  constructor(sink: SliceSink, clock: TraceClock, private readonly records: GoroutineRecords) {
    this.views = [new TimelineView('proc', sink, clock), new TimelineView('thread', sink, clock), new TimelineView('goroutine', sink, clock)];
    this.states = this.views.map(() => []);
  }

  /** The slot of goroutine `id`, whose builder row is `row`. */
  private slot(id: number, row: number): number {
    const slot = this.records.data[GoroutineRecords.at(row, VIEW_SLOT)];
    if (slot !== 0) return slot - 1;
    let free = this.freeSlots.pop();
    if (free === undefined) {
      free = this.states[0].length;
      for (const states of this.states) states.push(new ViewGoroutine());
    }
    for (const states of this.states) states[free].reset(id, row);
    this.records.data[GoroutineRecords.at(row, VIEW_SLOT)] = free + 1;
    return free;
  }

  goroutineTransition(ev: TraceEvent, row: number): void {
    const slot = this.slot(ev.resourceId, row);
    let forgotten = 0;
    for (let v = 0; v < this.views.length; v++) {
      const gs = this.states[v][slot];
      const view = this.views[v];
      if (view.goroutineTransition(ev, gs)) {
        this.states[v][slot] = view.renew(gs);
        forgotten++;
      }
    }
    if (forgotten === this.views.length) {
      this.records.data[GoroutineRecords.at(row, VIEW_SLOT)] = 0;
      this.freeSlots.push(slot);
    }
  }

  procTransition(ev: TraceEvent): void {
    for (const view of this.views) view.procTransition(ev);
  }

  rangeBegin(id: number, row: number, t: number, name: string, stack: number): void {
    const slot = this.slot(id, row);
    for (let v = 0; v < this.views.length; v++) this.views[v].rangeBegin(this.states[v][slot], t, name, stack);
  }

  rangeActive(id: number, row: number, name: string): void {
    const slot = this.slot(id, row);
    for (let v = 0; v < this.views.length; v++) this.views[v].rangeActive(this.states[v][slot], name);
  }

  rangeEnd(id: number, row: number, t: number, name: string, stack: number): void {
    const slot = this.slot(id, row);
    for (let v = 0; v < this.views.length; v++) this.views[v].rangeEnd(this.states[v][slot], t, name, stack);
  }

  finish(): void {
    for (let v = 0; v < this.views.length; v++) this.views[v].finish(this.states[v]);
  }
}
