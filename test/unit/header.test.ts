import { describe, expect, it } from 'vitest';
import { parseHeader, readHeader } from '../../parser/wire/header.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('trace header', () => {
  it('recognises every version Go reads, and its format', () => {
    for (const [minor, format] of [[11, 'v1'], [19, 'v1'], [21, 'v1'], [22, 'v2'], [23, 'v2'], [25, 'v2'], [26, 'v2']] as const) {
      expect(parseHeader(enc(`go 1.${minor} trace\0\0\0`))).toEqual({ version: `go 1.${minor}`, goMinor: minor, format });
    }
  });
  it('names an unknown version', () => {
    expect(() => parseHeader(enc('go 1.24 trace\0\0\0'))).toThrow('unknown or unsupported trace version go 1.24');
  });
  it('rejects foreign files', () => {
    expect(() => parseHeader(enc('\x89PNG\r\n\x1a\n0000000000'))).toThrow(/not a Go execution trace/);
  });
  it('reads a header split across 1-byte chunks and keeps the rest', async () => {
    const bytes = enc('go 1.26 trace\0\0\0REST');
    async function* oneByte() { for (const b of bytes) yield Uint8Array.of(b); }
    const { header, rest } = await readHeader(oneByte());
    expect(header.version).toBe('go 1.26');
    const tail: number[] = [];
    for await (const c of rest) tail.push(...c);
    expect(String.fromCharCode(...tail)).toBe('REST');
  });
});
