// The four blocking profiles of go tool trace (cmd/trace/pprof.go): network wait, sync block,
// syscall and scheduler latency. One pass records every finished interval of each kind in
// typed-array columns; profiles are then computed on demand for any goroutine filter (all
// goroutines as `go tool trace -pprof=TYPE` does, one goroutine group, or a set of regions)
// without reading the trace again.

import {
  EventKind,
  GoState,
  type GoID,
  type Nanoseconds,
  type StackID,
  type TraceEvent,
} from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import type { Analysis } from './analysis.ts';
import { growingArray } from '../model/typed-arrays.ts';
import { GoroutineIndex } from './goroutine-index.ts';

/** Intervals per chunk of the interval logs (65 536). */
const CHUNK_SIZE = 1 << 16;

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
export function createBlockingProfiles(
  tables: TraceTables,
  kinds: readonly BlockingProfileKind[] = BLOCKING_PROFILE_KINDS,
  sharedIndex?: GoroutineIndex,
): BlockingProfilesRecorder {
  return new BlockingProfilesRecorder(tables, kinds, sharedIndex);
}

/**
 * Finished intervals of one kind, in the order their closing transitions came (Go's order):
 * 16 bytes each in chunks of up to CHUNK_SIZE — end time as a 32-bit offset from the chunk's
 * base, 32-bit duration, stack, goroutine row. Intervals close at the current event's time, so
 * ends grow and a chunk's offsets stay small; one that no longer fits closes the chunk early.
 * What does not fit at all (durations of 2^32 ns or more, fractional or out-of-order times)
 * is kept exactly in maps. The chunks are owned here, so the append is monomorphic.
 */
export class IntervalLog {
  private readonly endOffsets: Uint32Array[] = [];
  private readonly durations: Uint32Array[] = [];
  private readonly stacks: Uint32Array[] = [];
  private readonly goroutines: Uint32Array[] = [];
  /** Per chunk: the time its end offsets count from, and the index of its first interval. */
  private readonly bases: number[] = [];
  private readonly firsts: number[] = [];
  /** Index → exact duration, for the few that do not fit 32 bits (stored there as 0). */
  private readonly longDurations = new Map<number, Nanoseconds>();
  /** Index → exact start, for intervals whose end offset is EXACT_END. */
  private readonly exactStarts = new Map<number, Nanoseconds>();
  private count = 0;
  /** Intervals in the last chunk, and its capacity. */
  private fill = 0;
  private capacity = 0;
  private base = 0;
  // The last chunk's arrays, so an append does not look them up in the chunk lists.
  private lastEnds = EMPTY_U32;
  private lastDurations = EMPTY_U32;
  private lastStacks = EMPTY_U32;
  private lastGoroutines = EMPTY_U32;

  get size(): number {
    return this.count;
  }

  push(goroutine: number, start: Nanoseconds, end: Nanoseconds, stack: StackID): void {
    let offset = end - this.base;
    // offset >>> 0 === offset: a whole number in [0, 2^32); an integer start keeps start = end − duration exact.
    let fits = offset >>> 0 === offset && offset !== EXACT_END && Number.isInteger(start);
    if (this.fill === this.capacity || (!fits && offset >= EXACT_END && Number.isInteger(end))) {
      this.newChunk(Math.floor(end));
      offset = end - this.base;
      fits = offset >>> 0 === offset && Number.isInteger(start);
    }
    const index = this.count++;
    const i = this.fill++;
    const duration = end - start;
    const durationFits = duration >>> 0 === duration;
    if (!durationFits) this.longDurations.set(index, duration);
    if (!fits) this.exactStarts.set(index, start);
    this.lastEnds[i] = fits ? offset : EXACT_END;
    this.lastDurations[i] = durationFits ? duration : 0;
    this.lastStacks[i] = stack;
    this.lastGoroutines[i] = goroutine;
  }

  /** Closes the last chunk (trimmed to what it holds) and opens one counting from `base`. */
  private newChunk(base: number): void {
    const last = this.endOffsets.length - 1;
    if (last >= 0 && this.fill < this.capacity) {
      this.endOffsets[last] = this.endOffsets[last].slice(0, this.fill);
      this.durations[last] = this.durations[last].slice(0, this.fill);
      this.stacks[last] = this.stacks[last].slice(0, this.fill);
      this.goroutines[last] = this.goroutines[last].slice(0, this.fill);
    }
    this.endOffsets.push((this.lastEnds = growingArray(Uint32Array, CHUNK_SIZE)));
    this.durations.push((this.lastDurations = growingArray(Uint32Array, CHUNK_SIZE)));
    this.stacks.push((this.lastStacks = growingArray(Uint32Array, CHUNK_SIZE)));
    this.goroutines.push((this.lastGoroutines = growingArray(Uint32Array, CHUNK_SIZE)));
    this.bases.push(base);
    this.firsts.push(this.count);
    this.base = base;
    this.fill = 0;
    this.capacity = CHUNK_SIZE;
  }

