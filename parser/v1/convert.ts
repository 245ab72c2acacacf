// Go's tracev1.go: turning ordered v1 events into the event model Go 1.22+ tools consume
// (our TraceEvent), exactly as go tool trace 1.27 does — same kinds, transitions, reasons,
// range names, contexts (including the quirks: v1 GoStart keeps the started goroutine as its G,
// GC events sit on the fake GC P, syscall exits on the fake syscall P), the 1 ns syscalls, the
// dropped GoSysBlock and first Gomaxprocs, and the "no two events at the same time" bump.

import { EventKind, GoState, NoGoroutine, NoStack, NoTask, NoThread, ProcState, ResourceKind, TraceEvent, type EventSink, type StackID } from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import { TraceParseError } from '../types.ts';
import type { DecodedTrace } from './decode.ts';
import { V1, mergedType, stwReason } from './events.ts';
import type { BatchLocator } from './order.ts';

/** Reasons Go gives the blocking/yielding events it converts (tracev1.go's builtin strings). */
const blockReasons: Partial<Record<number, string>> = {
  [V1.GoStop]: 'forever',
  [V1.GoSleep]: 'sleep',
  [V1.GoBlock]: '',
  [V1.GoBlockSend]: 'chan send',
  [V1.GoBlockRecv]: 'chan receive',
  [V1.GoBlockSelect]: 'select',
  [V1.GoBlockSync]: 'sync',
  [V1.GoBlockCond]: 'sync.(*Cond).Wait',
  [V1.GoBlockNet]: 'network',
  [V1.GoBlockGC]: 'GC mark assist wait for work',
};

/**
 * Marks each GoSysCall whose goroutine's next event is GoSysBlock (a syscall that blocked).
 * Go looks ahead from every syscall; one backward pass gives the same answer in linear time.
 */
export function markBlockingSyscalls(decoded: DecodedTrace, order: Uint32Array): void {
  const c = decoded.columns;
  const nextTypeByG = new Map<number, number>();
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k];
    const g = c.getG(i);
    const type = c.type[i];
    if (type === V1.GoSysCall && nextTypeByG.get(g) === V1.GoSysBlock) c.type[i] = V1.GoSysCallBlocked;
    nextTypeByG.set(g, type);
  }
}

export interface ConvertOutcome {
  events: number;
  /** Events up to and including the first Sync, when conversion stopped with an error. */
  validEvents: number;
  error: string | null;
  startTime: number;
  endTime: number;
}

/** How often the emitting loop lets the event loop run (a server may be answering meanwhile). */
const YIELD_EVERY = 1 << 16;

