// User annotations on the timeline: the regions and log messages go tool trace draws on a
// goroutine's track in its goroutine-oriented views (emitRegion and logEventGenerator in
// cmd/trace/gen.go). Built once from the summary, which keeps every region and log, and then
// queried by time range; marks closer than the query's resolution are merged, as tiles are.

import type { GoID, Nanoseconds, ProcID, StackID, TaskID, ThreadID } from '../model/event.ts';
import { NoGoroutine, NoProc, NoThread } from '../model/event.ts';
import { lowerBound } from '../model/timeline-columns.ts';
import { regionInterval } from './regions.ts';
import type { Summary } from './summary-types.ts';

/** Regions and logs, sorted by start time, in columns (a service's trace may hold millions). */
export interface AnnotationIndex {
  /** Nested region rows per goroutine (depths 0 … rows − 1); goroutines with no named region are absent. */
  regionRows: Map<GoID, number>;
  regions: {
    count: number;
    start: Float64Array;
    end: Float64Array;
    goroutine: Float64Array;
    depth: Uint16Array;
    task: Float64Array;
    startStack: Uint32Array;
    endStack: Uint32Array;
    name: string[];
    /** The longest region: a range query looks back this far for regions begun before it. */
    longest: Nanoseconds;
  };
  logs: {
    count: number;
    time: Float64Array;
    goroutine: Float64Array;
    proc: Float64Array;
    thread: Float64Array;
    task: Float64Array;
    stack: Uint32Array;
    /** go tool trace's instant name: "[category] message", or the message alone. */
    text: string[];
  };
}

/** One region, or several adjacent ones on the same goroutine and row merged below a pixel. */
export interface RegionMark {
  goroutine: GoID;
  depth: number;
  start: Nanoseconds;
  end: Nanoseconds;
  /** The first region's type, task and stacks (for merged marks: the first of them). */
  name: string;
  task: TaskID;
  startStack: StackID;
  endStack: StackID;
  /** How many regions the mark stands for (1: exact). */
  merged: number;
}

/** One log message, or several on the same lane (AnnotationQuery.logsBy) within a pixel merged. */
export interface LogMark {
  goroutine: GoID;
  proc: ProcID;
  thread: ThreadID;
  time: Nanoseconds;
  text: string;
  task: TaskID;
  stack: StackID;
  merged: number;
}

export interface AnnotationQuery {
  start: Nanoseconds;
  end: Nanoseconds;
  /** Nanoseconds per pixel: marks closer than this on one goroutine row are merged. */
  resolution: Nanoseconds;
  /** At most this many marks of each kind; `truncated` says when more matched. */
  limit: number;
  /**
   * The lanes logs are drawn on, which merging follows: the goroutine's (the default), or the
   * proc's or thread's it was written on (go tool trace's proc and thread views).
   */
  logsBy?: 'goroutine' | 'proc' | 'thread';
}

export interface AnnotationsInRange {
  regions: RegionMark[];
  logs: LogMark[];
  truncated: boolean;
}

const indexes = new WeakMap<Summary, AnnotationIndex>();

/** The index of `summary`'s annotations, built on first use. */
export function annotationIndex(summary: Summary): AnnotationIndex {
  let index = indexes.get(summary);
  if (!index) indexes.set(summary, (index = buildAnnotationIndex(summary)));
  return index;
}

/**
 * Regions as go tool trace draws them: named ones only (a goroutine's inherited region has no
 * name), on the goroutine that began or ended them, from the trace's start or to its end when
 * the begin or end is missing. A goroutine's regions nest (they are begun and ended in stack
 * order), so each one's row is the number of its regions still open when it begins.
 */