  /**
   * Calls fn(row, start, end, stack) for each of the first `size` intervals, in order.
   * One callback per chunk would be faster still; profiles are computed on demand, so this suffices.
   */
  forEach(size: number, fn: (row: number, start: Nanoseconds, end: Nanoseconds, stack: StackID) => void): void {
    for (let c = 0; c < this.endOffsets.length; c++) {
      const first = this.firsts[c];
      if (first >= size) break;
      const n = Math.min(c === this.endOffsets.length - 1 ? this.fill : this.endOffsets[c].length, size - first);
      const ends = this.endOffsets[c];
      const durations = this.durations[c];
      const stacks = this.stacks[c];
      const rows = this.goroutines[c];
      const base = this.bases[c];
      for (let i = 0; i < n; i++) {
        // Recorded intervals are never empty: a 0 duration stands for a long one.
        const duration = durations[i] !== 0 ? durations[i] : this.longDurations.get(first + i)!;
        const start = ends[i] !== EXACT_END ? base + ends[i] - duration : this.exactStarts.get(first + i)!;
        fn(rows[i], start, start + duration, stacks[i]);
      }
    }
  }
}

/** End offset code: the interval's start is in exactStarts. */
const EXACT_END = 0xffffffff;
const EMPTY_U32 = new Uint32Array(0);

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

  // The goroutine table: one row per goroutine id, in chunked typed arrays (millions of rows),
  // by the row of the goroutine index (shared with the summary when served, else our own).
  private readonly index: GoroutineIndex;
  /** Whether this recorder steps the index itself (else whoever shares it steps it first). */
  private readonly ownsIndex: boolean;
  private readonly rows = new GoroutineRows();
  // ...and a Waiting → Waiting transition that names a second tracked reason: row·4+kind → open.
  private readonly extraOpen = new Map<number, { start: Nanoseconds; stack: StackID }>();

  // go tool trace keeps events only up to the last Sync (the last complete generation).
  private eventsSeen = 0;
  private lastEventTime: Nanoseconds = NaN;
  private lastSyncOrdinal = -1;
  private logSizesAtLastSync: number[] = BLOCKING_PROFILE_KINDS.map(() => 0);
  private lastSyncTime: Nanoseconds = NaN;

  /**
   * With `sharedIndex`, the caller steps it on every event before this recorder sees the event
   * (see GoroutineIndex.step); without, the recorder keeps and steps its own.
   */
  constructor(private readonly tables: TraceTables, kinds: readonly BlockingProfileKind[] = BLOCKING_PROFILE_KINDS, sharedIndex?: GoroutineIndex) {
    this.index = sharedIndex ?? new GoroutineIndex();
    this.ownsIndex = sharedIndex === undefined;
    let recorded = 0;
    for (const kind of kinds) recorded |= 1 << blockingProfileKindIndex(kind);
    this.recorded = recorded;
    this.lastReasonKinds = waitingReasonKinds('') & recorded;
  }

  handleEvent(ev: TraceEvent): void {
    if (this.ownsIndex) this.index.step(ev);
    this.eventsSeen++;
    this.lastEventTime = ev.time;
    if (ev.kind === EventKind.Sync) {
      this.lastSyncOrdinal = this.eventsSeen - 1;
      this.logSizesAtLastSync = this.logs.map((log) => log.size);
      this.lastSyncTime = ev.time;
      return;
    }
    const row = this.index.row;
    if (row < 0) return; // Not a goroutine transition.
    // The index numbers goroutines as they first make a transition, and every transition
    // comes here: a row not yet in the table is the next one.
    while (row >= this.rows.size) this.rows.add();
    const state = this.rows.chunk(row);
    const base = (row & ROW_MASK) * ROW_FIELDS;
    const to = ev.newState as GoState;
    this.trackIntervals(row, state, base, to, ev);

    // The summary's StartTime/EndTime (internal/trace/summary.go): a goroutine is (re)created
    // when it leaves Undetermined or NotExist, starts when it first runs, and ends on NotExist
    // or on waiting "forever". Same-state transitions are skipped, as there.
    const from = ev.oldState as GoState;
    if (from === to) return;
    if (from === GoState.Undetermined || from === GoState.NotExist) {
      state[base + WINDOW_START] = NaN;
      state[base + WINDOW_END] = NaN;
    }
    if (to === GoState.Running) {
      if (Number.isNaN(state[base + WINDOW_START])) state[base + WINDOW_START] = ev.time;
    } else if (to === GoState.NotExist || (to === GoState.Waiting && ev.reason === 'forever')) {
      state[base + WINDOW_END] = ev.time;
    }
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
  private trackIntervals(row: number, state: Float64Array, base: number, to: GoState, ev: TraceEvent): void {
    let trackedBefore = 0;
    const open = state[base + OPEN];
    if (open >= 0) {
      // Not `%`: on doubles it is a call to fmod.
      const stack = Math.floor(open / KIND_COUNT);
      const kind = open - stack * KIND_COUNT;
      trackedBefore = 1 << kind;
      if (to !== KIND_STATE[kind]) {
        this.close(kind, row, state[base + OPEN_START], ev.time, stack);
        state[base + OPEN] = NOT_OPEN;
      }
    }
    if (this.extraOpen.size > 0) trackedBefore |= this.trackExtra(row, to, ev.time);
    const opening = this.kindsOpenedBy(to, ev.reason) & ~trackedBefore;
    // Each kind opening, lowest first (mostly exactly one).
    for (let bits = opening; bits !== 0; bits &= bits - 1) {
      const kind = 31 - Math.clz32(bits & -bits);
      if (state[base + OPEN] === NOT_OPEN) {
        state[base + OPEN_START] = ev.time;
        state[base + OPEN] = ev.stack * KIND_COUNT + kind;
      } else {
        this.extraOpen.set(row * KIND_COUNT + kind, { start: ev.time, stack: ev.stack });
      }
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
      { index: this.index, rows: this.rows },
      traceEnd,
    );
  }
}

