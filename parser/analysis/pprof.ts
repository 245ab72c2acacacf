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
import { ChunkedColumn, DenseIdIndex } from './pprof-columns.ts';

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

/** Finished intervals of one kind, in the order their closing transitions came (Go's order). */
class IntervalLog {
  readonly start = new ChunkedColumn(Float64Array);
  readonly end = new ChunkedColumn(Float64Array);
  readonly stack = new ChunkedColumn(Uint32Array);
  /** Index of the goroutine in the goroutine table. */
  readonly goroutine = new ChunkedColumn(Uint32Array);

  get size(): number {
    return this.start.size;
  }

  push(goroutine: number, start: Nanoseconds, end: Nanoseconds, stack: StackID): void {
    this.goroutine.push(goroutine);
    this.start.push(start);
    this.end.push(end);
    this.stack.push(stack);
  }
}

/** No interval open (rowOpenKind). */
const NO_KIND = 255;

export class BlockingProfilesRecorder implements Analysis<BlockingProfiles> {
  private readonly logs = BLOCKING_PROFILE_KINDS.map(() => new IntervalLog());

  // The goroutine table: one row per goroutine id.
  private readonly rowOf = new DenseIdIndex();
  private readonly rowGoroutine = new ChunkedColumn(Float64Array);
  // The summary's StartTime / EndTime (NaN: unset), which -pprof uses as each goroutine's window.
  private readonly rowWindowStart = new ChunkedColumn(Float64Array);
  private readonly rowWindowEnd = new ChunkedColumn(Float64Array);
  // The open interval: a goroutine is in one state at a time, so at most one kind tracks it...
  private readonly rowOpenKind = new ChunkedColumn(Uint8Array);
  private readonly rowOpenStart = new ChunkedColumn(Float64Array);
  private readonly rowOpenStack = new ChunkedColumn(Uint32Array);
  // ...except if a Waiting → Waiting transition named a second tracked reason: row·4+kind → open.
  private readonly extraOpen = new Map<number, { start: Nanoseconds; stack: StackID }>();

  // go tool trace keeps events only up to the last Sync (the last complete generation).
  private eventsSeen = 0;
  private lastEventTime: Nanoseconds = NaN;
  private lastSyncOrdinal = -1;
  private logSizesAtLastSync: number[] = BLOCKING_PROFILE_KINDS.map(() => 0);
  private lastSyncTime: Nanoseconds = NaN;

  constructor(private readonly tables: TraceTables) {}

  handleEvent(ev: TraceEvent): void {
    this.eventsSeen++;
    this.lastEventTime = ev.time;
    if (ev.kind === EventKind.Sync) {
      this.lastSyncOrdinal = this.eventsSeen - 1;
      this.logSizesAtLastSync = this.logs.map((log) => log.size);
      this.lastSyncTime = ev.time;
      return;
    }
    if (ev.kind !== EventKind.StateTransition || ev.resourceKind !== ResourceKind.Goroutine) return;
    const id = ev.resourceId;
    let row = this.rowOf.get(id);
    if (row < 0) row = this.addRow(id);
    this.trackIntervals(row, ev.newState as GoState, ev);
    this.trackWindow(row, ev.oldState as GoState, ev.newState as GoState, ev);
  }

  private addRow(id: GoID): number {
    const row = this.rowGoroutine.size;
    this.rowOf.set(id, row);
    this.rowGoroutine.push(id);
    this.rowWindowStart.push(NaN);
    this.rowWindowEnd.push(NaN);
    this.rowOpenKind.push(NO_KIND);
    this.rowOpenStart.push(NaN);
    this.rowOpenStack.push(0);
    return row;
  }

