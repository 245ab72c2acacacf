// Parse throughput of the ordered event stream on one core.
// Usage: npx tsx scripts/bench-parse.ts <trace> [runs=3]
// Prints MB/s and events/s per run (the parse only: events go to a sink that reads one field).

import { statSync } from 'node:fs';
import { parseTraceFile } from '../parser/index.ts';

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: npx tsx scripts/bench-parse.ts <trace> [runs]');
    process.exit(2);
  }
  const runs = Number(process.argv[3] ?? 3);
  const size = statSync(path).size;
  for (let run = 1; run <= runs; run++) {
    let checksum = 0;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const result = await parseTraceFile(path, { onEvent: (ev) => { checksum += ev.kind; } });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    // On a shared machine wall time is noisy; CPU time (this process, all threads) is the cost.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const mb = size / 1e6;
    console.log(
      `run ${run}: ${result.version}, ${mb.toFixed(1)} MB, ${result.events.toLocaleString('en-US')} events, ` +
      `${result.generations} generations in ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU: ` +
      `${(mb / seconds).toFixed(1)} MB/s, ${(result.events / seconds / 1e6).toFixed(2)} M events/s wall; ` +
      `${(mb / cpuSeconds).toFixed(1)} MB/s, ${(result.events / cpuSeconds / 1e6).toFixed(2)} M events/s per CPU-second; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB` +
      (result.error ? ` (error: ${result.error})` : '') + ` [checksum ${checksum}]`,
    );
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
