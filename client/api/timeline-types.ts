// The timeline as the client holds it in memory: track descriptions and per-track tiles in
// typed arrays. controllers/timeline-adapter.ts turns the server's JSON into these, so the
// drawing code does not depend on the wire form.

export type TrackGroup = 'global' | 'proc' | 'thread' | 'goroutine';
export type TrackShape = 'spans' | 'counter' | 'instants';

export interface TrackInfo {
  /** Server track id, passed back in tile requests. */
  id: string;
  /** The server's track kind: gc, stw, proc, thread, goroutine, counter. */
  kind: string;
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
  /** Rows the lane stacks (goroutine state row, then nested slice lanes). */
  rows: number;
  /** go tool trace's "system goroutine" flag, for goroutine lanes. */
  system?: boolean;
  /** For goroutine lanes: rows of nested user regions drawn below the lane's own rows. */
  regionRows?: number;
}

export interface SpanTile {
  shape: 'spans';
  count: number;
  start: Float64Array;
  end: Float64Array;
  /** Row within the lane (0 = top). */
  depth: Uint8Array;
  /**
   * Index into `strings`: a goroutine state ("running", "runnable", "waiting", "waiting (GC)",
   * "syscall", "not exist") or a slice kind ("goroutine", "syscall", "syscall (blocked)", "range").
   */
  kind: Int32Array;
  /** Index into `strings`: the slice's name ("G12 main.worker", a range name) or a wait reason. */
  label: Int32Array;
  /** Goroutine running in / owning the span, -1 if none. */
  goroutine: Int32Array;
  /** Number of source spans merged into this one (1 = exact). */
  merged: Uint32Array;
  /** Stack id at the span's start and end (0 = none). */
  startStack: Int32Array;
  endStack: Int32Array;
  /** The tile's string table (shared by every track of one response). */
  strings: string[];
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

/** A causal arrow: `fromG` created or unblocked `toG` (go tool trace's flow events). */
export interface Flow {
  /** go tool trace's arrow name: "go", "unblock (chan receive)", "exit blocked syscall", … */
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

/** The lanes log messages are drawn on: a goroutine view's, or the proc or thread they were written on. */
export type AnnotationLanes = 'goroutine' | 'proc' | 'thread';

/**
 * User annotations over a range (GET /api/annotations): regions and log messages by goroutine,
 * marks closer than a pixel merged. Indices into `strings` for names and texts; stacks are ids
 * into the whole trace's tables (/api/annotations/stacks/:id), not a timeline part's.
 */
export interface Annotations {
  strings: string[];
  regions: {
    count: number;
    goroutine: Float64Array;
    depth: Uint16Array;
    start: Float64Array;
    end: Float64Array;
    name: Int32Array;
    task: Float64Array;
    startStack: Uint32Array;
    endStack: Uint32Array;
    merged: Uint32Array;
  };
  logs: {
    count: number;
    goroutine: Float64Array;
    proc: Float64Array;
    thread: Float64Array;
    time: Float64Array;
    text: Int32Array;
    task: Float64Array;
    stack: Uint32Array;
    merged: Uint32Array;
  };
  /**
   * Goroutine → indices of its regions; lane resource (goroutine, proc or thread: `logsBy`) →
   * indices of its logs. Lanes draw only their own.
   */
  regionsOf: Map<number, number[]>;
  logsOf: Map<number, number[]>;
  logsBy: AnnotationLanes;
  truncated: boolean;
}

/** A user task on the Tasks lane of a task's view (GET /api/annotations/tasks/:id). */
export interface TaskMark {
  id: number;
  name: string;
  parent: number | null;
  start: number;
  end: number;
  /** 0 for the task in focus, one more per generation of descendants. */
  depth: number;
  /** Its row on the Tasks lane (below its parent's; overlapping tasks never share one). */
  row: number;
  startStack: number;
  endStack: number;
  startGoroutine: number;
  endGoroutine: number;
}

/** A task in focus: it and its descendants, and the goroutines involved in them. */
export interface TaskFamily {
  tasks: TaskMark[];
  goroutines: number[];
}

/** The id of the Tasks lane: drawn from the task family, never fetched as tiles. */
export const TASKS_TRACK_ID = 'tasks';
