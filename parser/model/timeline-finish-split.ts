// The half of the timeline's finish that needs none of the slices: ordering the state rows and
// the flows, and the state rows' tile pyramids. On a big trace finish() runs for seconds after
// the event pass, when the main thread is done and one core would sit idle; so the builder hands
// this half to another thread (parser/worker/finish-helper.ts) while it lays out the slices and
// their pyramids. Inline, it runs in place.

import { pyramidLevelBuffers, statePyramidLevels, type PyramidLevel } from '../analysis/tiles-pyramid.ts';
import { buffersOf } from './timeline-columns.ts';
import { buildFlowColumns, flowColumnsBuffers, packStagedFlows, unpackStagedFlows, type PackedStagedFlows, type StagedFlows } from './timeline-flows.ts';
import { buildStateRows, packStagedStateRows, unpackStagedStateRows, type PackedStagedStateRows, type StagedStateRows } from './timeline-states.ts';
import type { FlowColumns, StateColumns } from './timeline.ts';

export interface SplitFinishJob {
  states: StagedStateRows;
  flows: StagedFlows;
  /** Goroutine track k ↔ builder row (the state rows' order). */
  rowOfK: Uint32Array;
  kOfRow: Uint32Array;
  /** By goroutine track k: when its state row ends (and the stack there), whether it has one, its goroutine. */
  rowEnd: Float64Array;
  rowEndStack: StateColumns['rowEndStack'];
  hasRow: Uint8Array;
  goroutineIds: Float64Array;
}

export interface SplitFinishResult {
  states: StateColumns;
  flows: FlowColumns;
  /** Tile pyramids of the busy state rows, by stateLaneKey. */
  statePyramids: Map<number, PyramidLevel[]>;
  /** The job's goroutineIds, handed back. */
  goroutineIds: Float64Array;
}

/** Which of the two halves runs where: given the job, its result (now or later). */
export type SplitFinishRunner = (job: SplitFinishJob) => Promise<SplitFinishResult>;

export function runSplitFinish(job: SplitFinishJob): SplitFinishResult {
  const rows = buildStateRows(job.states, job.rowOfK, job.kOfRow);
  const states: StateColumns = { ...rows, rowEnd: job.rowEnd, rowEndStack: job.rowEndStack };
  const flows = buildFlowColumns(job.flows);
  return { states, flows, statePyramids: statePyramidLevels(states, job.hasRow, job.goroutineIds), goroutineIds: job.goroutineIds };
}

/** A job as plain data. */
export interface PackedSplitFinishJob extends Omit<SplitFinishJob, 'states' | 'flows'> {
  states: PackedStagedStateRows;
  flows: PackedStagedFlows;
}

/** The job as plain data, and the buffers to transfer (the sender loses them; the orders are copied). */
export function packSplitFinishJob(job: SplitFinishJob): { packed: PackedSplitFinishJob; transfer: ArrayBuffer[] } {
  const states = packStagedStateRows(job.states);
  const flows = packStagedFlows(job.flows);
  const moved = buffersOf([job.rowEnd, job.rowEndStack, job.goroutineIds]);
  return { packed: { ...job, states: states.packed, flows: flows.packed }, transfer: [...states.transfer, ...flows.transfer, ...moved] };
}

export function unpackSplitFinishJob(p: PackedSplitFinishJob): SplitFinishJob {
  return { ...p, states: unpackStagedStateRows(p.states), flows: unpackStagedFlows(p.flows) };
}

/** The result's buffers, to transfer back (it is plain data already). */
export function splitFinishResultBuffers(result: SplitFinishResult): ArrayBuffer[] {
  const s = result.states;
  return [
    ...buffersOf([s.start, s.state, s.reason, s.stack, s.rowOffset, s.rowEnd, s.rowEndStack, result.goroutineIds]),
    ...flowColumnsBuffers(result.flows),
    ...pyramidLevelBuffers(result.statePyramids),
  ];
}
