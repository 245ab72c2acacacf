// The timeline model on hand-built event sequences: the slices, state rows, flows and
// counters that go tool trace's generator rules (cmd/trace gstate.go, procgen.go, …) give.

import { describe, expect, it } from 'vitest';
import { EventKind, GoState, ProcState, ResourceKind, TraceEvent } from '../../parser/model/event.ts';
import { TraceTables } from '../../parser/model/tables.ts';
import { createTimelineModel } from '../../parser/model/timeline-builder.ts';
import { GoroutineSpanState, SliceKind, stateSpanEnd, type TimelineModel } from '../../parser/model/timeline.ts';

type Fields = Partial<Omit<TraceEvent, 'reset' | 'goTransition'>>;

/** Feeds events through ONE reused instance, as the readers do. */
function build(events: Fields[], tables = new TraceTables()): TimelineModel {
  const analysis = createTimelineModel(tables);
  const ev = new TraceEvent();
  for (const f of events) {
    ev.reset();
    Object.assign(ev, f);
    analysis.handleEvent(ev);
  }
  return analysis.finish();
}

const go = (time: number, id: number, from: GoState, to: GoState, ctx: Fields = {}): Fields => ({
  kind: EventKind.StateTransition, time, resourceKind: ResourceKind.Goroutine, resourceId: id, oldState: from, newState: to, ...ctx,
});
const proc = (time: number, id: number, from: ProcState, to: ProcState, ctx: Fields = {}): Fields => ({
  kind: EventKind.StateTransition, time, resourceKind: ResourceKind.Proc, resourceId: id, oldState: from, newState: to, ...ctx,
});

function slicesOf(model: TimelineModel, kind: string, resource: number) {
  const track = model.tracks.find((t) => t.kind === kind && t.resource === resource)!;
  const out: { lane: number; start: number; end: number; kind: SliceKind; goroutine: number; name: string; startStack: number; endStack: number }[] = [];
  for (let lane = 0; lane < track.lanes; lane++) {
    const [lo, hi] = model.laneRange(track.id, lane);
    for (let i = lo; i < hi; i++) {
      const s = model.slices;
      out.push({ lane, start: s.start[i], end: s.end[i], kind: s.kind[i], goroutine: s.goroutine[i], name: model.strings.get(s.name[i]), startStack: s.startStack[i], endStack: s.endStack[i] });
    }
  }
  return out;
}

function statesOf(model: TimelineModel, goid: number) {
  const track = model.tracks.find((t) => t.kind === 'goroutine' && t.resource === goid)!;
  const row = model.stateRowOf(track.id)!;
  const out: [number, number, string, string][] = [];
  for (let i = row.lo; i < row.hi; i++) {
    out.push([row.start[i], stateSpanEnd(row, i), GoroutineSpanState[row.state[i]], model.strings.get(row.reason[i])]);
  }
  return out;
}

