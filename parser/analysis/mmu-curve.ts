// The minimum-mutator-utilization curve of internal/trace/gc.go (MMUCurve): utilization
// series summarised in bands, windows refined from the lowest band bound up, and the worst
// disjoint windows kept in a heap. Arithmetic follows Go's step by step (same float
// operations, int64 truncations as Math.trunc, container/heap's exact sift order) so the
// results — including which worst windows are found — match go tool trace's.

/** One mutator utilization function: util[i] holds from time[i] until time[i+1]. */
export interface UtilSeries {
  time: Float64Array;
  util: Float64Array;
}

/** Go's UtilWindow: the mean mutator utilization of the window starting at time. */
export interface UtilWindow {
  time: number;
  mutatorUtil: number;
}

/** Go's bandsPerSeries (only tests change it). */
export const DEFAULT_BANDS_PER_SERIES = 1000;

class Series {
  readonly time: Float64Array;
  readonly util: Float64Array;
  /** sums[j]: the integral of the function up to time[j]. */
  readonly sums: Float64Array;
  readonly bandDur: number;
  readonly bandMinUtil: Float64Array;
  readonly bandCumUtil: Float64Array;
  /** The integrator position at each band's left edge. */
  readonly bandPos: Int32Array;

  constructor(series: UtilSeries, bandsPerSeries: number) {
    const { time, util } = series;
    const n = time.length;
    this.time = time;
    this.util = util;
    this.sums = new Float64Array(n);
    let prevTime = 0;
    let prevUtil = 0;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      sum += prevUtil * (time[j] - prevTime);
      this.sums[j] = sum;
      prevTime = time[j];
      prevUtil = util[j];
    }

    const numBands = Math.min(bandsPerSeries, n);
    const dur = time[n - 1] - time[0];
    this.bandDur = Math.max(1, Math.trunc((dur + numBands - 1) / numBands));
    // numBands + 1 bands, the last one recording the final cumulative sum.
    this.bandMinUtil = new Float64Array(numBands + 1);
    this.bandCumUtil = new Float64Array(numBands + 1);
    this.bandPos = new Int32Array(numBands + 1);
    const left = new Integrator(this, 0);
    for (let i = 0; i <= numBands; i++) {
      const [startTime, endTime] = this.bandTime(i);
      const cumUtil = left.advance(startTime);
      let minUtil = 1;
      for (let k = left.pos; k < n && time[k] < endTime; k++) minUtil = Math.min(minUtil, util[k]);
      this.bandMinUtil[i] = minUtil;
      this.bandCumUtil[i] = cumUtil;
      this.bandPos[i] = left.pos;
    }
  }

  get bandCount(): number {
    return this.bandMinUtil.length;
  }

  get duration(): number {
    return this.time[this.time.length - 1] - this.time[0];
  }

  bandTime(i: number): [number, number] {
    const start = i * this.bandDur + this.time[0];
    return [start, start + this.bandDur];
  }

  /** Go's mkBandUtil: a lower bound of the mean utilization of windows starting in each band. */
  bandUtilBounds(seriesIndex: number, window: number, out: BandBound[]): void {
    const bandDur = this.bandDur;
    const minBands = Math.trunc((window + bandDur - 1) / bandDur);
    const maxBands = Math.trunc((window + 2 * (bandDur - 1)) / bandDur);
    if (window > 1 && maxBands < 2) throw new Error('maxBands < 2');
    const tailDur = window % bandDur;
    const nUtil = Math.max(0, this.bandCount - maxBands + 1);
    const mins = this.bandMinUtil;
    for (let i = 0; i < nUtil; i++) {
      let util = 0;
      const l = mins[i];
      const r1 = mins[i + minBands - 1];
      const r2 = mins[i + maxBands - 1];
      const minBand = Math.min(l, Math.min(r1, r2));
      if (minBands === 1) {
        util += minBand * window;
      } else {
        util += minBand * bandDur;
        let midBand = 0;
        if (minBand === l) midBand = Math.min(r1, r2);
        else if (minBand === r1) midBand = Math.min(l, r2);
        else if (minBand === r2) midBand = Math.min(l, r1);
        util += midBand * tailDur;
      }
      if (minBands > 2) util += this.bandCumUtil[i + minBands - 1] - this.bandCumUtil[i + 1];
      out.push({ series: seriesIndex, band: i, utilBound: util / window });
    }
  }

  /** Go's bandMMU: the exact windows whose left edge lies in band `bandIndex`. */
  bandMMU(bandIndex: number, window: number, acc: Accumulator): void {
    const left = new Integrator(this, this.bandPos[bandIndex]);
    const right = new Integrator(this, this.bandPos[bandIndex]);
    let [time, endTime] = this.bandTime(bandIndex);
    const utilEnd = this.time[this.time.length - 1] - window;
    if (utilEnd < endTime) endTime = utilEnd;
    for (;;) {
      const mu = (right.advance(time + window) - left.advance(time)) / window;
      if (acc.addMU(time, mu, window)) break;
      if (time === endTime) break;
      // The windowed function's slope is at most 1/window: skip what cannot go below the bound.
      const minTime = time + Math.trunc((mu - acc.bound) * window);
      const t1 = left.next(time);
      const t2 = right.next(time + window) - window;
      time = t1 < t2 ? t1 : t2;
      if (time < minTime) time = minTime;
      if (time >= endTime) time = endTime;
    }
  }
}

