// Decoding a v1 body (everything after the 16-byte header) in two passes over the bytes, as
// Go's tracev1 does: pass 1 validates the framing, finds the batches, counts the events (so the
// columns are allocated once, at their exact size) and reads the CPU samples; pass 2 decodes
// every batch into the columns, the string and stack tables. Go runs pass 2 lazily, batch by
// batch, as its merge needs them; we run it in file order, so when a trace has several faults
// the first one reported can differ — the messages themselves are Go's.

import { TraceParseError } from '../types.ts';
import { HEADER_SIZE } from '../wire/header.ts';
import { TWO_32, V1Bytes } from './bytes.ts';
import { V1Columns } from './columns.ts';
import { V1, descriptions, storedArgCount } from './events.ts';

const INLINE_ARGS = 3;
const MAX_ARG_BYTES = 2048;
const MAX_STRING = 1e6;
const MAX_STACK_FRAMES = 1000;
const SKIP_ARGS = 1;
const SKIP_STRINGS = 2;
const MALFORMED = 'malformatted base-128 varint';

function fail(message: string, bodyOffset: number): never {
  throw new TraceParseError(message, bodyOffset + HEADER_SIZE);
}

/** One event as read off the wire; reused for every event. */
class RawEvent {
  type = 0;
  /** Body offset of the event's first byte. */
  start = 0;
  argc = 0;
  readonly args = new Float64Array(MAX_ARG_BYTES + INLINE_ARGS);
  /** Exact 64-bit words of each argument (ticks and -1 ids exceed 2^53). */
  readonly hi = new Uint32Array(MAX_ARG_BYTES + INLINE_ARGS);
  readonly lo = new Uint32Array(MAX_ARG_BYTES + INLINE_ARGS);
  batchPid = 0;
  message = '';

  pushLast(bytes: V1Bytes, value: number): void {
    this.args[this.argc] = value;
    this.hi[this.argc] = bytes.hi;
    this.lo[this.argc] = bytes.lo;
    this.argc++;
  }
}

/** Go's rawEvent.argNum: how many values the event must carry. */
function expectedArgCount(raw: RawEvent): number {
  if (raw.type === V1.Stack) return raw.argc;
  const desc = descriptions[raw.type];
  let n = desc.args.length + (desc.stack ? 1 : 0);
  if (raw.type !== V1.Batch && raw.type !== V1.Frequency && raw.type !== V1.TimerGoroutine) n++;
  return n;
}

const utf8 = new TextDecoder();

/**
 * Go's readRawEvent. Returns false at the end of the data — and, as in Go, when pass 1 cannot
 * skip a UserLog message (Go returns io.EOF there, which ends its first pass quietly).
 */
