// Every user task of a trace, stored by column: a service that starts a task per request writes
// millions of them, and an object per task (with its begin and end events, its lists and a Set of
// goroutines) cost ~1 KB, which put a 146 MB trace of 4.8 M tasks past V8's 4 GB heap. As columns
// a task is ~120 bytes. The summarizer adds to it as events come; pages read it through TaskTable.

import { EventKind, type GoID, type Nanoseconds, type TaskID, type TraceEvent } from '../model/event.ts';
import { grownCapacity, resized } from '../model/typed-arrays.ts';
import { StringTable } from '../model/timeline-columns.ts';
import type { EventRecord, TaskSummary } from './summary-types.ts';

/** The read side: what Summary.tasks offers the pages. Rows are sorted by task id. */
export interface TaskTable {
  readonly length: number;
  /** Row `i` as a TaskSummary (made on each call: read the columns in loops over many). */
  get(i: number): TaskSummary;
  /** Every task as an object (tests and small traces). */
  list(): TaskSummary[];
  /** The row of task `id`, or -1. */
  indexOf(id: TaskID): number;
  id(i: number): TaskID;
  name(i: number): string;
  /** Its begin's and end's times, or null when the trace does not hold them. */
  startTime(i: number): Nanoseconds | null;
  endTime(i: number): Nanoseconds | null;
  /** LogStore indices of its messages and RegionStore indices of its regions, in the order seen. */
  logs(i: number): number[];
  regions(i: number): number[];
}

/**
 * Per-row lists that are nearly always empty or of one value: the first value in a column (NaN:
 * empty), the rest in a map. Goroutine lists need "seen?" answered: a Set beside long ones.
 */
class SmallLists {
  private first = new Float64Array(0);
  private readonly rest = new Map<number, number[]>();
  private readonly seen = new Map<number, Set<number>>();

  grow(capacity: number): void {
    const old = this.first.length;
    this.first = resized(this.first, capacity);
    this.first.fill(NaN, old);
  }

  add(row: number, value: number): void {
    if (Number.isNaN(this.first[row])) {
      this.first[row] = value;
      return;
    }
    let more = this.rest.get(row);
    if (!more) this.rest.set(row, (more = []));
    more.push(value);
  }

  /** Adds `value` unless the row has it already. */
  addOnce(row: number, value: number): void {
    const first = this.first[row];
    if (first === value) return;
    if (Number.isNaN(first)) {
      this.first[row] = value;
      return;
    }
    const more = this.rest.get(row);
    const seen = this.seen.get(row);
    if (seen ? seen.has(value) : more?.includes(value)) return;
    this.add(row, value);
    if (seen) seen.add(value);
    else if (more && more.length > 16) this.seen.set(row, new Set([first, ...more]));
  }

  get(row: number): number[] {
    const first = this.first[row];
    if (Number.isNaN(first)) return [];
    const more = this.rest.get(row);
    return more ? [first, ...more] : [first];
  }

  has(row: number): boolean {
    return !Number.isNaN(this.first[row]);
  }
}

/** A task's begin or end event, in columns (Go's UserTaskSummary.Start/End). */
class BoundEvents {
  private present = new Uint8Array(0);
  private times = new Float64Array(0);
  private goroutines = new Float64Array(0);
  private stacks = new Uint32Array(0);
  private names = new Uint32Array(0);
  private parents = new Float64Array(0);

  constructor(private readonly kind: EventKind, private readonly texts: StringTable) {}

  grow(capacity: number): void {
    this.present = resized(this.present, capacity);
    this.times = resized(this.times, capacity);
    this.goroutines = resized(this.goroutines, capacity);
    this.stacks = resized(this.stacks, capacity);
    this.names = resized(this.names, capacity);
    this.parents = resized(this.parents, capacity);
  }

  set(row: number, ev: TraceEvent, nameId: number): void {
    this.present[row] = 1;
    this.times[row] = ev.time;
    this.goroutines[row] = ev.g;
    this.stacks[row] = ev.stack;
    this.names[row] = nameId;
    this.parents[row] = ev.parentTaskId;
  }

  time(row: number): Nanoseconds | null {
    return this.present[row] ? this.times[row] : null;
  }

  record(row: number, taskId: TaskID): EventRecord | null {
    if (!this.present[row]) return null;
    return {
      kind: this.kind, time: this.times[row], goroutine: this.goroutines[row], stack: this.stacks[row],
      name: this.texts.get(this.names[row]), taskId, parentTaskId: this.parents[row],
    };
  }
}

