// What the CLI commands may touch of the process, passed in so tests can capture it.

import type { Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable;
  /** Writes text to stdout. */
  out(text: string): void;
  /** Writes text to stderr as is. */
  err(text: string): void;
  /** Writes one line to stderr. */
  log(line: string): void;
  stderrIsTty: boolean;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    log: (line) => void process.stderr.write(`${line}\n`),
    stderrIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}