describe('timeline model: one block/unblock/syscall story', () => {
  const tables = new TraceTables();
  const mainFn = tables.internStack([tables.internFrame(0x10, 'main.main', 'main.go', 5), tables.internFrame(0x11, 'runtime.main', 'proc.go', 1)]);
  const workerStart = tables.internStack([tables.internFrame(0x20, 'main.worker', 'main.go', 20)]);
  const chanRecv = tables.internStack([tables.internFrame(0x30, 'runtime.chanrecv1', 'chan.go', 1), tables.internFrame(0x10, 'main.main', 'main.go', 9)]);
  const events: Fields[] = [
    { kind: EventKind.Sync, time: 5 },
    proc(6, 0, ProcState.Undetermined, ProcState.Running, { m: 100, p: 0 }),
    go(10, 1, GoState.Undetermined, GoState.Running, { g: 1, p: 0, m: 100, transitionStack: mainFn }),
    go(20, 2, GoState.NotExist, GoState.Runnable, { g: 1, p: 0, m: 100, stack: mainFn, transitionStack: workerStart }),
    go(30, 1, GoState.Running, GoState.Waiting, { g: 1, p: 0, m: 100, stack: chanRecv, reason: 'chan receive' }),
    go(40, 2, GoState.Runnable, GoState.Running, { g: -1, p: 0, m: 100 }),
    go(50, 1, GoState.Waiting, GoState.Runnable, { g: 2, p: 0, m: 100, stack: workerStart }),
    go(60, 2, GoState.Running, GoState.Syscall, { g: 2, p: 0, m: 100, stack: workerStart }),
    proc(65, 1, ProcState.Undetermined, ProcState.Running, { m: 101, p: 1 }),
    proc(70, 0, ProcState.Running, ProcState.Idle, { m: 101, p: 1 }), // sysmon retakes P0
    go(80, 2, GoState.Syscall, GoState.Runnable, { g: 2, p: -1, m: 100, stack: workerStart }),
    go(85, 1, GoState.Runnable, GoState.Running, { g: -1, p: 1, m: 101 }),
    go(90, 1, GoState.Running, GoState.NotExist, { g: 1, p: 1, m: 101, stack: mainFn }),
    { kind: EventKind.Metric, time: 100, name: '/memory/classes/heap/objects:bytes', value: 4096 },
  ];
  const model = build(events, tables);

  it('spans the trace from its first to its last event', () => {
    expect([model.startTime, model.endTime]).toEqual([5, 100]);
  });

  it('cuts proc slices the way procgen.go does (back-dated start, blocked syscall ends at the steal)', () => {
    expect(slicesOf(model, 'proc', 0)).toEqual([
      { lane: 0, start: 5, end: 30, kind: SliceKind.GoroutineExec, goroutine: 1, name: 'G1 runtime.main', startStack: 0, endStack: chanRecv },
      { lane: 0, start: 40, end: 70, kind: SliceKind.GoroutineExec, goroutine: 2, name: 'G2 main.worker', startStack: 0, endStack: 0 },
      { lane: 1, start: 60, end: 70, kind: SliceKind.SyscallBlocked, goroutine: 2, name: 'syscall', startStack: workerStart, endStack: 0 },
    ]);
    expect(slicesOf(model, 'proc', 1)).toEqual([
      { lane: 0, start: 85, end: 90, kind: SliceKind.GoroutineExec, goroutine: 1, name: 'G1 runtime.main', startStack: chanRecv, endStack: mainFn },
    ]);
  });

  it('cuts thread slices the way threadgen.go does (the syscall stays on its thread until it returns)', () => {
    expect(slicesOf(model, 'thread', 100).filter((s) => s.kind === SliceKind.GoroutineExec).map((s) => [s.start, s.end, s.goroutine])).toEqual([
      [5, 30, 1],
      [40, 80, 2],
    ]);
    expect(slicesOf(model, 'thread', 101).map((s) => [s.start, s.end, s.goroutine])).toEqual([[85, 90, 1]]);
  });

  it('tiles each goroutine lifetime with state spans', () => {
    expect(statesOf(model, 1)).toEqual([
      [5, 30, 'Running', ''],
      [30, 50, 'Waiting', 'chan receive'],
      [50, 85, 'Runnable', ''],
      [85, 90, 'Running', ''],
    ]);
    expect(statesOf(model, 2)).toEqual([
      [20, 40, 'Runnable', ''],
      [40, 60, 'Running', ''],
      [60, 80, 'Syscall', ''],
      [80, 100, 'Runnable', ''],
    ]);
  });

  it('names goroutines by their entry function, as gState.augmentName does', () => {
    expect(model.goroutineNames.get(1)).toBe('G1 runtime.main');
    expect(model.goroutineNames.get(2)).toBe('G2 main.worker');
    const g2 = model.tracks.find((t) => t.kind === 'goroutine' && t.resource === 2)!;
    expect(g2).toMatchObject({ name: 'G2 main.worker', startFunction: 'main.worker', system: false });
  });

  it('names execution slices after their goroutine, small ids and ids beyond the derived range alike', () => {
    const huge = 2 ** 40 + 7;
    // Derived name ids are 2^31 and up (the pass carries them as negative int32s); that of
    // goroutine 2^30 − 1, the last derived one, is 0xFFFFFFFF (-1 as an int32).
    const ids = [3, 2 ** 29 + 5, 2 ** 30 - 2, 2 ** 30 - 1, 2 ** 30, huge];
    const events: Fields[] = [
      { kind: EventKind.Sync, time: 5 },
      proc(6, 0, ProcState.Undetermined, ProcState.Running, { m: 100, p: 0 }),
    ];
    ids.forEach((id, i) => events.push(
      go(10 + 20 * i, id, GoState.Undetermined, GoState.Running, { g: id, p: 0, m: 100, transitionStack: workerStart }),
      go(20 + 20 * i, id, GoState.Running, GoState.Runnable, { g: id, p: 0, m: 100, stack: workerStart }),
    ));
    const named = build(events, tables);
    const expected = ids.map((id) => `G${id} main.worker`).sort();
    expect(slicesOf(named, 'proc', 0).map((s) => s.name).sort()).toEqual(expected);
    expect(slicesOf(named, 'thread', 100).map((s) => s.name).sort()).toEqual(expected);
  });

  it('records go and unblock flows when the target starts running', () => {
    const f = model.flows.columns();
    const flows = Array.from(f.name, (n, i) => [model.strings.get(n), f.fromTime[i], f.toTime[i], f.fromG[i], f.toG[i], f.fromP[i], f.toP[i]]);
    expect(flows).toEqual([
      ['go', 20, 40, 1, 2, 0, 0],
      ['unblock (chan receive)', 50, 85, 2, 1, 0, 1],
    ]);
    expect(model.flowsIn(45, 60).indices).toEqual([1]);
    expect(model.flowsIn(0, 19).indices).toEqual([]);
  });

  it('keeps the Goroutines, Threads and Heap counters as step series', () => {
    const [heap, goroutines, threads] = model.counters;
    expect(Array.from(heap.time)).toEqual([100]);
    expect(Array.from(heap.values[0])).toEqual([4096]);
    const rows = Array.from(goroutines.time, (t, i) => [t, ...goroutines.values.map((v) => v[i])]);
    // [time, running, runnable, gcWaiting, waiting, syscall]
    expect(rows).toEqual([
      [10, 1, 0, 0, 0, 0],
      [20, 1, 1, 0, 0, 0],
      [30, 0, 1, 0, 1, 0],
      [40, 1, 0, 0, 1, 0],
      [50, 1, 1, 0, 0, 0],
      [60, 1, 1, 0, 0, 1],
      [80, 0, 2, 0, 0, 0],
      [85, 1, 1, 0, 0, 0],
      [90, 0, 1, 0, 0, 0],
    ]);
    // The P that was Undetermined is back-dated to the trace start (re-sorted into place).
    expect(Array.from(threads.time)).toEqual([5, 5, 70]);
    expect(Array.from(threads.values[0])).toEqual([1, 2, 1]);
  });

  it('reports memory per span', () => {
    const m = model.memory();
    expect(m.slices).toBe(model.slices.start.length);
    expect(m.stateSpans).toBe(8);
    expect(m.bytesPerSpan).toBeGreaterThan(0);
    expect(m.bytesPerSpan).toBeLessThan(40);
  });
});

