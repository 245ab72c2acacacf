// Growable typed-array columns: the struct-of-arrays store the one-pass analyses (blocking
// profiles, MMU) use so that millions of recorded intervals cost bytes, not objects.

type NumericArray = Float64Array | Uint32Array | Int32Array | Uint8Array;
type NumericArrayConstructor<T extends NumericArray> = { new (length: number): T };

/** One column that doubles its capacity when full. */
export class GrowableColumn<T extends NumericArray> {
  private data: T;
  private length = 0;

  constructor(private readonly ctor: NumericArrayConstructor<T>, initialCapacity = 1024) {
    this.data = new ctor(initialCapacity);
  }

  get size(): number {
    return this.length;
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new this.ctor(this.data.length * 2);
      bigger.set(this.data as never);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  get(index: number): number {
    return this.data[index];
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** A view (no copy) of the first `length` values (default: all of them). */
  view(length = this.length): T {
    return this.data.subarray(0, length) as T;
  }

  /** A tightly sized copy of the first `length` values, so the slack can be freed. */
  compact(length = this.length): T {
    return this.data.slice(0, length) as T;
  }
}
