// Chrome trace-event JSON (the format go tool trace's /jsontrace serves to its viewer),
// written from the timeline model: the same slices, counters and arrows as go tool trace 1.27's
// proc view (or thread view), so the file opens in chrome://tracing, Perfetto or speedscope.
// Streamed as text chunks: a large trace never becomes one string.
//
// Not written (yet): instant events (proc start/stop, network-unblock and syscall-return
// instants); CPU samples and user log messages are written.

import type { AnnotationIndex } from '../../parser/analysis/annotations.ts';
import type { TraceTables } from '../../parser/model/tables.ts';
import { SliceKind, type TimelineModel } from '../../parser/model/timeline.ts';

export type ChromeView = 'proc' | 'thread';

/** traceviewer's pseudo-resources (internal/trace/traceviewer/fakep.go). */
const NETPOLL_P = 1000002;
const SYSCALL_P = 1000003;
const GC_P = 1000004;
const NO_RESOURCE = 2 ** 64 - 1;
const PROCS_SECTION = 0;
const STATS_SECTION = 1;

/** µs as go tool trace writes them: float64(ns) / 1e3, shortest round-trip digits. */
const micros = (ns: number) => ns / 1000;

/**
 * Stack ids in the trace-viewer format: a prefix tree of frames keyed by PC from the outermost
 * frame in, each node named "func:line" (traceviewer Emitter.Stack).
 */
class ViewerFrames {
  private readonly nodes = new Map<string, number>();
  private readonly byStack = new Map<number, number>();
  readonly frames: { name: string; parent: number }[] = [{ name: '', parent: 0 }];

  constructor(private readonly tables: TraceTables) {}

  id(stack: number): number {
    if (stack === 0) return 0;
    const known = this.byStack.get(stack);
    if (known !== undefined) return known;
    const ids = this.tables.stackFrameIds(stack);
    let parent = 0;
    for (let k = ids.length - 1; k >= 0; k--) {
      const f = ids[k];
      const key = `${parent}:${this.tables.framePC[f]}`;
      let node = this.nodes.get(key);
      if (node === undefined) {
        node = this.frames.length;
        this.frames.push({ name: `${this.tables.frameFunc[f]}:${this.tables.frameLine[f]}`, parent });
        this.nodes.set(key, node);
      }
      parent = node;
    }
    this.byStack.set(stack, parent);
    return parent;
  }
}

interface ViewerEvent {
  name?: string;
  ph: string;
  s?: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: number;
  sf?: number;
  esf?: number;
  args?: unknown;
  cat?: string;
}

/**
 * The trace's user log messages (trace.Log), from the summary: written within the model's time
 * range on the proc or thread that wrote them, as go tool trace's views do. `stacksInTables`:
 * whether their stack ids are the model's `tables` (not for a timeline part with tables of its own).
 */
export interface ChromeUserLogs {
  logs: AnnotationIndex['logs'];
  stacksInTables: boolean;
}

