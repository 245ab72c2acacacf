// Whether the served trace gets a timeline. Building it takes about 20 bytes of memory per byte
// of trace at its peak (183 MB → 3.6 GB, 534 MB → 10.1 GB, measured with the other analyses),
// far more than every other page together (~6 bytes per byte); a trace whose timeline would not
// fit in the machine's memory is served without one rather than killed part-way.

import type { TimelineMode } from './args.ts';

/** Peak bytes of memory per byte of trace while the timeline is built (measured, rounded up). */
export const TIMELINE_BYTES_PER_TRACE_BYTE = 20;
/** Share of the machine's memory the server may plan to use. */
const MEMORY_SHARE = 0.8;

/** Null to build the timeline, else why not (one line, for the status and the CLI). */
export function timelineRefusal(mode: TimelineMode, traceBytes: number, machineBytes: number): string | null {
  if (mode === 'on') return null;
  if (mode === 'off') return 'tstrace was run with -timeline=off';
  const needed = traceBytes * TIMELINE_BYTES_PER_TRACE_BYTE;
  if (needed <= machineBytes * MEMORY_SHARE) return null;
  const gb = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;
  return `for this ${gb(traceBytes)} trace it would need about ${gb(needed)} of this machine's ${gb(machineBytes)} of memory; every other page is complete (-timeline=on builds it anyway)`;
}
