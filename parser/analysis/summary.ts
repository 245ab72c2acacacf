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
import { DurationColumn, KeyNames, KeyedSums } from './summary-columns.ts';
import { GoroutineTable } from './summary-table.ts';
import { DenseIdIndex } from './pprof-columns.ts';
import { f64, u32 } from '../model/timeline-columns.ts';
import type {
  EventRecord, FrameInfo, GoroutineSummary, RegionSummary, Summary, TaskSummary,
} from './summary-types.ts';

export type * from './summary-types.ts';
export { GoroutineTable } from './summary-table.ts';
export { nonOverlappingStats, unknownTime } from './summary-stats.ts';
// The pages built on the summary, re-exported so callers need one import.
export * from './goroutines.ts';
export * from './tasks.ts';
export * from './regions.ts';
export { formatGoDuration, parseGoDuration } from './summary-format.ts';
export { timeHistogram, type TimeHistogram, type HistogramBucket } from './summary-histogram.ts';

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

/**
 * The goroutines being summarised, one row each (Go's map of *GoroutineSummary, by column).
 * Go replaces a goroutine's summary when it is re-created; here its row is reset.
 *
 * Go's in-progress goroutineSummary times (lastStartTime, …) matter only while a goroutine
 * lives, so they sit in "pending" slots that finalize() returns to a free list: millions of
 * exited goroutines then cost nothing for them.
 */
class GoroutineRows {
  readonly rowOf = new DenseIdIndex();
  readonly id = f64();
  /** Root frame + 1 of the stack that named the goroutine (0: unnamed). */
  readonly frame = u32();
  readonly creationTime = f64();
  readonly startOffset = new DurationColumn();
  readonly endOffset = new DurationColumn();
  readonly execTime = new DurationColumn();
  readonly schedWaitTime = new DurationColumn();
  readonly syscallTime = new DurationColumn();
  readonly syscallBlockTime = new DurationColumn();
  readonly totalTime = new DurationColumn();
  readonly keys = new KeyNames();
  readonly blockTimeByReason = new KeyedSums();
  readonly rangeTime = new KeyedSums();
  /** Rows with an active range (rare): range name → when it began. */
  readonly lastRangeTime = new Map<number, Map<string, Nanoseconds>>();
  /** Rows inside regions: the stack of active regions, innermost last. */
  readonly activeRegions = new Map<number, RegionState[]>();
  /** Regions that ended on the row (Go's Regions). */
  readonly regions = new Map<number, RegionState[]>();

  // Pending slots: PENDING_FIELDS times per slot (NaN: unset), and the block reason's key.
  private readonly slotOf = u32();
  private readonly pending = f64();
  private readonly pendingReason = u32();
  private readonly freeSlots: number[] = [];

  constructor(private readonly tables: TraceTables) {}

  get count(): number {
    return this.id.length;
  }

  /** The row of goroutine `id`, or -1. */
  find(id: GoID): number {
    return this.rowOf.get(id);
  }

  /** Go's newGoroutine: a fresh summary for `id` (replacing any earlier one). */
  create(id: GoID, creationTime: Nanoseconds): number {
    let row = this.rowOf.get(id);
    if (row < 0) {
      row = this.id.length;
      this.rowOf.set(id, row);
      this.id.push(id);
    } else {
      this.releaseSlot(row);
      this.blockTimeByReason.clear(row);
      this.rangeTime.clear(row);
      this.lastRangeTime.delete(row);
      this.activeRegions.delete(row);
      this.regions.delete(row);
    }
    this.frame.set(row, 0);
    this.creationTime.set(row, creationTime);
    this.startOffset.set(row, Number.NaN);
    this.endOffset.set(row, Number.NaN);
    for (const col of this.durations()) col.set(row, 0);
    this.slotOf.set(row, 0);
    return row;
  }

  private durations(): DurationColumn[] {
    return [this.execTime, this.schedWaitTime, this.syscallTime, this.syscallBlockTime, this.totalTime];
  }

  name(row: number): string {
    const frame = this.frame.get(row);
    return frame === 0 ? '' : this.tables.frameFunc[frame - 1];
  }

  startTime(row: number): Nanoseconds {
    return this.creationTime.get(row) + this.startOffset.get(row);
  }

