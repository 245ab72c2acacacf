// Blocking profiles from hand-built event sequences. Expected values follow from Go's
// cmd/trace/pprof.go rules (quoted next to each case), not from a run of our own code.

import { describe, expect, it } from 'vitest';
import { EventKind, GoState, ResourceKind, TraceEvent, type StackID } from '../../parser/model/event.ts';
import { TraceTables } from '../../parser/model/tables.ts';
import { createBlockingProfiles, type BlockingProfileKind, type ProfileRecord } from '../../parser/analysis/pprof.ts';
import { profileCallTree, topFunctions } from '../../parser/analysis/pprof-calltree.ts';

/** Feeds events through ONE reused TraceEvent, as the readers do. */
class Feed {
  private readonly ev = new TraceEvent();
  constructor(private readonly sink: { handleEvent(ev: TraceEvent): void }) {}

  sync(time: number, n: number): this {
    this.ev.reset();
    this.ev.kind = EventKind.Sync;
    this.ev.time = time;
    this.ev.syncN = n;
    this.sink.handleEvent(this.ev);
    return this;
  }

  go(time: number, g: number, from: GoState, to: GoState, opts: { reason?: string; stack?: StackID; p?: number } = {}): this {
    this.ev.reset();
    this.ev.kind = EventKind.StateTransition;
    this.ev.time = time;
    this.ev.resourceKind = ResourceKind.Goroutine;
    this.ev.resourceId = g;
    this.ev.g = g;
    this.ev.p = opts.p ?? 0;
    this.ev.oldState = from;
    this.ev.newState = to;
    this.ev.reason = opts.reason ?? '';
    this.ev.stack = opts.stack ?? 0;
    this.sink.handleEvent(this.ev);
    return this;
  }

  other(time: number): this {
    this.ev.reset();
    this.ev.kind = EventKind.Log;
    this.ev.time = time;
    this.sink.handleEvent(this.ev);
    return this;
  }
}

function tablesWithStacks(): { tables: TraceTables; chanRecv: StackID; netRead: StackID; syscall: StackID; unblock: StackID } {
  const tables = new TraceTables();
  const main = tables.internFrame(0x1000, 'main.main', '/src/main.go', 10);
  const recv = tables.internFrame(0x2000, 'runtime.chanrecv1', '/go/src/runtime/chan.go', 500);
  const read = tables.internFrame(0x3000, 'internal/poll.(*FD).Read', '/go/src/internal/poll/fd_unix.go', 165);
  const sys = tables.internFrame(0x4000, 'syscall.Syscall', '/go/src/syscall/syscall_linux.go', 73);
  const send = tables.internFrame(0x5000, 'runtime.chansend1', '/go/src/runtime/chan.go', 160);
  return {
    tables,
    chanRecv: tables.internStack([recv, main]),
    netRead: tables.internStack([read, main]),
    syscall: tables.internStack([sys, main]),
    unblock: tables.internStack([send, main]),
  };
}

const byStack = (records: ProfileRecord[]) => new Map(records.map((r) => [r.stackId, { count: r.count, totalNs: r.totalNs }]));