  /**
   * Go's makeComputePprofFunc, for all four kinds at once: an interval opens when the goroutine
   * enters the kind's state for a tracked reason, and closes at its next transition to another
   * state (a kind that closes does not reopen on the same event).
   */
  private trackIntervals(row: number, to: GoState, ev: TraceEvent): void {
    let trackedBefore = 0;
    const open = this.rowOpenKind.get(row);
    if (open !== NO_KIND) {
      trackedBefore |= 1 << open;
      if (to !== KIND_STATE[open]) {
        this.close(open, row, this.rowOpenStart.get(row), ev.time, this.rowOpenStack.get(row));
        this.rowOpenKind.set(row, NO_KIND);
      }
    }
    if (this.extraOpen.size > 0) {
      for (let kind = 0; kind < KIND_COUNT; kind++) {
        const extra = this.extraOpen.get(row * KIND_COUNT + kind);
        if (extra === undefined) continue;
        trackedBefore |= 1 << kind;
        if (to !== KIND_STATE[kind]) {
          this.close(kind, row, extra.start, ev.time, extra.stack);
          this.extraOpen.delete(row * KIND_COUNT + kind);
        }
      }
    }
    for (let kind = 0; kind < KIND_COUNT; kind++) {
      if (to !== KIND_STATE[kind] || (trackedBefore & (1 << kind)) !== 0 || !KIND_TRACKS_REASON[kind](ev.reason)) continue;
      if (this.rowOpenKind.get(row) === NO_KIND) {
        this.rowOpenKind.set(row, kind);
        this.rowOpenStart.set(row, ev.time);
        this.rowOpenStack.set(row, ev.stack);
      } else {
        this.extraOpen.set(row * KIND_COUNT + kind, { start: ev.time, stack: ev.stack });
      }
    }
  }

  private close(kind: number, row: number, start: Nanoseconds, end: Nanoseconds, stack: StackID): void {
    // A zero-length interval never overlaps anything by more than 0 ns: Go drops it.
    if (end > start) this.logs[kind].push(row, start, end, stack);
  }

  /**
   * The summary's StartTime/EndTime (internal/trace/summary.go): a goroutine is (re)created
   * when it leaves Undetermined or NotExist, starts when it first runs, and ends on NotExist or
   * on waiting "forever". Same-state transitions are skipped, as there.
   */
  private trackWindow(row: number, from: GoState, to: GoState, ev: TraceEvent): void {
    if (from === to) return;
    if (from === GoState.Undetermined || from === GoState.NotExist) {
      this.rowWindowStart.set(row, NaN);
      this.rowWindowEnd.set(row, NaN);
    }
    if (to === GoState.Running) {
      if (Number.isNaN(this.rowWindowStart.get(row))) this.rowWindowStart.set(row, ev.time);
    } else if (to === GoState.NotExist || (to === GoState.Waiting && ev.reason === 'forever')) {
      this.rowWindowEnd.set(row, ev.time);
    }
  }

  /**
   * `validEvents` (ParseResult.validEvents) drops what followed the last complete generation of
   * a damaged trace, as go tool trace does; omit it for a good trace. The interval logs are
   * shared with the result, not copied.
   */
  finish(validEvents?: number): BlockingProfiles {
    const truncated = validEvents !== undefined && validEvents < this.eventsSeen && validEvents === this.lastSyncOrdinal + 1;
    const traceEnd = truncated ? this.lastSyncTime : this.lastEventTime;
    const sizes = truncated ? this.logSizesAtLastSync : this.logs.map((log) => log.size);
    return new BlockingProfiles(
      this.tables,
      this.logs.map((log, kind) => ({ log, size: sizes[kind] })),
      { rowOf: this.rowOf, goroutine: this.rowGoroutine, windowStart: this.rowWindowStart, windowEnd: this.rowWindowEnd },
      traceEnd,
    );
  }
}

/** The goroutine table the recorder built (shared, not copied). */
interface GoroutineTable {
  rowOf: DenseIdIndex;
  goroutine: ChunkedColumn<Float64Array>;
  /** Summary StartTime / EndTime per row; NaN: unset. */
  windowStart: ChunkedColumn<Float64Array>;
  windowEnd: ChunkedColumn<Float64Array>;
}

/** Everything the four profiles need, in typed arrays; profiles are computed per query. */
export class BlockingProfiles {
  // Stack id → dedup group (Go's first-128-PCs key), filled lazily; -1 = not yet known.
  private stackGroup = new Int32Array(0);
  private readonly groupOfKey = new Map<string, number>();

  constructor(
    private readonly tables: TraceTables,
    private readonly logs: readonly { log: IntervalLog; size: number }[],
    private readonly goroutines: GoroutineTable,
    /** The last (valid) event's time: Go's parsedTrace.endTime(). */
    readonly traceEnd: Nanoseconds,
  ) {}

  get intervalCount(): number {
    return this.logs.reduce((sum, l) => sum + l.size, 0);
  }

  get goroutineCount(): number {
    return this.goroutines.goroutine.size;
  }

