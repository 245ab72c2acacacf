// Mutator utilization from hand-built event sequences. Each expected series is worked out from
// Go's MutatorUtilizationV2 (internal/trace/gc.go) step by step in the comments.

import { describe, expect, it } from 'vitest';
import { EventKind, GoState, ResourceKind, TraceEvent } from '../../parser/model/event.ts';
import { createMmuRecorder, parseUtilFlags, UtilFlags, type MmuData, type MmuRecorder } from '../../parser/analysis/mmu.ts';

/** Feeds events through ONE reused TraceEvent, as the readers do. */
class Feed {
  private readonly ev = new TraceEvent();
  constructor(private readonly sink: MmuRecorder) {}

  private emit(fill: (ev: TraceEvent) => void): this {
    this.ev.reset();
    fill(this.ev);
    this.sink.handleEvent(this.ev);
    return this;
  }

  sync(time: number, n: number): this {
    return this.emit((ev) => Object.assign(ev, { kind: EventKind.Sync, time, syncN: n }));
  }

  procs(time: number, n: number): this {
    return this.emit((ev) => Object.assign(ev, { kind: EventKind.Metric, time, name: '/sched/gomaxprocs:threads', value: BigInt(n) }));
  }

  range(kind: EventKind, time: number, name: string, p: number, scopeG = -1, g = -1): this {
    return this.emit((ev) => Object.assign(ev, {
      kind, time, name, p, g,
      resourceKind: scopeG === -1 ? ResourceKind.Proc : ResourceKind.Goroutine,
      resourceId: scopeG === -1 ? p : scopeG,
    }));
  }

  go(time: number, g: number, from: GoState, to: GoState, p: number): this {
    return this.emit((ev) => Object.assign(ev, {
      kind: EventKind.StateTransition, time, g, p, resourceKind: ResourceKind.Goroutine, resourceId: g, oldState: from, newState: to,
    }));
  }

  label(time: number, g: number, p: number, label: string): this {
    return this.emit((ev) => Object.assign(ev, { kind: EventKind.Label, time, g, p, name: label, resourceKind: ResourceKind.Goroutine, resourceId: g }));
  }
}

const points = (data: MmuData, flags: number) =>
  data.mutatorUtilization(flags).map((s) => Array.from(s.time, (t, i) => [t, s.util[i]]));

const STW = 'stop-the-world (GC sweep termination)';
const ALL = UtilFlags.STW | UtilFlags.Background | UtilFlags.Assist | UtilFlags.Sweep;

/** Two Ps; one of each GC activity, one at a time. */
function scenario(): MmuData {
  const rec = createMmuRecorder();
  new Feed(rec)
    .sync(0, 1)
    .procs(1, 2) // two Ps, one series starting at utilization 1
    .go(10, 1, GoState.Undetermined, GoState.Running, 0)
    .range(EventKind.RangeBegin, 90, 'stop-the-world (read mem stats)', 0) // not a GC STW: ignored
    .range(EventKind.RangeEnd, 95, 'stop-the-world (read mem stats)', 0)
    .range(EventKind.RangeBegin, 100, STW, 0) // STW: every P is GC → 0
    .range(EventKind.RangeEnd, 200, STW, 0) // → 1
    .range(EventKind.RangeBegin, 300, 'GC mark assist', 0, 1) // assist on P0 → 1/2 GC → 0.5
    .go(350, 1, GoState.Running, GoState.Waiting, 0) // assisting G stops running: P0 free → 1
    .go(390, 1, GoState.Waiting, GoState.Runnable, 0) // not executing either side: nothing
    .go(400, 1, GoState.Runnable, GoState.Running, 1) // runs again, on P1 → 0.5
    .range(EventKind.RangeEnd, 450, 'GC mark assist', 1, 1) // → 1
    .go(500, 2, GoState.Undetermined, GoState.Running, 1) // not a worker yet: nothing
    .label(501, 2, 1, 'GC (dedicated)') // background worker on P1 → 0.5
    .go(600, 2, GoState.Running, GoState.Waiting, 1) // worker stops → 1
    .label(650, 3, 0, 'GC (idle)') // idle workers do not count
    .range(EventKind.RangeBegin, 700, 'GC incremental sweep', 0) // sweep on P0 → 0.5
    .range(EventKind.RangeEnd, 750, 'GC incremental sweep', 0) // → 1
    .sync(800, 2); // the last event: every series ends at 0
  return rec.finish();
}

