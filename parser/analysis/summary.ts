// Per-goroutine, per-task and per-region statistics in one pass over the ordered event stream:
// Go's internal/trace Summarizer (summary.go), which go tool trace's /goroutines, /usertasks
// and /userregions pages and its region/goroutine profile filters are built on.
//
// Go marks "unset" times with 0 because its timestamps are absolute and never 0; ours may be 0
// (relative to the trace start), so unset times here are NO_TIME and presence is explicit.

import {
  EventKind, GoState, NoGoroutine, NoProc, NoStack, NoTask, ProcState, ResourceKind,
  type GoID, type Nanoseconds, type ProcID, type StackID, type TaskID, type TraceEvent,
} from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import type { Analysis } from './analysis.ts';
import { MutableStats, addTo } from './summary-stats.ts';
import type {
  EventRecord, FrameInfo, GoroutineSummary, RegionSummary, Summary, TaskSummary,
} from './summary-types.ts';

export type * from './summary-types.ts';
export { nonOverlappingStats, unknownTime } from './summary-stats.ts';
// The pages built on the summary, re-exported so callers need one import.
export * from './goroutines.ts';
export * from './tasks.ts';
export * from './regions.ts';
export { formatGoDuration, parseGoDuration } from './summary-format.ts';
export { timeHistogram, type TimeHistogram, type HistogramBucket } from './summary-histogram.ts';

const NO_TIME = -Infinity;

/** A region being built: its stats are a snapshot at begin until it ends. */
interface RegionState {
  index: number;
  goroutine: GoID;
  taskId: TaskID;
  name: string;
  start: EventRecord | null;
  end: EventRecord | null;
  stats: MutableStats;
}

/** Go's GoroutineSummary together with its private, in-progress goroutineSummary part. */
class GoroutineState {
  name = '';
  pc = 0;
  creationTime: Nanoseconds = 0;
  startTime: Nanoseconds = NO_TIME;
  endTime: Nanoseconds = NO_TIME;
  stats = new MutableStats();
  /** Regions that ended on this goroutine (Go's Regions). */
  regions: RegionState[] = [];

  // In-progress state, cleared by finalize() like Go's *(g.goroutineSummary) = goroutineSummary{}.
  lastStartTime: Nanoseconds = NO_TIME;
  lastRunnableTime: Nanoseconds = NO_TIME;
  lastBlockTime: Nanoseconds = NO_TIME;
  lastBlockReason = '';
  lastSyscallTime: Nanoseconds = NO_TIME;
  lastSyscallBlockTime: Nanoseconds = NO_TIME;
  lastRangeTime = new Map<string, Nanoseconds>();
  /** Stack of active regions, innermost last. */
  activeRegions: RegionState[] = [];

  constructor(readonly id: GoID) {}

  /** Go's snapshotStat: the stats as if every pending state ended at lastTs. */
  snapshot(lastTs: Nanoseconds): MutableStats {
    const ret = this.stats.clone();
    if (this.stats.totalTime === 0) ret.totalTime = lastTs - this.creationTime;
    if (this.lastStartTime !== NO_TIME) ret.execTime += lastTs - this.lastStartTime;
    if (this.lastRunnableTime !== NO_TIME) ret.schedWaitTime += lastTs - this.lastRunnableTime;
    if (this.lastBlockTime !== NO_TIME) addTo(ret.blockTimeByReason, this.lastBlockReason, lastTs - this.lastBlockTime);
    if (this.lastSyscallTime !== NO_TIME) ret.syscallTime += lastTs - this.lastSyscallTime;
    // As in Go: pending syscall-blocked time counts as scheduler wait here.
    if (this.lastSyscallBlockTime !== NO_TIME) ret.schedWaitTime += lastTs - this.lastSyscallBlockTime;
    for (const [name, ts] of this.lastRangeTime) addTo(ret.rangeTime, name, lastTs - ts);
    return ret;
  }

