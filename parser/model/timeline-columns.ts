// Growable typed-array columns for the timeline model. Spans are stored struct-of-arrays so a
// 30 M-event trace costs a few dozen bytes per span instead of one JS object each; columns grow
// (in chunks, or by doubling and then eightfold once big) while the single event pass appends,
// and are trimmed or permuted once at finish — or, where the pass already appends them in the
// model's order (flows, most state rows), kept as they are: the model reads their chunks.

import { grownCapacity, growingArray, narrowestUnsignedType, resized } from './typed-arrays.ts';

type TypedArray = Float64Array | Int32Array | Uint32Array | Uint8Array | Uint16Array | Int16Array;
type TypedArrayConstructor<T extends TypedArray> = { new (length: number): T; new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

/** An integer column in the narrowest array type that holds its values exactly (see narrowed()). */
export type IntColumn = Uint8Array | Uint16Array | Int16Array | Int32Array | Uint32Array | Float64Array;

/**
 * The first `length` values of `data` in the narrowest array type that holds them exactly:
 * ids and stack numbers are small in practice, so most columns shrink to 1–4 bytes a value.
 */
export function narrowed(data: ArrayLike<number>, length = data.length): IntColumn {
  const out = new (narrowestType(data, length))(length);
  for (let i = 0; i < length; i++) out[i] = data[i];
  return out;
}

type IntColumnConstructor = { new (length: number): IntColumn; new (buffer: SharedArrayBuffer): IntColumn; readonly BYTES_PER_ELEMENT: number };

export interface ValueRange {
  min: number;
  max: number;
  integer: boolean;
}

/**
 * Extends `range` by the first `length` values of `data`. Integer arrays take a loop of their own
 * type: one shared loop over every array type runs several times slower (megamorphic loads).
 *
 * The loops return what they find and store nothing after the loop: a long loop is compiled by
 * on-stack replacement during its first call, before any code after it has run, and a property
 * store there lacks type feedback. V8 11 then deoptimised that code at the store on every later
 * call too (~800 deoptimisations per load of the 183 MB bench trace).
 */
function widenRange(range: ValueRange, data: ArrayLike<number>, length: number): void {
  if (!range.integer) return;
  if (data instanceof Uint8Array) range.max = maxOfU8(data, length, range.max);
  else if (data instanceof Uint16Array) range.max = maxOfU16(data, length, range.max);
  else if (data instanceof Int32Array) {
    range.max = maxOfI32(data, length, range.max);
    range.min = minOfI32(data, length, range.min);
  } else if (data instanceof Uint32Array) range.max = maxOfU32(data, length, range.max);
  else widenByAny(range, data, length);
}

function maxOfU8(data: Uint8Array, length: number, max: number): number {
  for (let i = 0; i < length; i++) if (data[i] > max) max = data[i];
  return max;
}

function maxOfU16(data: Uint16Array, length: number, max: number): number {
  for (let i = 0; i < length; i++) if (data[i] > max) max = data[i];
  return max;
}

function maxOfU32(data: Uint32Array, length: number, max: number): number {
  for (let i = 0; i < length; i++) if (data[i] > max) max = data[i];
  return max;
}

// Two passes for Int32 columns (rare: signed ids) rather than a result object or a store after the loop.
function maxOfI32(data: Int32Array, length: number, max: number): number {
  for (let i = 0; i < length; i++) if (data[i] > max) max = data[i];
  return max;
}

function minOfI32(data: Int32Array, length: number, min: number): number {
  for (let i = 0; i < length; i++) if (data[i] < min) min = data[i];
  return min;
}

function widenByAny(range: ValueRange, data: ArrayLike<number>, length: number): void {
  let { min, max } = range;
  for (let i = 0; i < length && range.integer; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) range.integer = false;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  range.min = min;
  range.max = max;
}

function typeFor({ min, max, integer }: ValueRange): IntColumnConstructor {
  if (!integer) return Float64Array;
  if (min >= 0) return max <= 0xffffffff ? narrowestUnsignedType(max) : Float64Array;
  return min >= -0x8000 && max <= 0x7fff ? Int16Array : min >= -0x80000000 && max <= 0x7fffffff ? Int32Array : Float64Array;
}

/** The chunks of a chunked column, as the pass filled them (chunkValue reads value i). */
export type Chunks = readonly ArrayLike<number>[];

/**
 * Orders are mostly runs of consecutive indices (spans arrive nearly sorted): a run this long
 * is copied with one TypedArray.set (native, converting types as an element store would).
 */
const MIN_RUN_COPY = 16;

/**
 * An order split once into segments, so the several columns gathered by it do not each look for
 * its runs: segment s covers order[start[s] … start[s] + length[s]), and is either one run of
 * consecutive indices within a chunk (`run[s]` = 1: a block copy) or indices gathered one by one.
 */
export class GatherPlan {
  count = 0;
  start: Uint32Array;
  length: Uint32Array;
  run: Uint8Array;

  constructor(readonly order: Uint32Array) {
    const capacity = 16;
    this.start = new Uint32Array(capacity);
    this.length = new Uint32Array(capacity);
    this.run = new Uint8Array(capacity);
    let loose = 0;
    for (let i = 0; i < order.length; ) {
      const o = order[i];
      const max = Math.min(order.length - i, CHUNK - (o & CHUNK_MASK));
      let r = 1;
      while (r < max && order[i + r] === o + r) r++;
      if (r >= MIN_RUN_COPY) {
        if (i > loose) this.add(loose, i - loose, 0);
        this.add(i, r, 1);
        loose = i + r;
      }
      i += r;
    }
    if (order.length > loose) this.add(loose, order.length - loose, 0);
  }

  private add(start: number, length: number, run: number): void {
    const s = this.count++;
    if (s === this.start.length) {
      this.start = resized(this.start, s * 2);
      this.length = resized(this.length, s * 2);
      this.run = resized(this.run, s * 2);
    }
    this.start[s] = start;
    this.length[s] = length;
    this.run[s] = run;
  }
}

type Gather<T extends IntColumn> = (out: T, chunks: Chunks, plan: GatherPlan, at: number) => void;

// out[at + i] = chunks[order[i]], one copy per output type so each store site sees a single type.
const gatherU8: Gather<Uint8Array> = (out, chunks, { order, count, start, length, run }, at) => {
  for (let s = 0; s < count; s++) {
    const lo = start[s];
    const hi = lo + length[s];
    if (run[s] === 1) {
      const from = order[lo] & CHUNK_MASK;
      out.set((chunks[order[lo] >>> CHUNK_BITS] as IntColumn).subarray(from, from + hi - lo), at + lo);
    } else for (let i = lo; i < hi; i++) out[at + i] = chunks[order[i] >>> CHUNK_BITS][order[i] & CHUNK_MASK];
  }
};
const gatherU16: Gather<Uint16Array> = (out, chunks, { order, count, start, length, run }, at) => {
  for (let s = 0; s < count; s++) {
    const lo = start[s];
    const hi = lo + length[s];
    if (run[s] === 1) {
      const from = order[lo] & CHUNK_MASK;
      out.set((chunks[order[lo] >>> CHUNK_BITS] as IntColumn).subarray(from, from + hi - lo), at + lo);
    } else for (let i = lo; i < hi; i++) out[at + i] = chunks[order[i] >>> CHUNK_BITS][order[i] & CHUNK_MASK];
  }
};
const gatherI16: Gather<Int16Array> = (out, chunks, { order, count, start, length, run }, at) => {
  for (let s = 0; s < count; s++) {
    const lo = start[s];
    const hi = lo + length[s];
    if (run[s] === 1) {
      const from = order[lo] & CHUNK_MASK;
      out.set((chunks[order[lo] >>> CHUNK_BITS] as IntColumn).subarray(from, from + hi - lo), at + lo);
    } else for (let i = lo; i < hi; i++) out[at + i] = chunks[order[i] >>> CHUNK_BITS][order[i] & CHUNK_MASK];
  }
};
const gatherI32: Gather<Int32Array> = (out, chunks, { order, count, start, length, run }, at) => {
  for (let s = 0; s < count; s++) {
    const lo = start[s];
    const hi = lo + length[s];
    if (run[s] === 1) {
      const from = order[lo] & CHUNK_MASK;
      out.set((chunks[order[lo] >>> CHUNK_BITS] as IntColumn).subarray(from, from + hi - lo), at + lo);
    } else for (let i = lo; i < hi; i++) out[at + i] = chunks[order[i] >>> CHUNK_BITS][order[i] & CHUNK_MASK];
  }
};
const gatherU32: Gather<Uint32Array> = (out, chunks, { order, count, start, length, run }, at) => {
  for (let s = 0; s < count; s++) {
    const lo = start[s];
    const hi = lo + length[s];
    if (run[s] === 1) {
      const from = order[lo] & CHUNK_MASK;
      out.set((chunks[order[lo] >>> CHUNK_BITS] as IntColumn).subarray(from, from + hi - lo), at + lo);
    } else for (let i = lo; i < hi; i++) out[at + i] = chunks[order[i] >>> CHUNK_BITS][order[i] & CHUNK_MASK];
  }
};
const gatherF64: Gather<Float64Array> = (out, chunks, { order, count, start, length, run }, at) => {
  for (let s = 0; s < count; s++) {
    const lo = start[s];
    const hi = lo + length[s];
    if (run[s] === 1) {
      const from = order[lo] & CHUNK_MASK;
      out.set((chunks[order[lo] >>> CHUNK_BITS] as IntColumn).subarray(from, from + hi - lo), at + lo);
    } else for (let i = lo; i < hi; i++) out[at + i] = chunks[order[i] >>> CHUNK_BITS][order[i] & CHUNK_MASK];
  }
};

function gatherInto(out: IntColumn, chunks: Chunks, plan: GatherPlan, at = 0): void {
  if (out instanceof Uint8Array) gatherU8(out, chunks, plan, at);
  else if (out instanceof Uint16Array) gatherU16(out, chunks, plan, at);
  else if (out instanceof Int16Array) gatherI16(out, chunks, plan, at);
  else if (out instanceof Int32Array) gatherI32(out, chunks, plan, at);
  else if (out instanceof Uint32Array) gatherU32(out, chunks, plan, at);
  else gatherF64(out, chunks, plan, at);
}

/** The values of several columns, for choosing the one array type that holds them all. */
export class IntRange {
  private readonly range: ValueRange = { min: 0, max: 0, integer: true };

  add(column: NarrowChunkedColumn): this {
    column.widenRangeOf(this.range);
    return this;
  }

  /** A new array of `length` in the narrowest type holding every value added (`shared`: in shared memory, growingArray). */
  allocate(length: number, shared = false): IntColumn {
    return shared ? growingArray(typeFor(this.range), length) : new (typeFor(this.range))(length);
  }
}

/** chunked[order[i]] at i, in the narrowest array type that holds the chunked columns' values. */
function gatherNarrow(chunks: Chunks, length: number, by: Uint32Array | GatherPlan): IntColumn {
  const plan = planOf(by);
  const order = plan.order;
  const range: ValueRange = { min: 0, max: 0, integer: true };
  for (let c = 0; c < chunks.length; c++) widenRange(range, chunks[c], Math.min(CHUNK, length - c * CHUNK));
  const out = new (typeFor(range))(order.length);
  gatherInto(out, chunks, plan);
  return out;
}

/** A plan for `by` (made once for the several columns gathered by one order). */
function planOf(by: Uint32Array | GatherPlan): GatherPlan {
  return by instanceof GatherPlan ? by : new GatherPlan(by);
}

function narrowestType(data: ArrayLike<number>, length: number): IntColumnConstructor {
  const range: ValueRange = { min: 0, max: 0, integer: true };
  widenRange(range, data, length);
  return typeFor(range);
}

/**
 * One column that grows as typed-arrays.ts grownCapacity says (doubling, then eightfold once big:
 * each copy faults in fresh pages). `data` may be longer than `length`.
 */
export class GrowableColumn<T extends TypedArray> {
  data: T;
  length = 0;

  constructor(private readonly ctor: TypedArrayConstructor<T>, initialCapacity = 64) {
    this.data = growingArray(ctor, initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(grownCapacity(this.length, this.data.BYTES_PER_ELEMENT));
    this.data[this.length++] = value;
  }

  /** Ensures index `i` exists (filling with zero) and sets it. */
  set(i: number, value: number): void {
    if (i >= this.data.length) this.grow(Math.max(i + 1, grownCapacity(this.data.length, this.data.BYTES_PER_ELEMENT)));
    if (i >= this.length) this.length = i + 1;
    this.data[i] = value;
  }

  get(i: number): number {
    return this.data[i];
  }

  private grow(capacity: number): void {
    const next = growingArray(this.ctor, capacity);
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }

  /** An exact-length copy of the first `length` values (drops the growth slack). */
  trimmed(length = this.length): T {
    return this.data.slice(0, length) as T;
  }

  /** data[order[i]] at i, in the narrowest array type that holds the values (see narrowed()). */
  permutedNarrow(order: Uint32Array): IntColumn {
    const out = new (narrowestType(this.data, this.length))(order.length);
    const src = this.data;
    for (let i = 0; i < order.length; i++) out[i] = src[order[i]];
    return out;
  }

  /** A new exact-length column holding data[order[i]] at i. */
  permuted(order: Uint32Array): T {
    const out = new this.ctor(order.length);
    const src = this.data;
    for (let i = 0; i < order.length; i++) out[i] = src[order[i]];
    return out;
  }

  get bytes(): number {
    return this.data.byteLength;
  }
}

/** A ChunkedColumn's values as plain data (structured-cloneable; transfer the chunks' buffers). */
export interface ChunkedParts<T extends TypedArray> {
  chunks: T[];
  length: number;
}

/** A NarrowChunkedColumn's values as plain data; `level` is each chunk's place in WIDENING. */
export interface NarrowChunkedParts {
  chunks: IntColumn[];
  level: number[];
  length: number;
}

/** `column` turned into its final form by `build`, then released (one copy alive at a time). */
export function take<C extends { release(): void }, R>(column: C, build: (c: C) => R): R {
  const out = build(column);
  column.release();
  return out;
}

/** Chunked columns hold 2^CHUNK_BITS values a chunk: value i is chunks[i >>> CHUNK_BITS][i & CHUNK_MASK]. */
export const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
export const CHUNK_MASK = CHUNK - 1;

/**
 * The chunks of a column of `length` values, the last one cut to the values it holds (a view:
 * the rest of its chunk was never written, so it is address space, not memory).
 */
export function usedChunks<T extends TypedArray>(chunks: readonly T[], length: number): T[] {
  const out = chunks.slice(0, Math.ceil(length / CHUNK));
  if (out.length > 0) out[out.length - 1] = out[out.length - 1].subarray(0, length - (out.length - 1) * CHUNK) as T;
  return out;
}

/** Value i of a column held as chunks of 65 536 values (ChunkedColumn.parts().chunks). */
export function chunkValue(chunks: Chunks, i: number): number {
  return chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
}

/**
 * An append-only column in fixed chunks of 65 536 values: no doubling copies while the pass
 * appends tens of millions of spans, and no slack beyond one chunk. finish() permutes it into
 * an exact-length array, then releases it.
 */
export class ChunkedColumn<T extends TypedArray> {
  private chunks: T[] = [];
  /** The last chunk (pushes write here without looking it up), and the length it has room up to. */
  current: T;
  limit = 0;
  length = 0;

  /** `firstChunk`: capacity the first chunk starts at (it doubles up to a full chunk). */
  constructor(private readonly ctor: TypedArrayConstructor<T>, private readonly firstChunk = CHUNK) {
    this.current = new ctor(0);
  }

  push(value: number): void {
    if (this.length === this.limit) this.extend();
    this.current[this.length & CHUNK_MASK] = value;
    this.length++;
  }

  /** Room for values up to a new limit (a full column; or a RecordCursor's, whose length it keeps). */
  extend(): void {
    const size = this.current.length;
    if (this.chunks.length === 1 && size < CHUNK) {
      const bigger = growingArray(this.ctor, Math.min(CHUNK, size * 2));
      bigger.set(this.current as never);
      this.chunks[0] = this.current = bigger;
    } else {
      this.chunks.push((this.current = growingArray(this.ctor, this.chunks.length === 0 ? this.firstChunk : CHUNK)));
    }
    this.limit = (this.chunks.length - 1) * CHUNK + this.current.length;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  set(i: number, value: number): void {
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = value;
  }

  /** The values in one exact-length array. */
  trimmed(): T {
    const out = new this.ctor(this.length);
    for (let c = 0; c < this.chunks.length; c++) {
      const n = Math.min(CHUNK, this.length - c * CHUNK);
      out.set(this.chunks[c].subarray(0, n) as never, c * CHUNK);
    }
    return out;
  }

  /** out[at + i] = value i, for every value. */
  copyInto(out: T, at: number): void {
    for (let c = 0; c < this.chunks.length; c++) {
      const n = Math.min(CHUNK, this.length - c * CHUNK);
      out.set(this.chunks[c].subarray(0, n) as never, at + c * CHUNK);
    }
  }

  /** A new exact-length array holding value order[i] at i (`by`: the order, or a plan of it). */
  permuted(by: Uint32Array | GatherPlan): T {
    const plan = planOf(by);
    const out = new this.ctor(plan.order.length);
    gatherInto(out as IntColumn, this.chunks, plan);
    return out;
  }

  /** Like permuted(), in the narrowest array type that holds the values (see narrowed()). */
  permutedNarrow(by: Uint32Array | GatherPlan): IntColumn {
    return gatherNarrow(this.chunks, this.length, by);
  }

  /** out[at + i] = value plan.order[i]. */
  gatherInto(out: T, at: number, plan: GatherPlan): void {
    gatherInto(out as IntColumn, this.chunks, plan, at);
  }

  /** The values as plain data, to rebuild the column on another thread (fromParts). */
  parts(): ChunkedParts<T> {
    return { chunks: this.chunks, length: this.length };
  }

  /** A column holding `parts` (from parts(), after they crossed threads), for reading. */
  static fromParts<T extends TypedArray>(ctor: TypedArrayConstructor<T>, parts: ChunkedParts<T>): ChunkedColumn<T> {
    const column = new ChunkedColumn(ctor);
    column.chunks = parts.chunks;
    column.length = parts.length;
    return column;
  }

  /** Drops the storage (after finish() has copied it out). */
  release(): void {
    this.chunks = [];
    this.current = new this.ctor(0);
    this.limit = 0;
    this.length = 0;
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }
}

/** Chunk types a NarrowChunkedColumn widens through: each holds every value of the previous. */
const WIDENING: readonly IntColumnConstructor[] = [Uint8Array, Uint16Array, Int32Array, Float64Array];
/** A NarrowChunkedColumn chunk's type by its level (NarrowChunkedParts.level). */
export const NARROW_TYPES = WIDENING;

/**
 * An append-only chunked column of integers (ids, stacks) whose chunks start as bytes and widen
 * only when a value does not fit: the pass appends tens of millions of them, mostly small.
 * Storing a value and reading it back tells whether the chunk's type holds it exactly.
 */
export class NarrowChunkedColumn {
  private chunks: IntColumn[] = [];
  private level: number[] = [];
  /** The last chunk, whether it is already of the widest type, and the length it has room up to. */
  current: IntColumn = new Uint8Array(0);
  private currentWidest = false;
  limit = 0;
  length = 0;

  /** `firstChunk`: capacity the first chunk starts at (it doubles up to a full chunk). */
  constructor(private readonly firstChunk = CHUNK) {}

  push(value: number): void {
    if (this.length === this.limit) this.extend();
    const offset = this.length & CHUNK_MASK;
    const chunk = this.current;
    chunk[offset] = value;
    // (NaN never reads back equal; Float64 chunks, the widest, hold it anyway.)
    if (chunk[offset] !== value && !this.currentWidest) this.widen(this.chunks.length - 1, offset, value, offset);
    this.length++;
  }

  /**
   * Stores `value` at `offset` of the last chunk (a RecordCursor's offset), widening the chunk if
   * it does not hold the value: reading it back tells.
   */
  store(offset: number, value: number): void {
    const chunk = this.current;
    chunk[offset] = value;
    if (chunk[offset] !== value && !this.currentWidest) this.widen(this.chunks.length - 1, offset, value, offset);
  }

  /** Room for values up to a new limit (see ChunkedColumn.extend). */
  extend(): void {
    const size = this.current.length;
    if (this.chunks.length === 1 && size < CHUNK) {
      const bigger = growingArray(WIDENING[this.level[0]], Math.min(CHUNK, size * 2));
      bigger.set(this.current as never);
      this.chunks[0] = this.current = bigger;
    } else {
      // A new chunk starts as wide as the last one: the values that widened it tend to recur, and
      // a model reading the chunks in place (flows, state rows) is read by code that stays fast
      // while it sees one array type per column.
      const level = this.level.length > 0 ? this.level[this.level.length - 1] : 0;
      this.chunks.push((this.current = growingArray(WIDENING[level], this.chunks.length === 0 ? this.firstChunk : CHUNK)));
      this.level.push(level);
      this.currentWidest = level === WIDENING.length - 1;
    }
    this.limit = (this.chunks.length - 1) * CHUNK + this.current.length;
  }

  /** Overwrites value i (which exists), widening its chunk if needed. */
  set(i: number, value: number): void {
    const c = i >>> CHUNK_BITS;
    const offset = i & CHUNK_MASK;
    const chunk = this.chunks[c];
    chunk[offset] = value;
    // (A RecordCursor's column does not know its length yet: keep the whole chunk.)
    if (chunk[offset] !== value && this.level[c] < WIDENING.length - 1) this.widen(c, offset, value, chunk.length);
  }

  /** Replaces chunk c by one wide enough for `value`, keeping its first `filled` values (the rest are 0). */
  private widen(c: number, offset: number, value: number, filled: number): void {
    let level = this.level[c];
    const old = this.chunks[c];
    let chunk: IntColumn;
    do {
      chunk = growingArray(WIDENING[++level], old.length);
      chunk[0] = value;
    } while (chunk[0] !== value && level < WIDENING.length - 1);
    for (let i = 0; i < filled; i++) chunk[i] = old[i];
    chunk[offset] = value;
    this.chunks[c] = chunk;
    this.level[c] = level;
    if (c === this.chunks.length - 1) {
      this.current = chunk;
      this.currentWidest = level === WIDENING.length - 1;
    }
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  /** value order[i] at i, in the narrowest array type that holds the values (see narrowed()); `by`: the order, or a plan of it. */
  permutedNarrow(by: Uint32Array | GatherPlan): IntColumn {
    return gatherNarrow(this.chunks, this.length, by);
  }

  /** out[at + i] = value plan.order[i] (out chosen by an IntRange this column was added to). */
  gatherInto(out: IntColumn, at: number, plan: GatherPlan): void {
    gatherInto(out, this.chunks, plan, at);
  }

  /** Extends `range` by every value (for IntRange). */
  widenRangeOf(range: ValueRange): void {
    // Byte chunks hold 0…255: once wider chunks have taken the range (which starts at 0) to 255
    // or beyond, they cannot change it, and most chunks are bytes. So wider chunks go first.
    for (let c = 0; c < this.chunks.length; c++) if (this.level[c] !== 0) widenRange(range, this.chunks[c], Math.min(CHUNK, this.length - c * CHUNK));
    if (range.integer && range.min <= 0 && range.max >= 0xff) return;
    for (let c = 0; c < this.chunks.length; c++) if (this.level[c] === 0) widenRange(range, this.chunks[c], Math.min(CHUNK, this.length - c * CHUNK));
  }

  /** The values in the narrowest array type that holds them. */
  trimmed(): IntColumn {
    const order = new Uint32Array(this.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return this.permutedNarrow(order);
  }

  /** The values as plain data, to rebuild the column on another thread (fromParts). */
  parts(): NarrowChunkedParts {
    return { chunks: this.chunks, level: this.level, length: this.length };
  }

  /** A column holding `parts` (from parts(), after they crossed threads), for reading. */
  static fromParts(parts: NarrowChunkedParts): NarrowChunkedColumn {
    const column = new NarrowChunkedColumn();
    column.chunks = parts.chunks;
    column.level = parts.level;
    column.length = parts.length;
    return column;
  }

  release(): void {
    this.chunks = [];
    this.level = [];
    this.current = new Uint8Array(0);
    this.currentWidest = false;
    this.limit = 0;
    this.length = 0;
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }
}

/** A chunked column a RecordCursor appends to. */
type CursorColumn = ChunkedColumn<TypedArray> | NarrowChunkedColumn;

/**
 * Appends records to several chunked columns at once, with one room check per record instead of
 * one per column: the columns start empty and grow together, so they share one length, kept here
 * and given to the columns by seal() (before anything reads them). Writers store into each
 * column's `current` chunk at the offset next() returns (NarrowChunkedColumn: then widenCurrent
 * if the value does not read back); columns left unwritten hold zeros.
 */
export class RecordCursor {
  length = 0;
  private limit = 0;

  constructor(private readonly columns: readonly CursorColumn[]) {}

  /** The offset of one more record in the columns' current chunks. */
  next(): number {
    const n = this.length;
    if (n === this.limit) {
      for (const column of this.columns) column.extend();
      this.limit = this.columns[0].limit;
    }
    this.length = n + 1;
    return n & CHUNK_MASK;
  }

  /** Gives the columns their length (after appending, before reading). */
  seal(): void {
    for (const column of this.columns) column.length = this.length;
  }
}

export const f64 = () => new GrowableColumn<Float64Array>(Float64Array);
/**
 * A first chunk for columns the model keeps as they are (state rows, flows): it doubles up to a
 * full chunk, so a small trace's model is small.
 */
export const SMALL_FIRST_CHUNK = 1024;
export const narrowChunked = (firstChunk?: number) => new NarrowChunkedColumn(firstChunk);
export const chunkedF64 = (firstChunk?: number) => new ChunkedColumn<Float64Array>(Float64Array, firstChunk);
export const chunkedI32 = () => new ChunkedColumn<Int32Array>(Int32Array);
export const chunkedU32 = (firstChunk?: number) => new ChunkedColumn<Uint32Array>(Uint32Array, firstChunk);
export const chunkedU8 = (firstChunk?: number) => new ChunkedColumn<Uint8Array>(Uint8Array, firstChunk);
export const i32 = () => new GrowableColumn<Int32Array>(Int32Array);
export const u32 = () => new GrowableColumn<Uint32Array>(Uint32Array);
export const u8 = () => new GrowableColumn<Uint8Array>(Uint8Array);

/** Ids from here on are not interned but derived (StringTable.derive): goroutine names. */
export const DERIVED_STRING_BASE = 0x80000000;

/** Interns strings into small ids; id 0 is always the empty string. */
export class StringTable {
  private readonly index = new Map<string, number>([['', 0]]);
  readonly strings: string[] = [''];
  /**
   * Names ids of DERIVED_STRING_BASE and above, which stand for strings computed on demand
   * (the model sets it: a slice named after its goroutine costs no interned string).
   */
  derive: ((id: number) => string) | null = null;

  intern(s: string): number {
    let id = this.index.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.index.set(s, id);
    }
    return id;
  }

  get(id: number): string {
    if (id >= DERIVED_STRING_BASE) return this.derive?.(id) ?? '';
    return this.strings[id] ?? '';
  }
}

/**
 * Index of the first element in the sorted range [lo, hi) of `values` that is > `x`
 * (`strict`) or >= `x`. Used for every time-range lookup.
 */
export function lowerBound(values: ArrayLike<number>, lo: number, hi: number, x: number, strict = false): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid];
    if (strict ? v <= x : v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Orders `order[lo..hi)` by key ascending (ties by key2 descending), in place. Insertion sort
 * first, because spans arrive nearly ordered (a range is emitted right after the execution
 * slice containing it); falls back to a full sort if the input turns out to be scrambled.
 */
export function sortSegment(order: Uint32Array, lo: number, hi: number, key: ArrayLike<number>, key2: ArrayLike<number>): void {
  const before = (a: number, b: number) => key[a] < key[b] || (key[a] === key[b] && key2[a] > key2[b]);
  let moves = 0;
  const budget = 16 * (hi - lo) + 64;
  for (let i = lo + 1; i < hi; i++) {
    const v = order[i];
    let j = i - 1;
    while (j >= lo && before(v, order[j])) {
      order[j + 1] = order[j];
      j--;
      if (++moves > budget) break;
    }
    order[j + 1] = v;
    if (moves > budget) {
      const seg = Array.from(order.subarray(lo, hi));
      seg.sort((a, b) => (key[a] - key[b]) || (key2[b] - key2[a]));
      order.set(seg, lo);
      return;
    }
  }
}
