// Per-goroutine, per-task and per-region statistics in one pass over the ordered event stream:
// Go's internal/trace Summarizer (summary.go), which go tool trace's /goroutines, /usertasks
// and /userregions pages and its region/goroutine profile filters are built on.
//
// Go marks "unset" times with 0 because its timestamps are absolute and never 0; ours may be 0
// (relative to the trace start), so unset times here are NO_TIME and presence is explicit.

import { grownCapacity, resized } from '../model/typed-arrays.ts';
import {
  EventKind, GoState, NoGoroutine, NoProc, NoStack, NoTask, ProcState, ResourceKind,
  type GoID, type Nanoseconds, type ProcID, type StackID, type TaskID, type TraceEvent,
} from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import type { Analysis } from './analysis.ts';
import { MutableStats, addTo } from './summary-stats.ts';
import { RegionStore } from './summary-regions.ts';
import { LogStore } from './summary-logs.ts';
import { TaskStore } from './summary-tasks.ts';
import { DurationRows, KeyNames, KeyedSums } from './summary-columns.ts';
import { DURATION_COLUMNS, DurationColumnIndex as D, GoroutineTable } from './summary-table.ts';
import { GoroutineIndex } from './goroutine-index.ts';
import type { EventRecord, FrameInfo, Summary } from './summary-types.ts';

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
  /** Its index in the RegionStore, where everything else about it is. */
  index: number;
  taskId: TaskID;
  /** The goroutine's stats when it began. */
  stats: MutableStats;
}

/**
 * The goroutines being summarised, one row each (Go's map of *GoroutineSummary, by column).
 * Go replaces a goroutine's summary when it is re-created; here its row is reset.
 *
 * Rows are those of the goroutine index (shared with the blocking profiles when served), which
 * numbers every goroutine that makes a transition; a row is ours once Go would have created
 * its summary (slotOf ≠ 0).
 *
 * A goroutine that is alive (created, not yet finalized) also holds a "live slot": its
 * in-progress times (Go's lastStartTime, …) and its running totals as float64s side by side,
 * so that each event touches one small record instead of a dozen columns. finalize() settles
 * the totals into the compact columns and frees the slot: millions of exited goroutines cost
 * only their settled row. A row touched again after that (rare) reloads a slot from its columns.
 */
class GoroutineRows {
  /** Rows created (Go's newGoroutine), of the index's rows. */
  private createdRows = 0;
  /**
   * Rows above this have never been created, so their slotOf, frame and duration values are
   * still the zeros of fresh memory: they are written without being read first (a read of an
   * untouched page maps the zero page, and the write after it faults a second time).
   */
  private highestCreated = -1;
  // Settled columns, by row (the live slot, when there is one, holds newer values of
  // frame, startOffset and the four running totals).
  /** Root frame + 1 of the stack that named the goroutine (0: unnamed). */
  private frame = new Uint32Array(0);
  private creationTime = new Float64Array(0);
  /** 0: the row is not created; 1: created, no live slot; else live slot + 2. */
  private slotOf = new Uint32Array(0);
  /** Start/end offsets and totals (DurationColumnIndex), interleaved by row. */
  private readonly durations = new DurationRows(DURATION_COLUMNS);
  /**
   * The time argument of create(), finalize() and addBlockTime(), which the caller sets just
   * before the call: a double passed to a call V8 does not inline is boxed, and these run for
   * most goroutine transitions (a heap number each: ~0.5 GB of garbage on a 180 MB trace).
   */
  readonly timeArg = new Float64Array(1);
  /** A settled row being written (by DurationColumnIndex), so the row is stored in one call. */
  private readonly settledRow = new Float64Array(DURATION_COLUMNS);
  readonly keys = new KeyNames();
  readonly blockTimeByReason = new KeyedSums();
  readonly rangeTime = new KeyedSums();
  /** Rows with an active range (rare): range name → when it began. */
  readonly lastRangeTime = new Map<number, Map<string, Nanoseconds>>();
  /** Rows inside regions: the stack of active regions, innermost last. */
  readonly activeRegions = new Map<number, RegionState[]>();
  /** Regions that ended on the row (Go's Regions), as RegionStore indices. */
  readonly regions = new Map<number, number[]>();

  // Live slots: LIVE_FIELDS float64s each (times NaN when unset), the pending block reason's
  // key, the naming frame (as in `frame`) and whether it names the goroutine (non-empty func),
  // all in one record: an event then touches the two cache lines of its slot, not four arrays.
  private live = new Float64Array(0);
  private slotCapacity = 0;
  private slotCount = 0;
  private readonly freeSlots: number[] = [];

