// The event model every analysis consumes. It mirrors the public API of Go's
// internal/trace (event.go, resources.go), so Go's analyses can be followed line by line.
//
// Ownership: a reader (v1 or v2) fills ONE TraceEvent instance per event and hands it to
// its sink; the sink must copy whatever it keeps, because the next event overwrites it.
// That is how a 30 M-event trace is read without one JS object per event.

/** Nanoseconds, as Go's trace.Time (ticks converted exactly as Go converts them). */
export type Nanoseconds = number;
/** Go's GoID / ProcID / ThreadID: -1 means "none" (NoGoroutine, NoProc, NoThread). */
export type GoID = number;
export type ProcID = number;
export type ThreadID = number;
/** Go's TaskID; NoTask is -1 here (Go: ^uint64(0)), BackgroundTask is 0. */
export type TaskID = number;
/** Index into TraceTables.stacks; 0 means "no stack" (Go's NoStack). */
export type StackID = number;

export const NoGoroutine: GoID = -1;
export const NoProc: ProcID = -1;
export const NoThread: ThreadID = -1;
export const NoTask: TaskID = -1;
export const BackgroundTask: TaskID = 0;
export const NoStack: StackID = 0;

/** Go's trace.EventKind, same order and values. */
export enum EventKind {
  Bad = 0,
  Sync,
  Metric,
  Label,
  StackSample,
  RangeBegin,
  RangeActive,
  RangeEnd,
  TaskBegin,
  TaskEnd,
  RegionBegin,
  RegionEnd,
  Log,
  StateTransition,
  Experimental,
}

export const eventKindNames: readonly string[] = [
  'Invalid', 'Sync', 'Metric', 'Label', 'StackSample', 'RangeBegin', 'RangeActive', 'RangeEnd',
  'TaskBegin', 'TaskEnd', 'RegionBegin', 'RegionEnd', 'Log', 'StateTransition', 'Experimental',
];

/** Go's trace.ResourceKind. */
export enum ResourceKind {
  None = 0,
  Goroutine,
  Proc,
  Thread,
}

/** Go's trace.GoState. */
export enum GoState {
  Undetermined = 0,
  NotExist,
  Runnable,
  Running,
  Waiting,
  Syscall,
}

/** Go's trace.ProcState. */
export enum ProcState {
  Undetermined = 0,
  NotExist,
  Running,
  Idle,
}

export const goStateNames = ['Undetermined', 'NotExist', 'Runnable', 'Running', 'Waiting', 'Syscall'] as const;
export const procStateNames = ['Undetermined', 'NotExist', 'Running', 'Idle'] as const;

export function goStateExecuting(s: GoState): boolean {
  return s === GoState.Running || s === GoState.Syscall;
}

const noArgNames: readonly string[] = Object.freeze([]);
const noArgValues: readonly number[] = Object.freeze([]);

/** Go's trace.Value: metrics are uint64, experimental args may be strings. */
export type MetricValue = number | bigint | string;

/**
 * One event. Which fields are meaningful depends on `kind`:
 *
 * - every kind: time, g, p, m (the scheduling context, Go's Goroutine()/Proc()/Thread()), stack
 *   (Go's Event.Stack(): where the event happened), wireType (the format's own event type)
 * - Sync: syncN (Go's Sync().N), clockSnapshot (Go 1.25+, else null)
 * - Metric: name ("/sched/gomaxprocs:threads", "/memory/classes/heap/objects:bytes",
 *   "/gc/heap/goal:bytes"), value
 * - Label: name (the label), resourceKind/resourceId (the labelled goroutine)
 * - StackSample: stack (the sampled stack), g/p/m as recorded in the sample
 * - RangeBegin/Active/End: name (e.g. "GC concurrent mark phase", "GC incremental sweep",
 *   "GC mark assist", "stop-the-world (reason)"), resourceKind/resourceId (Go's Range().Scope);
 *   RangeEnd of a sweep also carries rangeAttributes
 * - TaskBegin/TaskEnd: taskId, parentTaskId, name (the task type; may be "" on TaskEnd if unknown)
 * - RegionBegin/RegionEnd: taskId, name (the region type)
 * - Log: taskId, category, message
 * - StateTransition: resourceKind/resourceId (Go's StateTransition().Resource), oldState,
 *   newState (GoState or ProcState values by resourceKind), reason (Go's Reason, e.g.
 *   "chan receive", "sync", "network", "sleep", "system goroutine wait", "preempted", ""),
 *   transitionStack (Go's StateTransition().Stack: for a goroutine created, its start stack)
 * - Experimental: name (the experimental event's name), experiment, args (arg names),
 *   argValues
 */
export class TraceEvent {
  kind: EventKind = EventKind.Bad;
  time: Nanoseconds = 0;
  g: GoID = NoGoroutine;
  p: ProcID = NoProc;
  m: ThreadID = NoThread;
  stack: StackID = NoStack;
  /** The wire format's event type number (format-specific, for debugging/counting). */
  wireType = 0;

  name = '';
  resourceKind: ResourceKind = ResourceKind.None;
  resourceId = 0;

  oldState = 0;
  newState = 0;
  reason = '';
  transitionStack: StackID = NoStack;

  taskId: TaskID = NoTask;
  parentTaskId: TaskID = NoTask;
  category = '';
  message = '';

  value: MetricValue = 0;
  rangeAttributes: { name: string; value: MetricValue }[] | null = null;

  syncN = 0;
  clockSnapshot: { trace: Nanoseconds; wallSec: number; wallNsec: number; mono: number } | null = null;

  experiment = '';
  args: readonly string[] = noArgNames;
  argValues: readonly number[] = noArgValues;

  /** Clears every field to its "none" value; readers call it before filling an event. */
  reset(): this {
    this.kind = EventKind.Bad;
    this.time = 0;
    this.g = NoGoroutine;
    this.p = NoProc;
    this.m = NoThread;
    this.stack = NoStack;
    this.wireType = 0;
    this.name = '';
    this.resourceKind = ResourceKind.None;
    this.resourceId = 0;
    this.oldState = 0;
    this.newState = 0;
    this.reason = '';
    this.transitionStack = NoStack;
    this.taskId = NoTask;
    this.parentTaskId = NoTask;
    this.category = '';
    this.message = '';
    this.value = 0;
    this.rangeAttributes = null;
    this.syncN = 0;
    this.clockSnapshot = null;
    this.experiment = '';
    this.args = noArgNames;
    this.argValues = noArgValues;
    return this;
  }

  /** Go's StateTransition().Goroutine() for a goroutine transition. */
  goTransition(): { from: GoState; to: GoState } {
    return { from: this.oldState as GoState, to: this.newState as GoState };
  }
}

/** Receives the ordered event stream. Must not retain `event` (see TraceEvent). */
export type EventSink = (event: TraceEvent) => void;