export class TaskStore implements TaskTable {
  private count = 0;
  private capacity = 0;
  private ids = new Float64Array(0);
  private nameIds = new Uint32Array(0);
  /** Parent task id; NaN: not known (Go: nil). */
  private parents = new Float64Array(0);
  /** Task names, each once. */
  private readonly texts = new StringTable();
  private readonly starts = new BoundEvents(EventKind.TaskBegin, this.texts);
  private readonly ends = new BoundEvents(EventKind.TaskEnd, this.texts);
  private readonly childLists = new SmallLists();
  private readonly logLists = new SmallLists();
  private readonly regionLists = new SmallLists();
  private readonly goroutineLists = new SmallLists();
  /** Task id → row in insertion order, and once sorted (`seal`), row order by id. */
  private readonly rowOf = new Map<TaskID, number>();
  private byId: Uint32Array | null = null;

  get length(): number {
    return this.count;
  }

  /** The row of task `id`, added (nameless, no parent) if it is new. */
  row(id: TaskID): number {
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.count++;
      if (row === this.capacity) this.grow();
      this.ids[row] = id;
      this.parents[row] = NaN;
      this.rowOf.set(id, row);
    }
    return row;
  }

  /** TaskBegin or TaskEnd: the task's name is the latest such event's, as in Go. */
  bound(row: number, ev: TraceEvent): void {
    const nameId = this.texts.intern(ev.name);
    this.nameIds[row] = nameId;
    (ev.kind === EventKind.TaskBegin ? this.starts : this.ends).set(row, ev, nameId);
  }

  hasParent(row: number): boolean {
    return !Number.isNaN(this.parents[row]);
  }

  /** Links `row` to its parent's row (once: a task would otherwise appear twice among the children). */
  link(row: number, parentRow: number): void {
    this.parents[row] = this.ids[parentRow];
    this.childLists.add(parentRow, this.ids[row]);
  }

  addGoroutine(row: number, g: GoID): void {
    this.goroutineLists.addOnce(row, g);
  }

  addLog(row: number, log: number): void {
    this.logLists.add(row, log);
  }

  addRegion(row: number, region: number): void {
    this.regionLists.add(row, region);
  }

  /** Done adding: rows are read in task-id order from now on. */
  seal(): void {
    const rows = Array.from({ length: this.count }, (_, i) => i).sort((a, b) => this.ids[a] - this.ids[b]);
    this.byId = Uint32Array.from(rows);
    for (let i = 0; i < rows.length; i++) this.rowOf.set(this.ids[rows[i]], i);
  }

  get(i: number): TaskSummary {
    const row = this.stored(i);
    const id = this.ids[row];
    return {
      id,
      name: this.texts.get(this.nameIds[row]),
      parent: Number.isNaN(this.parents[row]) ? null : this.parents[row],
      children: this.childLists.get(row),
      start: this.starts.record(row, id),
      end: this.ends.record(row, id),
      logs: this.logLists.get(row),
      regions: this.regionLists.get(row),
      goroutines: this.goroutineLists.get(row),
    };
  }

  list(): TaskSummary[] {
    return Array.from({ length: this.count }, (_, i) => this.get(i));
  }

  indexOf(id: TaskID): number {
    return this.rowOf.get(id) ?? -1;
  }

  id(i: number): TaskID {
    return this.ids[this.stored(i)];
  }

  name(i: number): string {
    return this.texts.get(this.nameIds[this.stored(i)]);
  }

  startTime(i: number): Nanoseconds | null {
    return this.starts.time(this.stored(i));
  }

  endTime(i: number): Nanoseconds | null {
    return this.ends.time(this.stored(i));
  }

  logs(i: number): number[] {
    return this.logLists.get(this.stored(i));
  }

  regions(i: number): number[] {
    return this.regionLists.get(this.stored(i));
  }

  /** The stored row of sorted row `i`. */
  private stored(i: number): number {
    if (this.byId === null) throw new Error('TaskStore: read before seal()');
    return this.byId[i];
  }

  private grow(): void {
    const n = grownCapacity(this.capacity, 8);
    this.ids = resized(this.ids, n);
    this.nameIds = resized(this.nameIds, n);
    this.parents = resized(this.parents, n);
    this.starts.grow(n);
    this.ends.grow(n);
    for (const lists of [this.childLists, this.logLists, this.regionLists, this.goroutineLists]) lists.grow(n);
    this.capacity = n;
  }
}