  constructor(private readonly tables: TraceTables, private readonly index: GoroutineIndex, private readonly regionStore: RegionStore) {}

  /** Rows to look at (some may not be created: see isCreated). */
  get count(): number {
    return this.index.count;
  }

  isCreated(row: number): boolean {
    return row < this.slotOf.length && this.slotOf[row] !== 0;
  }

  /** The row of goroutine `id` if it is created, or -1. */
  find(id: GoID): number {
    const row = this.index.find(id);
    return row >= 0 && this.isCreated(row) ? row : -1;
  }

  /**
   * Go's newGoroutine: a fresh summary for the index's `row` (replacing any earlier one), created
   * at timeArg[0]. It has a live slot.
   */
  create(row: number): void {
    const creationTime = this.timeArg[0];
    if (row >= this.slotOf.length) this.growRows(row + 1);
    // Rows are mostly created in the index's order, each once: then the row is fresh.
    const fresh = row > this.highestCreated;
    if (fresh || this.slotOf[row] === 0) {
      this.createdRows++;
      this.durations.ensureRows(row + 1);
      if (fresh) this.highestCreated = row;
    } else {
      this.dropSlot(row);
      this.blockTimeByReason.clear(row);
      this.rangeTime.clear(row);
      this.lastRangeTime.delete(row);
      this.activeRegions.delete(row);
      this.regions.delete(row);
    }
    this.creationTime[row] = creationTime;
    // Everything but the creation time starts in the slot (settled into the row when it is freed).
    const s = this.newSlot();
    const base = s * LIVE_FIELDS;
    const live = this.live;
    live[base + LAST_START] = NO_TIME;
    live[base + LAST_RUNNABLE] = NO_TIME;
    live[base + LAST_BLOCK] = NO_TIME;
    live[base + LAST_SYSCALL] = NO_TIME;
    live[base + LAST_SYSCALL_BLOCK] = NO_TIME;
    live[base + EXEC] = 0;
    live[base + SCHED_WAIT] = 0;
    live[base + SYSCALL] = 0;
    live[base + SYSCALL_BLOCK] = 0;
    live[base + START] = NO_TIME;
    live[base + END] = NO_TIME;
    live[base + TOTAL] = 0;
    live[base + REASON] = 0;
    live[base + FRAME] = 0;
    // A re-created row's block-time entries were cleared above, but its heads may be read.
    live[base + FLAGS] = fresh ? FRESH_ROW : HAS_BLOCK_TIMES;
    live[base + SYSCALL_P] = NoProc;
    this.slotOf[row] = s + 2;
  }

  private growRows(rows: number): void {
    // Steep growth for big tables (see grownCapacity): each copy faults in fresh pages.
    let capacity = Math.max(1024, grownCapacity(this.slotOf.length, Float64Array.BYTES_PER_ELEMENT));
    while (capacity < rows) capacity *= 2;
    this.frame = resized(this.frame, capacity);
    this.creationTime = resized(this.creationTime, capacity);
    this.slotOf = resized(this.slotOf, capacity);
  }

  // ── live slots ──

  /** The live slot of a created row, loaded from its settled columns if it has none. */
  slot(row: number): number {
    const s = this.slotOf[row];
    return s > 1 ? s - 2 : this.loadSlot(row);
  }

  /** The live slot of the row (as slot()), or -1 if the row is not created. */
  slotIfCreated(row: number): number {
    const s = row < this.slotOf.length ? this.slotOf[row] : 0;
    if (s > 1) return s - 2;
    return s === 1 ? this.loadSlot(row) : -1;
  }

  private loadSlot(row: number): number {
    const s = this.newSlot();
    const base = s * LIVE_FIELDS;
    const d = this.durations;
    this.live.fill(NO_TIME, base, base + LIVE_FIELDS);
    this.live[base + EXEC] = d.get(row, D.execTime);
    this.live[base + SCHED_WAIT] = d.get(row, D.schedWaitTime);
    this.live[base + SYSCALL] = d.get(row, D.syscallTime);
    this.live[base + SYSCALL_BLOCK] = d.get(row, D.syscallBlockTime);
    this.live[base + START] = this.creationTime[row] + d.get(row, D.startOffset);
    this.live[base + END] = this.creationTime[row] + d.get(row, D.endOffset);
    this.live[base + TOTAL] = d.get(row, D.totalTime);
    const frame = this.frame[row];
    this.live[base + REASON] = 0;
    this.live[base + FRAME] = frame;
    const named = frame !== 0 && this.tables.frameFunc[frame - 1] !== '';
    this.live[base + FLAGS] = (named ? NAMED : 0) | HAS_BLOCK_TIMES;
    this.live[base + SYSCALL_P] = NoProc;
    this.slotOf[row] = s + 2;
    return s;
  }