describe('blocking profiles', () => {
  it('measures each kind from the stack where the state was entered', () => {
    const { tables, chanRecv, netRead, syscall, unblock } = tablesWithStacks();
    const rec = createBlockingProfiles(tables);
    new Feed(rec)
      .sync(0, 1)
      .go(5, 1, GoState.NotExist, GoState.Runnable)
      .go(10, 1, GoState.Runnable, GoState.Running)
      // sync: Waiting with a reason containing "chan", [100, 300] → 200 ns at chanRecv.
      .go(100, 1, GoState.Running, GoState.Waiting, { reason: 'chan receive', stack: chanRecv })
      // sched: Runnable → next non-Runnable, [300, 350] → 50 ns at the unblocking stack.
      .go(300, 1, GoState.Waiting, GoState.Runnable, { stack: unblock })
      .go(350, 1, GoState.Runnable, GoState.Running)
      // net: Waiting with reason "network", [400, 1000] → 600 ns.
      .go(400, 1, GoState.Running, GoState.Waiting, { reason: 'network', stack: netRead })
      .go(1000, 1, GoState.Waiting, GoState.Runnable)
      .go(1001, 1, GoState.Runnable, GoState.Running)
      // syscall: [1100, 1170] → 70 ns; ended by Syscall → Running.
      .go(1100, 1, GoState.Running, GoState.Syscall, { stack: syscall })
      .go(1170, 1, GoState.Syscall, GoState.Running)
      // Waiting for a reason none of the kinds track.
      .go(1200, 1, GoState.Running, GoState.Waiting, { reason: 'sleep', stack: chanRecv })
      .go(1300, 1, GoState.Waiting, GoState.Runnable)
      .sync(1400, 2);
    const profiles = rec.finish();
    const at = (kind: BlockingProfileKind) => byStack(profiles.profile(kind, null));

    expect(at('sync')).toEqual(new Map([[chanRecv, { count: 1, totalNs: 200 }]]));
    expect(at('net')).toEqual(new Map([[netRead, { count: 1, totalNs: 600 }]]));
    expect(at('syscall')).toEqual(new Map([[syscall, { count: 1, totalNs: 70 }]]));
    // The first Runnable span, [5, 10], ends exactly where the goroutine's window starts (its
    // first run), so its overlap is 0 and Go drops it; [1300, trace end] is still open.
    expect(at('sched')).toEqual(new Map([
      [unblock, { count: 1, totalNs: 50 }],
      [0, { count: 1, totalNs: 1 }], // [1000, 1001], entered with no stack
    ]));
  });

  it('counts select and sync reasons as sync, and keeps tracking across same-state status events', () => {
    const { tables, chanRecv } = tablesWithStacks();
    const rec = createBlockingProfiles(tables);
    new Feed(rec)
      .sync(0, 1)
      .go(1, 7, GoState.NotExist, GoState.Running)
      .go(10, 7, GoState.Running, GoState.Waiting, { reason: 'select', stack: chanRecv })
      .sync(50, 2)
      // A new generation restates the goroutine as waiting (reason ""): the interval goes on.
      .go(50, 7, GoState.Waiting, GoState.Waiting)
      .go(90, 7, GoState.Waiting, GoState.Runnable)
      .go(95, 7, GoState.Runnable, GoState.Running)
      .go(100, 7, GoState.Running, GoState.Waiting, { reason: 'sync.(*Cond).Wait', stack: chanRecv })
      .go(130, 7, GoState.Waiting, GoState.Runnable)
      .go(131, 7, GoState.Runnable, GoState.Running)
      .sync(200, 3);
    const sync = rec.finish().profile('sync', null);
    // [10, 90] + [100, 130] at the same stack.
    expect(sync).toEqual([{ stackId: chanRecv, count: 2, totalNs: 110 }]);
  });

  it('tracks two kinds at once if a Waiting → Waiting transition names a second tracked reason', () => {
    const { tables, chanRecv, netRead } = tablesWithStacks();
    const rec = createBlockingProfiles(tables);
    new Feed(rec)
      .sync(0, 1)
      .go(1, 4, GoState.NotExist, GoState.Running)
      .go(10, 4, GoState.Running, GoState.Waiting, { reason: 'network', stack: netRead })
      // Go's net tracker keeps going (still Waiting); its sync tracker starts here.
      .go(20, 4, GoState.Waiting, GoState.Waiting, { reason: 'chan receive', stack: chanRecv })
      // Both close on the way out of Waiting.
      .go(50, 4, GoState.Waiting, GoState.Runnable)
      .go(60, 4, GoState.Runnable, GoState.Running)
      .sync(100, 2);
    const profiles = rec.finish();
    expect(profiles.profile('net', null)).toEqual([{ stackId: netRead, count: 1, totalNs: 40 }]);
    expect(profiles.profile('sync', null)).toEqual([{ stackId: chanRecv, count: 1, totalNs: 30 }]);
    expect(profiles.profile('sched', null)).toEqual([{ stackId: 0, count: 1, totalNs: 10 }]);
  });

  it('clips intervals to the goroutine windows: first run .. exit, or trace end', () => {
    const { tables, chanRecv } = tablesWithStacks();
    const rec = createBlockingProfiles(tables);
    new Feed(rec)
      .sync(0, 1)
      // Goroutine 2 exists from the start, waiting, and never runs: its window is
      // [0 (Go: before everything), trace end].
      .go(3, 2, GoState.Undetermined, GoState.Waiting, { reason: 'chan receive', stack: chanRecv })
      // Goroutine 3 first runs at 20 and exits at 60.
      .go(4, 3, GoState.Undetermined, GoState.Running)
      .go(20, 3, GoState.Running, GoState.Runnable)
      .go(30, 3, GoState.Runnable, GoState.Running)
      .go(60, 3, GoState.Running, GoState.NotExist)
      .go(80, 2, GoState.Waiting, GoState.Runnable)
      .other(120)
      .sync(150, 2);
    const profiles = rec.finish();
    expect(profiles.traceEnd).toBe(150);
    const windows = profiles.allGoroutineWindows();
    expect(windows.get(2)).toEqual([[Number.NEGATIVE_INFINITY, 150]]);
    expect(windows.get(3)).toEqual([[4, 60]]);
    expect(profiles.profile('sync', null)).toEqual([{ stackId: chanRecv, count: 1, totalNs: 77 }]);
    // sched: g3 [20, 30] → 10; g2 [80, 150) is still runnable at the end: never closed.
    expect(profiles.profile('sched', null)).toEqual([{ stackId: 0, count: 1, totalNs: 10 }]);

    // An explicit filter (a goroutine group or regions): only the listed goroutines, clipped.
    const filtered = profiles.profile('sync', new Map([[2, [[0, 10], [50, 70]] as const]]));
    expect(filtered).toEqual([{ stackId: chanRecv, count: 1, totalNs: 7 + 20 }]);
    // JSON-style object keys work the same.
    expect(profiles.profile('sync', { 2: [[0, 10]] })).toEqual([{ stackId: chanRecv, count: 1, totalNs: 7 }]);
    // A goroutine not in the filter contributes nothing.
    expect(profiles.profile('sync', new Map([[3, [[0, 150]] as const]]))).toEqual([]);
  });

  it('merges stacks whose first 128 PCs agree, as Go\'s stackMap does', () => {
    const tables = new TraceTables();
    const deep = Array.from({ length: 128 }, (_, i) => tables.internFrame(0x100 + i, `f${i}`, 'a.go', i + 1));
    const tailA = tables.internFrame(0x9000, 'tailA', 'a.go', 1);
    const tailB = tables.internFrame(0x9001, 'tailB', 'a.go', 2);
    const stackA = tables.internStack([...deep, tailA]);
    const stackB = tables.internStack([...deep, tailB]);
    expect(stackA).not.toBe(stackB);
    const rec = createBlockingProfiles(tables);
    new Feed(rec)
      .sync(0, 1)
      .go(1, 1, GoState.Undetermined, GoState.Running)
      .go(10, 1, GoState.Running, GoState.Syscall, { stack: stackA })
      .go(15, 1, GoState.Syscall, GoState.Running)
      .go(20, 1, GoState.Running, GoState.Syscall, { stack: stackB })
      .go(29, 1, GoState.Syscall, GoState.Running)
      .sync(40, 2);
    // One record holding the newest stack, 5 + 9 ns.
    expect(rec.finish().profile('syscall', null)).toEqual([{ stackId: stackB, count: 2, totalNs: 14 }]);
  });

  it('drops what follows the last Sync when told the trace was damaged there', () => {
    const { tables, syscall } = tablesWithStacks();
    const rec = createBlockingProfiles(tables);
    new Feed(rec)
      .sync(0, 1)
      .go(1, 1, GoState.Undetermined, GoState.Running)
      .go(10, 1, GoState.Running, GoState.Syscall, { stack: syscall })
      .go(20, 1, GoState.Syscall, GoState.Running)
      .sync(30, 2) // event #5: validEvents = 5
      .go(40, 1, GoState.Running, GoState.Syscall, { stack: syscall })
      .go(45, 1, GoState.Syscall, GoState.Running);
    const damaged = rec.finish(5);
    expect(damaged.traceEnd).toBe(30);
    expect(damaged.profile('syscall', null)).toEqual([{ stackId: syscall, count: 1, totalNs: 10 }]);
    const whole = rec.finish();
    expect(whole.profile('syscall', null)).toEqual([{ stackId: syscall, count: 2, totalNs: 15 }]);
  });
});

