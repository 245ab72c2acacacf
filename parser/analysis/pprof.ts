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
import { CHUNK_SIZE, ChunkedColumn, DenseIdIndex } from './pprof-columns.ts';

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
const KIND_NET = 0;
const KIND_SYNC = 1;
const KIND_SYSCALL = 2;
const KIND_SCHED = 3;

export function blockingProfileKindIndex(kind: BlockingProfileKind): number {
  const index = BLOCKING_PROFILE_KINDS.indexOf(kind);
  if (index < 0) throw new Error(`unknown blocking profile kind ${String(kind)}`);
  return index;
}

/**
 * Creates the one-pass recorder; `tables` resolves stacks when profiles are grouped. `kinds`
 * limits what is recorded (each kind is tracked on its own, as Go's computePprof* functions
 * do, so recording fewer kinds changes none of their results): `tstrace -pprof=KIND` needs one.
 */
export function createBlockingProfiles(tables: TraceTables, kinds: readonly BlockingProfileKind[] = BLOCKING_PROFILE_KINDS): BlockingProfilesRecorder {
  return new BlockingProfilesRecorder(tables, kinds);
}

/**
 * Finished intervals of one kind, in the order their closing transitions came (Go's order):
 * 20 bytes each (start, 32-bit duration, stack, goroutine row); durations of 2^32 ns (4.3 s) or
 * more go to a map.
 */
export class IntervalLog {
  readonly start = new ChunkedColumn(Float64Array);
  readonly duration = new ChunkedColumn(Uint32Array);
  /** Index → exact duration, for the few that do not fit 32 bits (stored there as 0). */
  readonly longDurations = new Map<number, Nanoseconds>();
  readonly stack = new ChunkedColumn(Uint32Array);
  /** Index of the goroutine in the goroutine table. */
  readonly goroutine = new ChunkedColumn(Uint32Array);

  get size(): number {
    return this.start.size;
  }

  push(goroutine: number, start: Nanoseconds, end: Nanoseconds, stack: StackID): void {
    const duration = end - start;
    // Whole ns below 2^32 fit the column; anything else (long, or fractional) is kept exactly.
    const fits = duration >>> 0 === duration;
    if (!fits) this.longDurations.set(this.start.size, duration);
    this.goroutine.push(goroutine);
    this.start.push(start);
    this.duration.push(fits ? duration : 0);
    this.stack.push(stack);
  }
}

/** No interval open (rowOpenKind). */
const NO_KIND = 255;

/** Which of the Waiting kinds (net, sync) track a transition reason. */
function waitingReasonKinds(reason: string): number {
  let kinds = 0;
  if (KIND_TRACKS_REASON[KIND_NET](reason)) kinds |= 1 << KIND_NET;
  if (KIND_TRACKS_REASON[KIND_SYNC](reason)) kinds |= 1 << KIND_SYNC;
  return kinds;
}

export class BlockingProfilesRecorder implements Analysis<BlockingProfiles> {
  private readonly logs = BLOCKING_PROFILE_KINDS.map(() => new IntervalLog());
  /** Bit per kind index: the kinds being recorded. */
  private readonly recorded: number;
  // Kinds a Waiting transition opens, per reason: the reason strings are few and repeat.
  private readonly reasonKinds = new Map<string, number>();
  private lastReason = '';
  private lastReasonKinds = 0;

  // The goroutine table: one row per goroutine id, in chunked typed arrays (millions of rows).
  private readonly rowOf = new DenseIdIndex();
  private readonly rows = new GoroutineRows();
  // ...and a Waiting → Waiting transition that names a second tracked reason: row·4+kind → open.
  private readonly extraOpen = new Map<number, { start: Nanoseconds; stack: StackID }>();

  // go tool trace keeps events only up to the last Sync (the last complete generation).
  private eventsSeen = 0;
  private lastEventTime: Nanoseconds = NaN;
  private lastSyncOrdinal = -1;
  private logSizesAtLastSync: number[] = BLOCKING_PROFILE_KINDS.map(() => 0);
  private lastSyncTime: Nanoseconds = NaN;

