// V8 flags the CLI sets for itself before it starts any worker (V8's flags are process-wide, so
// the decoder, the timeline's thread and its finish helper get them too).
//
// Synchronous on-stack replacement: finishing a big trace's timeline is a run of one-shot loops
// over millions of values (sorts, gathers, pyramids), each entered once, in the interpreter. With
// concurrent OSR the loop goes on being interpreted until its optimised code is compiled on a
// background thread, and on a machine whose cores are all busy that thread waits its turn. On the
// 183 MB bench trace the timeline's finish took 3.84 s of CPU instead of 4.06 s (mean of 5
// alternating runs, lower in all 5); whole loads were unchanged on a calm machine and up to 3 s
// sooner on a loaded one.

import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS: readonly string[] = ['--no-concurrent-osr'];

export function tuneV8(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