  /**
   * Go's finalize: at the goroutine's end event (trigger) or at trace end (trigger null).
   * Active regions end here too, except on system goroutines (they only inherit tasks).
   */
  finalize(lastTs: Nanoseconds, trigger: EventRecord | null): void {
    if (trigger) this.endTime = trigger.time;
    const finalStats = this.snapshot(lastTs);
    this.stats = finalStats;
    if (!isSystemGoroutine(this.name)) {
      for (const region of this.activeRegions) {
        region.end = trigger;
        region.stats = finalStats.sub(region.stats);
        this.regions.push(region);
      }
    }
    this.lastStartTime = NO_TIME;
    this.lastRunnableTime = NO_TIME;
    this.lastBlockTime = NO_TIME;
    this.lastBlockReason = '';
    this.lastSyscallTime = NO_TIME;
    this.lastSyscallBlockTime = NO_TIME;
    this.lastRangeTime = new Map();
    this.activeRegions = [];
  }
}

interface TaskState {
  id: TaskID;
  name: string;
  parent: TaskState | null;
  children: TaskState[];
  start: EventRecord | null;
  end: EventRecord | null;
  logs: EventRecord[];
  regions: RegionState[];
  goroutines: Set<GoID>;
}

/** Go's IsSystemGoroutine, by entry function name (runtime.isSystemGoroutine's approximation). */
export function isSystemGoroutine(entryFn: string): boolean {
  return entryFn === '' || (entryFn !== 'runtime.main' && entryFn.startsWith('runtime.'));
}

/** Copies the fields of `ev` the pages need (the event instance is reused by the reader). */
function recordEvent(ev: TraceEvent): EventRecord {
  const rec: EventRecord = { kind: ev.kind, time: ev.time, goroutine: ev.g, stack: ev.stack };
  switch (ev.kind) {
    case EventKind.StateTransition:
      if (ev.resourceKind === ResourceKind.Goroutine) {
        rec.transition = { goroutine: ev.resourceId, from: ev.oldState, to: ev.newState };
      }
      break;
    case EventKind.RegionBegin:
    case EventKind.RegionEnd:
      rec.name = ev.name;
      rec.taskId = ev.taskId;
      break;
    case EventKind.TaskBegin:
    case EventKind.TaskEnd:
      rec.name = ev.name;
      rec.taskId = ev.taskId;
      rec.parentTaskId = ev.parentTaskId;
      break;
    case EventKind.Log:
      rec.taskId = ev.taskId;
      rec.category = ev.category;
      rec.message = ev.message;
      break;
  }
  return rec;
}