  /**
   * Every goroutine's [first run, exit or trace end] window: what `go tool trace -pprof=TYPE`
   * (pprofMatchingGoroutines with no name) clips every interval to. A goroutine that never ran
   * starts at -Infinity (Go: time 0, before any event).
   */
  allGoroutineWindows(): Map<GoID, TimeInterval[]> {
    const out = new Map<GoID, TimeInterval[]>();
    for (let row = 0; row < this.goroutineCount; row++) {
      out.set(this.goroutines.goroutine.get(row), [[this.windowStart(row), this.windowEnd(row)]]);
    }
    return out;
  }

  private windowStart(row: number): Nanoseconds {
    const s = this.goroutines.windowStart.get(row);
    return Number.isNaN(s) ? Number.NEGATIVE_INFINITY : s;
  }

  private windowEnd(row: number): Nanoseconds {
    const e = this.goroutines.windowEnd.get(row);
    return Number.isNaN(e) ? this.traceEnd : e;
  }

  /**
   * Go's computePprof{IO,Block,Syscall,Sched}: the time goroutines spent in the kind's state,
   * per stack where the state was entered, clipped to `goroutineIntervals` (null: every
   * goroutine's own window, as -pprof=TYPE). Records come in order of first appearance.
   * Throws Go's error when `goroutineIntervals` is null and the trace has no goroutine.
   */
  profile(kind: BlockingProfileKind, goroutineIntervals: GoroutineIntervals | null): ProfileRecord[] {
    const { log, size } = this.logs[blockingProfileKindIndex(kind)];
    // Go's pprofMatchingGoroutines fails when no goroutine matches, even for "all".
    if (goroutineIntervals === null && this.goroutineCount === 0) throw new Error('failed to find matching goroutines for name: ');
    // An explicit filter, by goroutine row; most goroutines are usually not in it.
    let filtered: Map<number, readonly TimeInterval[]> | null = null;
    if (goroutineIntervals !== null) {
      filtered = new Map();
      for (const [id, intervals] of toIntervalMap(goroutineIntervals)) {
        const row = this.goroutines.rowOf.get(id);
        if (row >= 0) filtered.set(row, intervals);
      }
    }

    const count: number[] = [];
    const total: number[] = [];
    const newest: number[] = [];
    const order: number[] = [];
    for (let c = 0; c < ChunkedColumn.chunkCount(size); c++) {
      const n = ChunkedColumn.chunkLength(c, size);
      const starts = log.start.chunk(c);
      const ends = log.end.chunk(c);
      const stacks = log.stack.chunk(c);
      const rows = log.goroutine.chunk(c);
      for (let i = 0; i < n; i++) {
        const start = starts[i];
        const end = ends[i];
        let overlapping: number;
        if (filtered === null) {
          const s = this.windowStart(rows[i]);
          const e = this.windowEnd(rows[i]);
          overlapping = e < start || end < s ? 0 : Math.min(e, end) - Math.max(s, start);
        } else {
          overlapping = overlappingDuration(filtered.get(rows[i]), start, end);
        }
        if (!(overlapping > 0)) continue;
        const group = this.groupOf(stacks[i]);
        if (count[group] === undefined) {
          count[group] = 0;
          total[group] = 0;
          order.push(group);
        }
        count[group]++;
        total[group] += overlapping;
        // Go keeps the newest stack of a group; it has the same first 128 frames.
        newest[group] = stacks[i];
      }
    }
    return order.map((group) => ({ stackId: newest[group], count: count[group], totalNs: total[group] }));
  }

  /** Go's stackMap key: the first 128 PCs, zero-padded (so trailing zero PCs do not count). */
  private groupOf(id: StackID): number {
    if (id >= this.stackGroup.length) {
      const bigger = new Int32Array(Math.max(id + 1, this.tables.stackCount)).fill(-1);
      bigger.set(this.stackGroup);
      this.stackGroup = bigger;
    }
    let group = this.stackGroup[id];
    if (group < 0) {
      const frameIds = this.tables.stackFrameIds(id);
      const pcs: number[] = [];
      for (let i = 0; i < frameIds.length && i < PPROF_MAX_STACK; i++) pcs.push(this.tables.framePC[frameIds[i]]);
      while (pcs.length > 0 && pcs[pcs.length - 1] === 0) pcs.pop();
      const key = pcs.join(',');
      group = this.groupOfKey.get(key) ?? this.groupOfKey.size;
      this.groupOfKey.set(key, group);
      this.stackGroup[id] = group;
    }
    return group;
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
