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
  const byName = new Map<string, GoroutineGroupRow>();
  for (const g of summary.goroutines) {
    let group = byName.get(g.name);
    if (!group) byName.set(g.name, (group = { name: g.name, count: 0, execTime: 0 }));
    group.count++;
    group.execTime += g.execTime;
  }
  // Go's order among equal times is arbitrary; by name keeps ours stable.
  return [...byName.values()].sort((a, b) => b.execTime - a.execTime || compareStrings(a.name, b.name));
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

export interface GoroutineGroupPage {
  /** The group's start location; "" when no goroutine matched. */
  name: string;
  count: number;
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
  /** Longest total time first, or by `sortBy` when it is one of the columns. */
  goroutines: GoroutineRow[];
}

/** The /goroutine?name= page: the group's goroutines with every column of its breakdown. */
export function goroutineGroup(summary: Summary, name: string, sortBy?: string): GoroutineGroupPage {
  const rows: GoroutineRow[] = [];
  const statLabels = new Set<string>();
  const rangeLabels = new Set<string>();
  let totalExecTime = 0;
  let execTime = 0;
  let maxTotalTime = 0;
  for (const g of summary.goroutines) {
    totalExecTime += g.execTime;
    if (g.name !== name) continue;
    const stats = nonOverlappingStats(g);
    for (const label in stats) statLabels.add(label);
    let totalRangeTime = 0;
    for (const range in g.rangeTime) {
      rangeLabels.add(range);
      totalRangeTime += g.rangeTime[range];
    }
    rows.push({ id: g.id, totalTime: g.totalTime, nonOverlappingStats: stats, rangeTime: g.rangeTime, hasRangeTime: totalRangeTime !== 0 });
    execTime += g.execTime;
    if (maxTotalTime < g.totalTime) maxTotalTime = g.totalTime;
  }
  const share = totalExecTime > 0 ? execTime / totalExecTime : null;
  sortRows(rows, statLabels, sortBy, (a, b) => a.id - b.id);
  return {
    name: rows.length > 0 ? name : '',
    count: rows.length,
    execTimeShare: share,
    execTimePercent: share === null ? '' : `${(share * 100).toFixed(2)}%`,
    maxTotalTime,
    nonOverlappingStats: sortStatLabels(statLabels),
    rangeStats: [...rangeLabels].sort(compareStrings),
    goroutines: rows,
  };
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
  let matched = 0;
  for (const g of summary.goroutines) {
    if (name !== '' && g.name !== name) continue;
    result[g.id] = [[g.startTime ?? summary.traceStart, g.endTime ?? traceEnd]];
    matched++;
  }
  if (matched === 0) throw new Error(`failed to find matching goroutines for name: ${name}`);
  return result;
}
