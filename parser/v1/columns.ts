// Decoded v1 events as struct-of-arrays columns: a v1 trace has to be decoded whole before it
// can be ordered, so one object per event (Go spends 48 bytes on each) is what we avoid.
// See the memory bound at the top of reader.ts.

import { resized } from '../model/typed-arrays.ts';
import { storedArgCount } from './events.ts';

/** Goroutine ids ≥ this go to a side map; real goroutine ids stay far below 2^32. */
const G_OVERFLOW = 0xffffffff;

export class V1Columns {
  /** Wire type (events.ts V1), kept un-renamed: the Local variants lay out their args differently. */
  type: Uint8Array;
  /** P the event happened on: a real P, -1, or one of Go's fake Ps (TimerP…). */
  p: Int32Array;
  /** Ticks relative to the first batch until normalisation, then Go's nanoseconds. */
  ts: Float64Array;
  private g: Uint32Array;
  private readonly bigG = new Map<number, number>();
  /** v1 stack id (0 = none). */
  stk: Uint32Array;
  /** Where the event's argument slots start in `args` (storedArgCount(type) of them). */
  argOff: Uint32Array;
  args: Float64Array;
  length = 0;
  argLength = 0;

  constructor(capacity: number, argCapacity: number) {
    this.type = new Uint8Array(capacity);
    this.p = new Int32Array(capacity);
    this.ts = new Float64Array(capacity);
    this.g = new Uint32Array(capacity);
    this.stk = new Uint32Array(capacity);
    this.argOff = new Uint32Array(capacity);
    this.args = new Float64Array(argCapacity);
  }

  /** Appends an event; its argument slots follow with pushArg. Returns its index. */
  push(type: number, p: number, ts: number, g: number, stk: number): number {
    if (this.length === this.type.length) this.grow();
    const i = this.length++;
    this.type[i] = type;
    this.p[i] = p;
    this.ts[i] = ts;
    this.setG(i, g);
    this.stk[i] = stk;
    this.argOff[i] = this.argLength;
    return i;
  }

  pushArg(value: number): void {
    if (this.argLength === this.args.length) this.args = resized(this.args, Math.max(16, this.args.length * 2));
    this.args[this.argLength++] = value;
  }

  /** Go's ev.Args[k]: slots the type does not have read as 0, as in Go's fixed [4]uint64. */
  arg(i: number, k: number): number {
    return k < storedArgCount(this.type[i]) ? this.args[this.argOff[i] + k] : 0;
  }

  getG(i: number): number {
    const g = this.g[i];
    return g === G_OVERFLOW ? this.bigG.get(i)! : g;
  }

  setG(i: number, g: number): void {
    if (g >= G_OVERFLOW) {
      this.g[i] = G_OVERFLOW;
      this.bigG.set(i, g);
    } else this.g[i] = g;
  }

  /** Bytes held, for the memory measurements reported in reader.ts. */
  byteSize(): number {
    return this.type.byteLength + this.p.byteLength + this.ts.byteLength + this.g.byteLength +
      this.stk.byteLength + this.argOff.byteLength + this.args.byteLength;
  }

  /** Only reached when pass 1 stopped early (see decode.ts); normally capacity is exact. */
  private grow(): void {
    const capacity = Math.max(16, this.type.length * 2);
    const widen = <T extends Uint8Array | Int32Array | Float64Array | Uint32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old as never);
      return next;
    };
    this.type = widen(this.type, (n) => new Uint8Array(n));
    this.p = widen(this.p, (n) => new Int32Array(n));
    this.ts = widen(this.ts, (n) => new Float64Array(n));
    this.g = widen(this.g, (n) => new Uint32Array(n));
    this.stk = widen(this.stk, (n) => new Uint32Array(n));
    this.argOff = widen(this.argOff, (n) => new Uint32Array(n));
  }
}
