// A short-lived worker that runs the split-off half of the timeline's finish
// (model/timeline-finish-split.ts) while the timeline's own thread lays out the slices: after
// the event pass the main thread is mostly done, and this uses the core it leaves.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  buildStateHalf, packSplitFinishRest, unpackSplitFinishRest,
  type PackedSplitFinishRest, type SlicePyramidJob, type SplitFinishResult, type SplitFinishRunner,
} from '../model/timeline-finish-split.ts';
import { sharedSlicePyramidLevels, type PyramidLevel } from '../analysis/tiles-pyramid.ts';
import { transferableBuffers } from '../model/timeline-transfer.ts';
import { startModuleWorker } from './start-worker.ts';

const FINISH_HELPER_MARK = 'tstrace-timeline-finish-helper';

type HelperJob = { type: 'rest'; rest: PackedSplitFinishRest } | { type: 'slicePyramids'; job: SlicePyramidJob };
type HelperReply =
  | { type: 'rest'; result: SplitFinishResult }
  | { type: 'slicePyramids'; levels: Map<number, PyramidLevel[]> }
  | { type: 'failed'; message: string };

export interface FinishHelper extends SplitFinishRunner {
  /** Ends the helper (whether or not it ran a job). */
  stop(): void;
}

/**
 * Starts a helper worker now, so that it has loaded by the time its job is ready (the module
 * takes a few hundred ms to load on a busy machine). Give it the rest once (the staged columns
 * move there: the caller loses them), then a share of the slice pyramids.
 */
export function startFinishHelper(): FinishHelper {
  const worker = startModuleWorker(import.meta.url, { mark: FINISH_HELPER_MARK });
  let settled = false;
  /** Why the helper is gone, once it is: later jobs fail at once (a job posted to it would wait forever). */
  let failure: Error | null = null;
  const pending = new Map<'rest' | 'slicePyramids', { resolve: (value: never) => void; reject: (err: Error) => void }>();
  const failAll = (err: Error) => {
    settled = true;
    failure ??= err;
    for (const { reject } of pending.values()) reject(err);
    pending.clear();
  };
  worker.on('message', (reply: HelperReply) => {
    if (reply.type === 'failed') {
      failAll(new Error(`timeline finish: ${reply.message}`));
      void worker.terminate();
      return;
    }
    pending.get(reply.type)?.resolve((reply.type === 'rest' ? reply.result : reply.levels) as never);
    pending.delete(reply.type);
    if (reply.type === 'slicePyramids') {
      settled = true;
      void worker.terminate();
    }
  });
  worker.on('error', (err) => failAll(new Error(`timeline finish: ${err.message}`)));
  worker.on('exit', (code) => failAll(new Error(`timeline finish worker exited (code ${code}) before its result`)));
  const ask = <T>(type: 'rest' | 'slicePyramids', job: HelperJob, transfer: ArrayBuffer[]): Promise<T> => {
    const answer = failure
      ? Promise.reject(failure)
      : new Promise<T>((resolve, reject) => pending.set(type, { resolve: resolve as (value: never) => void, reject }));
    // A helper stopped before it answered rejects unobserved.
    answer.catch(() => {});
    if (!failure) worker.postMessage(job, transfer);
    return answer;
  };
  return {
    rest(job) {
      const { packed, transfer } = packSplitFinishRest(job);
      return ask('rest', { type: 'rest', rest: packed }, transfer);
    },
    slicePyramids(job) {
      // The columns and the counter are shared memory: posted, not moved.
      return ask('slicePyramids', { type: 'slicePyramids', job }, []);
    },
    stop() {
      if (!settled) void worker.terminate();
    },
  };
}

function runHelper(): void {
  const parent = parentPort!;
  const fail = (err: unknown) => {
    parent.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies HelperReply);
    parent.close();
  };
  parent.on('message', (job: HelperJob) => {
    try {
      if (job.type === 'rest') {
        const result = buildStateHalf(unpackSplitFinishRest(job.rest));
        parent.postMessage({ type: 'rest', result } satisfies HelperReply, transferableBuffers(result));
        return;
      }
      const levels = sharedSlicePyramidLevels(job.job.slices, job.job.lanes, job.job.next);
      parent.postMessage({ type: 'slicePyramids', levels } satisfies HelperReply, transferableBuffers(levels));
      parent.close();
    } catch (err) {
      fail(err);
    }
  });
}

if (!isMainThread && (workerData as { mark?: string } | null)?.mark === FINISH_HELPER_MARK) runHelper();
