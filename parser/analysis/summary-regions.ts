// Every user region of a trace, stored by column: the summarizer adds each region when it begins
// (or, begun before the trace, when it ends) and settles it when it ends; pages read it through
// RegionTable. A service instrumented with regions writes millions of them, and an object per
// region (its stats, its begin and end events) cost ~900 bytes and most of the summary's
// collection time; as columns a region is ~100 bytes.

import { EventKind, NoStack, type GoID, type Nanoseconds, type StackID, type TaskID } from '../model/event.ts';
import { grownCapacity, resized } from '../model/typed-arrays.ts';
import type { EventRecord, ExecStats, FrameInfo, RegionSummary } from './summary-types.ts';
import { EMPTY_RECORD as EMPTY } from './summary-stats.ts';

/** How a region's begin or end event is stored. */
const enum Bound {
  /** Not in the trace (begun before it, or still active at its end). */
  None = 0,
  /** The region's own RegionBegin/RegionEnd: time, goroutine and stack columns, name and task the region's. */
  Plain = 1,
  /** Anything else (a goroutine's creation or exit, a RegionEnd naming another type): kept whole. */
  Other = 2,
}

const STAT_COLUMNS = ['execTime', 'schedWaitTime', 'syscallTime', 'syscallBlockTime', 'totalTime'] as const;

/** The read side: what Summary.regions offers the pages. */
export interface RegionTable {
  readonly length: number;
  /** Region `i` as an object (made on each call: read the columns in loops over many). */
  get(i: number): RegionSummary;
  /** Every region as an object (tests and small traces). */
  list(): RegionSummary[];
  name(i: number): string;
  goroutine(i: number): GoID;
  taskId(i: number): TaskID;
  /** Its begin's time, or null if it began before the trace. */
  startTime(i: number): Nanoseconds | null;
  /** Its end's time, or null if it was still active at the trace's end. */
  endTime(i: number): Nanoseconds | null;
  startStack(i: number): StackID;
  endStack(i: number): StackID;
  frame(i: number): FrameInfo;
  /** Its stats alone (no begin and end records made). */
  stats(i: number): ExecStats;
}

export class RegionStore implements RegionTable {
  private count = 0;
  private capacity = 0;
  private goroutines = new Float64Array(0);
  private tasks = new Float64Array(0);
  private readonly names: string[] = [];
  private startKind = new Uint8Array(0);
  private startTimes = new Float64Array(0);
  private startGoroutines = new Float64Array(0);
  private startStacks = new Uint32Array(0);
  private endKind = new Uint8Array(0);
  private endTimes = new Float64Array(0);
  private endGoroutines = new Float64Array(0);
  private endStacks = new Uint32Array(0);
  /** Bound.Other events, by region. */
  private readonly otherStarts = new Map<number, EventRecord>();
  private readonly otherEnds = new Map<number, EventRecord>();
  private statColumns = new Float64Array(0);
  private readonly blockTimeByReason: Record<string, number>[] = [];
  private readonly rangeTime: Record<string, number>[] = [];
  private readonly frames: FrameInfo[] = [];

  get length(): number {
    return this.count;
  }

  /** A region that begins (`start` null: begun before the trace); returns its index. */
  add(goroutine: GoID, taskId: TaskID, name: string, start: EventRecord | null): number {
    const i = this.count++;
    if (i === this.capacity) this.grow();
    this.goroutines[i] = goroutine;
    this.tasks[i] = taskId;
    this.names.push(name);
    this.blockTimeByReason.push(EMPTY);
    this.rangeTime.push(EMPTY);
    this.startKind[i] = this.store(i, start, EventKind.RegionBegin, this.startTimes, this.startGoroutines, this.startStacks, this.otherStarts);
    return i;
  }

  /** Region `i`'s end event (null: still active at the trace's end) and stats. */
  settle(i: number, end: EventRecord | null, stats: ExecStats): void {
    this.endKind[i] = this.store(i, end, EventKind.RegionEnd, this.endTimes, this.endGoroutines, this.endStacks, this.otherEnds);
    const base = i * STAT_COLUMNS.length;
    STAT_COLUMNS.forEach((column, k) => (this.statColumns[base + k] = stats[column]));
    this.blockTimeByReason[i] = isEmpty(stats.blockTimeByReason) ? EMPTY : stats.blockTimeByReason;
    this.rangeTime[i] = isEmpty(stats.rangeTime) ? EMPTY : stats.rangeTime;
  }

  /** Resolves every region's location (Go's regionTopStackFrame) once the tables are complete. */
  locate(frameOf: (start: StackID) => FrameInfo): void {
    for (let i = this.frames.length; i < this.count; i++) this.frames.push(frameOf(this.startKind[i] === Bound.None ? NoStack : this.startStack(i)));
  }

