// Goroutine state spans, gathered by goroutine while the pass appends them. The model stores
// them row by row (goroutine-id order), but they arrive interleaved across millions of
// goroutines; sorting 27 M spans by row at the end is a random gather per span and column.
// Instead each live goroutine stages its spans in a small slot and moves them to the append
// columns a block at a time (when the slot fills, or the goroutine exits), so finishing orders
// blocks, not spans, and reads each block sequentially.

import { resized, writtenZeros } from './typed-arrays.ts';
import {
  ChunkedColumn, chunkedF64, chunkedU8, NarrowChunkedColumn, narrowChunked, RecordCursor, take, u32, u8,
  type BlockMoves, type ChunkedParts, type IntColumn, type NarrowChunkedParts,
} from './timeline-columns.ts';
import { GoroutineRecords, STATE_SLOT } from './timeline-goroutines.ts';
import type { TraceEvent } from './event.ts';

/** Spans a live goroutine stages before they move to the columns as one block. */
const STAGE = 8;

export interface StateRows {
  start: Float64Array;
  state: Uint8Array;
  reason: IntColumn;
  stack: IntColumn;
  /** Row k (in the order asked for) covers spans [rowOffset[k], rowOffset[k+1]). */
  rowOffset: Uint32Array;
}

export class StateRowsBuilder {
  // Staging: slot s holds spans s·STAGE … s·STAGE + stageFill[s] − 1 of the row it serves.
  private readonly freeSlots: number[] = [];
  private slots = 0;
  private stageFill = new Uint8Array(64);
  private stageStart = new Float64Array(64 * STAGE);
  private stageState = new Uint8Array(64 * STAGE);
  private stageReason = new Float64Array(64 * STAGE);
  private stageStack = new Float64Array(64 * STAGE);

  // Blocks, in the order they were moved: spans [blockStart, blockStart + blockLength) of blockRow.
  private readonly start = chunkedF64();
  private readonly state = chunkedU8();
  private readonly reason = narrowChunked();
  private readonly stack = narrowChunked();
  private readonly cursor = new RecordCursor([this.start, this.state, this.reason, this.stack]);
  private readonly blockRow = u32();
  private readonly blockStart = u32();
  private readonly blockLength = u8();

  /**
   * `records`: the builder's goroutine records, whose STATE_SLOT field is the row's slot + 1;
   * `clock`: the trace's start, where backdated spans begin.
   */
  constructor(private readonly records: GoroutineRecords, private readonly clock: { readonly startTime: number }) {}

  /**
   * push() of the span transition `ev` begins, at its time or (`backdated`) the trace's start.
   * The times are read here, not passed: a double passed to a call that is not inlined is
   * boxed, and this runs at most goroutine transitions.
   */
  pushTransition(row: number, ev: TraceEvent, backdated: boolean, state: number, reason: number): void {
    const i = this.stage(row, state, reason, ev.stack);
    this.stageStart[i] = backdated ? this.clock.startTime : ev.time;
  }

  push(row: number, start: number, state: number, reason: number, stack: number): void {
    const i = this.stage(row, state, reason, stack);
    this.stageStart[i] = start;
  }

  /** Stages a span of the row but for its start, and returns its index in the stage arrays (which it may replace). */
  private stage(row: number, state: number, reason: number, stack: number): number {
    let slot = this.records.data[GoroutineRecords.at(row, STATE_SLOT)] - 1;
    if (slot < 0) slot = this.stageFor(row);
    let fill = this.stageFill[slot];
    if (fill === STAGE) {
      this.flush(row, slot);
      fill = 0;
    }
    const i = slot * STAGE + fill;
    this.stageState[i] = state;
    this.stageReason[i] = reason;
    this.stageStack[i] = stack;
    this.stageFill[slot] = fill + 1;
    return i;
  }

  /** The row will have no spans for a while (its goroutine exited): move its staged spans out. */
  close(row: number): void {
    const slot = this.records.data[GoroutineRecords.at(row, STATE_SLOT)] - 1;
    if (slot < 0) return;
    this.flush(row, slot);
    this.records.data[GoroutineRecords.at(row, STATE_SLOT)] = 0;
    this.freeSlots.push(slot);
  }

