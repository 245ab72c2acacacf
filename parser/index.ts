// The parser's entry point: detects the format from the header and hands the stream to the
// reader for that format. Everything downstream sees one event model (model/event.ts).

import { createReadStream, statSync } from 'node:fs';
import { TraceParseError, type ByteRange, type ByteSource, type ParseOptions, type ParseResult } from './types.ts';
import { TraceTables } from './model/tables.ts';
import type { TraceEvent } from './model/event.ts';
import { HEADER_SIZE, readHeader } from './wire/header.ts';
import { readV1Trace } from './v1/reader.ts';
import { readV2Trace } from './v2/reader.ts';
import { readV2TraceInWorker } from './worker/decode-worker.ts';
import { runOffThreadInline, type OffThreadName, type OffThreadResults } from './worker/off-thread.ts';

export * from './types.ts';
export * from './model/event.ts';
export { TraceTables, type StackFrame } from './model/tables.ts';
export type { OffThreadName, OffThreadResults } from './worker/off-thread.ts';

/** Parses a trace from any chunked byte source. */
export async function parseTrace(source: ByteSource, options: ParseOptions): Promise<ParseResult> {
  const { header, rest } = await readHeader(source);
  if (header.format === 'v2') return readV2Trace(rest, header, options);
  return readV1Trace(rest, header, options);
}

/**
 * Files from this size on are read with a decode worker (parser/worker/) unless told otherwise:
 * from about a million events the second core saves more than starting workers costs (~0.1 s).
 */
export const WORKER_MIN_BYTES = 8 << 20;

export interface ParseFileOptions extends Omit<ParseOptions, 'totalBytes'> {
  chunkSize?: number;
  /**
   * Read a v2 trace on two threads: a worker decodes and orders while this thread delivers
   * events (same events, same order). Default: for files of WORKER_MIN_BYTES or more.
   */
  worker?: boolean;
  /**
   * Analyses to run beside onEvent's (worker/off-thread.ts): on a thread of their own when the
   * file is read with the worker, on this thread otherwise. Their results are in the result's
   * `offThread`.
   */
  offThread?: readonly OffThreadName[];
  /**
   * Feed the off-thread analyses only the generations that end within this many bytes of the file
   * (at least the first one), then finish them while the main thread reads on: a timeline of the
   * first part of a trace too big to lay out whole. Applies when the file is read with the decode
   * worker (v2 traces); read on one thread, they see every event (offThreadCutAt says which).
   */
  offThreadByteLimit?: number;
  /**
   * Read only these bytes of a v2 trace: whole generations, from one's start (a
   * ParseResult.generationStarts offset) to another's or the file's end. The events read are
   * those of a trace that began there (goroutines first seen in their generation's states), as in
   * a flight recording. Read with the decode worker; the off-thread analyses finish on one thread.
   */
  byteRange?: ByteRange;
}

export interface ParseFileResult extends ParseResult {
  /** The results of ParseFileOptions.offThread's analyses. */
  offThread: OffThreadResults;
  /**
   * Null if the off-thread analyses saw every event; else the bytes of the file read up to the
   * end of the last generation they saw (offThreadByteLimit).
   */
  offThreadCutAt: number | null;
  /** With offThreadCutAt: how many generations the off-thread analyses saw. */
  offThreadGenerations: number | null;
}

/** Parses a trace file, streaming it in chunks. */
export async function parseTraceFile(path: string, options: ParseFileOptions): Promise<ParseFileResult> {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new TraceParseError(`${path} is a directory, not a trace file`);
    size = st.size;
  } catch (err) {
    if (err instanceof TraceParseError) throw err;
    throw new TraceParseError(`cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const chunkSize = options.chunkSize ?? 1 << 20;
  const offThread = options.offThread ?? [];
  const stream = createReadStream(path, { highWaterMark: chunkSize });
  const range = options.byteRange ?? null;
  if (range !== null || (options.worker ?? size >= WORKER_MIN_BYTES)) {
    const { header, rest } = await readHeader(stream);
    if (header.format === 'v2') {
      stream.destroy();
      if (range !== null && !(range.start >= HEADER_SIZE && range.start < range.end && range.end <= size)) {
        throw new TraceParseError(`bytes ${range.start}–${range.end} are not within the ${size}-byte trace ${path}`);
      }
      return readV2TraceInWorker(path, header, { ...options, totalBytes: size }, chunkSize, offThread, options.offThreadByteLimit, range);
    }
    if (range !== null) {
      stream.destroy();
      throw new TraceParseError(`${path} is a ${header.version} trace: only a v2 trace (Go 1.22 or later) can be read from a generation on`);
    }
    return withInlineAnalyses({ ...options, totalBytes: size }, offThread, (o) => readV1Trace(rest, header, o));
  }
  return withInlineAnalyses({ ...options, totalBytes: size }, offThread, (o) => parseTrace(stream, o));
}

/** Reads on this thread, the off-thread analyses seeing each event right after onEvent. */
async function withInlineAnalyses(
  options: ParseOptions,
  names: readonly OffThreadName[],
  read: (options: ParseOptions) => Promise<ParseResult>,
): Promise<ParseFileResult> {
  const tables = options.tables ?? new TraceTables();
  const inline = runOffThreadInline(names, tables);
  const onEvent = options.onEvent;
  const feed = names.length === 0 ? onEvent : (ev: TraceEvent) => { onEvent(ev); inline.feed(ev); };
  const result = await read({ ...options, tables, onEvent: feed });
  return { ...result, offThread: inline.finish(), offThreadCutAt: null, offThreadGenerations: null };
}

/** Parses an in-memory trace, optionally fed in chunks of `chunkSize` bytes (tests use this). */
export async function parseTraceBytes(bytes: Uint8Array, options: Omit<ParseOptions, 'totalBytes'> & { chunkSize?: number }): Promise<ParseResult> {
  const chunkSize = options.chunkSize ?? bytes.length;
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += Math.max(1, chunkSize)) yield bytes.subarray(i, i + Math.max(1, chunkSize));
  }
  return parseTrace(chunks(), { ...options, totalBytes: bytes.length });
}