  private newSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const s = this.slotCount++;
    if (s >= this.slotCapacity) {
      this.slotCapacity = Math.max(256, this.slotCapacity * 2);
      this.live = resized(this.live, this.slotCapacity * LIVE_FIELDS);
    }
    return s;
  }

  /** Writes the slot's values to the row's columns and frees the slot. */
  private settleSlot(row: number, s: number): void {
    const base = s * LIVE_FIELDS;
    const live = this.live;
    const creation = this.creationTime[row];
    const settled = this.settledRow;
    settled[D.startOffset] = live[base + START] - creation;
    settled[D.endOffset] = live[base + END] - creation;
    settled[D.totalTime] = live[base + TOTAL];
    settled[D.execTime] = live[base + EXEC];
    settled[D.schedWaitTime] = live[base + SCHED_WAIT];
    settled[D.syscallTime] = live[base + SYSCALL];
    settled[D.syscallBlockTime] = live[base + SYSCALL_BLOCK];
    // A row settled for the first time holds nothing to replace: it is written, not read.
    if ((live[base + FLAGS] & FRESH_ROW) !== 0) this.durations.setNewRow(row, settled);
    else this.durations.setRow(row, settled);
    this.frame[row] = live[base + FRAME];
    this.dropSlot(row);
  }

  /** Frees the row's slot without settling it. */
  private dropSlot(row: number): void {
    const s = this.slotOf[row];
    if (s < 2) return;
    this.freeSlots.push(s - 2);
    this.slotOf[row] = 1;
  }

  /**
   * The live slots' records: slot s's fields from s·LIVE_FIELDS. The per-event code reads and
   * writes times here rather than through setTime()/addTime(), which box them when not inlined.
   * Replaced as slots are added: read it again after create(), slot() or slotIfCreated().
   */
  get liveRecords(): Float64Array {
    return this.live;
  }

  setTime(s: number, field: LiveField, time: Nanoseconds): void {
    this.live[s * LIVE_FIELDS + field] = time;
  }

  addTime(s: number, field: LiveField, dt: Nanoseconds): void {
    this.live[s * LIVE_FIELDS + field] += dt;
  }

  blockReason(s: number): string {
    return this.keys.names[this.blockReasonKey(s)];
  }

  /** The pending block reason as its key (KeyNames id). */
  blockReasonKey(s: number): number {
    return this.live[s * LIVE_FIELDS + REASON];
  }

  setBlockReason(s: number, reason: string): void {
    this.live[s * LIVE_FIELDS + REASON] = this.keys.id(reason);
  }

  /** Whether the goroutine has its name (Go's g.Name != ""). */
  named(s: number): boolean {
    return (this.live[s * LIVE_FIELDS + FLAGS] & NAMED) !== 0;
  }

  /** Names the goroutine by a root frame (Go sets PC and Name from it, Name possibly ""). */
  setFrame(s: number, frame: number): void {
    const base = s * LIVE_FIELDS;
    this.live[base + FRAME] = frame + 1;
    const flags = this.live[base + FLAGS] & ~NAMED;
    this.live[base + FLAGS] = this.tables.frameFunc[frame] !== '' ? flags | NAMED : flags;
  }

  // ── by row ──

  name(row: number): string {
    const s = this.slotOf[row];
    const frame = s > 1 ? this.live[(s - 2) * LIVE_FIELDS + FRAME] : this.frame[row];
    return frame === 0 ? '' : this.tables.frameFunc[frame - 1];
  }

  creation(row: number): Nanoseconds {
    return this.creationTime[row];
  }

  /**
   * Adds block time timeArg[0] for the reason whose key (KeyNames id) is `reason` to the row of
   * live slot `s`.
   */
  addBlockTime(row: number, s: number, reason: number): void {
    const dt = this.timeArg[0];
    const base = s * LIVE_FIELDS;
    const flags = this.live[base + FLAGS];
    if ((flags & HAS_BLOCK_TIMES) !== 0) {
      this.blockTimeByReason.add(row, reason, dt);
    } else {
      // A fresh row's first: nothing to look up (its list head is untouched memory).
      this.blockTimeByReason.addFirst(row, reason, dt);
      this.live[base + FLAGS] = flags | HAS_BLOCK_TIMES;
    }
  }

  /** The P the goroutine of live slot `s` entered its syscall on (set with LAST_SYSCALL). */
  syscallP(s: number): ProcID {
    return this.live[s * LIVE_FIELDS + SYSCALL_P];
  }

  setSyscallP(s: number, p: ProcID): void {
    this.live[s * LIVE_FIELDS + SYSCALL_P] = p;
  }

  addRangeTime(row: number, name: string, dt: Nanoseconds): void {
    this.rangeTime.add(row, this.keys.id(name), dt);
  }

  /** A running total of the row, from its slot if it is live. */
  private total(row: number, field: LiveField, column: number): Nanoseconds {
    const s = this.slotOf[row];
    return s > 1 ? this.live[(s - 2) * LIVE_FIELDS + field] : this.durations.get(row, column);
  }

  /** A pending time of the row (NaN when unset or not live). */
  private pending(row: number, field: LiveField): Nanoseconds {
    const s = this.slotOf[row];
    return s > 1 ? this.live[(s - 2) * LIVE_FIELDS + field] : NO_TIME;
  }

  /** Go's snapshotStat as a MutableStats: the stats as if every pending state ended at lastTs. */
  snapshot(row: number, lastTs: Nanoseconds): MutableStats {
    const ret = new MutableStats();
    ret.execTime = this.total(row, EXEC, D.execTime);
    ret.schedWaitTime = this.total(row, SCHED_WAIT, D.schedWaitTime);
    ret.syscallTime = this.total(row, SYSCALL, D.syscallTime);
    ret.syscallBlockTime = this.total(row, SYSCALL_BLOCK, D.syscallBlockTime);
    ret.totalTime = this.total(row, TOTAL, D.totalTime);
    const names = this.keys.names;
    this.blockTimeByReason.forEach(row, (key, value) => ret.blockTimeByReason.set(names[key], value));
    this.rangeTime.forEach(row, (key, value) => ret.rangeTime.set(names[key], value));
    if (ret.totalTime === 0) ret.totalTime = lastTs - this.creationTime[row];
    const lastStart = this.pending(row, LAST_START);
    if (!Number.isNaN(lastStart)) ret.execTime += lastTs - lastStart;
    const lastRunnable = this.pending(row, LAST_RUNNABLE);
    if (!Number.isNaN(lastRunnable)) ret.schedWaitTime += lastTs - lastRunnable;
    const lastBlock = this.pending(row, LAST_BLOCK);
    if (!Number.isNaN(lastBlock)) addTo(ret.blockTimeByReason, this.blockReason(this.slotOf[row] - 2), lastTs - lastBlock);
    const lastSyscall = this.pending(row, LAST_SYSCALL);
    if (!Number.isNaN(lastSyscall)) ret.syscallTime += lastTs - lastSyscall;
    // As in Go: pending syscall-blocked time counts as scheduler wait here.
    const lastSyscallBlock = this.pending(row, LAST_SYSCALL_BLOCK);
    if (!Number.isNaN(lastSyscallBlock)) ret.schedWaitTime += lastTs - lastSyscallBlock;
    const ranges = this.lastRangeTime.get(row);
    if (ranges) for (const [name, ts] of ranges) addTo(ret.rangeTime, name, lastTs - ts);
    return ret;
  }

  /**
   * Go's finalize: at the goroutine's end event (trigger) or at trace end (trigger null).
   * The same arithmetic as snapshot(), applied to the row in place; the live slot is settled.
   * Active regions end here too, except on system goroutines (they only inherit tasks). The end
   * time (Go's lastTs) is timeArg[0].
   */
  finalize(row: number, trigger: TraceEvent | null): void {
    const lastTs = this.timeArg[0];
    const active = this.activeRegions.size > 0 ? this.activeRegions.get(row) : undefined;
    const finalStats = active && active.length > 0 && !isSystemGoroutine(this.name(row)) ? this.snapshot(row, lastTs) : null;
    const slot = this.slotOf[row];
    if (slot < 2) {
      // Settled earlier (its slot was freed), so never fresh here.
      const d = this.durations;
      if (trigger) d.set(row, D.endOffset, trigger.time - this.creationTime[row]);
      if (d.get(row, D.totalTime) === 0) d.set(row, D.totalTime, lastTs - this.creationTime[row]);
    } else {
      const s = slot - 2;
      const base = s * LIVE_FIELDS;
      const live = this.live;
      if (trigger) live[base + END] = trigger.time;
      if (live[base + TOTAL] === 0) live[base + TOTAL] = lastTs - this.creationTime[row];
      const lastStart = live[base + LAST_START];
      if (!Number.isNaN(lastStart)) live[base + EXEC] += lastTs - lastStart;
      const lastRunnable = live[base + LAST_RUNNABLE];
      if (!Number.isNaN(lastRunnable)) live[base + SCHED_WAIT] += lastTs - lastRunnable;
      const lastBlock = live[base + LAST_BLOCK];
      if (!Number.isNaN(lastBlock)) {
        this.timeArg[0] = lastTs - lastBlock;
        this.addBlockTime(row, s, this.blockReasonKey(s));
      }
      const lastSyscall = live[base + LAST_SYSCALL];
      if (!Number.isNaN(lastSyscall)) live[base + SYSCALL] += lastTs - lastSyscall;
      const lastSyscallBlock = live[base + LAST_SYSCALL_BLOCK];
      if (!Number.isNaN(lastSyscallBlock)) live[base + SCHED_WAIT] += lastTs - lastSyscallBlock;
      this.settleSlot(row, s);
    }
    if (this.lastRangeTime.size > 0) {
      const ranges = this.lastRangeTime.get(row);
      if (ranges) {
        for (const [name, ts] of ranges) this.addRangeTime(row, name, lastTs - ts);
        this.lastRangeTime.delete(row);
      }
    }
    if (finalStats) {
      const end = trigger ? recordEvent(trigger) : null;
      let ended = this.regions.get(row);
      if (!ended) this.regions.set(row, (ended = []));
      for (const region of active!) {
        this.regionStore.settle(region.index, end, finalStats.sub(region.stats).toPlain());
        ended.push(region.index);
      }
    }
    if (active) this.activeRegions.delete(row);
  }

  /** The finished table (call after finalizing every row): rows by goroutine id, through an order index. */
  table(): GoroutineTable {
    const n = this.index.count;
    if (n > this.frame.length) this.growRows(n);
    this.durations.ensureRows(n);
    let { ids, rows: order } = this.index.sortedEntries();
    if (this.createdRows !== n) {
      // Goroutines whose first transition Go would have rejected (damaged traces): no summary.
      const keep = (_: number, i: number) => this.slotOf[order[i]] !== 0;
      ids = ids.filter(keep);
      order = order.filter(keep);
    }
    const regions = new Map<number, number[]>();
    const store = this.regionStore;
    for (const [row, list] of this.regions) {
      // By start time, regions begun before the trace first (Go sorts the same way).
      const ordered = list.slice().sort((a, b) => {
        if (!store.hasStart(a)) return store.hasStart(b) ? -1 : 0;
        if (!store.hasStart(b)) return 1;
        return store.startTime(a)! - store.startTime(b)!;
      });
      regions.set(row, ordered);
    }
    const frame = this.frame.slice(0, n);
    this.frame = new Uint32Array(0);
    const creationTime = this.creationTime.slice(0, n);
    this.creationTime = new Float64Array(0);
    this.slotOf = new Uint32Array(0);
    // The pass is over: the live slots are no longer needed.
    this.live = new Float64Array(0);
    this.slotCapacity = 0;
    return new GoroutineTable({
      ids,
      order,
      frame,
      creationTime,
      durations: this.durations.trim(),
      blockTimeByReason: this.blockTimeByReason.trim(),
      rangeTime: this.rangeTime.trim(),
      keyNames: this.keys.names,
      regions,
    }, this.tables);
  }
}

