// The half of the timeline's finish that needs none of the slices: ordering the state rows, and
// their tile pyramids. On a big trace finish() runs for seconds after the event pass, when the
// main thread is done and one core would sit idle; so the builder hands this half to another
// thread (parser/worker/finish-helper.ts) while it lays out the slices, and then both build the
// slice lanes' pyramids, a lane at a time. Inline, it all runs in place.

import { statePyramidLevels, type PyramidLevel } from '../analysis/tiles-pyramid.ts';
import { transferableBuffers } from './timeline-transfer.ts';
import { buildStateRows, packStagedStateRows, unpackStagedStateRows, type PackedStagedStateRows, type StagedStateRows } from './timeline-states.ts';
import type { SliceColumns, StateColumns } from './timeline.ts';
import { FlowTable, type FlowTableParts } from './timeline-flows.ts';
import { RowValues } from './typed-arrays.ts';

/** The state rows' part of the job, ready once finish has ordered the goroutine tracks. */
export interface SplitFinishRest {
  states: StagedStateRows;
  /** The model's flows (shared memory): the helper makes their index (FlowTable.latestArrivals) too. */
  flows: FlowTableParts;
  /** Goroutine track k ↔ builder row (the state rows' order). */
  rowOfK: Uint32Array;
  kOfRow: Uint32Array;
  /**
   * By builder row (the first rowOfK.length values): when its state row ends and the stack
   * there; put in track order where the rows are built (only the state rows read them).
   */
  rowEndByRow: Float64Array;
  rowEndStackByRow: Uint32Array;
  /** By goroutine track k: whether it has a state row, its goroutine. */
  hasRow: Uint8Array;
  goroutineIds: Float64Array;
}

export interface SplitFinishResult {
  states: StateColumns;
  /** Tile pyramids of the busy state rows, by stateLaneKey. */
  statePyramids: Map<number, PyramidLevel[]>;
  /** The job's goroutineIds, handed back. */
  goroutineIds: Float64Array;
  /** The flows' FlowTable.latestArrivals(). */
  flowArrivals: Float64Array;
}

/**
 * Slice lanes whose tile pyramids the helper builds a share of, once it is done with the rest
 * (tiles-pyramid.ts sharedSlicePyramidLevels): the columns and `next` are shared memory.
 */
export interface SlicePyramidJob {
  slices: SliceColumns;
  lanes: Uint32Array;
  next: Int32Array;
}

/** Runs the half somewhere; resolves with it. */
export interface SplitFinishRunner {
  rest(job: SplitFinishRest): Promise<SplitFinishResult>;
  /** Then builds pyramids of slice lanes taken from the job's; resolves with them. */
  slicePyramids(job: SlicePyramidJob): Promise<Map<number, PyramidLevel[]>>;
}

export function buildStateHalf(job: SplitFinishRest): SplitFinishResult {
  const rows = buildStateRows(job.states, job.rowOfK, job.kOfRow);
  const rowCount = job.rowOfK.length;
  const states: StateColumns = {
    ...rows,
    rowEnd: new RowValues(job.rowEndByRow, rowCount).permuted(job.rowOfK),
    rowEndStack: new RowValues(job.rowEndStackByRow, rowCount).permutedNarrowUnsigned(job.rowOfK),
  };
  return {
    states,
    statePyramids: statePyramidLevels(states, job.hasRow, job.goroutineIds),
    goroutineIds: job.goroutineIds,
    flowArrivals: new FlowTable(job.flows).latestArrivals(),
  };
}

/** The rest as plain data. */
export interface PackedSplitFinishRest extends Omit<SplitFinishRest, 'states'> {
  states: PackedStagedStateRows;
}

/** The rest as plain data, and the buffers to transfer (the sender loses them; shared ones are shared, the orders and hasRow copied). */
export function packSplitFinishRest(job: SplitFinishRest): { packed: PackedSplitFinishRest; transfer: ArrayBuffer[] } {
  const states = packStagedStateRows(job.states);
  const transfer = transferableBuffers([states, job.rowEndByRow, job.rowEndStackByRow, job.goroutineIds]);
  return { packed: { ...job, states }, transfer };
}

export function unpackSplitFinishRest(p: PackedSplitFinishRest): SplitFinishRest {
  return { ...p, states: unpackStagedStateRows(p.states) };
}
