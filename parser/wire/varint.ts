// Unsigned LEB128 varints, as Go's encoding/binary writes them, decoded into JS numbers.
//
// Go's trace values are uint64. A JS number holds integers exactly up to 2^53, which covers
// every id, timestamp, size and count a real trace carries. The two cases that do not fit are
// handled so that the numbers stay meaningful:
//   - values >= 2^63 are returned as their int64 reading (value - 2^64). Go writes the "none"
//     sentinels this way (NoThread, NoProc, NoTask are ^uint64(0)), so they decode to -1,
//     which is exactly what Go's int64 conversions (ThreadID(m), ProcID(p), ...) produce;
//   - values in [2^53, 2^63) are rounded to the nearest double, as Go's float64(uint64) does.
// Varints of up to 7 bytes (< 2^49) take the plain arithmetic path; longer ones go through
// BigInt, which is rare enough not to matter for speed.

/** Largest number of bytes a uint64 varint may take (binary.MaxVarintLen64). */
export const MAX_VARINT_LEN = 10;

/** Why a varint could not be decoded. Mirrors binary.Uvarint's n == 0 / n < 0 results. */
export const enum VarintStatus {
  Ok = 0,
  /** The buffer ended before the varint did. */
  Short = 1,
  /** More than 64 bits. */
  Overflow = 2,
}

/** Converts an exact uint64 to the number convention described at the top of this file. */
export function uint64ToNumber(value: bigint): number {
  if (value >= 1n << 63n) return Number(value - (1n << 64n));
  return Number(value);
}

/** Encodes a uint64 (given as bigint or a non-negative safe integer) as a varint. */
export function encodeUvarint(value: bigint | number, out: number[]): void {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/**
 * Decodes a varint from `buf` at `pos`. Returns the value and stores the number of bytes read
 * in `cursor.n` (0 with cursor.status set when it fails). A small mutable cursor instead of a
 * tuple keeps the hot path free of allocations.
 */
export class VarintCursor {
  n = 0;
  status: VarintStatus = VarintStatus.Ok;

  decode(buf: Uint8Array, pos: number, end: number): number {
    // Fast path: up to 7 bytes, exact in double arithmetic.
    let b = pos < end ? buf[pos] : -1;
    if (b < 0x80 && b >= 0) {
      this.n = 1;
      return b;
    }
    let value = 0;
    let scale = 1;
    let i = pos;
    const fastEnd = Math.min(end, pos + 7);
    while (i < fastEnd) {
      b = buf[i++];
      if (b < 0x80) {
        this.n = i - pos;
        this.status = VarintStatus.Ok;
        return value + b * scale;
      }
      value += (b & 0x7f) * scale;
      scale *= 128;
    }
    if (i >= end) {
      this.n = 0;
      this.status = VarintStatus.Short;
      return 0;
    }
    return this.decodeLong(buf, pos, end);
  }

  private decodeLong(buf: Uint8Array, pos: number, end: number): number {
    let value = 0n;
    let shift = 0n;
    for (let i = 0; i < MAX_VARINT_LEN; i++) {
      if (pos + i >= end) {
        this.n = 0;
        this.status = VarintStatus.Short;
        return 0;
      }
      const b = buf[pos + i];
      if (b < 0x80) {
        if (i === MAX_VARINT_LEN - 1 && b > 1) break;
        this.n = i + 1;
        this.status = VarintStatus.Ok;
        return uint64ToNumber(value | (BigInt(b) << shift));
      }
      value |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    }
    this.n = 0;
    this.status = VarintStatus.Overflow;
    return 0;
  }
}
