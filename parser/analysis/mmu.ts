// Mutator utilization for the /mmu page (internal/trace/gc.go MutatorUtilizationV2 and
// traceviewer/mmu.go). One pass keeps only the events that can change utilization under
// some flag combination — GOMAXPROCS changes, GC stop-the-world / sweep / mark-assist
// ranges, GC worker labels, and running/not-running transitions of goroutines that are in a
// mark assist or are GC workers — in typed-array columns. mutatorUtilization(flags) replays
// them with Go's algorithm for any flags, and the curve per flags is cached.

import { EventKind, GoState, ResourceKind, goStateExecuting, type Nanoseconds, type TraceEvent } from '../model/event.ts';
import type { Analysis } from './analysis.ts';
import { MmuCurve, type UtilSeries, type UtilWindow } from './mmu-curve.ts';
import { GrowableColumn } from '../model/timeline-columns.ts';
import { IdSet } from './id-set.ts';

/** Go's trace.UtilFlags, same bits. */
export const UtilFlags = {
  STW: 1,
  Background: 2,
  Assist: 4,
  Sweep: 8,
  PerProc: 16,
} as const;

/** The names the /mmu page uses in its `flags` parameter ("perProc|stw|…"). */
const FLAG_NAMES: Readonly<Record<string, number>> = {
  perProc: UtilFlags.PerProc,
  stw: UtilFlags.STW,
  background: UtilFlags.Background,
  assist: UtilFlags.Assist,
  sweep: UtilFlags.Sweep,
};

/** Go's requestUtilFlags plus the "mut" (show percentiles) switch of HandlePlot. */
export function parseUtilFlags(flags: string): { flags: number; percentiles: boolean } {
  let bits = 0;
  let percentiles = false;
  for (const name of flags.split('|')) {
    bits |= FLAG_NAMES[name] ?? 0;
    if (name === 'mut') percentiles = true;
  }
  return { flags: bits, percentiles };
}

/** The /mmu?mode=plot answer, as Go's JSON. */
export interface MmuPlot {
  xMin: number;
  xMax: number;
  quantiles: number[] | null;
  /** [window ns, MMU] or [window ns, ...quantile MUs]. */
  curve: number[][];
}

/** One /mmu?mode=details entry (Go adds a timeline URL; the server builds its own link). */
export interface MmuWorstWindow {
  Time: Nanoseconds;
  MutatorUtil: number;
}

const GOMAXPROCS_METRIC = '/sched/gomaxprocs:threads';

// Recorded operations.
const OP_PROCS = 1;
const OP_RANGE_BEGIN = 2;
const OP_RANGE_ACTIVE = 3;
const OP_RANGE_END = 4;
const OP_TRANSITION = 5;
const OP_LABEL = 6;

// Range classes (aux low bits) — the only ranges MutatorUtilizationV2 looks at.
const RANGE_STW = 1;
const RANGE_SWEEP = 2;
const RANGE_ASSIST = 3;
const RANGE_CLASS_MASK = 3;
/** RangeActive: the event's goroutine was executing (Go's states[ev.Goroutine()].Executing()). */
const AUX_EXECUTING = 4;
/** Transition: the goroutine is executing afterwards. Label: "GC (dedicated)". */
const AUX_FLAG = 1;

function rangeClass(name: string): number {
  if (name.startsWith('stop-the-world') && name.includes('GC')) return RANGE_STW;
  if (name === 'GC incremental sweep') return RANGE_SWEEP;
  if (name === 'GC mark assist') return RANGE_ASSIST;
  return 0;
}

interface OpColumns {
  op: Uint8Array;
  aux: Uint8Array;
  time: Float64Array;
  proc: Int32Array;
  /** Goroutine id (range scope, transition, label) or the GOMAXPROCS value. */
  arg: Float64Array;
}

export function createMmuRecorder(): MmuRecorder {
  return new MmuRecorder();
}

export class MmuRecorder implements Analysis<MmuData> {
  private readonly op = new GrowableColumn(Uint8Array);
  private readonly aux = new GrowableColumn(Uint8Array);
  private readonly time = new GrowableColumn(Float64Array);
  private readonly proc = new GrowableColumn(Int32Array);
  private readonly arg = new GrowableColumn(Float64Array);

