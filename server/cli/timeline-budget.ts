// How much of the served trace gets a timeline. Building it takes about 20 bytes of memory per
// byte of trace at its peak (183 MB → 3.6 GB, 534 MB → 10.1 GB, measured with the other
// analyses; 23 with its finish split across two threads), far more than every other page
// together (~7 bytes per byte: 183 MB → 1.2 GB, 1.3 GB → 8.3 GB). A trace whose whole timeline
// would not fit in the machine's memory gets the timeline of its first part — whole
// generations, as many as fit, go tool trace's way of splitting a big trace — while every other
// page still covers all of it; the others are built on request (server/timeline-parts.ts).

import type { TimelineMode } from './args.ts';

/** Peak bytes of memory per byte of trace while the timeline is built (measured, rounded up). */
export const TIMELINE_BYTES_PER_TRACE_BYTE = 20;
/**
 * More at the peak when a whole timeline's finish is split across two threads (both halves'
 * temporaries at once: 183 MB → +0.6 GB). A first part finishes on one thread (the parser's rule).
 */
export const SPLIT_FINISH_BYTES_PER_TRACE_BYTE = 3;
/** Peak bytes per byte of trace of the pages other than the timeline (measured, rounded up). */
export const PAGES_BYTES_PER_TRACE_BYTE = 7;
/** Share of the machine's memory the server may plan to use. */
const MEMORY_SHARE = 0.8;
/** A first part smaller than this is not worth a timeline (a few hundred ms of a busy trace). */
const MIN_FIRST_PART_BYTES = 32 << 20;

export type TimelinePlan =
  | { build: 'whole' }
  /** The timeline of the generations within the file's first `byteLimit` bytes; `why` says why only those. */
  | { build: 'first part'; byteLimit: number; why: string }
  | { build: 'none'; why: string };

const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;

/**
 * What to build for a trace of `traceBytes` on a machine of `machineBytes`; `canCut`: whether the
 * parser can stop the timeline at a generation (v2 traces read with the decode worker).
 */
export function planTimeline(mode: TimelineMode, traceBytes: number, machineBytes: number, canCut: boolean): TimelinePlan {
  if (mode === 'on') return { build: 'whole' };
  if (mode === 'off') return { build: 'none', why: 'tstrace was run with -timeline=off' };
  const budget = machineBytes * MEMORY_SHARE;
  const needed = traceBytes * (TIMELINE_BYTES_PER_TRACE_BYTE + SPLIT_FINISH_BYTES_PER_TRACE_BYTE);
  if (needed <= budget) return { build: 'whole' };
  const tooBig = `for this ${gib(traceBytes)} trace the whole timeline would need about ${gib(needed)} of this machine's ${gib(machineBytes)} of memory`;
  const room = budget - traceBytes * PAGES_BYTES_PER_TRACE_BYTE;
  const byteLimit = Math.floor(room / (TIMELINE_BYTES_PER_TRACE_BYTE - PAGES_BYTES_PER_TRACE_BYTE));
  if (!canCut || byteLimit < MIN_FIRST_PART_BYTES) {
    return { build: 'none', why: `${tooBig}; every other page is complete (-timeline=on builds it anyway)` };
  }
  return { build: 'first part', byteLimit, why: `${tooBig}; every other page covers the whole trace (-timeline=on builds it whole)` };
}
