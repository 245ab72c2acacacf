// Dispatches a parsed command line to its command and turns every failure into one line on
// stderr and an exit status — never a JavaScript stack trace.

import packageJson from '../../package.json' with { type: 'json' };
import { parseCliArgs, usageText, UsageError } from './args.ts';
import { checkTraceFile, CliError } from './trace-file.ts';
import { resolveTraceSource } from './capture-source.ts';
import type { RunningServer } from './serve.ts';
import type { CliIo } from './io.ts';

// The commands are loaded on demand: --help and argument errors should not wait for Fastify
// and the parser to load.

/** `abandon`: work is still running that must not hold the process (leave with process.exit). */
export type CliOutcome = { exitCode: number; abandon?: boolean } | { serving: RunningServer };

export async function runCli(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  try {
    const command = parseCliArgs(argv);
    switch (command.command) {
      case 'help':
        io.out(usageText);
        return { exitCode: 0 };
      case 'version':
        io.out(`tstrace ${packageJson.version}\n`);
        return { exitCode: 0 };
      case 'pprof': {
        command.traceFile = await resolveTraceSource(command.traceFile, command.seconds, io);
        const file = checkTraceFile(command.traceFile);
        const { writePprof } = await import('./pprof.ts');
        await writePprof(command.kind, command.traceFile, file.size, io);
        return { exitCode: 0 };
      }
      case 'debug': {
        command.traceFile = await resolveTraceSource(command.traceFile, command.seconds, io);
        const file = checkTraceFile(command.traceFile);
        const { runDebugDump } = await import('./debug.ts');
        await runDebugDump(command.mode, command.traceFile, file.size, file.header.format, io.stdout);
        return { exitCode: 0 };
      }
      case 'serve': {
        command.traceFile = await resolveTraceSource(command.traceFile, command.seconds, io);
        const file = checkTraceFile(command.traceFile);
        const { startServer } = await import('./serve.ts');
        try {
          return { serving: await startServer({ ...command, traceBytes: file.size, traceFormat: file.header.format }, io) };
        } catch (err) {
          // The parse began before the server failed to start (the port was taken): do not wait for it.
          return { exitCode: reportFailure(err, io), abandon: true };
        }
      }
    }
  } catch (err) {
    return { exitCode: reportFailure(err, io) };
  }
}

/** Prints a failure as one line and returns the exit status for it. */
export function reportFailure(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.log(`tstrace: ${err.message}`);
    if (err.exitCode === 2) io.log("Run 'tstrace --help' for usage.");
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  const expected = err instanceof CliError || (err instanceof Error && err.name === 'TraceParseError');
  io.log(`tstrace: ${expected ? '' : 'internal error: '}${message.split('\n')[0]}`);
  return 1;
}
