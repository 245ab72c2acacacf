// A full garbage collection on request. Dropping a timeline part's model frees gigabytes, but V8
// collects when its own heap asks: the model is typed arrays (memory outside the JS heap), and the
// main thread allocates little while the next part is built, so on the 1.3 GB bench trace the old
// model stayed ~8 s into the new part's build (RSS 13.7 → 15.2 GB before it went). Collecting
// right after dropping it gives that memory back before the build needs it. What still uses the
// old model (an export being streamed) keeps it, as it should.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

export function collectGarbage(): void {
  if (gc === null) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      // Without --expose-gc at start-up: set it now, and take gc() from a context made after.
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}