const NO_TIME = Number.NaN;
// Live slot fields: the pending times (NaN: unset), then the running totals and the start time.
type LiveField = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11;
const LAST_START = 0;
const LAST_RUNNABLE = 1;
const LAST_BLOCK = 2;
const LAST_SYSCALL = 3;
const LAST_SYSCALL_BLOCK = 4;
const EXEC = 5;
const SCHED_WAIT = 6;
const SYSCALL = 7;
const SYSCALL_BLOCK = 8;
/** Go's StartTime (absolute; NaN: not yet run). */
const START = 9;
/** Go's EndTime (absolute; NaN: has not ended). */
const END = 10;
/** Go's TotalTime (0 until the goroutine is finalized). */
const TOTAL = 11;
/** The pending block reason's key (KeyNames id). */
const REASON = 12;
/** The naming root frame + 1 (0: none), as in the `frame` column. */
const FRAME = 13;
/** Bits: NAMED, FRESH_ROW, HAS_BLOCK_TIMES. */
const FLAGS = 14;
/** The P of the syscall the goroutine is in (Go's syscallingG), valid while LAST_SYSCALL is set. */
const SYSCALL_P = 15;
/** FRAME names the goroutine (a non-empty function name). */
const NAMED = 1;
/** The row's settled columns have never been written (see highestCreated). */
const FRESH_ROW = 2;
/** The row may have block-time entries (a fresh row has none until its first). */
const HAS_BLOCK_TIMES = 4;
/** A slot spans exactly two cache lines. */
const LIVE_FIELDS = 16;