export function buildAnnotationIndex(summary: Summary): AnnotationIndex {
  // Columns and index arrays, not an object per region: a trace may hold millions of regions.
  const all = summary.regions;
  const start = new Float64Array(all.length);
  const end = new Float64Array(all.length);
  const kept: number[] = [];
  for (let r = 0; r < all.length; r++) {
    if (all.name(r) === '' || all.goroutine(r) === NoGoroutine) continue;
    [start[r], end[r]] = regionInterval(summary, r);
    kept.push(r);
  }
  // Per goroutine, outer before inner where two begin together (regions begun before the trace
  // all "begin" at its start); a region's row is the number of its goroutine's still open.
  const goroutineOf = (r: number) => all.goroutine(r);
  const byGoroutine = kept.slice().sort((a, b) => goroutineOf(a) - goroutineOf(b) || start[a] - start[b] || end[b] - end[a]);
  const depthOf = new Uint16Array(all.length);
  const regionRows = new Map<GoID, number>();
  const openEnds: number[] = [];
  let current: GoID = NoGoroutine;
  for (const r of byGoroutine) {
    const goroutine = goroutineOf(r);
    if (goroutine !== current) {
      current = goroutine;
      openEnds.length = 0;
    }
    while (openEnds.length > 0 && openEnds[openEnds.length - 1] <= start[r]) openEnds.pop();
    const depth = Math.min(openEnds.length, 0xffff);
    openEnds.push(end[r]);
    depthOf[r] = depth;
    regionRows.set(goroutine, Math.max(regionRows.get(goroutine) ?? 0, depth + 1));
  }
  const byStart = kept.sort((a, b) => start[a] - start[b] || goroutineOf(a) - goroutineOf(b) || depthOf[a] - depthOf[b]);
  const n = byStart.length;
  const regions: AnnotationIndex['regions'] = {
    count: n,
    start: new Float64Array(n),
    end: new Float64Array(n),
    goroutine: new Float64Array(n),
    depth: new Uint16Array(n),
    task: new Float64Array(n),
    startStack: new Uint32Array(n),
    endStack: new Uint32Array(n),
    name: new Array<string>(n),
    longest: 0,
  };
  for (let k = 0; k < n; k++) {
    const r = byStart[k];
    regions.start[k] = start[r];
    regions.end[k] = end[r];
    regions.goroutine[k] = all.goroutine(r);
    regions.depth[k] = depthOf[r];
    regions.task[k] = all.taskId(r);
    regions.startStack[k] = all.startStack(r);
    regions.endStack[k] = all.endStack(r);
    regions.name[k] = all.name(r);
    regions.longest = Math.max(regions.longest, end[r] - start[r]);
  }

  // Every log (a query leaves out those with no lane of the kind it draws on), by time.
  const allLogs = summary.logs;
  const records = Array.from({ length: allLogs.length }, (_, i) => i);
  records.sort((a, b) => allLogs.time(a) - allLogs.time(b) || allLogs.goroutine(a) - allLogs.goroutine(b));
  const m = records.length;
  const logs: AnnotationIndex['logs'] = {
    count: m,
    time: new Float64Array(m),
    goroutine: new Float64Array(m),
    proc: new Float64Array(m),
    thread: new Float64Array(m),
    task: new Float64Array(m),
    stack: new Uint32Array(m),
    text: new Array<string>(m),
  };
  // go tool trace's instant names, one string per distinct category and message.
  const names = new Map<string, Map<string, string>>();
  const nameOf = (category: string, message: string) => {
    let byMessage = names.get(category);
    if (!byMessage) names.set(category, (byMessage = new Map()));
    let name = byMessage.get(message);
    if (name === undefined) byMessage.set(message, (name = category ? `[${category}] ${message}` : message));
    return name;
  };
  records.forEach((i, k) => {
    logs.time[k] = allLogs.time(i);
    logs.goroutine[k] = allLogs.goroutine(i);
    logs.proc[k] = allLogs.proc(i);
    logs.thread[k] = allLogs.thread(i);
    logs.task[k] = allLogs.taskId(i);
    logs.stack[k] = allLogs.stack(i);
    logs.text[k] = nameOf(allLogs.category(i), allLogs.message(i));
  });
  return { regionRows, regions, logs };
}

/** The regions and logs overlapping [start, end], merged below `resolution` per goroutine row. */
export function annotationsIn(index: AnnotationIndex, query: AnnotationQuery): AnnotationsInRange {
  const regions = regionsIn(index.regions, query);
  const logs = logsIn(index.logs, query);
  const truncated = regions.length > query.limit || logs.length > query.limit;
  return { regions: regions.slice(0, query.limit), logs: logs.slice(0, query.limit), truncated };
}

/**
 * One pass in start order: each goroutine row's last mark absorbs the next region on that row
 * when both are under a pixel and so is the gap between them. Marks come out in start order.
 */
function regionsIn(columns: AnnotationIndex['regions'], { start, end, resolution }: AnnotationQuery): RegionMark[] {
  const marks: RegionMark[] = [];
  const lastOnRow = new Map<number, RegionMark>();
  const first = lowerBound(columns.start, 0, columns.count, start - columns.longest);
  for (let k = first; k < columns.count && columns.start[k] <= end; k++) {
    const e = columns.end[k];
    if (e < start) continue;
    const goroutine = columns.goroutine[k];
    const depth = columns.depth[k];
    const s = columns.start[k];
    const row = goroutine * 0x10000 + depth;
    const last = lastOnRow.get(row);
    if (last && e - s < resolution && last.end - last.start < resolution && s - last.end < resolution) {
      last.end = Math.max(last.end, e);
      last.merged++;
      continue;
    }
    const mark = { goroutine, depth, start: s, end: e, name: columns.name[k], task: columns.task[k], startStack: columns.startStack[k], endStack: columns.endStack[k], merged: 1 };
    lastOnRow.set(row, mark);
    marks.push(mark);
  }
  return marks;
}