  // Record-time state: a superset of what any flag combination needs, so that nothing a
  // replay could use is dropped.
  private nSync = 0;
  private procs = 0;
  // Goroutine ids: bitmaps, as every goroutine transition asks about them.
  private readonly executing = new IdSet();
  private readonly inAssist = new IdSet();
  private readonly gcWorkers = new IdSet();

  private eventsSeen = 0;
  private lastEventTime: Nanoseconds = NaN;
  private lastSyncOrdinal = -1;
  private opsAtLastSync = 0;
  private lastSyncTime: Nanoseconds = NaN;

  handleEvent(ev: TraceEvent): void {
    this.eventsSeen++;
    this.lastEventTime = ev.time;
    switch (ev.kind) {
      case EventKind.Sync:
        this.nSync = ev.syncN;
        if (this.nSync > 1) this.executing.clear();
        this.lastSyncOrdinal = this.eventsSeen - 1;
        this.opsAtLastSync = this.op.length;
        this.lastSyncTime = ev.time;
        return;
      case EventKind.Metric:
        if (ev.name === GOMAXPROCS_METRIC) {
          this.procs = Number(ev.value);
          this.push(OP_PROCS, 0, ev.time, ev.p, this.procs);
        }
        return;
    }
    // Go ignores everything until it knows GOMAXPROCS.
    if (this.procs === 0) return;
    switch (ev.kind) {
      case EventKind.RangeActive:
      case EventKind.RangeBegin:
      case EventKind.RangeEnd: {
        const cls = rangeClass(ev.name);
        if (cls === 0) return;
        // After a full generation, Active events only repeat what is known.
        if (ev.kind === EventKind.RangeActive && this.nSync > 1) return;
        const scope = ev.resourceKind === ResourceKind.Goroutine ? ev.resourceId : -1;
        let aux = cls;
        if (ev.kind === EventKind.RangeActive && this.executing.has(ev.g)) aux |= AUX_EXECUTING;
        const op = ev.kind === EventKind.RangeBegin ? OP_RANGE_BEGIN : ev.kind === EventKind.RangeActive ? OP_RANGE_ACTIVE : OP_RANGE_END;
        this.push(op, aux, ev.time, ev.p, scope);
        if (cls === RANGE_ASSIST && scope !== -1) {
          if (op === OP_RANGE_END) this.inAssist.delete(scope);
          else this.inAssist.add(scope);
        }
        return;
      }
      case EventKind.StateTransition: {
        if (ev.resourceKind !== ResourceKind.Goroutine) return;
        const g = ev.resourceId;
        const wasExecuting = goStateExecuting(ev.oldState as GoState);
        const isExecuting = goStateExecuting(ev.newState as GoState);
        // The cheap test first: most transitions are of ordinary goroutines.
        if (wasExecuting !== isExecuting && (this.inAssist.has(g) || this.gcWorkers.has(g))) {
          this.push(OP_TRANSITION, isExecuting ? AUX_FLAG : 0, ev.time, ev.p, g);
        }
        // Only RangeActive events of the first generation ask whether a goroutine is executing.
        if (this.nSync <= 1) {
          if (isExecuting) this.executing.add(g);
          else this.executing.delete(g);
        }
        return;
      }
      case EventKind.Label:
        if (ev.name.startsWith('GC ') && ev.name !== 'GC (idle)') {
          this.gcWorkers.add(ev.g);
          this.push(OP_LABEL, ev.name === 'GC (dedicated)' ? AUX_FLAG : 0, ev.time, ev.p, ev.g);
        }
        return;
    }
  }

  private push(op: number, aux: number, time: Nanoseconds, proc: number, arg: number): void {
    this.op.push(op);
    this.aux.push(aux);
    this.time.push(time);
    this.proc.push(proc);
    this.arg.push(arg);
  }

  /** `validEvents`: see BlockingProfilesRecorder.finish. */
  finish(validEvents?: number): MmuData {
    const truncated = validEvents !== undefined && validEvents < this.eventsSeen && validEvents === this.lastSyncOrdinal + 1;
    const count = truncated ? this.opsAtLastSync : this.op.length;
    const lastTime = truncated ? this.lastSyncTime : this.lastEventTime;
    return new MmuData(
      {
        op: this.op.trimmed(count),
        aux: this.aux.trimmed(count),
        time: this.time.trimmed(count),
        proc: this.proc.trimmed(count),
        arg: this.arg.trimmed(count),
      },
      this.eventsSeen === 0 ? null : lastTime,
    );
  }
}

