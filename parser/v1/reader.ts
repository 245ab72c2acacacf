// The v1 trace reader (formats "go 1.11", "go 1.19", "go 1.21"; written by Go 1.11–1.21),
// producing the same event stream go tool trace 1.27 gets from Go's tracev1 parser and its
// conversion (internal/trace/tracev1.go).
//
// v1 traces are not split into generations: batches of different Ps interleave freely and
// string/stack tables can come last, so the whole trace is read and decoded before anything
// can be ordered. The steps, each in its own module:
//   decode.ts    two passes over the bytes → typed-array columns, string and stack tables
//   order.ts     the cross-P merge on goroutine sequence numbers, syscall-exit times, ticks → ns
//   validate.ts  Go's consistency checks, run to the end before any event is delivered
//   convert.ts   the conversion to TraceEvent, with Sync events first and last
//
// MEMORY_BOUND
// Peak memory is the raw body (1× the file, released once decoded) plus, per event:
// 29 bytes of columns (type 1, P 4, time 8, G 4, stack 4, argument offset 4, order 4) and 8 per
// stored argument (0–4 by type). Measured on real traces (see the report in
// test/golden/v1-traces.test.ts): MEMORY_FIGURES

import { TraceTables } from '../model/tables.ts';
import { TraceParseError, type ByteSource, type ParseOptions, type ParseResult } from '../types.ts';
import { HEADER_SIZE, type TraceHeader } from '../wire/header.ts';
import { V1Bytes } from './bytes.ts';
import { convertEvents, markBlockingSyscalls } from './convert.ts';
import { decodeBatches, indexTrace } from './decode.ts';
import { BatchLocator, mergeBatches, normalizeTimes } from './order.ts';
import { validateTrace } from './validate.ts';

/** Reads the rest of the source into one buffer (allocated once when the file size is known). */
async function readBody(source: ByteSource, options: ParseOptions): Promise<Uint8Array> {
  const total = options.totalBytes;
  const expected = total !== undefined && Number.isSafeInteger(total) && total >= HEADER_SIZE ? total - HEADER_SIZE : -1;
  let buffer: Uint8Array | null = expected >= 0 ? new Uint8Array(expected) : null;
  let length = 0;
  // Used when the size is unknown, or the source turns out longer than announced.
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) {
    if (buffer && length + chunk.length <= buffer.length) buffer.set(chunk, length);
    else {
      if (buffer) {
        chunks.push(buffer.subarray(0, length));
        buffer = null;
      }
      chunks.push(chunk.slice());
    }
    length += chunk.length;
    options.onProgress?.(HEADER_SIZE + length, total ?? NaN);
  }
  if (buffer) return buffer.subarray(0, length);
  const joined = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

export interface V1Breakdown {
  /** Bytes of the decoded columns (for the memory report). */
  columnBytes: number;
  orderBytes: number;
  bodyBytes: number;
  events: number;
}

/** Decodes, orders and validates a v1 body; exported for the memory measurement. */
export function prepareV1(body: Uint8Array, goMinor: number) {
  const bytes = new V1Bytes(body);
  const index = indexTrace(bytes, goMinor);
  const decoded = decodeBatches(bytes, goMinor, index);
  const locate = new BatchLocator(decoded);
  const order = mergeBatches(decoded, locate);
  // Found missing only at the end of the data, which is the offset named.
  if (decoded.ticksPerSec === 0) throw new TraceParseError('no EvFrequency event', HEADER_SIZE + body.length);
  normalizeTimes(decoded, order);
  validateTrace(decoded, order, locate);
  markBlockingSyscalls(decoded, order);
  const breakdown: V1Breakdown = {
    columnBytes: decoded.columns.byteSize(),
    orderBytes: order.byteLength,
    bodyBytes: body.byteLength,
    events: decoded.columns.length,
  };
  return { decoded, order, locate, breakdown };
}

export async function readV1Trace(source: ByteSource, header: TraceHeader, options: ParseOptions): Promise<ParseResult> {
  // The raw body is referenced by nothing once prepared: only the columns stay.
  const { decoded, order, locate, breakdown } = prepareV1(await readBody(source, options), header.goMinor);
  const totalBytes = options.totalBytes ?? HEADER_SIZE + breakdown.bodyBytes;
  const tables = options.tables ?? new TraceTables();
  const outcome = await convertEvents(decoded, order, header.goMinor, tables, options.onEvent, locate);
  return {
    version: header.version,
    goMinor: header.goMinor,
    format: 'v1',
    tables,
    events: outcome.events,
    validEvents: outcome.validEvents,
    // Go reads a v1 trace whole before the first event, so all of it counts as consumed.
    validBytes: totalBytes,
    totalBytes,
    generations: 1,
    startTime: outcome.startTime,
    endTime: outcome.endTime,
    error: outcome.error,
  };
}
