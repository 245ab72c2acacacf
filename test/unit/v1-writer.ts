// Writes v1 traces by hand (the wire format of Go 1.11–1.21's runtime/trace.go), so unit tests
// can build the corner cases real programs rarely produce: clocks past 2^53 ticks, syscall
// exits moved back in time, timer and netpoll unblocks, labels, CPU samples, bad events.

const enc = (s: string) => [...new TextEncoder().encode(s)];

export function uvarint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** v1 event type numbers (runtime/trace.go). */
export const Ev = {
  Batch: 1, Frequency: 2, Stack: 3, Gomaxprocs: 4, ProcStart: 5, ProcStop: 6, GCStart: 7, GCDone: 8,
  STWStart: 9, STWDone: 10, GCSweepStart: 11, GCSweepDone: 12, GoCreate: 13, GoStart: 14, GoEnd: 15,
  GoStop: 16, GoSched: 17, GoPreempt: 18, GoSleep: 19, GoBlock: 20, GoUnblock: 21, GoBlockSend: 22,
  GoBlockRecv: 23, GoBlockSelect: 24, GoBlockSync: 25, GoBlockCond: 26, GoBlockNet: 27, GoSysCall: 28,
  GoSysExit: 29, GoSysBlock: 30, GoWaiting: 31, GoInSyscall: 32, HeapAlloc: 33, HeapGoal: 34,
  TimerGoroutine: 35, FutileWakeup: 36, String: 37, GoStartLocal: 38, GoUnblockLocal: 39,
  GoSysExitLocal: 40, GoStartLabel: 41, GoBlockGC: 42, GCMarkAssistStart: 43, GCMarkAssistDone: 44,
  UserTaskCreate: 45, UserTaskEnd: 46, UserRegion: 47, UserLog: 48, CPUSample: 49,
} as const;

export class V1Writer {
  private readonly out: number[];

  constructor(goMinor: 11 | 19 | 21) {
    this.out = enc(`go 1.${goMinor} trace\0\0\0`);
  }

  /** A batch header: P (-1 for the global buffer) and its absolute tick count. */
  batch(p: number, ticks: bigint): this {
    this.out.push(Ev.Batch | (1 << 6), ...uvarint(p), ...uvarint(ticks));
    return this;
  }

  /**
   * An event with its values as written: for most events [timestamp delta, args…, stack id].
   * Up to 3 values go inline; more are length-prefixed, as the runtime does.
   */
  event(type: number, ...values: (number | bigint)[]): this {
    const body = values.flatMap((v) => uvarint(v));
    if (values.length <= 3) this.out.push(type | ((Math.max(values.length, 1) - 1) << 6), ...body);
    else this.out.push(type | (3 << 6), ...uvarint(body.length), ...body);
    return this;
  }

  frequency(ticksPerSecond: number): this {
    return this.event(Ev.Frequency, ticksPerSecond);
  }

  string(id: number, text: string): this {
    const bytes = enc(text);
    this.out.push(Ev.String, ...uvarint(id), ...uvarint(bytes.length), ...bytes);
    return this;
  }

  /** A stack: frames as [pc, function string id, file string id, line], innermost first. */
  stack(id: number, frames: [number, number, number, number][]): this {
    return this.event(Ev.Stack, id, frames.length, ...frames.flat());
  }

  /** trace.Log: [timestamp delta, task, key string id, stack] then the message inline. */
  log(delta: number, task: number, keyId: number, stack: number, message: string): this {
    this.event(Ev.UserLog, delta, task, keyId, stack);
    const bytes = enc(message);
    this.out.push(...uvarint(bytes.length), ...bytes);
    return this;
  }

  raw(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
