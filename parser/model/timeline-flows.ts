// Flows (start causes: "go", "unblock (…)", "exit blocked syscall") as the pass records them.
// A flow's slot is taken when the cause is recorded (so slots are in fromTime order, the model's
// order, bar ties); `started` numbers the completed ones in start order (0: never started, or the
// cause was replaced), and their targets are appended in that order when the goroutines start
// (one random write per flow, not one per target column).

import {
  chunkValue, ChunkedColumn, usedChunks, chunkedF64, chunkedU32, NarrowChunkedColumn, narrowChunked, RecordCursor, SMALL_FIRST_CHUNK,
  type Chunks, type IntColumn,
} from './timeline-columns.ts';
import { sortIndicesByKeys } from './timeline-sort.ts';
import type { FlowColumns } from './timeline.ts';
import { GoState, type TraceEvent } from './event.ts';

export class FlowStore {
  // The model keeps these chunks (FlowTable).
  private readonly name = narrowChunked(SMALL_FIRST_CHUNK);
  private readonly fromTime = chunkedF64(SMALL_FIRST_CHUNK);
  private readonly fromG = narrowChunked(SMALL_FIRST_CHUNK);
  private readonly fromP = narrowChunked(SMALL_FIRST_CHUNK);
  private readonly fromM = narrowChunked(SMALL_FIRST_CHUNK);
  private readonly fromStack = narrowChunked(SMALL_FIRST_CHUNK);
  /** By slot: its number in start order (written when the target starts; zero until then). */
  private readonly started = chunkedU32(SMALL_FIRST_CHUNK);
  private startedCount = 0;
  private readonly cursor = new RecordCursor([this.name, this.fromTime, this.fromG, this.fromP, this.fromM, this.fromStack, this.started]);
  // Targets, in start order: started − 1 is a flow's index here.
  private readonly toTime = chunkedF64(SMALL_FIRST_CHUNK);
  private readonly toG = narrowChunked(SMALL_FIRST_CHUNK);
  private readonly toP = narrowChunked(SMALL_FIRST_CHUNK);
  private readonly toM = narrowChunked(SMALL_FIRST_CHUNK);
  private readonly toCursor = new RecordCursor([this.toTime, this.toG, this.toP, this.toM]);

  // Events are passed whole, not their fields: a time passed to a call that is not inlined is
  // boxed, and these run at most goroutine transitions.

  /** Records the cause `name`, event `ev`; returns its slot. */
  add(name: number, ev: TraceEvent): number {
    const slot = this.cursor.length;
    const o = this.cursor.next();
    this.fromTime.current[o] = ev.time;
    this.name.store(o, name);
    this.fromG.store(o, ev.g);
    this.fromP.store(o, ev.p);
    this.fromM.store(o, ev.m);
    this.fromStack.store(o, ev.stack);
    return slot;
  }

  /**
   * The goroutine the cause of `slot` leads to started: transition `ev`, at the trace's start
   * `startTime` if the goroutine's state was undetermined until then.
   */
  start(slot: number, ev: TraceEvent, clock: { readonly startTime: number }): void {
    this.started.set(slot, ++this.startedCount);
    const o = this.toCursor.next();
    this.toTime.current[o] = ev.oldState === GoState.Undetermined ? clock.startTime : ev.time;
    this.toG.store(o, ev.resourceId);
    this.toP.store(o, ev.p);
    this.toM.store(o, ev.m);
  }

  /** Causes recorded so far. */
  get length(): number {
    return this.cursor.length;
  }

  /** What the pass recorded, for FlowTable.fromStaged. The store takes no more. */
  staged(): StagedFlows {
    this.cursor.seal();
    this.toCursor.seal();
    return {
      name: this.name, fromTime: this.fromTime, fromG: this.fromG, fromP: this.fromP, fromM: this.fromM, fromStack: this.fromStack,
      started: this.started, startedCount: this.startedCount,
      toTime: this.toTime, toG: this.toG, toP: this.toP, toM: this.toM,
    };
  }
}

/** The pass's flows: causes by slot, `started` numbering those whose target started, targets in start order. */
export interface StagedFlows {
  name: NarrowChunkedColumn;
  fromTime: ChunkedColumn<Float64Array>;
  fromG: NarrowChunkedColumn;
  fromP: NarrowChunkedColumn;
  fromM: NarrowChunkedColumn;
  fromStack: NarrowChunkedColumn;
  started: ChunkedColumn<Uint32Array>;
  startedCount: number;
  toTime: ChunkedColumn<Float64Array>;
  toG: NarrowChunkedColumn;
  toP: NarrowChunkedColumn;
  toM: NarrowChunkedColumn;
}