  /** Whether region `i` began in the trace (one begun before it sorts first). */
  hasStart(i: number): boolean {
    return this.startKind[i] !== Bound.None;
  }

  get(i: number): RegionSummary {
    return {
      goroutine: this.goroutines[i],
      taskId: this.tasks[i],
      name: this.names[i],
      start: this.event(i, this.startKind, EventKind.RegionBegin, this.startTimes, this.startGoroutines, this.startStacks, this.otherStarts),
      end: this.event(i, this.endKind, EventKind.RegionEnd, this.endTimes, this.endGoroutines, this.endStacks, this.otherEnds),
      frame: this.frames[i],
      ...this.stats(i),
    };
  }

  list(): RegionSummary[] {
    return Array.from({ length: this.count }, (_, i) => this.get(i));
  }

  name(i: number): string {
    return this.names[i];
  }

  goroutine(i: number): GoID {
    return this.goroutines[i];
  }

  taskId(i: number): TaskID {
    return this.tasks[i];
  }

  startTime(i: number): Nanoseconds | null {
    const kind = this.startKind[i];
    return kind === Bound.Plain ? this.startTimes[i] : kind === Bound.Other ? this.otherStarts.get(i)!.time : null;
  }

  endTime(i: number): Nanoseconds | null {
    const kind = this.endKind[i];
    return kind === Bound.Plain ? this.endTimes[i] : kind === Bound.Other ? this.otherEnds.get(i)!.time : null;
  }

  startStack(i: number): StackID {
    const kind = this.startKind[i];
    return kind === Bound.Plain ? this.startStacks[i] : kind === Bound.Other ? this.otherStarts.get(i)!.stack : NoStack;
  }

  endStack(i: number): StackID {
    const kind = this.endKind[i];
    return kind === Bound.Plain ? this.endStacks[i] : kind === Bound.Other ? this.otherEnds.get(i)!.stack : NoStack;
  }

  frame(i: number): FrameInfo {
    return this.frames[i];
  }

  stats(i: number): ExecStats {
    const base = i * STAT_COLUMNS.length;
    return {
      execTime: this.statColumns[base],
      schedWaitTime: this.statColumns[base + 1],
      blockTimeByReason: this.blockTimeByReason[i],
      syscallTime: this.statColumns[base + 2],
      syscallBlockTime: this.statColumns[base + 3],
      totalTime: this.statColumns[base + 4],
      rangeTime: this.rangeTime[i],
    };
  }

  /** Stores a begin or end event in its columns when it is the region's own, else whole. */
  private store(
    i: number, record: EventRecord | null, ownKind: EventKind,
    times: Float64Array, goroutines: Float64Array, stacks: Uint32Array, others: Map<number, EventRecord>,
  ): Bound {
    if (record === null) return Bound.None;
    const plain = record.kind === ownKind && record.transition === undefined && record.name === this.names[i] && record.taskId === this.tasks[i]
      && record.category === undefined && record.message === undefined && record.parentTaskId === undefined;
    if (!plain) {
      others.set(i, record);
      return Bound.Other;
    }
    times[i] = record.time;
    goroutines[i] = record.goroutine;
    stacks[i] = record.stack;
    return Bound.Plain;
  }

  private event(
    i: number, kinds: Uint8Array, ownKind: EventKind,
    times: Float64Array, goroutines: Float64Array, stacks: Uint32Array, others: Map<number, EventRecord>,
  ): EventRecord | null {
    const kind = kinds[i];
    if (kind === Bound.None) return null;
    if (kind === Bound.Other) return others.get(i)!;
    return { kind: ownKind, time: times[i], goroutine: goroutines[i], stack: stacks[i], name: this.names[i], taskId: this.tasks[i] };
  }

  private grow(): void {
    const n = grownCapacity(this.capacity, 8);
    this.goroutines = resized(this.goroutines, n);
    this.tasks = resized(this.tasks, n);
    this.startKind = resized(this.startKind, n);
    this.startTimes = resized(this.startTimes, n);
    this.startGoroutines = resized(this.startGoroutines, n);
    this.startStacks = resized(this.startStacks, n);
    this.endKind = resized(this.endKind, n);
    this.endTimes = resized(this.endTimes, n);
    this.endGoroutines = resized(this.endGoroutines, n);
    this.endStacks = resized(this.endStacks, n);
    this.statColumns = resized(this.statColumns, n * STAT_COLUMNS.length);
    this.capacity = n;
  }
}

/** Stats come with the shared empty record when empty (mapToRecord); others are checked. */
function isEmpty(record: Record<string, number>): boolean {
  if (record === EMPTY) return true;
  for (const _ in record) return false;
  return true;
}
