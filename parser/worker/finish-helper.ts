// A short-lived worker that runs the split-off half of the timeline's finish
// (model/timeline-finish-split.ts) while the timeline's own thread lays out the slices: after
// the event pass the main thread is mostly done, and this uses the core it leaves.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  packSplitFinishJob, runSplitFinish, splitFinishResultBuffers, unpackSplitFinishJob,
  type PackedSplitFinishJob, type SplitFinishJob, type SplitFinishResult,
} from '../model/timeline-finish-split.ts';
import { startModuleWorker } from './start-worker.ts';

const FINISH_HELPER_MARK = 'tstrace-timeline-finish-helper';

type HelperReply = { type: 'result'; result: SplitFinishResult } | { type: 'failed'; message: string };

export interface FinishHelper {
  /** Runs `job` on the helper; its staged columns move there (the caller loses them). Once. */
  run(job: SplitFinishJob): Promise<SplitFinishResult>;
  /** Ends the helper (whether or not it ran a job). */
  stop(): void;
}

/**
 * Starts a helper worker now, so that it has loaded by the time its job is ready (the module
 * takes a few hundred ms to load on a busy machine; the builder needs as long to prepare the job).
 */
export function startFinishHelper(): FinishHelper {
  const worker = startModuleWorker(import.meta.url, { mark: FINISH_HELPER_MARK });
  let settled = false;
  const result = new Promise<SplitFinishResult>((resolve, reject) => {
    worker.on('message', (reply: HelperReply) => {
      settled = true;
      if (reply.type === 'result') resolve(reply.result);
      else reject(new Error(`timeline finish: ${reply.message}`));
      void worker.terminate();
    });
    worker.on('error', (err) => reject(new Error(`timeline finish: ${err.message}`)));
    worker.on('exit', (code) => reject(new Error(`timeline finish worker exited (code ${code}) before its result`)));
  });
  // A helper stopped before it ran a job rejects unobserved.
  result.catch(() => {});
  return {
    run(job) {
      const { packed, transfer } = packSplitFinishJob(job);
      worker.postMessage(packed, transfer);
      return result;
    },
    stop() {
      if (!settled) void worker.terminate();
    },
  };
}

/** Runs `job` on a new helper worker (see startFinishHelper). */
export async function runSplitFinishOnWorker(job: SplitFinishJob): Promise<SplitFinishResult> {
  const helper = startFinishHelper();
  try {
    return await helper.run(job);
  } finally {
    helper.stop();
  }
}

function runHelper(): void {
  const parent = parentPort!;
  parent.once('message', (packed: PackedSplitFinishJob) => {
    let reply: HelperReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const result = runSplitFinish(unpackSplitFinishJob(packed));
      reply = { type: 'result', result };
      transfer = splitFinishResultBuffers(result);
    } catch (err) {
      reply = { type: 'failed', message: err instanceof Error ? err.message : String(err) };
    }
    parent.postMessage(reply, transfer);
    parent.close();
  });
}

if (!isMainThread && (workerData as { mark?: string } | null)?.mark === FINISH_HELPER_MARK) runHelper();
