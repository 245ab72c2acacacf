// Per-M cursors over a generation's event batches and the min-heap that merges them by time
// (Go's batchcursor.go). The heap operations follow Go's exactly, including how ties are
// broken, because which M is tried first decides the order of same-time events.

import { VarintCursor, VarintStatus } from '../wire/varint.ts';
import type { Batch } from './batch.ts';
import { NOT_TIMED, specs, timedArgCount } from './specs.ts';
import { ticksToNs } from './generation.ts';

/** A decoding failure inside an event batch (Go's readTimedBaseEvent errors). */
export class BatchDecodeError extends Error {}

export class BatchCursor {
  private idx = 0;
  private dataOff = 0;
  private lastTs = 0;
  private readonly varint = new VarintCursor();
  /** Read position while decoding an event. */
  private pos = 0;
  // The current event (Go's baseEvent): what ordering inspects and may rewrite.
  typ = 0;
  time = 0;
  readonly args = new Float64Array(4);

  /**
   * `nsPerTick`: the generation's frequency, kept here rather than passed to every nextEvent: a
   * double passed to a call V8 does not inline is boxed, an allocation per event.
   */
  constructor(readonly m: number, private readonly batches: Batch[], private readonly nsPerTick: number) {}

  /** Decodes the next event into typ/time/args; false when the M's batches are exhausted. */
  nextEvent(): boolean {
    const freq = this.nsPerTick;
    const batches = this.batches;
    while (this.idx < batches.length && batches[this.idx].data.length === this.dataOff) {
      this.idx++;
      this.dataOff = 0;
      this.lastTs = 0;
    }
    if (this.idx === batches.length) return false;
    const batch = batches[this.idx];
    if (this.lastTs === 0) this.lastTs = ticksToNs(batch.time, freq);

    const data = batch.data;
    const end = data.length;
    let pos = this.dataOff;
    const typ = data[pos];
    if (typ >= specs.length) throw new BatchDecodeError(`found invalid event type: ${typ}`);
    const nargs = timedArgCount[typ];
    if (nargs === NOT_TIMED) throw new BatchDecodeError(`found event without a timestamp: type=${typ}`);
    this.pos = pos + 1;
    const tsdiff = this.uvarint(data, end, 'found invalid uvarint for timestamp');
    const args = this.args;
    for (let i = 0; i < nargs; i++) args[i] = this.uvarint(data, end, 'found invalid uvarint');
    pos = this.pos;
    // Go reuses the event's args array: arguments beyond this type's count keep old values.
    this.typ = typ;
    this.time = ticksToNs(tsdiff, freq) + this.lastTs;
    this.lastTs = this.time;
    this.dataOff = pos;
    return true;
  }

  /**
   * Reads a varint at this.pos. Up to 7 bytes (< 2^49, exact in a double: every real value) are
   * decoded here; longer, malformed or cut-off ones go through VarintCursor, which has Go's rules.
   */
  private uvarint(data: Uint8Array, end: number, failure: string): number {
    const pos = this.pos;
    const fastEnd = pos + 7 < end ? pos + 7 : end;
    let value = 0;
    let scale = 1;
    for (let i = pos; i < fastEnd; i++) {
      const b = data[i];
      if (b < 0x80) {
        this.pos = i + 1;
        return value + b * scale;
      }
      value += (b & 0x7f) * scale;
      scale *= 128;
    }
    const v = this.varint;
    const result = v.decode(data, pos, end);
    if (v.n === 0 || v.status !== VarintStatus.Ok) throw new BatchDecodeError(failure);
    this.pos = pos + v.n;
    return result;
  }
}

export function heapInsert(heap: BatchCursor[], bc: BatchCursor): void {
  heap.push(bc);
  heapSiftUp(heap, heap.length - 1);
}

export function heapUpdate(heap: BatchCursor[], i: number): void {
  if (heapSiftUp(heap, i) !== i) return;
  heapSiftDown(heap, i);
}

export function heapRemove(heap: BatchCursor[], i: number): void {
  // Sift i up to the root regardless of values, swap the root with the last, sift down.
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const t = heap[parent];
    heap[parent] = heap[i];
    heap[i] = t;
    i = parent;
  }
  const last = heap.length - 1;
  const t = heap[0];
  heap[0] = heap[last];
  heap[last] = t;
  heap.pop();
  heapSiftDown(heap, 0);
}

function heapSiftUp(heap: BatchCursor[], i: number): number {
  while (i > 0 && heap[(i - 1) >> 1].time > heap[i].time) {
    const parent = (i - 1) >> 1;
    const t = heap[parent];
    heap[parent] = heap[i];
    heap[i] = t;
    i = parent;
  }
  return i;
}

function heapSiftDown(heap: BatchCursor[], i: number): number {
  for (;;) {
    const m = min3(heap, i, 2 * i + 1, 2 * i + 2);
    if (m === i) break;
    const t = heap[i];
    heap[i] = heap[m];
    heap[m] = t;
    i = m;
  }
  return i;
}

function min3(b: BatchCursor[], i0: number, i1: number, i2: number): number {
  let minIdx = i0;
  let minT = Number.MAX_VALUE; // Go: maxTime
  if (i0 < b.length) minT = b[i0].time;
  if (i1 < b.length && b[i1].time < minT) {
    minT = b[i1].time;
    minIdx = i1;
  }
  if (i2 < b.length && b[i2].time < minT) {
    minIdx = i2;
  }
  return minIdx;
}