function readRawEvent(bytes: V1Bytes, goMinor: number, flags: number, raw: RawEvent, strings: Map<number, string> | null): boolean {
  const start = bytes.off;
  const first = bytes.readByte();
  if (first < 0) return false;
  raw.start = start;
  raw.argc = 0;
  raw.message = '';
  const type = first & 0x3f;
  const narg = (first >> 6) + 1;
  if (type === V1.None || type >= V1.Count || descriptions[type].minVersion > goMinor) fail(`unknown event type ${type}`, start);

  if (type === V1.String) {
    raw.type = V1.None;
    if (flags & SKIP_STRINGS) {
      if (Number.isNaN(bytes.readVal())) fail(MALFORMED, start);
      const length = bytes.readVal();
      if (Number.isNaN(length)) fail(MALFORMED, start);
      if (!bytes.discard(length)) fail('failed to read trace: EOF', start);
      return true;
    }
    const id = bytes.readVal();
    if (Number.isNaN(id)) fail(MALFORMED, start);
    if (id === 0) fail('string has invalid id 0', start);
    if (strings!.get(id)) fail(`string has duplicate id ${bytes.lastAsDecimal()}`, start);
    const length = bytes.readVal();
    if (Number.isNaN(length)) fail(MALFORMED, start);
    if (length === 0) fail('string has invalid length 0', start);
    if (length > MAX_STRING) fail(`string has too large length ${bytes.lastAsDecimal()}`, start);
    const text = bytes.readFull(length);
    if (text === null) fail('failed to read trace: unexpected EOF', start);
    strings!.set(id, utf8.decode(text));
    return true;
  }

  if (type === V1.Batch) {
    if (narg !== 2) fail(`EvBatch has wrong number of arguments: got ${narg}, want 2`, start);
    const pid = bytes.readVal();
    if (Number.isNaN(pid)) fail(MALFORMED, start);
    const global = bytes.lastWasMaxUint64();
    // Go's message names math.MaxUint as the maximum although it checks MaxInt32.
    if (!global && pid > 0x7fffffff) fail(`processor ID ${bytes.lastAsDecimal()} is larger than maximum of 18446744073709551615`, start);
    raw.pushLast(bytes, pid);
    const ticks = bytes.readVal();
    if (Number.isNaN(ticks)) fail(MALFORMED, start);
    raw.pushLast(bytes, ticks);
    raw.type = V1.Batch;
    raw.batchPid = global ? -1 : pid;
    return true;
  }

  raw.type = type;
  const keep = !(flags & SKIP_ARGS);
  if (narg <= INLINE_ARGS) {
    for (let i = 0; i < narg; i++) {
      const value = bytes.readVal();
      if (Number.isNaN(value)) fail(`failed to read event ${type} argument: ${MALFORMED}`, start);
      if (keep) raw.pushLast(bytes, value);
    }
    return true;
  }
  // Three or more values: prefixed by their byte length.
  const size = bytes.readVal();
  if (Number.isNaN(size)) fail(`failed to read event ${type} argument: ${MALFORMED}`, start);
  if (size > MAX_ARG_BYTES) {
    fail(`failed to read event ${type} argument: length-prefixed argument too big: ${bytes.lastAsDecimal()} bytes, limit is ${MAX_ARG_BYTES}`, start);
  }
  if (keep || type === V1.CPUSample) {
    if (bytes.readFull(size) === null) fail('failed to read trace: unexpected EOF', start);
    const end = bytes.off;
    bytes.off = end - size;
    while (bytes.off < end) {
      const value = bytes.readVal(end);
      if (Number.isNaN(value)) fail(MALFORMED, start);
      raw.pushLast(bytes, value);
    }
  } else if (!bytes.discard(size)) fail('failed to read trace: EOF', start);

  if (type === V1.UserLog) {
    // The log message follows as an inline string.
    const length = bytes.readVal();
    if (Number.isNaN(length)) fail(MALFORMED, start);
    if (!keep) return bytes.discard(length);
    if (length > MAX_STRING) fail(`string is too large (len=${bytes.lastAsDecimal()})`, start);
    if (length > 0) {
      const text = bytes.readFull(length);
      if (text === null) fail('failed to read trace: unexpected EOF', start);
      raw.message = utf8.decode(text);
    }
  }
  return true;
}

/** Ticks as an exact offset from a base tick value (exact while within 2^53 of it). */
interface TickBase {
  hi: number;
  lo: number;
}

function relativeTicks(base: TickBase, hi: number, lo: number): number {
  return (hi - base.hi) * TWO_32 + (lo - base.lo);
}

/** A CPU sample, read in pass 1 as Go does (they live apart from the batches until the merge). */
interface CpuSamples {
  ts: number[];
  p: number[];
  g: number[];
  stk: number[];
  /** Body offset of each sample's batch (for error messages). */
  batch: number[];
}

export interface TraceIndex {
  /** Body offsets of the batches, in file order. */
  batchStarts: number[];
  /** Events pass 2 will put in the columns, and their argument slots. */
  eventCount: number;
  argSlots: number;
  samples: CpuSamples;
  base: TickBase;
}

