// The v1 wire format's event table (Go 1.11–1.21 runtimes), as Go's tracev1 parser describes
// it: per type, the name used in error messages, the named arguments, whether a stack id
// follows them, and the first format version that may contain it.

/** v1 event types (runtime/trace.go of Go 1.11–1.21, "trace" prefix dropped). */
export enum V1 {
  None = 0,
  Batch = 1,
  Frequency = 2,
  Stack = 3,
  Gomaxprocs = 4,
  ProcStart = 5,
  ProcStop = 6,
  GCStart = 7,
  GCDone = 8,
  STWStart = 9,
  STWDone = 10,
  GCSweepStart = 11,
  GCSweepDone = 12,
  GoCreate = 13,
  GoStart = 14,
  GoEnd = 15,
  GoStop = 16,
  GoSched = 17,
  GoPreempt = 18,
  GoSleep = 19,
  GoBlock = 20,
  GoUnblock = 21,
  GoBlockSend = 22,
  GoBlockRecv = 23,
  GoBlockSelect = 24,
  GoBlockSync = 25,
  GoBlockCond = 26,
  GoBlockNet = 27,
  GoSysCall = 28,
  GoSysExit = 29,
  GoSysBlock = 30,
  GoWaiting = 31,
  GoInSyscall = 32,
  HeapAlloc = 33,
  HeapGoal = 34,
  TimerGoroutine = 35,
  FutileWakeup = 36,
  String = 37,
  GoStartLocal = 38,
  GoUnblockLocal = 39,
  GoSysExitLocal = 40,
  GoStartLabel = 41,
  GoBlockGC = 42,
  GCMarkAssistStart = 43,
  GCMarkAssistDone = 44,
  UserTaskCreate = 45,
  UserTaskEnd = 46,
  UserRegion = 47,
  UserLog = 48,
  CPUSample = 49,
  Count = 50,
  /**
   * Not on the wire: a GoSysCall whose goroutine's next event is GoSysBlock. The converter
   * needs that look-ahead; marking the type once (one backward pass) avoids Go's per-syscall
   * forward scan, which is quadratic on syscall-heavy traces.
   */
  GoSysCallBlocked = 64,
}

interface Description {
  name: string;
  /** Named arguments after the timestamp (Go's EventDescriptions[t].Args). */
  args: readonly string[];
  /** A stack id follows the named arguments. */
  stack: boolean;
  /** First format version ("go 1.N" → N) allowed to contain the event. */
  minVersion: number;
}

const d = (name: string, minVersion: number, stack: boolean, args: string[]): Description => ({ name, args, stack, minVersion });