/** Yields the JSON document in chunks of roughly `chunkEvents` events. */
export function* chromeTraceJson(
  model: TimelineModel,
  tables: TraceTables,
  view: ChromeView = 'proc',
  chunkEvents = 4096,
  userLogs: ChromeUserLogs | null = null,
): Generator<string> {
  const frames = new ViewerFrames(tables);
  const t0 = model.startTime;
  let buf: string[] = [];
  let first = true;
  function* flush(): Generator<string> {
    if (buf.length) {
      yield buf.join('');
      buf = [];
    }
  }
  const push = (e: ViewerEvent) => {
    const json = JSON.stringify(e);
    buf.push(first ? json : ',' + json);
    first = false;
  };

  buf.push('{"displayTimeUnit":"ns","traceEvents":[');
  const sl = model.slices;
  for (const track of model.tracks) {
    const tid = track.kind === 'gc' ? GC_P : track.resource;
    if (track.kind !== view && track.kind !== 'gc') continue;
    for (let lane = 0; lane < track.lanes; lane++) {
      const [lo, hi] = model.laneRange(track.id, lane);
      for (let i = lo; i < hi; i++) {
        const kind = sl.kind[i] as SliceKind;
        const e: ViewerEvent = {
          name: model.strings.get(sl.name[i]),
          ph: 'X', ts: micros(sl.start[i] - t0), dur: micros(sl.end[i] - sl.start[i]), pid: PROCS_SECTION, tid,
        };
        const sf = frames.id(sl.startStack[i]);
        const esf = frames.id(sl.endStack[i]);
        if (sf) e.sf = sf;
        if (esf) e.esf = esf;
        if (kind === SliceKind.Syscall || kind === SliceKind.SyscallBlocked) e.args = { blocked: kind === SliceKind.SyscallBlocked ? 'yes' : 'no' };
        push(e);
      }
      if (buf.length >= chunkEvents) yield* flush();
    }
  }

  for (const e of counterEvents(model)) {
    push(e);
    if (buf.length >= chunkEvents) yield* flush();
  }

  let arrowSeq = 0;
  for (const a of arrowEvents(model, view)) {
    arrowSeq++;
    const sf = frames.id(a.stack);
    push({ name: a.name, ph: 's', ts: micros(a.from - t0), pid: PROCS_SECTION, tid: a.fromResource, id: arrowSeq, ...(sf ? { sf } : {}) });
    push({ name: a.name, ph: 't', ts: micros(a.to - t0), pid: PROCS_SECTION, tid: a.toResource, id: arrowSeq });
    if (buf.length >= chunkEvents) yield* flush();
  }

  const smp = model.samples;
  for (let i = 0; i < smp.time.length; i++) {
    const resource = view === 'proc' ? smp.p[i] : smp.m[i];
    if (resource === -1) continue;
    const sf = frames.id(smp.stack[i]);
    push({ name: 'CPU profile sample', ph: 'I', s: 't', ts: micros(smp.time[i] - t0), pid: PROCS_SECTION, tid: resource, ...(sf ? { sf } : {}) });
    if (buf.length >= chunkEvents) yield* flush();
  }

  if (userLogs) {
    const { logs, stacksInTables } = userLogs;
    const lane = view === 'proc' ? logs.proc : logs.thread;
    for (let i = 0; i < logs.count; i++) {
      if (lane[i] === -1 || logs.time[i] < model.startTime || logs.time[i] > model.endTime) continue;
      const sf = stacksInTables ? frames.id(logs.stack[i]) : 0;
      push({ name: logs.text[i], cat: 'user event', ph: 'I', s: 't', ts: micros(logs.time[i] - t0), pid: PROCS_SECTION, tid: lane[i], ...(sf ? { sf } : {}) });
      if (buf.length >= chunkEvents) yield* flush();
    }
  }

  for (const e of metadataEvents(model, view)) push(e);
  buf.push('],"stackFrames":{');
  yield* flush();
  for (let id = 1; id < frames.frames.length; id++) {
    const f = frames.frames[id];
    buf.push(`${id > 1 ? ',' : ''}"${id}":${JSON.stringify(f.parent ? { name: f.name, parent: f.parent } : { name: f.name })}`);
    if (buf.length >= chunkEvents) yield* flush();
  }
  buf.push('}}');
  yield* flush();
}