  setStartTime(row: number, time: Nanoseconds): void {
    this.startOffset.set(row, time - this.creationTime.get(row));
  }

  setEndTime(row: number, time: Nanoseconds): void {
    this.endOffset.set(row, time - this.creationTime.get(row));
  }

  addBlockTime(row: number, reason: string, dt: Nanoseconds): void {
    this.blockTimeByReason.add(row, this.keys.id(reason), dt);
  }

  addRangeTime(row: number, name: string, dt: Nanoseconds): void {
    this.rangeTime.add(row, this.keys.id(name), dt);
  }

  // ── pending times ──

  get(row: number, field: PendingField): Nanoseconds {
    const slot = this.slotOf.data[row];
    return slot === 0 ? NO_TIME : this.pending.data[(slot - 1) * PENDING_FIELDS + field];
  }

  set(row: number, field: PendingField, time: Nanoseconds): void {
    let slot = this.slotOf.data[row];
    if (slot === 0) {
      if (Number.isNaN(time)) return;
      slot = this.acquireSlot(row);
    }
    this.pending.data[(slot - 1) * PENDING_FIELDS + field] = time;
  }

  blockReason(row: number): string {
    const slot = this.slotOf.data[row];
    return slot === 0 ? '' : this.keys.names[this.pendingReason.data[slot - 1]];
  }

  setBlockReason(row: number, reason: string): void {
    let slot = this.slotOf.data[row];
    if (slot === 0) slot = this.acquireSlot(row);
    this.pendingReason.data[slot - 1] = this.keys.id(reason);
  }