/** The model's flows: FlowTable's storage, plain data (it crosses threads as it is). */
export interface FlowTableParts {
  /** Flow slots, drawn or not. */
  slots: number;
  /** Slots drawn: those whose target started. */
  count: number;
  // By slot, in fromTime order (ties: the order the targets started).
  name: Chunks;
  fromTime: Chunks;
  fromG: Chunks;
  fromP: Chunks;
  fromM: Chunks;
  fromStack: Chunks;
  /** By slot: 1 + the target's index in the target columns; 0: never started (not drawn). */
  target: Chunks;
  // By target, in the order the goroutines started.
  toTime: Chunks;
  toG: Chunks;
  toP: Chunks;
  toM: Chunks;
  /** FlowTable.latestArrivals() once made (a split finish's helper makes it while it would wait). */
  latestArrivals?: Float64Array;
}

/** Slots per block of FlowTable.latestArrivals(). */
export const FLOW_INDEX_BLOCK = 256;

/**
 * The flows of the model, kept in the chunks the pass recorded them in. Causes are recorded in
 * event order, which is already the model's order (by fromTime), so finishing them is a scan
 * for the rare ties out of order, not a copy of ten columns (~1 s of CPU and ~250 MB of fresh
 * pages on a 170 MB trace). Slots whose target never started stay, undrawn: readers ask drawn(i).
 */
export class FlowTable {
  constructor(readonly parts: FlowTableParts) {}

  /** The pass's flows as the model's (the staged columns are taken over, not copied). */
  static fromStaged(staged: StagedFlows): FlowTable {
    if (!orderTiesInPlace(staged)) staged = reordered(staged);
    const chunks = <T extends IntColumn>(c: { parts(): { chunks: T[] }; length: number }) => usedChunks(c.parts().chunks, c.length);
    return new FlowTable({
      slots: staged.fromTime.length,
      count: staged.startedCount,
      name: chunks(staged.name),
      fromTime: chunks(staged.fromTime),
      fromG: chunks(staged.fromG),
      fromP: chunks(staged.fromP),
      fromM: chunks(staged.fromM),
      fromStack: chunks(staged.fromStack),
      target: chunks(staged.started),
      toTime: chunks(staged.toTime),
      toG: chunks(staged.toG),
      toP: chunks(staged.toP),
      toM: chunks(staged.toM),
    });
  }

  /** Flow slots (indices for the methods below), drawn or not. */
  get slots(): number {
    return this.parts.slots;
  }

  /** Flows drawn. */
  get count(): number {
    return this.parts.count;
  }

  /** Whether slot i is a flow (its target started). */
  drawn(i: number): boolean {
    return this.targetOf(i) >= 0;
  }

  /** Slot i's index in the target columns, or -1 (never started). */
  private targetOf(i: number): number {
    return chunkValue(this.parts.target, i) - 1;
  }

  name(i: number): number {
    return chunkValue(this.parts.name, i);
  }

  fromTime(i: number): number {
    return chunkValue(this.parts.fromTime, i);
  }

  fromG(i: number): number {
    return chunkValue(this.parts.fromG, i);
  }

  fromP(i: number): number {
    return chunkValue(this.parts.fromP, i);
  }

  fromM(i: number): number {
    return chunkValue(this.parts.fromM, i);
  }

  fromStack(i: number): number {
    return chunkValue(this.parts.fromStack, i);
  }

  /** The target's fields, for a drawn slot. */
  toTime(i: number): number {
    return chunkValue(this.parts.toTime, this.targetOf(i));
  }

  toG(i: number): number {
    return chunkValue(this.parts.toG, this.targetOf(i));
  }

  toP(i: number): number {
    return chunkValue(this.parts.toP, this.targetOf(i));
  }

  toM(i: number): number {
    return chunkValue(this.parts.toM, this.targetOf(i));
  }

  /**
   * By block of FLOW_INDEX_BLOCK slots: the latest toTime of its drawn flows, or -Infinity, for
   * range queries to skip blocks. Made on first use (one pass over the chunks) unless it came made.
   */
  latestArrivals(): Float64Array {
    return (this.parts.latestArrivals ??= this.arrivalsByBlock());
  }

  private arrivalsByBlock(): Float64Array {
    const { slots, target, toTime } = this.parts;
    const blockSize = FLOW_INDEX_BLOCK;
    const out = new Float64Array(Math.ceil(slots / blockSize)).fill(-Infinity);
    for (let c = 0, base = 0; base < slots; base += target[c].length, c++) {
      const targets = target[c];
      const n = Math.min(targets.length, slots - base);
      for (let o = 0; o < n; o++) {
        const t = targets[o];
        if (t === 0) continue;
        const to = chunkValue(toTime, t - 1);
        const b = (base + o) / blockSize;
        if (to > out[b | 0]) out[b | 0] = to;
      }
    }
    return out;
  }