/** A utilization function being built (Go's []MutatorUtil with addUtil). */
class SeriesBuilder {
  private readonly time = new GrowableColumn(Float64Array, 16);
  private readonly util = new GrowableColumn(Float64Array, 16);

  constructor(time: number, util: number) {
    this.time.push(time);
    this.util.push(util);
  }

  add(time: number, util: number): void {
    const last = this.time.length - 1;
    if (last >= 0) {
      if (util === this.util.get(last)) return;
      if (time === this.time.get(last)) {
        // Keep the lowest utilization at one timestamp.
        if (util < this.util.get(last)) this.util.set(last, util);
        return;
      }
    }
    this.time.push(time);
    this.util.push(util);
  }

  get size(): number {
    return this.time.length;
  }

  timeAt(i: number): number {
    return this.time.get(i);
  }

  /** Go's fix-up for a range found active at trace start: -1/procs back to the start. */
  subtractShare(procs: readonly { time: number; n: number }[]): void {
    let mi = 0;
    let pi = 0;
    while (mi < this.size) {
      if (pi < procs.length - 1 && procs[pi + 1].time < this.time.get(mi)) {
        pi++;
        continue;
      }
      let u = this.util.get(mi) - 1 / procs[pi].n;
      if (u < 0) u = 0;
      this.util.set(mi, u);
      mi++;
    }
  }

  build(): UtilSeries {
    return { time: this.time.trimmed(), util: this.util.trimmed() };
  }
}

interface CacheEntry {
  util: UtilSeries[];
  curve: MmuCurve | null;
}

/** What the /mmu page needs, for any flags; curves are computed once per flags. */
export class MmuData {
  private readonly cache = new Map<number, CacheEntry>();

  constructor(private readonly ops: OpColumns, private readonly lastEventTime: Nanoseconds | null) {}

  get recordedOps(): number {
    return this.ops.op.length;
  }

  /** Go's MutatorUtilizationV2: one series, or one per P with UtilFlags.PerProc. */
  mutatorUtilization(flags: number): UtilSeries[] {
    return this.entry(flags).util;
  }

  /** The MMU curve for these flags (null when the trace has no utilization data). */
  curve(flags: number): MmuCurve | null {
    const entry = this.entry(flags);
    if (entry.curve === null && entry.util.length > 0) entry.curve = new MmuCurve(entry.util);
    return entry.curve;
  }

  /** /mmu?mode=plot (traceviewer's HandlePlot). */
  plot(flags: number, percentiles: boolean): MmuPlot {
    const curve = this.curve(flags);
    if (curve === null) throw new Error('no mutator utilization data in this trace');
    return mmuPlot(curve, percentiles);
  }

  /** /mmu?mode=details: the 10 worst disjoint windows of this size (HandleDetails). */
  details(flags: number, window: number): MmuWorstWindow[] {
    const curve = this.curve(flags);
    if (curve === null) throw new Error('no mutator utilization data in this trace');
    return curve.examples(window, 10).map((w: UtilWindow) => ({ Time: w.time, MutatorUtil: w.mutatorUtil }));
  }

  private entry(flags: number): CacheEntry {
    let entry = this.cache.get(flags);
    if (entry === undefined) {
      entry = { util: this.replay(flags), curve: null };
      this.cache.set(flags, entry);
    }
    return entry;
  }

