// Flows (start causes: "go", "unblock (…)", "exit blocked syscall") as the pass records them.
// A flow's slot is taken when the cause is recorded (so slots are nearly in fromTime order, the
// model's order); `started` numbers the completed ones in start order (0: never started, or the
// cause was replaced), and their targets are appended in that order when the goroutines start
// (one random write per flow, not one per target column).

import { chunkedF64, chunkedU32, narrowChunked, RecordCursor, type NarrowChunkedColumn } from './timeline-columns.ts';
import { sortIndicesByKeys } from './timeline-sort.ts';
import type { FlowColumns } from './timeline.ts';
import { GoState, type TraceEvent } from './event.ts';

export class FlowStore {
  private readonly name = narrowChunked();
  private readonly fromTime = chunkedF64();
  private readonly fromG = narrowChunked();
  private readonly fromP = narrowChunked();
  private readonly fromM = narrowChunked();
  private readonly fromStack = narrowChunked();
  /** By slot: its number in start order (written when the target starts; zero until then). */
  private readonly started = chunkedU32();
  private startedCount = 0;
  private readonly cursor = new RecordCursor([this.name, this.fromTime, this.fromG, this.fromP, this.fromM, this.fromStack, this.started]);
  // Targets, in start order: started − 1 is a flow's index here.
  private readonly toTime = chunkedF64();
  private readonly toG = narrowChunked();
  private readonly toP = narrowChunked();
  private readonly toM = narrowChunked();
  private readonly toCursor = new RecordCursor([this.toTime, this.toG, this.toP, this.toM]);

  // Events are passed whole, not their fields: a time passed to a call that is not inlined is
  // boxed, and these run at most goroutine transitions.

  /** Records the cause `name`, event `ev`; returns its slot. */
  add(name: number, ev: TraceEvent): number {
    const slot = this.cursor.length;
    const o = this.cursor.next();
    this.fromTime.current[o] = ev.time;
    put(this.name, o, name);
    put(this.fromG, o, ev.g);
    put(this.fromP, o, ev.p);
    put(this.fromM, o, ev.m);
    put(this.fromStack, o, ev.stack);
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
    put(this.toG, o, ev.resourceId);
    put(this.toP, o, ev.p);
    put(this.toM, o, ev.m);
  }

  /**
   * The started flows by source time, ties in the order their targets started, as model
   * columns. Releases the store.
   */
  build(): FlowColumns {
    this.cursor.seal();
    this.toCursor.seal();
    const slots = this.fromTime.length;
    const from = this.fromTime.trimmed();
    this.fromTime.release();
    const started = this.started.trimmed();
    this.started.release();
    const order = new Uint32Array(this.startedCount);
    let n = 0;
    for (let i = 0; i < slots; i++) if (started[i] !== 0) order[n++] = i;
    sortIndicesByKeys(order, from, started);
    const selected = n < slots;
    // The targets hold exactly the started flows: every one is selected.
    const targetOrder = new Uint32Array(n);
    for (let i = 0; i < n; i++) targetOrder[i] = started[order[i]] - 1;
    return {
      name: take(this.name, (c) => c.permutedNarrow(order, selected)),
      fromTime: permute(from, order),
      toTime: take(this.toTime, (c) => c.permuted(targetOrder)),
      fromG: take(this.fromG, (c) => c.permutedNarrow(order, selected)),
      fromP: take(this.fromP, (c) => c.permutedNarrow(order, selected)),
      fromM: take(this.fromM, (c) => c.permutedNarrow(order, selected)),
      toG: take(this.toG, (c) => c.permutedNarrow(targetOrder)),
      toP: take(this.toP, (c) => c.permutedNarrow(targetOrder)),
      toM: take(this.toM, (c) => c.permutedNarrow(targetOrder)),
      fromStack: take(this.fromStack, (c) => c.permutedNarrow(order, selected)),
    };
  }
}

/** Stores `value` at offset `o` of the column's current chunk, widening it if needed. */
function put(column: NarrowChunkedColumn, o: number, value: number): void {
  const chunk = column.current;
  chunk[o] = value;
  if (chunk[o] !== value) column.widenCurrent(o, value);
}

/** `column` turned into its final form by `build`, then released (one copy alive at a time). */
function take<C extends { release(): void }, R>(column: C, build: (c: C) => R): R {
  const out = build(column);
  column.release();
  return out;
}

/** A new array holding src[order[i]] at i (an in-place permutation saves the copy but is ~4× slower). */
function permute(src: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = src[order[i]];
  return out;
}
