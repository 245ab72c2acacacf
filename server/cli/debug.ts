// tstrace -d=MODE: go tool trace's debug dumps. `parsed` prints one line per event in the form
// of Go's Event.String() (the parser's formatter, format-agnostic); `footprint` counts events by kind (the parser does not expose wire
// sizes); `wire` needs raw batches, which the parser does not expose, so it says so.

import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseTrace, TraceTables, type ByteSource, type TraceEvent } from '../../parser/index.ts';
import { formatEventLikeGo } from '../../parser/v2/event-string.ts';
import type { DebugMode } from './args.ts';
import { CliError } from './trace-file.ts';

const kindNames = ['Bad', 'Sync', 'Metric', 'Label', 'StackSample', 'RangeBegin', 'RangeActive', 'RangeEnd',
  'TaskBegin', 'TaskEnd', 'RegionBegin', 'RegionEnd', 'Log', 'StateTransition', 'Experimental'];

/** Reads the file, pausing while `out` is backed up so a slow pipe does not fill memory. */
async function* throttledFile(path: string, out: Writable): ByteSource {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (out.writableNeedDrain) await once(out, 'drain');
    yield chunk as Uint8Array;
  }
}

export async function runDebugDump(mode: DebugMode, path: string, size: number, format: 'v1' | 'v2', out: Writable): Promise<void> {
  if (mode === 'wire') {
    throw new CliError('-d=wire is not supported: the parser does not expose raw wire batches (try -d=parsed or -d=footprint)');
  }
  const tables = new TraceTables();
  if (mode === 'parsed') {
    let pending = '';
    const flush = () => {
      if (pending) out.write(pending);
      pending = '';
    };
    const result = await parseTrace(throttledFile(path, out), {
      tables,
      totalBytes: size,
      onEvent: (ev) => {
        pending += formatEventLikeGo(ev, tables, format) + '\n';
        if (pending.length > 1 << 16) flush();
      },
    }).finally(flush);
    // go tool trace prints the events it could read, then the error, and exits 1.
    if (result.error !== null) throw new CliError(result.error);
    return;
  }
  // footprint: events by kind. go tool trace counts wire events and their encoded bytes; the
  // parser exposes neither, so this counts the parsed events (the -d=parsed stream) instead.
  const counts = new Map<string, number>();
  let total = 0;
  const result = await parseTrace(throttledFile(path, out), {
    tables,
    totalBytes: size,
    onEvent: (ev) => {
      const name = kindNames[ev.kind] ?? 'Bad';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      total++;
    },
  });
  const rows = [...counts].sort((a, b) => b[1] - a[1]);
  const width = Math.max(5, ...rows.map(([name]) => name.length)) + 2;
  const lines = [`${'Event'.padEnd(width)}Count       %`, `${'-'.padEnd(width)}-           -`];
  for (const [name, count] of rows) {
    lines.push(`${name.padEnd(width)}${String(count).padEnd(12)}${((count / total) * 100).toFixed(2)}%`);
  }
  lines.push('', `${result.events} events, ${result.generations} generation(s), ${size} bytes (${(size / Math.max(1, result.events)).toFixed(2)} bytes/event)`);
  lines.push(`interned: ${tables.framePC.length} frames, ${tables.stackCount - 1} stacks`);
  lines.push('(counts are of parsed events by kind; wire-level event sizes are not exposed by the parser)');
  out.write(lines.join('\n') + '\n');
}