// The summarizer's clock fields.
const FIRST_TS = 0;
const LAST_TS = 1;
const SYNC_TS = 2;
const LAST_SYNC_TS = 3;


/** Go's IsSystemGoroutine, by entry function name (runtime.isSystemGoroutine's approximation). */
export function isSystemGoroutine(entryFn: string): boolean {
  return entryFn === '' || (entryFn !== 'runtime.main' && entryFn.startsWith('runtime.'));
}

/** Copies the fields of `ev` the pages need (the event instance is reused by the reader). */
function recordEvent(ev: TraceEvent): EventRecord {
  // One literal per kind, every field in it: records added to later keep their extra fields
  // out of the object (a second allocation each), and tasks keep two records apiece.
  const { kind, time, g: goroutine, stack } = ev;
  switch (kind) {
    case EventKind.StateTransition:
      if (ev.resourceKind === ResourceKind.Goroutine) {
        return { kind, time, goroutine, stack, transition: { goroutine: ev.resourceId, from: ev.oldState, to: ev.newState } };
      }
      return { kind, time, goroutine, stack };
    case EventKind.RegionBegin:
    case EventKind.RegionEnd:
      return { kind, time, goroutine, stack, name: ev.name, taskId: ev.taskId };
    case EventKind.TaskBegin:
    case EventKind.TaskEnd:
      return { kind, time, goroutine, stack, name: ev.name, taskId: ev.taskId, parentTaskId: ev.parentTaskId };
    default:
      return { kind, time, goroutine, stack };
  }
}