/** Indexed by V1 type; Go's EventDescriptions. */
export const descriptions: readonly Description[] = [
  d('None', 5, false, []),
  d('Batch', 5, false, ['p', 'ticks']),
  d('Frequency', 5, false, ['freq']),
  d('Stack', 5, false, ['id', 'siz']),
  d('Gomaxprocs', 5, true, ['procs']),
  d('ProcStart', 5, false, ['thread']),
  d('ProcStop', 5, false, []),
  d('GCStart', 5, true, ['seq']),
  d('GCDone', 5, false, []),
  d('GCSTWStart', 5, false, ['kindid']),
  d('GCSTWDone', 5, false, []),
  d('GCSweepStart', 5, true, []),
  d('GCSweepDone', 5, false, ['swept', 'reclaimed']),
  d('GoCreate', 5, true, ['g', 'stack']),
  d('GoStart', 5, false, ['g', 'seq']),
  d('GoEnd', 5, false, []),
  d('GoStop', 5, true, []),
  d('GoSched', 5, true, []),
  d('GoPreempt', 5, true, []),
  d('GoSleep', 5, true, []),
  d('GoBlock', 5, true, []),
  d('GoUnblock', 5, true, ['g', 'seq']),
  d('GoBlockSend', 5, true, []),
  d('GoBlockRecv', 5, true, []),
  d('GoBlockSelect', 5, true, []),
  d('GoBlockSync', 5, true, []),
  d('GoBlockCond', 5, true, []),
  d('GoBlockNet', 5, true, []),
  d('GoSysCall', 5, true, []),
  d('GoSysExit', 5, false, ['g', 'seq', 'ts']),
  d('GoSysBlock', 5, false, []),
  d('GoWaiting', 5, false, ['g']),
  d('GoInSyscall', 5, false, ['g']),
  d('HeapAlloc', 5, false, ['mem']),
  d('HeapGoal', 5, false, ['mem']),
  d('TimerGoroutine', 5, false, ['g']),
  d('FutileWakeup', 5, false, []),
  d('String', 7, false, []),
  d('GoStartLocal', 7, false, ['g']),
  d('GoUnblockLocal', 7, true, ['g']),
  d('GoSysExitLocal', 7, false, ['g', 'ts']),
  d('GoStartLabel', 8, false, ['g', 'seq', 'labelid']),
  d('GoBlockGC', 8, true, []),
  d('GCMarkAssistStart', 9, true, []),
  d('GCMarkAssistDone', 9, false, []),
  d('UserTaskCreate', 11, true, ['taskid', 'pid', 'typeid']),
  d('UserTaskEnd', 11, true, ['taskid']),
  d('UserRegion', 11, true, ['taskid', 'mode', 'typeid']),
  d('UserLog', 11, true, ['id', 'keyid']),
  d('CPUSample', 19, true, ['ts', 'p', 'g']),
];

/**
 * Argument slots an event keeps after decoding (Go's Event.Args): its named arguments, plus
 * one for UserLog, whose inline message string Go stores as Args[3] (an inline-string index).
 */
export function storedArgCount(type: number): number {
  if (type === V1.UserLog) return 4;
  // Nothing reads a sample's args after decoding (its time, P and G have their own columns).
  if (type === V1.GoSysCallBlocked || type === V1.CPUSample) return 0;
  return descriptions[type]?.args.length ?? 0;
}

/**
 * Go renames the "Local" variants once the merge has ordered them (they only exist to help
 * ordering); everything after the merge sees the plain type. Our columns keep the original type
 * because its argument layout differs (see GoSysExitLocal in order.ts).
 */
export function mergedType(type: number): number {
  switch (type) {
    case V1.GoStartLocal: return V1.GoStart;
    case V1.GoUnblockLocal: return V1.GoUnblock;
    case V1.GoSysExitLocal: return V1.GoSysExit;
    case V1.GoSysCallBlocked: return V1.GoSysCall;
    default: return type;
  }
}

/** Fake P ids Go assigns after ordering (tracev1 FakeP + n). */
export const TimerP = 1000001;
export const NetpollP = 1000002;
export const SyscallP = 1000003;
export const GCP = 1000004;
export const ProfileP = 1000005;

/** Go's STW reason strings, indexed by tracev1.STWReason. */
export const stwReasonNames: readonly string[] = [
  '',
  'GC mark termination',
  'GC sweep termination',
  'write heap dump',
  'goroutine profile',
  'goroutine profile cleanup',
  'all goroutine stack trace',
  'read mem stats',
  'AllThreadsSyscall',
  'GOMAXPROCS',
  'start trace',
  'stop trace',
  'CountPagesInUse (test)',
  'ReadMetricsSlow (test)',
  'ReadMemStatsSlow (test)',
  'PageCachePagesLeaked (test)',
  'ResetDebugLog (test)',
];

/** tracev1 Trace.STWReason: the STW kind argument's meaning depends on the format version. */
export function stwReason(goMinor: number, kindId: number): string {
  if (goMinor < 21) return kindId === 0 || kindId === 1 ? stwReasonNames[kindId + 1] : '';
  if (goMinor === 21) return kindId < stwReasonNames.length ? stwReasonNames[kindId] : '';
  return '';
}
