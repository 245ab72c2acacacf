// tstrace -d=MODE: go tool trace's debug dumps. `parsed` prints one line per event in the form
// of Go's Event.String(); `footprint` counts events by kind (the parser does not expose wire
// sizes); `wire` needs raw batches, which the parser does not expose, so it says so.

import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseTrace, TraceTables, type ByteSource, type TraceEvent } from '../../parser/index.ts';
import { EventKind, GoState, ProcState, ResourceKind, type StackID } from '../../parser/model/event.ts';
import type { DebugMode } from './args.ts';
import { CliError } from './trace-file.ts';
import { goQuote, goTaskId } from './go-format.ts';

const kindNames = ['Bad', 'Sync', 'Metric', 'Label', 'StackSample', 'RangeBegin', 'RangeActive', 'RangeEnd',
  'TaskBegin', 'TaskEnd', 'RegionBegin', 'RegionEnd', 'Log', 'StateTransition', 'Experimental'];
const resourceKindNames = ['None', 'Goroutine', 'Proc', 'Thread'];
const goStateNames: Record<number, string> = {
  [GoState.Undetermined]: 'Undetermined', [GoState.NotExist]: 'NotExist', [GoState.Runnable]: 'Runnable',
  [GoState.Running]: 'Running', [GoState.Waiting]: 'Waiting', [GoState.Syscall]: 'Syscall',
};
const procStateNames: Record<number, string> = {
  [ProcState.Undetermined]: 'Undetermined', [ProcState.NotExist]: 'NotExist', [ProcState.Running]: 'Running',
  [ProcState.Idle]: 'Idle',
};

/** Go's Value.String(): strings print raw, uint64 as Value{Uint64(n)}. */
function goValue(value: number | bigint | string): string {
  return typeof value === 'string' ? value : `Value{Uint64(${value})}`;
}

function goResource(kind: ResourceKind, id: number): string {
  const name = resourceKindNames[kind] ?? 'Bad';
  return kind === ResourceKind.None ? name : `${name}(${id})`;
}

/** time.RFC3339Nano of a wall-clock snapshot, in UTC (Go prints the local zone). */
function rfc3339Nano(sec: number, nsec: number): string {
  const base = new Date(sec * 1000).toISOString().slice(0, 19);
  const fraction = nsec > 0 ? `.${String(nsec).padStart(9, '0').replace(/0+$/, '')}` : '';
  return `${base}${fraction}Z`;
}

function printStack(tables: TraceTables, stack: StackID): string {
  let out = '';
  for (const frame of tables.frames(stack)) {
    out += `\t${frame.func} @ 0x${frame.pc.toString(16)}\n\t\t${frame.file}:${frame.line}\n`;
  }
  return out;
}

/** One event as Go's Event.String() prints it (without the trailing newline Println adds). */
export function formatEventLikeGo(ev: TraceEvent, tables: TraceTables): string {
  let s = `M=${ev.m} P=${ev.p} G=${ev.g} ${kindNames[ev.kind] ?? 'Bad'} Time=${ev.time}`;
  switch (ev.kind) {
    case EventKind.Metric:
      s += ` Name=${goQuote(ev.name)} Value=${goValue(ev.value)}`;
      break;
    case EventKind.Label:
      s += ` Label=${goQuote(ev.name)} Resource=${goResource(ev.resourceKind, ev.resourceId)}`;
      break;
    case EventKind.RangeBegin:
    case EventKind.RangeActive:
    case EventKind.RangeEnd:
      s += ` Name=${goQuote(ev.name)} Scope=${goResource(ev.resourceKind, ev.resourceId)}`;
      if (ev.kind === EventKind.RangeEnd) {
        s += ` Attributes=[${(ev.rangeAttributes ?? []).map((a) => `${goQuote(a.name)}=${goValue(a.value)}`).join(' ')}]`;
      }
      break;
    case EventKind.TaskBegin:
    case EventKind.TaskEnd:
      s += ` ID=${goTaskId(ev.taskId)} Parent=${goTaskId(ev.parentTaskId)} Type=${goQuote(ev.name)}`;
      break;
    case EventKind.RegionBegin:
    case EventKind.RegionEnd:
      s += ` Task=${goTaskId(ev.taskId)} Type=${goQuote(ev.name)}`;
      break;
    case EventKind.Log:
      s += ` Task=${goTaskId(ev.taskId)} Category=${goQuote(ev.category)} Message=${goQuote(ev.message)}`;
      break;
    case EventKind.StateTransition:
      if (ev.resourceKind === ResourceKind.Goroutine) {
        s += ` GoID=${ev.resourceId} ${goStateNames[ev.oldState] ?? 'Bad'}->${goStateNames[ev.newState] ?? 'Bad'}`;
      } else if (ev.resourceKind === ResourceKind.Proc) {
        s += ` ProcID=${ev.resourceId} ${procStateNames[ev.oldState] ?? 'Bad'}->${procStateNames[ev.newState] ?? 'Bad'}`;
      }
      s += ` Reason=${goQuote(ev.reason)}`;
      if (ev.transitionStack !== 0) s += `\nTransitionStack=\n${printStack(tables, ev.transitionStack)}`;
      break;
    case EventKind.Experimental:
      s += ` Name=${ev.name} Args=[${ev.args.map((arg, i) => `${arg}=${goValue(ev.argValues[i] ?? 0)}`).join(', ')}]`;
      break;
    case EventKind.Sync:
      s += ` N=${ev.syncN}`;
      if (ev.clockSnapshot) {
        const c = ev.clockSnapshot;
        s += ` Trace=${c.trace} Mono=${c.mono} Wall=${rfc3339Nano(c.wallSec, c.wallNsec)}`;
      }
      break;
  }
  if (ev.stack !== 0) s += `\nStack=\n${printStack(tables, ev.stack)}`;
  return s;
}

/** Reads the file, pausing while `out` is backed up so a slow pipe does not fill memory. */
async function* throttledFile(path: string, out: Writable): ByteSource {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (out.writableNeedDrain) await once(out, 'drain');
    yield chunk as Uint8Array;
  }
}

export async function runDebugDump(mode: DebugMode, path: string, size: number, out: Writable): Promise<void> {
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
        pending += formatEventLikeGo(ev, tables) + '\n';
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
