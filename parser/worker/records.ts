// The stream a decode worker sends to the main thread: the producer's OrderedSink calls, in
// order, packed into blocks of fixed-size Float64 records (transferred, not copied), plus a
// message with each generation's tables before the block that installs it.
//
// Record layout (RECORD_STRIDE numbers):
//   EVENT      typ time g p m a0 a1 a2 a3 taskName(index into the block's names, -1: '')
//   CPU_SAMPLE time m p g stack
//   SYNC_GEN   consumed            (installs the generation of the latest 'gen' message)
//   END_SYNC   consumed
//   PROGRESS   offset

import { OrderedEvent } from '../order/queue.ts';
import type { OrderedSink } from '../v2/reader.ts';
import { isTransitionType } from '../v2/event-fill.ts';
import { Generation, type CpuSample, type GenerationTables } from '../v2/generation.ts';

export const RECORD_STRIDE = 11;
/** Records per block: 5.8 MB, so that a 170 MB trace takes a few hundred messages. */
export const BLOCK_RECORDS = 64 * 1024;

const EVENT = 0;
const CPU_SAMPLE = 1;
const SYNC_GEN = 2;
const END_SYNC = 3;
const PROGRESS = 4;

// The ring the decode worker writes blocks into and every reader (the main thread, companions)
// reads them from, and the counters of blocks each reader has consumed (one Int32 per reader):
// the worker reuses a slot only once every reader is past it.

const BLOCK_BYTES = BLOCK_RECORDS * RECORD_STRIDE * Float64Array.BYTES_PER_ELEMENT;

/** A shared ring of `slots` blocks. */
export function createRing(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer(slots * BLOCK_BYTES);
}

/** Every slot of a ring, as views (slot i holds block i, i + slots, …). */
export function ringSlots(ring: SharedArrayBuffer): Float64Array[] {
  return Array.from({ length: ring.byteLength / BLOCK_BYTES }, (_, i) => new Float64Array(ring, i * BLOCK_BYTES, BLOCK_RECORDS * RECORD_STRIDE));
}

/** A reader's count once it has failed or gone: far enough ahead that the worker never waits on it. */
const READER_GONE = 0x3fffffff;

/** Reader `reader` has consumed one more block: count it and wake the worker if it waits on it. */
export function countBlockRead(consumed: Int32Array, reader: number): void {
  Atomics.add(consumed, reader, 1);
  Atomics.notify(consumed, reader);
}

/** Reader `reader` reads no more: the worker must not wait for it. */
export function releaseReader(consumed: Int32Array, reader: number): void {
  Atomics.store(consumed, reader, READER_GONE);
  Atomics.notify(consumed, reader);
}

/** A full block: `count` records, and the task names EVENT records point to. */
export interface RecordBlock {
  records: Float64Array;
  count: number;
  names: string[];
}

export interface GenerationMessage {
  type: 'gen';
  tables: GenerationTables;
}

/**
 * Worker side: an OrderedSink that packs calls into blocks. `postBlock` sends a full block and
 * returns the array to fill next (BLOCK_RECORDS records; the worker cycles through shared ones).
 */
export class RecordWriter implements OrderedSink {
  private count = 0;
  private names: string[] = [];

  constructor(
    private records: Float64Array,
    private readonly postBlock: (block: RecordBlock) => Float64Array,
    private readonly postGeneration: (message: GenerationMessage) => void,
  ) {}

  generation(gen: Generation, consumed: number): void {
    // The tables must arrive before the record that installs them.
    this.flush();
    this.postGeneration({ type: 'gen', tables: gen.tables() });
    this.short(SYNC_GEN, consumed);
  }

  endSync(consumed: number): void {
    this.short(END_SYNC, consumed);
  }

  progress(offset: number): void {
    this.short(PROGRESS, offset);
  }