/** Pass 1: Go's collectBatchesAndCPUSamples. */
export function indexTrace(bytes: V1Bytes, goMinor: number): TraceIndex {
  const raw = new RawEvent();
  const batchStarts: number[] = [];
  const pidsWithBatches = new Set<number>();
  const samples: CpuSamples = { ts: [], p: [], g: [], stk: [], batch: [] };
  const base: TickBase = { hi: 0, lo: 0 };
  let currentPid = 0;
  let eventCount = 0;
  let argSlots = 0;
  while (readRawEvent(bytes, goMinor, SKIP_ARGS | SKIP_STRINGS, raw, null)) {
    const type = raw.type;
    if (type === V1.None) continue;
    if (type === V1.Batch) {
      if (batchStarts.length === 0) {
        base.hi = raw.hi[1];
        base.lo = raw.lo[1];
      }
      batchStarts.push(raw.start);
      pidsWithBatches.add(raw.batchPid);
      currentPid = raw.batchPid;
    }
    if (!pidsWithBatches.has(currentPid)) {
      fail(`read event ${type} with current P of ${currentPid}, but P has no batches yet`, raw.start);
    }
    switch (type) {
      case V1.Batch:
      case V1.Frequency:
      case V1.Stack:
      case V1.TimerGoroutine:
        break;
      case V1.CPUSample: {
        const want = expectedArgCount(raw);
        if (raw.argc !== want) fail(`CPU sample has wrong number of arguments: want ${want}, got ${raw.argc}`, raw.start);
        // [emission ts, real ts, P, G, stack]: the real timestamp is the one that counts.
        samples.ts.push(relativeTicks(base, raw.hi[1], raw.lo[1]));
        samples.p.push(raw.lo[2] | 0);
        samples.g.push(raw.args[3]);
        samples.stk.push(raw.lo[4]);
        samples.batch.push(batchStarts[batchStarts.length - 1]);
        break;
      }
      default:
        eventCount++;
        argSlots += storedArgCount(type);
    }
  }
  return { batchStarts, eventCount, argSlots, samples, base };
}

/** A batch's events, as a range of column indices. */
export interface BatchSpan {
  pid: number;
  first: number;
  end: number;
  /** Body offset of the batch header (named in error messages). */
  offset: number;
}

export interface StackFrameRef {
  fn: number;
  file: number;
  line: number;
}

export interface DecodedTrace {
  columns: V1Columns;
  /** Non-empty batches in file order. */
  batches: BatchSpan[];
  /** Column index of the first CPU sample; samples fill the columns from there to the end. */
  firstSample: number;
  sampleBatchOffsets: number[];
  strings: Map<number, string>;
  /** UserLog messages (Go's InlineStrings); events refer to them by index. */
  inlineStrings: string[];
  /** v1 stack id → PCs, innermost first. */
  stacks: Map<number, number[]>;
  /** PC → frame (the first frame seen for a PC wins, as in Go). */
  frames: Map<number, StackFrameRef>;
  /** Go's ticksPerSec (0 if the trace had no EvFrequency). */
  ticksPerSec: number;
  timerGoroutines: Set<number>;
}