  private acquireSlot(row: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.pendingReason.length + 1;
      this.pendingReason.push(0);
      for (let f = 0; f < PENDING_FIELDS; f++) this.pending.push(NO_TIME);
    }
    const base = (slot - 1) * PENDING_FIELDS;
    for (let f = 0; f < PENDING_FIELDS; f++) this.pending.data[base + f] = NO_TIME;
    this.pendingReason.data[slot - 1] = 0;
    this.slotOf.data[row] = slot;
    return slot;
  }

  /** Clears every pending time of the row (Go's *(g.goroutineSummary) = goroutineSummary{}). */
  releaseSlot(row: number): void {
    const slot = this.slotOf.data[row];
    if (slot === 0) return;
    this.freeSlots.push(slot);
    this.slotOf.data[row] = 0;
  }

  /** Go's snapshotStat as a MutableStats: the stats as if every pending state ended at lastTs. */
  snapshot(row: number, lastTs: Nanoseconds): MutableStats {
    const ret = new MutableStats();
    ret.execTime = this.execTime.get(row);
    ret.schedWaitTime = this.schedWaitTime.get(row);
    ret.syscallTime = this.syscallTime.get(row);
    ret.syscallBlockTime = this.syscallBlockTime.get(row);
    ret.totalTime = this.totalTime.get(row);
    const names = this.keys.names;
    this.blockTimeByReason.forEach(row, (key, value) => ret.blockTimeByReason.set(names[key], value));
    this.rangeTime.forEach(row, (key, value) => ret.rangeTime.set(names[key], value));
    if (ret.totalTime === 0) ret.totalTime = lastTs - this.creationTime.get(row);
    const lastStart = this.get(row, LAST_START);
    if (!Number.isNaN(lastStart)) ret.execTime += lastTs - lastStart;
    const lastRunnable = this.get(row, LAST_RUNNABLE);
    if (!Number.isNaN(lastRunnable)) ret.schedWaitTime += lastTs - lastRunnable;
    const lastBlock = this.get(row, LAST_BLOCK);
    if (!Number.isNaN(lastBlock)) addTo(ret.blockTimeByReason, this.blockReason(row), lastTs - lastBlock);
    const lastSyscall = this.get(row, LAST_SYSCALL);
    if (!Number.isNaN(lastSyscall)) ret.syscallTime += lastTs - lastSyscall;
    // As in Go: pending syscall-blocked time counts as scheduler wait here.
    const lastSyscallBlock = this.get(row, LAST_SYSCALL_BLOCK);
    if (!Number.isNaN(lastSyscallBlock)) ret.schedWaitTime += lastTs - lastSyscallBlock;
    const ranges = this.lastRangeTime.get(row);
    if (ranges) for (const [name, ts] of ranges) addTo(ret.rangeTime, name, lastTs - ts);
    return ret;
  }

  /**
   * Go's finalize: at the goroutine's end event (trigger) or at trace end (trigger null).
   * The same arithmetic as snapshot(), applied to the columns in place. Active regions end
   * here too, except on system goroutines (they only inherit tasks).
   */
  finalize(row: number, lastTs: Nanoseconds, trigger: EventRecord | null): void {
    if (trigger) this.setEndTime(row, trigger.time);
    const active = this.activeRegions.get(row);
    const finalStats = active && active.length > 0 && !isSystemGoroutine(this.name(row)) ? this.snapshot(row, lastTs) : null;
    if (this.totalTime.get(row) === 0) this.totalTime.set(row, lastTs - this.creationTime.get(row));
    if (this.slotOf.data[row] !== 0) {
      const lastStart = this.get(row, LAST_START);
      if (!Number.isNaN(lastStart)) this.execTime.add(row, lastTs - lastStart);
      const lastRunnable = this.get(row, LAST_RUNNABLE);
      if (!Number.isNaN(lastRunnable)) this.schedWaitTime.add(row, lastTs - lastRunnable);
      const lastBlock = this.get(row, LAST_BLOCK);
      if (!Number.isNaN(lastBlock)) this.addBlockTime(row, this.blockReason(row), lastTs - lastBlock);
      const lastSyscall = this.get(row, LAST_SYSCALL);
      if (!Number.isNaN(lastSyscall)) this.syscallTime.add(row, lastTs - lastSyscall);
      const lastSyscallBlock = this.get(row, LAST_SYSCALL_BLOCK);
      if (!Number.isNaN(lastSyscallBlock)) this.schedWaitTime.add(row, lastTs - lastSyscallBlock);
      this.releaseSlot(row);
    }
    const ranges = this.lastRangeTime.get(row);
    if (ranges) {
      for (const [name, ts] of ranges) this.addRangeTime(row, name, lastTs - ts);
      this.lastRangeTime.delete(row);
    }
    if (finalStats) {
      let ended = this.regions.get(row);
      if (!ended) this.regions.set(row, (ended = []));
      for (const region of active!) {
        region.end = trigger;
        region.stats = finalStats.sub(region.stats);
        ended.push(region);
      }
    }
    this.activeRegions.delete(row);
  }

  /** The finished table: rows by goroutine id, through an order index (no column is copied). */
  table(): GoroutineTable {
    const n = this.count;
    // Ids are unique: sort them natively, then find each one's row.
    const ids = this.id.trimmed().sort();
    this.id.data = new Float64Array(0);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = this.rowOf.get(ids[i]);
    const regions = new Map<number, number[]>();
    for (const [row, list] of this.regions) {
      // By start time, regions begun before the trace first (Go sorts the same way).
      const ordered = list.slice().sort((a, b) => {
        if (!a.start) return b.start ? -1 : 0;
        if (!b.start) return 1;
        return a.start.time - b.start.time;
      });
      regions.set(row, ordered.map((r) => r.index));
    }
    return new GoroutineTable({
      ids,
      order,
      frame: this.frame.trimmed(),
      creationTime: this.creationTime.trimmed(),
      startOffset: this.startOffset.trim(),
      endOffset: this.endOffset.trim(),
      execTime: this.execTime.trim(),
      schedWaitTime: this.schedWaitTime.trim(),
      syscallTime: this.syscallTime.trim(),
      syscallBlockTime: this.syscallBlockTime.trim(),
      totalTime: this.totalTime.trim(),
      blockTimeByReason: this.blockTimeByReason.trim(),
      rangeTime: this.rangeTime.trim(),
      keyNames: this.keys.names,
      regions,
    }, this.tables);
  }
}

