// One generation of a v2 trace (Go's generation.go): its per-M event batches (kept as raw
// bytes, decoded once while ordering), string and stack tables, CPU samples and clock data.
// Readers for both ways a generation ends: the explicit EndOfGeneration batch (Go 1.26+) and,
// before that, the first batch of the next generation ("spill").

import type { ChunkReader } from '../wire/chunk-reader.ts';
import { VarintCursor, VarintStatus } from '../wire/varint.ts';
import {
  type Batch, WireError, readBatch, isStringsBatch, isStacksBatch, isCPUSamplesBatch, isSyncBatch, isEndOfGeneration,
} from './batch.ts';
import { Ev } from './specs.ts';
import type { StringLookup } from '../order/ordering.ts';

const MAX_STRING_SIZE = 1 << 10; // tracev2.MaxEventTrailerDataSize
const MAX_FRAMES_PER_STACK = 128;

/** One stack frame as the generation's stack table records it (string ids, not strings). */
export interface RawFrame { funcId: number; fileId: number; line: number }

/** A generation's tables and clock data, as plain data (Maps clone across threads). */
export interface GenerationTables {
  gen: number;
  minTs: number;
  freq: number;
  hasClockSnapshot: boolean;
  snapTime: number;
  snapMono: number;
  snapSec: number;
  snapNsec: number;
  strings: ReadonlyMap<number, string>;
  stacks: ReadonlyMap<number, number[]>;
  pcs: ReadonlyMap<number, RawFrame>;
}

/** A CPU profile sample, with its time already converted to ns. */
export interface CpuSample { time: number; m: number; p: number; g: number; stack: number }

const MIN_INT64 = -(2 ** 63);

/**
 * Go's frequency.mul: ticks → ns with one float64 multiply, truncated toward zero. A result
 * int64 cannot hold (a frequency of 0 makes the factor +Inf; 0 × Inf is NaN) becomes
 * math.MinInt64, as Go's float64 → int64 conversion gives on amd64 (the platform our
 * go tool trace verdicts come from; arm64 saturates instead), so damaged traces get finite times.
 */
export function ticksToNs(ticks: number, nsPerTick: number): number {
  const ns = Math.trunc(ticks * nsPerTick);
  return ns >= MIN_INT64 && ns < 2 ** 63 ? ns : MIN_INT64;
}

export class Generation implements StringLookup {
  gen = 0;
  /** Event batches per M, in the order they appear; batchMs in first-appearance order. */
  readonly batches = new Map<number, Batch[]>();
  readonly batchMs: number[] = [];
  cpuSamples: CpuSample[] = [];
  /** Smallest batch timestamp (ticks); the generation's Sync event is placed there. */
  minTs = 0;
  /** File offset of the generation's first batch: a parse may start there (ParseFileOptions.byteRange). */
  startOffset = 0;
  /** Nanoseconds per tick (Go's frequency); 0 until the frequency event is read. */
  freq = 0;
  hasClockSnapshot = false;
  snapTime = 0;
  snapMono = 0;
  snapSec = 0;
  snapNsec = 0;
  readonly strings = new Map<number, string>();
  readonly stacks = new Map<number, number[]>();
  readonly pcs = new Map<number, RawFrame>();
  /** Experimental batches by experiment id, passed through unparsed. */
  readonly expBatches = new Map<number, { thread: number; data: Uint8Array }[]>();
  /** Bytes of batch data held, for memory accounting. */
  bytes = 0;

  /** Dense views of the tables (Go's compactify), built once the generation is complete. */
  private denseStrings: (string | undefined)[] | null = null;
  private denseStacks: Uint8Array | null = null;

  stringOf(id: number): string | undefined {
    if (id === 0) return '';
    const dense = this.denseStrings;
    if (dense !== null && id < dense.length) return dense[id];
    return this.strings.get(id);
  }

  hasStack(id: number): boolean {
    if (id === 0) return true;
    const dense = this.denseStacks;
    if (dense !== null && id < dense.length) return dense[id] === 1;
    return this.stacks.has(id);
  }

  /** What the consumer of ordered events needs (not the batches): for a worker to post. */
  tables(): GenerationTables {
    return {
      gen: this.gen, minTs: this.minTs, freq: this.freq, hasClockSnapshot: this.hasClockSnapshot,
      snapTime: this.snapTime, snapMono: this.snapMono, snapSec: this.snapSec, snapNsec: this.snapNsec,
      strings: this.strings, stacks: this.stacks, pcs: this.pcs,
    };
  }

