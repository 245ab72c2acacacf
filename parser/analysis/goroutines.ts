// The /goroutines and /goroutine?name= pages of go tool trace (cmd/trace/goroutines.go) and the
// goroutine filter of its profiles (pprofMatchingGoroutines in cmd/trace/pprof.go), as pure
// functions over a Summary.

import type { GoID, Nanoseconds } from '../model/event.ts';
import { compareStrings, nonOverlappingStats, sortStatLabels } from './summary-stats.ts';
import type { Summary } from './summary-types.ts';

export interface GoroutineGroupRow {
  /** The start location (entry function); "" for goroutines never seen with a stack. */
  name: string;
  count: number;
  /** Total execution time of the group's goroutines. */
  execTime: Nanoseconds;
}

/** The /goroutines table: groups by start location, most execution time first. */
export function goroutineGroups(summary: Summary): GoroutineGroupRow[] {
  const table = summary.goroutines;
  const groups: GoroutineGroupRow[] = table.groupNames.map((name) => ({ name, count: 0, execTime: 0 }));
  for (let i = 0; i < table.length; i++) {
    const group = groups[table.groupOf[i]];
    group.count++;
    group.execTime += table.execTime(i);
  }
  // Go's order among equal times is arbitrary; by name keeps ours stable.
  return groups.filter((g) => g.count > 0).sort((a, b) => b.execTime - a.execTime || compareStrings(a.name, b.name));
}

export interface GoroutineRow {
  id: GoID;
  totalTime: Nanoseconds;
  /** Every column of the breakdown, keyed by go tool trace's label ("Execution time", "Block time (chan receive)", …). */
  nonOverlappingStats: Record<string, Nanoseconds>;
  /** Time in special ranges by range name; shown only when hasRangeTime. */
  rangeTime: Record<string, Nanoseconds>;
  hasRangeTime: boolean;
}

/** A goroutine group without its rows materialised: what the page shows about the group as a whole. */
export interface GoroutineGroupColumns {
  /** The group's start location; "" when no goroutine matched. */
  name: string;
  count: number;
  /** Total execution time of the group's goroutines. */
  execTime: Nanoseconds;
  /** Share of all goroutines' execution time, 0–1, or null when the trace has none. */
  execTimeShare: number | null;
  /** go tool trace's "Execution Time" line, e.g. "12.34%", or "" when the trace has no execution time. */
  execTimePercent: string;
  /** The longest totalTime in the group (go tool trace scales the bars by it). */
  maxTotalTime: Nanoseconds;
  /** Breakdown columns in go tool trace's order: "Execution time" first, then by label. */
  nonOverlappingStats: string[];
  /** Special-range columns, sorted. */
  rangeStats: string[];
  /** Rows of summary.goroutines in the page's order: longest total time first, or by `sortBy`. */
  rows: Uint32Array;
}

export interface GoroutineGroupPage extends Omit<GoroutineGroupColumns, 'rows' | 'execTime'> {
  /** Longest total time first, or by `sortBy` when it is one of the columns. */
  goroutines: GoroutineRow[];
}

/**
 * The /goroutine?name= page over the summary's columns: the group's totals, its columns, and
 * its rows in order, without one object per goroutine (a group may hold millions).
 */
export function goroutineGroupColumns(summary: Summary, name: string, sortBy?: string): GoroutineGroupColumns {
  const table = summary.goroutines;
  const group = table.groupId(name);
  const statLabels = new Set<string>();
  const rangeLabels = new Set<string>();
  let totalExecTime = 0;
  let execTime = 0;
  let maxTotalTime = 0;
  let count = 0;
  for (let i = 0; i < table.length; i++) {
    totalExecTime += table.execTime(i);
    if (table.groupOf[i] === group) count++;
  }
  const rows = new Uint32Array(count);
  const addStatLabel = (reason: string) => statLabels.add(`Block time (${reason})`);
  const addRangeLabel = (range: string) => rangeLabels.add(range);
  let k = 0;
  for (let i = 0; i < table.length && k < count; i++) {
    if (table.groupOf[i] !== group) continue;
    rows[k++] = i;
    execTime += table.execTime(i);
    const total = table.totalTime(i);
    if (maxTotalTime < total) maxTotalTime = total;
    table.forEachBlockTime(i, addStatLabel);
    table.forEachRangeTime(i, addRangeLabel);
  }
  if (count > 0) for (const label of FIXED_STAT_LABELS) statLabels.add(label);
  const share = totalExecTime > 0 ? execTime / totalExecTime : null;
  sortGoroutineRows(summary, rows, statLabels, sortBy);
  return {
    name: count > 0 ? name : '',
    count,
    execTime,
    execTimeShare: share,
    execTimePercent: share === null ? '' : `${(share * 100).toFixed(2)}%`,
    maxTotalTime,
    nonOverlappingStats: sortStatLabels(statLabels),
    rangeStats: [...rangeLabels].sort(compareStrings),
    rows,
  };
}

