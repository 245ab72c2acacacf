// Reading the v1 body with the same edge-case behaviour as Go's tracev1 parser (readVal,
// readFull, discard), so damaged traces fail where and how Go's do.

/** Values are uint64 on the wire; JS numbers are exact below 2^53, which real traces stay under. */
export const TWO_32 = 4294967296;

export class V1Bytes {
  /** The last varint's exact 64 bits, for the few values that may exceed 2^53 (ticks, -1 ids). */
  hi = 0;
  lo = 0;

  constructor(readonly data: Uint8Array, public off = 0) {}

  get length(): number {
    return this.data.length;
  }

  /** Go's readByte: -1 at the end. */
  readByte(): number {
    return this.off < this.data.length ? this.data[this.off++] : -1;
  }

  /**
   * Go's binary.Uvarint read (readVal). Returns NaN for a truncated or over-long varint (Go's
   * "malformatted base-128 varint") without moving. `end` bounds the read (length-prefixed args).
   */
  readVal(end = this.data.length): number {
    const data = this.data;
    const start = this.off;
    let lo = 0;
    let hi = 0;
    for (let i = 0, shift = 0; ; i++, shift += 7) {
      if (start + i >= end || i === 10) return NaN;
      const b = data[start + i];
      const bits = b & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0xf) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (b < 0x80) {
        if (i === 9 && b > 1) return NaN;
        this.off = start + i + 1;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return this.hi * TWO_32 + this.lo;
      }
    }
  }

  /** Whether the last varint was ^uint64(0) (Go writes -1 ids that way). */
  lastWasMaxUint64(): boolean {
    return this.hi === 0xffffffff && this.lo === 0xffffffff;
  }

  /** The last varint as an exact decimal string (for error messages). */
  lastAsDecimal(): string {
    return ((BigInt(this.hi) << 32n) | BigInt(this.lo)).toString();
  }

  /** Go's discard: false (and no move) when n bytes are not there. */
  discard(n: number): boolean {
    const next = this.off + n;
    if (!(next <= this.data.length)) return false;
    this.off = next;
    return true;
  }

  /**
   * Go's readFull: the n bytes at the cursor, or null if they are not all there. Like Go, it
   * fails at the very end even for n = 0.
   */
  readFull(n: number): Uint8Array | null {
    if (this.off >= this.data.length || this.off + n > this.data.length) return null;
    const out = this.data.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
}