const NO_TIME = Number.NaN;
type PendingField = 0 | 1 | 2 | 3 | 4;
const LAST_START = 0;
const LAST_RUNNABLE = 1;
const LAST_BLOCK = 2;
const LAST_SYSCALL = 3;
const LAST_SYSCALL_BLOCK = 4;
const PENDING_FIELDS = 5;

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
  const goroutines = new GoroutineRows(tables);
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
    const g = goroutines;

    // Transition out of the old state.
    let row = g.find(id);
    switch (from) {
      case GoState.Undetermined: {
        // First seen at a generation start: it has existed since the last sync, in state `to`.
        row = g.create(id, syncTs);
        const stateTime = now - syncTs;
        switch (to) {
          case GoState.Running: g.execTime.add(row, stateTime); break;
          case GoState.Waiting: g.addBlockTime(row, ev.reason, stateTime); break;
          case GoState.Runnable: g.schedWaitTime.add(row, stateTime); break;
          case GoState.Syscall:
            // With a P it has had that P since the start (syscall time); without, it was blocked.
            if (ev.p === NoProc) g.syscallBlockTime.add(row, stateTime);
            else g.syscallTime.add(row, stateTime);
            break;
        }
        break;
      }
      case GoState.NotExist: {
        row = g.create(id, now);
        // A new goroutine inherits its creator's innermost active region's task, as a nameless region.
        const creator = ev.g === NoGoroutine ? -1 : g.find(ev.g);
        const creatorRegions = creator < 0 ? undefined : g.activeRegions.get(creator);
        if (creatorRegions && creatorRegions.length > 0) {
          const inherited = creatorRegions[creatorRegions.length - 1];
          g.activeRegions.set(row, [newRegion(id, inherited.taskId, '', recordEvent(ev), new MutableStats())]);
        }
        break;
      }
      case GoState.Running: {
        if (row < 0) return;
        const last = g.get(row, LAST_START);
        if (!Number.isNaN(last)) g.execTime.add(row, now - last);
        g.set(row, LAST_START, NO_TIME);
        break;
      }
      case GoState.Waiting: {
        if (row < 0) return;
        const last = g.get(row, LAST_BLOCK);
        if (!Number.isNaN(last)) {
          g.addBlockTime(row, g.blockReason(row), now - last);
          g.set(row, LAST_BLOCK, NO_TIME);
        }
        break;
      }
      case GoState.Runnable: {
        if (row < 0) return;
        const last = g.get(row, LAST_RUNNABLE);
        if (!Number.isNaN(last)) {
          g.schedWaitTime.add(row, now - last);
          g.set(row, LAST_RUNNABLE, NO_TIME);
        }
        break;
      }
      case GoState.Syscall: {
        if (row < 0) return;
        const last = g.get(row, LAST_SYSCALL);
        if (!Number.isNaN(last)) {
          const lastBlocked = g.get(row, LAST_SYSCALL_BLOCK);
          if (!Number.isNaN(lastBlocked)) {
            g.syscallBlockTime.add(row, now - lastBlocked);
            g.syscallTime.add(row, lastBlocked - last);
          } else {
            g.syscallTime.add(row, now - last);
          }
          g.set(row, LAST_SYSCALL, NO_TIME);
          g.set(row, LAST_SYSCALL_BLOCK, NO_TIME);
          const p = syscallingG.get(id);
          if (p !== undefined) syscallingP.delete(p);
          syscallingG.delete(id);
        }
        break;
      }
    }
    if (row < 0) return; // Go would crash: a goroutine must first appear Undetermined or NotExist.

    // Name the goroutine by the root frame of its transition stack (its immutable start point).
    if (g.name(row) === '') {
      const frame = rootFrame(ev.transitionStack);
      if (frame !== null) g.frame.set(row, frame + 1);
    }

    // Transition into the new state.
    switch (to) {
      case GoState.Running:
        g.set(row, LAST_START, now);
        if (Number.isNaN(g.startTime(row))) g.setStartTime(row, now);
        break;
      case GoState.Runnable:
        g.set(row, LAST_RUNNABLE, now);
        break;
      case GoState.Waiting:
        if (ev.reason !== 'forever') {
          g.set(row, LAST_BLOCK, now);
          g.setBlockReason(row, ev.reason);
          break;
        }
        // Blocked forever is like exiting.
        g.finalize(row, now, recordEvent(ev));
        break;
      case GoState.NotExist:
        g.finalize(row, now, recordEvent(ev));
        break;
      case GoState.Syscall:
        syscallingP.set(ev.p, id);
        syscallingG.set(id, ev.p);
        g.set(row, LAST_SYSCALL, now);
        break;
    }
  }

  function procTransition(ev: TraceEvent): void {
    if (ev.oldState === ev.newState || ev.newState !== ProcState.Idle) return;
    const goid = syscallingP.get(ev.resourceId);
    if (goid === undefined) return;
    const row = goroutines.find(goid);
    if (row >= 0) goroutines.set(row, LAST_SYSCALL_BLOCK, ev.time);
    syscallingP.delete(ev.resourceId);
  }

  /** The row a range event is attributed to, or -1 (Go's nil). */
  function rangeBeginGoroutine(ev: TraceEvent): number {
    if (ev.resourceKind === ResourceKind.Goroutine) return goroutines.find(ev.resourceId);
    if (ev.resourceKind === ResourceKind.Proc) {
      // P-scoped ranges (e.g. sweeps) are credited to the goroutine if it stays on the P throughout.
      const row = ev.g === NoGoroutine ? -1 : goroutines.find(ev.g);
      if (row >= 0) rangesP.set(`${ev.resourceId}\u0000${ev.name}`, ev.g);
      return row;
    }
    return -1;
  }

  function rangeEndGoroutine(ev: TraceEvent): number {
    if (ev.resourceKind === ResourceKind.Goroutine) return goroutines.find(ev.resourceId);
    if (ev.resourceKind === ResourceKind.Proc) {
      const key = `${ev.resourceId}\u0000${ev.name}`;
      const goid = rangesP.get(key);
      if (goid === undefined) return -1;
      rangesP.delete(key);
      return goid === ev.g ? goroutines.find(goid) : -1;
    }
    return -1;
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
        const row = rangeBeginGoroutine(ev);
        if (row < 0) break;
        let ranges = goroutines.lastRangeTime.get(row);
        if (!ranges) goroutines.lastRangeTime.set(row, (ranges = new Map()));
        if (ev.kind === EventKind.RangeActive) {
          // Active since before this generation: count from the sync point.
          const ts = ranges.get(ev.name);
          if (ts !== undefined) goroutines.addRangeTime(row, ev.name, syncTs - ts);
          ranges.set(ev.name, syncTs);
        } else {
          ranges.set(ev.name, ev.time);
        }
        break;
      }
      case EventKind.RangeEnd: {
        const row = rangeEndGoroutine(ev);
        if (row < 0) break;
        const ranges = goroutines.lastRangeTime.get(row);
        const ts = ranges?.get(ev.name);
        if (ts === undefined) break;
        goroutines.addRangeTime(row, ev.name, ev.time - ts);
        ranges!.delete(ev.name);
        if (ranges!.size === 0) goroutines.lastRangeTime.delete(row);
        break;
      }

      case EventKind.RegionBegin: {
        const row = ev.g === NoGoroutine ? -1 : goroutines.find(ev.g);
        if (row < 0) break; // Go would crash here; a region needs a known goroutine.
        const region = newRegion(ev.g, ev.taskId, ev.name, recordEvent(ev), goroutines.snapshot(row, ev.time));
        let active = goroutines.activeRegions.get(row);
        if (!active) goroutines.activeRegions.set(row, (active = []));
        active.push(region);
        const task = getOrAddTask(ev.taskId);
        task.regions.push(region);
        task.goroutines.add(ev.g);
        break;
      }
      case EventKind.RegionEnd: {
        const row = ev.g === NoGoroutine ? -1 : goroutines.find(ev.g);
        if (row < 0) break;
        let region = goroutines.activeRegions.get(row)?.pop();
        if (!region) {
          // Ended without a begin in the trace: begun before it started.
          region = newRegion(ev.g, ev.taskId, ev.name, null, new MutableStats());
          const task = getOrAddTask(ev.taskId);
          task.goroutines.add(ev.g);
          task.regions.push(region);
        }
        region.stats = goroutines.snapshot(row, ev.time).sub(region.stats);
        region.end = recordEvent(ev);
        let ended = goroutines.regions.get(row);
        if (!ended) goroutines.regions.set(row, (ended = []));
        ended.push(region);
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

    for (let row = 0; row < goroutines.count; row++) goroutines.finalize(row, lastTs, null);

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
      traceEnd: Number.isNaN(lastSyncTs) ? lastTs : lastSyncTs,
      lastEventTime: lastTs,
      goroutines: goroutines.table(),
      regions: regionList,
      tasks: taskList,
    };
  }

  return { handleEvent, finish };
}
