// tstrace: the command-line entry point. Everything it does lives in server/cli/; this file
// only connects that to the process (argv, stdio, signals, exit status).

import { rerunWithMallocThreshold, shouldRerunForMalloc } from './cli/malloc-tuning.ts';

if (shouldRerunForMalloc(process.env, process.platform)) {
  process.exit(await rerunWithMallocThreshold());
}

const { tuneV8 } = await import('./cli/v8-tuning.ts');
tuneV8();

// Loaded only now: the process that runs itself again above need not load them.
const { processIo } = await import('./cli/io.ts');
const { runCli, reportFailure } = await import('./cli/run.ts');

const io = processIo();

// A closed stdout (tstrace -d=parsed … | head) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  process.exit(reportFailure(err, io));
});
process.on('uncaughtException', (err) => process.exit(reportFailure(err, io)));
process.on('unhandledRejection', (err) => process.exit(reportFailure(err, io)));

const outcome = await runCli(process.argv.slice(2), io);
if ('exitCode' in outcome) {
  if (outcome.abandon) process.exit(outcome.exitCode);
  process.exitCode = outcome.exitCode;
} else {
  const { serving } = outcome;
  const stop = () => {
    void serving.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const failed = await serving.parsed;
  if (failed !== null) {
    await serving.close();
    process.exit(failed);
  }
}
