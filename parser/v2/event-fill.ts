// Turns an ordered wire event into the shared TraceEvent, exactly as Go's Event accessors
// (Kind, Stack, StateTransition, Range, Task, Region, Log, Metric, Label, Experimental)
// interpret it. Also owns the mapping of per-generation stack ids to global interned ones.

import {
  EventKind, GoState, ProcState, ResourceKind, NoStack, type TraceEvent, type StackID,
} from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import type { OrderedEvent } from '../order/queue.ts';
import { goStatusToState, procStatusToState, ProcStatus } from '../order/ordering.ts';
import { ticksToNs, type Generation, type CpuSample } from './generation.ts';
import { Ev, EV_SYNC, specs, experimentNames } from './specs.ts';

/** Thrown when an event names a stack or string its generation does not have. */
export class TableIdError extends Error {}

/** Resolves a generation's stack ids into the trace-wide tables, caching per generation. */
export class StackResolver {
  private gen: Generation | null = null;
  private cache = new Map<number, StackID>();
  /** Global ids for small generation ids (0 = not resolved yet), the common case. */
  private dense = new Int32Array(0);

  constructor(private readonly tables: TraceTables) {}

  setGeneration(gen: Generation): void {
    this.gen = gen;
    this.cache = new Map();
    this.dense = new Int32Array(Math.min(gen.stacks.size * 2 + 16, 1 << 20));
  }

  resolve(id: number): StackID {
    if (id === 0) return NoStack;
    const dense = this.dense;
    if (id < dense.length && dense[id] !== 0) return dense[id];
    let global = this.cache.get(id);
    if (global !== undefined) return global;
    const gen = this.gen!;
    const pcs = gen.stacks.get(id) ?? [];
    const frameIds = new Array<number>(pcs.length);
    for (let i = 0; i < pcs.length; i++) {
      const frame = gen.pcs.get(pcs[i])!;
      frameIds[i] = this.tables.internFrame(pcs[i], gen.stringOf(frame.funcId) ?? '', gen.stringOf(frame.fileId) ?? '', frame.line);
    }
    global = this.tables.internStack(frameIds);
    if (id < dense.length && global !== NoStack) dense[id] = global;
    else this.cache.set(id, global);
    return global;
  }
}

// Per type, the positions in OrderedEvent.args of up to two stack and two string ids (-1: none).
const stackArgA = Int8Array.from(specs, (s) => (s.stackArgs.length > 0 ? s.stackArgs[0] - 1 : -1));
const stackArgB = Int8Array.from(specs, (s) => (s.stackArgs.length > 1 ? s.stackArgs[1] - 1 : -1));
const stringArgA = Int8Array.from(specs, (s) => (s.stringArgs.length > 0 ? s.stringArgs[0] - 1 : -1));
const stringArgB = Int8Array.from(specs, (s) => (s.stringArgs.length > 1 ? s.stringArgs[1] - 1 : -1));

/** Go's Event.validateTableIDs: every stack and string id the event names must exist. */
export function validateTableIds(rec: OrderedEvent, gen: Generation): void {
  const t = rec.typ;
  const a = rec.args;
  let i = stackArgA[t];
  if (i >= 0) {
    if (!gen.hasStack(a[i])) invalid('stack', a[i], t);
    i = stackArgB[t];
    if (i >= 0 && !gen.hasStack(a[i])) invalid('stack', a[i], t);
  }
  i = stringArgA[t];
  if (i >= 0) {
    if (gen.stringOf(a[i]) === undefined) invalid('string', a[i], t);
    i = stringArgB[t];
    if (i >= 0 && gen.stringOf(a[i]) === undefined) invalid('string', a[i], t);
  }
}

function invalid(what: string, id: number, typ: number): never {
  throw new TableIdError(`found invalid ${what} ID ${id} for event ${specs[typ].name}`);
}

const GC_MARK = 'GC concurrent mark phase';
const GC_SWEEP = 'GC incremental sweep';
const GC_ASSIST = 'GC mark assist';

