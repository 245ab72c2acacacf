// Counter series of the timeline (Heap, Goroutines, Threads). The Goroutines counter gets a
// point per goroutine transition — tens of millions in a big trace — so integer series whose
// values move by at most one per point are delta-coded: 2 bytes of time step and 2 bytes of
// per-series ±1 codes per point, with an index every BLOCK points (absolute time, values and
// maxima) that lets a tile jump over whole blocks. Other series keep plain columns.

import { grown, trimmedView } from './typed-arrays.ts';
import { lowerBound } from './timeline-columns.ts';

/** One step series: values hold from time[i] until time[i+1]. */
export interface CounterSeries {
  id: number;
  name: string;
  /** Series names, in the order of `values`. */
  series: readonly string[];
  readonly length: number;
  /**
   * Every point's time and values as plain columns. Delta-coded series decode them on each
   * access (exports only: tiles use pixels()).
   */
  readonly time: Float64Array;
  readonly values: (Float64Array | Int32Array)[];
  /** Points in [t0, t1] plus the one in force at t0, at most one per pixel holding its points' maxima. */
  pixels(t0: number, t1: number, resolution: number): CounterPixels;
  readonly bytes: number;
}

export interface CounterPixels {
  /** Time of each pixel's first point. */
  time: number[];
  /** Per series, the maximum of each pixel's points. */
  values: number[][];
  /** How many points each entry stands for. */
  merged: number[];
}

/** A series kept as plain columns (few points, or values that jump). */
export class PlainCounter implements CounterSeries {
  constructor(
    readonly id: number,
    readonly name: string,
    readonly series: readonly string[],
    readonly time: Float64Array,
    readonly values: (Float64Array | Int32Array)[],
  ) {}

  get length(): number {
    return this.time.length;
  }

  get bytes(): number {
    return this.time.byteLength + this.values.reduce((n, v) => n + v.byteLength, 0);
  }

  pixels(t0: number, t1: number, resolution: number): CounterPixels {
    const time = this.time;
    const out: CounterPixels = { time: [], values: this.values.map(() => []), merged: [] };
    const first = Math.max(0, lowerBound(time, 0, time.length, t0, true) - 1);
    const last = lowerBound(time, first, time.length, t1, true);
    let i = first;
    while (i < last) {
      const pixelEnd = (Math.floor(time[i] / resolution) + 1) * resolution;
      const j = Math.min(last, lowerBound(time, i + 1, last, pixelEnd));
      out.time.push(time[i]);
      for (let k = 0; k < this.values.length; k++) {
        const col = this.values[k];
        let m = col[i];
        for (let x = i + 1; x < j; x++) if (col[x] > m) m = col[x];
        out.values[k].push(m);
      }
      out.merged.push(j - i);
      i = j;
    }
    return out;
  }
}

const BLOCK_BITS = 8;
/** Points per index block. */
const BLOCK = 1 << BLOCK_BITS;
/** Time steps at or above this (or negative, or fractional) are kept exactly in a map. */
const STEP_ESCAPE = 0xffff;
/** Per-series 2-bit codes: no change, +1, −1, and "this point's values are in the escape map". */
export const DELTA_PLUS = 1;
export const DELTA_MINUS = 2;
const DELTA_ESCAPE = 3;
const MAX_SERIES = 8;

/** Appends points of an integer step series and delta-codes them (see the file comment). */
export class DeltaCounterBuilder {
  private step = new Uint16Array(1024);
  private code = new Uint16Array(1024);
  private count = 0;
  private readonly stepEscapes = new Map<number, number>();
  private readonly valueEscapes = new Map<number, Int32Array>();
  private readonly blockTime: number[] = [];
  private readonly blockValues: number[] = [];
  /** Maxima of the finished blocks; the current block's are in blockMaxNow. */
  private readonly blockMax: number[] = [];
  private readonly blockMaxNow: Int32Array;
  private readonly last: Int32Array;
  private readonly seriesCount: number;
  private lastTime = 0;

  constructor(readonly name: string, readonly series: readonly string[]) {
    if (series.length > MAX_SERIES) throw new Error(`delta counters hold at most ${MAX_SERIES} series`);
    this.seriesCount = series.length;
    this.last = new Int32Array(series.length);
    this.blockMaxNow = new Int32Array(series.length);
  }

  get length(): number {
    return this.count;
  }

  /** Whether `values` equal the last point's (false before the first point). */
  repeatsLast(values: ArrayLike<number>): boolean {
    if (this.count === 0) return false;
    for (let k = 0; k < this.last.length; k++) if (values[k] !== this.last[k]) return false;
    return true;
  }

