// Growing typed-array storage: the one copy every growable column and record table makes when
// it runs out of room. Called only on growth (rarely), so its own polymorphism costs nothing;
// the array it returns has the type of the one it replaces, so hot load/store sites stay
// monomorphic.
//
// Why growth is steep once arrays are big: a large array is fresh memory from the OS, and each
// of its pages costs a page fault when first touched (≈2.5 µs). Doubling touches every value
// twice more on the way (the copies), while pages of a new array that are never written are
// never made resident: growing eightfold past GROW_STEEP_FROM copies an eighth as much for
// nothing but address space.

type Resizable = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/**
 * A zeroed typed array of `length` values in a SharedArrayBuffer: storage a pass grows (column
 * chunks, growable columns, per-goroutine tables). V8 counts the memory of ordinary ArrayBuffers
 * as external memory and starts a full collection for every 64 MB more of it, whatever the
 * heap's own size: the timeline's pass over a 183 MB trace allocates ~2 GB of them and paid ~45
 * full collections of a heap that had hardly changed (~0.7 s of CPU over all threads). Shared
 * buffers are not counted. Their memory is freed only by a collection that runs for another
 * reason, so arrays that become garbage in bulk (finish's temporaries) stay ordinary; and a
 * shared array posted to another thread is shared, not moved: the sender must drop it too.
 */
export function growingArray<T>(ctor: { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number }, length: number): T {
  return new ctor(new SharedArrayBuffer(length * ctor.BYTES_PER_ELEMENT));
}

/**
 * A zeroed array of `length` values whose memory is already written: for counts and prefix sums,
 * which read each value before they write it. A read of a page the process never wrote maps the
 * shared zero page, and the write that follows must replace it: a second fault, and a TLB flush
 * on every other CPU running one of our threads (an inter-processor interrupt, slow in a VM).
 * Writing the zeros first costs one fault a page and a memset.
 */
export function writtenZeros<T extends Resizable>(ctor: { new (length: number): T }, length: number): T {
  return new ctor(length).fill(0) as T;
}

/** Arrays of at least this many values grow eightfold, smaller ones double. */
const GROW_STEEP_FROM = 1 << 20;
/** Past this size arrays double again: slack is address space, and one allocation can be refused. */
const GROW_STEEP_MAX_BYTES = 2 ** 30;

/** A new array of `array`'s type with room for `capacity` values (growingArray): the old ones first, then zeros. */
export function resized<T extends Resizable>(array: T, capacity: number): T {
  const bigger = growingArray(array.constructor as unknown as { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, capacity);
  bigger.set(array as never);
  return bigger;
}

/**
 * The capacity an array of `capacity` values of `bytesPerValue` bytes that ran out of room grows
 * to (see the file comment).
 */
export function grownCapacity(capacity: number, bytesPerValue: number): number {
  const steep = capacity >= GROW_STEEP_FROM && capacity * 8 * bytesPerValue <= GROW_STEEP_MAX_BYTES;
  return steep ? capacity * 8 : Math.max(16, capacity * 2);
}

/** `array` grown by grownCapacity(). */
export function grown<T extends Resizable>(array: T): T {
  return resized(array, grownCapacity(array.length, array.BYTES_PER_ELEMENT));
}

/**
 * The first `length` values of a grown array, without a copy: a view of the same buffer. Its
 * slack beyond `length` was never written, so it is address space only (never resident), and a
 * transfer to another thread moves the whole buffer without copying either.
 */
export function trimmedView<T extends Resizable>(array: T, length: number): T {
  return array.subarray(0, length) as T;
}

/**
 * The narrowest unsigned array type holding values up to `max` (a uint32): the type
 * timeline-columns.ts narrowed() picks for non-negative integers, found without a copy to scan.
 */
export function narrowestUnsignedType(max: number): Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor {
  return max <= 0xff ? Uint8Array : max <= 0xffff ? Uint16Array : Uint32Array;
}

/** One value per row, appended row by row; `data` is replaced as it grows (read it each time). */
export class RowValues<T extends Resizable> {
  /** `length`: values already in `data` (0 for a new table). */
  constructor(public data: T, public length = 0) {}

  push(value: number): void {
    if (this.length === this.data.length) this.data = grown(this.data);
    this.data[this.length++] = value;
  }

  /** An exact-length copy. */
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }

  /** data[order[i]] at i in the narrowest unsigned type (for Uint32Array values: ids). */
  permutedNarrowUnsigned(this: RowValues<Uint32Array>, order: Uint32Array): Uint8Array | Uint16Array | Uint32Array {
    const src = this.data;
    let max = 0;
    for (let i = 0; i < this.length; i++) if (src[i] > max) max = src[i];
    const out = new (narrowestUnsignedType(max))(order.length);
    for (let i = 0; i < order.length; i++) out[i] = src[order[i]];
    return out;
  }

  /** A new exact-length array holding data[order[i]] at i. */
  permuted(order: Uint32Array): T {
    const out = new (this.data.constructor as new (length: number) => T)(order.length);
    const src = this.data;
    for (let i = 0; i < order.length; i++) out[i] = src[order[i]];
    return out;
  }
}
