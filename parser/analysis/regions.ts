// The /userregions and /userregion pages of go tool trace (cmd/trace/regions.go) and the region
// filter of its profiles (pprofMatchingRegions in cmd/trace/pprof.go), as pure functions over a
// Summary.

import type { GoID, Nanoseconds, TaskID } from '../model/event.ts';
import { sortRows, type GoroutineIntervals } from './goroutines.ts';
import { formatGoDuration, goQuote, parseGoDuration } from './summary-format.ts';
import { timeHistogram, type TimeHistogram } from './summary-histogram.ts';
import { compareStrings, nonOverlappingLabels, nonOverlappingStat, nonOverlappingStats, sortStatLabels } from './summary-stats.ts';
import type { FrameInfo, Summary } from './summary-types.ts';

/** Go's regionInterval of region `r`: start to end, the trace's start or end standing in for what is missing. */
export function regionInterval(summary: Summary, r: number): [Nanoseconds, Nanoseconds] {
  return [summary.regions.startTime(r) ?? summary.traceStart, summary.regions.endTime(r) ?? summary.traceEnd];
}

/** The index of every region that go tool trace lists: those recorded on goroutines. */
function* listedRegionIndices(summary: Summary): Generator<number> {
  const table = summary.goroutines;
  for (let i = 0; i < table.length; i++) yield* table.regions(i);
}


export interface RegionTypeRow {
  /** Region type. */
  type: string;
  /** Where regions of this row start (the outermost frame of the start stack; zero frame if none). */
  frame: FrameInfo;
  /** All regions of the row, with their durations (incomplete ones measured to the trace's edges). */
  count: number;
  histogram: TimeHistogram;
}

/** The /userregions table: regions grouped by type and start location, sorted by type then PC. */
export function userRegions(summary: Summary): RegionTypeRow[] {
  const rows = new Map<string, { type: string; frame: FrameInfo; durations: number[] }>();
  // By column: millions of regions need no object each. Frames are shared objects, so rows are
  // found by name and frame without building a key per region.
  const byFrame = new Map<FrameInfo, Map<string, { type: string; frame: FrameInfo; durations: number[] }>>();
  const regions = summary.regions;
  for (const r of listedRegionIndices(summary)) {
    const f = regions.frame(r);
    const name = regions.name(r);
    let byName = byFrame.get(f);
    if (!byName) byFrame.set(f, (byName = new Map()));
    let row = byName.get(name);
    if (!row) {
      // Distinct frame objects may still be equal frames: rows are keyed by value.
      const key = JSON.stringify([name, f.pc, f.func, f.file, f.line]);
      row = rows.get(key);
      if (!row) rows.set(key, (row = { type: name, frame: f, durations: [] }));
      byName.set(name, row);
    }
    const [start, end] = regionInterval(summary, r);
    row.durations.push(end - start);
  }
  return [...rows.values()]
    .sort((a, b) => compareStrings(a.type, b.type) || a.frame.pc - b.frame.pc
      || compareStrings(a.frame.func, b.frame.func) || compareStrings(a.frame.file, b.frame.file) || a.frame.line - b.frame.line)
    .map((row) => {
      const histogram = timeHistogram(row.durations);
      return { type: row.type, frame: row.frame, count: histogram.count, histogram };
    });
}

/** The /userregion query (type, pc, latmin, latmax); absent fields do not filter. */
export interface RegionFilter {
  type?: string;
  /** PC of the start frame (the page's pc parameter is hex). */
  pc?: number;
  /** Regions lasting at least / at most this (ns), incomplete ones measured to the trace's edges. */
  latencyMin?: Nanoseconds;
  latencyMax?: Nanoseconds;
}

/** Go's newRegionFilter from the page's query parameters (values as strings, absent = undefined). */
export function regionFilterFromQuery(query: Record<string, string | undefined>): RegionFilter {
  const filter: RegionFilter = {};
  if (query.type !== undefined) filter.type = query.type;
  // Go's strconv.ParseUint(pc, 16, 64): hex digits only, no prefix.
  if (query.pc !== undefined && /^[0-9a-fA-F]+$/.test(query.pc)) filter.pc = parseInt(query.pc, 16);
  const latMin = query.latmin === undefined ? null : parseGoDuration(query.latmin);
  if (latMin !== null) filter.latencyMin = latMin;
  const latMax = query.latmax === undefined ? null : parseGoDuration(query.latmax);
  if (latMax !== null) filter.latencyMax = latMax;
  return filter;
}

/** The filter's title as go tool trace writes it, e.g. `"fetch" @ 0x4a2b3c (latency >= 1ms)`. */
export function regionFilterName(filter: RegionFilter): string {
  const parts: string[] = [];
  if (filter.type !== undefined) parts.push(goQuote(filter.type));
  if (filter.pc !== undefined) parts.push(`@ 0x${filter.pc.toString(16)}`);
  if (filter.latencyMin !== undefined) parts.push(`(latency >= ${formatGoDuration(filter.latencyMin)})`);
  if (filter.latencyMax !== undefined) parts.push(`(latency <= ${formatGoDuration(filter.latencyMax)})`);
  return parts.join(' ');
}

