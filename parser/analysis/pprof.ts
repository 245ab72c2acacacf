// The four blocking profiles of go tool trace (cmd/trace/pprof.go): network wait, sync block,
// syscall and scheduler latency. One pass records every finished interval of each kind in
// typed-array columns; profiles are then computed on demand for any goroutine filter (all
// goroutines as `go tool trace -pprof=TYPE` does, one goroutine group, or a set of regions)
// without reading the trace again.

import {
  EventKind,
  GoState,
  ResourceKind,
  type GoID,
  type Nanoseconds,
  type StackID,
  type TraceEvent,
} from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import type { Analysis } from './analysis.ts';
import { GrowableColumn } from './pprof-columns.ts';

export const BLOCKING_PROFILE_KINDS = ['net', 'sync', 'syscall', 'sched'] as const;
export type BlockingProfileKind = (typeof BLOCKING_PROFILE_KINDS)[number];

/** Go's traceviewer.ProfileRecord, with the stack as an interned id. */
export interface ProfileRecord {
  stackId: StackID;
  count: number;
  totalNs: Nanoseconds;
}

/** [start, end] in ns, as Go's cmd/trace interval. */
export type TimeInterval = readonly [Nanoseconds, Nanoseconds];

/**
 * goroutine id → the intervals to clip samples to (what the summary's
 * matchingGoroutineIntervals / matchingRegionIntervals return). A plain object keyed by the
 * decimal id is accepted too, as that is what JSON gives.
 */
export type GoroutineIntervals =
  | ReadonlyMap<GoID, readonly TimeInterval[]>
  | Readonly<Record<string, readonly TimeInterval[]>>;

/**
 * Go's pprofMaxStack: records are deduplicated by their first 128 PCs and cut to 128 frames.
 */
export const PPROF_MAX_STACK = 128;

/** Which state each kind measures and which transition reasons open an interval. */
const KIND_STATE: readonly GoState[] = [GoState.Waiting, GoState.Waiting, GoState.Syscall, GoState.Runnable];
const KIND_TRACKS_REASON: readonly ((reason: string) => boolean)[] = [
  (reason) => reason === 'network',
  (reason) => reason.includes('chan') || reason.includes('sync') || reason.includes('select'),
  () => true,
  () => true,
];
const KIND_COUNT = BLOCKING_PROFILE_KINDS.length;

export function blockingProfileKindIndex(kind: BlockingProfileKind): number {
  const index = BLOCKING_PROFILE_KINDS.indexOf(kind);
  if (index < 0) throw new Error(`unknown blocking profile kind ${String(kind)}`);
  return index;
}

/** Creates the one-pass recorder; `tables` resolves stacks when profiles are grouped. */
export function createBlockingProfiles(tables: TraceTables): BlockingProfilesRecorder {
  return new BlockingProfilesRecorder(tables);
}

export class BlockingProfilesRecorder implements Analysis<BlockingProfiles> {
  // Finished intervals, in the order their closing transitions were seen (Go's order).
  private readonly intervalGoroutine = new GrowableColumn(Float64Array);
  private readonly intervalKind = new GrowableColumn(Uint8Array);
  private readonly intervalStart = new GrowableColumn(Float64Array);
  private readonly intervalEnd = new GrowableColumn(Float64Array);
  private readonly intervalStack = new GrowableColumn(Uint32Array);

  // Open intervals: goroutine → slot; a slot holds one start time (NaN = not tracking) and
  // start stack per kind. Slots are recycled through a free list.
  private readonly openSlot = new Map<GoID, number>();
  private openStart = new Float64Array(KIND_COUNT * 64).fill(NaN);
  private openStack = new Uint32Array(KIND_COUNT * 64);
  private readonly freeSlots: number[] = [];
  private slotsUsed = 0;

  // Goroutine windows as the summary computes them: first time running, and exit time.
  private readonly windowIndex = new Map<GoID, number>();
  private readonly windowGoroutine = new GrowableColumn(Float64Array);
  private readonly windowStart = new GrowableColumn(Float64Array);
  private readonly windowEnd = new GrowableColumn(Float64Array);

  // go tool trace keeps events only up to the last Sync (the last complete generation).
  private eventsSeen = 0;
  private lastEventTime: Nanoseconds = NaN;
  private lastSyncOrdinal = -1;
  private intervalsAtLastSync = 0;
  private lastSyncTime: Nanoseconds = NaN;

  constructor(private readonly tables: TraceTables) {}

  handleEvent(ev: TraceEvent): void {
    this.eventsSeen++;
    this.lastEventTime = ev.time;
    if (ev.kind === EventKind.Sync) {
      this.lastSyncOrdinal = this.eventsSeen - 1;
      this.intervalsAtLastSync = this.intervalStart.size;
      this.lastSyncTime = ev.time;
      return;
    }
    if (ev.kind !== EventKind.StateTransition || ev.resourceKind !== ResourceKind.Goroutine) return;
    const id = ev.resourceId;
    const to = ev.newState as GoState;
    this.trackIntervals(id, to, ev);
    this.trackWindow(id, ev.oldState as GoState, to, ev);
  }