  /** Appends a point; times must not decrease, values must be int32. */
  push(time: number, values: ArrayLike<number>): void {
    const i = this.count;
    if (i === this.step.length) this.grow();
    const n = this.seriesCount;
    const last = this.last;
    const max = this.blockMaxNow;
    if ((i & (BLOCK - 1)) === 0) {
      if (i > 0) this.closeBlock();
      this.blockTime.push(time);
      for (let k = 0; k < n; k++) {
        this.blockValues.push(values[k]);
        max[k] = values[k];
        last[k] = values[k];
      }
      this.step[i] = 0;
      this.code[i] = 0;
    } else {
      this.encodeStep(i, time);
      // One loop per point (this runs once per goroutine transition): codes and block maxima.
      let code = 0;
      let escape = false;
      for (let k = 0; k < n; k++) {
        const v = values[k];
        const d = v - last[k];
        if (d === 1) code |= DELTA_PLUS << (2 * k);
        else if (d === -1) code |= DELTA_MINUS << (2 * k);
        else if (d !== 0) escape = true;
        if (v > max[k]) max[k] = v;
        last[k] = v;
      }
      if (escape) this.valueEscapes.set(i, Int32Array.from(values as ArrayLike<number>));
      this.code[i] = escape ? DELTA_ESCAPE : code;
    }
    this.lastTime = time;
    this.count++;
  }

  /**
   * Appends a point whose values are the last point's moved by ±1 steps: `code` holds a 2-bit
   * DELTA_PLUS / DELTA_MINUS per series (series k at bits 2k). For a writer that knows which
   * counts a transition moves, this skips comparing every series. Times must not decrease.
   */
  pushSteps(at: { readonly time: number }, code: number): void {
    // The time comes in a field, not as an argument: a double passed to a call that is not
    // inlined is boxed, and this runs at nearly every goroutine transition.
    const time = at.time;
    const i = this.count;
    if (i === this.step.length) this.grow();
    const last = this.last;
    const max = this.blockMaxNow;
    if ((i & (BLOCK - 1)) === 0) {
      for (let k = 0, c = code; c !== 0; k++, c >>>= 2) {
        const d = c & 3;
        if (d === DELTA_PLUS) last[k]++;
        else if (d === DELTA_MINUS) last[k]--;
      }
      if (i > 0) this.closeBlock();
      this.blockTime.push(time);
      for (let k = 0; k < this.seriesCount; k++) {
        this.blockValues.push(last[k]);
        max[k] = last[k];
      }
      this.step[i] = 0;
      this.code[i] = 0;
    } else {
      this.encodeStep(i, time);
      // Only a series stepping up can raise its block maximum.
      for (let k = 0, c = code; c !== 0; k++, c >>>= 2) {
        const d = c & 3;
        if (d === DELTA_PLUS) {
          const v = ++last[k];
          if (v > max[k]) max[k] = v;
        } else if (d === DELTA_MINUS) last[k]--;
      }
      this.code[i] = code;
    }
    this.lastTime = time;
    this.count++;
  }

  /** Point i's time as a step from the last point's, or an escape holding it whole. */
  private encodeStep(i: number, time: number): void {
    const dt = time - this.lastTime;
    if (dt >= 0 && dt < STEP_ESCAPE && Math.floor(dt) === dt) this.step[i] = dt;
    else {
      this.step[i] = STEP_ESCAPE;
      this.stepEscapes.set(i, time);
    }
  }

  /** Every block's maxima, the current block's included. */
  private blockMaxima(): Int32Array {
    const closed = this.blockMax.length;
    const out = new Int32Array(closed + (this.count > 0 ? this.seriesCount : 0));
    out.set(this.blockMax);
    if (this.count > 0) out.set(this.blockMaxNow, closed);
    return out;
  }

  /** Moves the current block's maxima to blockMax. */
  private closeBlock(): void {
    for (let k = 0; k < this.seriesCount; k++) this.blockMax.push(this.blockMaxNow[k]);
  }

  private grow(): void {
    this.step = grown(this.step);
    this.code = grown(this.code);
  }

  build(id: number): DeltaCounter {
    return new DeltaCounter(id, this.name, this.series, this.count, trimmedView(this.step, this.count), trimmedView(this.code, this.count),
      this.stepEscapes, this.valueEscapes, Float64Array.from(this.blockTime), Int32Array.from(this.blockValues), this.blockMaxima());
  }
}

export class DeltaCounter implements CounterSeries {
  constructor(
    readonly id: number,
    readonly name: string,
    readonly series: readonly string[],
    readonly length: number,
    private readonly step: Uint16Array,
    private readonly code: Uint16Array,
    private readonly stepEscapes: ReadonlyMap<number, number>,
    private readonly valueEscapes: ReadonlyMap<number, Int32Array>,
    /** Per block: the time and values of its first point, and the maxima of its points. */
    private readonly blockTime: Float64Array,
    private readonly blockValues: Int32Array,
    private readonly blockMax: Int32Array,
  ) {}

  get bytes(): number {
    return this.step.byteLength + this.code.byteLength + this.blockTime.byteLength + this.blockValues.byteLength + this.blockMax.byteLength
      + this.stepEscapes.size * 40 + this.valueEscapes.size * (40 + 4 * this.series.length);
  }

  // The last full decode, while something still uses it: exports read `time[i]` in loops.
  private decoded: WeakRef<{ time: Float64Array; values: Int32Array[] }> | null = null;