/** Whether region `r` of summary.regions passes the filter (read by column: no object per region). */
export function regionMatches(summary: Summary, r: number, filter: RegionFilter): boolean {
  const regions = summary.regions;
  if (filter.type !== undefined && regions.name(r) !== filter.type) return false;
  if (filter.pc !== undefined && regions.frame(r).pc !== filter.pc) return false;
  if (filter.latencyMin !== undefined || filter.latencyMax !== undefined) {
    const [start, end] = regionInterval(summary, r);
    const duration = end - start;
    if (filter.latencyMin !== undefined && duration < filter.latencyMin) return false;
    if (filter.latencyMax !== undefined && duration > filter.latencyMax) return false;
  }
  return true;
}

export interface RegionRow {
  goroutine: GoID;
  taskId: TaskID;
  /** Start time, or null if the region began before the trace (kept for a stable order and links). */
  start: Nanoseconds | null;
  totalTime: Nanoseconds;
  nonOverlappingStats: Record<string, Nanoseconds>;
  rangeTime: Record<string, Nanoseconds>;
  hasRangeTime: boolean;
}

export interface RegionTypePage {
  /** The filter's title (Go's filter.name). */
  name: string;
  maxTotalTime: Nanoseconds;
  /** Breakdown columns in go tool trace's order: "Execution time" first, then by label. */
  nonOverlappingStats: string[];
  rangeStats: string[];
  /** Longest total time first, or by `sortBy` when it is one of the columns; the first `limit` (see total). */
  regions: RegionRow[];
  /** How many regions match. */
  total: number;
  /** Total times of all of them. */
  histogram: TimeHistogram;
}

/**
 * The /userregion page: the matching regions with their execution breakdown. Columns, the longest
 * total and the histogram cover every match; rows are made for the first `limit` in the page's
 * order only (a type may have millions of regions).
 */
export function userRegionsOf(summary: Summary, filterOrType: RegionFilter | string, pc?: number, sortBy?: string, limit = Infinity): RegionTypePage {
  const filter: RegionFilter = typeof filterOrType === 'string' ? { type: filterOrType, ...(pc === undefined ? {} : { pc }) } : filterOrType;
  // What sorting needs of each match (its sort column alone), not its whole row.
  const matching: { region: number; goroutine: GoID; start: Nanoseconds | null; totalTime: Nanoseconds; nonOverlappingStats: Record<string, Nanoseconds> }[] = [];
  const noColumns: Record<string, Nanoseconds> = {};
  const statLabels = new Set<string>();
  const rangeLabels = new Set<string>();
  let maxTotalTime = 0;
  const regions = summary.regions;
  for (const r of listedRegionIndices(summary)) {
    // By column: a type may have millions of regions, and only the listed ones need their row.
    if (!regionMatches(summary, r, filter)) continue;
    const stats = regions.stats(r);
    nonOverlappingLabels(stats, statLabels);
    for (const range in stats.rangeTime) rangeLabels.add(range);
    const sortValue = sortBy === undefined ? undefined : nonOverlappingStat(stats, sortBy);
    const sortColumn = sortValue === undefined ? noColumns : { [sortBy!]: sortValue };
    matching.push({ region: r, goroutine: regions.goroutine(r), start: regions.startTime(r), totalTime: stats.totalTime, nonOverlappingStats: sortColumn });
    if (maxTotalTime < stats.totalTime) maxTotalTime = stats.totalTime;
  }
  sortRows(matching, statLabels, sortBy, (a, b) => a.goroutine - b.goroutine || (a.start ?? -Infinity) - (b.start ?? -Infinity));
  const rows = matching.slice(0, limit).map(({ region: r }): RegionRow => {
    const region = summary.regions.get(r);
    let totalRangeTime = 0;
    for (const range in region.rangeTime) totalRangeTime += region.rangeTime[range];
    return {
      goroutine: region.goroutine, taskId: region.taskId, start: region.start ? region.start.time : null,
      totalTime: region.totalTime, nonOverlappingStats: nonOverlappingStats(region), rangeTime: region.rangeTime, hasRangeTime: totalRangeTime !== 0,
    };
  });
  return {
    name: regionFilterName(filter),
    maxTotalTime,
    nonOverlappingStats: sortStatLabels(statLabels),
    rangeStats: [...rangeLabels].sort(compareStrings),
    regions: rows,
    total: matching.length,
    histogram: timeHistogram(matching.map((m) => m.totalTime)),
  };
}

/**
 * Go's pprofMatchingRegions: per goroutine, the intervals of its matching regions, keeping only
 * the outermost of nested or overlapping ones.
 */
export function matchingRegionIntervals(summary: Summary, filter: RegionFilter): GoroutineIntervals {
  const byGoroutine = new Map<GoID, Array<[Nanoseconds, Nanoseconds]>>();
  const table = summary.goroutines;
  for (let i = 0; i < table.length; i++) {
    for (const r of table.regions(i)) {
      if (!regionMatches(summary, r, filter)) continue;
      const id = table.id(i);
      let list = byGoroutine.get(id);
      if (!list) byGoroutine.set(id, (list = []));
      list.push(regionInterval(summary, r));
    }
  }
  const result: GoroutineIntervals = {};
  for (const [goid, intervals] of byGoroutine) {
    intervals.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const outermost: Array<[Nanoseconds, Nanoseconds]> = [];
    // Go starts from its time 0, before every event; -Infinity is that here.
    let lastEnd = -Infinity;
    for (const interval of intervals) {
      if (lastEnd <= interval[0]) {
        outermost.push(interval);
        lastEnd = interval[1];
      }
    }
    result[goid] = outermost;
  }
  return result;
}
