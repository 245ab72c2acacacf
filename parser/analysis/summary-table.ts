// The finished per-goroutine statistics of the summarizer, stored by column (one row per
// goroutine, rows sorted by goroutine id). A trace of millions of goroutines keeps ~70 bytes
// per goroutine here; pages aggregate over the columns and materialise GoroutineSummary
// objects only for the rows they show.

import type { GoID, Nanoseconds } from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import type { DurationRows, KeyedSums } from './summary-columns.ts';
import type { ExecStats, GoroutineSummary } from './summary-types.ts';

/**
 * The columns of a finished table; built by the summarizer (summary.ts). Columns are in the
 * order goroutines were first seen; `order` lists them by id (so finishing copies no column).
 */
export interface GoroutineColumnsData {
  /** Goroutine ids, ascending: row i of the table is goroutine ids[i], stored at order[i]. */
  ids: Float64Array;
  order: Uint32Array;
  /** Root frame id + 1 of the goroutine's naming stack, or 0 ("" name, pc 0). */
  frame: Uint32Array;
  creationTime: Float64Array;
  /** Per row, the DurationColumnIndex columns (offsets from creationTime; NaN when unset). */
  durations: DurationRows;
  blockTimeByReason: KeyedSums;
  rangeTime: KeyedSums;
  /** Key names of blockTimeByReason and rangeTime. */
  keyNames: readonly string[];
  /** Stored row → indices into Summary.regions, sorted by start; rows without regions are absent. */
  regions: ReadonlyMap<number, readonly number[]>;
}

/** The columns of GoroutineColumnsData.durations. */
export const DurationColumnIndex = {
  /** startTime − creationTime. */
  startOffset: 0,
  /** endTime − creationTime. */
  endOffset: 1,
  execTime: 2,
  schedWaitTime: 3,
  syscallTime: 4,
  syscallBlockTime: 5,
  totalTime: 6,
} as const;
export const DURATION_COLUMNS = 7;
const D = DurationColumnIndex;

const noRegions: readonly number[] = [];

export class GoroutineTable {
  readonly length: number;
  /** Row → group (start location) number; groupNames[group] is its name. */
  readonly groupOf: Uint32Array;
  readonly groupNames: readonly string[];

  constructor(private readonly c: GoroutineColumnsData, private readonly tables: TraceTables) {
    this.length = c.ids.length;
    // Goroutines are grouped by name (go tool trace's start location); frames sharing a
    // function name share a group.
    const groupOfName = new Map<string, number>();
    const groupOfFrame = new Map<number, number>();
    const names: string[] = [];
    const groupOf = new Uint32Array(this.length);
    // Neighbouring goroutines mostly share a start location: a repeat skips the map.
    let lastFrame = -1;
    let lastGroup = 0;
    for (let i = 0; i < this.length; i++) {
      const frame = c.frame[c.order[i]];
      if (frame === lastFrame) {
        groupOf[i] = lastGroup;
        continue;
      }
      let group = groupOfFrame.get(frame);
      if (group === undefined) {
        const name = frame === 0 ? '' : tables.frameFunc[frame - 1];
        group = groupOfName.get(name);
        if (group === undefined) {
          group = names.length;
          names.push(name);
          groupOfName.set(name, group);
        }
        groupOfFrame.set(frame, group);
      }
      groupOf[i] = group;
      lastFrame = frame;
      lastGroup = group;
    }
    this.groupOf = groupOf;
    this.groupNames = names;
  }

