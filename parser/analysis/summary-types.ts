// The plain, JSON-serialisable result of the goroutine/task/region summarizer (summary.ts),
// mirroring Go's internal/trace Summary (summary.go). All times and durations are nanoseconds
// in the parser's time base; ids are the event model's GoID/TaskID numbers.

import type { EventKind, GoID, Nanoseconds, ProcID, StackID, TaskID, ThreadID } from '../model/event.ts';
import type { GoroutineTable } from './summary-table.ts';
import type { RegionTable } from './summary-regions.ts';
import type { LogTable } from './summary-logs.ts';
import type { TaskTable } from './summary-tasks.ts';

/**
 * Go's GoroutineExecStats. The first five are non-overlapping; totalTime and rangeTime overlap
 * them. Map keys are kept even when their value is 0, because go tool trace shows a column
 * for every key any row has.
 */
export interface ExecStats {
  execTime: Nanoseconds;
  schedWaitTime: Nanoseconds;
  /** Block time by the reason of the transition to Waiting ("chan receive", "sync", …). */
  blockTimeByReason: Record<string, Nanoseconds>;
  syscallTime: Nanoseconds;
  syscallBlockTime: Nanoseconds;
  totalTime: Nanoseconds;
  /** Time in special ranges ("GC mark assist", "GC incremental sweep", …). */
  rangeTime: Record<string, Nanoseconds>;
}

/**
 * The parts of a Go trace.Event that the pages need, for task and region begin/end events and
 * logs: copies (the event model reuses one instance), mostly made from the task, region and log
 * tables' columns when a page reads them.
 */
export interface EventRecord {
  kind: EventKind;
  time: Nanoseconds;
  /** ev.Goroutine(): the goroutine the event happened on. */
  goroutine: GoID;
  /** ev.Stack(): where the event happened (an id into the trace's TraceTables). */
  stack: StackID;
  /** StateTransition (a region start/end made by goroutine creation or exit): its goroutine and states. */
  transition?: { goroutine: GoID; from: number; to: number };
  /** RegionBegin/RegionEnd: the region type; TaskBegin/TaskEnd: the task type. */
  name?: string;
  /** TaskBegin/TaskEnd: ids (NoTask is -1). */
  taskId?: TaskID;
  parentTaskId?: TaskID;
  /** Log. */
  category?: string;
  message?: string;
  /** Log: the proc and thread it was written on (go tool trace's proc and thread views draw it there). */
  proc?: ProcID;
  thread?: ThreadID;
}

/** Go's StackFrame; the zero frame (pc 0, empty strings) stands for "no stack". */
export interface FrameInfo {
  pc: number;
  func: string;
  file: string;
  line: number;
}

/** Go's UserRegionSummary plus the goroutine that owns it and its start frame, resolved. */
export interface RegionSummary extends ExecStats {
  goroutine: GoID;
  taskId: TaskID;
  /** Region type; "" for the synthetic region a goroutine inherits from its creator's region. */
  name: string;
  /** RegionBegin, or the creating transition for an inherited region; null if begun before the trace. */
  start: EventRecord | null;
  /** RegionEnd, or the goroutine's exit transition; null if still active at trace end. */
  end: EventRecord | null;
  /** The outermost frame of the start event's stack: go tool trace's region "location" (regionTopStackFrame). */
  frame: FrameInfo;
}

/** Go's GoroutineSummary. */
export interface GoroutineSummary extends ExecStats {
  id: GoID;
  /** The root frame's function of the first transition stack seen; "" if none was seen. */
  name: string;
  pc: number;
  creationTime: Nanoseconds;
  /** First time it started running; null if it never ran in the trace (Go: 0). */
  startTime: Nanoseconds | null;
  /** When it exited (or blocked forever); null if it did not (Go: 0). */
  endTime: Nanoseconds | null;
  /** Indices into Summary.regions, sorted by start time (regions begun before the trace first). */
  regions: number[];
}

/** Go's UserTaskSummary with relations as ids. */
export interface TaskSummary {
  id: TaskID;
  name: string;
  /** null if the parent is unknown (Go: nil). */
  parent: TaskID | null;
  children: TaskID[];
  start: EventRecord | null;
  end: EventRecord | null;
  /** Indices into Summary.logs, in the order the messages were written. */
  logs: number[];
  /** Indices into Summary.regions, in the order the regions were seen. */
  regions: number[];
  /** Goroutines associated with the task (Go's map keys, in first-seen order; may hold -1). */
  goroutines: GoID[];
}

export interface Summary {
  /** Time of the first event: go tool trace's t.startTime(). */
  traceStart: Nanoseconds;
  /**
   * Time of the last event go tool trace keeps (its t.endTime()): the last Sync event, which
   * ends the last complete generation; the last event if the stream had no Sync.
   */
  traceEnd: Nanoseconds;
  /** Time of the last event seen (the summarizer's own end of time, as in Go). */
  lastEventTime: Nanoseconds;
  /**
   * One row per goroutine, sorted by id, stored by column (traces hold millions of goroutines);
   * `goroutines.get(i)` materialises one as a GoroutineSummary.
   */
  goroutines: GoroutineTable;
  /** Every region summary, by column (regions.get(i) makes one); goroutines and tasks refer to them by index. */
  regions: RegionTable;
  /** Every user task, by column, sorted by id (tasks.get(i) makes one). */
  tasks: TaskTable;
  /** Every user log message, by column, in the order written; tasks refer to them by index. */
  logs: LogTable;
}
