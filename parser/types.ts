// The contract between the parser's entry point (index.ts) and the per-format readers
// (v1/, v2/). Kept apart so readers do not import the dispatcher that imports them.

import type { EventSink, Nanoseconds } from './model/event.ts';
import type { TraceTables } from './model/tables.ts';

export interface ParseOptions {
  /** Receives every event in order; must not retain the event object. */
  onEvent: EventSink;
  /** Called as bytes are consumed (bytesRead of totalBytes; totalBytes is NaN if unknown). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Total input size when known (files), for progress and the lost-data report. */
  totalBytes?: number;
  /** Tables to intern into; pass one to let analyses resolve stacks while events stream. */
  tables?: TraceTables;
}

/** What a reader reports once the stream has ended (or failed part-way). */
export interface ParseResult {
  /** The header's version, e.g. "go 1.26" or "go 1.19". */
  version: string;
  /** Go minor version number from the header (26 for "go 1.26"). */
  goMinor: number;
  format: 'v1' | 'v2';
  /** String, frame and stack tables for the whole trace; events refer to them by id. */
  tables: TraceTables;
  /** Events delivered to onEvent. */
  events: number;
  /**
   * Events up to and including the last Sync event (the last complete generation), which is
   * what go tool trace keeps when a trace is damaged part-way. Equals `events` for a good trace.
   */
  validEvents: number;
  /** Bytes consumed when the last complete generation ended (Go's parsedTrace.valid). */
  validBytes: number;
  totalBytes: number;
  /** v2: number of generations read; v1: 1. */
  generations: number;
  /** v2: where each generation read begins (a later parse may start there); v1: absent. */
  generationStarts?: GenerationStart[];
  /** First and last event time (ns), or NaN when there are none. */
  startTime: Nanoseconds;
  endTime: Nanoseconds;
  /**
   * Set when the trace was damaged after at least one good generation: events after
   * `validEvents` are unreliable. A trace with no good generation throws instead.
   */
  error: string | null;
}

/** A v2 generation's place in the file: the offset of its first batch, and its first event's time (ns). */
export interface GenerationStart {
  offset: number;
  time: Nanoseconds;
}

/** File bytes [start, end). */
export interface ByteRange {
  start: number;
  end: number;
}

/** A byte source read from front to back: file streams, HTTP bodies, test buffers. */
export type ByteSource = AsyncIterable<Uint8Array>;

/** Thrown for traces that cannot be parsed: a one-line message, with the byte offset if known. */
export class TraceParseError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = 'TraceParseError';
  }
}
