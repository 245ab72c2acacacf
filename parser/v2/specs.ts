// The v2 wire format's event table (Go's tracev2/events.go + version/version.go), restated as
// data. Arg names follow Go's convention "name[_type]"; index 0 of a timed event is the
// timestamp delta. stackArgs / stringArgs are indices into `args` (so, like Go's StackIDs and
// StringIDs, they count the timestamp); the first stack index is the event's own stack.

// Wire event types. A plain object literal (not a TS enum) so V8 keeps its fields constant
// and fast: the hot switch statements compare against these on every event.
export const Ev = {
  None: 0,
  EventBatch: 1,
  Stacks: 2,
  Stack: 3,
  Strings: 4,
  String: 5,
  CPUSamples: 6,
  CPUSample: 7,
  Frequency: 8,
  ProcsChange: 9,
  ProcStart: 10,
  ProcStop: 11,
  ProcSteal: 12,
  ProcStatus: 13,
  GoCreate: 14,
  GoCreateSyscall: 15,
  GoStart: 16,
  GoDestroy: 17,
  GoDestroySyscall: 18,
  GoStop: 19,
  GoBlock: 20,
  GoUnblock: 21,
  GoSyscallBegin: 22,
  GoSyscallEnd: 23,
  GoSyscallEndBlocked: 24,
  GoStatus: 25,
  STWBegin: 26,
  STWEnd: 27,
  GCActive: 28,
  GCBegin: 29,
  GCEnd: 30,
  GCSweepActive: 31,
  GCSweepBegin: 32,
  GCSweepEnd: 33,
  GCMarkAssistActive: 34,
  GCMarkAssistBegin: 35,
  GCMarkAssistEnd: 36,
  HeapAlloc: 37,
  HeapGoal: 38,
  GoLabel: 39,
  UserTaskBegin: 40,
  UserTaskEnd: 41,
  UserRegionBegin: 42,
  UserRegionEnd: 43,
  UserLog: 44,
  GoSwitch: 45,
  GoSwitchDestroy: 46,
  GoCreateBlocked: 47,
  GoStatusStack: 48,
  ExperimentalBatch: 49,
  Sync: 50,
  ClockSnapshot: 51,
  EndOfGeneration: 52,
  NumEvents: 53,
  MaxEvent: 127,
  Span: 128,
  SpanAlloc: 129,
  SpanFree: 130,
  HeapObject: 131,
  HeapObjectAlloc: 132,
  HeapObjectFree: 133,
  GoroutineStack: 134,
  GoroutineStackAlloc: 135,
  GoroutineStackFree: 136,
  MaxExperimentalEvent: 137,
} as const;
export type Ev = (typeof Ev)[keyof typeof Ev];

/** Go's internal evSync: the type of the Sync events the reader synthesises. */
export const EV_SYNC = 255;

/** Experiments, by id (tracev2.Experiments()). */
export const experimentNames: readonly string[] = ['None', 'AllocFree'];
const AllocFree = 1;

export interface EventSpec {
  name: string;
  args: readonly string[];
  stackArgs: readonly number[];
  stringArgs: readonly number[];
  /** For an "end" event, the type of its "begin" event; else Ev.None. */
  startEv: number;
  timed: boolean;
  hasData: boolean;
  isStack: boolean;
  experiment: number;
}

function spec(name: string, args: string[], opts: Partial<Omit<EventSpec, 'name' | 'args'>> = {}): EventSpec {
  return {
    name, args, stackArgs: [], stringArgs: [], startEv: Ev.None, timed: false, hasData: false, isStack: false,
    experiment: 0, ...opts,
  };
}

const timed = (name: string, args: string[], opts: Partial<Omit<EventSpec, 'name' | 'args'>> = {}) =>
  spec(name, args, { timed: true, ...opts });

const EMPTY: EventSpec = spec('', []);

