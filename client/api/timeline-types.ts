// The timeline as the client holds it in memory: track descriptions and per-track tiles in
// typed arrays. controllers/timeline-adapter.ts turns the server's JSON into these, so the
// drawing code does not depend on the wire form.

export type TrackGroup = 'global' | 'proc' | 'thread' | 'goroutine';
export type TrackShape = 'spans' | 'counter' | 'instants';

export interface TrackInfo {
  /** Server track id, passed back in tile requests. */
  id: string;
  group: TrackGroup;
  shape: TrackShape;
  /** Lane label, e.g. "Proc 3", "G17 main.worker", "Heap". */
  name: string;
  /** For goroutine lanes: the goroutine id and start function (colour, search). */
  goroutine?: number;
  startFunction?: string;
  /** For counters: the series names in stacking order. */
  series?: string[];
  /** Numeric sort key within the group (proc/thread/goroutine id). */
  order: number;
}

export interface SpanTile {
  shape: 'spans';
  count: number;
  start: Float64Array;
  end: Float64Array;
  /** Index into `labels` (state name, range name, or goroutine name for proc/thread lanes). */
  label: Int32Array;
  /** Goroutine running in / owning the span, -1 if none. */
  goroutine: Int32Array;
  /** Number of source spans merged into this one (1 = exact). */
  merged: Uint32Array;
  /** Stack id at the span's start and end (0 = none). */
  startStack: Int32Array;
  endStack: Int32Array;
  labels: string[];
}

export interface CounterTile {
  shape: 'counter';
  count: number;
  time: Float64Array;
  series: { name: string; values: Float64Array }[];
}

export interface InstantTile {
  shape: 'instants';
  count: number;
  time: Float64Array;
  goroutine: Int32Array;
  stack: Int32Array;
}

export type TrackTile = SpanTile | CounterTile | InstantTile;

/** A causal arrow: `fromG` created or unblocked `toG`. */
export interface Flow {
  kind: string;
  fromTime: number;
  fromG: number;
  toTime: number;
  toG: number;
}

export interface TimelineRange {
  start: number;
  end: number;
}
