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

/**
 * How far Go's header scan (fmt.Fscanf "go 1.%d trace\0\0\0") can reach: the version number is
 * any run of digits that fits a uint32, so unknown versions may be shorter or longer than 2 digits.
 */
export const HEADER_PROBE = 64;
const HEADER_PATTERN = /^go 1\.(\d+) trace\0\0\0/;

/**
 * Parses the header from the first bytes of a file (16 are enough for any supported version;
 * up to HEADER_PROBE let unknown versions of 1 or 3+ digits be named as Go names them).
 * Throws a one-line TraceParseError for foreign or unknown files.
 */
export function parseHeader(bytes: Uint8Array): TraceHeader {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, HEADER_PROBE));
  const m = HEADER_PATTERN.exec(text);
  // Go's %d must fit the uint32 version; more digits fail the scan.
  if (!m || BigInt(m[1]) > 0xffffffffn) {
    throw new TraceParseError('bad file format: not a Go execution trace?', 0); // Go's words
  }
  const goMinor = Number(m[1]);
  const format = supported[goMinor];
  if (!format) throw new TraceParseError(`unknown or unsupported trace version go 1.${goMinor}`, 0);
  // Go also reads a supported version written with leading zeros ("go 1.026"); no Go writes
  // one, and everything here assumes a 16-byte header, so such a file is refused.
  if (m[0].length !== HEADER_SIZE) {
    throw new TraceParseError(`bad file format: unusual header for go 1.${goMinor} ("${m[0].slice(0, -3)}")`, 0);
  }
  return { version: `go 1.${goMinor}`, goMinor, format };
}

/** Reads the header off the front of a chunked source; `rest` yields the bytes after it. */
export async function readHeader(source: ByteSource): Promise<{ header: TraceHeader; rest: ByteSource }> {
  const iterator = source[Symbol.asyncIterator]();
  const head = new Uint8Array(HEADER_PROBE);
  let filled = 0;
  let leftover: Uint8Array | null = null;
  while (filled < HEADER_PROBE) {
    const { value, done } = await iterator.next();
    if (done) break;
    const take = Math.min(value.length, HEADER_PROBE - filled);
    head.set(value.subarray(0, take), filled);
    filled += take;
    if (take < value.length) leftover = value.subarray(take);
  }
  if (filled === 0) throw new TraceParseError('empty file: not a Go execution trace', 0);
  const header = parseHeader(head.subarray(0, filled));
  const afterHeader = head.subarray(HEADER_SIZE, filled);
  async function* rest() {
    if (afterHeader.length > 0) yield afterHeader;
    if (leftover) yield leftover;
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) return;
      yield value;
    }
  }
  return { header, rest: rest() };
}
