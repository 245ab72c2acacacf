// Typed-array building blocks of the columnar goroutine summary (summary-table.ts): a trace
// can hold millions of goroutines, so their statistics live in columns indexed by a dense row
// number instead of one object (with three maps) per goroutine.
//
// Each class owns its typed arrays directly (no shared generic column class): every load and
// store site then sees a single array type, which V8 keeps fast.

import { growingArray, resized } from '../model/typed-arrays.ts';

/** Values stored inline are below this; the codes above it mean "unset" and "see overflow". */
const INLINE_LIMIT = 0xfffffffe;
const UNSET_CODE = 0xfffffffe;
const OVERFLOW_CODE = 0xffffffff;

/** A capacity ≥ `needed`, doubling from `current`. */
function grownCapacity(current: number, needed: number): number {
  let capacity = Math.max(current * 2, 1024);
  while (capacity < needed) capacity *= 2;
  return capacity;
}

function growU32(data: Uint32Array<ArrayBuffer>, needed: number): Uint32Array<ArrayBuffer> {
  return resized(data, grownCapacity(data.length, needed));
}

/**
 * A column of nanosecond durations in 4 bytes each: whole values in [0, 2^32 − 2) inline,
 * NaN ("unset") as a code, anything else (longer than ~4.3 s, negative, fractional) exact in
 * an overflow map. Durations of goroutine states are almost always short, so the map stays small.
 */
export class DurationColumn {
  private codes = new Uint32Array(0);
  private rows = 0;
  private readonly overflow = new Map<number, number>();

  get length(): number {
    return this.rows;
  }

  get(row: number): number {
    const code = this.codes[row];
    if (code < INLINE_LIMIT) return code;
    return code === UNSET_CODE ? Number.NaN : this.overflow.get(row)!;
  }

  /** Sets the row, growing the column (rows in between read 0) when it lies beyond the end. */
  set(row: number, value: number): void {
    if (row >= this.codes.length) this.codes = growU32(this.codes, row + 1);
    if (row >= this.rows) this.rows = row + 1;
    const codes = this.codes;
    if (codes[row] === OVERFLOW_CODE) this.overflow.delete(row);
    if (value >= 0 && value < INLINE_LIMIT && Math.floor(value) === value) codes[row] = value;
    else if (Number.isNaN(value)) codes[row] = UNSET_CODE;
    else {
      codes[row] = OVERFLOW_CODE;
      this.overflow.set(row, value);
    }
  }

  add(row: number, delta: number): void {
    this.set(row, this.get(row) + delta);
  }

  /** Drops the growth slack (once the pass is over). */
  trim(): this {
    if (this.codes.length !== this.rows) this.codes = this.codes.slice(0, this.rows);
    return this;
  }

  /** A new column holding this column's row order[i] at row i. */
  permuted(order: Uint32Array): DurationColumn {
    const out = new DurationColumn();
    const codes = new Uint32Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const code = this.codes[order[i]];
      codes[i] = code;
      if (code === OVERFLOW_CODE) out.overflow.set(i, this.overflow.get(order[i])!);
    }
    out.codes = codes;
    out.rows = codes.length;
    return out;
  }

  get bytes(): number {
    return this.codes.byteLength + this.overflow.size * 32;
  }
}

// KeyedSums grows in fixed chunks: no doubling copies while millions of rows are added,
// no trimming copy at the end, and at most one chunk of slack.
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * Several duration columns of the same rows, interleaved (row-major, `width` values a row) in
 * the encoding of DurationColumn: settling a goroutine's row then writes one or two cache
 * lines instead of one line in each of `width` arrays. Rows live in fixed chunks of
 * ROWS_PER_CHUNK: millions of rows are added one by one, and doubling one array would copy
 * (and fault in) about twice what is finally stored.
 */
export class DurationRows {
  private chunks: Uint32Array[] = [];
  private rows = 0;
  /** Row·width + column → exact value, for codes OVERFLOW_CODE. */
  private readonly overflow = new Map<number, number>();

  constructor(readonly width: number) {}

  get length(): number {
    return this.rows;
  }

