// The v2 trace reader (Go 1.22–1.27 wire formats "go 1.22", "go 1.23", "go 1.25", "go 1.26"),
// following Go's internal/trace Reader.ReadEvent: read one generation, merge its per-M batches
// through the ordering state machine, interleave CPU samples, bracket with Sync events, and
// drop the generation before reading the next. Events are pushed to options.onEvent in the
// exact order Go's reader returns them.
//
// Two stages, so that a worker thread can run the first (parser/worker/): the producer reads
// and orders (bytes → ordered wire events, Syncs, CPU samples), the consumer turns those into
// TraceEvents for the sink and keeps the counts the ParseResult reports. In one thread the
// producer calls the consumer directly.

import { TraceEvent } from '../model/event.ts';
import { TraceTables } from '../model/tables.ts';
import { TraceParseError, type ByteSource, type GenerationStart, type ParseOptions, type ParseResult } from '../types.ts';
import { ChunkReader } from '../wire/chunk-reader.ts';
import { EventLoopYielder } from '../event-loop.ts';
import { HEADER_SIZE, type TraceHeader } from '../wire/header.ts';
import { Ordering, OrderError } from '../order/ordering.ts';
import type { OrderedEvent } from '../order/queue.ts';
import { WireError } from './batch.ts';
import { BatchCursor, BatchDecodeError, heapInsert, heapRemove, heapUpdate } from './batch-cursor.ts';
import {
  fillCpuSample, fillEvent, fillSync, fillTransition, isTransitionType, StackResolver, TableIdError, validateTableIds,
} from './event-fill.ts';
import { type CpuSample, type Generation, GenerationReader, type GenerationRead, ticksToNs } from './generation.ts';
import { specs } from './specs.ts';

/** Reads a v2 trace whose header has been consumed; see parser/types.ts for the contract. */
export async function readV2Trace(source: ByteSource, header: TraceHeader, options: ParseOptions): Promise<ParseResult> {
  const consumer = new V2Consumer(header, options);
  const outcome = await new V2Producer(source, header, consumer).run();
  return consumer.finish(outcome);
}

/** What the producer hands on, in stream order. */
export interface OrderedSink {
  /** A generation was read and installed: emit its Sync (consumed = file bytes read so far). */
  generation(gen: Generation, consumed: number): void;
  /** The Sync that ends the trace or precedes an error. */
  endSync(consumed: number): void;
  /** An ordered wire event of generation `gen`, its table ids already validated. */
  event(rec: OrderedEvent, gen: Generation): void;
  cpuSample(sample: CpuSample): void;
  /** File offset read so far (after each generation). */
  progress(offset: number): void;
}

/** A failure that ends the trace where it is (Go's reader errors); anything else is a bug. */
export type TraceDataError = WireError | OrderError | BatchDecodeError | TableIdError;

export function isTraceDataError(err: unknown): err is TraceDataError {
  return err instanceof WireError || err instanceof OrderError || err instanceof BatchDecodeError || err instanceof TableIdError;
}

/** How the producer ended: what the ParseResult needs from the reading side. */
export interface ProducerOutcome {
  error: TraceDataError | null;
  generationCount: number;
  /** Generations read without a read error and ordered to their end. */
  completeGenerations: number;
  /** Where each generation read begins, in order. */
  generationStarts: GenerationStart[];
  /** File offset of the read position at the end. */
  offset: number;
  /** Bytes pulled from the source (after the header). */
  pulled: number;
}

/** Stage 1: bytes → generations → ordered wire events (Go's ReadEvent steps 1–8). */
export class V2Producer {
  private readonly reader: ChunkReader;
  private readonly generations: GenerationReader;
  private readonly ordering: Ordering;
  private frontier: BatchCursor[] = [];
  /** Ordering a generation can take seconds; this lets the server answer meanwhile. */
  private readonly yielder = new EventLoopYielder();
  private generationCount = 0;
  private completeGenerations = 0;

  private readonly generationStarts: GenerationStart[] = [];

  /** `baseOffset`: the file offset `source` starts at (right after the header, or where a generation starts). */
  constructor(source: ByteSource, private readonly header: TraceHeader, private readonly sink: OrderedSink, baseOffset = HEADER_SIZE) {
    this.reader = new ChunkReader(source);
    this.generations = new GenerationReader(this.reader, header.goMinor, baseOffset);
    this.ordering = new Ordering(header.goMinor);
  }

  /** Reads to the end or to the first data error; throws only for bugs and I/O failures. */
  async run(): Promise<ProducerOutcome> {
    let error: TraceDataError | null = null;
    try {
      await this.readAll();
    } catch (err) {
      if (!isTraceDataError(err)) throw err;
      error = err;
    }
    return {
      error,
      generationCount: this.generationCount,
      completeGenerations: this.completeGenerations,
      generationStarts: this.generationStarts,
      offset: this.generations.offset,
      pulled: this.reader.pulled,
    };
  }

