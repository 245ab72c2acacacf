// The v1 byte reader keeps Go's edge cases (encoding/binary.Uvarint and tracev1's readFull /
// discard), which decide where a damaged trace fails.

import { describe, expect, it } from 'vitest';
import { V1Bytes } from '../../parser/v1/bytes.ts';
import { uvarint } from './v1-writer.ts';

describe('V1Bytes', () => {
  it('reads varints of every length, exactly up to 2^53 and as exact words beyond', () => {
    for (const value of [0n, 1n, 127n, 128n, 300n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 60n + 12345n, 2n ** 64n - 1n]) {
      const bytes = new V1Bytes(Uint8Array.from([...uvarint(value), 0x55]));
      const read = bytes.readVal();
      expect((BigInt(bytes.hi) << 32n) | BigInt(bytes.lo)).toBe(value);
      expect(bytes.lastAsDecimal()).toBe(value.toString());
      if (value <= 2n ** 53n) expect(read).toBe(Number(value));
      expect(bytes.off).toBe(uvarint(value).length);
      expect(bytes.lastWasMaxUint64()).toBe(value === 2n ** 64n - 1n);
    }
  });

  it('rejects what binary.Uvarint rejects, without moving', () => {
    const cases = [
      [0x80], // truncated
      [0xff, 0xff], // truncated
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], // 10th byte > 1: overflows 64 bits
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], // 11 bytes
    ];
    for (const bytes of cases) {
      const reader = new V1Bytes(Uint8Array.from(bytes));
      expect(reader.readVal()).toBeNaN();
      expect(reader.off).toBe(0);
    }
    // A bound cuts a varint short, as a length-prefixed argument block does.
    const bounded = new V1Bytes(Uint8Array.from([0x80, 0x01]));
    expect(bounded.readVal(1)).toBeNaN();
    expect(bounded.readVal(2)).toBe(128);
  });

  it('readFull and discard fail when the bytes are not all there (readFull even for 0 bytes at the end)', () => {
    const reader = new V1Bytes(Uint8Array.from([1, 2, 3]));
    expect(reader.readFull(4)).toBeNull();
    expect(Array.from(reader.readFull(2)!)).toEqual([1, 2]);
    expect(reader.discard(2)).toBe(false);
    expect(reader.discard(1)).toBe(true);
    expect(reader.readFull(0)).toBeNull();
    expect(reader.readByte()).toBe(-1);
  });
});