  private stageFor(row: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slots++;
      if (slot === this.stageFill.length) this.growStage();
    }
    this.stageFill[slot] = 0;
    this.records.data[GoroutineRecords.at(row, STATE_SLOT)] = slot + 1;
    return slot;
  }

  private growStage(): void {
    this.stageFill = resized(this.stageFill, this.stageFill.length * 2);
    this.stageStart = resized(this.stageStart, this.stageStart.length * 2);
    this.stageState = resized(this.stageState, this.stageState.length * 2);
    this.stageReason = resized(this.stageReason, this.stageReason.length * 2);
    this.stageStack = resized(this.stageStack, this.stageStack.length * 2);
  }

  private flush(row: number, slot: number): void {
    const fill = this.stageFill[slot];
    if (fill === 0) return;
    this.blockRow.push(row);
    this.blockStart.push(this.cursor.length);
    this.blockLength.push(fill);
    for (let i = slot * STAGE, end = i + fill; i < end; i++) {
      const o = this.cursor.next();
      this.start.current[o] = this.stageStart[i];
      this.state.current[o] = this.stageState[i];
      const reason = this.stageReason[i];
      const reasons = this.reason.current;
      reasons[o] = reason;
      if (reasons[o] !== reason) this.reason.widenCurrent(o, reason);
      const stack = this.stageStack[i];
      const stacks = this.stack.current;
      stacks[o] = stack;
      if (stacks[o] !== stack) this.stack.widenCurrent(o, stack);
    }
    this.stageFill[slot] = 0;
  }

  /** Spans moved out of staging so far (those still staged are not counted). */
  get movedSpans(): number {
    return this.cursor.length;
  }

  /** Every span moved out of staging, as the blocks buildStateRows orders. The builder takes no more. */
  staged(): StagedStateRows {
    for (let row = 0; row < this.records.count; row++) if (this.records.data[GoroutineRecords.at(row, STATE_SLOT)] !== 0) this.close(row);
    this.cursor.seal();
    return {
      start: this.start,
      state: this.state,
      reason: this.reason,
      stack: this.stack,
      blockRow: this.blockRow.data,
      blockStart: this.blockStart.data,
      blockLength: this.blockLength.data,
      blocks: this.blockRow.length,
    };
  }
}

/** The pass's state spans: blocks of consecutive spans of one row, in the order they were moved. */
export interface StagedStateRows {
  start: ChunkedColumn<Float64Array>;
  state: ChunkedColumn<Uint8Array>;
  reason: NarrowChunkedColumn;
  stack: NarrowChunkedColumn;
  /** Block b: spans [blockStart[b], blockStart[b] + blockLength[b]) of row blockRow[b], b < blocks. */
  blockRow: Uint32Array;
  blockStart: Uint32Array;
  blockLength: Uint8Array;
  blocks: number;
}

/**
 * The spans row by row, rows in the order rowOfK (rows missing from it must have no spans);
 * each row's spans in the order they were pushed. Releases the staged columns as it goes.
 */
export function buildStateRows(staged: StagedStateRows, rowOfK: Uint32Array, kOfRow: Uint32Array): StateRows {
  const { blockRow, blockLength, blocks } = staged;
  const rows = rowOfK.length;
  // Spans per track, counted here rather than per block in the pass (a random access there, to
  // the row of each goroutine that exits), then summed in place into offsets.
  const rowOffset = writtenZeros(Uint32Array, rows + 1);
  for (let b = 0; b < blocks; b++) rowOffset[kOfRow[blockRow[b]] + 1] += blockLength[b];
  for (let k = 0; k < rows; k++) rowOffset[k + 1] += rowOffset[k];
  // Each block's place: blocks by k, stably (a row's blocks stay in push order).
  const next = rowOffset.slice(0, rows);
  const dest = new Uint32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const k = kOfRow[blockRow[b]];
    dest[b] = next[k];
    next[k] += blockLength[b];
  }
  const moves: BlockMoves = { source: staged.blockStart, length: blockLength, dest, count: blocks };
  const spans = staged.start.length;
  return {
    start: take(staged.start, (c) => c.movedBlocks(moves, spans)),
    state: take(staged.state, (c) => c.movedBlocks(moves, spans)),
    reason: take(staged.reason, (c) => c.movedBlocksNarrow(moves, spans)),
    stack: take(staged.stack, (c) => c.movedBlocksNarrow(moves, spans)),
    rowOffset,
  };
}

/**
 * Staged state rows as plain data for another thread, which takes them over: the columns are
 * released here (their chunks are shared memory, see packStagedFlows).
 */
export function packStagedStateRows(staged: StagedStateRows): PackedStagedStateRows {
  return {
    ...staged,
    start: take(staged.start, (c) => c.parts()),
    state: take(staged.state, (c) => c.parts()),
    reason: take(staged.reason, (c) => c.parts()),
    stack: take(staged.stack, (c) => c.parts()),
  };
}

export function unpackStagedStateRows(p: PackedStagedStateRows): StagedStateRows {
  return {
    ...p,
    start: ChunkedColumn.fromParts(Float64Array, p.start),
    state: ChunkedColumn.fromParts(Uint8Array, p.state),
    reason: NarrowChunkedColumn.fromParts(p.reason),
    stack: NarrowChunkedColumn.fromParts(p.stack),
  };
}

export interface PackedStagedStateRows extends Omit<StagedStateRows, 'start' | 'state' | 'reason' | 'stack'> {
  start: ChunkedParts<Float64Array>;
  state: ChunkedParts<Uint8Array>;
  reason: NarrowChunkedParts;
  stack: NarrowChunkedParts;
}