// fillEvent's branch of each wire type (0: none: experimental or bad). V8 turns a switch into a
// jump table only when its cases are literal numbers; `case Ev.GoStart:` costs a property load
// and a compare per case tried, in order, on every event (fifteen for a goroutine unblock).
const FILL_BRANCHES: readonly (readonly number[])[] = [
  [],
  [Ev.ProcsChange], // 1
  [Ev.HeapAlloc], // 2
  [Ev.HeapGoal], // 3
  [Ev.ProcStart], // 4
  [Ev.ProcStop], // 5
  [Ev.ProcSteal], // 6
  [Ev.ProcStatus], // 7
  [Ev.GoCreate, Ev.GoCreateBlocked], // 8
  [Ev.GoCreateSyscall], // 9
  [Ev.GoStart], // 10
  [Ev.GoDestroy], // 11
  [Ev.GoDestroySyscall], // 12
  [Ev.GoStop, Ev.GoBlock], // 13
  [Ev.GoUnblock], // 14
  [Ev.GoSwitch, Ev.GoSwitchDestroy], // 15
  [Ev.GoSyscallBegin], // 16
  [Ev.GoSyscallEnd], // 17
  [Ev.GoSyscallEndBlocked], // 18
  [Ev.GoStatus, Ev.GoStatusStack], // 19
  [Ev.STWBegin, Ev.STWEnd], // 20
  [Ev.GCBegin], // 21
  [Ev.GCActive], // 22
  [Ev.GCEnd], // 23
  [Ev.GCSweepBegin], // 24
  [Ev.GCSweepActive], // 25
  [Ev.GCSweepEnd], // 26
  [Ev.GCMarkAssistBegin], // 27
  [Ev.GCMarkAssistActive], // 28
  [Ev.GCMarkAssistEnd], // 29
  [Ev.GoLabel], // 30
  [Ev.UserTaskBegin], // 31
  [Ev.UserTaskEnd], // 32
  [Ev.UserRegionBegin, Ev.UserRegionEnd], // 33
  [Ev.UserLog], // 34
];
const branchOf = new Uint8Array(specs.length);
FILL_BRANCHES.forEach((types, branch) => {
  for (const typ of types) branchOf[typ] = branch;
});

/** True for the wire types fillTransition handles (proc and goroutine transitions). */
export const isTransitionType: Uint8Array = branchOf.map((branch) => (branch >= 4 && branch <= 19 ? 1 : 0));

/**
 * Fills a proc or goroutine transition (isTransitionType): g, p, m, wireType and every field a
 * StateTransition has (kind, resourceKind, resourceId, oldState, newState, reason, stack,
 * transitionStack), and nothing else, so `ev` need not be reset when the fields outside that set
 * are still at their reset values. Args are a[ai..ai+3], from an OrderedEvent or a worker record.
 */
export function fillTransition(
  ev: TraceEvent, typ: number, g: number, p: number, m: number, a: Float64Array, ai: number, gen: Generation, stacks: StackResolver,
): void {
  ev.g = g;
  ev.p = p;
  ev.m = m;
  ev.wireType = typ;
  ev.kind = EventKind.StateTransition;
  switch (branchOf[typ]) {
    case 4: // ProcStart
      proc(ev, a[ai], ProcState.Idle, ProcState.Running);
      return;
    case 5: // ProcStop
      proc(ev, p, ProcState.Running, ProcState.Idle);
      return;
    case 6: // ProcSteal
      proc(ev, a[ai], a[ai + 3] === ProcStatus.SyscallAbandoned ? ProcState.Idle : ProcState.Running, ProcState.Idle);
      return;
    case 7: // ProcStatus
      proc(ev, a[ai], a[ai + 2], procStatusToState[a[ai + 1]]);
      return;

    case 8: { // GoCreate / GoCreateBlocked
      // The start stack first: resolving interns, and the order decides the global stack ids.
      const start = stacks.resolve(a[ai + 1]);
      goroutine(ev, a[ai], GoState.NotExist, typ === Ev.GoCreateBlocked ? GoState.Waiting : GoState.Runnable,
        '', stacks.resolve(a[ai + 2]), start);
      return;
    }
    case 9: // GoCreateSyscall
      goroutine(ev, a[ai], GoState.NotExist, GoState.Syscall, '', NoStack, NoStack);
      return;
    case 10: // GoStart
      goroutine(ev, a[ai], GoState.Runnable, GoState.Running, '', NoStack, NoStack);
      return;
    case 11: // GoDestroy
      goroutine(ev, g, GoState.Running, GoState.NotExist, '', NoStack, NoStack);
      return;
    case 12: // GoDestroySyscall
      goroutine(ev, g, GoState.Syscall, GoState.NotExist, '', NoStack, NoStack);
      return;
    case 13: { // GoStop / GoBlock
      const stack = stacks.resolve(a[ai + 1]);
      goroutine(ev, g, GoState.Running, typ === Ev.GoStop ? GoState.Runnable : GoState.Waiting, str(gen, a[ai]), stack, stack);
      return;
    }
    case 14: // GoUnblock
      goroutine(ev, a[ai], GoState.Waiting, GoState.Runnable, '', stacks.resolve(a[ai + 2]), NoStack);
      return;
    case 15: // GoSwitch / GoSwitchDestroy
      // Both first unblock the goroutine they name, like GoUnblock.
      goroutine(ev, a[ai], GoState.Waiting, GoState.Runnable, '', NoStack, NoStack);
      return;
    case 16: { // GoSyscallBegin
      const stack = stacks.resolve(a[ai + 1]);
      goroutine(ev, g, GoState.Running, GoState.Syscall, '', stack, stack);
      return;
    }
    case 17: // GoSyscallEnd
      goroutine(ev, g, GoState.Syscall, GoState.Running, '', NoStack, NoStack);
      return;
    case 18: // GoSyscallEndBlocked
      goroutine(ev, g, GoState.Syscall, GoState.Runnable, '', NoStack, NoStack);
      return;
    case 19: { // GoStatus / GoStatusStack
      const packed = a[ai + 2];
      const to = packed % 2 ** 32;
      const stack = typ === Ev.GoStatusStack ? stacks.resolve(a[ai + 3]) : NoStack;
      goroutine(ev, a[ai], Math.floor(packed / 2 ** 32), goStatusToState[to] ?? GoState.Undetermined, '', stack, stack);
      return;
    }
  }
  throw new Error(`fillTransition: wire type ${typ} is not a transition`);
}

