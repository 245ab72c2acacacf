// Reading a v2 trace file on two threads: a worker reads, decodes and orders (the producer,
// parser/v2/reader.ts) while the main thread turns the ordered events into TraceEvents and runs
// the analyses (the consumer). On a big trace the two halves cost about the same, so the wall
// time is roughly halved on two cores. The events reach options.onEvent exactly as in one thread.
//
// This module is both sides: the main thread starts a worker on this very file (its own URL,
// which after bundling is the chunk holding it), and in the worker the check at the bottom
// runs the producer. Records travel through a ring of blocks in shared memory (no copies, no
// allocation); the worker stays at most MAX_BLOCKS_IN_FLIGHT blocks ahead of the main thread (a
// shared counter it waits on), which is also what keeps it from overwriting an unread block.

import { createReadStream } from 'node:fs';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BatchDecodeError } from '../v2/batch-cursor.ts';
import { WireError } from '../v2/batch.ts';
import { TableIdError } from '../v2/event-fill.ts';
import { OrderError } from '../order/ordering.ts';
import { V2Consumer, V2Producer, type ProducerOutcome, type TraceDataError } from '../v2/reader.ts';
import { HEADER_SIZE, type TraceHeader } from '../wire/header.ts';
import type { ByteRange, ParseOptions, ParseResult } from '../types.ts';
import { EventLoopYielder } from '../event-loop.ts';
import { countBlockRead, createRing, RecordReader, RecordWriter, ringSlots, type GenerationMessage } from './records.ts';
import type { Generation } from '../v2/generation.ts';
import { startModuleWorker } from './start-worker.ts';
import { lowerThisThreadPriority, YIELDING_NICENESS } from './thread-priority.ts';
import { startCompanion, type CompanionHandle } from './companion-worker.ts';
import type { OffThreadName, OffThreadResults } from './off-thread.ts';

/** Blocks the worker may post before the main thread has consumed them (5.8 MB each). */
const MAX_BLOCKS_IN_FLIGHT = 4;
/** One more than may be in flight: the block being written. */
const RING_SLOTS = MAX_BLOCKS_IN_FLIGHT + 1;
/** Marks the workers this module starts (the module may be loaded in other workers too). */
const WORKER_MARK = 'tstrace-v2-decode-worker';

interface WorkerInput {
  mark: typeof WORKER_MARK;
  path: string;
  header: TraceHeader;
  chunkSize: number;
  /**
   * Int32Array over a SharedArrayBuffer: blocks each reader has consumed, [0] the main thread's,
   * [1 + i] companion i's (companion-worker.ts). A block is reused once every reader is past it.
   */
  consumed: SharedArrayBuffer;
  /** RING_SLOTS blocks of Float64 records. */
  ring: SharedArrayBuffer;
  /** One port per companion: they get every message the main thread gets (see companionByteLimit). */
  companionPorts: MessagePort[];
  /**
   * The companions get whole generations while the file read so far stays within this many bytes
   * (always the first generation), then an 'end'; the main thread gets every generation.
   */
  companionByteLimit: number;
  /** Read only these file bytes (whole generations, ParseFileOptions.byteRange); null: the whole file. */
  range: ByteRange | null;
}

/** A posted block: records are in ring slot `slot`. */
interface BlockMessage {
  type: 'records';
  slot: number;
  count: number;
  names: string[];
}

/** The outcome as it crosses threads: the error by class name. */
interface SerializedOutcome extends Omit<ProducerOutcome, 'error'> {
  error: { kind: 'wire' | 'order' | 'batch' | 'table'; message: string; offset: number } | null;
}

/** What the decode worker sends every reader: the main thread (parentPort) and each companion. */
export type WorkerMessage =
  | BlockMessage
  | GenerationMessage
  /** The end of the trace; `companionsCutAt`: bytes read when the companions got their 'end', else null. */
  | { type: 'done'; outcome: SerializedOutcome; companionsCutAt: number | null; companionsCutGenerations: number | null }
  /** To companions only: no more records for you (companionByteLimit) after `consumed` bytes; the main thread reads on. */
  | { type: 'end'; consumed: number }
  | { type: 'crash'; message: string };

