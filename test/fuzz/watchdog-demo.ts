// A parse that never returns, under the watchdog: run as a child process by fuzz-short.test.ts
// to show the watchdog saves the input and kills the process. Args: outDir, limit ms.
import { Watchdog } from './watchdog.ts';

const [outDir, limit] = process.argv.slice(2);
const dog = new Watchdog({ hardMs: Number(limit), rssCeiling: 8 * 2 ** 30, outDir, runSeed: 7, capacity: 1024 });
dog.begin(41, new TextEncoder().encode('go 1.26 trace\0\0\0stuck'), 5);
const until = Date.now() + 20_000;
while (Date.now() < until) { /* a runaway loop: only the watchdog can end it */ }
process.stdout.write('not killed\n');