function buildSpecs(): readonly EventSpec[] {
  const s: EventSpec[] = new Array(Ev.MaxExperimentalEvent).fill(EMPTY);
  s[Ev.EventBatch] = spec('EventBatch', ['gen', 'm', 'time', 'size']);
  s[Ev.Stacks] = spec('Stacks', []);
  s[Ev.Stack] = spec('Stack', ['id', 'nframes'], { isStack: true });
  s[Ev.Strings] = spec('Strings', []);
  s[Ev.String] = spec('String', ['id'], { hasData: true });
  s[Ev.CPUSamples] = spec('CPUSamples', []);
  s[Ev.CPUSample] = spec('CPUSample', ['time', 'm', 'p', 'g', 'stack'], { stackArgs: [4] });
  s[Ev.Frequency] = spec('Frequency', ['freq']);
  s[Ev.ExperimentalBatch] = spec('ExperimentalBatch', ['exp', 'gen', 'm', 'time'], { hasData: true });
  s[Ev.Sync] = spec('Sync', []);
  s[Ev.EndOfGeneration] = spec('EndOfGeneration', []);

  s[Ev.ProcsChange] = timed('ProcsChange', ['dt', 'procs_value', 'stack'], { stackArgs: [2] });
  s[Ev.ProcStart] = timed('ProcStart', ['dt', 'p', 'p_seq']);
  s[Ev.ProcStop] = timed('ProcStop', ['dt']);
  s[Ev.ProcSteal] = timed('ProcSteal', ['dt', 'p', 'p_seq', 'm']);
  s[Ev.ProcStatus] = timed('ProcStatus', ['dt', 'p', 'pstatus']);
  s[Ev.GoCreate] = timed('GoCreate', ['dt', 'new_g', 'new_stack', 'stack'], { stackArgs: [3, 2] });
  s[Ev.GoCreateSyscall] = timed('GoCreateSyscall', ['dt', 'new_g']);
  s[Ev.GoStart] = timed('GoStart', ['dt', 'g', 'g_seq']);
  s[Ev.GoDestroy] = timed('GoDestroy', ['dt']);
  s[Ev.GoDestroySyscall] = timed('GoDestroySyscall', ['dt']);
  s[Ev.GoStop] = timed('GoStop', ['dt', 'reason_string', 'stack'], { stackArgs: [2], stringArgs: [1] });
  s[Ev.GoBlock] = timed('GoBlock', ['dt', 'reason_string', 'stack'], { stackArgs: [2], stringArgs: [1] });
  s[Ev.GoUnblock] = timed('GoUnblock', ['dt', 'g', 'g_seq', 'stack'], { stackArgs: [3] });
  s[Ev.GoSyscallBegin] = timed('GoSyscallBegin', ['dt', 'p_seq', 'stack'], { stackArgs: [2] });
  s[Ev.GoSyscallEnd] = timed('GoSyscallEnd', ['dt'], { startEv: Ev.GoSyscallBegin });
  s[Ev.GoSyscallEndBlocked] = timed('GoSyscallEndBlocked', ['dt'], { startEv: Ev.GoSyscallBegin });
  s[Ev.GoStatus] = timed('GoStatus', ['dt', 'g', 'm', 'gstatus']);
  s[Ev.STWBegin] = timed('STWBegin', ['dt', 'kind_string', 'stack'], { stackArgs: [2], stringArgs: [1] });
  s[Ev.STWEnd] = timed('STWEnd', ['dt'], { startEv: Ev.STWBegin });
  s[Ev.GCActive] = timed('GCActive', ['dt', 'gc_seq'], { startEv: Ev.GCBegin });
  s[Ev.GCBegin] = timed('GCBegin', ['dt', 'gc_seq', 'stack'], { stackArgs: [2] });
  s[Ev.GCEnd] = timed('GCEnd', ['dt', 'gc_seq'], { startEv: Ev.GCBegin });
  s[Ev.GCSweepActive] = timed('GCSweepActive', ['dt', 'p'], { startEv: Ev.GCSweepBegin });
  s[Ev.GCSweepBegin] = timed('GCSweepBegin', ['dt', 'stack'], { stackArgs: [1] });
  s[Ev.GCSweepEnd] = timed('GCSweepEnd', ['dt', 'swept_value', 'reclaimed_value'], { startEv: Ev.GCSweepBegin });
  s[Ev.GCMarkAssistActive] = timed('GCMarkAssistActive', ['dt', 'g'], { startEv: Ev.GCMarkAssistBegin });
  s[Ev.GCMarkAssistBegin] = timed('GCMarkAssistBegin', ['dt', 'stack'], { stackArgs: [1] });
  s[Ev.GCMarkAssistEnd] = timed('GCMarkAssistEnd', ['dt'], { startEv: Ev.GCMarkAssistBegin });
  s[Ev.HeapAlloc] = timed('HeapAlloc', ['dt', 'heapalloc_value']);
  s[Ev.HeapGoal] = timed('HeapGoal', ['dt', 'heapgoal_value']);
  s[Ev.GoLabel] = timed('GoLabel', ['dt', 'label_string'], { stringArgs: [1] });
  s[Ev.UserTaskBegin] = timed('UserTaskBegin', ['dt', 'task', 'parent_task', 'name_string', 'stack'], { stackArgs: [4], stringArgs: [3] });
  s[Ev.UserTaskEnd] = timed('UserTaskEnd', ['dt', 'task', 'stack'], { stackArgs: [2] });
  s[Ev.UserRegionBegin] = timed('UserRegionBegin', ['dt', 'task', 'name_string', 'stack'], { stackArgs: [3], stringArgs: [2] });
  s[Ev.UserRegionEnd] = timed('UserRegionEnd', ['dt', 'task', 'name_string', 'stack'], { startEv: Ev.UserRegionBegin, stackArgs: [3], stringArgs: [2] });
  s[Ev.UserLog] = timed('UserLog', ['dt', 'task', 'key_string', 'value_string', 'stack'], { stackArgs: [4], stringArgs: [2, 3] });
  s[Ev.GoSwitch] = timed('GoSwitch', ['dt', 'g', 'g_seq']);
  s[Ev.GoSwitchDestroy] = timed('GoSwitchDestroy', ['dt', 'g', 'g_seq']);
  s[Ev.GoCreateBlocked] = timed('GoCreateBlocked', ['dt', 'new_g', 'new_stack', 'stack'], { stackArgs: [3, 2] });
  s[Ev.GoStatusStack] = timed('GoStatusStack', ['dt', 'g', 'm', 'gstatus', 'stack'], { stackArgs: [4] });
  s[Ev.ClockSnapshot] = timed('ClockSnapshot', ['dt', 'mono', 'sec', 'nsec']);

  const exp = { experiment: AllocFree };
  s[Ev.Span] = timed('Span', ['dt', 'id', 'npages_value', 'kindclass'], exp);
  s[Ev.SpanAlloc] = timed('SpanAlloc', ['dt', 'id', 'npages_value', 'kindclass'], exp);
  s[Ev.SpanFree] = timed('SpanFree', ['dt', 'id'], exp);
  s[Ev.HeapObject] = timed('HeapObject', ['dt', 'id', 'type'], exp);
  s[Ev.HeapObjectAlloc] = timed('HeapObjectAlloc', ['dt', 'id', 'type'], exp);
  s[Ev.HeapObjectFree] = timed('HeapObjectFree', ['dt', 'id'], exp);
  s[Ev.GoroutineStack] = timed('GoroutineStack', ['dt', 'id', 'order'], exp);
  s[Ev.GoroutineStackAlloc] = timed('GoroutineStackAlloc', ['dt', 'id', 'order'], exp);
  s[Ev.GoroutineStackFree] = timed('GoroutineStackFree', ['dt', 'id'], exp);
  return s;
}

