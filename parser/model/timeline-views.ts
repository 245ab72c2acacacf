// The three timeline "views" of go tool trace (cmd/trace procgen.go, threadgen.go,
// goroutinegen.go), each following one goroutine state machine (gstate.go) to cut execution
// slices, syscall slices and goroutine-scoped ranges onto a resource: the proc, the thread or
// the goroutine itself. Emitting through the same rules is what makes our slice boundaries equal
// go tool trace's. Flows, names and counters are view-independent and live in the builder.

import { GoState, ProcState, type TraceEvent } from './event.ts';
import { SliceKind, type TrackKind } from './timeline.ts';
import { GrowableColumn } from './timeline-columns.ts';

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

export class TimelineView {
  private syscallName = -1;
  // The states of live goroutines, in recycled slots: builder row → slot + 1 (0: none).
  // Millions of goroutines come and go; only the live ones hold a state.
  private readonly slotOfRow = new GrowableColumn(Int32Array, 1024);
  private readonly slots: (ViewGoroutine | null)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly spare: ViewGoroutine[] = [];
  /** procgen.go inSyscall: the goroutine in a syscall on each proc. */
  private readonly inSyscall = new Map<number, ViewGoroutine>();

  constructor(
    readonly kind: ViewKind,
    private readonly sink: SliceSink,
    private readonly clock: TraceClock,
  ) {}

  /** The state of goroutine `id`, whose builder row is `row`. */
  private state(id: number, row: number): ViewGoroutine {
    const slot = row < this.slotOfRow.length ? this.slotOfRow.data[row] : 0;
    if (slot !== 0) return this.slots[slot - 1]!;
    const gs = (this.spare.pop() ?? new ViewGoroutine()).reset(id, row);
    const free = this.freeSlots.pop();
    if (free === undefined) {
      this.slots.push(gs);
      this.slotOfRow.set(row, this.slots.length);
    } else {
      this.slots[free] = gs;
      this.slotOfRow.set(row, free + 1);
    }
    return gs;
  }

  private forget(gs: ViewGoroutine): void {
    const slot = this.slotOfRow.data[gs.row];
    this.slotOfRow.data[gs.row] = 0;
    this.slots[slot - 1] = null;
    this.freeSlots.push(slot - 1);
    // A state procgen's inSyscall still refers to lives on there; only others are recycled.
    if (!this.inSyscallOnProc(gs)) this.spare.push(gs);
  }

  /** A goroutine StateTransition with from !== to (the builder filters no-ops); `row` is the builder's row of the goroutine. */
  goroutineTransition(ev: TraceEvent, row: number): void {
    const from = ev.oldState;
    const to = ev.newState;
    const t = ev.time;
    const gs = this.state(ev.resourceId, row);
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
    // Forget dead goroutines with nothing pending (cgo callback goroutines come back to life
    // with the same id, so a slice still waiting to be flushed must survive).
    if (to === GoState.NotExist && gs.executing === NONE && !gs.activeRanges?.size && !gs.completed?.length && !gs.syscallActive) this.forget(gs);
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

  rangeBegin(goroutine: number, row: number, t: number, name: string, stack: number): void {
    const gs = this.state(goroutine, row);
    gs.activeRanges ??= new Map();
    gs.activeRanges.set(name, { time: gs.executing !== NONE ? t : NaN, stack });
  }

  rangeActive(goroutine: number, row: number, name: string): void {
    const gs = this.state(goroutine, row);
    gs.activeRanges ??= new Map();
    gs.activeRanges.set(name, { time: gs.executing !== NONE ? gs.startRunningTime : NaN, stack: 0 });
  }

  rangeEnd(goroutine: number, row: number, t: number, name: string, stack: number): void {
    const gs = this.state(goroutine, row);
    const r = gs.activeRanges?.get(name);
    if (gs.executing !== NONE && r && !Number.isNaN(r.time)) {
      this.complete(gs, { kind: SliceKind.Range, name: this.sink.internString(name), start: r.time, end: t, startStack: r.stack, endStack: stack });
    }
    gs.activeRanges?.delete(name);
  }

  /** gState.finish for every goroutine still executing at the end of the trace. */
  finish(): void {
    for (const gs of this.slots) {
      if (gs === null || gs.executing === NONE) continue;
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
