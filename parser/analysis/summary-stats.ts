// Execution statistics arithmetic, as Go's GoroutineExecStats methods (summary.go): the
// mutable form the summarizer accumulates into, its snapshots and differences, and the
// "non-overlapping" breakdown the goroutine and region pages show.

import type { ExecStats } from './summary-types.ts';

/** The accumulating form. Maps keep insertion order and keys with a 0 value, like Go's maps. */
export class MutableStats {
  execTime = 0;
  schedWaitTime = 0;
  blockTimeByReason = new Map<string, number>();
  syscallTime = 0;
  syscallBlockTime = 0;
  totalTime = 0;
  rangeTime = new Map<string, number>();

  clone(): MutableStats {
    const r = new MutableStats();
    r.execTime = this.execTime;
    r.schedWaitTime = this.schedWaitTime;
    r.blockTimeByReason = new Map(this.blockTimeByReason);
    r.syscallTime = this.syscallTime;
    r.syscallBlockTime = this.syscallBlockTime;
    r.totalTime = this.totalTime;
    r.rangeTime = new Map(this.rangeTime);
    return r;
  }

  /** this − v over this's keys (Go's sub: keys only in v are ignored). */
  sub(v: MutableStats): MutableStats {
    const r = this.clone();
    r.execTime -= v.execTime;
    r.schedWaitTime -= v.schedWaitTime;
    for (const [reason, dt] of r.blockTimeByReason) r.blockTimeByReason.set(reason, dt - (v.blockTimeByReason.get(reason) ?? 0));
    r.syscallTime -= v.syscallTime;
    r.syscallBlockTime -= v.syscallBlockTime;
    r.totalTime -= v.totalTime;
    for (const [name, dt] of r.rangeTime) r.rangeTime.set(name, dt - (v.rangeTime.get(name) ?? 0));
    return r;
  }

  toPlain(): ExecStats {
    return {
      execTime: this.execTime,
      schedWaitTime: this.schedWaitTime,
      blockTimeByReason: mapToRecord(this.blockTimeByReason),
      syscallTime: this.syscallTime,
      syscallBlockTime: this.syscallBlockTime,
      totalTime: this.totalTime,
      rangeTime: mapToRecord(this.rangeTime),
    };
  }
}

export function addTo(map: Map<string, number>, key: string, dt: number): void {
  map.set(key, (map.get(key) ?? 0) + dt);
}

/** A null-prototype record, so a key like "__proto__" is an ordinary key. */
/** One frozen empty record for every empty map: most regions never block or enter a range. */
export const EMPTY_RECORD: Record<string, number> = Object.freeze(Object.create(null));

function mapToRecord(map: Map<string, number>): Record<string, number> {
  if (map.size === 0) return EMPTY_RECORD;
  const out: Record<string, number> = Object.create(null);
  for (const [k, v] of map) out[k] = v;
  return out;
}

/** Go's UnknownTime: whatever totalTime does not account for (never negative). */
export function unknownTime(s: ExecStats): number {
  let sum = s.execTime + s.schedWaitTime + s.syscallTime + s.syscallBlockTime;
  for (const reason in s.blockTimeByReason) sum += s.blockTimeByReason[reason];
  return sum < s.totalTime ? s.totalTime - sum : 0;
}

/** Go's NonOverlappingStats, with exactly the labels go tool trace prints. */
export function nonOverlappingStats(s: ExecStats): Record<string, number> {
  const stats: Record<string, number> = Object.create(null);
  stats['Execution time'] = s.execTime;
  stats['Sched wait time'] = s.schedWaitTime;
  stats['Syscall execution time'] = s.syscallTime;
  stats['Block time (syscall)'] = s.syscallBlockTime;
  stats['Unknown time'] = unknownTime(s);
  for (const reason in s.blockTimeByReason) {
    const label = `Block time (${reason})`;
    stats[label] = (stats[label] ?? 0) + s.blockTimeByReason[reason];
  }
  return stats;
}

/** The labels nonOverlappingStats gives `s`, without making its object (for loops over millions). */
export function nonOverlappingLabels(s: ExecStats, into: Set<string>): void {
  for (const label of FIXED_LABELS) into.add(label);
  for (const reason in s.blockTimeByReason) into.add(`Block time (${reason})`);
}

/** nonOverlappingStats(s)[label] (undefined when it has no such label), without making its object. */
export function nonOverlappingStat(s: ExecStats, label: string): number | undefined {
  switch (label) {
    case 'Execution time': return s.execTime;
    case 'Sched wait time': return s.schedWaitTime;
    case 'Syscall execution time': return s.syscallTime;
    case 'Unknown time': return unknownTime(s);
  }
  let sum: number | undefined = label === 'Block time (syscall)' ? s.syscallBlockTime : undefined;
  for (const reason in s.blockTimeByReason) if (`Block time (${reason})` === label) sum = (sum ?? 0) + s.blockTimeByReason[reason];
  return sum;
}

const FIXED_LABELS = ['Execution time', 'Sched wait time', 'Syscall execution time', 'Block time (syscall)', 'Unknown time'];

/** The column order of go tool trace's breakdown tables: "Execution time" first, then by name. */
export function sortStatLabels(labels: Iterable<string>): string[] {
  return [...labels].sort((a, b) => {
    if (a === b) return 0;
    if (a === 'Execution time') return -1;
    if (b === 'Execution time') return 1;
    return compareStrings(a, b);
  });
}

/** Go's string order: bytewise on UTF-8, which is code-point order (JS's < compares UTF-16 units). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (a.length - i) - (b.length - j);
}
