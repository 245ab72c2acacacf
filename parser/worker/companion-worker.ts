// A companion: a worker thread that runs one off-thread analysis (off-thread.ts) on the decode
// worker's record stream, side by side with the main thread. The decode worker posts every block
// and generation message to each companion's port as well as to the main thread; the companion
// replays them through its own V2Consumer (same records, same order, so the same events and the
// same stack and string ids as the main thread's tables), counts the blocks it has read in its
// slot of the shared `consumed` counters (the decode worker reuses a block only once every reader
// is past it), and at the end posts its packed result back.

import { isMainThread, MessageChannel, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { TraceTables } from '../model/tables.ts';
import { V2Consumer } from '../v2/reader.ts';
import type { TraceHeader } from '../wire/header.ts';
import { countBlockRead, RecordReader, releaseReader, ringSlots } from './records.ts';
import type { WorkerMessage } from './decode-worker.ts';
import { offThreadAnalyses, type OffThreadName } from './off-thread.ts';
import { startModuleWorker } from './start-worker.ts';
import { startFinishHelper, type FinishHelper } from './finish-helper.ts';
import type { Analysis } from '../analysis/analysis.ts';

const COMPANION_MARK = 'tstrace-v2-companion-worker';

interface CompanionInput {
  mark: typeof COMPANION_MARK;
  name: OffThreadName;
  header: TraceHeader;
  /** The decode worker's ring of record blocks. */
  ring: SharedArrayBuffer;
  /** Int32 counters of blocks read, one per reader; this companion's is `index`. */
  consumed: SharedArrayBuffer;
  index: number;
  port: MessagePort;
  /** Whether the analysis may use one more thread to finish (OffThreadAnalysis.finishOnWorker). */
  splitFinish: boolean;
}

type CompanionMessage = { type: 'result'; packed: unknown } | { type: 'failed'; message: string };

export interface CompanionHandle {
  /** The port to give the decode worker (transfer it). */
  decoderPort: MessagePort;
  /** The unpacked result; rejects with a one-line error if the companion fails or exits first. */
  result: Promise<unknown>;
  /** Stops the companion (once its result is in, or when reading failed). */
  stop(): void;
}

/**
 * Starts the companion for analysis `name`, reading the ring as reader `index`; `splitFinish`:
 * whether its finish may use one more thread (when the other threads are done by then).
 */
export function startCompanion(name: OffThreadName, header: TraceHeader, ring: SharedArrayBuffer, consumed: SharedArrayBuffer, index: number, splitFinish: boolean): CompanionHandle {
  const { port1, port2 } = new MessageChannel();
  const input: CompanionInput = { mark: COMPANION_MARK, name, header, ring, consumed, index, port: port2, splitFinish };
  const worker = startModuleWorker(import.meta.url, input, [port2]);
  const counters = new Int32Array(consumed);
  // If the companion dies, the decode worker must not wait for it.
  const release = () => releaseReader(counters, index);
  const result = new Promise<unknown>((resolve, reject) => {
    worker.on('message', (message: CompanionMessage) => {
      if (message.type === 'result') resolve(offThreadAnalyses[name].unpack(message.packed as never));
      else reject(new Error(`${name}: ${message.message}`));
      void worker.terminate();
    });
    worker.on('error', (err) => {
      release();
      reject(new Error(`${name}: ${err.message}`));
    });
    worker.on('exit', (code) => {
      release();
      reject(new Error(`${name} worker exited (code ${code}) before its result`));
    });
  });
  // A caller that stops early may never look at the result.
  result.catch(() => {});
  return {
    decoderPort: port1,
    result,
    stop: () => {
      release();
      void worker.terminate();
    },
  };
}

/** The companion's side: replay the stream into the analysis, then post the packed result. */
function runCompanion(input: CompanionInput): void {
  const parent = parentPort!;
  const counters = new Int32Array(input.consumed);
  const slots = ringSlots(input.ring);
  const kind = offThreadAnalyses[input.name];
  const tables = new TraceTables();
  const analysis = kind.create(tables) as Analysis<unknown>;
  const consumer = new V2Consumer(input.header, { tables, onEvent: (ev) => analysis.handleEvent(ev) });
  const reader = new RecordReader(consumer);
  // The finish's helper thread, started during the pass once the analysis wants one (whole-trace companions only).
  const wantsFinishHelper = input.splitFinish ? (kind.wantsFinishHelper as ((a: Analysis<unknown>) => boolean) | undefined) : undefined;
  let helper: FinishHelper | null = null;
  const fail = (err: unknown) => {
    helper?.stop();
    releaseReader(counters, input.index);
    parent.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies CompanionMessage);
    input.port.close();
  };
  const finishAndPost = async () => {
    const finishOnWorker = input.splitFinish ? (kind.finishOnWorker as ((a: Analysis<unknown>, h: FinishHelper | null) => Promise<unknown>) | undefined) : undefined;
    const result = finishOnWorker ? await finishOnWorker(analysis, helper) : analysis.finish();
    const { packed, transfer } = (kind.pack as (r: unknown) => { packed: unknown; transfer: ArrayBuffer[] })(result);
    parent.postMessage({ type: 'result', packed } satisfies CompanionMessage, transfer);
  };
  input.port.on('message', (message: WorkerMessage) => {
    try {
      switch (message.type) {
        case 'records':
          reader.block({ records: slots[message.slot], count: message.count, names: message.names });
          countBlockRead(counters, input.index);
          if (helper === null && wantsFinishHelper?.(analysis)) helper = startFinishHelper();
          break;
        case 'gen':
          reader.generationMessage(message);
          break;
        case 'end':
        case 'done': {
          // 'end': no more records for this analysis (the decode worker's companionByteLimit);
          // every block sent before is read, so the ring may be reused without waiting for us.
          // The events end as a trace ending there would: with a Sync (as a part read on its own).
          if (message.type === 'end') {
            releaseReader(counters, input.index);
            consumer.endSync(message.consumed);
          }
          input.port.close();
          void finishAndPost().catch(fail);
          break;
        }
        case 'crash':
          // The main thread reports the decode worker's failure; nothing to add.
          helper?.stop();
          input.port.close();
          break;
      }
    } catch (err) {
      fail(err);
    }
  });
}

if (!isMainThread && (workerData as Partial<CompanionInput> | null)?.mark === COMPANION_MARK) {
  runCompanion(workerData as CompanionInput);
}
