// Typed-array building blocks of the columnar goroutine summary (summary-table.ts): a trace
// can hold millions of goroutines, so their statistics live in columns indexed by a dense row
// number instead of one object (with three maps) per goroutine.

import { GrowableColumn } from '../model/timeline-columns.ts';

/** Values stored inline are below this; the codes above it mean "unset" and "see overflow". */
const INLINE_LIMIT = 0xfffffffe;
const UNSET_CODE = 0xfffffffe;
const OVERFLOW_CODE = 0xffffffff;

/**
 * A column of nanosecond durations in 4 bytes each: whole values in [0, 2^32 − 2) inline,
 * NaN ("unset") as a code, anything else (longer than ~4.3 s, negative, fractional) exact in
 * an overflow map. Durations of goroutine states are almost always short, so the map stays small.
 */
export class DurationColumn {
  private readonly codes = new GrowableColumn(Uint32Array, 1024);
  private readonly overflow = new Map<number, number>();

  get length(): number {
    return this.codes.length;
  }

  get(row: number): number {
    const code = this.codes.data[row];
    if (code < INLINE_LIMIT) return code;
    return code === UNSET_CODE ? Number.NaN : this.overflow.get(row)!;
  }

  set(row: number, value: number): void {
    if (this.codes.data[row] === OVERFLOW_CODE && row < this.codes.length) this.overflow.delete(row);
    if (value >= 0 && value < INLINE_LIMIT && Math.floor(value) === value) this.codes.set(row, value);
    else if (Number.isNaN(value)) this.codes.set(row, UNSET_CODE);
    else {
      this.codes.set(row, OVERFLOW_CODE);
      this.overflow.set(row, value);
    }
  }

  add(row: number, delta: number): void {
    this.set(row, this.get(row) + delta);
  }

  /** Drops the growth slack (once the pass is over). */
  trim(): this {
    this.codes.data = this.codes.trimmed();
    return this;
  }

  /** A new column holding this column's row order[i] at row i. */
  permuted(order: Uint32Array): DurationColumn {
    const out = new DurationColumn();
    const codes = this.codes.permuted(order);
    out.codes.data = codes;
    out.codes.length = codes.length;
    for (let i = 0; i < order.length; i++) {
      if (codes[i] === OVERFLOW_CODE) out.overflow.set(i, this.overflow.get(order[i])!);
    }
    return out;
  }

  get bytes(): number {
    return this.codes.bytes + this.overflow.size * 32;
  }
}

/**
 * Go's per-goroutine map[string]time.Duration (block time by reason, time in ranges) for every
 * row at once: each row's entries are a linked list, in insertion order, in shared typed
 * arrays. Keys are ids into a string list the caller keeps. A row has a handful of keys.
 */
export class KeyedSums {
  /** Row → its first entry + 1 (0: no entries). */
  private head = new GrowableColumn(Uint32Array, 1024);
  private readonly key = new GrowableColumn(Uint32Array, 1024);
  private readonly value = new GrowableColumn(Float64Array, 1024);
  /** Entry → the next entry of its row + 1 (0: last). */
  private readonly next = new GrowableColumn(Uint32Array, 1024);

  /** Adds `delta` to the row's `key`, creating the key (at the end) if the row lacks it. */
  add(row: number, key: number, delta: number): void {
    let entry = row < this.head.length ? this.head.data[row] : 0;
    if (entry === 0) {
      this.head.set(row, this.append(key, delta));
      return;
    }
    for (;;) {
      const e = entry - 1;
      if (this.key.data[e] === key) {
        this.value.data[e] += delta;
        return;
      }
      const following = this.next.data[e];
      if (following === 0) {
        // append() may reallocate `next`: call it before indexing the column.
        const appended = this.append(key, delta);
        this.next.data[e] = appended;
        return;
      }
      entry = following;
    }
  }

  private append(key: number, delta: number): number {
    this.key.push(key);
    this.value.push(delta);
    this.next.push(0);
    return this.key.length;
  }

  /** Forgets the row's entries (their pool slots are not reused: re-created goroutines are rare). */
  clear(row: number): void {
    if (row < this.head.length) this.head.data[row] = 0;
  }

  hasEntries(row: number): boolean {
    return row < this.head.length && this.head.data[row] !== 0;
  }

  /** Calls fn for each (key, value) of the row, in insertion order. */
  forEach(row: number, fn: (key: number, value: number) => void): void {
    let entry = row < this.head.length ? this.head.data[row] : 0;
    while (entry !== 0) {
      const e = entry - 1;
      fn(this.key.data[e], this.value.data[e]);
      entry = this.next.data[e];
    }
  }

  /** The row's value for `key`, or undefined when the row lacks the key. */
  get(row: number, key: number): number | undefined {
    let entry = row < this.head.length ? this.head.data[row] : 0;
    while (entry !== 0) {
      const e = entry - 1;
      if (this.key.data[e] === key) return this.value.data[e];
      entry = this.next.data[e];
    }
    return undefined;
  }

  /** Drops the growth slack (once the pass is over). */
  trim(): this {
    for (const col of [this.head, this.key, this.value, this.next]) col.data = col.trimmed() as never;
    return this;
  }

  /** The same entries with rows renumbered: row i of the result is row order[i] of this. */
  permuted(order: Uint32Array): KeyedSums {
    const out = new KeyedSums();
    out.key.data = this.key.data;
    out.key.length = this.key.length;
    out.value.data = this.value.data;
    out.value.length = this.value.length;
    out.next.data = this.next.data;
    out.next.length = this.next.length;
    const head = new Uint32Array(order.length);
    for (let i = 0; i < order.length; i++) head[i] = order[i] < this.head.length ? this.head.data[order[i]] : 0;
    out.head.data = head;
    out.head.length = head.length;
    return out;
  }

  get bytes(): number {
    return this.head.bytes + this.key.bytes + this.value.bytes + this.next.bytes;
  }
}

/** Interns strings as small ids (0 is ""), for the keys of KeyedSums. */
export class KeyNames {
  private readonly index = new Map<string, number>([['', 0]]);
  readonly names: string[] = [''];

  id(name: string): number {
    let id = this.index.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.index.set(name, id);
    }
    return id;
  }
}
