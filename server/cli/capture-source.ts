// `tstrace URL`: when the argument names a live service rather than an existing file, capture
// the trace first (saved in the current directory, path printed), then open the saved file
// exactly as if the user had named it.

import { existsSync } from 'node:fs';
import { captureTrace, looksLikeCaptureTarget, parseCaptureTarget, CaptureError } from '../capture.ts';
import { CliError } from './trace-file.ts';
import type { CliIo } from './io.ts';

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Returns the path of the trace to open: the argument itself, or the file a capture saved. */
export async function resolveTraceSource(arg: string, seconds: number, io: CliIo, outDir?: string): Promise<string> {
  if (existsSync(arg) || !looksLikeCaptureTarget(arg)) return arg;
  try {
    const target = parseCaptureTarget(arg, seconds);
    io.log(`Capturing ${target.seconds} s of execution trace from ${target.url.href} ...`);
    let lastLine = 0;
    const { path, bytes } = await captureTrace(target, {
      outDir,
      onProgress: ({ elapsedMs, seconds: total, bytes: received }) => {
        // One line a second on a pipe; a live line on a terminal.
        if (io.stderrIsTty) io.err(`\r${(elapsedMs / 1000).toFixed(1)} of ${total} s, ${megabytes(received)} received   `);
        else if (elapsedMs - lastLine >= 1000) {
          lastLine = elapsedMs;
          io.log(`${(elapsedMs / 1000).toFixed(1)} of ${total} s, ${megabytes(received)} received`);
        }
      },
    });
    if (io.stderrIsTty) io.err('\n');
    io.log(`Saved ${megabytes(bytes)} trace to ${path}`);
    return path;
  } catch (err) {
    if (io.stderrIsTty) io.err('\n');
    if (err instanceof CaptureError) throw new CliError(err.message);
    throw err;
  }
}