  event(rec: OrderedEvent): void {
    const r = this.records;
    const o = this.count * RECORD_STRIDE;
    r[o] = EVENT;
    r[o + 1] = rec.typ;
    r[o + 2] = rec.time;
    r[o + 3] = rec.g;
    r[o + 4] = rec.p;
    r[o + 5] = rec.m;
    const a = rec.args;
    r[o + 6] = a[0];
    r[o + 7] = a[1];
    r[o + 8] = a[2];
    r[o + 9] = a[3];
    if (rec.taskName === '') {
      r[o + 10] = -1;
    } else {
      r[o + 10] = this.names.length;
      this.names.push(rec.taskName);
    }
    if (++this.count === BLOCK_RECORDS) this.flush();
  }

  cpuSample(s: CpuSample): void {
    const r = this.records;
    const o = this.count * RECORD_STRIDE;
    r[o] = CPU_SAMPLE;
    r[o + 1] = s.time;
    r[o + 2] = s.m;
    r[o + 3] = s.p;
    r[o + 4] = s.g;
    r[o + 5] = s.stack;
    if (++this.count === BLOCK_RECORDS) this.flush();
  }

  /** Sends what is buffered (if anything) as one block. */
  flush(): void {
    if (this.count === 0) return;
    this.records = this.postBlock({ records: this.records, count: this.count, names: this.names });
    this.count = 0;
    this.names = [];
  }

  private short(kind: number, value: number): void {
    const o = this.count * RECORD_STRIDE;
    this.records[o] = kind;
    this.records[o + 1] = value;
    if (++this.count === BLOCK_RECORDS) this.flush();
  }
}

/** What RecordReader feeds: an OrderedSink that also takes transitions straight from a record. */
export interface RecordSink extends OrderedSink {
  /** A transition event: `r[o]` is its typ, then time, g, p, m and the four args (EVENT layout). */
  transitionRecord(r: Float64Array, o: number, gen: Generation): void;
}

/** Main side: replays blocks and generation messages into the consumer, in order. */
export class RecordReader {
  private readonly rec = new OrderedEvent();
  private readonly sample: CpuSample = { time: 0, m: 0, p: 0, g: 0, stack: 0 };
  /** The generation of the latest 'gen' message, installed by the next SYNC_GEN. */
  private pending: Generation | null = null;
  private current: Generation | null = null;

  constructor(private readonly sink: RecordSink) {}

  generationMessage(message: GenerationMessage): void {
    this.pending = Generation.fromTables(message.tables);
  }

  block(block: RecordBlock): void {
    const r = block.records;
    const sink = this.sink;
    const count = block.count;
    // Transitions (~99% of events) go to the consumer straight from the record: no copy into `rec`.
    let current = this.current;
    for (let i = 0, o = 0; i < count; i++, o += RECORD_STRIDE) {
      if (r[o] === EVENT && isTransitionType[r[o + 1]] !== 0) {
        sink.transitionRecord(r, o + 1, current!);
      } else {
        this.other(block, o);
        current = this.current;
      }
    }
  }

  /** Any record but a transition (a SYNC_GEN record changes `current`). */
  private other(block: RecordBlock, o: number): void {
    const r = block.records;
    const sink = this.sink;
    switch (r[o]) {
      case EVENT: {
        const rec = this.rec;
        const args = rec.args;
        rec.typ = r[o + 1];
        rec.time = r[o + 2];
        rec.g = r[o + 3];
        rec.p = r[o + 4];
        rec.m = r[o + 5];
        args[0] = r[o + 6];
        args[1] = r[o + 7];
        args[2] = r[o + 8];
        args[3] = r[o + 9];
        const name = r[o + 10];
        rec.taskName = name < 0 ? '' : block.names[name];
        sink.event(rec, this.current!);
        break;
      }
      case CPU_SAMPLE: {
        const s = this.sample;
        s.time = r[o + 1];
        s.m = r[o + 2];
        s.p = r[o + 3];
        s.g = r[o + 4];
        s.stack = r[o + 5];
        sink.cpuSample(s);
        break;
      }
      case SYNC_GEN:
        this.current = this.pending;
        this.pending = null;
        sink.generation(this.current!, r[o + 1]);
        break;
      case END_SYNC:
        sink.endSync(r[o + 1]);
        break;
      case PROGRESS:
        sink.progress(r[o + 1]);
        break;
      default:
        throw new Error(`decode worker: bad record kind ${r[o]}`);
    }
  }
}