/** Go's NewSummarizer. `tables` resolves goroutine entry functions and region locations. */
export function createSummarizer(tables: TraceTables, sharedIndex?: GoroutineIndex): Analysis<Summary> {
  // With a shared index, the caller steps it before this sees each event (GoroutineIndex.step).
  const index = sharedIndex ?? new GoroutineIndex();
  const ownsIndex = sharedIndex === undefined;
  const regions = new RegionStore();
  const logs = new LogStore();
  const goroutines = new GoroutineRows(tables, index, regions);
  const tasks = new TaskStore();
  // A P and the goroutine in a syscall on it: a P going idle under it means the syscall blocked.
  const syscallingP = new Map<ProcID, GoID>();
  // (Go's syscallingG, the other way round, is in each goroutine's live slot: see SYSCALL_P.)
  // Best-effort owner of a P-scoped range (key: proc id + name): the goroutine it began on.
  const rangesP = new Map<string, GoID>();

  let seenEvent = false;
  // The trace clock, in a typed array: a closure variable holding a double would box a new
  // number on every event. Sync time: of the last Sync (or the first event); goroutines first
  // seen Undetermined existed since then.
  const clock = Float64Array.of(0, 0, 0, NO_TIME);

  function newRegion(goroutine: GoID, taskId: TaskID, name: string, start: EventRecord | null, stats: MutableStats): RegionState {
    return { index: regions.add(goroutine, taskId, name, start), taskId, stats };
  }

  /** The root (outermost) frame of a stack, as Go's loop over Frames() leaves it; null if empty. */
  function rootFrame(stack: StackID): number | null {
    if (stack === NoStack) return null;
    const ids = tables.stackFrameIds(stack);
    return ids.length === 0 ? null : ids[ids.length - 1];
  }

  function goroutineTransition(ev: TraceEvent): void {
    const from = ev.oldState as GoState;
    const to = ev.newState as GoState;
    if (from === to) return; // Tells us nothing new.
    const id = ev.resourceId;
    const now = ev.time;
    const g = goroutines;

    // Transition out of the old state.
    let row: number;
    let s: number;
    if (from === GoState.Undetermined) {
      // First seen at a generation start: it has existed since the last sync, in state `to`.
      row = index.row;
      g.timeArg[0] = clock[SYNC_TS];
      g.create(row);
      s = g.slot(row);
      const stateTime = now - clock[SYNC_TS];
      switch (to) {
        case GoState.Running: g.addTime(s, EXEC, stateTime); break;
        case GoState.Waiting:
          g.timeArg[0] = stateTime;
          g.addBlockTime(row, s, g.keys.id(ev.reason));
          break;
        case GoState.Runnable: g.addTime(s, SCHED_WAIT, stateTime); break;
        case GoState.Syscall:
          // With a P it has had that P since the start (syscall time); without, it was blocked.
          g.addTime(s, ev.p === NoProc ? SYSCALL_BLOCK : SYSCALL, stateTime);
          break;
      }
    } else if (from === GoState.NotExist) {
      row = index.row;
      g.timeArg[0] = now;
      g.create(row);
      s = g.slot(row);
      // A new goroutine inherits its creator's innermost active region's task, as a nameless region.
      if (g.activeRegions.size > 0) {
        const creator = ev.g === NoGoroutine ? -1 : g.find(ev.g);
        const creatorRegions = creator < 0 ? undefined : g.activeRegions.get(creator);
        if (creatorRegions && creatorRegions.length > 0) {
          const inherited = creatorRegions[creatorRegions.length - 1];
          g.activeRegions.set(row, [newRegion(id, inherited.taskId, '', recordEvent(ev), new MutableStats())]);
        }
      }
    } else {
      row = index.row;
      s = g.slotIfCreated(row);
      if (s < 0) return; // Go would crash: a goroutine must first appear Undetermined or NotExist.
      const live = g.liveRecords;
      const base = s * LIVE_FIELDS;
      switch (from) {
        case GoState.Running: {
          const last = live[base + LAST_START];
          if (!Number.isNaN(last)) live[base + EXEC] += now - last;
          live[base + LAST_START] = NO_TIME;
          break;
        }
        case GoState.Waiting: {
          const last = live[base + LAST_BLOCK];
          if (!Number.isNaN(last)) {
            g.timeArg[0] = now - last;
            g.addBlockTime(row, s, g.blockReasonKey(s));
            live[base + LAST_BLOCK] = NO_TIME;
          }
          break;
        }
        case GoState.Runnable: {
          const last = live[base + LAST_RUNNABLE];
          if (!Number.isNaN(last)) {
            live[base + SCHED_WAIT] += now - last;
            live[base + LAST_RUNNABLE] = NO_TIME;
          }
          break;
        }
        case GoState.Syscall: {
          const last = live[base + LAST_SYSCALL];
          if (!Number.isNaN(last)) {
            const lastBlocked = live[base + LAST_SYSCALL_BLOCK];
            if (!Number.isNaN(lastBlocked)) {
              live[base + SYSCALL_BLOCK] += now - lastBlocked;
              live[base + SYSCALL] += lastBlocked - last;
            } else {
              live[base + SYSCALL] += now - last;
            }
            live[base + LAST_SYSCALL] = NO_TIME;
            live[base + LAST_SYSCALL_BLOCK] = NO_TIME;
            syscallingP.delete(g.syscallP(s));
          }
          break;
        }
      }
    }

    // Name the goroutine by the root frame of its transition stack (its immutable start point).
    if (!g.named(s)) {
      const frame = rootFrame(ev.transitionStack);
      if (frame !== null) g.setFrame(s, frame);
    }

    // Transition into the new state.
    const live = g.liveRecords;
    const base = s * LIVE_FIELDS;
    switch (to) {
      case GoState.Running:
        live[base + LAST_START] = now;
        if (Number.isNaN(live[base + START])) live[base + START] = now;
        break;
      case GoState.Runnable:
        live[base + LAST_RUNNABLE] = now;
        break;
      case GoState.Waiting:
        if (ev.reason !== 'forever') {
          live[base + LAST_BLOCK] = now;
          g.setBlockReason(s, ev.reason);
          break;
        }
        // Blocked forever is like exiting.
        g.timeArg[0] = now;
        g.finalize(row, ev);
        break;
      case GoState.NotExist:
        g.timeArg[0] = now;
        g.finalize(row, ev);
        break;
      case GoState.Syscall:
        syscallingP.set(ev.p, id);
        g.setSyscallP(s, ev.p);
        live[base + LAST_SYSCALL] = now;
        break;
    }
  }

  function procTransition(ev: TraceEvent): void {
    if (ev.oldState === ev.newState || ev.newState !== ProcState.Idle) return;
    const goid = syscallingP.get(ev.resourceId);
    if (goid === undefined) return;
    const row = goroutines.find(goid);
    if (row >= 0) goroutines.setTime(goroutines.slot(row), LAST_SYSCALL_BLOCK, ev.time);
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
    if (ownsIndex) index.step(ev);
    if (!seenEvent) {
      seenEvent = true;
      clock[FIRST_TS] = ev.time;
      clock[SYNC_TS] = ev.time;
    }
    clock[LAST_TS] = ev.time;

    switch (ev.kind) {
      case EventKind.Sync:
        clock[SYNC_TS] = ev.time;
        clock[LAST_SYNC_TS] = ev.time;
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
          if (ts !== undefined) goroutines.addRangeTime(row, ev.name, clock[SYNC_TS] - ts);
          ranges.set(ev.name, clock[SYNC_TS]);
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
        const task = tasks.row(ev.taskId);
        tasks.addRegion(task, region.index);
        tasks.addGoroutine(task, ev.g);
        break;
      }
      case EventKind.RegionEnd: {
        const row = ev.g === NoGoroutine ? -1 : goroutines.find(ev.g);
        if (row < 0) break;
        let region = goroutines.activeRegions.get(row)?.pop();
        if (!region) {
          // Ended without a begin in the trace: begun before it started.
          region = newRegion(ev.g, ev.taskId, ev.name, null, new MutableStats());
          const task = tasks.row(ev.taskId);
          tasks.addGoroutine(task, ev.g);
          tasks.addRegion(task, region.index);
        }
        regions.settle(region.index, recordEvent(ev), goroutines.snapshot(row, ev.time).sub(region.stats).toPlain());
        let ended = goroutines.regions.get(row);
        if (!ended) goroutines.regions.set(row, (ended = []));
        ended.push(region.index);
        break;
      }

      case EventKind.TaskBegin:
      case EventKind.TaskEnd: {
        const task = tasks.row(ev.taskId);
        tasks.addGoroutine(task, ev.g);
        tasks.bound(task, ev);
        // Link to the parent once, or the task would appear twice among its children.
        if (ev.parentTaskId !== NoTask && !tasks.hasParent(task)) tasks.link(task, tasks.row(ev.parentTaskId));
        break;
      }
      case EventKind.Log: {
        const task = tasks.row(ev.taskId);
        tasks.addGoroutine(task, ev.g);
        tasks.addLog(task, logs.add(ev));
        break;
      }
    }
  }

  function finish(): Summary {
    const frameCache = new Map<StackID, FrameInfo>();
    const zeroFrame: FrameInfo = { pc: 0, func: '', file: '', line: 0 };
    function regionFrame(stack: StackID): FrameInfo {
      if (stack === NoStack) return zeroFrame;
      let frame = frameCache.get(stack);
      if (!frame) {
        const f = rootFrame(stack);
        frame = f === null ? zeroFrame
          : { pc: tables.framePC[f], func: tables.frameFunc[f], file: tables.frameFile[f], line: tables.frameLine[f] };
        frameCache.set(stack, frame);
      }
      return frame;
    }

    for (let row = 0; row < goroutines.count; row++) {
      if (!goroutines.isCreated(row)) continue;
      goroutines.timeArg[0] = clock[LAST_TS];
      goroutines.finalize(row, null);
    }

    // Regions still active here (on system goroutines, which finalize leaves be) keep the
    // stats of their begin, as in Go.
    for (const list of goroutines.activeRegions.values()) for (const r of list) regions.settle(r.index, null, r.stats.toPlain());
    regions.locate(regionFrame);

    tasks.seal();

    return {
      traceStart: clock[FIRST_TS],
      traceEnd: Number.isNaN(clock[LAST_SYNC_TS]) ? clock[LAST_TS] : clock[LAST_SYNC_TS],
      lastEventTime: clock[LAST_TS],
      goroutines: goroutines.table(),
      regions,
      tasks,
      logs,
    };
  }

  return { handleEvent, finish };
}