  constructor(private readonly tables: TraceTables, kinds: readonly BlockingProfileKind[] = BLOCKING_PROFILE_KINDS) {
    let recorded = 0;
    for (const kind of kinds) recorded |= 1 << blockingProfileKindIndex(kind);
    this.recorded = recorded;
    this.lastReasonKinds = waitingReasonKinds('') & recorded;
  }

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
    if (row < 0) {
      row = this.rows.add(id);
      this.rowOf.set(id, row);
    }
    this.trackIntervals(row, ev.newState as GoState, ev);
    this.trackWindow(row, ev.oldState as GoState, ev.newState as GoState, ev);
  }

  /** The recorded kinds that start tracking a goroutine entering `to` for `reason`. */
  private kindsOpenedBy(to: GoState, reason: string): number {
    switch (to) {
      case GoState.Waiting: {
        if (reason === this.lastReason) return this.lastReasonKinds;
        let kinds = this.reasonKinds.get(reason);
        if (kinds === undefined) {
          kinds = waitingReasonKinds(reason) & this.recorded;
          this.reasonKinds.set(reason, kinds);
        }
        this.lastReason = reason;
        this.lastReasonKinds = kinds;
        return kinds;
      }
      case GoState.Syscall:
        return this.recorded & (1 << KIND_SYSCALL);
      case GoState.Runnable:
        return this.recorded & (1 << KIND_SCHED);
      default:
        return 0;
    }
  }

  /**
   * Go's makeComputePprofFunc, for every recorded kind at once: an interval opens when the
   * goroutine enters the kind's state for a tracked reason, and closes at its next transition
   * to another state (a kind that closes does not reopen on the same event).
   */
  private trackIntervals(row: number, to: GoState, ev: TraceEvent): void {
    const rows = this.rows;
    let trackedBefore = 0;
    const open = rows.openKind(row);
    if (open !== NO_KIND) {
      trackedBefore = 1 << open;
      if (to !== KIND_STATE[open]) {
        this.close(open, row, rows.openStart(row), ev.time, rows.openStack(row));
        rows.setOpenKind(row, NO_KIND);
      }
    }
    if (this.extraOpen.size > 0) trackedBefore |= this.trackExtra(row, to, ev.time);
    const opening = this.kindsOpenedBy(to, ev.reason) & ~trackedBefore;
    if (opening === 0) return;
    for (let kind = 0; kind < KIND_COUNT; kind++) {
      if ((opening & (1 << kind)) === 0) continue;
      if (rows.openKind(row) === NO_KIND) rows.open(row, kind, ev.time, ev.stack);
      else this.extraOpen.set(row * KIND_COUNT + kind, { start: ev.time, stack: ev.stack });
    }
  }

  /** The second open interval (rare): closes it if `to` leaves its state; returns its kind bit. */
  private trackExtra(row: number, to: GoState, time: Nanoseconds): number {
    let tracked = 0;
    for (let kind = 0; kind < KIND_COUNT; kind++) {
      const extra = this.extraOpen.get(row * KIND_COUNT + kind);
      if (extra === undefined) continue;
      tracked |= 1 << kind;
      if (to !== KIND_STATE[kind]) {
        this.close(kind, row, extra.start, time, extra.stack);
        this.extraOpen.delete(row * KIND_COUNT + kind);
      }
    }
    return tracked;
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
    const rows = this.rows;
    if (from === GoState.Undetermined || from === GoState.NotExist) {
      rows.setWindowStart(row, NaN);
      rows.setWindowEnd(row, NaN);
    }
    if (to === GoState.Running) {
      if (Number.isNaN(rows.windowStart(row))) rows.setWindowStart(row, ev.time);
    } else if (to === GoState.NotExist || (to === GoState.Waiting && ev.reason === 'forever')) {
      rows.setWindowEnd(row, ev.time);
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
      this.logs.map((log, kind) => ({ log, size: sizes[kind], recorded: (this.recorded & (1 << kind)) !== 0 })),
      { rowOf: this.rowOf, rows: this.rows },
      traceEnd,
    );
  }
}

const ROW_CHUNK_BITS = 16;
const ROW_CHUNK = 1 << ROW_CHUNK_BITS;
const ROW_MASK = ROW_CHUNK - 1;

/**
 * Per-goroutine state, one typed-array chunk per column: 37 bytes a goroutine, no objects.
 * Each column has its own accessor so every load site sees one array type (V8 keeps them fast).
 */
class GoroutineRows {
  private count = 0;
  private readonly ids: Float64Array[] = [];
  // The summary's StartTime / EndTime (NaN: unset), which -pprof uses as each goroutine's window.
  private readonly windowStarts: Float64Array[] = [];
  private readonly windowEnds: Float64Array[] = [];
  // The open interval: a goroutine is in one state at a time, so at most one kind tracks it.
  private readonly openKinds: Uint8Array[] = [];
  private readonly openStarts: Float64Array[] = [];
  private readonly openStacks: Uint32Array[] = [];

  get size(): number {
    return this.count;
  }

  add(id: number): number {
    const row = this.count++;
    const i = row & ROW_MASK;
    if (i === 0) {
      this.ids.push(new Float64Array(ROW_CHUNK));
      this.windowStarts.push(new Float64Array(ROW_CHUNK).fill(NaN));
      this.windowEnds.push(new Float64Array(ROW_CHUNK).fill(NaN));
      this.openKinds.push(new Uint8Array(ROW_CHUNK).fill(NO_KIND));
      this.openStarts.push(new Float64Array(ROW_CHUNK));
      this.openStacks.push(new Uint32Array(ROW_CHUNK));
    }
    this.ids[row >>> ROW_CHUNK_BITS][i] = id;
    return row;
  }

