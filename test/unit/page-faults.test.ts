// Arrays the pass reads before it writes: their pages must already be written, or each costs two
// page faults and a TLB flush on every CPU (typed-arrays.ts writtenZeros). Counted with this
// thread's minor faults from /proc (Linux only): each check also runs the pattern it guards
// against, to show the count sees the difference.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writtenZeros } from '../../parser/model/typed-arrays.ts';
import { GoroutineRecords, VIEW_SLOT } from '../../parser/model/timeline-goroutines.ts';

/** This thread's minor page faults so far, or null off Linux. */
function minorFaults(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return null;
  }
}

/** Minor faults `run` takes on this thread. */
function faultsOf(run: () => void): number {
  const before = minorFaults()!;
  run();
  return minorFaults()! - before;
}

/** Counts then a prefix sum in place, as buildSliceColumns lays out tracks: every value read, then written. */
function prefixSum(a: Uint32Array): void {
  for (let i = 0; i + 1 < a.length; i += 97) a[i + 1] += 1;
  for (let i = 0; i + 1 < a.length; i++) a[i + 1] += a[i];
}

// Well above glibc's mmap threshold, so the arrays are fresh pages from the OS.
const VALUES = 16 << 20;
const PAGES = (VALUES * 4) / 4096;

describe.runIf(minorFaults() !== null)('page faults of read-before-write arrays', () => {
  it('writtenZeros: a prefix sum over it faults no page; over a plain new array, every page', () => {
    const written = writtenZeros(Uint32Array, VALUES);
    expect(written.every((v) => v === 0)).toBe(true);
    expect(faultsOf(() => prefixSum(written))).toBeLessThan(PAGES / 20);
    const plain = new Uint32Array(VALUES);
    expect(faultsOf(() => prefixSum(plain))).toBeGreaterThan(PAGES);
    let same = true;
    for (let i = 0; i < VALUES; i++) if (written[i] !== plain[i]) same = false;
    expect(same).toBe(true);
  });

  it('GoroutineRecords.add writes every page a record touches', () => {
    const records = new GoroutineRecords();
    const rows = 1 << 21;
    for (let r = 0; r < rows; r++) records.add();
    // The views' first touch of a record: read its slot, then set it.
    const touched = faultsOf(() => {
      const data = records.data;
      for (let r = 0; r < rows; r++) {
        const at = GoroutineRecords.at(r, VIEW_SLOT);
        if (data[at] === 0) data[at] = r + 1;
      }
    });
    expect(touched).toBeLessThan((rows * 32) / 4096 / 20);
    // The same walk past the last record, over capacity nothing wrote: pages fault (twice).
    const spare = records.data.length - (rows << 3);
    expect(spare).toBeGreaterThan(rows << 3);
    const untouched = faultsOf(() => {
      const data = records.data;
      for (let r = rows; r < rows * 2; r++) {
        const at = GoroutineRecords.at(r, VIEW_SLOT);
        if (data[at] === 0) data[at] = r + 1;
      }
    });
    expect(untouched).toBeGreaterThan((rows * 32) / 4096);
  });
});
