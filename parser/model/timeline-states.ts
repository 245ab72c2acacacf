// Goroutine state spans, gathered by goroutine while the pass appends them. The model reads
// them row by row, but they arrive interleaved across millions of goroutines. So each live
// goroutine stages its spans in a small slot and moves them to the append columns a block at a
// time (when the slot fills, or the goroutine exits): a goroutine that lived for one block
// (nearly all of them) then has its spans together, where the model reads them in place, and a
// longer-lived one moves its spans to columns of its own (PrivateRow) at its second block.

import { growingArray, resized, writtenZeros } from './typed-arrays.ts';
import {
  CHUNK_BITS, CHUNK_MASK, ChunkedColumn, usedChunks, chunkedF64, chunkedU8, NARROW_TYPES, NarrowChunkedColumn, narrowChunked, RecordCursor, SMALL_FIRST_CHUNK, take, u32, u8,
  type ChunkedParts, type IntColumn, type NarrowChunkedParts,
} from './timeline-columns.ts';
import { GoroutineRecords, STATE_HOME, STATE_SLOT } from './timeline-goroutines.ts';
import type { TraceEvent } from './event.ts';

/** Spans a live goroutine stages before they move to the columns as one block. */
const STAGE = 8;
/** STATE_HOME of a row whose spans go to columns of its own (PrivateRow). */
const PRIVATE_STATE_ROW = 0xffffffff;

/** Span columns in chunks: the shared ones of StateRowsBuilder, a long-lived row's own, the model's. */
export interface SpanColumns {
  start: Float64Array[];
  state: Uint8Array[];
  reason: IntColumn[];
  stack: IntColumn[];
}

/**
 * Appendable span columns: StateRowsBuilder's shared ones, and those of a goroutine that flushed
 * more than one block (a long-lived one), whose spans go to columns of their own from its second
 * block on, so they are together for the model without a copy of scattered blocks at finish
 * (56 goroutines held 6.7 M of 26.7 M spans on the 183 MB trace).
 */
class StateSpans {
  readonly start = chunkedF64(SMALL_FIRST_CHUNK);
  readonly state = chunkedU8(SMALL_FIRST_CHUNK);
  readonly reason = narrowChunked(SMALL_FIRST_CHUNK);
  readonly stack = narrowChunked(SMALL_FIRST_CHUNK);
  readonly cursor = new RecordCursor([this.start, this.state, this.reason, this.stack]);

  /** Appends staged spans [from, end) of the stage arrays. */
  appendStaged(stage: { start: Float64Array; state: Uint8Array; reason: Float64Array; stack: Float64Array }, from: number, end: number): void {
    for (let i = from; i < end; i++) this.put(stage.start[i], stage.state[i], stage.reason[i], stage.stack[i]);
  }

  /** Appends spans [from, end) of `other`. */
  appendFrom(other: StateSpans, from: number, end: number): void {
    for (let i = from; i < end; i++) this.put(other.start.get(i), other.state.get(i), other.reason.get(i), other.stack.get(i));
  }

  /** Leaves values up to the next chunk unused if `count` more would cross into it (a row's block is read within one chunk). */
  keepInOneChunk(count: number): void {
    const n = this.cursor.length;
    if (n >>> CHUNK_BITS === (n + count - 1) >>> CHUNK_BITS) return;
    while (this.cursor.length & CHUNK_MASK) this.cursor.next();
  }

  private put(start: number, state: number, reason: number, stack: number): void {
    const o = this.cursor.next();
    this.start.current[o] = start;
    this.state.current[o] = state;
    this.reason.store(o, reason);
    this.stack.store(o, stack);
  }

  /** The chunks holding the values so far (the columns take no more). */
  chunks(): SpanColumns {
    this.cursor.seal();
    const n = this.cursor.length;
    return {
      start: usedChunks(this.start.parts().chunks, n),
      state: usedChunks(this.state.parts().chunks, n),
      reason: usedChunks(this.reason.parts().chunks, n),
      stack: usedChunks(this.stack.parts().chunks, n),
    };
  }
}

/** A long-lived row's spans (its StateSpans' chunks, in shared memory). */
export interface PrivateRowParts extends SpanColumns {
  row: number;
  length: number;
}

/** The state rows as the model stores them (StateColumns minus the rows' ends). */
export interface StateRows extends SpanColumns {
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