/** Integrates a series from its start, moving forward (Go's integrator). */
class Integrator {
  constructor(private readonly s: Series, public pos: number) {}

  advance(time: number): number {
    const { time: times, util, sums } = this.s;
    const n = times.length;
    let pos = this.pos;
    const maxSeq = 8;
    if (pos + maxSeq < n && times[pos + maxSeq] > time) {
      while (pos + 1 < n && times[pos + 1] <= time) pos++;
    } else {
      let l = pos;
      let r = n;
      while (l < r) {
        const h = (l + r) >>> 1;
        if (times[h] <= time) l = h + 1;
        else r = h;
      }
      pos = l - 1;
    }
    this.pos = pos;
    const partial = time !== times[pos] ? util[pos] * (time - times[pos]) : 0;
    return sums[pos] + partial;
  }

  /** The first change in the function after `time`. */
  next(time: number): number {
    const times = this.s.time;
    for (let i = this.pos; i < times.length; i++) if (times[i] > time) return times[i];
    return Number.POSITIVE_INFINITY;
  }
}

interface BandBound {
  series: number;
  band: number;
  utilBound: number;
}

/** Go's accumulator, minus the MUD branch (see MmuCurve.mud). */
class Accumulator {
  mmu = 1;
  bound = 1;
  readonly worst: UtilWindow[] = [];

  constructor(private readonly nWorst: number) {}

  addMU(time: number, mu: number, window: number): boolean {
    if (mu < this.mmu) this.mmu = mu;
    this.bound = this.mmu;
    if (this.nWorst === 0) return mu === 0;

    const heap = this.worst;
    if (heap.length < this.nWorst || mu < heap[0].mutatorUtil) {
      // Keep windows disjoint: of two overlapping windows keep the worse (the first on a tie).
      let keep = false;
      for (let i = 0; i < heap.length; i++) {
        const ui = heap[i];
        if (time + window > ui.time && ui.time + window > time) {
          if (ui.mutatorUtil <= mu) keep = true;
          else heapRemove(heap, i, worstLess);
          break;
        }
      }
      if (!keep) {
        heapPush(heap, { time, mutatorUtil: mu }, worstLess);
        if (heap.length > this.nWorst) heapPop(heap, worstLess);
      }
    }
    if (heap.length < this.nWorst) this.bound = 1;
    else this.bound = Math.max(this.bound, heap[0].mutatorUtil);
    return heap.length === this.nWorst && heap[0].mutatorUtil === 0;
  }
}

/** Go's utilHeap order: a max-heap on utilization, then on time. */
function worstLess(a: UtilWindow, b: UtilWindow): boolean {
  if (a.mutatorUtil !== b.mutatorUtil) return a.mutatorUtil > b.mutatorUtil;
  return a.time > b.time;
}

