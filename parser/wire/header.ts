// The 16-byte header every Go trace starts with: "go 1.NN trace\0\0\0".

import { TraceParseError, type ByteSource } from '../types.ts';

export interface TraceHeader {
  /** e.g. "go 1.26" */
  version: string;
  /** NN of "go 1.NN" */
  goMinor: number;
  format: 'v1' | 'v2';
}

export const HEADER_SIZE = 16;
/** Header versions Go's reader accepts, and which format each is. */
const supported: Record<number, 'v1' | 'v2'> = { 11: 'v1', 19: 'v1', 21: 'v1', 22: 'v2', 23: 'v2', 25: 'v2', 26: 'v2' };

/** Parses the header bytes; throws a one-line TraceParseError for foreign or unknown files. */
export function parseHeader(bytes: Uint8Array): TraceHeader {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, HEADER_SIZE));
  const m = /^go 1\.(\d+) trace\0\0\0$/.exec(text);
  if (bytes.length < HEADER_SIZE || !m) {
    throw new TraceParseError('bad file format: not a Go execution trace (no "go 1.NN trace" header)', 0);
  }
  const goMinor = Number(m[1]);
  const format = supported[goMinor];
  if (!format) throw new TraceParseError(`unknown or unsupported trace version go 1.${goMinor}`, 0);
  return { version: `go 1.${goMinor}`, goMinor, format };
}

/** Reads the header off the front of a chunked source; `rest` yields the bytes after it. */
export async function readHeader(source: ByteSource): Promise<{ header: TraceHeader; rest: ByteSource }> {
  const iterator = source[Symbol.asyncIterator]();
  const head = new Uint8Array(HEADER_SIZE);
  let filled = 0;
  let leftover: Uint8Array | null = null;
  while (filled < HEADER_SIZE) {
    const { value, done } = await iterator.next();
    if (done) break;
    const take = Math.min(value.length, HEADER_SIZE - filled);
    head.set(value.subarray(0, take), filled);
    filled += take;
    if (take < value.length) leftover = value.subarray(take);
  }
  if (filled === 0) throw new TraceParseError('empty file: not a Go execution trace', 0);
  const header = parseHeader(head.subarray(0, filled));
  async function* rest() {
    if (leftover) yield leftover;
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) return;
      yield value;
    }
  }
  return { header, rest: rest() };
}
