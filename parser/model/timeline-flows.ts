// Flows (start causes: "go", "unblock (…)", "exit blocked syscall") as the pass records them.
// A flow's slot is taken when the cause is recorded (so slots are nearly in fromTime order, the
// model's order); `started` numbers the completed ones in start order (0: never started, or the
// cause was replaced), and their targets are appended in that order when the goroutines start
// (one random write per flow, not one per target column).

import {
  ChunkedColumn, chunkedF64, chunkedU32, GatherPlan, NarrowChunkedColumn, narrowChunked, RecordCursor, take,
  type ChunkedParts, type NarrowChunkedParts,
} from './timeline-columns.ts';
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

  /** Causes recorded so far. */
  get length(): number {
    return this.cursor.length;
  }

  /** What the pass recorded, for buildFlowColumns. The store takes no more. */
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

/**
 * The started flows by source time, ties in the order their targets started, as model columns.
 * Releases the staged columns as it goes.
 */
export function buildFlowColumns(staged: StagedFlows): FlowColumns {
  const slots = staged.fromTime.length;
  const from = staged.fromTime.trimmed();
  staged.fromTime.release();
  const started = staged.started.trimmed();
  staged.started.release();
  const order = new Uint32Array(staged.startedCount);
  let n = 0;
  for (let i = 0; i < slots; i++) if (started[i] !== 0) order[n++] = i;
  sortIndicesByKeys(order, from, started);
  const selected = n < slots;
  // The targets hold exactly the started flows: every one is selected.
  const targetOrder = new Uint32Array(n);
  for (let i = 0; i < n; i++) targetOrder[i] = started[order[i]] - 1;
  // One plan per order for its several columns (finding an order's runs costs as much as a gather).
  const sources = new GatherPlan(order);
  const targets = new GatherPlan(targetOrder);
  return {
    name: take(staged.name, (c) => c.permutedNarrow(sources, selected)),
    fromTime: permute(from, order),
    toTime: take(staged.toTime, (c) => c.permuted(targets)),
    fromG: take(staged.fromG, (c) => c.permutedNarrow(sources, selected)),
    fromP: take(staged.fromP, (c) => c.permutedNarrow(sources, selected)),
    fromM: take(staged.fromM, (c) => c.permutedNarrow(sources, selected)),
    toG: take(staged.toG, (c) => c.permutedNarrow(targets)),
    toP: take(staged.toP, (c) => c.permutedNarrow(targets)),
    toM: take(staged.toM, (c) => c.permutedNarrow(targets)),
    fromStack: take(staged.fromStack, (c) => c.permutedNarrow(sources, selected)),
  };
}

const NARROW_FLOW_COLUMNS = ['name', 'fromG', 'fromP', 'fromM', 'fromStack', 'toG', 'toP', 'toM'] as const;
const F64_FLOW_COLUMNS = ['fromTime', 'toTime'] as const;

/**
 * Staged flows as plain data for another thread, which takes them over: the columns are released
 * here, since their chunks are shared memory (growingArray), posted by sharing, not moving.
 */
export function packStagedFlows(staged: StagedFlows): PackedStagedFlows {
  const packed = { startedCount: staged.startedCount, started: take(staged.started, (c) => c.parts()) } as PackedStagedFlows;
  for (const k of NARROW_FLOW_COLUMNS) packed[k] = take(staged[k], (c) => c.parts());
  for (const k of F64_FLOW_COLUMNS) packed[k] = take(staged[k], (c) => c.parts());
  return packed;
}

export function unpackStagedFlows(p: PackedStagedFlows): StagedFlows {
  const staged = { startedCount: p.startedCount, started: ChunkedColumn.fromParts(Uint32Array, p.started) } as StagedFlows;
  for (const k of NARROW_FLOW_COLUMNS) staged[k] = NarrowChunkedColumn.fromParts(p[k]);
  for (const k of F64_FLOW_COLUMNS) staged[k] = ChunkedColumn.fromParts(Float64Array, p[k]);
  return staged;
}

export type PackedStagedFlows = { startedCount: number; started: ChunkedParts<Uint32Array> }
  & { [K in (typeof NARROW_FLOW_COLUMNS)[number]]: NarrowChunkedParts }
  & { [K in (typeof F64_FLOW_COLUMNS)[number]]: ChunkedParts<Float64Array> };

/** Stores `value` at offset `o` of the column's current chunk, widening it if needed. */
function put(column: NarrowChunkedColumn, o: number, value: number): void {
  const chunk = column.current;
  chunk[o] = value;
  if (chunk[o] !== value) column.widenCurrent(o, value);
}

/** A new array holding src[order[i]] at i (an in-place permutation saves the copy but is ~4× slower). */
function permute(src: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = src[order[i]];
  return out;
}