describe('mutator utilization', () => {
  it('counts each GC activity the flags ask for (system view)', () => {
    const data = scenario();
    expect(points(data, ALL)).toEqual([[
      [1, 1], [100, 0], [200, 1], [300, 0.5], [350, 1], [400, 0.5], [450, 1], [501, 0.5], [600, 1], [700, 0.5], [750, 1], [800, 0],
    ]]);
    expect(points(data, UtilFlags.STW)).toEqual([[[1, 1], [100, 0], [200, 1], [800, 0]]]);
    expect(points(data, UtilFlags.Assist)).toEqual([[[1, 1], [300, 0.5], [350, 1], [400, 0.5], [450, 1], [800, 0]]]);
    expect(points(data, UtilFlags.Background | UtilFlags.Sweep)).toEqual([[[1, 1], [501, 0.5], [600, 1], [700, 0.5], [750, 1], [800, 0]]]);
    expect(points(data, 0)).toEqual([[[1, 1], [800, 0]]]);
  });

  it('gives each P its own series, without dedicated workers, in the per-P view', () => {
    const data = scenario();
    expect(points(data, ALL | UtilFlags.PerProc)).toEqual([
      [[1, 1], [100, 0], [200, 1], [300, 0], [350, 1], [700, 0], [750, 1], [800, 0]],
      [[1, 1], [100, 0], [200, 1], [400, 0], [450, 1], [800, 0]],
    ]);
  });

  it('charges a range found active in the first generation back to the trace start', () => {
    const build = (syncN: number) => {
      const rec = createMmuRecorder();
      new Feed(rec)
        .sync(0, syncN)
        .procs(1, 2)
        .range(EventKind.RangeBegin, 2, STW, 0)
        .range(EventKind.RangeEnd, 3, STW, 0)
        .range(EventKind.RangeActive, 4, 'GC incremental sweep', 1)
        .range(EventKind.RangeEnd, 10, 'GC incremental sweep', 1)
        .sync(20, syncN + 1);
      return rec.finish();
    };
    // First generation: every earlier point loses 1/GOMAXPROCS (clamped at 0), then the range
    // acts as begun (0.5 at 4 is no change) and ends at 10.
    expect(points(build(1), UtilFlags.STW | UtilFlags.Sweep)).toEqual([[[1, 0.5], [2, 0], [3, 0.5], [10, 1], [20, 0]]]);
    // Later generations: Active events only restate what is known and are ignored.
    expect(points(build(2), UtilFlags.STW | UtilFlags.Sweep)).toEqual([[[1, 1], [2, 0], [3, 1], [20, 0]]]);
  });

  it('ends and starts per-P series when GOMAXPROCS changes', () => {
    const rec = createMmuRecorder();
    new Feed(rec).sync(0, 1).procs(1, 2).procs(50, 1).procs(70, 2).sync(100, 2);
    expect(points(rec.finish(), UtilFlags.PerProc)).toEqual([
      [[1, 1], [100, 0]],
      [[1, 1], [50, 0]],
      [[70, 1], [100, 0]],
    ]);
  });

  it('answers the /mmu plot and details, cached per flags', () => {
    const data = scenario();
    const { flags, percentiles } = parseUtilFlags('system|stw|background|assist');
    expect(flags).toBe(UtilFlags.STW | UtilFlags.Background | UtilFlags.Assist);
    expect(percentiles).toBe(false);
    expect(data.curve(flags)).toBe(data.curve(flags));

    const plot = data.plot(flags, false);
    // No window of 1 s, 1 ms or 1 µs has an MMU below 0.0001 (they are clipped to the whole
    // 799 ns trace), so xMin drops to 1 ns; xMax is capped by the trace length.
    expect([plot.xMin, plot.xMax, plot.quantiles]).toEqual([1, 799, null]);
    expect(plot.curve).toHaveLength(100);
    expect(plot.curve[0]).toEqual([1, 0]);
    expect(plot.curve[99][0]).toBe(799);

    const mut = data.plot(flags, true);
    expect(mut.quantiles).toEqual([0, 0.001, 0.01, 0.05]);
    expect(mut.curve[50].slice(1)).toEqual([1, 2, 3, 4].map(() => mut.curve[50][1]));

    const worst = data.details(flags, 50);
    expect(worst[0].MutatorUtil).toBe(0);
    expect(worst[0].Time).toBeGreaterThanOrEqual(100);
    expect(worst[0].Time).toBeLessThanOrEqual(150);
  });

  it('has no series before GOMAXPROCS is known, and none for an empty trace', () => {
    const rec = createMmuRecorder();
    new Feed(rec).sync(0, 1).range(EventKind.RangeBegin, 5, STW, 0).sync(10, 2);
    const data = rec.finish();
    expect(data.mutatorUtilization(ALL)).toEqual([]);
    expect(() => data.plot(ALL, false)).toThrow('no mutator utilization data');
    expect(createMmuRecorder().finish().mutatorUtilization(ALL)).toEqual([]);
  });
});
