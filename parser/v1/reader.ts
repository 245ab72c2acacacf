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
// Memory bound. Everything is held at once, so memory grows with the trace:
//   peak ≈ file size (the raw body, dropped once decoded)
//        + 29 bytes per event (columns: type 1, P 4, time 8, G 4, stack 4, argument offset 4;
//          plus the order permutation 4)
//        + 8 bytes per stored argument (0–4 by event type, ~1.5 on average)
//        + a second order permutation (4 bytes per event) while syscall exits are re-sorted.
// Real v1 traces spend 3–7.5 bytes per event and 33–42 bytes of columns, so the columns, order
// and body come to 6–12× the file (go1.21/gc.trace, 3.07 B/event: 11.75×; Go's stress
// testdata: 10.3–10.7×; go1.19/demo: 5.9×; test/golden/v1-traces.test.ts holds every v1 fixture
// to ≤ 45 B/event and < 14× the file). Measured on a 38.8 MB Go 1.21 trace (16 busy goroutines for 5 s,
// 8.05 M events, 4.82 file bytes/event): columns + order 333 MB (41.4 B/event), peak RSS of the
// whole parse 483 MB = 12.5× the file, of which 81 MB is Node's own baseline (10.4× above it).
// go tool trace 1.27 -d=parsed peaks at 1.06 GB on the same file.

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