/** Logs on no lane of the kind asked for (written with no goroutine, proc or thread) are left out, as go tool trace does. */
const noLane = { goroutine: NoGoroutine, proc: NoProc, thread: NoThread } as const;

/** One pass in time order: each lane's last mark absorbs the next log on it within a pixel. */
function logsIn(columns: AnnotationIndex['logs'], { start, end, resolution, logsBy = 'goroutine' }: AnnotationQuery): LogMark[] {
  const lane = columns[logsBy];
  const marks: LogMark[] = [];
  const lastOnLane = new Map<number, { mark: LogMark; time: number }>();
  for (let k = lowerBound(columns.time, 0, columns.count, start); k < columns.count && columns.time[k] <= end; k++) {
    if (lane[k] === noLane[logsBy]) continue;
    const t = columns.time[k];
    const last = lastOnLane.get(lane[k]);
    if (last && t - last.time < resolution) {
      last.mark.merged++;
      last.time = t;
      continue;
    }
    const mark = {
      goroutine: columns.goroutine[k], proc: columns.proc[k], thread: columns.thread[k],
      time: t, text: columns.text[k], task: columns.task[k], stack: columns.stack[k], merged: 1,
    };
    lastOnLane.set(lane[k], { mark, time: t });
    marks.push(mark);
  }
  return marks;
}

/** Go's trace.BackgroundTask: logs and regions outside any task. */
export const BACKGROUND_TASK: TaskID = 0;

/** A user task as go tool trace's task view draws it: its slice on the TASKS lane. */
export interface TaskMark {
  id: TaskID;
  name: string;
  parent: TaskID | null;
  /** Begin and end; the trace's start or end where the trace did not hold them. */
  start: Nanoseconds;
  end: Nanoseconds;
  /** 0 for the task asked for, one more per generation of descendants. */
  depth: number;
  /**
   * Its row on the Tasks lane: the first below its parent's that is free when it begins (tasks
   * that overlap in time never share a row; a child is always drawn below its parent).
   */
  row: number;
  startStack: StackID;
  endStack: StackID;
  /** Goroutines of the begin and end events (NoGoroutine if not in the trace). */
  startGoroutine: GoID;
  endGoroutine: GoID;
}

/**
 * What go tool trace's task view (/trace?taskid=N, /trace?focustask=N) shows of task `id`: the task
 * and its descendants (Descendents), ordered by start then end, and the goroutines directly
 * involved in any of them, whose lanes it keeps. Null for a task the summary does not know.
 */
export function taskFamily(summary: Summary, id: TaskID): { tasks: TaskMark[]; goroutines: GoID[] } | null {
  // The background task (0) holds what no task does; go tool trace has no view of it either.
  if (id === BACKGROUND_TASK) return null;
  if (summary.tasks.indexOf(id) < 0) return null;
  const tasks: TaskMark[] = [];
  const goroutines = new Set<GoID>();
  const visit = (taskId: TaskID, depth: number) => {
    const row = summary.tasks.indexOf(taskId);
    if (row < 0) return;
    const task = summary.tasks.get(row);
    tasks.push({
      id: task.id,
      name: task.name,
      parent: task.parent,
      start: task.start?.time ?? summary.traceStart,
      end: task.end?.time ?? summary.traceEnd,
      depth,
      row: 0,
      startStack: task.start?.stack ?? 0,
      endStack: task.end?.stack ?? 0,
      startGoroutine: task.start?.goroutine ?? NoGoroutine,
      endGoroutine: task.end?.goroutine ?? NoGoroutine,
    });
    for (const g of task.goroutines) if (g !== NoGoroutine) goroutines.add(g);
    for (const child of task.children) visit(child, depth + 1);
  };
  visit(id, 0);
  tasks.sort((a, b) => a.start - b.start || a.end - b.end);
  // In that order a parent comes before its children unless they began together; place parents first.
  const rowOf = new Map<TaskID, number>();
  const rowEnds: number[] = [];
  const place = (task: TaskMark) => {
    if (rowOf.has(task.id)) return;
    const parent = task.depth > 0 && task.parent !== null ? tasks.find((t) => t.id === task.parent) : undefined;
    if (parent) place(parent);
    let row = parent ? rowOf.get(parent.id)! + 1 : 0;
    while (row < rowEnds.length && rowEnds[row] > task.start) row++;
    rowEnds[row] = Math.max(rowEnds[row] ?? -Infinity, task.end);
    rowOf.set(task.id, (task.row = row));
  };
  for (const task of tasks) place(task);
  return { tasks, goroutines: [...goroutines].sort((a, b) => a - b) };
}