describe('timeline model: ranges', () => {
  it('puts GC on the GC track, sweep on its proc, mark assist and STW on the executing proc', () => {
    const events: Fields[] = [
      { kind: EventKind.Sync, time: 0 },
      proc(1, 0, ProcState.Undetermined, ProcState.Running, { m: 1, p: 0 }),
      go(2, 7, GoState.Undetermined, GoState.Running, { g: 7, p: 0, m: 1 }),
      { kind: EventKind.RangeBegin, time: 10, name: 'GC concurrent mark phase', resourceKind: ResourceKind.None, g: 7, p: 0, m: 1 },
      { kind: EventKind.RangeBegin, time: 12, name: 'GC mark assist', resourceKind: ResourceKind.Goroutine, resourceId: 7, g: 7, p: 0, m: 1 },
      go(14, 7, GoState.Running, GoState.Waiting, { g: 7, p: 0, m: 1, reason: 'GC assist wait' }),
      go(16, 7, GoState.Waiting, GoState.Runnable, { g: 3, p: 0, m: 1 }),
      go(18, 7, GoState.Runnable, GoState.Running, { g: -1, p: 0, m: 1 }),
      { kind: EventKind.RangeEnd, time: 20, name: 'GC mark assist', resourceKind: ResourceKind.Goroutine, resourceId: 7, g: 7, p: 0, m: 1 },
      { kind: EventKind.RangeBegin, time: 22, name: 'GC incremental sweep', resourceKind: ResourceKind.Proc, resourceId: 0, g: 7, p: 0, m: 1 },
      { kind: EventKind.RangeEnd, time: 24, name: 'GC incremental sweep', resourceKind: ResourceKind.Proc, resourceId: 0, g: 7, p: 0, m: 1 },
      { kind: EventKind.RangeBegin, time: 26, name: 'stop-the-world (GC mark termination)', resourceKind: ResourceKind.Goroutine, resourceId: 7, g: 7, p: 0, m: 1 },
      { kind: EventKind.RangeEnd, time: 28, name: 'stop-the-world (GC mark termination)', resourceKind: ResourceKind.Goroutine, resourceId: 7, g: 7, p: 0, m: 1 },
      { kind: EventKind.RangeEnd, time: 30, name: 'GC concurrent mark phase', resourceKind: ResourceKind.None, g: 7, p: 0, m: 1 },
      go(40, 7, GoState.Running, GoState.Runnable, { g: 7, p: 0, m: 1 }),
    ];
    const model = build(events);
    const named = (kind: string, resource: number) =>
      slicesOf(model, kind, resource).map((s) => [s.start, s.end, s.kind === SliceKind.GoroutineExec ? `G${s.goroutine}` : s.name]);
    expect(named('gc', -1)).toEqual([[10, 30, 'GC concurrent mark phase']]);
    expect(named('stw', -1)).toEqual([[26, 28, 'stop-the-world (GC mark termination)']]);
    // The assist is split where the goroutine stopped running: [12,14] then [18,20].
    expect(named('proc', 0)).toEqual([
      [0, 14, 'G7'],
      [18, 40, 'G7'],
      [12, 14, 'GC mark assist'],
      [18, 20, 'GC mark assist'],
      [22, 24, 'GC incremental sweep'],
      [26, 28, 'stop-the-world (GC mark termination)'],
    ]);
    // While waiting inside the assist, the goroutine is "waiting (GC)".
    expect(statesOf(model, 7).map((s) => s[2])).toEqual(['Running', 'WaitingGC', 'Runnable', 'Running', 'Runnable']);
    // The goroutine view keeps its ranges (not its syscalls) as slices on the goroutine track.
    expect(named('goroutine', 7).map((s) => s[2])).toEqual(['GC mark assist', 'GC mark assist', 'stop-the-world (GC mark termination)']);
  });
});