/** Heap, Goroutines and Threads counters with go tool trace's names and points. */
function* counterEvents(model: TimelineModel): Generator<ViewerEvent> {
  const t0 = model.startTime;
  for (const c of model.counters) {
    // Read each column once: a delta-coded counter decodes its columns on access.
    const time = c.time;
    const values = c.values;
    const col = (name: string) => values[c.series.indexOf(name)];
    if (c.name === 'Heap') {
      const alloc = col('allocated');
      const next = col('nextGC');
      for (let i = 0; i < time.length; i++) {
        yield { name: 'Heap', ph: 'C', ts: micros(time[i] - t0), pid: STATS_SECTION, tid: 0, args: { Allocated: alloc[i], NextGC: next[i] } };
      }
    } else if (c.name === 'Goroutines') {
      // Our series also moves when only the syscall count changes; go tool trace writes a
      // point only when a viewer state count changes.
      const cols = ['running', 'runnable', 'gcWaiting', 'waiting'].map(col);
      let prev: number[] | null = null;
      for (let i = 0; i < time.length; i++) {
        const cur = cols.map((v) => v[i]);
        if (prev && cur.every((v, k) => v === prev![k])) continue;
        prev = cur;
        yield { name: 'Goroutines', ph: 'C', ts: micros(time[i] - t0), pid: STATS_SECTION, tid: 0, args: { Running: cur[0], Runnable: cur[1], GCWaiting: cur[2] } };
      }
    } else if (c.name === 'Threads') {
      const running = col('running');
      for (let i = 0; i < time.length; i++) {
        yield { name: 'Threads', ph: 'C', ts: micros(time[i] - t0), pid: STATS_SECTION, tid: 0, args: { Running: running[i], InSyscall: 0 } };
      }
    }
  }
}

interface Arrow {
  name: string;
  from: number;
  to: number;
  fromResource: number;
  toResource: number;
  stack: number;
}

/**
 * Flows as go tool trace's proc or thread view draws them (gstate.go): the source is the
 * resource the cause happened on; unblocks on resource 0 draw nothing, network unblocks come
 * from the Network row in the proc view, blocked-syscall returns from the Syscalls row.
 */
function* arrowEvents(model: TimelineModel, view: ChromeView): Generator<Arrow> {
  const f = model.flows;
  for (let i = 0; i < f.slots; i++) {
    if (!f.drawn(i)) continue;
    const name = model.strings.get(f.name(i));
    let from = view === "proc" ? f.fromP(i) : f.fromM(i);
    const to = view === 'proc' ? f.toP(i) : f.toM(i);
    if (name === 'go') {
      if (from === -1) continue;
    } else if (name === 'exit blocked syscall') {
      // threadgen.go never records this cause.
      if (view === 'thread') continue;
      from = SYSCALL_P;
    } else {
      if (name.includes('network') && view === 'proc') from = NETPOLL_P;
      if (from === 0) continue;
    }
    // The proc view starts goroutines only on a P (to Running); a start into a syscall without
    // a P draws nothing there.
    if (view === 'proc' && to === -1) continue;
    // go tool trace writes "no resource" as uint64(-1); JSON readers see it as 2^64.
    const row = (r: number) => (r === -1 ? NO_RESOURCE : r);
    yield { name, from: f.fromTime(i), to: f.toTime(i), fromResource: row(from), toResource: row(to), stack: f.fromStack(i) };
  }
}

function* metadataEvents(model: TimelineModel, view: ChromeView): Generator<ViewerEvent> {
  const meta = (name: string, pid: number, tid: number | undefined, args: unknown): ViewerEvent =>
    tid === undefined ? { name, ph: 'M', ts: 0, pid, tid: 0, args } : { name, ph: 'M', ts: 0, pid, tid, args };
  yield meta('process_name', STATS_SECTION, undefined, { name: 'STATS' });
  yield meta('process_sort_index', STATS_SECTION, undefined, { sort_index: 0 });
  yield meta('process_name', PROCS_SECTION, undefined, { name: view === 'proc' ? 'PROCS' : 'OS THREADS' });
  yield meta('process_sort_index', PROCS_SECTION, undefined, { sort_index: 2 });
  const rows: [number, string, number][] = [[GC_P, 'GC', -6], [NETPOLL_P, 'Network', -5], [1000001, 'Timers', -4], [SYSCALL_P, 'Syscalls', -3]];
  for (const t of model.tracks) if (t.kind === view) rows.push([t.resource, t.name, t.resource]);
  for (const [tid, name, index] of rows) {
    yield meta('thread_name', PROCS_SECTION, tid, { name });
    yield meta('thread_sort_index', PROCS_SECTION, tid, { sort_index: index });
  }
}