  private async readAll(): Promise<void> {
    const spill = this.header.goMinor < 26;
    for (;;) {
      const read: GenerationRead = spill ? await this.generations.readGenerationWithSpill() : await this.generations.readGeneration();
      this.sink.progress(this.generations.offset);
      if (read.gen === null) {
        // Go emits a Sync before returning the error (or to end the trace) — but only once a
        // generation was read, or the trace is empty.
        if (read.error !== null) {
          if (this.generationCount > 0) this.sink.endSync(read.error.offset);
          throw read.error;
        }
        if (this.generationCount > 0) this.sink.endSync(this.generations.offset);
        return;
      }
      // Before Go 1.26 a generation followed by a read error is still delivered, as Go does (the
      // error may belong to the next generation's first batch), but it does not count as complete.
      // Like Go's counting reader, what was read before the error counts as consumed.
      this.install(read.gen, read.error?.offset ?? this.generations.offset);
      await this.orderGeneration(read.gen);
      if (read.error === null) this.completeGenerations++;
      if (read.error !== null) {
        this.sink.endSync(read.error.offset);
        throw read.error;
      }
      if (spill && !this.generations.hasSpill) {
        // No further generation: the trace ends here.
        this.sink.endSync(this.generations.offset);
        return;
      }
    }
  }

  /** Go's installGen: builds the frontier, then emits the generation's Sync event. */
  private install(gen: Generation, consumed: number): void {
    this.frontier = [];
    for (const m of gen.batchMs) {
      const bc = new BatchCursor(m, gen.batches.get(m)!, gen.freq);
      if (!bc.nextEvent()) continue;
      heapInsert(this.frontier, bc);
    }
    this.generationCount++;
    this.generationStarts.push({ offset: gen.startOffset, time: ticksToNs(gen.minTs, gen.freq) });
    this.sink.generation(gen, consumed);
  }

  /** Merges the generation's Ms (Go's ReadEvent steps 5–8) until they and its samples run out. */
  private async orderGeneration(gen: Generation): Promise<void> {
    const frontier = this.frontier;
    const samples = gen.cpuSamples;
    const ordering = this.ordering;
    const sink = this.sink;
    let cpuIndex = 0;
    for (;;) {
      const pause = this.yielder.maybeYield();
      if (pause) await pause;
      if (frontier.length === 0 && cpuIndex === samples.length) return;
      if (cpuIndex < samples.length && (frontier.length === 0 || samples[cpuIndex].time < frontier[0].time)) {
        sink.cpuSample(samples[cpuIndex++]);
        continue;
      }
      if (!this.tryAdvance(gen, 0)) {
        // Rare: sort the frontier by time and try the other Ms in order.
        sortFrontier(frontier);
        let success = false;
        for (let i = 1; i < frontier.length; i++) {
          if (this.tryAdvance(gen, i)) {
            success = true;
            break;
          }
        }
        if (!success) {
          throw new OrderError(`broken trace: failed to advance: frontier:\n[gen=${gen.gen}]\n\n${dumpFrontier(frontier)}`);
        }
      }
      for (let rec = ordering.queue.shift(); rec !== undefined; rec = ordering.queue.shift()) {
        validateTableIds(rec, gen);
        sink.event(rec, gen);
      }
    }
  }

  private tryAdvance(gen: Generation, i: number): boolean {
    const bc = this.frontier[i];
    if (!this.ordering.advance(bc, gen, bc.m, gen.gen)) return false;
    if (bc.nextEvent()) heapUpdate(this.frontier, i);
    else heapRemove(this.frontier, i);
    return true;
  }
}

/** Stage 2: ordered wire events → TraceEvents for options.onEvent, and the ParseResult. */
export class V2Consumer implements OrderedSink {
  private readonly tables: TraceTables;
  private readonly stacks: StackResolver;
  private readonly ev = new TraceEvent();
  private readonly emit: (ev: TraceEvent) => void;

  /**
   * Whether `ev` may hold a field outside the transition set (see fillTransition) that is not at
   * its reset value. Transitions are ~99% of events; after one, the next needs no reset.
   */
  private dirty = true;
  private lastTs = 0;
  private syncs = 0;
  private events = 0;
  private validEvents = 0;
  private validBytes = 0;
  private startTime = NaN;
  private validEndTime = NaN;

  constructor(private readonly header: TraceHeader, private readonly options: ParseOptions) {
    this.tables = options.tables ?? new TraceTables();
    this.stacks = new StackResolver(this.tables);
    this.emit = options.onEvent;
  }

  generation(gen: Generation, consumed: number): void {
    this.stacks.setGeneration(gen);
    this.sync(gen, consumed);
  }

  endSync(consumed: number): void {
    this.sync(null, consumed);
  }

