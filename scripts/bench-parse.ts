// Parse throughput of the ordered event stream, in one thread and with the decode worker.
// Usage: npx tsx scripts/bench-parse.ts <trace> [runs=3] [--mode=both|thread|worker]
// (npm run bench bundles this file first: under tsx the parser runs ~2.5x slower than built.)
// Prints MB/s and events/s per run, by wall time and by CPU time (all threads of the process):
// the parse only, events go to a sink that reads one field.

import { statSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { parseTraceFile } from '../parser/index.ts';

async function main(): Promise<void> {
  const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const mode = /^--mode=(\w+)$/.exec(process.argv.find((a) => a.startsWith('--mode=')) ?? '')?.[1] ?? 'both';
  const path = positional[0];
  if (!path || !['both', 'thread', 'worker'].includes(mode)) {
    console.error('usage: npx tsx scripts/bench-parse.ts <trace> [runs] [--mode=both|thread|worker]');
    process.exit(2);
  }
  const runs = Number(positional[1] ?? 3);
  const size = statSync(path).size;
  const modes = mode === 'both' ? [false, true] : [mode === 'worker'];
  for (const worker of modes) {
    for (let run = 1; run <= runs; run++) {
      let checksum = 0;
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      const result = await parseTraceFile(path, { worker, onEvent: (ev) => { checksum += ev.kind; } });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = process.cpuUsage(cpuStart);
      // On a shared machine wall time is noisy; CPU time (this process, all threads) is the cost.
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const mb = size / 1e6;
      console.log(
        `${worker ? 'worker' : 'thread'} run ${run}: ${result.version}, ${mb.toFixed(1)} MB, ${result.events.toLocaleString('en-US')} events, ` +
        `${result.generations} generations in ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU: ` +
        `${(mb / seconds).toFixed(1)} MB/s, ${(result.events / seconds / 1e6).toFixed(2)} M events/s wall; ` +
        `${(mb / cpuSeconds).toFixed(1)} MB/s, ${(result.events / cpuSeconds / 1e6).toFixed(2)} M events/s per CPU-second; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB` +
        (result.error ? ` (error: ${result.error})` : '') + ` [checksum ${checksum}]`,
      );
    }
  }
}

// Bundled, this file is also what the decode worker loads (it starts workers on its own module).
if (isMainThread) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