/** Fills `ev` (already reset) from an ordered wire event of generation `gen`. */
export function fillEvent(ev: TraceEvent, rec: OrderedEvent, gen: Generation, stacks: StackResolver): void {
  const a = rec.args;
  if (isTransitionType[rec.typ] !== 0) {
    fillTransition(ev, rec.typ, rec.g, rec.p, rec.m, a, 0, gen, stacks);
    return;
  }
  ev.g = rec.g;
  ev.p = rec.p;
  ev.m = rec.m;
  ev.wireType = rec.typ;
  switch (branchOf[rec.typ]) {
    case 1: // ProcsChange
      metric(ev, '/sched/gomaxprocs:threads', a[0]);
      ev.stack = stacks.resolve(a[1]);
      return;
    case 2: // HeapAlloc
      metric(ev, '/memory/classes/heap/objects:bytes', a[0]);
      return;
    case 3: // HeapGoal
      metric(ev, '/gc/heap/goal:bytes', a[0]);
      return;

    case 20: // STWBegin / STWEnd
      range(ev, rec.typ === Ev.STWBegin ? EventKind.RangeBegin : EventKind.RangeEnd,
        `stop-the-world (${str(gen, a[0])})`, ResourceKind.Goroutine, rec.g);
      if (rec.typ === Ev.STWBegin) ev.stack = stacks.resolve(a[1]);
      return;
    case 21: // GCBegin
      range(ev, EventKind.RangeBegin, GC_MARK, ResourceKind.None, 0);
      ev.stack = stacks.resolve(a[1]);
      return;
    case 22: // GCActive
      range(ev, EventKind.RangeActive, GC_MARK, ResourceKind.None, 0);
      return;
    case 23: // GCEnd
      range(ev, EventKind.RangeEnd, GC_MARK, ResourceKind.None, 0);
      return;
    case 24: // GCSweepBegin
      range(ev, EventKind.RangeBegin, GC_SWEEP, ResourceKind.Proc, rec.p);
      ev.stack = stacks.resolve(a[0]);
      return;
    case 25: // GCSweepActive
      range(ev, EventKind.RangeActive, GC_SWEEP, ResourceKind.Proc, a[0]);
      return;
    case 26: // GCSweepEnd
      range(ev, EventKind.RangeEnd, GC_SWEEP, ResourceKind.Proc, rec.p);
      ev.rangeAttributes = [{ name: 'bytes swept', value: a[0] }, { name: 'bytes reclaimed', value: a[1] }];
      return;
    case 27: // GCMarkAssistBegin
      range(ev, EventKind.RangeBegin, GC_ASSIST, ResourceKind.Goroutine, rec.g);
      ev.stack = stacks.resolve(a[0]);
      return;
    case 28: // GCMarkAssistActive
      range(ev, EventKind.RangeActive, GC_ASSIST, ResourceKind.Goroutine, a[0]);
      return;
    case 29: // GCMarkAssistEnd
      range(ev, EventKind.RangeEnd, GC_ASSIST, ResourceKind.Goroutine, rec.g);
      return;

    case 30: // GoLabel
      ev.kind = EventKind.Label;
      ev.name = str(gen, a[0]);
      ev.resourceKind = ResourceKind.Goroutine;
      ev.resourceId = rec.g;
      return;
    case 31: // UserTaskBegin
      ev.kind = EventKind.TaskBegin;
      ev.taskId = a[0];
      ev.parentTaskId = a[1];
      ev.name = str(gen, a[2]);
      ev.stack = stacks.resolve(a[3]);
      return;
    case 32: // UserTaskEnd
      ev.kind = EventKind.TaskEnd;
      ev.taskId = a[0];
      ev.parentTaskId = a[2];
      ev.name = rec.taskName;
      ev.stack = stacks.resolve(a[1]);
      return;
    case 33: // UserRegionBegin / UserRegionEnd
      ev.kind = rec.typ === Ev.UserRegionBegin ? EventKind.RegionBegin : EventKind.RegionEnd;
      ev.taskId = a[0];
      ev.name = str(gen, a[1]);
      ev.stack = stacks.resolve(a[2]);
      return;
    case 34: // UserLog
      ev.kind = EventKind.Log;
      ev.taskId = a[0];
      ev.category = str(gen, a[1]);
      ev.message = str(gen, a[2]);
      ev.stack = stacks.resolve(a[3]);
      return;
  }
  const spec = specs[rec.typ];
  if (spec.experiment !== 0) {
    ev.kind = EventKind.Experimental;
    ev.name = spec.name;
    ev.experiment = experimentNames[spec.experiment] ?? '';
    ev.args = spec.args.slice(1);
    ev.argValues = Array.from(a.subarray(0, spec.args.length - 1));
    return;
  }
  ev.kind = EventKind.Bad;
}

