// Ordering a decoded v1 trace: Go's tracev1 parseEventBatches and the timestamp
// normalisation in its parse(). Events within a batch are in order (one P wrote them); the
// batches are interleaved by always taking the earliest event whose goroutine is in the state
// the event requires (sequence numbers and statuses), so a consistent stream comes out even
// when clocks disagree. The result is a permutation of column indices; nothing is copied.
//
// Go seeds its merge from a map, so events of different Ps with equal timestamps come out in an
// order that varies from run to run of go tool trace itself; ours is fixed (Ps in the order
// their first batch appears).

import { TraceParseError } from '../types.ts';
import { HEADER_SIZE } from '../wire/header.ts';
import type { BatchSpan, DecodedTrace } from './decode.ts';
import { ProfileP, SyscallP, TimerP, V1, descriptions, mergedType } from './events.ts';

const TIME_ORDER = 'time stamps out of order';

/** Go's gStatus values. */
const enum Status {
  Dead = 0,
  Runnable = 1,
  Running = 2,
  Waiting = 3,
}

/** Special sequence values (Go's noseq / seqinc) and goroutine keys (unordered / garbage). */
const NO_SEQ = -1;
const SEQ_INC = -2;
const UNORDERED = -1;
const GARBAGE = -2;

interface GoSeqState {
  seq: number;
  status: Status;
}

/** Go's stateTransition result, written into one reused object. */
interface Transition {
  g: number;
  initSeq: number;
  initStatus: Status;
  nextSeq: number;
  nextStatus: Status;
}

/** One P's events: its batches one after another (or, for CPU samples, an index list). */
interface ProcCursor {
  pid: number;
  spans: BatchSpan[];
  nextSpan: number;
  cur: number;
  end: number;
  list: Uint32Array | null;
  done: boolean;
}

/** Maps an event (column index) to the byte offset of its batch, for error messages. */
export class BatchLocator {
  constructor(private readonly decoded: DecodedTrace) {}

  fileOffset(event: number): number {
    const { batches, firstSample, sampleBatchOffsets } = this.decoded;
    if (event >= firstSample) return sampleBatchOffsets[event - firstSample] + HEADER_SIZE;
    let lo = 0;
    let hi = batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (batches[mid].first <= event) lo = mid;
      else hi = mid - 1;
    }
    return (batches[lo]?.offset ?? 0) + HEADER_SIZE;
  }

  /** A TraceParseError with Go's message, naming the event's type and the batch it came from. */
  error(message: string, event: number): TraceParseError {
    const name = descriptions[mergedType(this.decoded.columns.type[event])]?.name ?? 'unknown';
    return new TraceParseError(`${message}; ${name} event in the batch starting`, this.fileOffset(event));
  }
}

function stateTransition(decoded: DecodedTrace, i: number, out: Transition): void {
  const c = decoded.columns;
  switch (c.type[i]) {
    case V1.GoCreate:
      set(out, c.arg(i, 0), 0, Status.Dead, 1, Status.Runnable);
      return;
    case V1.GoWaiting:
    case V1.GoInSyscall:
      set(out, c.getG(i), 1, Status.Runnable, 2, Status.Waiting);
      return;
    case V1.GoStart:
    case V1.GoStartLabel: {
      const seq = c.arg(i, 1);
      set(out, c.getG(i), seq, Status.Runnable, seq + 1, Status.Running);
      return;
    }
    case V1.GoStartLocal:
      // Written on the P that made the goroutine runnable, so that event is merged already.
      set(out, c.getG(i), NO_SEQ, Status.Runnable, SEQ_INC, Status.Running);
      return;
    case V1.GoBlock: case V1.GoBlockSend: case V1.GoBlockRecv: case V1.GoBlockSelect:
    case V1.GoBlockSync: case V1.GoBlockCond: case V1.GoBlockNet: case V1.GoSleep:
    case V1.GoSysBlock: case V1.GoBlockGC:
      set(out, c.getG(i), NO_SEQ, Status.Running, NO_SEQ, Status.Waiting);
      return;
    case V1.GoSched:
    case V1.GoPreempt:
      set(out, c.getG(i), NO_SEQ, Status.Running, NO_SEQ, Status.Runnable);
      return;
    case V1.GoUnblock:
    case V1.GoSysExit: {
      const seq = c.arg(i, 1);
      set(out, c.arg(i, 0), seq, Status.Waiting, seq + 1, Status.Runnable);
      return;
    }
    case V1.GoUnblockLocal:
    case V1.GoSysExitLocal:
      set(out, c.arg(i, 0), NO_SEQ, Status.Waiting, SEQ_INC, Status.Runnable);
      return;
    case V1.GCStart: {
      const seq = c.arg(i, 0);
      set(out, GARBAGE, seq, Status.Dead, seq + 1, Status.Dead);
      return;
    }
    default:
      out.g = UNORDERED;
  }
}

