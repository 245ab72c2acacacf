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
//
// Only on the V8 lines where that was measured (Node 20: V8 11.3, Node 22: V8 12.4; on the 24 MB
// trace, finish 0.83–1.04 s against 1.02–1.19 s). From V8 13 (Node 24 and 26) the same flag makes
// those loops run 4× slower (finish 4.0–4.4 s against 1.0–1.1 s; 40 s for a 20 s load of the
// 183 MB trace), so there V8's default stays.

import { setFlagsFromString } from 'node:v8';

const SYNCHRONOUS_OSR_FLAGS: readonly string[] = ['--no-concurrent-osr'];

/** V8's major version from a version string such as process.versions.v8 ("11.3.244.8-node.33"). */
function v8Major(version: string): number {
  return Number.parseInt(version, 10);
}

/** The flags to set on the V8 of version `version` (empty where none is known to help). */
export function v8FlagsFor(version: string): readonly string[] {
  const major = v8Major(version);
  return major === 11 || major === 12 ? SYNCHRONOUS_OSR_FLAGS : [];
}

export function tuneV8(version = process.versions.v8): void {
  for (const flag of v8FlagsFor(version)) setFlagsFromString(flag);
}