  /** A batch-less generation from tables() (after a structured clone). */
  static fromTables(t: GenerationTables): Generation {
    const g = new Generation();
    g.gen = t.gen;
    g.minTs = t.minTs;
    g.freq = t.freq;
    g.hasClockSnapshot = t.hasClockSnapshot;
    g.snapTime = t.snapTime;
    g.snapMono = t.snapMono;
    g.snapSec = t.snapSec;
    g.snapNsec = t.snapNsec;
    for (const [id, s] of t.strings) g.strings.set(id, s);
    for (const [id, pcs] of t.stacks) g.stacks.set(id, pcs);
    for (const [pc, frame] of t.pcs) g.pcs.set(pc, frame);
    g.compactify();
    return g;
  }

  /** Builds dense lookups when ids are compact (they are: the runtime numbers them from 1). */
  compactify(): void {
    const maxString = maxKey(this.strings);
    if (maxString <= 2 * this.strings.size + 16) {
      this.denseStrings = new Array(maxString + 1).fill(undefined);
      for (const [id, s] of this.strings) this.denseStrings[id] = s;
    }
    const maxStack = maxKey(this.stacks);
    if (maxStack <= 2 * this.stacks.size + 16) {
      this.denseStacks = new Uint8Array(maxStack + 1);
      for (const id of this.stacks.keys()) this.denseStacks[id] = 1;
    }
  }
}

function maxKey(map: Map<number, unknown>): number {
  let max = 0;
  for (const id of map.keys()) if (id > max) max = id;
  return max;
}

/** Adds a batch to the generation it belongs to (Go's processBatch). */
function processBatch(g: Generation, b: Batch, goMinor: number, decoder: TextDecoder, offset: number): void {
  try {
    if (isStringsBatch(b)) addStrings(g, b, decoder);
    else if (isStacksBatch(b)) addStacks(g, b);
    else if (isCPUSamplesBatch(b)) addCPUSamples(g, b);
    else if (isSyncBatch(b, goMinor)) setSyncBatch(g, b, goMinor);
    else if (b.exp !== 0) {
      let list = g.expBatches.get(b.exp);
      if (!list) g.expBatches.set(b.exp, (list = []));
      list.push({ thread: b.m, data: b.data });
    } else if (isEndOfGeneration(b)) {
      throw new Error('internal error: unexpectedly processing EndOfGeneration; broken trace?');
    } else {
      let list = g.batches.get(b.m);
      if (!list) {
        g.batches.set(b.m, (list = []));
        g.batchMs.push(b.m);
      }
      list.push(b);
      g.bytes += b.data.length;
    }
  } catch (err) {
    if (err instanceof WireError) throw err;
    throw new WireError((err as Error).message, offset);
  }
}

/** A cursor over one batch's bytes with Go's bytes.Reader error behaviour. */
class ByteCursor {
  pos = 0;
  private readonly varint = new VarintCursor();
  constructor(readonly data: Uint8Array) {}

  get remaining(): number {
    return this.data.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.data.length) throw new Error('EOF');
    return this.data[this.pos++];
  }

  uvarint(): number {
    if (this.pos >= this.data.length) throw new Error('EOF');
    const v = this.varint.decode(this.data, this.pos, this.data.length);
    if (this.varint.status !== VarintStatus.Ok || this.varint.n === 0) {
      throw new Error(this.varint.status === VarintStatus.Overflow ? 'binary: varint overflows a 64-bit integer' : 'unexpected EOF');
    }
    this.pos += this.varint.n;
    return v;
  }
}

function addStrings(g: Generation, b: Batch, decoder: TextDecoder): void {
  const r = new ByteCursor(b.data);
  if (r.byte() !== Ev.Strings) throw new Error('missing strings batch header');
  while (r.remaining !== 0) {
    const ev = r.byte();
    if (ev !== Ev.String) throw new Error(`expected string event, got ${ev}`);
    const id = r.uvarint();
    const len = r.uvarint();
    if (len > MAX_STRING_SIZE || len < 0) throw new Error(`invalid string size ${len}, maximum is ${MAX_STRING_SIZE}`);
    const n = Math.min(len, r.remaining);
    if (n !== len) throw new Error(`failed to read full string: read ${n} but wanted ${len}`);
    const s = decoder.decode(b.data.subarray(r.pos, r.pos + len));
    r.pos += len;
    const existing = g.stringOf(id);
    if (existing !== undefined) {
      throw new Error(`multiple strings with the same ID: id=${id}, new=${s}, existing=${existing}`);
    }
    g.strings.set(id, s);
  }
}