/** Every event type Go 1.27 knows, indexed by type (gaps have an empty name). */
export const specs: readonly EventSpec[] = buildSpecs();

/** Number of leading spec entries each wire version defines (version.go). */
const versionSpecCount: Record<number, number> = {
  22: Ev.UserLog + 1,
  23: Ev.ExperimentalBatch + 1,
  25: Ev.ClockSnapshot + 1,
  26: Ev.MaxExperimentalEvent,
};

/** The specs a wire version defines (Go's Version.Specs()); undefined for non-v2 versions. */
export function specsForVersion(goMinor: number): readonly EventSpec[] | undefined {
  const n = versionSpecCount[goMinor];
  return n === undefined ? undefined : specs.slice(0, n);
}

/** Go's Version.EventName: the name of a wire type in a version, or Invalid(N). */
export function eventName(goMinor: number, typ: number): string {
  const s = specsForVersion(goMinor);
  if (!s) return '<invalid trace version>';
  if (typ < s.length && s[typ].name !== '') return s[typ].name;
  return `Invalid(${typ})`;
}

/** Arguments after the timestamp, per type; NOT_TIMED for types that cannot be in an event batch. */
export const NOT_TIMED = 255;
export const timedArgCount: Uint8Array = Uint8Array.from(specs, (s) => (s.timed && s.args.length > 0 ? s.args.length - 1 : NOT_TIMED));