  /** The drawn flows as plain columns, in model order (for exports and digests; a copy). */
  columns(): FlowColumns {
    const n = this.count;
    const out: FlowColumns = {
      name: new Float64Array(n), fromTime: new Float64Array(n), toTime: new Float64Array(n),
      fromG: new Float64Array(n), fromP: new Float64Array(n), fromM: new Float64Array(n),
      toG: new Float64Array(n), toP: new Float64Array(n), toM: new Float64Array(n), fromStack: new Float64Array(n),
    };
    for (let i = 0, k = 0; i < this.slots; i++) {
      if (!this.drawn(i)) continue;
      out.name[k] = this.name(i);
      out.fromTime[k] = this.fromTime(i);
      out.toTime[k] = this.toTime(i);
      out.fromG[k] = this.fromG(i);
      out.fromP[k] = this.fromP(i);
      out.fromM[k] = this.fromM(i);
      out.toG[k] = this.toG(i);
      out.toP[k] = this.toP(i);
      out.toM[k] = this.toM(i);
      out.fromStack[k++] = this.fromStack(i);
    }
    return out;
  }

  get bytes(): number {
    let n = 0;
    for (const value of Object.values(this.parts)) {
      if (Array.isArray(value)) for (const chunk of value as ArrayBufferView[]) n += chunk.byteLength;
    }
    return n;
  }
}

/** The columns of a cause, which orderTiesInPlace moves together (fromTime is equal within a tie). */
const CAUSE_COLUMNS = ['name', 'fromG', 'fromP', 'fromM', 'fromStack', 'started'] as const;

/**
 * Slots are recorded in event order, so fromTime never decreases from one to the next; causes
 * recorded at the same time are drawn in the order their targets started (go tool trace's
 * order, and the model's before it kept the pass's columns). Puts such ties in that order in
 * place (never-started slots first: they are not drawn). Returns false, changing nothing, if a
 * time does decrease (then reordered() sorts the lot).
 */
function orderTiesInPlace(staged: StagedFlows): boolean {
  const times = staged.fromTime.parts().chunks;
  const started = staged.started.parts().chunks;
  const slots = staged.fromTime.length;
  // One pass over the chunks for the ties out of order (usually a few dozen in millions): the
  // first slot of each run of equal times that has one.
  const unordered: number[] = [];
  let prevTime = -Infinity;
  let prevStarted = 0;
  let runStart = 0;
  for (let c = 0, base = 0; base < slots; base += times[c].length, c++) {
    const t = times[c];
    const s = started[c];
    const n = Math.min(t.length, slots - base);
    for (let o = 0; o < n; o++) {
      const time = t[o];
      if (time < prevTime) return false;
      if (time !== prevTime) runStart = base + o;
      else if (s[o] < prevStarted && unordered[unordered.length - 1] !== runStart) unordered.push(runStart);
      prevTime = time;
      prevStarted = s[o];
    }
  }
  // Each such run is insertion-sorted by start order, every cause column moving together.
  const time = (i: number) => staged.fromTime.get(i);
  const startOf = (i: number) => staged.started.get(i);
  for (const lo of unordered) {
    for (let i = lo + 1; i < slots && time(i) === time(lo); i++) {
      for (let j = i; j > lo && startOf(j - 1) > startOf(j); j--) {
        for (const k of CAUSE_COLUMNS) {
          const column = staged[k];
          const a = column.get(j - 1);
          column.set(j - 1, column.get(j));
          column.set(j, a);
        }
      }
    }
  }
  return true;
}

/** The staged flows with their slots sorted by (fromTime, started), as new columns (rarely needed). */
function reordered(staged: StagedFlows): StagedFlows {
  const slots = staged.fromTime.length;
  const order = new Uint32Array(slots);
  for (let i = 0; i < slots; i++) order[i] = i;
  const from = staged.fromTime.trimmed();
  const started = staged.started.trimmed();
  sortIndicesByKeys(order, from, started);
  const rebuilt: StagedFlows = {
    ...staged,
    name: narrowChunked(), fromTime: chunkedF64(), fromG: narrowChunked(), fromP: narrowChunked(),
    fromM: narrowChunked(), fromStack: narrowChunked(), started: chunkedU32(),
  };
  for (let k = 0; k < slots; k++) {
    const i = order[k];
    rebuilt.fromTime.push(from[i]);
    for (const key of CAUSE_COLUMNS) rebuilt[key].push(staged[key].get(i));
  }
  for (const k of CAUSE_COLUMNS) staged[k].release();
  staged.fromTime.release();
  return rebuilt;
}
