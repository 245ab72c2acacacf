// Thread priorities for the parse. On two cores the served pass is CPU-bound and the timeline's
// thread is its critical path, yet the scheduler shares the cores evenly between it, the main
// thread and the decoder. A decoder that yields (nice +5) runs when the readers wait for blocks
// instead of beside them: on the 183 MB trace, wall per CPU-second of the whole load fell 4%
// (nice +10 and +19 gained less; the main thread's nice, kept for the session, added little).
// Linux keeps a nice value per thread, and an unprivileged thread can raise its own but never
// lower it back, so only a thread that ends with the parse is lowered.

import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much the threads that feed or sit beside the timeline's thread yield to it. */
export const YIELDING_NICENESS = 5;

/** This thread's id (Linux: /proc/thread-self → "<pid>/task/<tid>"), or null elsewhere. */
function threadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Lowers the calling thread's scheduling priority by `by` nice steps (Linux only; elsewhere, or
 * if the system refuses, nothing happens: priority is a speed-up, never a requirement).
 */
export function lowerThisThreadPriority(by: number): void {
  if (process.platform !== 'linux' || by <= 0) return;
  const tid = threadId();
  if (tid === null) return;
  try {
    setPriority(tid, Math.min(19, getPriority(tid) + by));
  } catch {
    // Not permitted or not supported: run at the priority we have.
  }
}