describe('profile call tree and top functions', () => {
  it('builds caller → callee paths from a synthetic root with self and total', () => {
    const { tables, chanRecv, netRead, syscall } = tablesWithStacks();
    const records: ProfileRecord[] = [
      { stackId: chanRecv, count: 2, totalNs: 200 },
      { stackId: netRead, count: 1, totalNs: 600 },
      { stackId: syscall, count: 3, totalNs: 70 },
    ];
    const root = profileCallTree(records, tables);
    expect(root.name).toBe('root');
    expect(root.total).toBe(870);
    expect(root.totalCount).toBe(6);
    expect(root.children).toHaveLength(1);
    const main = root.children[0];
    expect(main).toMatchObject({ name: 'main.main', file: '/src/main.go', total: 870, self: 0 });
    expect(main.children.map((c) => [c.name, c.self, c.total, c.selfCount])).toEqual([
      ['internal/poll.(*FD).Read', 600, 600, 1],
      ['runtime.chanrecv1', 200, 200, 2],
      ['syscall.Syscall', 70, 70, 3],
    ]);

    const top = topFunctions(records, tables);
    expect(top.map((f) => [f.name, f.flat, f.cum])).toEqual([
      ['internal/poll.(*FD).Read', 600, 600],
      ['runtime.chanrecv1', 200, 200],
      ['syscall.Syscall', 70, 70],
      ['main.main', 0, 870],
    ]);
  });

  it('counts a recursive function once per sample in cum', () => {
    const tables = new TraceTables();
    const f1 = tables.internFrame(1, 'rec', 'r.go', 3);
    const f2 = tables.internFrame(2, 'rec', 'r.go', 5);
    const stack = tables.internStack([f1, f2, f1]);
    const top = topFunctions([{ stackId: stack, count: 1, totalNs: 40 }], tables);
    expect(top).toEqual([{ name: 'rec', file: 'r.go', flat: 40, flatCount: 1, cum: 40, cumCount: 1 }]);
    const byLine = profileCallTree([{ stackId: stack, count: 1, totalNs: 40 }], tables, { granularity: 'line' });
    expect(byLine.children[0].line).toBe(3);
    expect(byLine.children[0].children[0].line).toBe(5);
  });
});