/** The labels every goroutine's breakdown has (nonOverlappingStats), besides its block reasons. */
const FIXED_STAT_LABELS = ['Execution time', 'Sched wait time', 'Syscall execution time', 'Block time (syscall)', 'Unknown time'];

/** One breakdown column of one goroutine, as nonOverlappingStats(stats)[label] ?? 0, without the record. */
export function goroutineStat(summary: Summary, row: number, label: string): Nanoseconds {
  const table = summary.goroutines;
  switch (label) {
    case 'Execution time': return table.execTime(row);
    case 'Sched wait time': return table.schedWaitTime(row);
    case 'Syscall execution time': return table.syscallTime(row);
    case 'Unknown time': {
      let sum = table.execTime(row) + table.schedWaitTime(row) + table.syscallTime(row) + table.syscallBlockTime(row);
      table.forEachBlockTime(row, (_reason, time) => {
        sum += time;
      });
      const total = table.totalTime(row);
      return sum < total ? total - sum : 0;
    }
  }
  let value = label === 'Block time (syscall)' ? table.syscallBlockTime(row) : 0;
  if (label.startsWith('Block time (') && label.endsWith(')')) {
    const reason = label.slice('Block time ('.length, -1);
    table.forEachBlockTime(row, (r, time) => {
      if (r === reason) value += time;
    });
  }
  return value;
}

/** Longest first by the chosen column, else by total time; then by id (Go leaves ties arbitrary). */
function sortGoroutineRows(summary: Summary, rows: Uint32Array, columns: Set<string>, sortBy: string | undefined): void {
  const table = summary.goroutines;
  const keys = new Float64Array(rows.length);
  const byColumn = sortBy !== undefined && columns.has(sortBy);
  for (let k = 0; k < rows.length; k++) keys[k] = byColumn ? goroutineStat(summary, rows[k], sortBy!) : table.totalTime(rows[k]);
  const order = Array.from(rows.keys());
  // Rows are in id order, so the position breaks ties by id.
  order.sort((a, b) => keys[b] - keys[a] || a - b);
  const sorted = order.map((k) => rows[k]);
  rows.set(sorted);
}

/** One goroutine's row of the group page, with every column of its breakdown. */
export function goroutineRow(summary: Summary, row: number): GoroutineRow {
  const table = summary.goroutines;
  const stats = table.stats(row);
  let totalRangeTime = 0;
  for (const range in stats.rangeTime) totalRangeTime += stats.rangeTime[range];
  return { id: table.id(row), totalTime: stats.totalTime, nonOverlappingStats: nonOverlappingStats(stats), rangeTime: stats.rangeTime, hasRangeTime: totalRangeTime !== 0 };
}

/** The /goroutine?name= page: the group's goroutines with every column of its breakdown. */
export function goroutineGroup(summary: Summary, name: string, sortBy?: string): GoroutineGroupPage {
  const { rows, execTime: _execTime, ...page } = goroutineGroupColumns(summary, name, sortBy);
  return { ...page, goroutines: Array.from(rows, (row) => goroutineRow(summary, row)) };
}

/** Longest first by the chosen column, else by total time; then `tieBreak` (Go leaves ties arbitrary). */
export function sortRows<T extends { totalTime: number; nonOverlappingStats: Record<string, number> }>(
  rows: T[], columns: Set<string>, sortBy: string | undefined, tieBreak: (a: T, b: T) => number,
): void {
  const key = sortBy !== undefined && columns.has(sortBy)
    ? (r: T) => r.nonOverlappingStats[sortBy] ?? 0
    : (r: T) => r.totalTime;
  rows.sort((a, b) => key(b) - key(a) || tieBreak(a, b));
}

/** Goroutine id → the time intervals a profile counts for it. */
export type GoroutineIntervals = Record<number, Array<[start: Nanoseconds, end: Nanoseconds]>>;

/**
 * Go's pprofMatchingGoroutines: every goroutine named `name` ("" = all goroutines), each with
 * [its first start, its end or `traceEnd` if it did not end]. A goroutine that never ran gets
 * `summary.traceStart` as its start (Go uses time 0; no event is earlier, so profiles agree).
 * Throws Go's error when nothing matches.
 */
export function matchingGoroutineIntervals(summary: Summary, name: string, traceEnd: Nanoseconds = summary.traceEnd): GoroutineIntervals {
  const result: GoroutineIntervals = {};
  const table = summary.goroutines;
  const group = name === '' ? -1 : table.groupId(name);
  let matched = 0;
  for (let i = 0; i < table.length; i++) {
    if (name !== '' && table.groupOf[i] !== group) continue;
    result[table.id(i)] = [[table.startTime(i) ?? summary.traceStart, table.endTime(i) ?? traceEnd]];
    matched++;
  }
  if (matched === 0) throw new Error(`failed to find matching goroutines for name: ${name}`);
  return result;
}