/** Pass 2: Go's loadBatch + parseEvent for every batch pass 1 found, in file order. */
export function decodeBatches(bytes: V1Bytes, goMinor: number, index: TraceIndex): DecodedTrace {
  const sampleCount = index.samples.ts.length;
  const columns = new V1Columns(index.eventCount + sampleCount, index.argSlots);
  const strings = new Map<number, string>();
  const inlineStrings: string[] = [];
  const inlineIds = new Map<string, number>();
  const stacks = new Map<number, number[]>();
  const frames = new Map<number, StackFrameRef>();
  const timerGoroutines = new Set<number>();
  const batches: BatchSpan[] = [];
  let ticksPerSec = 0;

  // Go's parser state: the P of the current batch, its running G (carried from one batch of a
  // P to the next) and the last timestamp (deltas are relative to it).
  const lastGByP = new Map<number, number>();
  let lastP = 0;
  let lastG = 0;
  let lastTs = 0;
  let span: BatchSpan | null = null;
  const args = [0, 0, 0, 0];
  const raw = new RawEvent();

  const closeSpan = () => {
    if (span && span.end > span.first) batches.push(span);
  };

  const batchCount = index.batchStarts.length;
  let batchesSeen = 0;
  bytes.off = batchCount > 0 ? index.batchStarts[0] : bytes.length;
  while (readRawEvent(bytes, goMinor, 0, raw, strings)) {
    const type = raw.type;
    if (type === V1.None || type === V1.CPUSample) continue;
    if (type === V1.Batch && ++batchesSeen > batchCount) break;

    const desc = descriptions[type];
    const want = expectedArgCount(raw);
    if (raw.argc !== want) fail(`${desc.name} has wrong number of arguments: want ${want}, got ${raw.argc}`, raw.start);

    switch (type) {
      case V1.Batch:
        closeSpan();
        lastGByP.set(lastP, lastG);
        lastP = raw.batchPid;
        lastG = lastGByP.get(lastP) ?? 0;
        lastTs = relativeTicks(index.base, raw.hi[1], raw.lo[1]);
        span = { pid: lastP, first: columns.length, end: columns.length, offset: raw.start };
        continue;
      case V1.Frequency:
        // int64 in Go: a top bit set makes it negative.
        ticksPerSec = raw.hi[0] >= 0x80000000 ? -1 : raw.args[0];
        if (ticksPerSec <= 0) fail('time stamps out of order', raw.start);
        continue;
      case V1.TimerGoroutine:
        timerGoroutines.add(raw.args[0]);
        continue;
      case V1.Stack: {
        if (raw.argc < 2) fail(`EvStack has wrong number of arguments: want at least 2, got ${raw.argc}`, raw.start);
        const size = raw.args[1];
        if (size > MAX_STACK_FRAMES) fail(`EvStack has bad number of frames: ${size}`, raw.start);
        const wantArgs = 2 + 4 * size;
        if (raw.argc !== wantArgs) fail(`EvStack has wrong number of arguments: want ${wantArgs}, got ${raw.argc}`, raw.start);
        const id = raw.lo[0];
        if (id !== 0 && size > 0) {
          const pcs = new Array<number>(size);
          for (let i = 0; i < size; i++) {
            const at = 2 + i * 4;
            const pc = raw.args[at];
            pcs[i] = pc;
            if (!frames.has(pc)) frames.set(pc, { fn: raw.args[at + 1], file: raw.args[at + 2], line: raw.args[at + 3] });
          }
          stacks.set(id, pcs);
        }
        continue;
      }
    }

    // An ordinary event: [timestamp delta, named args…, stack id?].
    const ts = lastTs + raw.args[0];
    lastTs = ts;
    let stk = 0;
    args.fill(0);
    for (let i = 1; i < want; i++) {
      if (i === want - 1 && desc.stack) stk = raw.lo[i];
      else args[i - 1] = raw.args[i];
    }
    let g = lastG;
    switch (type) {
      case V1.GoStart:
      case V1.GoStartLocal:
      case V1.GoStartLabel:
        lastG = args[0];
        g = lastG;
        break;
      case V1.GoEnd: case V1.GoStop: case V1.GoSched: case V1.GoPreempt:
      case V1.GoSleep: case V1.GoBlock: case V1.GoBlockSend: case V1.GoBlockRecv:
      case V1.GoBlockSelect: case V1.GoBlockSync: case V1.GoBlockCond: case V1.GoBlockNet:
      case V1.GoSysBlock: case V1.GoBlockGC:
        lastG = 0;
        break;
      case V1.GoSysExit:
        // The real exit time: absolute ticks, made relative like every other timestamp.
        // NaN keeps Go's "0 = unknown" meaning.
        args[2] = raw.hi[3] === 0 && raw.lo[3] === 0 ? NaN : relativeTicks(index.base, raw.hi[3], raw.lo[3]);
        g = args[0];
        break;
      case V1.GoWaiting:
      case V1.GoInSyscall:
        g = args[0];
        break;
      case V1.GoSysExitLocal:
        args[1] = raw.hi[2] === 0 && raw.lo[2] === 0 ? NaN : relativeTicks(index.base, raw.hi[2], raw.lo[2]);
        break;
      case V1.UserLog: {
        let id = inlineIds.get(raw.message);
        if (id === undefined) {
          id = inlineStrings.length;
          inlineIds.set(raw.message, id);
          inlineStrings.push(raw.message);
        }
        args[3] = id;
        break;
      }
    }
    columns.push(type, lastP, ts, g, stk);
    const slots = storedArgCount(type);
    for (let k = 0; k < slots; k++) columns.pushArg(args[k]);
    span!.end = columns.length;
  }
  closeSpan();

  const firstSample = columns.length;
  const samples = index.samples;
  for (let i = 0; i < sampleCount; i++) columns.push(V1.CPUSample, samples.p[i], samples.ts[i], samples.g[i], samples.stk[i]);

  return {
    columns, batches, firstSample, sampleBatchOffsets: samples.batch, strings, inlineStrings, stacks, frames,
    ticksPerSec, timerGoroutines,
  };
}
