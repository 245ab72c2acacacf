// Checks the trace file before any work starts, so a wrong path or a foreign file is one line
// on stderr (go tool trace's wording where it has one) rather than a server with nothing to show.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { HEADER_PROBE, parseHeader, type TraceHeader } from '../../parser/wire/header.ts';

/** A failure to report as one line and exit 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

const reasons: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code && reasons[code]) ?? (err as Error).message;
}

export interface CheckedTraceFile {
  size: number;
  header: TraceHeader;
}

export function checkTraceFile(path: string): CheckedTraceFile {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new CliError(`failed to read trace file: ${path} is a directory`);
    size = st.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`failed to read trace file: open ${path}: ${describe(err)}`);
  }
  const head = new Uint8Array(HEADER_PROBE);
  let filled = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      filled = readSync(fd, head, 0, HEADER_PROBE, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new CliError(`failed to read trace file: open ${path}: ${describe(err)}`);
  }
  if (filled === 0) throw new CliError(`failed to read trace file: ${path} is empty, not a Go execution trace`);
  try {
    return { size, header: parseHeader(head.subarray(0, filled)) };
  } catch (err) {
    throw new CliError(`${path}: ${(err as Error).message}`);
  }
}