function set(out: Transition, g: number, initSeq: number, initStatus: Status, nextSeq: number, nextStatus: Status): void {
  out.g = g;
  out.initSeq = initSeq;
  out.initStatus = initStatus;
  out.nextSeq = nextSeq;
  out.nextStatus = nextStatus;
}

const deadState: GoSeqState = { seq: 0, status: Status.Dead };

function ready(t: Transition, current: GoSeqState): boolean {
  return t.g === UNORDERED || ((t.initSeq === NO_SEQ || t.initSeq === current.seq) && t.initStatus === current.status);
}

/** Go's frontier: a binary min-heap on timestamp, with Go's exact sift rules. */
class Frontier {
  readonly events: number[] = [];
  readonly procs: ProcCursor[] = [];
  constructor(private readonly ts: Float64Array) {}

  get length(): number {
    return this.events.length;
  }

  private less(i: number, j: number): boolean {
    return this.ts[this.events[i]] < this.ts[this.events[j]];
  }

  private swap(i: number, j: number): void {
    const e = this.events[i];
    this.events[i] = this.events[j];
    this.events[j] = e;
    const p = this.procs[i];
    this.procs[i] = this.procs[j];
    this.procs[j] = p;
  }

  push(event: number, proc: ProcCursor): void {
    this.events.push(event);
    this.procs.push(proc);
    let j = this.events.length - 1;
    for (;;) {
      const i = (j - 1) >> 1;
      if (i === j || i < 0 || !this.less(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }

  /** Removes the minimum; its event and proc are left in `popped`. */
  pop(popped: { event: number; proc: ProcCursor | null }): void {
    const n = this.events.length - 1;
    this.swap(0, n);
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      let j = left;
      if (left + 1 < n && this.less(left + 1, left)) j = left + 1;
      if (!this.less(j, i)) break;
      this.swap(i, j);
      i = j;
    }
    popped.event = this.events.pop()!;
    popped.proc = this.procs.pop()!;
  }
}

function loadNextBatch(proc: ProcCursor): boolean {
  if (proc.list !== null || proc.nextSpan >= proc.spans.length) return false;
  const span = proc.spans[proc.nextSpan++];
  proc.cur = span.first;
  proc.end = span.end;
  return true;
}

/** Go's parseEventBatches: the merged order, timestamps still in (relative) ticks. */
export function mergeBatches(decoded: DecodedTrace, locate: BatchLocator): Uint32Array {
  const c = decoded.columns;
  const byPid = new Map<number, BatchSpan[]>();
  for (const span of decoded.batches) {
    let list = byPid.get(span.pid);
    if (!list) byPid.set(span.pid, (list = []));
    list.push(span);
  }
  const allProcs: ProcCursor[] = [];
  for (const [pid, spans] of byPid) allProcs.push({ pid, spans, nextSpan: 0, cur: 0, end: 0, list: null, done: false });

  // CPU samples: their own "P", re-sorted by the time the signal handler recorded.
  const sampleCount = c.length - decoded.firstSample;
  const samples = Array.from({ length: sampleCount }, (_, k) => decoded.firstSample + k);
  samples.sort((a, b) => c.ts[a] - c.ts[b]);
  allProcs.push({ pid: ProfileP, spans: [], nextSpan: 0, cur: 0, end: sampleCount, list: Uint32Array.from(samples), done: false });

  const order = new Uint32Array(c.length);
  let emitted = 0;
  const goStates = new Map<number, GoSeqState>();
  const frontier = new Frontier(c.ts);
  const t: Transition = { g: 0, initSeq: 0, initStatus: Status.Dead, nextSeq: 0, nextStatus: Status.Dead };
  const popped: { event: number; proc: ProcCursor | null } = { event: 0, proc: null };
  const available = allProcs.slice();

  for (;;) {
    for (let i = 0; i < available.length; i++) {
      const proc = available[i];
      if (proc.cur >= proc.end && !loadNextBatch(proc)) {
        proc.done = true;
        available[i] = available[available.length - 1];
        available.pop();
        i--;
        continue;
      }
      const event = proc.list ? proc.list[proc.cur] : proc.cur;
      stateTransition(decoded, event, t);
      if (!ready(t, goStates.get(t.g) ?? deadState)) continue;
      proc.cur++;
      available[i] = available[available.length - 1];
      available.pop();
      frontier.push(event, proc);
      i--;
    }

    if (frontier.length === 0) {
      let stuckEvent = -1;
      for (const proc of allProcs) {
        if (proc.done) continue;
        const event = proc.list ? proc.list[proc.cur] : proc.cur;
        if (stuckEvent < 0 || c.ts[event] < c.ts[stuckEvent]) stuckEvent = event;
      }
      // Named: the earliest event that could not be placed.
      if (stuckEvent >= 0) throw locate.error('no consistent ordering of events possible', stuckEvent);
      break;
    }
    frontier.pop(popped);
    const event = popped.event;
    order[emitted++] = event;

    stateTransition(decoded, event, t);
    if (t.g !== UNORDERED) {
      const current = goStates.get(t.g) ?? deadState;
      if (!ready(t, current)) throw locate.error('encountered impossible goroutine state transition', event);
      const seq = t.nextSeq === NO_SEQ ? current.seq : t.nextSeq === SEQ_INC ? current.seq + 1 : t.nextSeq;
      const next = goStates.get(t.g);
      if (next) {
        next.seq = seq;
        next.status = t.nextStatus;
      } else goStates.set(t.g, { seq, status: t.nextStatus });
    }
    available.push(popped.proc!);
  }

  // A consistent order whose timestamps go backwards means the clocks cannot be trusted.
  for (let k = 1; k < emitted; k++) {
    if (c.ts[order[k]] < c.ts[order[k - 1]]) throw locate.error(TIME_ORDER, order[k]);
  }
  return fixSyscallExitTimes(decoded, order, locate);
}

/**
 * GoSysExit is written when the goroutine gets a P back, but carries the time the syscall
 * really returned; Go moves the event to that time (a stable re-sort) once the order is fixed.
 */
function fixSyscallExitTimes(decoded: DecodedTrace, order: Uint32Array, locate: BatchLocator): Uint32Array {
  const c = decoded.columns;
  const lastSysBlock = new Map<number, number>();
  const moved: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const type = c.type[i];
    if (type === V1.GoSysBlock || type === V1.GoInSyscall) {
      lastSysBlock.set(c.getG(i), c.ts[i]);
    } else if (type === V1.GoSysExit) {
      // (GoSysExitLocal has no third argument in Go's layout, so it is never moved.)
      const realTs = c.arg(i, 2);
      if (Number.isNaN(realTs)) continue;
      const block = lastSysBlock.get(c.getG(i));
      if (block === undefined) throw locate.error('stray syscall exit', i);
      if (realTs < block) throw locate.error(TIME_ORDER, i);
      if (realTs !== c.ts[i]) moved.push(k);
      c.ts[i] = realTs;
    }
  }
  if (moved.length === 0) return order;
  return stableResort(c.ts, order, moved);
}

/**
 * sort.Stable by time, knowing only the `moved` positions (ascending) changed time: the rest is
 * still sorted, so the result is a merge of two runs ordered by (time, original position).
 */
function stableResort(ts: Float64Array, order: Uint32Array, moved: number[]): Uint32Array {
  const byTime = moved.slice().sort((a, b) => ts[order[a]] - ts[order[b]] || a - b);
  const out = new Uint32Array(order.length);
  let written = 0;
  let skip = 0;
  let next = 0;
  for (let k = 0; k < order.length; k++) {
    if (skip < moved.length && moved[skip] === k) {
      skip++;
      continue;
    }
    const event = order[k];
    const time = ts[event];
    while (next < byTime.length) {
      const candidate = byTime[next];
      const candidateTime = ts[order[candidate]];
      if (candidateTime > time || (candidateTime === time && candidate > k)) break;
      out[written++] = order[candidate];
      next++;
    }
    out[written++] = event;
  }
  while (next < byTime.length) out[written++] = order[byTime[next++]];
  return out;
}

/** Go's tick → ns conversion (relative to the first event), and the fake Ps of timers and syscall exits. */
export function normalizeTimes(decoded: DecodedTrace, order: Uint32Array): void {
  const c = decoded.columns;
  if (order.length === 0) return;
  const minTs = c.ts[order[0]];
  const nsPerTick = 1e9 / decoded.ticksPerSec;
  const timers = decoded.timerGoroutines;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    c.ts[i] = Math.trunc((c.ts[i] - minTs) * nsPerTick);
    const type = mergedType(c.type[i]);
    if (type === V1.GoUnblock && timers.size > 0 && timers.has(c.getG(i))) c.p[i] = TimerP;
    if (type === V1.GoSysExit) c.p[i] = SyscallP;
  }
}
