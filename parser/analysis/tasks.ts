// The /usertasks and /usertask pages of go tool trace (cmd/trace/tasks.go) as pure functions
// over a Summary: tasks grouped by type with a histogram of complete tasks' durations, and the
// tasks matching a filter with their events.

import { EventKind, goStateNames, NoGoroutine, NoTask, type GoID, type Nanoseconds, type TaskID } from '../model/event.ts';
import { formatGoDuration, formatSeconds, goQuote, parseGoDuration } from './summary-format.ts';
import { timeHistogram, type TimeHistogram } from './summary-histogram.ts';
import { compareStrings } from './summary-stats.ts';
import type { EventRecord, Summary, TaskSummary } from './summary-types.ts';
import type { TaskTable } from './summary-tasks.ts';

export interface TaskTypeRow {
  type: string;
  /** Complete and incomplete tasks. */
  count: number;
  /** Durations of complete tasks only. */
  histogram: TimeHistogram;
}

/** A task is complete when the trace holds both its begin and its end. */
export function taskComplete(task: TaskSummary): boolean {
  return task.start !== null && task.end !== null;
}

/** Whether any task is of type `type`. */
export function hasTaskOfType(tasks: TaskTable, type: string): boolean {
  for (let i = 0; i < tasks.length; i++) if (tasks.name(i) === type) return true;
  return false;
}

/** The /usertasks table, by task type. */
export function userTasks(summary: Summary): TaskTypeRow[] {
  const byType = new Map<string, { count: number; durations: number[] }>();
  const tasks = summary.tasks;
  for (let i = 0; i < tasks.length; i++) {
    const name = tasks.name(i);
    let group = byType.get(name);
    if (!group) byType.set(name, (group = { count: 0, durations: [] }));
    group.count++;
    const start = tasks.startTime(i);
    const end = tasks.endTime(i);
    if (start !== null && end !== null) group.durations.push(end - start);
  }
  return [...byType.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([type, g]) => ({ type, count: g.count, histogram: timeHistogram(g.durations) }));
}

/** The /usertask query (type, complete, latmin, latmax, logtext); absent fields do not filter. */
export interface TaskFilter {
  type?: string;
  /** true: complete tasks only; false: incomplete only. */
  complete?: boolean;
  /** Complete tasks whose duration is at least / at most this (ns). */
  latencyMin?: Nanoseconds;
  latencyMax?: Nanoseconds;
  /** The type, a region type, a log category or a log message contains this. */
  logText?: string;
}

/** Go's newTaskFilter from the page's query parameters (values as strings, absent = undefined). */
export function taskFilterFromQuery(query: Record<string, string | undefined>): TaskFilter {
  const filter: TaskFilter = {};
  if (query.type !== undefined) filter.type = query.type;
  if (query.complete === '1') filter.complete = true;
  else if (query.complete === '0') filter.complete = false;
  const latMin = query.latmin === undefined ? null : parseGoDuration(query.latmin);
  if (latMin !== null) filter.latencyMin = latMin;
  const latMax = query.latmax === undefined ? null : parseGoDuration(query.latmax);
  if (latMax !== null) filter.latencyMax = latMax;
  if (query.logtext) filter.logText = query.logtext;
  return filter;
}

/** The filter's title as go tool trace writes it, e.g. `"httpRequest",complete,latency >= 1ms`. */
export function taskFilterName(filter: TaskFilter): string {
  const parts: string[] = [];
  if (filter.type !== undefined) parts.push(goQuote(filter.type));
  if (filter.complete === true) parts.push('complete');
  else if (filter.complete === false) parts.push('incomplete');
  if (filter.latencyMin !== undefined) parts.push(`latency >= ${formatGoDuration(filter.latencyMin)}`);
  if (filter.latencyMax !== undefined) parts.push(`latency <= ${formatGoDuration(filter.latencyMax)}`);
  if (filter.logText !== undefined) parts.push(`log contains ${goQuote(filter.logText)}`);
  return parts.join(',');
}

/** Go's taskInterval: begin to end, the trace's start or end standing in for what is missing. */
export function taskInterval(summary: Summary, task: TaskSummary): [Nanoseconds, Nanoseconds] {
  return [task.start ? task.start.time : summary.traceStart, task.end ? task.end.time : summary.traceEnd];
}

/** Whether task row `i` of summary.tasks passes the filter (read by column: no object per task). */
export function taskMatches(summary: Summary, i: number, filter: TaskFilter): boolean {
  const tasks = summary.tasks;
  if (filter.type !== undefined && tasks.name(i) !== filter.type) return false;
  const start = tasks.startTime(i);
  const end = tasks.endTime(i);
  const complete = start !== null && end !== null;
  if (filter.complete !== undefined && complete !== filter.complete) return false;
  if (filter.latencyMin !== undefined || filter.latencyMax !== undefined) {
    if (!complete) return false;
    if (filter.latencyMin !== undefined && end - start < filter.latencyMin) return false;
    if (filter.latencyMax !== undefined && end - start > filter.latencyMax) return false;
  }
  if (filter.logText !== undefined && !mentions(summary, i, filter.logText)) return false;
  return true;
}