  /** Go's makeComputePprofFunc, for all four kinds at once. */
  private trackIntervals(id: GoID, to: GoState, ev: TraceEvent): void {
    let slot = this.openSlot.get(id);
    for (let kind = 0; kind < KIND_COUNT; kind++) {
      const state = KIND_STATE[kind];
      const start = slot === undefined ? NaN : this.openStart[slot * KIND_COUNT + kind];
      if (Number.isNaN(start)) {
        if (to === state && KIND_TRACKS_REASON[kind](ev.reason)) {
          if (slot === undefined) slot = this.allocateSlot(id);
          this.openStart[slot * KIND_COUNT + kind] = ev.time;
          this.openStack[slot * KIND_COUNT + kind] = ev.stack;
        }
        continue;
      }
      // Still in the state (e.g. a generation's status event): the interval goes on.
      if (to === state) continue;
      const cell = slot! * KIND_COUNT + kind;
      // A zero-length interval can never overlap anything by more than 0 ns: Go drops it.
      if (ev.time > start) this.recordInterval(id, kind, start, ev.time, this.openStack[cell]);
      this.openStart[cell] = NaN;
    }
    if (slot !== undefined && this.slotIsEmpty(slot)) {
      this.openSlot.delete(id);
      this.freeSlots.push(slot);
    }
  }

  private recordInterval(id: GoID, kind: number, start: Nanoseconds, end: Nanoseconds, stack: StackID): void {
    this.intervalGoroutine.push(id);
    this.intervalKind.push(kind);
    this.intervalStart.push(start);
    this.intervalEnd.push(end);
    this.intervalStack.push(stack);
  }

  private allocateSlot(id: GoID): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotsUsed++;
      if (slot * KIND_COUNT >= this.openStart.length) {
        const start = new Float64Array(this.openStart.length * 2).fill(NaN);
        start.set(this.openStart);
        const stack = new Uint32Array(this.openStack.length * 2);
        stack.set(this.openStack);
        this.openStart = start;
        this.openStack = stack;
      }
    }
    this.openSlot.set(id, slot);
    return slot;
  }

  private slotIsEmpty(slot: number): boolean {
    for (let kind = 0; kind < KIND_COUNT; kind++) {
      if (!Number.isNaN(this.openStart[slot * KIND_COUNT + kind])) return false;
    }
    return true;
  }

  /**
   * The summary's StartTime/EndTime (internal/trace/summary.go), which -pprof uses as each
   * goroutine's window: a goroutine is (re)created when it leaves Undetermined or NotExist,
   * starts when it first runs, and ends on NotExist or on waiting "forever".
   */
  private trackWindow(id: GoID, from: GoState, to: GoState, ev: TraceEvent): void {
    if (from === to) return;
    let index = this.windowIndex.get(id);
    if (index === undefined || from === GoState.Undetermined || from === GoState.NotExist) {
      if (index === undefined) {
        index = this.windowGoroutine.size;
        this.windowGoroutine.push(id);
        this.windowStart.push(NaN);
        this.windowEnd.push(NaN);
        this.windowIndex.set(id, index);
      } else {
        this.windowStart.set(index, NaN);
        this.windowEnd.set(index, NaN);
      }
    }
    if (to === GoState.Running) {
      if (Number.isNaN(this.windowStart.get(index))) this.windowStart.set(index, ev.time);
    } else if (to === GoState.NotExist || (to === GoState.Waiting && ev.reason === 'forever')) {
      this.windowEnd.set(index, ev.time);
    }
  }

  /**
   * `validEvents` (ParseResult.validEvents) drops what followed the last complete generation of
   * a damaged trace, as go tool trace does; omit it for a good trace.
   */
  finish(validEvents?: number): BlockingProfiles {
    const truncated = validEvents !== undefined && validEvents < this.eventsSeen && validEvents === this.lastSyncOrdinal + 1;
    const count = truncated ? this.intervalsAtLastSync : this.intervalStart.size;
    const traceEnd = truncated ? this.lastSyncTime : this.lastEventTime;
    return new BlockingProfiles(this.tables, {
      goroutine: this.intervalGoroutine.compact(count),
      kind: this.intervalKind.compact(count),
      start: this.intervalStart.compact(count),
      end: this.intervalEnd.compact(count),
      stack: this.intervalStack.compact(count),
    }, {
      goroutine: this.windowGoroutine.compact(),
      start: this.windowStart.compact(),
      end: this.windowEnd.compact(),
    }, traceEnd);
  }
}