/** Fills a StackSample event from a CPU sample (Go's cpuSample.asEvent). */
export function fillCpuSample(ev: TraceEvent, s: CpuSample, stacks: StackResolver): void {
  ev.kind = EventKind.StackSample;
  ev.wireType = Ev.CPUSample;
  ev.g = s.g;
  ev.p = s.p;
  ev.m = s.m;
  ev.stack = stacks.resolve(s.stack);
}

/** Fills a Sync event; `gen` is null for the Syncs that end the trace or precede an error. */
export function fillSync(ev: TraceEvent, n: number, gen: Generation | null): void {
  ev.kind = EventKind.Sync;
  ev.wireType = EV_SYNC;
  ev.syncN = n;
  if (gen?.hasClockSnapshot) {
    ev.clockSnapshot = {
      trace: ticksToNs(gen.snapTime, gen.freq),
      wallSec: gen.snapSec,
      wallNsec: gen.snapNsec,
      mono: gen.snapMono,
    };
  }
}

function str(gen: Generation, id: number): string {
  return gen.stringOf(id) ?? '';
}

function metric(ev: TraceEvent, name: string, value: number): void {
  ev.kind = EventKind.Metric;
  ev.name = name;
  ev.value = value;
}

function proc(ev: TraceEvent, id: number, from: number, to: number): void {
  ev.resourceKind = ResourceKind.Proc;
  ev.resourceId = id;
  ev.oldState = from;
  ev.newState = to;
  ev.reason = '';
  ev.stack = NoStack;
  ev.transitionStack = NoStack;
}

function goroutine(ev: TraceEvent, id: number, from: number, to: number, reason: string, stack: StackID, transitionStack: StackID): void {
  ev.resourceKind = ResourceKind.Goroutine;
  ev.resourceId = id;
  ev.oldState = from;
  ev.newState = to;
  ev.reason = reason;
  ev.stack = stack;
  ev.transitionStack = transitionStack;
}

function range(ev: TraceEvent, kind: EventKind, name: string, scope: ResourceKind, id: number): void {
  ev.kind = kind;
  ev.name = name;
  ev.resourceKind = scope;
  ev.resourceId = id;
}