  // Blocks, in the order they were moved: spans [blockStart, blockStart + blockLength) of blockRow
  // in the shared columns, each within one chunk. The model keeps these chunks (buildStateRows).
  private readonly shared = new StateSpans();
  private readonly blockRow = u32();
  private readonly blockStart = u32();
  private readonly blockLength = u8();
  /** Long-lived rows' own columns, by row. */
  private readonly privateRows = new Map<number, StateSpans>();
  /** Spans flushed to private rows (not counting the first blocks they took over). */
  private privateSpans = 0;

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
    const homeAt = GoroutineRecords.at(row, STATE_HOME);
    const home = this.records.data[homeAt];
    if (home !== 0) {
      this.flushPrivate(row, slot, fill, home);
      return;
    }
    this.records.data[homeAt] = this.blockRow.length + 1;
    this.shared.keepInOneChunk(fill);
    this.blockRow.push(row);
    this.blockStart.push(this.shared.cursor.length);
    this.blockLength.push(fill);
    this.shared.appendStaged(this.stageArrays(), slot * STAGE, slot * STAGE + fill);
    this.stageFill[slot] = 0;
  }

  private stageArrays() {
    return { start: this.stageStart, state: this.stageState, reason: this.stageReason, stack: this.stageStack };
  }

  /**
   * A row's second block and later ones go to its own columns; on the second, the first block
   * (`home` − 1) moves there too and stays behind empty (length 0).
   */
  private flushPrivate(row: number, slot: number, fill: number, home: number): void {
    let own = this.privateRows.get(row);
    if (own === undefined) {
      own = new StateSpans();
      this.privateRows.set(row, own);
      const block = home - 1;
      const first = this.blockStart.data[block];
      own.appendFrom(this.shared, first, first + this.blockLength.data[block]);
      this.blockLength.data[block] = 0;
      this.records.data[GoroutineRecords.at(row, STATE_HOME)] = PRIVATE_STATE_ROW;
    }
    own.appendStaged(this.stageArrays(), slot * STAGE, slot * STAGE + fill);
    this.privateSpans += fill;
    this.stageFill[slot] = 0;
  }

  /** Spans moved out of staging so far (those still staged are not counted). */
  get movedSpans(): number {
    return this.shared.cursor.length + this.privateSpans;
  }

  /** Every span moved out of staging, as the blocks buildStateRows orders. The builder takes no more. */
  staged(): StagedStateRows {
    for (let row = 0; row < this.records.count; row++) if (this.records.data[GoroutineRecords.at(row, STATE_SLOT)] !== 0) this.close(row);
    this.shared.cursor.seal();
    const privateRows = [...this.privateRows].map(([row, own]) => ({ row, length: own.cursor.length, ...own.chunks() }));
    this.privateRows.clear();
    return {
      start: this.shared.start,
      state: this.shared.state,
      reason: this.shared.reason,
      stack: this.shared.stack,
      blockRow: this.blockRow.data,
      blockStart: this.blockStart.data,
      blockLength: this.blockLength.data,
      blocks: this.blockRow.length,
      privateRows,
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
  /** Rows whose spans are in columns of their own (no block of theirs has any length). */
  privateRows: PrivateRowParts[];
}

/**
 * The spans row by row, rows in the order rowOfK (rows missing from it must have no spans),
 * each row's spans in the order they were pushed. The staged chunks become the model's: a row
 * whose spans are one block (nearly every goroutine; a block never crosses a chunk's end) is
 * read where it is, and a long-lived one's own columns are packed into new chunks. Moving every
 * span into row order instead cost ~0.8 s of CPU and ~100 K fresh pages on a 170 MB trace.
 */
export function buildStateRows(staged: StagedStateRows, rowOfK: Uint32Array, kOfRow: Uint32Array): StateRows {
  const { blockRow, blockStart, blockLength, blocks } = staged;
  const rows = rowOfK.length;
  const shared = staged.start.length;
  const rowCount = writtenZeros(Uint32Array, rows);
  const rowFirst = writtenZeros(Uint32Array, rows);
  const columns: SpanColumns = {
    start: usedChunks(staged.start.parts().chunks, shared),
    state: usedChunks(staged.state.parts().chunks, shared),
    reason: usedChunks(staged.reason.parts().chunks, shared),
    stack: usedChunks(staged.stack.parts().chunks, shared),
  };
  let spans = 0;
  // A row in the shared columns has one block (flush moves a second one's row to columns of its own).
  for (let b = 0; b < blocks; b++) {
    const k = kOfRow[blockRow[b]];
    rowFirst[k] = blockStart[b];
    rowCount[k] = blockLength[b];
    spans += blockLength[b];
  }
  const packer = new RowPacker(columns);
  const places = staged.privateRows.map((own) => packer.place(own.length, widestLevel(own.reason), widestLevel(own.stack)));
  packer.allocate();
  staged.privateRows.forEach((own, n) => {
    const at = places[n];
    for (const key of SPAN_COLUMNS) {
      const to = columns[key][at.chunk];
      let o = at.offset;
      for (const chunk of own[key]) {
        to.set(chunk as never, o);
        o += chunk.length;
      }
    }
    const k = kOfRow[own.row];
    rowFirst[k] = at.first;
    rowCount[k] = own.length;
    spans += own.length;
  });
  if (columns.start.length === 0) {
    // No spans: one empty chunk, so that every row (of no spans) has arrays to point to.
    columns.start.push(new Float64Array(0));
    columns.state.push(new Uint8Array(0));
    columns.reason.push(new Uint8Array(0));
    columns.stack.push(new Uint8Array(0));
  }
  return { ...columns, rowFirst, rowCount, spans };
}

const SPAN_COLUMNS = ['start', 'state', 'reason', 'stack'] as const;

/** The level (NARROW_TYPES index) that holds every value of a row's narrow chunks. */
function widestLevel(chunks: readonly IntColumn[]): number {
  return chunks.reduce((level, c) => Math.max(level, NARROW_TYPES.indexOf(c.constructor as (typeof NARROW_TYPES)[number])), 0);
}

/** Rows are packed into new chunks of this many values (a longer row gets one of its own length). */
const PACKED_CHUNK = 1 << CHUNK_BITS;

/**
 * Places long-lived rows' spans in new chunks appended to the columns, each row within one chunk:
 * place() them all, allocate(), then copy.
 */
class RowPacker {
  private readonly chunks: { length: number; reasonLevel: number; stackLevel: number }[] = [];
  private packing = -1;
  private readonly places: { chunk: number; offset: number; first: number }[] = [];

  constructor(private readonly columns: SpanColumns) {}

  /** A row of `count` spans whose narrow columns need these levels; its place is filled in by allocate(). */
  place(count: number, reasonLevel: number, stackLevel: number): { chunk: number; offset: number; first: number } {
    let chunk: number;
    let offset = 0;
    if (count > PACKED_CHUNK) {
      chunk = this.chunks.push({ length: count, reasonLevel: 0, stackLevel: 0 }) - 1;
    } else {
      if (this.packing < 0 || this.chunks[this.packing].length + count > PACKED_CHUNK) {
        this.packing = this.chunks.push({ length: 0, reasonLevel: 0, stackLevel: 0 }) - 1;
      }
      chunk = this.packing;
      offset = this.chunks[chunk].length;
      this.chunks[chunk].length += count;
    }
    const c = this.chunks[chunk];
    c.reasonLevel = Math.max(c.reasonLevel, reasonLevel);
    c.stackLevel = Math.max(c.stackLevel, stackLevel);
    const place = { chunk, offset, first: 0 };
    this.places.push(place);
    return place;
  }

  /** Appends the chunks to the columns; each place's chunk and `first` (StateColumns.rowFirst) become final. */
  allocate(): void {
    const base = this.columns.start.length;
    if (base + this.chunks.length > 2 ** (32 - CHUNK_BITS)) throw new Error(`timeline: too many state rows to place (${this.chunks.length} chunks)`);
    for (const c of this.chunks) {
      this.columns.start.push(growingArray(Float64Array, c.length));
      this.columns.state.push(growingArray(Uint8Array, c.length));
      this.columns.reason.push(growingArray(NARROW_TYPES[c.reasonLevel], c.length));
      this.columns.stack.push(growingArray(NARROW_TYPES[c.stackLevel], c.length));
    }
    for (const place of this.places) {
      place.chunk += base;
      place.first = place.chunk * PACKED_CHUNK + place.offset;
    }
  }
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