  /** Adds rows up to `rows` (new values read 0). */
  ensureRows(rows: number): void {
    while (this.chunks.length * ROWS_PER_CHUNK < rows) this.chunks.push(growingArray(Uint32Array, ROWS_PER_CHUNK * this.width));
    if (rows > this.rows) this.rows = rows;
  }

  get(row: number, column: number): number {
    const code = this.chunks[row >>> ROW_CHUNK_BITS][(row & ROW_CHUNK_MASK) * this.width + column];
    if (code < INLINE_LIMIT) return code;
    return code === UNSET_CODE ? Number.NaN : this.overflow.get(row * this.width + column)!;
  }

  /** Sets a value of a row that exists (see ensureRows). */
  set(row: number, column: number, value: number): void {
    const codes = this.chunks[row >>> ROW_CHUNK_BITS];
    const at = (row & ROW_CHUNK_MASK) * this.width + column;
    if (codes[at] === OVERFLOW_CODE) this.overflow.delete(row * this.width + column);
    // value >>> 0 === value: a whole number in [0, 2^32) (false for NaN).
    if (value >>> 0 === value && value < INLINE_LIMIT) codes[at] = value;
    else this.setOther(row * this.width + column, codes, at, value);
  }

  /**
   * Sets every column of a row that exists from values[0 … width): one chunk lookup for the
   * row (settling a goroutine writes its whole row at once).
   */
  setRow(row: number, values: Float64Array): void {
    const width = this.width;
    const codes = this.chunks[row >>> ROW_CHUNK_BITS];
    const at = (row & ROW_CHUNK_MASK) * width;
    // Values kept out of line are dropped first; then the row is stored as a new one.
    for (let c = 0; c < width; c++) if (codes[at + c] === OVERFLOW_CODE) this.overflow.delete(row * width + c);
    this.setNewRow(row, values);
  }

  /**
   * setRow for a row never set since ensureRows added it (its codes are all 0 and it has no
   * overflow): stores without reading, so fresh pages fault once, on the write.
   */
  setNewRow(row: number, values: Float64Array): void {
    const width = this.width;
    const codes = this.chunks[row >>> ROW_CHUNK_BITS];
    const at = (row & ROW_CHUNK_MASK) * width;
    for (let c = 0; c < width; c++) {
      const value = values[c];
      if (value >>> 0 === value && value < INLINE_LIMIT) codes[at + c] = value;
      else this.setOther(row * width + c, codes, at + c, value);
    }
  }

  private setOther(index: number, codes: Uint32Array, at: number, value: number): void {
    if (Number.isNaN(value)) codes[at] = UNSET_CODE;
    else {
      codes[at] = OVERFLOW_CODE;
      this.overflow.set(index, value);
    }
  }

  /** Drops the growth slack of the last chunk (once the pass is over). */
  trim(): this {
    const last = this.chunks.length - 1;
    const used = (this.rows - last * ROWS_PER_CHUNK) * this.width;
    if (last >= 0 && this.chunks[last].length !== used) this.chunks[last] = this.chunks[last].slice(0, used);
    return this;
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0) + this.overflow.size * 32;
  }
}

const ROW_CHUNK_BITS = 14;
const ROWS_PER_CHUNK = 1 << ROW_CHUNK_BITS;
const ROW_CHUNK_MASK = ROWS_PER_CHUNK - 1;

/**
 * Go's per-goroutine map[string]time.Duration (block time by reason, time in ranges) for every
 * row at once: each row's entries are a linked list, in insertion order, in shared typed
 * arrays. Keys are ids into a string list the caller keeps. A row has a handful of keys.
 */
export class KeyedSums {
  /** Row → its first entry + 1 (0: no entries), by chunk of rows. */
  private heads: Uint32Array[] = [];
  // Entries, by chunk of entries.
  private keys: Uint32Array[] = [];
  private values: Float64Array[] = [];
  /** Entry → the next entry of its row + 1 (0: last). */
  private nexts: Uint32Array[] = [];
  private entries = 0;

  private head(row: number): number {
    const c = row >>> CHUNK_BITS;
    return c < this.heads.length ? this.heads[c][row & CHUNK_MASK] : 0;
  }

  private setHead(row: number, entry: number): void {
    const c = row >>> CHUNK_BITS;
    while (this.heads.length <= c) this.heads.push(growingArray(Uint32Array, CHUNK));
    this.heads[c][row & CHUNK_MASK] = entry;
  }

