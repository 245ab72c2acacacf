// Moves a finished TimelineModel between threads: the timeline is built on a thread of its own
// (parser/worker/off-thread.ts) and read on the main thread. Its data is typed arrays, whose
// buffers are transferred (no copy, however many hundred MB) or, for the few in shared memory
// (typed-arrays.ts growingArray), shared, plus a few small objects.
// Structured cloning keeps own fields but not classes, so the receiving side rebuilds the model
// with its constructor and gives the counters and tile pyramids their classes back.

import { TimelineModel, type GoroutineTrackColumns, type SampleColumns, type SliceColumns, type StateColumns, type TrackDescriptor } from './timeline.ts';
import { StringTable } from './timeline-columns.ts';
import { FlowTable, type FlowTableParts } from './timeline-flows.ts';
import { DeltaCounter, PlainCounter, type CounterSeries } from './timeline-counter.ts';
import { TilePyramids } from '../analysis/tiles-pyramid.ts';

/** A TimelineModel as plain data. */
export interface PackedTimelineModel {
  startTime: number;
  endTime: number;
  fixedTracks: readonly TrackDescriptor[];
  goroutineTracks: GoroutineTrackColumns;
  slices: SliceColumns;
  states: StateColumns;
  stateRowOfTrack: Int32Array;
  counters: { delta: boolean; fields: Record<string, unknown> }[];
  /** Shared memory (the pass's chunks): posted, not transferred. */
  flows: FlowTableParts;
  samples: SampleColumns;
  strings: string[];
  pyramids: Record<string, unknown> | null;
}

/** The model as plain data, and the buffers to transfer with it (the sender loses them). */
export function packTimelineModel(model: TimelineModel): { packed: PackedTimelineModel; transfer: ArrayBuffer[] } {
  const packed: PackedTimelineModel = {
    startTime: model.startTime,
    endTime: model.endTime,
    fixedTracks: model.fixedTracks,
    goroutineTracks: model.goroutineTracks,
    slices: model.slices,
    states: model.states,
    stateRowOfTrack: model.stateRowOfTrack,
    counters: model.counters.map((c) => ({ delta: c instanceof DeltaCounter, fields: counterFields(c) })),
    flows: model.flows.parts,
    samples: model.samples,
    strings: model.strings.strings,
    pyramids: model.tilePyramids ? { ...model.tilePyramids } : null,
  };
  return { packed, transfer: transferableBuffers(packed) };
}

/** The model again, from packTimelineModel's data after it crossed threads. */
export function unpackTimelineModel(p: PackedTimelineModel): TimelineModel {
  const strings = new StringTable();
  for (let i = 1; i < p.strings.length; i++) strings.intern(p.strings[i]);
  const counters: CounterSeries[] = p.counters.map((c) => withClass(c.delta ? DeltaCounter.prototype : PlainCounter.prototype, c.fields));
  const model = new TimelineModel(
    p.startTime, p.endTime, p.fixedTracks, p.goroutineTracks, p.slices, p.states, p.stateRowOfTrack, counters, new FlowTable(p.flows), p.samples, strings,
  );
  model.tilePyramids = p.pyramids ? withClass(TilePyramids.prototype, p.pyramids) : null;
  return model;
}

/** A counter's own fields, minus caches that cannot cross threads (a WeakRef). */
function counterFields(counter: CounterSeries): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...counter };
  if ('decoded' in fields) fields.decoded = null;
  return fields;
}

/** An object of `prototype`'s class with `fields` as its own fields (what the sender's instance had). */
function withClass<T>(prototype: T, fields: Record<string, unknown>): T {
  return Object.assign(Object.create(prototype as object) as object, fields) as T;
}

/**
 * Every distinct ArrayBuffer under `root` (typed arrays in objects, arrays and Maps): the
 * transfer list of plain data sent to another thread (the sender loses them). SharedArrayBuffers
 * are left out: posting shares them.
 */
export function transferableBuffers(root: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
      return;
    }
    if (value instanceof Map) {
      for (const v of value.values()) visit(v);
      return;
    }
    for (const v of Object.values(value)) visit(v);
  };
  visit(root);
  return [...buffers];
}
