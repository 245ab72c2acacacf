// Go's Event.String() (internal/trace/event.go) for our TraceEvent: the text
// `go tool trace -d=parsed` prints, one event per call. Used to compare our ordered stream
// with Go's line by line, and handy for debugging. Format-agnostic (works for v1 events too).

import { EventKind, ResourceKind, eventKindNames, goStateNames, procStateNames, type TraceEvent } from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import { Ev } from './specs.ts';

const U64 = 2n ** 64n;
/** Prints an id Go holds as uint64 (TaskID): our -1 is ^uint64(0). */
const u64 = (n: number) => (n < 0 ? (BigInt(n) + U64).toString() : String(n));

/** strconv.Quote for the strings traces carry. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c === 0xfffd) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

const resourceKindNames = ['None', 'Goroutine', 'Proc', 'Thread'];
const resource = (kind: ResourceKind, id: number) => (kind === ResourceKind.None ? 'None' : `${resourceKindNames[kind] ?? 'Bad'}(${id})`);
const value = (v: unknown) => (typeof v === 'string' ? v : `Value{Uint64(${v})}`);

function stackText(tables: TraceTables, id: number, prefix: string): string {
  let out = '';
  for (const f of tables.frames(id)) out += `${prefix}${f.func} @ 0x${f.pc.toString(16)}\n${prefix}\t${f.file}:${f.line}\n`;
  return out;
}

/** RFC3339Nano in UTC, as Go's time.Format prints it (trailing zeros of the fraction dropped). */
function rfc3339Nano(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const base = d.toISOString().slice(0, 19);
  const frac = nsec === 0 ? '' : '.' + String(nsec).padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac}Z`;
}

/**
 * The text Go's Event.String() produces for this event (go tool trace -d=parsed adds a newline).
 * `format` says how to read ev.wireType: only v2 wire types mark the GoCreate transitions whose
 * empty stack Go still prints; v1 events carry v1 type numbers, which must not be mistaken for them.
 */
export function formatEventLikeGo(ev: TraceEvent, tables: TraceTables, format: 'v1' | 'v2' = 'v2'): string {
  let s = `M=${ev.m} P=${ev.p} G=${ev.g} ${eventKindNames[ev.kind] === 'Invalid' ? 'Bad' : eventKindNames[ev.kind]} Time=${ev.time}`;
  switch (ev.kind) {
    case EventKind.Metric:
      s += ` Name=${goQuote(ev.name)} Value=${value(ev.value)}`;
      break;
    case EventKind.Label:
      s += ` Label=${goQuote(ev.name)} Resource=${resource(ev.resourceKind, ev.resourceId)}`;
      break;
    case EventKind.RangeBegin:
    case EventKind.RangeActive:
    case EventKind.RangeEnd:
      s += ` Name=${goQuote(ev.name)} Scope=${resource(ev.resourceKind, ev.resourceId)}`;
      if (ev.kind === EventKind.RangeEnd) {
        s += ` Attributes=[${(ev.rangeAttributes ?? []).map((a) => `${goQuote(a.name)}=${value(a.value)}`).join(' ')}]`;
      }
      break;
    case EventKind.TaskBegin:
    case EventKind.TaskEnd:
      s += ` ID=${u64(ev.taskId)} Parent=${u64(ev.parentTaskId)} Type=${goQuote(ev.name)}`;
      break;
    case EventKind.RegionBegin:
    case EventKind.RegionEnd:
      s += ` Task=${u64(ev.taskId)} Type=${goQuote(ev.name)}`;
      break;
    case EventKind.Log:
      s += ` Task=${u64(ev.taskId)} Category=${goQuote(ev.category)} Message=${goQuote(ev.message)}`;
      break;
    case EventKind.StateTransition: {
      const names: readonly string[] = ev.resourceKind === ResourceKind.Goroutine ? goStateNames : procStateNames;
      const label = ev.resourceKind === ResourceKind.Goroutine ? 'GoID' : 'ProcID';
      if (ev.resourceKind === ResourceKind.Goroutine || ev.resourceKind === ResourceKind.Proc) {
        s += ` ${label}=${ev.resourceId} ${names[ev.oldState] ?? 'Bad'}->${names[ev.newState] ?? 'Bad'}`;
      }
      s += ` Reason=${goQuote(ev.reason)}`;
      // Go's GoCreate transition carries a stack handle even when its id is 0.
      const creates = format === 'v2' && (ev.wireType === Ev.GoCreate || ev.wireType === Ev.GoCreateBlocked);
      if (ev.transitionStack !== 0 || creates) s += `\nTransitionStack=\n${stackText(tables, ev.transitionStack, '\t')}`;
      break;
    }
    case EventKind.Experimental:
      s += ` Name=${ev.name} Args=[${ev.args.map((a, i) => `${a}=${value(ev.argValues[i])}`).join(', ')}]`;
      break;
    case EventKind.Sync:
      s += ` N=${ev.syncN}`;
      if (ev.clockSnapshot) {
        const c = ev.clockSnapshot;
        s += ` Trace=${c.trace} Mono=${c.mono} Wall=${rfc3339Nano(c.wallSec, c.wallNsec)}`;
      }
      break;
  }
  if (ev.stack !== 0) s += `\nStack=\n${stackText(tables, ev.stack, '\t')}`;
  return s;
}