function bandLess(a: BandBound, b: BandBound): boolean {
  return a.utilBound < b.utilBound;
}

export class MmuCurve {
  private readonly series: Series[];

  constructor(utils: readonly UtilSeries[], bandsPerSeries = DEFAULT_BANDS_PER_SERIES) {
    this.series = utils.map((u) => new Series(u, bandsPerSeries));
  }

  /** The minimum mutator utilization over all windows of `window` ns. */
  mmu(window: number): number {
    const acc = new Accumulator(0);
    this.run(window, acc);
    return acc.mmu;
  }

  /** Up to n worst windows, worst first (Go's Examples: a new window replaces or yields to the first overlapping one). */
  examples(window: number, n: number): UtilWindow[] {
    const acc = new Accumulator(n);
    this.run(window, acc);
    return [...acc.worst].sort((a, b) => a.mutatorUtil - b.mutatorUtil || a.time - b.time);
  }

  /**
   * Go's MUD quantiles. In Go 1.27 the accumulator returns before its distribution branch
   * whenever it tracks no worst windows (which is always the case for MUD), so no mass is
   * ever recorded and every quantile falls back to the MMU. We reproduce that result.
   */
  mud(window: number, quantiles: readonly number[]): number[] {
    if (quantiles.length === 0) return [];
    const mmu = this.mmu(window);
    return quantiles.map(() => mmu);
  }

  /** The earliest and latest time of any series. */
  bounds(): { min: number; max: number } {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of this.series) {
      min = Math.min(min, s.time[0]);
      max = Math.max(max, s.time[s.time.length - 1]);
    }
    return { min, max };
  }

  private run(window: number, acc: Accumulator): void {
    if (window <= 0) {
      acc.mmu = 0;
      return;
    }
    const bands: BandBound[] = [];
    const windows = this.series.map((s, i) => {
      const w = Math.min(window, s.duration);
      s.bandUtilBounds(i, w, bands);
      return w;
    });
    heapInit(bands, bandLess);
    while (bands.length > 0 && bands[0].utilBound < acc.bound) {
      const { series, band } = bands[0];
      this.series[series].bandMMU(band, windows[series], acc);
      heapPop(bands, bandLess);
    }
  }
}

/** The MMU at each window size. */
export function mmuCurve(util: readonly UtilSeries[], windows: readonly number[]): number[] {
  const curve = new MmuCurve(util);
  return windows.map((w) => curve.mmu(w));
}

// A binary heap with container/heap's exact sift order, so ties resolve as in Go.
type Less<T> = (a: T, b: T) => boolean;

function heapUp<T>(h: T[], j: number, less: Less<T>): void {
  for (;;) {
    const i = Math.trunc((j - 1) / 2);
    if (i === j || !less(h[j], h[i])) break;
    [h[i], h[j]] = [h[j], h[i]];
    j = i;
  }
}

function heapDown<T>(h: T[], i0: number, n: number, less: Less<T>): boolean {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h[j2], h[j1])) j = j2;
    if (!less(h[j], h[i])) break;
    [h[i], h[j]] = [h[j], h[i]];
    i = j;
  }
  return i > i0;
}

function heapInit<T>(h: T[], less: Less<T>): void {
  const n = h.length;
  for (let i = Math.trunc(n / 2) - 1; i >= 0; i--) heapDown(h, i, n, less);
}

function heapPush<T>(h: T[], x: T, less: Less<T>): void {
  h.push(x);
  heapUp(h, h.length - 1, less);
}

function heapPop<T>(h: T[], less: Less<T>): T {
  const n = h.length - 1;
  [h[0], h[n]] = [h[n], h[0]];
  heapDown(h, 0, n, less);
  return h.pop()!;
}

function heapRemove<T>(h: T[], i: number, less: Less<T>): T {
  const n = h.length - 1;
  if (n !== i) {
    [h[i], h[n]] = [h[n], h[i]];
    if (!heapDown(h, i, n, less)) heapUp(h, i, less);
  }
  return h.pop()!;
}
