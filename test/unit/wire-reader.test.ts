// The chunk-spanning byte reader and varint decoding under parser/wire/.

import { describe, expect, it } from 'vitest';
import { ChunkReader, ShortReadError } from '../../parser/wire/chunk-reader.ts';
import { encodeUvarint, VarintCursor, VarintStatus } from '../../parser/wire/varint.ts';
import { parseTraceBytes, TraceParseError } from '../../parser/index.ts';

async function* chunksOf(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const varintBytes = (values: (number | bigint)[]) => {
  const out: number[] = [];
  for (const v of values) encodeUvarint(v, out);
  return Uint8Array.from(out);
};

describe('varints', () => {
  const values: (number | bigint)[] = [0, 1, 127, 128, 300, 16383, 16384, 2 ** 31, 2 ** 49 - 1, 2 ** 49, 2 ** 53 - 1];

  it('decode what encodeUvarint wrote, exactly up to 2^53', () => {
    const cursor = new VarintCursor();
    const bytes = varintBytes(values);
    let pos = 0;
    for (const v of values) {
      expect(cursor.decode(bytes, pos, bytes.length)).toBe(Number(v));
      expect(cursor.status).toBe(VarintStatus.Ok);
      pos += cursor.n;
    }
    expect(pos).toBe(bytes.length);
  });

  it('read ^uint64(0) (Go\'s NoThread/NoTask sentinel) as -1, like Go\'s int64 conversion', () => {
    const cursor = new VarintCursor();
    const bytes = varintBytes([2n ** 64n - 1n]);
    expect(bytes.length).toBe(10);
    expect(cursor.decode(bytes, 0, bytes.length)).toBe(-1);
  });

  it('report short input and overflow like binary.Uvarint', () => {
    const cursor = new VarintCursor();
    cursor.decode(Uint8Array.of(0x80, 0x80), 0, 2);
    expect(cursor.status).toBe(VarintStatus.Short);
    const eleven = new Uint8Array(11).fill(0xff);
    cursor.decode(eleven, 0, 11);
    expect(cursor.status).toBe(VarintStatus.Overflow);
    cursor.decode(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), 0, 10);
    expect(cursor.status).toBe(VarintStatus.Overflow);
  });

  it('decode across chunk boundaries for every chunk size', async () => {
    const bytes = varintBytes(values);
    for (const size of [1, 2, 3, 5, 7, 11, 64]) {
      const r = new ChunkReader(chunksOf(bytes, size));
      const got: number[] = [];
      while (await r.fill(10) || r.available > 0) got.push(r.readUvarint());
      expect(got).toEqual(values.map(Number));
      expect(r.offset).toBe(bytes.length);
    }
  });

  it('say "unexpected EOF" inside a varint and "EOF" before one', async () => {
    const r = new ChunkReader(chunksOf(Uint8Array.of(0x05, 0x80), 1));
    await r.fill(10);
    expect(r.readUvarint()).toBe(5);
    expect(() => r.readUvarint()).toThrow(new ShortReadError('unexpected EOF', 1));
    const empty = new ChunkReader(chunksOf(new Uint8Array(0), 1));
    await empty.fill(1);
    expect(() => empty.readUvarint()).toThrow('EOF');
  });
});

describe('ChunkReader.readBytes', () => {
  it('returns the same bytes whether they lie in one chunk or span many', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    for (const size of [1, 13, 999, 1000]) {
      const r = new ChunkReader(chunksOf(bytes, size));
      await r.fill(300);
      const a = r.readBytes(300);
      await r.fill(700);
      const b = r.readBytes(700);
      expect([...a, ...b]).toEqual([...bytes]);
      expect(await r.atEnd()).toBe(true);
    }
  });
});

describe('absurd lengths', () => {
  const header = new TextEncoder().encode('go 1.26 trace\0\0\0');
  const trace = (...parts: number[][]) => Uint8Array.from([...header, ...parts.flat()]);
  const batch = (size: number | bigint) => {
    const out = [1 /* EventBatch */];
    for (const v of [1, 1, 100, size]) encodeUvarint(v, out);
    return out;
  };

  it('a batch claiming 4 GB is rejected before anything is allocated', async () => {
    const bytes = trace(batch(4n << 30n));
    const err = await parseTraceBytes(bytes, { onEvent: () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(TraceParseError);
    expect(err.message).toMatch(/invalid batch size 4294967296, maximum is 65536/);
    expect(err.message).toMatch(/at byte \d+/);
  });

  it('a batch claiming 2^64-1 bytes is rejected too', async () => {
    const err = await parseTraceBytes(trace(batch(2n ** 64n - 1n)), { onEvent: () => {} }).catch((e) => e);
    expect(err.message).toMatch(/invalid batch size 18446744073709551615/);
  });

  it('a string longer than Go allows is rejected', async () => {
    const strings = [4 /* Strings */, 5 /* String */, 1, ...varintBytes([5000])];
    const bytes = trace([1, 1, 1, 100, strings.length, ...strings]);
    const err = await parseTraceBytes(bytes, { onEvent: () => {} }).catch((e) => e);
    expect(err.message).toMatch(/invalid string size 5000, maximum is 1024/);
  });
});