function addStacks(g: Generation, b: Batch): void {
  const r = new ByteCursor(b.data);
  if (r.byte() !== Ev.Stacks) throw new Error('missing stacks batch header');
  while (r.remaining !== 0) {
    const ev = r.byte();
    if (ev !== Ev.Stack) throw new Error(`expected stack event, got ${ev}`);
    const id = r.uvarint();
    const nFrames = r.uvarint();
    if (nFrames > MAX_FRAMES_PER_STACK || nFrames < 0) throw new Error(`invalid stack size ${nFrames}, maximum is ${MAX_FRAMES_PER_STACK}`);
    const pcs: number[] = [];
    for (let i = 1; i <= nFrames; i++) {
      const field = (what: string) => {
        try {
          return r.uvarint();
        } catch (err) {
          throw new Error(`reading frame ${i}'s ${what} for stack ${id}: ${(err as Error).message}`);
        }
      };
      const pc = field('PC');
      const funcId = field('funcID');
      const fileId = field('fileID');
      const line = field('line');
      pcs.push(pc);
      if (!g.pcs.has(pc)) g.pcs.set(pc, { funcId, fileId, line });
    }
    if (id === 0 || g.stacks.has(id)) {
      const existing = g.stacks.get(id) ?? [];
      const show = (p: number[]) => p.map((pc) => `\t0x${pc.toString(16)}\n`).join('');
      throw new Error(`multiple trace.stacks with the same ID: id=${id}, new=${show(pcs)}, existing=${show(existing)}`);
    }
    g.stacks.set(id, pcs);
  }
}

function addCPUSamples(g: Generation, b: Batch): void {
  const r = new ByteCursor(b.data);
  if (r.byte() !== Ev.CPUSamples) throw new Error('missing CPU samples batch header');
  while (r.remaining !== 0) {
    const ev = r.byte();
    if (ev !== Ev.CPUSample) throw new Error(`expected CPU sample event, got ${ev}`);
    const time = r.uvarint();
    const m = r.uvarint();
    const p = r.uvarint();
    const gid = r.uvarint();
    const stack = r.uvarint();
    // Time stays in ticks until the frequency is known (fixUpCPUSamples).
    g.cpuSamples.push({ time, m, p, g: gid === 0 ? -1 : gid, stack });
  }
}

function setSyncBatch(g: Generation, b: Batch, goMinor: number): void {
  const r = new ByteCursor(b.data);
  if (goMinor >= 25 && r.byte() !== Ev.Sync) throw new Error('missing sync batch header');
  let lastTs = b.time;
  while (r.remaining !== 0) {
    const ev = r.byte();
    if (ev === Ev.Frequency) {
      if (g.freq !== 0) throw new Error('found multiple frequency events');
      const f = r.uvarint();
      g.freq = 1.0 / (f / 1e9); // ns per tick, computed as Go does
    } else if (ev === Ev.ClockSnapshot && goMinor >= 25) {
      if (g.hasClockSnapshot) throw new Error('found multiple clock snapshot events');
      g.hasClockSnapshot = true;
      lastTs += r.uvarint();
      g.snapTime = lastTs;
      g.snapMono = r.uvarint();
      g.snapSec = r.uvarint();
      g.snapNsec = r.uvarint();
    } else {
      throw new Error(`expected frequency or clock snapshot event, got ${ev}`);
    }
  }
}

/** Checks the invariants of a fully read generation and finishes it (Go's tail of readGeneration). */
function finishGeneration(g: Generation, goMinor: number, offset: number): void {
  if (g.freq === 0) throw new WireError('no frequency event found', offset);
  if (goMinor >= 25 && !g.hasClockSnapshot) throw new WireError('no clock snapshot event found', offset);
  // Go walks its (compacted) stack table in id order and reports the first bad frame.
  for (const id of [...g.stacks.keys()].sort((a, b) => a - b)) {
    const pcs = g.stacks.get(id)!;
    for (const pc of pcs) {
      const frame = g.pcs.get(pc);
      if (!frame) throw new WireError(`found unknown pc ${pc.toString(16)} for stack ${id}`, offset);
      if (g.stringOf(frame.funcId) === undefined) throw new WireError(`found invalid func string ID ${frame.funcId} for stack ${id}`, offset);
      if (g.stringOf(frame.fileId) === undefined) throw new WireError(`found invalid file string ID ${frame.fileId} for stack ${id}`, offset);
    }
  }
  g.compactify();
  for (const s of g.cpuSamples) s.time = ticksToNs(s.time, g.freq);
  // Stable sort; Go's pdqsort agrees except between samples with identical times.
  g.cpuSamples.sort((a, b) => a.time - b.time);
}