interface IntervalColumns {
  goroutine: Float64Array;
  kind: Uint8Array;
  start: Float64Array;
  end: Float64Array;
  stack: Uint32Array;
}

interface WindowColumns {
  goroutine: Float64Array;
  /** NaN: never ran (Go's StartTime 0, i.e. before everything). */
  start: Float64Array;
  /** NaN: never exited (Go then uses the trace end). */
  end: Float64Array;
}

/** Everything the four profiles need, as typed arrays; profiles are computed per query. */
export class BlockingProfiles {
  // Stack id → dedup group key (Go's first-128-PCs key), computed once per stack.
  private readonly stackKeys = new Map<StackID, string>();

  constructor(
    private readonly tables: TraceTables,
    private readonly intervals: IntervalColumns,
    private readonly windows: WindowColumns,
    /** The last (valid) event's time: Go's parsedTrace.endTime(). */
    readonly traceEnd: Nanoseconds,
  ) {}

  get intervalCount(): number {
    return this.intervals.start.length;
  }

  /**
   * Every goroutine's [first run, exit or trace end] window: what `go tool trace -pprof=TYPE`
   * (pprofMatchingGoroutines with no name) clips every interval to. A goroutine that never ran
   * starts at -Infinity (Go: time 0, before any event).
   */
  allGoroutineWindows(): Map<GoID, TimeInterval[]> {
    const out = new Map<GoID, TimeInterval[]>();
    const { goroutine, start, end } = this.windows;
    for (let i = 0; i < goroutine.length; i++) {
      const s = Number.isNaN(start[i]) ? Number.NEGATIVE_INFINITY : start[i];
      const e = Number.isNaN(end[i]) ? this.traceEnd : end[i];
      out.set(goroutine[i], [[s, e]]);
    }
    return out;
  }

  /**
   * Go's computePprof{IO,Block,Syscall,Sched}: the time goroutines spent in the kind's state,
   * per stack where the state was entered, clipped to `goroutineIntervals` (null: every
   * goroutine's own window, as -pprof=TYPE). Records come in order of first appearance.
   */
  profile(kind: BlockingProfileKind, goroutineIntervals: GoroutineIntervals | null): ProfileRecord[] {
    const kindIndex = blockingProfileKindIndex(kind);
    const filter = toIntervalMap(goroutineIntervals ?? this.allGoroutineWindows());
    const records: ProfileRecord[] = [];
    const recordByKey = new Map<string, ProfileRecord>();
    const { goroutine, kind: kinds, start, end, stack } = this.intervals;
    for (let i = 0; i < kinds.length; i++) {
      if (kinds[i] !== kindIndex) continue;
      const overlapping = overlappingDuration(filter.get(goroutine[i]), start[i], end[i]);
      if (!(overlapping > 0)) continue;
      const key = this.stackKey(stack[i]);
      let record = recordByKey.get(key);
      if (record === undefined) {
        record = { stackId: stack[i], count: 0, totalNs: 0 };
        recordByKey.set(key, record);
        records.push(record);
      }
      // Go keeps the newest stack of a group; it has the same first 128 frames.
      record.stackId = stack[i];
      record.count++;
      record.totalNs += overlapping;
    }
    return records;
  }

  /** Go's stackMap key: the first 128 PCs, zero-padded (so trailing zero PCs do not count). */
  private stackKey(id: StackID): string {
    let key = this.stackKeys.get(id);
    if (key === undefined) {
      const frameIds = this.tables.stackFrameIds(id);
      const pcs: number[] = [];
      for (let i = 0; i < frameIds.length && i < PPROF_MAX_STACK; i++) pcs.push(this.tables.framePC[frameIds[i]]);
      while (pcs.length > 0 && pcs[pcs.length - 1] === 0) pcs.pop();
      key = pcs.join(',');
      this.stackKeys.set(id, key);
    }
    return key;
  }
}

function toIntervalMap(intervals: GoroutineIntervals): ReadonlyMap<GoID, readonly TimeInterval[]> {
  if (intervals instanceof Map) return intervals;
  const out = new Map<GoID, readonly TimeInterval[]>();
  for (const [id, list] of Object.entries(intervals as Readonly<Record<string, readonly TimeInterval[]>>)) {
    out.set(Number(id), list);
  }
  return out;
}

/** Go's pprofOverlappingDuration with interval.overlap: the sum of the clipped durations. */
function overlappingDuration(intervals: readonly TimeInterval[] | undefined, start: Nanoseconds, end: Nanoseconds): Nanoseconds {
  if (intervals === undefined) return 0;
  let total = 0;
  for (const [s, e] of intervals) {
    if (e < start || end < s) continue;
    const o = Math.min(e, end) - Math.max(s, start);
    if (o > 0) total += o;
  }
  return total;
}
