// Hand-made damage to real v2 traces: a batch's data rewritten (its size field re-encoded to
// match), a varint inside it replaced, or a header field set to an absurd value. Used to make
// the absurd-length cases of fixtures/invalid/fuzz/ (make-fuzz-fixtures.ts).

import { encodeUvarint } from '../../parser/wire/varint.ts';
import { scanBatches, type BatchSpan } from './mutate.ts';

export const varint = (value: bigint | number): number[] => {
  const out: number[] = [];
  encodeUvarint(value, out);
  return out;
};

/** Bytes of the varint at `pos` (continuation bytes plus the last). */
export function varintLength(data: Uint8Array, pos: number): number {
  let n = 1;
  while (data[pos + n - 1] >= 0x80) n++;
  return n;
}

function join(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The batches of a trace that carry data, optionally only those whose first byte is `kind`. */
export function batchesOf(trace: Uint8Array, kind?: number): BatchSpan[] {
  return scanBatches(trace).filter((b) => b.end > b.dataAt && (kind === undefined || trace[b.dataAt] === kind));
}

/** Replaces batch `b`'s data with `edit(data)`, re-encoding its size field. */
export function editBatch(trace: Uint8Array, b: BatchSpan, edit: (data: Uint8Array) => ArrayLike<number>): Uint8Array {
  const data = edit(trace.slice(b.dataAt, b.end));
  return join(trace.subarray(0, b.fields[3]), varint(data.length), data, trace.subarray(b.end));
}

/** Sets header field f (0 gen, 1 M, 2 time, 3 size) of batch `b` to `value`, keeping the data. */
export function setBatchField(trace: Uint8Array, b: BatchSpan, field: 0 | 1 | 2 | 3, value: bigint): Uint8Array {
  const end = field < 3 ? b.fields[field + 1] : b.dataAt;
  return join(trace.subarray(0, b.fields[field]), varint(value), trace.subarray(end));
}

/** Replaces the varint at `pos` of `data` with `value`. */
export function replaceVarint(data: Uint8Array, pos: number, value: bigint): Uint8Array {
  return join(data.subarray(0, pos), varint(value), data.subarray(pos + varintLength(data, pos)));
}

/** Inserts raw bytes at `pos` of `data`. */
export function insertBytes(data: Uint8Array, pos: number, bytes: ArrayLike<number>): Uint8Array {
  return join(data.subarray(0, pos), bytes, data.subarray(pos));
}
