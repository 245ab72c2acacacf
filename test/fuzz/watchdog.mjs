// The fuzzer's watchdog, a worker thread (plain JS: it must start without the TypeScript
// loader). The fuzzing thread copies each input into shared memory before parsing it; a parse
// that never returns cannot be interrupted from inside, so this thread watches the clock and
// the process's resident memory, and when either limit is passed it saves the input under
// `outDir`, says so on stderr, and kills the process (which also stops the runaway parse).
import { mkdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';

const { shared, hardMs, rssCeiling, outDir, runSeed, pollMs } = workerData;
// Layout (see watchdog.ts): Int32 [busy, index, length, chunkSize], Float64 [startedAtMs], bytes.
const ints = new Int32Array(shared, 0, 4);
const times = new Float64Array(shared, 16, 1);
const data = new Uint8Array(shared, 24);

function dump(reason, detail) {
  const index = Atomics.load(ints, 1);
  const length = Math.min(Atomics.load(ints, 2), data.length);
  const stem = `${reason}-seed${runSeed}-input${index}`;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${stem}.trace`), data.slice(0, length));
  writeFileSync(join(outDir, `${stem}.json`), JSON.stringify({ reason, detail, runSeed, index, chunkSize: Atomics.load(ints, 3) }, null, 2) + '\n');
  // fd 2 directly: a worker's process.stderr goes through the (busy) main thread.
  writeSync(2, `fuzz watchdog: input ${index} of seed ${runSeed}: ${detail}; saved ${join(outDir, stem)}.trace; killing the run\n`);
  process.kill(process.pid, 'SIGKILL');
}

setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > rssCeiling) dump('memory', `resident memory ${(rss / 2 ** 20).toFixed(0)} MiB over the ${(rssCeiling / 2 ** 20).toFixed(0)} MiB ceiling`);
  if (Atomics.load(ints, 0) === 1) {
    const elapsed = Date.now() - times[0];
    if (elapsed > hardMs) dump('hang', `still parsing after ${(elapsed / 1000).toFixed(1)} s (limit ${hardMs / 1000} s)`);
  }
}, pollMs);