/** Delivers the whole converted stream, Syncs included, to `sink`. */
export async function convertEvents(
  decoded: DecodedTrace,
  order: Uint32Array,
  goMinor: number,
  tables: TraceTables,
  sink: EventSink,
  locate: BatchLocator,
): Promise<ConvertOutcome> {
  const c = decoded.columns;
  const ev = new TraceEvent();
  const stackIds = new Map<number, StackID>();
  const procThreads = new Map<number, number>();
  const seenProcs = new Set<number>();
  const tasks = new Map<number, { name: string; parent: number }>();
  // Goroutines that existed when tracing started and got no GoWaiting/GoInSyscall/GoStart before
  // the first Gomaxprocs: they get a Runnable status then (Go walks a map; we keep first-seen order).
  const createdPreInit = new Set<number>();
  let preInit = true;
  let lastStwReason = '';
  let lastTs = -1;
  let delivered = 0;
  let startTime = NaN;
  let endTime = NaN;
  let syncs = 0;

  const stringOf = (id: number) => decoded.strings.get(id) ?? '';
  const internStack = (v1Id: number): StackID => {
    if (v1Id === 0) return NoStack;
    let id = stackIds.get(v1Id);
    if (id === undefined) {
      const pcs = decoded.stacks.get(v1Id);
      if (!pcs) id = NoStack;
      else {
        const frameIds = pcs.map((pc) => {
          const f = decoded.frames.get(pc)!;
          return tables.internFrame(pc, stringOf(f.fn), stringOf(f.file), f.line);
        });
        id = tables.internStack(frameIds);
      }
      stackIds.set(v1Id, id);
    }
    return id;
  };
  const deliver = (bump: boolean) => {
    // Go 1.22+ forbids two events at one time; the converter nudges later ones by 1 ns.
    if (bump) {
      if (ev.time <= lastTs) ev.time = lastTs + 1;
      lastTs = ev.time;
    }
    if (delivered === 0) startTime = ev.time;
    endTime = ev.time;
    delivered++;
    sink(ev);
  };
  const sync = (time: number) => {
    ev.reset();
    ev.kind = EventKind.Sync;
    ev.time = time;
    ev.syncN = ++syncs;
    deliver(false);
  };
  const goTransition = (id: number, from: GoState, to: GoState, reason = '') => {
    ev.kind = EventKind.StateTransition;
    ev.resourceKind = ResourceKind.Goroutine;
    ev.resourceId = id;
    ev.oldState = from;
    ev.newState = to;
    ev.reason = reason;
  };
  const procTransition = (id: number, from: ProcState, to: ProcState) => {
    ev.kind = EventKind.StateTransition;
    ev.resourceKind = ResourceKind.Proc;
    ev.resourceId = id;
    ev.oldState = from;
    ev.newState = to;
  };
  const range = (kind: EventKind, name: string, scope: ResourceKind, id: number) => {
    ev.kind = kind;
    ev.name = name;
    ev.resourceKind = scope;
    ev.resourceId = id;
  };
  /** Events Go builds by hand take the P's thread straight from its map (0 when unknown). */
  const rawContext = (i: number) => {
    ev.g = c.getG(i);
    ev.p = c.p[i];
    ev.m = procThreads.get(ev.p) ?? 0;
  };

  if (order.length > 0) sync(c.ts[order[0]] - 1);

  for (let k = 0; k < order.length; k++) {
    if (k % YIELD_EVERY === YIELD_EVERY - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    const i = order[k];
    const wire = c.type[i];
    const type = mergedType(wire);
    const time = c.ts[i];
    const pid = c.p[i];
    const gid = c.getG(i);
    const stk = c.stk[i];
    ev.reset();
    ev.time = time;
    ev.wireType = type;

    switch (type) {
      case V1.Gomaxprocs:
        if (preInit) {
          // The first Gomaxprocs ends the trace's opening snapshot; it is not delivered itself.
          preInit = false;
          for (const created of createdPreInit) {
            ev.reset();
            ev.time = time;
            ev.wireType = V1.GoCreate;
            goTransition(created, GoState.Undetermined, GoState.Runnable);
            deliver(true);
          }
          createdPreInit.clear();
          continue;
        }
        ev.kind = EventKind.Metric;
        ev.name = '/sched/gomaxprocs:threads';
        ev.value = c.arg(i, 0);
        ev.stack = internStack(stk);
        break;
      case V1.ProcStart:
        procThreads.set(pid, c.arg(i, 0));
        if (seenProcs.has(pid)) procTransition(pid, ProcState.Idle, ProcState.Running);
        else {
          seenProcs.add(pid);
          procTransition(pid, ProcState.Undetermined, ProcState.Running);
        }
        break;
      case V1.ProcStop:
        if (seenProcs.has(pid)) procTransition(pid, ProcState.Running, ProcState.Idle);
        else {
          seenProcs.add(pid);
          procTransition(pid, ProcState.Undetermined, ProcState.Idle);
        }
        break;
      case V1.GCStart:
        range(EventKind.RangeBegin, 'GC concurrent mark phase', ResourceKind.None, 0);
        ev.stack = internStack(stk);
        break;
      case V1.GCDone:
        range(EventKind.RangeEnd, 'GC concurrent mark phase', ResourceKind.None, 0);
        break;
      case V1.STWStart:
        lastStwReason = stwReason(goMinor, c.arg(i, 0));
        range(EventKind.RangeBegin, `stop-the-world (${lastStwReason})`, ResourceKind.Goroutine, gid === 0 ? NoGoroutine : gid);
        break;
      case V1.STWDone:
        range(EventKind.RangeEnd, `stop-the-world (${lastStwReason})`, ResourceKind.Goroutine, gid === 0 ? NoGoroutine : gid);
        break;
      case V1.GCSweepStart:
        range(EventKind.RangeBegin, 'GC incremental sweep', ResourceKind.Proc, pid);
        ev.stack = internStack(stk);
        break;
      case V1.GCSweepDone:
        range(EventKind.RangeEnd, 'GC incremental sweep', ResourceKind.Proc, pid);
        ev.rangeAttributes = [
          { name: 'bytes swept', value: c.arg(i, 0) },
          { name: 'bytes reclaimed', value: c.arg(i, 1) },
        ];
        break;
      case V1.GCMarkAssistStart:
        range(EventKind.RangeBegin, 'GC mark assist', ResourceKind.Goroutine, gid === 0 ? NoGoroutine : gid);
        ev.stack = internStack(stk);
        break;
      case V1.GCMarkAssistDone:
        range(EventKind.RangeEnd, 'GC mark assist', ResourceKind.Goroutine, gid === 0 ? NoGoroutine : gid);
        break;
      case V1.GoCreate:
        if (preInit) {
          createdPreInit.add(c.arg(i, 0));
          continue;
        }
        goTransition(c.arg(i, 0), GoState.NotExist, GoState.Runnable);
        ev.transitionStack = internStack(c.arg(i, 1));
        ev.stack = internStack(stk);
        break;
      case V1.GoStart:
        if (preInit) {
          goTransition(c.arg(i, 0), GoState.Undetermined, GoState.Running);
          createdPreInit.delete(c.arg(i, 0));
        } else goTransition(c.arg(i, 0), GoState.Runnable, GoState.Running);
        break;
      case V1.GoStartLabel: {
        // A GoStart, then a Label on the goroutine, both in a hand-built context.
        rawContext(i);
        goTransition(c.arg(i, 0), GoState.Runnable, GoState.Running);
        deliver(true);
        const g = ev.g;
        const p = ev.p;
        const m = ev.m;
        ev.reset();
        ev.kind = EventKind.Label;
        ev.time = time;
        ev.wireType = type;
        ev.g = g;
        ev.p = p;
        ev.m = m;
        ev.name = stringOf(c.arg(i, 2));
        ev.resourceKind = ResourceKind.Goroutine;
        ev.resourceId = g;
        deliver(true);
        continue;
      }
      case V1.GoEnd:
        goTransition(gid === 0 ? NoGoroutine : gid, GoState.Running, GoState.NotExist);
        break;
      case V1.GoSched:
      case V1.GoPreempt:
        goTransition(gid === 0 ? NoGoroutine : gid, GoState.Running, GoState.Runnable, type === V1.GoSched ? 'runtime.Gosched' : 'preempted');
        ev.stack = ev.transitionStack = internStack(stk);
        break;
      case V1.GoStop: case V1.GoSleep: case V1.GoBlock: case V1.GoBlockSend: case V1.GoBlockRecv:
      case V1.GoBlockSelect: case V1.GoBlockSync: case V1.GoBlockCond: case V1.GoBlockNet: case V1.GoBlockGC:
        goTransition(gid === 0 ? NoGoroutine : gid, GoState.Running, GoState.Waiting, blockReasons[type]);
        ev.stack = ev.transitionStack = internStack(stk);
        break;
      case V1.GoUnblock:
        goTransition(c.arg(i, 0), GoState.Waiting, GoState.Runnable);
        ev.stack = internStack(stk);
        break;
      case V1.GoSysCall:
        if (wire === V1.GoSysCallBlocked) {
          goTransition(gid === 0 ? NoGoroutine : gid, GoState.Running, GoState.Syscall);
          ev.stack = ev.transitionStack = internStack(stk);
          break;
        }
        // A syscall that did not block: a 1 ns GoSyscallBegin/GoSyscallEnd pair.
        rawContext(i);
        goTransition(ev.g, GoState.Running, GoState.Syscall);
        ev.stack = ev.transitionStack = internStack(stk);
        deliver(true);
        {
          const g = ev.g;
          const p = ev.p;
          const m = ev.m;
          ev.reset();
          ev.time = time + 1;
          ev.wireType = type;
          ev.g = g;
          ev.p = p;
          ev.m = m;
          goTransition(g, GoState.Syscall, GoState.Running);
          deliver(true);
        }
        continue;
      case V1.GoSysExit:
        goTransition(gid === 0 ? NoGoroutine : gid, GoState.Syscall, GoState.Runnable);
        break;
      case V1.GoSysBlock:
        continue; // folded into the GoSysCall above it
      case V1.GoWaiting:
      case V1.GoInSyscall:
        goTransition(c.arg(i, 0), GoState.Undetermined, type === V1.GoWaiting ? GoState.Waiting : GoState.Syscall);
        createdPreInit.delete(c.arg(i, 0));
        break;
      case V1.HeapAlloc:
      case V1.HeapGoal:
        ev.kind = EventKind.Metric;
        ev.name = type === V1.HeapAlloc ? '/memory/classes/heap/objects:bytes' : '/gc/heap/goal:bytes';
        ev.value = c.arg(i, 0);
        break;
      case V1.UserTaskCreate: {
        const task = c.arg(i, 0);
        const parent = c.arg(i, 1);
        ev.kind = EventKind.TaskBegin;
        ev.taskId = task;
        ev.parentTaskId = parent === 0 ? NoTask : parent;
        ev.name = stringOf(c.arg(i, 2));
        ev.stack = internStack(stk);
        // Go remembers the raw parent, so a root task's TaskEnd names parent 0.
        tasks.set(task, { name: ev.name, parent });
        break;
      }
      case V1.UserTaskEnd: {
        const task = c.arg(i, 0);
        const begun = tasks.get(task);
        if (begun) tasks.delete(task);
        ev.kind = EventKind.TaskEnd;
        ev.taskId = task;
        ev.parentTaskId = begun ? begun.parent : NoTask;
        ev.name = begun ? begun.name : '';
        ev.stack = internStack(stk);
        break;
      }
      case V1.UserRegion:
        ev.kind = c.arg(i, 1) === 0 ? EventKind.RegionBegin : EventKind.RegionEnd;
        ev.taskId = c.arg(i, 0);
        ev.name = stringOf(c.arg(i, 2));
        ev.stack = internStack(stk);
        break;
      case V1.UserLog:
        ev.kind = EventKind.Log;
        ev.taskId = c.arg(i, 0);
        ev.category = stringOf(c.arg(i, 1));
        ev.message = decoded.inlineStrings[c.arg(i, 3)] ?? '';
        ev.stack = internStack(stk);
        break;
      case V1.CPUSample:
        ev.kind = EventKind.StackSample;
        ev.g = gid === 0 ? NoGoroutine : gid;
        ev.p = pid;
        ev.m = NoThread;
        ev.stack = internStack(stk);
        deliver(true);
        continue;
      default: {
        // Go's converter has no mapping for FutileWakeup (no runtime since 1.11 writes it):
        // go tool trace stops there, keeping only the opening Sync.
        const error = new TraceParseError(`unexpected event type ${type}`, locate.fileOffset(i)).message;
        return { events: delivered, validEvents: Math.min(delivered, 1), error, startTime, endTime };
      }
    }

    // The common context: the event's goroutine (0 = none), its P and that P's thread.
    ev.g = gid === 0 ? NoGoroutine : gid;
    ev.p = pid;
    ev.m = pid !== -1 ? procThreads.get(pid) ?? NoThread : NoThread;
    if (type === V1.ProcStop) procThreads.delete(pid);
    deliver(true);
  }

  // Go's reader closes every trace with a Sync just after the last event.
  sync(lastTs + 1);
  return { events: delivered, validEvents: delivered, error: null, startTime, endTime };
}