/** Go's NewSummarizer. `tables` resolves goroutine entry functions and region locations. */
export function createSummarizer(tables: TraceTables): Analysis<Summary> {
  const goroutines = new Map<GoID, GoroutineState>();
  const tasks = new Map<TaskID, TaskState>();
  // A P and the goroutine in a syscall on it: a P going idle under it means the syscall blocked.
  const syscallingP = new Map<ProcID, GoID>();
  const syscallingG = new Map<GoID, ProcID>();
  // Best-effort owner of a P-scoped range (key: proc id + name): the goroutine it began on.
  const rangesP = new Map<string, GoID>();
  const regions: RegionState[] = [];

  let seenEvent = false;
  let firstTs: Nanoseconds = 0;
  let lastTs: Nanoseconds = 0;
  // Time of the last Sync (or the first event): goroutines first seen Undetermined existed since then.
  let syncTs: Nanoseconds = 0;
  let lastSyncTs: Nanoseconds = NO_TIME;

  function getOrAddTask(id: TaskID): TaskState {
    let task = tasks.get(id);
    if (!task) {
      task = { id, name: '', parent: null, children: [], start: null, end: null, logs: [], regions: [], goroutines: new Set() };
      tasks.set(id, task);
    }
    return task;
  }

  function newRegion(goroutine: GoID, taskId: TaskID, name: string, start: EventRecord | null, stats: MutableStats): RegionState {
    const region: RegionState = { index: regions.length, goroutine, taskId, name, start, end: null, stats };
    regions.push(region);
    return region;
  }

  function newGoroutine(id: GoID, creationTime: Nanoseconds): GoroutineState {
    const g = new GoroutineState(id);
    g.creationTime = creationTime;
    goroutines.set(id, g);
    return g;
  }

  /** The root (outermost) frame of a stack, as Go's loop over Frames() leaves it; null if empty. */
  function rootFrame(stack: StackID): number | null {
    if (stack === NoStack) return null;
    const ids = tables.stackFrameIds(stack);
    return ids.length === 0 ? null : ids[ids.length - 1];
  }

  function goroutineTransition(ev: TraceEvent): void {
    const id = ev.resourceId;
    const from = ev.oldState as GoState;
    const to = ev.newState as GoState;
    if (from === to) return; // Tells us nothing new.
    const now = ev.time;

    // Transition out of the old state.
    let g = goroutines.get(id);
    switch (from) {
      case GoState.Undetermined: {
        // First seen at a generation start: it has existed since the last sync, in state `to`.
        g = newGoroutine(id, syncTs);
        const stateTime = now - syncTs;
        switch (to) {
          case GoState.Running: g.stats.execTime += stateTime; break;
          case GoState.Waiting: addTo(g.stats.blockTimeByReason, ev.reason, stateTime); break;
          case GoState.Runnable: g.stats.schedWaitTime += stateTime; break;
          case GoState.Syscall:
            // With a P it has had that P since the start (syscall time); without, it was blocked.
            if (ev.p === NoProc) g.stats.syscallBlockTime += stateTime;
            else g.stats.syscallTime += stateTime;
            break;
        }
        break;
      }
      case GoState.NotExist: {
        g = newGoroutine(id, now);
        // A new goroutine inherits its creator's innermost active region's task, as a nameless region.
        const creator = ev.g === NoGoroutine ? undefined : goroutines.get(ev.g);
        if (creator && creator.activeRegions.length > 0) {
          const inherited = creator.activeRegions[creator.activeRegions.length - 1];
          g.activeRegions = [newRegion(id, inherited.taskId, '', recordEvent(ev), new MutableStats())];
        }
        break;
      }
      case GoState.Running:
        if (!g) return;
        if (g.lastStartTime !== NO_TIME) g.stats.execTime += now - g.lastStartTime;
        g.lastStartTime = NO_TIME;
        break;
      case GoState.Waiting:
        if (!g) return;
        if (g.lastBlockTime !== NO_TIME) {
          addTo(g.stats.blockTimeByReason, g.lastBlockReason, now - g.lastBlockTime);
          g.lastBlockTime = NO_TIME;
        }
        break;
      case GoState.Runnable:
        if (!g) return;
        if (g.lastRunnableTime !== NO_TIME) {
          g.stats.schedWaitTime += now - g.lastRunnableTime;
          g.lastRunnableTime = NO_TIME;
        }
        break;
      case GoState.Syscall:
        if (!g) return;
        if (g.lastSyscallTime !== NO_TIME) {
          if (g.lastSyscallBlockTime !== NO_TIME) {
            g.stats.syscallBlockTime += now - g.lastSyscallBlockTime;
            g.stats.syscallTime += g.lastSyscallBlockTime - g.lastSyscallTime;
          } else {
            g.stats.syscallTime += now - g.lastSyscallTime;
          }
          g.lastSyscallTime = NO_TIME;
          g.lastSyscallBlockTime = NO_TIME;
          const p = syscallingG.get(id);
          if (p !== undefined) syscallingP.delete(p);
          syscallingG.delete(id);
        }
        break;
    }
    if (!g) return; // Go would crash: a goroutine must first appear Undetermined or NotExist.

    // Name the goroutine by the root frame of its transition stack (its immutable start point).
    if (g.name === '') {
      const frame = rootFrame(ev.transitionStack);
      if (frame !== null) {
        g.pc = tables.framePC[frame];
        g.name = tables.frameFunc[frame];
      }
    }

    // Transition into the new state.
    switch (to) {
      case GoState.Running:
        g.lastStartTime = now;
        if (g.startTime === NO_TIME) g.startTime = now;
        break;
      case GoState.Runnable:
        g.lastRunnableTime = now;
        break;
      case GoState.Waiting:
        if (ev.reason !== 'forever') {
          g.lastBlockTime = now;
          g.lastBlockReason = ev.reason;
          break;
        }
        // Blocked forever is like exiting.
        g.finalize(now, recordEvent(ev));
        break;
      case GoState.NotExist:
        g.finalize(now, recordEvent(ev));
        break;
      case GoState.Syscall:
        syscallingP.set(ev.p, id);
        syscallingG.set(id, ev.p);
        g.lastSyscallTime = now;
        break;
    }
  }

  function procTransition(ev: TraceEvent): void {
    if (ev.oldState === ev.newState || ev.newState !== ProcState.Idle) return;
    const goid = syscallingP.get(ev.resourceId);
    if (goid === undefined) return;
    const g = goroutines.get(goid);
    if (g) g.lastSyscallBlockTime = ev.time;
    syscallingP.delete(ev.resourceId);
  }

  /** The goroutine a range event is attributed to, or undefined (Go's nil). */
  function rangeBeginGoroutine(ev: TraceEvent): GoroutineState | undefined {
    if (ev.resourceKind === ResourceKind.Goroutine) return goroutines.get(ev.resourceId);
    if (ev.resourceKind === ResourceKind.Proc) {
      // P-scoped ranges (e.g. sweeps) are credited to the goroutine if it stays on the P throughout.
      const g = goroutines.get(ev.g);
      if (g) rangesP.set(`${ev.resourceId}\u0000${ev.name}`, ev.g);
      return g;
    }
    return undefined;
  }

  function rangeEndGoroutine(ev: TraceEvent): GoroutineState | undefined {
    if (ev.resourceKind === ResourceKind.Goroutine) return goroutines.get(ev.resourceId);
    if (ev.resourceKind === ResourceKind.Proc) {
      const key = `${ev.resourceId}\u0000${ev.name}`;
      const goid = rangesP.get(key);
      if (goid === undefined) return undefined;
      rangesP.delete(key);
      return goid === ev.g ? goroutines.get(goid) : undefined;
    }
    return undefined;
  }

  function handleEvent(ev: TraceEvent): void {
    if (!seenEvent) {
      seenEvent = true;
      firstTs = ev.time;
      syncTs = ev.time;
    }
    lastTs = ev.time;

    switch (ev.kind) {
      case EventKind.Sync:
        syncTs = ev.time;
        lastSyncTs = ev.time;
        break;

      case EventKind.StateTransition:
        if (ev.resourceKind === ResourceKind.Goroutine) goroutineTransition(ev);
        else if (ev.resourceKind === ResourceKind.Proc) procTransition(ev);
        break;

      case EventKind.RangeBegin:
      case EventKind.RangeActive: {
        const g = rangeBeginGoroutine(ev);
        if (!g) break;
        if (ev.kind === EventKind.RangeActive) {
          // Active since before this generation: count from the sync point.
          const ts = g.lastRangeTime.get(ev.name);
          if (ts !== undefined) addTo(g.stats.rangeTime, ev.name, syncTs - ts);
          g.lastRangeTime.set(ev.name, syncTs);
        } else {
          g.lastRangeTime.set(ev.name, ev.time);
        }
        break;
      }
      case EventKind.RangeEnd: {
        const g = rangeEndGoroutine(ev);
        if (!g) break;
        const ts = g.lastRangeTime.get(ev.name);
        if (ts === undefined) break;
        addTo(g.stats.rangeTime, ev.name, ev.time - ts);
        g.lastRangeTime.delete(ev.name);
        break;
      }

      case EventKind.RegionBegin: {
        const g = goroutines.get(ev.g);
        if (!g) break; // Go would crash here; a region needs a known goroutine.
        const region = newRegion(g.id, ev.taskId, ev.name, recordEvent(ev), g.snapshot(ev.time));
        g.activeRegions.push(region);
        const task = getOrAddTask(ev.taskId);
        task.regions.push(region);
        task.goroutines.add(g.id);
        break;
      }
      case EventKind.RegionEnd: {
        const g = goroutines.get(ev.g);
        if (!g) break;
        let region = g.activeRegions.pop();
        if (!region) {
          // Ended without a begin in the trace: begun before it started.
          region = newRegion(g.id, ev.taskId, ev.name, null, new MutableStats());
          const task = getOrAddTask(ev.taskId);
          task.goroutines.add(g.id);
          task.regions.push(region);
        }
        region.stats = g.snapshot(ev.time).sub(region.stats);
        region.end = recordEvent(ev);
        g.regions.push(region);
        break;
      }

      case EventKind.TaskBegin:
      case EventKind.TaskEnd: {
        const task = getOrAddTask(ev.taskId);
        task.name = ev.name;
        task.goroutines.add(ev.g);
        if (ev.kind === EventKind.TaskBegin) task.start = recordEvent(ev);
        else task.end = recordEvent(ev);
        // Link to the parent once, or the task would appear twice among its children.
        if (ev.parentTaskId !== NoTask && task.parent === null) {
          const parent = getOrAddTask(ev.parentTaskId);
          task.parent = parent;
          parent.children.push(task);
        }
        break;
      }
      case EventKind.Log: {
        const task = getOrAddTask(ev.taskId);
        task.goroutines.add(ev.g);
        task.logs.push(recordEvent(ev));
        break;
      }
    }
  }

  function finish(): Summary {
    const frameCache = new Map<StackID, FrameInfo>();
    const zeroFrame: FrameInfo = { pc: 0, func: '', file: '', line: 0 };
    function regionFrame(start: EventRecord | null): FrameInfo {
      if (!start || start.stack === NoStack) return zeroFrame;
      let frame = frameCache.get(start.stack);
      if (!frame) {
        const f = rootFrame(start.stack);
        frame = f === null ? zeroFrame
          : { pc: tables.framePC[f], func: tables.frameFunc[f], file: tables.frameFile[f], line: tables.frameLine[f] };
        frameCache.set(start.stack, frame);
      }
      return frame;
    }

    const goroutineList: GoroutineSummary[] = [];
    for (const g of [...goroutines.values()].sort((a, b) => a.id - b.id)) {
      g.finalize(lastTs, null);
      // By start time, regions begun before the trace first (Go sorts the same way).
      const ordered = g.regions.slice().sort((a, b) => {
        if (!a.start) return b.start ? -1 : 0;
        if (!b.start) return 1;
        return a.start.time - b.start.time;
      });
      goroutineList.push({
        id: g.id,
        name: g.name,
        pc: g.pc,
        creationTime: g.creationTime,
        startTime: g.startTime === NO_TIME ? null : g.startTime,
        endTime: g.endTime === NO_TIME ? null : g.endTime,
        regions: ordered.map((r) => r.index),
        ...g.stats.toPlain(),
      });
    }

    const regionList: RegionSummary[] = regions.map((r) => ({
      goroutine: r.goroutine,
      taskId: r.taskId,
      name: r.name,
      start: r.start,
      end: r.end,
      frame: regionFrame(r.start),
      ...r.stats.toPlain(),
    }));

    const taskList: TaskSummary[] = [...tasks.values()].sort((a, b) => a.id - b.id).map((t) => ({
      id: t.id,
      name: t.name,
      parent: t.parent ? t.parent.id : null,
      children: t.children.map((c) => c.id),
      start: t.start,
      end: t.end,
      logs: t.logs,
      regions: t.regions.map((r) => r.index),
      goroutines: [...t.goroutines],
    }));

    return {
      traceStart: firstTs,
      traceEnd: lastSyncTs === NO_TIME ? lastTs : lastSyncTs,
      lastEventTime: lastTs,
      goroutines: goroutineList,
      regions: regionList,
      tasks: taskList,
    };
  }

  return { handleEvent, finish };
}
