// The parser's entry point: detects the format from the header and hands the stream to the
// reader for that format. Everything downstream sees one event model (model/event.ts).

import { createReadStream, statSync } from 'node:fs';
import { TraceParseError, type ByteSource, type ParseOptions, type ParseResult } from './types.ts';
import { readHeader } from './wire/header.ts';
import { readV1Trace } from './v1/reader.ts';
import { readV2Trace } from './v2/reader.ts';
import { readV2TraceInWorker } from './worker/decode-worker.ts';

export * from './types.ts';
export * from './model/event.ts';
export { TraceTables, type StackFrame } from './model/tables.ts';

/** Parses a trace from any chunked byte source. */
export async function parseTrace(source: ByteSource, options: ParseOptions): Promise<ParseResult> {
  const { header, rest } = await readHeader(source);
  if (header.format === 'v2') return readV2Trace(rest, header, options);
  return readV1Trace(rest, header, options);
}

/** Files from this size on are read with a decode worker (parser/worker/) unless told otherwise. */
export const WORKER_MIN_BYTES = 32 << 20;

export interface ParseFileOptions extends Omit<ParseOptions, 'totalBytes'> {
  chunkSize?: number;
  /**
   * Read a v2 trace on two threads: a worker decodes and orders while this thread delivers
   * events (same events, same order). Default: for files of WORKER_MIN_BYTES or more.
   */
  worker?: boolean;
}

/** Parses a trace file, streaming it in chunks. */
export async function parseTraceFile(path: string, options: ParseFileOptions): Promise<ParseResult> {
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
  const stream = createReadStream(path, { highWaterMark: chunkSize });
  if (!(options.worker ?? size >= WORKER_MIN_BYTES)) return parseTrace(stream, { ...options, totalBytes: size });
  const { header, rest } = await readHeader(stream);
  if (header.format === 'v1') return readV1Trace(rest, header, { ...options, totalBytes: size });
  stream.destroy();
  return readV2TraceInWorker(path, header, { ...options, totalBytes: size }, chunkSize);
}

/** Parses an in-memory trace, optionally fed in chunks of `chunkSize` bytes (tests use this). */
export async function parseTraceBytes(bytes: Uint8Array, options: Omit<ParseOptions, 'totalBytes'> & { chunkSize?: number }): Promise<ParseResult> {
  const chunkSize = options.chunkSize ?? bytes.length;
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += Math.max(1, chunkSize)) yield bytes.subarray(i, i + Math.max(1, chunkSize));
  }
  return parseTrace(chunks(), { ...options, totalBytes: bytes.length });
}