  id(row: number): number {
    return this.ids[row >>> ROW_CHUNK_BITS][row & ROW_MASK];
  }

  windowStart(row: number): Nanoseconds {
    return this.windowStarts[row >>> ROW_CHUNK_BITS][row & ROW_MASK];
  }

  setWindowStart(row: number, t: Nanoseconds): void {
    this.windowStarts[row >>> ROW_CHUNK_BITS][row & ROW_MASK] = t;
  }

  windowEnd(row: number): Nanoseconds {
    return this.windowEnds[row >>> ROW_CHUNK_BITS][row & ROW_MASK];
  }

  setWindowEnd(row: number, t: Nanoseconds): void {
    this.windowEnds[row >>> ROW_CHUNK_BITS][row & ROW_MASK] = t;
  }

  openKind(row: number): number {
    return this.openKinds[row >>> ROW_CHUNK_BITS][row & ROW_MASK];
  }

  setOpenKind(row: number, kind: number): void {
    this.openKinds[row >>> ROW_CHUNK_BITS][row & ROW_MASK] = kind;
  }

  openStart(row: number): Nanoseconds {
    return this.openStarts[row >>> ROW_CHUNK_BITS][row & ROW_MASK];
  }

  openStack(row: number): StackID {
    return this.openStacks[row >>> ROW_CHUNK_BITS][row & ROW_MASK];
  }

  open(row: number, kind: number, start: Nanoseconds, stack: StackID): void {
    const c = row >>> ROW_CHUNK_BITS;
    const i = row & ROW_MASK;
    this.openKinds[c][i] = kind;
    this.openStarts[c][i] = start;
    this.openStacks[c][i] = stack;
  }
}

/** The goroutine table the recorder built (shared, not copied). */
interface GoroutineTable {
  rowOf: DenseIdIndex;
  rows: GoroutineRows;
}

/** One kind's log as finish() saw it. */
interface RecordedLog {
  log: IntervalLog;
  /** Intervals that count (fewer than log.size when a damaged tail is dropped). */
  size: number;
  recorded: boolean;
}

/** Everything the four profiles need, in typed arrays; profiles are computed per query. */
export class BlockingProfiles {
  // Stack id → dedup group (Go's first-128-PCs key), filled lazily; -1 = not yet known.
  private stackGroup = new Int32Array(0);
  private readonly groupOfKey = new Map<string, number>();

  constructor(
    private readonly tables: TraceTables,
    private readonly logs: readonly RecordedLog[],
    private readonly goroutines: GoroutineTable,
    /** The last (valid) event's time: Go's parsedTrace.endTime(). */
    readonly traceEnd: Nanoseconds,
  ) {}

  get intervalCount(): number {
    return this.logs.reduce((sum, l) => sum + l.size, 0);
  }

  get goroutineCount(): number {
    return this.goroutines.rows.size;
  }

  /**
   * Every goroutine's [first run, exit or trace end] window: what `go tool trace -pprof=TYPE`
   * (pprofMatchingGoroutines with no name) clips every interval to. A goroutine that never ran
   * starts at -Infinity (Go: time 0, before any event).
   */
  allGoroutineWindows(): Map<GoID, TimeInterval[]> {
    const out = new Map<GoID, TimeInterval[]>();
    for (let row = 0; row < this.goroutineCount; row++) {
      out.set(this.goroutines.rows.id(row), [[this.windowStart(row), this.windowEnd(row)]]);
    }
    return out;
  }

  private windowStart(row: number): Nanoseconds {
    const s = this.goroutines.rows.windowStart(row);
    return Number.isNaN(s) ? Number.NEGATIVE_INFINITY : s;
  }

  private windowEnd(row: number): Nanoseconds {
    const e = this.goroutines.rows.windowEnd(row);
    return Number.isNaN(e) ? this.traceEnd : e;
  }

  /**
   * Go's computePprof{IO,Block,Syscall,Sched}: the time goroutines spent in the kind's state,
   * per stack where the state was entered, clipped to `goroutineIntervals` (null: every
   * goroutine's own window, as -pprof=TYPE). Records come in order of first appearance.
   * Throws Go's error when `goroutineIntervals` is null and the trace has no goroutine.
   */
  profile(kind: BlockingProfileKind, goroutineIntervals: GoroutineIntervals | null): ProfileRecord[] {
    const { log, size, recorded } = this.logs[blockingProfileKindIndex(kind)];
    if (!recorded) throw new Error(`the ${kind} blocking profile was not recorded`);
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
      const durations = log.duration.chunk(c);
      const stacks = log.stack.chunk(c);
      const rows = log.goroutine.chunk(c);
      const first = c * CHUNK_SIZE;
      for (let i = 0; i < n; i++) {
        const start = starts[i];
        const duration = durations[i];
        // Recorded intervals are never empty: a 0 here stands for a long one.
        const end = start + (duration !== 0 ? duration : log.longDurations.get(first + i)!);
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