/** The outcome of reading one generation: the generation (if any) and a deferred error. */
export interface GenerationRead {
  gen: Generation | null;
  /** An error to report after the generation (if any) has been delivered. */
  error: WireError | null;
}

/**
 * Reads generations one at a time from the byte stream, for either format of generation end.
 * Holds at most one generation plus (before Go 1.26) the first batch of the next.
 */
export class GenerationReader {
  private spill: { gen: number; batch: Batch; offset: number; start: number } | null = null;
  private readonly decoder = new TextDecoder();

  /** `baseOffset`: the file offset the stream starts at (after the header, or a generation's start). */
  constructor(private readonly r: ChunkReader, private readonly goMinor: number, private readonly baseOffset: number) {}

  /** File offset of the read position (for error messages and progress). */
  get offset(): number {
    return this.r.offset + this.baseOffset;
  }

  /** True when a spilled batch shows that another generation follows (Go < 1.26). */
  get hasSpill(): boolean {
    return this.spill !== null;
  }

  private wrap(err: unknown): WireError {
    if (err instanceof WireError) return new WireError(err.message, err.offset + this.baseOffset);
    return new WireError((err as Error).message, this.offset);
  }

  /** Folds one batch into the generation; returns the read's error if the batch is bad. */
  private addBatch(g: Generation, batch: Batch, offset: number): WireError | null {
    if (g.minTs === 0 || batch.time < g.minTs) g.minTs = batch.time;
    try {
      processBatch(g, batch, this.goMinor, this.decoder, offset);
      return null;
    } catch (err) {
      return this.wrap(err);
    }
  }

  /** Go's end-of-generation checks; `deferred` is a read error delivered with the generation. */
  private complete(g: Generation, deferred: WireError | null): GenerationRead {
    try {
      finishGeneration(g, this.goMinor, this.r.offset);
    } catch (err) {
      return { gen: null, error: this.wrap(err) };
    }
    return { gen: g, error: deferred };
  }

  /** Go 1.26+: reads up to and including the EndOfGeneration batch. null gen = clean end. */
  async readGeneration(): Promise<GenerationRead> {
    const g = new Generation();
    for (;;) {
      const start = this.offset;
      let next;
      try {
        next = await readBatch(this.r);
      } catch (err) {
        return { gen: null, error: this.wrap(err) };
      }
      if (next === null) {
        if (g.batches.size !== 0) return { gen: null, error: new WireError('incomplete generation found; trace likely truncated', this.offset) };
        return { gen: null, error: null };
      }
      const { batch, gen } = next;
      if (g.gen === 0) {
        g.gen = gen;
        g.startOffset = start;
      }
      if (isEndOfGeneration(batch)) break;
      if (gen === 0) return { gen: null, error: new WireError(`invalid generation number ${gen}`, this.offset) };
      if (gen !== g.gen) {
        return { gen: null, error: new WireError('broken trace: missing end-of-generation event, or generations are interleaved', this.offset) };
      }
      const bad = this.addBatch(g, batch, this.r.offset);
      if (bad !== null) return { gen: null, error: bad };
    }
    return this.complete(g, null);
  }

  /**
   * Before Go 1.26: reads batches until the first batch of the next generation, which is kept
   * for the next call. An error after the generation has begun is deferred (Go's spillErr):
   * the generation read so far is still delivered.
   */
  async readGenerationWithSpill(): Promise<GenerationRead> {
    const g = new Generation();
    if (this.spill !== null) {
      g.gen = this.spill.gen;
      g.startOffset = this.spill.start;
      const bad = this.addBatch(g, this.spill.batch, this.spill.offset);
      this.spill = null;
      if (bad !== null) return { gen: null, error: bad };
    }
    let deferred: WireError | null = null;
    for (;;) {
      const start = this.offset;
      let next;
      try {
        next = await readBatch(this.r);
      } catch (err) {
        if (g.gen !== 0) {
          deferred = this.wrap(err);
          break;
        }
        return { gen: null, error: this.wrap(err) };
      }
      if (next === null) break;
      const { batch, gen } = next;
      if (gen === 0) return { gen: null, error: new WireError(`invalid generation number ${gen}`, this.offset) };
      if (g.gen === 0) {
        g.gen = gen;
        g.startOffset = start;
      }
      if (gen === g.gen + 1) {
        this.spill = { gen, batch, offset: this.r.offset, start };
        break;
      }
      if (gen !== g.gen) return { gen: null, error: new WireError('generations out of order', this.offset) };
      const bad = this.addBatch(g, batch, this.r.offset);
      if (bad !== null) return { gen: null, error: bad };
    }
    return this.complete(g, deferred);
  }
}