/** What readV2TraceInWorker adds to a ParseResult. */
export interface OffThreadOutcome {
  offThread: OffThreadResults;
  /**
   * Null if the off-thread analyses saw every event; else the bytes of the file read up to the end
   * of the last generation they saw (ParseFileOptions.offThreadByteLimit cut them off there).
   */
  offThreadCutAt: number | null;
  /** With offThreadCutAt: how many generations the off-thread analyses saw. */
  offThreadGenerations: number | null;
}

/**
 * Reads the v2 trace at `path` (whose header is `header`) with the producer in a worker thread.
 * Same contract as readV2Trace; the analyses named in `offThread` run in companion workers fed
 * the same records, and their results come back in `offThread`.
 */
export async function readV2TraceInWorker(
  path: string,
  header: TraceHeader,
  options: ParseOptions,
  chunkSize: number,
  offThreadNames: readonly OffThreadName[] = [],
  offThreadByteLimit = Infinity,
  range: ByteRange | null = null,
): Promise<ParseResult & OffThreadOutcome> {
  const consumed = new SharedArrayBuffer(4 * (1 + offThreadNames.length));
  const counter = new Int32Array(consumed);
  const ring = createRing(RING_SLOTS);
  const slots = ringSlots(ring);
  // A companion cut off at a byte limit finishes while this thread and the decoder still work: no
  // core is idle for a second finishing thread then, and a limit means memory is short anyway.
  // A range (a part of a trace too big for one timeline) is read for the same reason.
  const splitFinish = offThreadByteLimit === Infinity && range === null;
  const companions: CompanionHandle[] = offThreadNames.map((name, i) => startCompanion(name, header, ring, consumed, 1 + i, splitFinish));
  const companionPorts = companions.map((c) => c.decoderPort);
  const input: WorkerInput = { mark: WORKER_MARK, path, header, chunkSize, consumed, ring, companionPorts, companionByteLimit: offThreadByteLimit, range };
  const worker = startModuleWorker(import.meta.url, input, companionPorts);
  const offThread: Record<string, Promise<unknown>> = {};
  offThreadNames.forEach((name, i) => (offThread[name] = companions[i].result));
  let finished = false;
  const consumer = new V2Consumer(header, options);
  const reader = new RecordReader(consumer);

  const inbox: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (message: WorkerMessage) => {
    inbox.push(message);
    notify();
  });
  worker.on('error', (err) => {
    failure ??= err;
    notify();
  });
  worker.on('exit', (code) => {
    // Messages posted just before the exit may still be on their way: look after them first.
    setImmediate(() => {
      failure ??= new Error(`decode worker exited (code ${code}) before the end of the trace`);
      notify();
    });
  });

  // The worker can keep the inbox full; without a pause now and then the main thread would never
  // serve a request while the trace is read.
  const yielder = new EventLoopYielder(25, 1);
  try {
    for (;;) {
      const pause = yielder.maybeYield();
      if (pause) await pause;
      const message = inbox.shift();
      if (message === undefined) {
        if (failure !== null) throw failure;
        await new Promise<void>((resolve) => { wake = resolve; });
        continue;
      }
      switch (message.type) {
        case 'records':
          reader.block({ records: slots[message.slot], count: message.count, names: message.names });
          countBlockRead(counter, 0);
          break;
        case 'gen':
          reader.generationMessage(message);
          break;
        case 'crash':
          throw new Error(message.message);
        case 'done': {
          const result = consumer.finish(deserializeOutcome(message.outcome));
          finished = true;
          return { ...result, offThread: offThread as OffThreadResults, offThreadCutAt: message.companionsCutAt, offThreadGenerations: message.companionsCutGenerations };
        }
      }
    }
  } finally {
    if (finished) {
      // Companions may still be reading what the worker posted them: keep it until they are done.
      void Promise.allSettled(companions.map((c) => c.result)).then(() => worker.terminate());
    } else {
      // Reading failed or the sink threw: stop everything.
      void worker.terminate();
      for (const c of companions) c.stop();
    }
  }
}

function serializeOutcome(outcome: ProducerOutcome): SerializedOutcome {
  const { error } = outcome;
  let serialized: SerializedOutcome['error'] = null;
  if (error !== null) {
    const kind = error instanceof WireError ? 'wire' : error instanceof OrderError ? 'order' : error instanceof BatchDecodeError ? 'batch' : 'table';
    serialized = { kind, message: error.message, offset: error instanceof WireError ? error.offset : 0 };
  }
  return { ...outcome, error: serialized };
}

