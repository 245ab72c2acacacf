// glibc's malloc raises its mmap threshold each time a large block is freed (up to 32 MB), after
// which the big typed arrays of a large trace come from the heap, where freed ones are kept rather
// than returned: building the timeline of a 183 MB trace peaked at 4.8 GB of RSS, 3.7 GB with the
// threshold fixed at its default of 128 KiB. glibc reads the setting only at start-up, so on Linux
// the CLI runs itself once more with it set (the variable also marks the second run).

import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export const MALLOC_THRESHOLD_VARIABLE = 'MALLOC_MMAP_THRESHOLD_';
const THRESHOLD_BYTES = String(128 * 1024);

/** Whether to run again with the threshold fixed: on Linux (glibc; musl ignores it), once. */
export function shouldRerunForMalloc(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  return platform === 'linux' && env[MALLOC_THRESHOLD_VARIABLE] === undefined;
}

/**
 * Runs this same command as a child process with the threshold fixed, sharing stdio, and
 * resolves with the exit status to leave with. Ctrl-C reaches the child from the terminal; a
 * signal sent to this process alone is passed on as SIGTERM, which the CLI handles like Ctrl-C.
 */
export function rerunWithMallocThreshold(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [MALLOC_THRESHOLD_VARIABLE]: THRESHOLD_BYTES },
  });
  const passOn = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, passOn);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`tstrace: cannot start: ${err.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