  /** Adds `delta` to the row's `key`, creating the key (at the end) if the row lacks it. */
  add(row: number, key: number, delta: number): void {
    let entry = this.head(row);
    if (entry === 0) {
      this.setHead(row, this.append(key, delta));
      return;
    }
    for (;;) {
      const e = entry - 1;
      const c = e >>> CHUNK_BITS;
      const i = e & CHUNK_MASK;
      if (this.keys[c][i] === key) {
        this.values[c][i] += delta;
        return;
      }
      const following = this.nexts[c][i];
      if (following === 0) {
        this.nexts[c][i] = this.append(key, delta);
        return;
      }
      entry = following;
    }
  }

  /** add() for a row known to have no entries: its head is written, not read. */
  addFirst(row: number, key: number, delta: number): void {
    this.setHead(row, this.append(key, delta));
  }

  private append(key: number, delta: number): number {
    const e = this.entries++;
    const i = e & CHUNK_MASK;
    if (i === 0) {
      this.keys.push(growingArray(Uint32Array, CHUNK));
      this.values.push(growingArray(Float64Array, CHUNK));
      this.nexts.push(growingArray(Uint32Array, CHUNK));
    }
    const c = e >>> CHUNK_BITS;
    this.keys[c][i] = key;
    this.values[c][i] = delta;
    this.nexts[c][i] = 0;
    return e + 1;
  }

  /** Forgets the row's entries (their pool slots are not reused: re-created goroutines are rare). */
  clear(row: number): void {
    if (this.head(row) !== 0) this.setHead(row, 0);
  }

  hasEntries(row: number): boolean {
    return this.head(row) !== 0;
  }

  /** Calls fn for each (key, value) of the row, in insertion order. */
  forEach(row: number, fn: (key: number, value: number) => void): void {
    let entry = this.head(row);
    while (entry !== 0) {
      const e = entry - 1;
      const c = e >>> CHUNK_BITS;
      const i = e & CHUNK_MASK;
      fn(this.keys[c][i], this.values[c][i]);
      entry = this.nexts[c][i];
    }
  }

  /** The row's value for `key`, or undefined when the row lacks the key. */
  get(row: number, key: number): number | undefined {
    let entry = this.head(row);
    while (entry !== 0) {
      const e = entry - 1;
      const c = e >>> CHUNK_BITS;
      const i = e & CHUNK_MASK;
      if (this.keys[c][i] === key) return this.values[c][i];
      entry = this.nexts[c][i];
    }
    return undefined;
  }

  /** Drops the unused slack of the last entry chunk (once the pass is over). */
  trim(): this {
    const last = this.keys.length - 1;
    const used = this.entries - last * CHUNK;
    if (last >= 0 && used < CHUNK) {
      this.keys[last] = this.keys[last].slice(0, used);
      this.values[last] = this.values[last].slice(0, used);
      this.nexts[last] = this.nexts[last].slice(0, used);
    }
    return this;
  }

  /** The same entries with rows renumbered: row i of the result is row order[i] of this. */
  permuted(order: Uint32Array): KeyedSums {
    const out = new KeyedSums();
    out.keys = this.keys;
    out.values = this.values;
    out.nexts = this.nexts;
    out.entries = this.entries;
    for (let i = 0; i < order.length; i++) {
      const entry = this.head(order[i]);
      if (entry !== 0) out.setHead(i, entry);
    }
    return out;
  }

  get bytes(): number {
    const sum = (chunks: ArrayBufferView[]) => chunks.reduce((n, c) => n + c.byteLength, 0);
    return sum(this.heads) + sum(this.keys) + sum(this.values) + sum(this.nexts);
  }
}

/** Interns strings as small ids (0 is ""), for the keys of KeyedSums. */
export class KeyNames {
  private readonly index = new Map<string, number>([['', 0]]);
  readonly names: string[] = [''];
  // Reasons repeat run after run: the last one looked up skips the map.
  private lastName = '';
  private lastId = 0;

  id(name: string): number {
    if (name === this.lastName) return this.lastId;
    let id = this.index.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.index.set(name, id);
    }
    this.lastName = name;
    this.lastId = id;
    return id;
  }
}
