// A short-lived worker that runs the split-off half of the timeline's finish
// (model/timeline-finish-split.ts) while the timeline's own thread lays out the slices: after
// the event pass the main thread is mostly done, and this uses the core it leaves.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  buildStateHalf, packSplitFinishRest, unpackSplitFinishRest,
  type PackedSplitFinishRest, type SplitFinishResult, type SplitFinishRunner,
} from '../model/timeline-finish-split.ts';
import { buildFlowColumns, packStagedFlows, unpackStagedFlows, type PackedStagedFlows } from '../model/timeline-flows.ts';
import { transferableBuffers } from '../model/timeline-transfer.ts';
import type { FlowColumns } from '../model/timeline.ts';
import { startModuleWorker } from './start-worker.ts';

const FINISH_HELPER_MARK = 'tstrace-timeline-finish-helper';

type HelperJob = { type: 'flows'; flows: PackedStagedFlows } | { type: 'rest'; rest: PackedSplitFinishRest };
type HelperReply = { type: 'result'; result: SplitFinishResult } | { type: 'failed'; message: string };

export interface FinishHelper extends SplitFinishRunner {
  /** Ends the helper (whether or not it ran a job). */
  stop(): void;
}

/**
 * Starts a helper worker now, so that it has loaded by the time its job is ready (the module
 * takes a few hundred ms to load on a busy machine). Give it the flows, then the rest, once
 * each; the staged columns move there (the caller loses them).
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
  const post = (job: HelperJob, transfer: ArrayBuffer[]) => worker.postMessage(job, transfer);
  return {
    flows(staged) {
      const packed = packStagedFlows(staged);
      post({ type: 'flows', flows: packed }, transferableBuffers(packed));
    },
    rest(job) {
      const { packed, transfer } = packSplitFinishRest(job);
      post({ type: 'rest', rest: packed }, transfer);
      return result;
    },
    stop() {
      if (!settled) void worker.terminate();
    },
  };
}

function runHelper(): void {
  const parent = parentPort!;
  let flows: FlowColumns | null = null;
  const fail = (err: unknown) => {
    parent.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies HelperReply);
    parent.close();
  };
  parent.on('message', (job: HelperJob) => {
    try {
      // The flows come first and are ordered while the builder prepares the rest.
      if (job.type === 'flows') {
        flows = buildFlowColumns(unpackStagedFlows(job.flows));
        return;
      }
      if (flows === null) throw new Error('the state rows came before the flows');
      const result: SplitFinishResult = { flows, ...buildStateHalf(unpackSplitFinishRest(job.rest)) };
      parent.postMessage({ type: 'result', result } satisfies HelperReply, transferableBuffers(result));
      parent.close();
    } catch (err) {
      fail(err);
    }
  });
}

if (!isMainThread && (workerData as { mark?: string } | null)?.mark === FINISH_HELPER_MARK) runHelper();
