// Goroutine state spans, gathered by goroutine while the pass appends them. The model reads
// them row by row, but they arrive interleaved across millions of goroutines. So each live
// goroutine stages its spans in a small slot and moves them to the append columns a block at a
// time (when the slot fills, or the goroutine exits): a goroutine that lived for a block or two
// (nearly all of them) then has its spans together, where the model reads them in place, and
// finishing copies only the rows of the few long-lived ones (buildStateRows).

import { growingArray, resized, writtenZeros } from './typed-arrays.ts';
import {
  CHUNK_BITS, CHUNK_MASK, ChunkedColumn, usedChunks, chunkedF64, chunkedU8, NARROW_TYPES, NarrowChunkedColumn, narrowChunked, RecordCursor, SMALL_FIRST_CHUNK, take, u32, u8,
  type ChunkedParts, type Chunks, type IntColumn, type NarrowChunkedParts,
} from './timeline-columns.ts';
import { GoroutineRecords, STATE_SLOT } from './timeline-goroutines.ts';
import type { TraceEvent } from './event.ts';

/** Spans a live goroutine stages before they move to the columns as one block. */
const STAGE = 8;

/** The state rows as the model stores them (StateColumns minus the rows' ends). */
export interface StateRows {
  start: Float64Array[];
  state: Uint8Array[];
  reason: IntColumn[];
  stack: IntColumn[];
  /** Row k (in the order asked for): chunk · 2^16 + offset of its first span (see StateColumns). */
  rowFirst: Uint32Array;
  rowCount: Uint32Array;
  spans: number;
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
  // The model keeps these chunks (buildStateRows).
  private readonly start = chunkedF64(SMALL_FIRST_CHUNK);
  private readonly state = chunkedU8(SMALL_FIRST_CHUNK);
  private readonly reason = narrowChunked(SMALL_FIRST_CHUNK);
  private readonly stack = narrowChunked(SMALL_FIRST_CHUNK);
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
 * The spans row by row, rows in the order rowOfK (rows missing from it must have no spans),
 * each row's spans in the order they were pushed. The staged chunks become the model's: a row
 * whose spans are already one run within a chunk (nearly every goroutine: it lived for a block
 * or two) is read where it is, and only the others (the few long-lived goroutines, with a
 * quarter of the spans of a busy trace) are copied, into chunks of their own. Moving every span
 * into row order instead cost ~0.8 s of CPU and ~100 K fresh pages on a 170 MB trace.
 */
export function buildStateRows(staged: StagedStateRows, rowOfK: Uint32Array, kOfRow: Uint32Array): StateRows {
  const { blockRow, blockStart, blockLength, blocks } = staged;
  const rows = rowOfK.length;
  const spans = staged.start.length;
  // Per row: its span count, its first span, and whether its spans are one run within a chunk.
  const rowCount = writtenZeros(Uint32Array, rows);
  const rowFirst = writtenZeros(Uint32Array, rows);
  const scattered = new Uint8Array(rows);
  for (let b = 0; b < blocks; b++) {
    const k = kOfRow[blockRow[b]];
    const first = blockStart[b];
    const last = first + blockLength[b] - 1;
    if (rowCount[k] === 0) rowFirst[k] = first;
    else if (rowFirst[k] + rowCount[k] !== first) scattered[k] = 1;
    if (last >>> CHUNK_BITS !== rowFirst[k] >>> CHUNK_BITS) scattered[k] = 1;
    rowCount[k] += blockLength[b];
  }
  const columns = {
    start: usedChunks(staged.start.parts().chunks, spans),
    state: usedChunks(staged.state.parts().chunks, spans),
    reason: usedChunks(staged.reason.parts().chunks, spans),
    stack: usedChunks(staged.stack.parts().chunks, spans),
  };
  relocateScatteredRows(staged, columns, { rowFirst, rowCount, scattered, kOfRow });
  if (columns.start.length === 0) {
    // No spans: one empty chunk, so that every row (of no spans) has arrays to point to.
    columns.start.push(new Float64Array(0));
    columns.state.push(new Uint8Array(0));
    columns.reason.push(new Uint8Array(0));
    columns.stack.push(new Uint8Array(0));
  }
  return { ...columns, rowFirst, rowCount, spans };
}

/** Where relocateScatteredRows puts rows: chunks of this many values (a longer row gets one of its own length). */
const RELOCATED_CHUNK = 1 << CHUNK_BITS;

/**
 * Copies the spans of every scattered row, in block order, into new chunks appended to the
 * columns (rows packed into chunks of RELOCATED_CHUNK values, each row in one chunk), and points
 * rowFirst there. A new chunk's narrow columns take the widest type of the chunks its rows came from.
 */
function relocateScatteredRows(
  staged: StagedStateRows,
  columns: { start: Float64Array[]; state: Uint8Array[]; reason: IntColumn[]; stack: IntColumn[] },
  rowsInfo: { rowFirst: Uint32Array; rowCount: Uint32Array; scattered: Uint8Array; kOfRow: Uint32Array },
): void {
  const { rowFirst, rowCount, scattered, kOfRow } = rowsInfo;
  const { blockRow, blockStart, blockLength, blocks } = staged;
  const reasonLevel = staged.reason.parts().level;
  const stackLevel = staged.stack.parts().level;
  // Plan: each scattered row's chunk and offset (by first appearance), and each new chunk's size and types.
  const placeOf = new Map<number, { chunk: number; offset: number; fill: number }>();
  const newChunks: { length: number; reasonLevel: number; stackLevel: number }[] = [];
  let packing = -1;
  for (let b = 0; b < blocks; b++) {
    const k = kOfRow[blockRow[b]];
    if (scattered[k] === 0) continue;
    let place = placeOf.get(k);
    if (place === undefined) {
      const count = rowCount[k];
      if (count > RELOCATED_CHUNK) {
        newChunks.push({ length: count, reasonLevel: 0, stackLevel: 0 });
        place = { chunk: newChunks.length - 1, offset: 0, fill: 0 };
      } else {
        if (packing < 0 || newChunks[packing].length + count > RELOCATED_CHUNK) {
          newChunks.push({ length: 0, reasonLevel: 0, stackLevel: 0 });
          packing = newChunks.length - 1;
        }
        place = { chunk: packing, offset: newChunks[packing].length, fill: 0 };
        newChunks[packing].length += count;
      }
      placeOf.set(k, place);
    }
    // The source chunks of this block (it may straddle two).
    const chunk = newChunks[place.chunk];
    for (let c = blockStart[b] >>> CHUNK_BITS; c <= (blockStart[b] + blockLength[b] - 1) >>> CHUNK_BITS; c++) {
      chunk.reasonLevel = Math.max(chunk.reasonLevel, reasonLevel[c]);
      chunk.stackLevel = Math.max(chunk.stackLevel, stackLevel[c]);
    }
  }
  if (newChunks.length === 0) return;
  const base = columns.start.length;
  if (base + newChunks.length > 2 ** (32 - CHUNK_BITS)) throw new Error(`timeline: too many state spans (${staged.start.length})`);
  for (const c of newChunks) {
    columns.start.push(growingArray(Float64Array, c.length));
    columns.state.push(growingArray(Uint8Array, c.length));
    columns.reason.push(growingArray(NARROW_TYPES[c.reasonLevel], c.length));
    columns.stack.push(growingArray(NARROW_TYPES[c.stackLevel], c.length));
  }
  for (const [k, place] of placeOf) rowFirst[k] = (base + place.chunk) * RELOCATED_CHUNK + place.offset;
  // Copy: blocks in order, so each row's spans stay in push order; a column at a time (a block,
  // at most STAGE values, is copied value by value from its chunk: it may straddle two).
  const copyColumn = (from: Chunks, to: readonly IntColumn[]) => {
    for (let b = 0; b < blocks; b++) {
      const k = kOfRow[blockRow[b]];
      if (scattered[k] === 0) continue;
      const place = placeOf.get(k)!;
      const out = to[base + place.chunk];
      let at = place.offset + place.fill;
      for (let i = blockStart[b], end = i + blockLength[b]; i < end; i++) out[at++] = from[i >>> CHUNK_BITS][i & CHUNK_MASK];
      place.fill += blockLength[b];
    }
    for (const place of placeOf.values()) place.fill = 0;
  };
  copyColumn(staged.start.parts().chunks, columns.start);
  copyColumn(staged.state.parts().chunks, columns.state);
  copyColumn(staged.reason.parts().chunks, columns.reason);
  copyColumn(staged.stack.parts().chunks, columns.stack);
}

/**
 * Staged state rows as plain data for another thread, which takes them over: the columns are
 * released here (their chunks are shared memory: posted by sharing, not moving).
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