function deserializeOutcome(outcome: SerializedOutcome): ProducerOutcome {
  const e = outcome.error;
  let error: TraceDataError | null = null;
  if (e !== null) {
    switch (e.kind) {
      case 'wire': error = new WireError(e.message, e.offset); break;
      case 'order': error = new OrderError(e.message); break;
      case 'batch': error = new BatchDecodeError(e.message); break;
      case 'table': error = new TableIdError(e.message); break;
    }
  }
  return { ...outcome, error };
}

/** The worker's side: produce, post blocks (waiting while too many are unconsumed), report. */
async function runWorker(input: WorkerInput): Promise<void> {
  // With a companion (the timeline's thread, the pass's critical path) reading the whole trace
  // too, the decoder yields the core to it and the main thread: ~4% less wall for the same CPU
  // on two cores. Not when the companion stops early: the main thread's pass then outlasts the
  // timeline, and the decoder feeds it (a thread cannot take its priority back).
  if (input.companionPorts.length > 0 && input.companionByteLimit === Infinity) lowerThisThreadPriority(YIELDING_NICENESS);
  const port = parentPort!;
  const consumed = new Int32Array(input.consumed);
  const slots = ringSlots(input.ring);
  // Cleared when the companions have had their share (companionByteLimit).
  let companionPorts = input.companionPorts;
  let companionsCutAt: number | null = null;
  let companionsCutGenerations: number | null = null;
  const post = (message: WorkerMessage) => {
    port.postMessage(message);
    for (const companion of companionPorts) companion.postMessage(message);
  };
  const endCompanions = (consumedBytes: number, generations: number) => {
    // Every block they were sent is in the ring still: each companion releases its reader slot
    // once it has read them (companion-worker.ts), so the ring is not reused under it.
    for (const companion of companionPorts) companion.postMessage({ type: 'end', consumed: consumedBytes } satisfies WorkerMessage);
    companionPorts = [];
    companionsCutAt = consumedBytes;
    companionsCutGenerations = generations;
  };
  let posted = 0;
  const writer = new GenerationLimitedWriter(
    input.companionByteLimit,
    endCompanions,
    slots[0],
    (block) => {
      // Wait for the slowest reader (the main thread or a companion).
      for (;;) {
        let slowest = 0;
        for (let r = 1; r < consumed.length; r++) if (Atomics.load(consumed, r) < Atomics.load(consumed, slowest)) slowest = r;
        const seen = Atomics.load(consumed, slowest);
        if (posted - seen < MAX_BLOCKS_IN_FLIGHT) break;
        Atomics.wait(consumed, slowest, seen);
      }
      post({ type: 'records', slot: posted % RING_SLOTS, count: block.count, names: block.names });
      posted++;
      // Free: at most MAX_BLOCKS_IN_FLIGHT blocks are unread, and they are the ones just before it.
      return slots[posted % RING_SLOTS];
    },
    post,
  );
  try {
    const start = input.range?.start ?? HEADER_SIZE;
    const end = input.range === null ? undefined : input.range.end - 1;
    const source = createReadStream(input.path, { start, end, highWaterMark: input.chunkSize });
    const outcome = await new V2Producer(source, input.header, writer, start).run();
    writer.flush();
    post({ type: 'done', outcome: serializeOutcome(outcome), companionsCutAt, companionsCutGenerations });
  } catch (err) {
    writer.flush();
    post({ type: 'crash', message: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * A RecordWriter that, before the first generation that would take the file read past `byteLimit`
 * (never the first one), flushes what it holds and calls `cut` with the bytes read so far and
 * the number of generations before it.
 */
class GenerationLimitedWriter extends RecordWriter {
  private generations = 0;
  private lastConsumed = 0;
  private isCut = false;

  constructor(
    private readonly byteLimit: number,
    private readonly cut: (consumedBytes: number, generations: number) => void,
    ...writerArgs: ConstructorParameters<typeof RecordWriter>
  ) {
    super(...writerArgs);
  }

  override generation(gen: Generation, consumed: number): void {
    if (!this.isCut && this.generations > 0 && consumed > this.byteLimit) {
      this.flush();
      this.cut(this.lastConsumed, this.generations);
      this.isCut = true;
    }
    this.generations++;
    this.lastConsumed = consumed;
    super.generation(gen, consumed);
  }
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.mark === WORKER_MARK) {
  void runWorker(workerData as WorkerInput);
}