const ROW_CHUNK_BITS = 16;
const ROW_CHUNK = 1 << ROW_CHUNK_BITS;
const ROW_MASK = ROW_CHUNK - 1;
// A goroutine's row: ROW_FIELDS float64s side by side (one cache line per event).
/** The summary's StartTime / EndTime (NaN: unset), which -pprof uses as each goroutine's window. */
const WINDOW_START = 0;
const WINDOW_END = 1;
/** The open interval: a goroutine is in one state at a time, so at most one kind tracks it. */
const OPEN_START = 2;
/** stack·KIND_COUNT + kind of the open interval, or NOT_OPEN. */
const OPEN = 3;
const ROW_FIELDS = 4;
const NOT_OPEN = -1;

/** Per-goroutine state in chunks of ROW_CHUNK rows: 32 bytes a goroutine, no objects. */
class GoroutineRows {
  private count = 0;
  private readonly chunks: Float64Array[] = [];

  get size(): number {
    return this.count;
  }

  add(): number {
    const row = this.count++;
    const i = row & ROW_MASK;
    if (i === 0) this.chunks.push(growingArray(Float64Array, ROW_CHUNK * ROW_FIELDS));
    const chunk = this.chunks[row >>> ROW_CHUNK_BITS];
    const base = i * ROW_FIELDS;
    chunk[base + WINDOW_START] = NaN;
    chunk[base + WINDOW_END] = NaN;
    chunk[base + OPEN] = NOT_OPEN;
    return row;
  }

  /** The chunk holding `row`, at (row & ROW_MASK) · ROW_FIELDS. */
  chunk(row: number): Float64Array {
    return this.chunks[row >>> ROW_CHUNK_BITS];
  }

  windowStart(row: number): Nanoseconds {
    return this.chunks[row >>> ROW_CHUNK_BITS][(row & ROW_MASK) * ROW_FIELDS + WINDOW_START];
  }

  windowEnd(row: number): Nanoseconds {
    return this.chunks[row >>> ROW_CHUNK_BITS][(row & ROW_MASK) * ROW_FIELDS + WINDOW_END];
  }
}

/** The goroutine table the recorder built (shared, not copied). */
interface GoroutineTable {
  index: GoroutineIndex;
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
   * Every goroutine's [first run, exit or trace end] window, by ascending id: what `go tool trace -pprof=TYPE`
   * (pprofMatchingGoroutines with no name) clips every interval to. A goroutine that never ran
   * starts at -Infinity (Go: time 0, before any event).
   */
  allGoroutineWindows(): Map<GoID, TimeInterval[]> {
    const out = new Map<GoID, TimeInterval[]>();
    const { ids, rows } = this.goroutines.index.sortedEntries();
    for (let i = 0; i < ids.length; i++) out.set(ids[i], [[this.windowStart(rows[i]), this.windowEnd(rows[i])]]);
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
        const row = this.goroutines.index.find(id);
        if (row >= 0) filtered.set(row, intervals);
      }
    }

    const count: number[] = [];
    const total: number[] = [];
    const newest: number[] = [];
    const order: number[] = [];
    log.forEach(size, (row, start, end, stack) => {
      let overlapping: number;
      if (filtered === null) {
        const s = this.windowStart(row);
        const e = this.windowEnd(row);
        overlapping = e < start || end < s ? 0 : Math.min(e, end) - Math.max(s, start);
      } else {
        overlapping = overlappingDuration(filtered.get(row), start, end);
      }
      if (!(overlapping > 0)) return;
      const group = this.groupOf(stack);
      if (count[group] === undefined) {
        count[group] = 0;
        total[group] = 0;
        order.push(group);
      }
      count[group]++;
      total[group] += overlapping;
      // Go keeps the newest stack of a group; it has the same first 128 frames.
      newest[group] = stack;
    });
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