  private replay(flags: number): UtilSeries[] {
    const perProc = (flags & UtilFlags.PerProc) !== 0;
    const wantSTW = (flags & UtilFlags.STW) !== 0;
    const wantAssist = (flags & UtilFlags.Assist) !== 0;
    const wantSweep = (flags & UtilFlags.Sweep) !== 0;
    const wantBackground = (flags & UtilFlags.Background) !== 0;
    const handles = (cls: number): boolean =>
      (cls === RANGE_STW && wantSTW) || (cls === RANGE_SWEEP && wantSweep) || (cls === RANGE_ASSIST && wantAssist);

    const out: SeriesBuilder[] = [];
    const psGC: number[] = [];
    const psSeries: number[] = [];
    const procs: { time: number; n: number }[] = [];
    const inGC = new Set<number>();
    const bgMark = new Set<number>();
    let stw = 0;

    const { op, aux, time, proc, arg } = this.ops;
    for (let i = 0; i < op.length; i++) {
      const t = time[i];
      const p = proc[i];
      switch (op[i]) {
        case OP_PROCS: {
          const n = arg[i];
          if (psGC.length > n) {
            if (perProc) for (let k = n; k < psGC.length; k++) out[psSeries[k]].add(t, 0);
            psGC.length = n;
            psSeries.length = n;
          }
          while (psGC.length < n) {
            let series = 0;
            if (perProc || out.length === 0) {
              series = out.length;
              out.push(new SeriesBuilder(t, 1));
            }
            psGC.push(0);
            psSeries.push(series);
          }
          if (procs.length === 0 || n !== procs[procs.length - 1].n) procs.push({ time: t, n });
          break;
        }
        case OP_RANGE_ACTIVE:
        case OP_RANGE_BEGIN: {
          const cls = aux[i] & RANGE_CLASS_MASK;
          if (!handles(cls)) break;
          if (op[i] === OP_RANGE_ACTIVE && !perProc) {
            // Found out late that this P was in sweep / this G in assist since the start.
            const counts = cls === RANGE_SWEEP || (cls === RANGE_ASSIST && (aux[i] & AUX_EXECUTING) !== 0);
            if (counts) out[0].subtractShare(procs);
          }
          if (cls === RANGE_STW) stw++;
          else {
            if (p >= 0 && p < psGC.length) psGC[p]++;
            if (cls === RANGE_ASSIST && arg[i] !== -1) inGC.add(arg[i]);
          }
          break;
        }
        case OP_RANGE_END: {
          const cls = aux[i] & RANGE_CLASS_MASK;
          if (!handles(cls)) break;
          if (cls === RANGE_STW) stw--;
          else {
            if (p >= 0 && p < psGC.length) psGC[p]--;
            if (cls === RANGE_ASSIST && arg[i] !== -1) inGC.delete(arg[i]);
          }
          break;
        }
        case OP_TRANSITION: {
          const g = arg[i];
          if ((inGC.has(g) || bgMark.has(g)) && p >= 0 && p < psGC.length) {
            psGC[p] += (aux[i] & AUX_FLAG) !== 0 ? 1 : -1;
          }
          break;
        }
        case OP_LABEL:
          // Dedicated workers push every goroutine off their P: per-P they hide no latency.
          if (wantBackground && !(perProc && (aux[i] & AUX_FLAG) !== 0)) {
            bgMark.add(arg[i]);
            if (p >= 0 && p < psGC.length) psGC[p]++;
          }
          break;
      }
      if (psGC.length === 0) continue;
      if (!perProc) {
        let gcPs = 0;
        if (stw > 0) gcPs = psGC.length;
        else for (const c of psGC) if (c > 0) gcPs++;
        out[0].add(t, 1 - gcPs / psGC.length);
      } else {
        for (let k = 0; k < psGC.length; k++) out[psSeries[k]].add(t, stw > 0 || psGC[k] > 0 ? 0 : 1);
      }
    }
    if (this.lastEventTime === null) return [];
    // Every series ends at 0 at the last event, marking the end of the trace.
    for (let k = 0; k < psSeries.length; k++) out[psSeries[k]].add(this.lastEventTime, 0);
    return out.map((s) => s.build());
  }
}

/** traceviewer's HandlePlot: 100 log-spaced windows between xMin and xMax. */
export function mmuPlot(curve: MmuCurve, percentiles: boolean): MmuPlot {
  // Go folds 1-.999 etc. as exact constants.
  const quantiles = percentiles ? [0, 0.001, 0.01, 0.05] : null;
  let xMin = 1e9;
  while (xMin > 1) {
    if (curve.mmu(xMin) < 0.0001) break;
    xMin = Math.trunc(xMin / 1000);
  }
  let xMax = xMin * 1e6;
  const { min, max } = curve.bounds();
  if (xMax > max - min) xMax = max - min;
  const logMin = Math.log(xMin);
  const logMax = Math.log(xMax);
  const samples = 100;
  const plot: number[][] = [];
  for (let i = 0; i < samples; i++) {
    const window = Math.trunc(Math.exp((i / (samples - 1)) * (logMax - logMin) + logMin));
    plot.push(quantiles === null ? [window, curve.mmu(window)] : [window, ...curve.mud(window, quantiles)]);
  }
  return { xMin, xMax, quantiles, curve: plot };
}
