// Helpers for the v1 reader's golden tests: our event stream printed the way
// `go tool trace -d=parsed` prints Go's (Go's Event.String, internal/trace/event.go), a comparison with Go's output
// that tolerates only what go tool trace itself varies between runs, and the counts of
// fixtures/golden/*/parsed-counts.json computed from our events.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseTraceBytes, TraceTables, type ParseResult } from '../../parser/index.ts';
import type { TraceEvent } from '../../parser/model/event.ts';
import { formatEventLikeGo } from '../../parser/v2/event-string.ts';
import { EventCounter, type ParsedCounts } from '../helpers/parsed-counts.ts';

export type { ParsedCounts };

export const goTool = '/usr/lib/go-1.27/bin/go';
export const haveGo = existsSync(goTool);

/** Go's Event.String(): the same formatter `tstrace -d=parsed` uses, for either format. */
export const formatLikeGo = (ev: TraceEvent, tables: TraceTables): string => formatEventLikeGo(ev, tables, 'v1');

/**
 * `go tool trace -d=parsed` of a file: its stdout, and its stderr when it failed. Asynchronous,
 * so the test worker's event loop keeps answering while Go runs.
 */
export function goParsed(path: string): Promise<{ text: string; error: string | null }> {
  return new Promise((resolve) => {
    execFile(goTool, ['tool', 'trace', '-d=parsed', path], {
      env: { ...process.env, GOROOT: '/usr/lib/go-1.27', GOTOOLCHAIN: 'local' },
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    }, (err, stdout, stderr) => resolve({ text: stdout, error: err ? stderr.trim() : null }));
  });
}

export interface OurParse {
  text: string;
  result: ParseResult;
  counts: ParsedCounts;
}

/** Our reader's stream in Go's Event.String() form, with the counts golden files hold. */
export async function ourParsed(bytes: Uint8Array, chunkSize?: number): Promise<OurParse> {
  const tables = new TraceTables();
  const lines: string[] = [];
  const counter = new EventCounter();
  const result = await parseTraceBytes(bytes, {
    tables,
    chunkSize,
    onEvent: (ev) => {
      lines.push(formatLikeGo(ev, tables));
      counter.add(ev);
    },
  });
  return { text: lines.length ? lines.join('\n') + '\n' : '', result, counts: counter.counts };
}

/** One printed event: its time and the rest of its text (first line without the time, stacks). */
interface PrintedEvent {
  time: number;
  body: string;
}

/**
 * Splits -d=parsed text into events. Go prints an empty "TransitionStack=" for a GoCreate
 * whose new stack id is 0, and an empty "Stack=" for a CPU sample without one, where our
 * printer prints nothing (our model has no "empty but present" stack): those are dropped.
 */
function splitEvents(text: string): PrintedEvent[] {
  const out: PrintedEvent[] = [];
  const blocks = text.split(/\n(?=M=-?\d+ P=-?\d+ G=-?\d+ )/);
  for (const raw of blocks) {
    const block = raw.trimEnd().replace(/\nTransitionStack=\n(?=\nStack=)/, '').replace(/\n(Transition)?Stack=$/, '');
    if (!block) continue;
    const m = /^(M=\S+ P=\S+ G=\S+ \w+) Time=(-?\d+)/.exec(block);
    if (!m) throw new Error(`not an event: ${block.slice(0, 80)}`);
    out.push({ time: Number(m[2]), body: m[1] + block.slice(m[0].length) });
  }
  return out;
}

/**
 * Compares our -d=parsed text with Go's. Times must match event for event. Events must match
 * too, except inside a run of consecutive nanoseconds (t, t+1, t+2…): that is where Go's
 * converter bumped events that had equal timestamps, and Go orders those from a map, so
 * go tool trace itself prints them in a different order from run to run. There the events
 * must match as a multiset. Returns null when equal, else a description of the first difference.
 */
export function compareParsed(ours: string, go: string): string | null {
  const a = splitEvents(ours);
  const b = splitEvents(go);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i].time !== b[i].time) return `event ${i}: time ${a[i].time}, go tool trace has ${b[i].time}\nours: ${a[i].body}\ngo:   ${b[i].body}`;
  }
  if (a.length !== b.length) return `${a.length} events, go tool trace has ${b.length}`;
  let i = 0;
  while (i < a.length) {
    let end = i + 1;
    while (end < a.length && a[end].time - a[end - 1].time <= 1) end++;
    const ours = a.slice(i, end).map((e) => e.body).sort();
    const theirs = b.slice(i, end).map((e) => e.body).sort();
    for (let k = 0; k < ours.length; k++) {
      if (ours[k] !== theirs[k]) return `events ${i}–${end - 1} (time ${a[i].time}…) differ:\nours: ${ours[k]}\ngo:   ${theirs[k]}`;
    }
    i = end;
  }
  return null;
}