function mentions(summary: Summary, i: number, text: string): boolean {
  if (summary.tasks.name(i).includes(text)) return true;
  for (const r of summary.tasks.regions(i)) if (summary.regions.name(r).includes(text)) return true;
  for (const log of summary.tasks.logs(i)) {
    if (summary.logs.category(log).includes(text) || summary.logs.message(log).includes(text)) return true;
  }
  return false;
}

export interface TaskEventRow {
  /** Since the trace start. */
  when: Nanoseconds;
  /** go tool trace's "%2.9f" seconds. */
  whenString: string;
  /** Since the previous row (the first: since the trace start). */
  elapsed: Nanoseconds;
  goroutine: GoID;
  what: string;
}

export interface TaskRow {
  id: TaskID;
  /** Begin (or trace start) relative to the trace start, and that plus the duration. */
  start: Nanoseconds;
  end: Nanoseconds;
  /** go tool trace's "%2.9fs" of start. */
  whenString: string;
  duration: Nanoseconds;
  complete: boolean;
  events: TaskEventRow[];
}

export interface TaskTypePage {
  /** The filter's title (Go's filter.name). */
  name: string;
  /** Shortest first; the first `limit` when more match (see total). */
  tasks: TaskRow[];
  /** How many tasks match. */
  total: number;
  /** Durations of the complete ones among them (all of them, not only those listed). */
  histogram: TimeHistogram;
}

/**
 * The /usertask page: matching tasks, each with its begin, end, logs and regions in time order.
 * Only the first `limit` (shortest first) get their rows made: a type may have millions of tasks.
 */
export function userTasksOfType(summary: Summary, filterOrType: TaskFilter | string, limit = Infinity): TaskTypePage {
  const filter = typeof filterOrType === 'string' ? { type: filterOrType } : filterOrType;
  const matching: { task: number; id: TaskID; duration: Nanoseconds }[] = [];
  const completeDurations: Nanoseconds[] = [];
  const tasks = summary.tasks;
  for (let i = 0; i < tasks.length; i++) {
    if (!taskMatches(summary, i, filter)) continue;
    const start = tasks.startTime(i);
    const end = tasks.endTime(i);
    const duration = (end ?? summary.traceEnd) - (start ?? summary.traceStart);
    matching.push({ task: i, id: tasks.id(i), duration });
    if (start !== null && end !== null) completeDurations.push(duration);
  }
  matching.sort((a, b) => a.duration - b.duration || a.id - b.id);
  const rows = matching.slice(0, limit).map(({ task }) => taskRow(summary, summary.tasks.get(task)));
  return { name: taskFilterName(filter), tasks: rows, total: matching.length, histogram: timeHistogram(completeDurations) };
}

/** One task's row: its interval and its events in time order. */
function taskRow(summary: Summary, task: TaskSummary): TaskRow {
  const raw: EventRecord[] = [];
  if (task.start) raw.push(task.start);
  if (task.end) raw.push(task.end);
  for (const log of task.logs) raw.push(summary.logs.get(log));
  for (const r of task.regions) {
    const region = summary.regions.get(r);
    if (region.start) raw.push(region.start);
    if (region.end) raw.push(region.end);
  }
  raw.sort((a, b) => a.time - b.time); // Stable, as Go's SortStableFunc.

  const events: TaskEventRow[] = [];
  let last = summary.traceStart;
  for (const ev of raw) {
    const what = describeEvent(ev);
    if (what === '') continue;
    const when = ev.time - summary.traceStart;
    events.push({ when, whenString: formatSeconds(when), elapsed: ev.time - last, goroutine: primaryGoroutine(ev), what });
    last = ev.time;
  }
  const [start, end] = taskInterval(summary, task);
  const relStart = start - summary.traceStart;
  return {
    id: task.id, start: relStart, end: relStart + (end - start), whenString: `${formatSeconds(relStart)}s`,
    duration: end - start, complete: taskComplete(task), events,
  };
}

/** Go's TaskID printed with %d: NoTask is ^uint64(0). */
function taskIdText(id: TaskID | undefined): string {
  return id === undefined || id === NoTask ? '18446744073709551615' : String(id);
}

/** Go's describeEvent: the "Events" column; "" for events the page leaves out. */
export function describeEvent(ev: EventRecord): string {
  switch (ev.kind) {
    case EventKind.StateTransition:
      if (!ev.transition) return '';
      return `${goStateNames[ev.transition.from] ?? 'Bad'} -> ${goStateNames[ev.transition.to] ?? 'Bad'}`;
    case EventKind.RegionBegin:
      return `region ${goQuote(ev.name ?? '')} begin`;
    case EventKind.RegionEnd:
      return `region ${goQuote(ev.name ?? '')} end`;
    case EventKind.TaskBegin:
      return `task ${goQuote(ev.name ?? '')} (ID ${taskIdText(ev.taskId)}, parent ${taskIdText(ev.parentTaskId)}) begin`;
    case EventKind.TaskEnd:
      return 'task end';
    case EventKind.Log:
      if (!ev.category) return `log ${goQuote(ev.message ?? '')}`;
      return `log (category: ${ev.category}): ${goQuote(ev.message ?? '')}`;
  }
  return '';
}

/** Go's primaryGoroutine: the transitioning goroutine for transitions, else where the event happened. */
export function primaryGoroutine(ev: EventRecord): GoID {
  if (ev.kind !== EventKind.StateTransition) return ev.goroutine;
  return ev.transition ? ev.transition.goroutine : NoGoroutine;
}