  /** The row of goroutine `id`, or -1. */
  indexOf(id: GoID): number {
    const ids = this.c.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid] === id) return mid;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The group number of a name, or -1 when no goroutine has it. */
  groupId(name: string): number {
    return this.groupNames.indexOf(name);
  }

  id(i: number): GoID {
    return this.c.ids[i];
  }

  name(i: number): string {
    return this.groupNames[this.groupOf[i]];
  }

  pc(i: number): number {
    const frame = this.c.frame[this.c.order[i]];
    return frame === 0 ? 0 : this.tables.framePC[frame - 1];
  }

  creationTime(i: number): Nanoseconds {
    return this.c.creationTime[this.c.order[i]];
  }

  /** First time it ran, or null. */
  startTime(i: number): Nanoseconds | null {
    const row = this.c.order[i];
    const offset = this.c.durations.get(row, D.startOffset);
    return Number.isNaN(offset) ? null : this.c.creationTime[row] + offset;
  }

  /** When it exited (or blocked forever), or null. */
  endTime(i: number): Nanoseconds | null {
    const row = this.c.order[i];
    const offset = this.c.durations.get(row, D.endOffset);
    return Number.isNaN(offset) ? null : this.c.creationTime[row] + offset;
  }

  execTime(i: number): Nanoseconds {
    return this.c.durations.get(this.c.order[i], D.execTime);
  }

  schedWaitTime(i: number): Nanoseconds {
    return this.c.durations.get(this.c.order[i], D.schedWaitTime);
  }

  syscallTime(i: number): Nanoseconds {
    return this.c.durations.get(this.c.order[i], D.syscallTime);
  }

  syscallBlockTime(i: number): Nanoseconds {
    return this.c.durations.get(this.c.order[i], D.syscallBlockTime);
  }

  totalTime(i: number): Nanoseconds {
    return this.c.durations.get(this.c.order[i], D.totalTime);
  }

  /** Calls fn(reason, time) for each blocking reason of the row (keys with 0 included). */
  forEachBlockTime(i: number, fn: (reason: string, time: Nanoseconds) => void): void {
    const names = this.c.keyNames;
    this.c.blockTimeByReason.forEach(this.c.order[i], (key, value) => fn(names[key], value));
  }

  forEachRangeTime(i: number, fn: (range: string, time: Nanoseconds) => void): void {
    const names = this.c.keyNames;
    this.c.rangeTime.forEach(this.c.order[i], (key, value) => fn(names[key], value));
  }

  hasRangeTime(i: number): boolean {
    return this.c.rangeTime.hasEntries(this.c.order[i]);
  }

  /** Indices into Summary.regions of the row's regions, by start time. */
  regions(i: number): readonly number[] {
    return this.c.regions.get(this.c.order[i]) ?? noRegions;
  }

  /** The row's ExecStats as plain data. */
  stats(i: number): ExecStats {
    return {
      execTime: this.execTime(i),
      schedWaitTime: this.schedWaitTime(i),
      blockTimeByReason: this.record(this.c.blockTimeByReason, i),
      syscallTime: this.syscallTime(i),
      syscallBlockTime: this.syscallBlockTime(i),
      totalTime: this.totalTime(i),
      rangeTime: this.record(this.c.rangeTime, i),
    };
  }

  /** One row as Go's GoroutineSummary. */
  get(i: number): GoroutineSummary {
    return {
      id: this.id(i),
      name: this.name(i),
      pc: this.pc(i),
      creationTime: this.creationTime(i),
      startTime: this.startTime(i),
      endTime: this.endTime(i),
      regions: this.regions(i).slice(),
      ...this.stats(i),
    };
  }

  /** Every row as an object: for small traces and tests; pages use the columns. */
  list(): GoroutineSummary[] {
    const out: GoroutineSummary[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.get(i));
    return out;
  }

  /** Bytes held by the columns (without the regions). */
  get bytes(): number {
    const c = this.c;
    return c.ids.byteLength + c.order.byteLength + c.frame.byteLength + c.creationTime.byteLength + this.groupOf.byteLength
      + c.durations.bytes
      + c.blockTimeByReason.bytes + c.rangeTime.bytes;
  }

  /** A null-prototype record, so a key like "__proto__" is an ordinary key. */
  private record(sums: KeyedSums, i: number): Record<string, number> {
    const out: Record<string, number> = Object.create(null);
    const names = this.c.keyNames;
    sums.forEach(this.c.order[i], (key, value) => {
      out[names[key]] = value;
    });
    return out;
  }
}