  get time(): Float64Array {
    return this.decodeAll().time;
  }

  get values(): Int32Array[] {
    return this.decodeAll().values;
  }

  private decodeAll(): { time: Float64Array; values: Int32Array[] } {
    const cached = this.decoded?.deref();
    if (cached) return cached;
    const decoded = this.decode();
    this.decoded = new WeakRef(decoded);
    return decoded;
  }

  private decode(): { time: Float64Array; values: Int32Array[] } {
    const n = this.series.length;
    const time = new Float64Array(this.length);
    const values = this.series.map(() => new Int32Array(this.length));
    const cursor = new DeltaCursor(this);
    for (let i = 0; i < this.length; i++) {
      cursor.moveTo(i);
      time[i] = cursor.time;
      for (let k = 0; k < n; k++) values[k][i] = cursor.values[k];
    }
    return { time, values };
  }

  /** Index of the first point whose time is > t (strict) or >= t. */
  firstAfter(t: number, strict: boolean): number {
    // The last block starting at or before t (strict: < t when not strict) holds the answer or it is the next block's first point.
    const b = lowerBound(this.blockTime, 0, this.blockTime.length, t, strict) - 1;
    if (b < 0) return 0;
    const cursor = new DeltaCursor(this);
    cursor.moveTo(b << BLOCK_BITS);
    const end = Math.min(this.length, (b + 1) << BLOCK_BITS);
    for (let i = b << BLOCK_BITS; i < end; i++) {
      cursor.moveTo(i);
      if (strict ? cursor.time > t : cursor.time >= t) return i;
    }
    return end;
  }

  pixels(t0: number, t1: number, resolution: number): CounterPixels {
    const n = this.series.length;
    const out: CounterPixels = { time: [], values: this.series.map(() => []), merged: [] };
    if (this.length === 0) return out;
    const first = Math.max(0, this.firstAfter(t0, true) - 1);
    const last = this.firstAfter(t1, true);
    const cursor = new DeltaCursor(this);
    const max = new Int32Array(n);
    let i = first;
    cursor.moveTo(i);
    while (i < last) {
      const pixelEnd = (Math.floor(cursor.time / resolution) + 1) * resolution;
      out.time.push(cursor.time);
      for (let k = 0; k < n; k++) max[k] = cursor.values[k];
      const from = i;
      i++;
      for (;;) {
        if (i >= last) break;
        // A whole block inside the pixel: its maxima, without decoding it.
        if ((i & (BLOCK - 1)) === 0) {
          const b = i >> BLOCK_BITS;
          if (b + 1 < this.blockTime.length && this.blockTime[b + 1] < pixelEnd && ((b + 1) << BLOCK_BITS) <= last) {
            for (let k = 0; k < n; k++) if (this.blockMax[b * n + k] > max[k]) max[k] = this.blockMax[b * n + k];
            i = (b + 1) << BLOCK_BITS;
            continue;
          }
        }
        cursor.moveTo(i);
        if (cursor.time >= pixelEnd) break;
        for (let k = 0; k < n; k++) if (cursor.values[k] > max[k]) max[k] = cursor.values[k];
        i++;
      }
      for (let k = 0; k < n; k++) out.values[k].push(max[k]);
      out.merged.push(i - from);
      if (i < last) cursor.moveTo(i);
    }
    return out;
  }

  /** For DeltaCursor. */
  blockStart(b: number, values: Int32Array): number {
    const n = this.series.length;
    for (let k = 0; k < n; k++) values[k] = this.blockValues[b * n + k];
    return this.blockTime[b];
  }

  /** Applies point i (not a block's first) to the running time and values; returns the new time. */
  apply(i: number, time: number, values: Int32Array): number {
    const step = this.step[i];
    const t = step === STEP_ESCAPE ? this.stepEscapes.get(i)! : time + step;
    const code = this.code[i];
    if (code === DELTA_ESCAPE) {
      values.set(this.valueEscapes.get(i)!);
      return t;
    }
    for (let k = 0, c = code; c !== 0; k++, c >>>= 2) {
      const d = c & 3;
      if (d === DELTA_PLUS) values[k]++;
      else if (d === DELTA_MINUS) values[k]--;
    }
    return t;
  }
}

/** Decodes a delta counter point by point; moving forward within a block is one step. */
class DeltaCursor {
  readonly values: Int32Array;
  time = 0;
  private index = -1;

  constructor(private readonly counter: DeltaCounter) {
    this.values = new Int32Array(counter.series.length);
  }

  moveTo(i: number): void {
    if (i === this.index) return;
    if (i < this.index || i >> BLOCK_BITS !== this.index >> BLOCK_BITS || this.index < 0) {
      const b = i >> BLOCK_BITS;
      this.time = this.counter.blockStart(b, this.values);
      this.index = b << BLOCK_BITS;
    }
    while (this.index < i) {
      this.index++;
      this.time = this.counter.apply(this.index, this.time, this.values);
    }
  }
}