  event(rec: OrderedEvent, gen: Generation): void {
    const ev = this.ev;
    if (isTransitionType[rec.typ] !== 0) {
      if (this.dirty) ev.reset();
      fillTransition(ev, rec.typ, rec.g, rec.p, rec.m, rec.args, 0, gen, this.stacks);
      this.dirty = false;
    } else {
      ev.reset();
      fillEvent(ev, rec, gen, this.stacks);
      this.dirty = true;
    }
    this.deliver(ev, rec.time);
  }

  /**
   * A transition straight from a worker record (see parser/worker/records.ts): `r[o..o+3]` hold
   * typ, time, g, p; m follows, and the four args start at `o + 5`.
   */
  transitionRecord(r: Float64Array, o: number, gen: Generation): void {
    const ev = this.ev;
    if (this.dirty) ev.reset();
    fillTransition(ev, r[o], r[o + 2], r[o + 3], r[o + 4], r, o + 5, gen, this.stacks);
    this.dirty = false;
    // The time goes through the event's field, not an argument: a double passed to a call that
    // is not inlined is boxed (an allocation per event, tens of millions of them).
    ev.time = r[o + 1];
    this.deliverEvent(ev);
  }

  cpuSample(sample: CpuSample): void {
    this.dirty = true;
    const ev = this.ev.reset();
    fillCpuSample(ev, sample, this.stacks);
    this.deliver(ev, sample.time);
  }

  progress(offset: number): void {
    this.options.onProgress?.(offset, this.options.totalBytes ?? NaN);
  }

  /** The ParseResult, or the TraceParseError of a trace with no complete generation. */
  finish(outcome: ProducerOutcome): ParseResult {
    const { error } = outcome;
    const totalBytes = this.options.totalBytes ?? outcome.pulled + HEADER_SIZE;
    if (error !== null && outcome.completeGenerations === 0) {
      const offset = error instanceof WireError ? error.offset : outcome.offset;
      throw new TraceParseError(`no complete generation in ${this.header.version} trace: ${oneLine(error.message)}`, offset);
    }
    if (outcome.generationCount === 0) {
      throw new TraceParseError(`${this.header.version} trace has no events`, outcome.offset);
    }
    return {
      version: this.header.version,
      goMinor: this.header.goMinor,
      format: 'v2',
      tables: this.tables,
      events: this.events,
      validEvents: this.validEvents,
      validBytes: this.validBytes,
      totalBytes,
      generations: outcome.generationCount,
      generationStarts: outcome.generationStarts,
      startTime: this.startTime,
      endTime: error === null ? (this.events > 0 ? this.lastTs : NaN) : this.validEndTime,
      error: error === null ? null : error instanceof WireError ? `${error.message} (at byte ${error.offset})` : error.message,
    };
  }

  /** Emits a Sync; `consumed` is the file offset read so far (Go's bytes read at that point). */
  private sync(gen: Generation | null, consumed: number): void {
    this.syncs++;
    this.dirty = true;
    const ev = this.ev.reset();
    fillSync(ev, this.syncs, gen);
    const time = gen !== null ? ticksToNs(gen.minTs, gen.freq) : this.lastTs;
    this.deliver(ev, time);
    // The first event is always a Sync (a generation's installs it), so the start is set here,
    // not per event.
    if (this.syncs === 1) this.startTime = this.lastTs;
    this.validEvents = this.events;
    this.validBytes = Math.max(this.validBytes, consumed);
    this.validEndTime = this.lastTs;
  }

  /** Go's ReadEvent epilogue: times strictly increase, then the event goes to the sink. */
  private deliver(ev: TraceEvent, time: number): void {
    ev.time = time;
    this.deliverEvent(ev);
  }

  /** deliver() of an event whose `time` is set. */
  private deliverEvent(ev: TraceEvent): void {
    let time = ev.time;
    if (time <= this.lastTs) time = this.lastTs + 1;
    this.lastTs = time;
    ev.time = time;
    this.events++;
    this.emit(ev);
  }
}

/**
 * Go's messages for a stuck frontier or a duplicated stack list one item per line; a thrown
 * TraceParseError is one line (the CLI prints it as such), so runs of white space become one space.
 * ParseResult.error keeps Go's text verbatim, as go tool trace prints it.
 */
function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

/** Sorts the frontier by time (Go: slices.SortFunc; insertion sort, as Go's is for ≤12 items). */
function sortFrontier(frontier: BatchCursor[]): void {
  for (let i = 1; i < frontier.length; i++) {
    for (let j = i; j > 0 && frontier[j].time < frontier[j - 1].time; j--) {
      const t = frontier[j];
      frontier[j] = frontier[j - 1];
      frontier[j - 1] = t;
    }
  }
}

function dumpFrontier(frontier: BatchCursor[]): string {
  return frontier.map((bc) => {
    const spec = specs[bc.typ];
    const args = spec.args.slice(1).map((name, i) => ` ${name}=${bc.args[i]}`).join('');
    return `M ${bc.m} [${spec.name} time=${bc.time}${args}]\n`;
  }).join('');
}
