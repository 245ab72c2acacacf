// Batches: the unit v2 traces are written in (Go's batch.go). Each is a header
// (generation, M, base timestamp, size) and `size` bytes of events, kept undecoded here.

import type { ChunkReader } from '../wire/chunk-reader.ts';
import { ShortReadError } from '../wire/chunk-reader.ts';
import { Ev } from './specs.ts';

/** tracev2.MaxBatchSize: checked before a batch is buffered, so bad sizes never allocate. */
export const MAX_BATCH_SIZE = 64 << 10;
/** Longest possible batch header: type, experiment, 4 varints of ≤10 bytes. */
const MAX_BATCH_HEADER = 2 + 4 * 10;

export interface Batch {
  /** Thread id (-1 for the runtime's "no M" batches: strings, stacks, sync...). */
  m: number;
  /** Base timestamp, in ticks. */
  time: number;
  data: Uint8Array;
  /** Experiment id, 0 for ordinary batches. */
  exp: number;
}

/** A failure in the v2 data, with the absolute offset (after the header) where it was found. */
export class WireError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const kindIs = (b: Batch, typ: number) => b.exp === 0 && b.data.length > 0 && b.data[0] === typ;
export const isStringsBatch = (b: Batch) => kindIs(b, Ev.Strings);
export const isStacksBatch = (b: Batch) => kindIs(b, Ev.Stacks);
export const isCPUSamplesBatch = (b: Batch) => kindIs(b, Ev.CPUSamples);
export const isEndOfGeneration = (b: Batch) => kindIs(b, Ev.EndOfGeneration);
export const isSyncBatch = (b: Batch, goMinor: number) =>
  (goMinor < 25 && kindIs(b, Ev.Frequency)) || (goMinor >= 25 && kindIs(b, Ev.Sync));

/**
 * Reads the next batch (Go's readBatch). Returns null at a clean end of input (no byte left
 * before a batch); throws WireError, with Go's message, for anything else.
 */
export async function readBatch(r: ChunkReader): Promise<{ batch: Batch; gen: number } | null> {
  await r.fill(MAX_BATCH_HEADER);
  if (r.available === 0) return null;
  const start = r.offset;
  const typ = r.readByte();
  if (typ === Ev.EndOfGeneration) return { batch: { m: -1, time: 0, data: Uint8Array.of(typ), exp: 0 }, gen: 0 };
  if (typ !== Ev.EventBatch && typ !== Ev.ExperimentalBatch) {
    throw new WireError(`expected batch event, got event ${typ}`, start);
  }
  let exp = 0;
  if (typ === Ev.ExperimentalBatch) {
    exp = readHeaderField(r, '');
  }
  const gen = readHeaderField(r, 'error reading batch gen: ');
  const m = readHeaderField(r, 'error reading batch M ID: ');
  const time = readHeaderField(r, 'error reading batch timestamp: ');
  const size = readHeaderField(r, 'error reading batch size: ');
  if (size > MAX_BATCH_SIZE || size < 0) {
    throw new WireError(`invalid batch size ${size < 0 ? BigInt(size) + (1n << 64n) : size}, maximum is ${MAX_BATCH_SIZE}`, start);
  }
  await r.fill(size);
  if (r.available < size) {
    const at = r.offset + r.available;
    throw new WireError(`failed to read full batch: read ${r.available} but wanted ${size}`, at);
  }
  return { batch: { m, time, data: r.readBytes(size), exp }, gen };
}

function readHeaderField(r: ChunkReader, prefix: string): number {
  try {
    return prefix === '' ? r.readByte() : r.readUvarint();
  } catch (err) {
    // Input that ends inside a header was read to its end (which is what Go's reader counts).
    if (err instanceof ShortReadError) throw new WireError(prefix + err.message, err.code === 'overflow' ? err.offset : r.offset + r.available);
    throw err;
  }
}
