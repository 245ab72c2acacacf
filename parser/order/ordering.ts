// The cross-thread ordering state machine of v2 traces (Go's internal/trace order.go).
//
// Each M writes its own batches, so the reader merges them by timestamp; but timestamps can
// be wrong, so the real order comes from the goroutine / proc / M state machines and the
// per-resource sequence numbers. `advance` tries to take the next event of one M: it returns
// false if that event cannot happen yet (another M must go first), throws OrderError if the
// trace is broken, and on success queues the event(s) with their scheduling context.

import { Ev, specs, eventName } from '../v2/specs.ts';
import { EventQueue } from './queue.ts';
import { IdMap } from './id-map.ts';

/** A broken trace; the message matches Go's where Go's golden tests check it. */
export class OrderError extends Error {}

/** The raw event ordering works on (Go's baseEvent); ordering may rewrite its args. */
export interface BaseEvent {
  typ: number;
  time: number;
  readonly args: Float64Array;
}

/** What ordering needs from the generation's tables. */
export interface StringLookup {
  stringOf(id: number): string | undefined;
}

// tracev2.GoStatus
export const enum GoStatus { Bad = 0, Runnable, Running, Syscall, Waiting }
// tracev2.ProcStatus
export const enum ProcStatus { Bad = 0, Running, Idle, Syscall, SyscallAbandoned }
// trace.GoState / trace.ProcState values (model/event.ts GoState / ProcState).
const GoUndetermined = 0, GoNotExist = 1, GoRunnableState = 2, GoRunningState = 3, GoWaitingState = 4, GoSyscallState = 5;
const ProcUndetermined = 0, ProcNotExist = 1, ProcRunningState = 2, ProcIdleState = 3;

/** tracev2 GoStatus → trace.GoState (index by status; 0 is Bad → Undetermined). */
export const goStatusToState = [GoUndetermined, GoRunnableState, GoRunningState, GoSyscallState, GoWaitingState];
/** tracev2 ProcStatus → trace.ProcState. */
export const procStatusToState = [ProcUndetermined, ProcRunningState, ProcIdleState, ProcRunningState, ProcIdleState];

const goStatusNames = ['Bad', 'Runnable', 'Running', 'Syscall', 'Waiting'];
const procStatusNames = ['Bad', 'Running', 'Idle', 'Syscall', 'SyscallAbandoned'];
const goStatusName = (s: number) => goStatusNames[s] ?? 'Bad';
const procStatusName = (s: number) => procStatusNames[s] ?? 'Bad';

const NONE = -1;

/** Copies the four argument slots (TypedArray.set is slow for arrays this small). */
function copyArgs(to: Float64Array, from: Float64Array): void {
  to[0] = from[0];
  to[1] = from[1];
  to[2] = from[2];
  to[3] = from[3];
}
const enum GcState { Undetermined, NotRunning, Running }
const enum Need { Not, May, Must }

/** A special time range bound to a resource: its begin event type and optional string id. */
type RangeKey = number;
const rangeKey = (typ: number, desc: number): RangeKey => {
  const start = specs[typ].startEv;
  return (start !== Ev.None ? start : typ) + desc * 256;
};
const rangeKeyText = (k: RangeKey) => `{${k % 256} ${Math.floor(k / 256)}}`;

/** Shared by every resource with no range in flight (most of them): no array per goroutine. */
const NO_RANGES: readonly RangeKey[] = Object.freeze([]);

class RangeState {
  inFlight: readonly RangeKey[] = NO_RANGES;

  private mutableRanges(): RangeKey[] {
    if (this.inFlight === NO_RANGES) this.inFlight = [];
    return this.inFlight as RangeKey[];
  }

  beginRange(key: RangeKey): void {
    if (this.inFlight.includes(key)) {
      throw new OrderError(`discovered event already in-flight for when starting event ${specs[key % 256].name}`);
    }
    this.mutableRanges().push(key);
  }

  activeRange(key: RangeKey, isInitialGen: boolean): void {
    if (isInitialGen) {
      if (this.inFlight.includes(key)) throw new OrderError(`found named active range already in first gen: ${rangeKeyText(key)}`);
      this.mutableRanges().push(key);
    } else if (!this.inFlight.includes(key)) {
      throw new OrderError(`resource is missing active range: ${specs[key % 256].name} [${this.inFlight.map(rangeKeyText).join(' ')}]`);
    }
  }

  /** Ends the range begun by `typ`'s start event; returns its desc (string id). */
  endRange(typ: number): number {
    const start = specs[typ].startEv;
    const idx = this.inFlight.findIndex((k) => k % 256 === start);
    if (idx < 0) throw new OrderError(`tried to end event ${specs[start].name}, but not in-flight`);
    const inFlight = this.mutableRanges();
    const desc = Math.floor(inFlight[idx] / 256);
    inFlight[idx] = inFlight[inFlight.length - 1];
    inFlight.pop();
    return desc;
  }
}

interface RegionFrame { task: number; name: string }
const NO_REGIONS: readonly RegionFrame[] = Object.freeze([]);

/**
 * A goroutine's ordering state. Millions of goroutines come and go in a big trace, so states
 * of destroyed goroutines are recycled (see Ordering.newGState) rather than left to the GC.
 */
class GState extends RangeState {
  id = 0;
  status: GoStatus = GoStatus.Bad;
  seqGen = 0;
  seq = 0;
  /** Active user regions, innermost last. */
  regions: readonly RegionFrame[] = NO_REGIONS;

  init(id: number, status: GoStatus, gen: number): this {
    this.id = id;
    this.status = status;
    this.seqGen = gen;
    this.seq = 0;
    this.inFlight = NO_RANGES;
    this.regions = NO_REGIONS;
    return this;
  }

  pushRegion(region: RegionFrame): void {
    if (this.regions === NO_REGIONS) this.regions = [];
    (this.regions as RegionFrame[]).push(region);
  }

  popRegion(): void {
    (this.regions as RegionFrame[]).pop();
  }
}

/** Recycled goroutine states kept at most (enough for bursts of exits; the rest is garbage). */
const MAX_FREE_GSTATES = 4096;

class PState extends RangeState {
  seqGen = 0;
  seq = 0;
  constructor(readonly id: number, public status: ProcStatus, gen: number) {
    super();
    this.seqGen = gen;
  }
}

interface MState { g: number; p: number }

export class Ordering {
  readonly queue = new EventQueue();
  private readonly gStates = new IdMap<GState>();
  private readonly pStates = new IdMap<PState>();
  private readonly mStates = new IdMap<MState>();
  // Consecutive events mostly come from the same M: remember its state.
  private lastM = NONE;
  private lastMState: MState | undefined = undefined;
  private readonly activeTasks = new Map<number, { name: string; parentId: number }>();
  private readonly freeGStates: GState[] = [];
  private gcSeq = 0;
  private gcState = GcState.Undetermined;
  private initialGen = 0;

  // The scheduling context of the event being advanced (Go's curCtx), and the context the
  // M moves to if it advances (newCtx). Fields, not objects, to keep the hot path allocation-free.
  private curG = NONE;
  private curP = NONE;
  private curM = NONE;
  private newG = NONE;
  private newP = NONE;

  constructor(private readonly goMinor: number) {}

  private newGState(id: number, status: GoStatus, gen: number): GState {
    return (this.freeGStates.pop() ?? new GState()).init(id, status, gen);
  }

  /** Drops a goroutine's state (it was destroyed) and keeps the object for the next one. */
  private destroyGState(id: number): void {
    const state = this.gStates.get(id);
    this.gStates.delete(id);
    if (state !== undefined && this.freeGStates.length < MAX_FREE_GSTATES) this.freeGStates.push(state);
  }

  private evName(typ: number): string {
    return eventName(this.goMinor, typ);
  }

  /**
   * Tries to advance `ev`, the next event of thread `m` in generation `gen`. Returns false if
   * it cannot happen yet; throws OrderError if the trace is broken.
   */
  advance(ev: BaseEvent, tables: StringLookup, m: number, gen: number): boolean {
    if (this.initialGen === 0) this.initialGen = gen;
    let ms: MState | undefined;
    this.curM = m;
    if (m === NONE) {
      this.curP = NONE;
      this.curG = NONE;
    } else {
      ms = m === this.lastM ? this.lastMState : this.mStates.get(m);
      if (ms === undefined) {
        ms = { g: NONE, p: NONE };
        this.mStates.set(m, ms);
      }
      this.lastM = m;
      this.lastMState = ms;
      this.curP = ms.p;
      this.curG = ms.g;
    }
    this.newG = this.curG;
    this.newP = this.curP;
    const ok = this.dispatch(ev, tables, gen);
    if (ok && ms !== undefined) {
      ms.p = this.newP;
      ms.g = this.newG;
    }
    return ok;
  }

  private dispatch(ev: BaseEvent, tables: StringLookup, gen: number): boolean {
    switch (ev.typ) {
      case Ev.ProcsChange: case Ev.GoLabel: case Ev.UserLog: return this.advanceAnnotation(ev);
      case Ev.ProcStart: return this.advanceProcStart(ev, gen);
      case Ev.ProcStop: return this.advanceProcStop(ev);
      case Ev.ProcSteal: return this.advanceProcSteal(ev, gen);
      case Ev.ProcStatus: return this.advanceProcStatus(ev, gen);
      case Ev.GoCreate: case Ev.GoCreateBlocked: return this.advanceGoCreate(ev, gen);
      case Ev.GoCreateSyscall: return this.advanceGoCreateSyscall(ev, gen);
      case Ev.GoStart: return this.advanceGoStart(ev, gen);
      case Ev.GoDestroy: case Ev.GoStop: case Ev.GoBlock: return this.advanceGoStopExec(ev);
      case Ev.GoDestroySyscall: return this.advanceGoDestroySyscall(ev);
      case Ev.GoUnblock: return this.advanceGoUnblock(ev, gen);
      case Ev.GoSyscallBegin: return this.advanceGoSyscallBegin(ev, gen);
      case Ev.GoSyscallEnd: return this.advanceGoSyscallEnd(ev);
      case Ev.GoSyscallEndBlocked: return this.advanceGoSyscallEndBlocked(ev);
      case Ev.GoStatus: case Ev.GoStatusStack: return this.advanceGoStatus(ev, gen);
      case Ev.STWBegin: case Ev.GCMarkAssistBegin: return this.advanceGoRangeBegin(ev);
      case Ev.STWEnd: case Ev.GCMarkAssistEnd: return this.advanceGoRangeEnd(ev);
      case Ev.GCMarkAssistActive: return this.advanceGoRangeActive(ev, gen);
      case Ev.GCActive: return this.advanceGCActive(ev, gen);
      case Ev.GCBegin: return this.advanceGCBegin(ev);
      case Ev.GCEnd: return this.advanceGCEnd(ev);
      case Ev.GCSweepActive: return this.advanceGCSweepActive(ev, gen);
      case Ev.GCSweepBegin: return this.advanceGCSweepBegin(ev);
      case Ev.GCSweepEnd: return this.advanceGCSweepEnd(ev);
      case Ev.HeapAlloc: case Ev.HeapGoal: return this.advanceHeapMetric(ev);
      case Ev.UserTaskBegin: return this.advanceUserTaskBegin(ev, tables);
      case Ev.UserTaskEnd: return this.advanceUserTaskEnd(ev);
      case Ev.UserRegionBegin: return this.advanceUserRegion(ev, tables, true);
      case Ev.UserRegionEnd: return this.advanceUserRegion(ev, tables, false);
      case Ev.GoSwitch: case Ev.GoSwitchDestroy: return this.advanceGoSwitch(ev, gen);
      default:
        if (ev.typ >= Ev.Span && ev.typ <= Ev.GoroutineStackFree) return this.advanceAllocFree(ev);
        throw new OrderError(`bad event type found while ordering: ${ev.typ}`);
    }
  }

  /** Queues `ev` with the current context (Go: o.queue.push(Event{ctx: curCtx, base: *ev})). */
  private emit(ev: BaseEvent): void {
    const r = this.queue.push(ev.typ, ev.time, this.curG, this.curP, this.curM);
    copyArgs(r.args, ev.args);
  }

  private validate(m: Need, p: Need, g: Need): void {
    if (m === Need.Must && this.curM === NONE) throw new OrderError("expected a thread but didn't have one");
    if (m === Need.Not && this.curM !== NONE) throw new OrderError('expected no thread but had one');
    if (p === Need.Must && this.curP === NONE) throw new OrderError("expected a proc but didn't have one");
    if (p === Need.Not && this.curP !== NONE) throw new OrderError('expected no proc but had one');
    if (g === Need.Must && this.curG === NONE) throw new OrderError("expected a goroutine but didn't have one");
    if (g === Need.Not && this.curG !== NONE) throw new OrderError('expected no goroutine but had one');
  }

  private validateUserGo(): void {
    this.validate(Need.Must, Need.Must, Need.Must);
  }

  private advanceProcStatus(ev: BaseEvent, gen: number): boolean {
    const pid = ev.args[0];
    const status = ev.args[1] as ProcStatus;
    if (status >= procStatusToState.length) throw new OrderError(`invalid status for proc ${pid}: ${status}`);
    let oldState = procStatusToState[status];
    const s = this.pStates.get(pid);
    if (s !== undefined) {
      if (status === ProcStatus.SyscallAbandoned && s.status === ProcStatus.Syscall) {
        // Already in ProcSyscall: no information was lost; promote and advance.
        oldState = ProcRunningState;
        ev.args[1] = ProcStatus.Syscall;
      } else if (status === ProcStatus.SyscallAbandoned && s.status === ProcStatus.SyscallAbandoned) {
        // The P's M is lost; it shows as idle.
        oldState = ProcIdleState;
        ev.args[1] = ProcStatus.SyscallAbandoned;
      } else if (s.status !== status) {
        throw new OrderError(`inconsistent status for proc ${pid}: old ${procStatusName(s.status)} vs. new ${procStatusName(status)}`);
      }
      s.seqGen = gen;
      s.seq = 0;
    } else {
      this.pStates.set(pid, new PState(pid, status, gen));
      oldState = gen === this.initialGen ? ProcUndetermined : ProcNotExist;
    }
    ev.args[2] = oldState; // smuggled old state (Go's extra[0])

    if (status === ProcStatus.Running || status === ProcStatus.Syscall) this.newP = pid;
    // A SyscallAbandoned status promoted to Running -> Running is about to be stolen and was
    // likely written by another thread: emit it in the context of the M the P is bound to.
    if (status === ProcStatus.SyscallAbandoned && oldState === ProcRunningState) {
      let found = false;
      for (const [mid, ms] of this.mStates.entries()) {
        if (ms.p === pid) {
          this.curM = mid;
          this.curP = pid;
          this.curG = ms.g;
          found = true;
        }
      }
      if (!found) throw new OrderError(`failed to find sched context for proc ${pid} that's about to be stolen`);
    }
    this.emit(ev);
    return true;
  }

  private advanceProcStart(ev: BaseEvent, gen: number): boolean {
    const pid = ev.args[0];
    const seq = ev.args[1];
    const state = this.pStates.get(pid);
    if (state === undefined || state.status !== ProcStatus.Idle || !(state.seqGen === gen && seq === state.seq + 1) || this.curP !== NONE) {
      return false;
    }
    this.validate(Need.Must, Need.Not, Need.May);
    state.status = ProcStatus.Running;
    state.seqGen = gen;
    state.seq = seq;
    this.newP = pid;
    this.emit(ev);
    return true;
  }

  private advanceProcStop(ev: BaseEvent): boolean {
    const state = this.pStates.get(this.curP);
    if (state === undefined) throw new OrderError(`event ${this.evName(ev.typ)} for proc (${this.curP}) that doesn't exist`);
    if (state.status !== ProcStatus.Running && state.status !== ProcStatus.Syscall) {
      throw new OrderError(`${this.evName(ev.typ)} event for proc that's not Running or Syscall`);
    }
    this.validate(Need.Must, Need.Must, Need.May);
    state.status = ProcStatus.Idle;
    this.newP = NONE;
    this.emit(ev);
    return true;
  }

  private advanceProcSteal(ev: BaseEvent, gen: number): boolean {
    const pid = ev.args[0];
    const seq = ev.args[1];
    const state = this.pStates.get(pid);
    if (state === undefined || (state.status !== ProcStatus.Syscall && state.status !== ProcStatus.SyscallAbandoned) ||
        !(state.seqGen === gen && seq === state.seq + 1)) {
      return false;
    }
    this.validate(Need.Must, Need.May, Need.May);
    const oldStatus = state.status;
    ev.args[3] = oldStatus; // smuggled (Go's extra[0])
    state.status = ProcStatus.Idle;
    state.seqGen = gen;
    state.seq = seq;
    if (oldStatus === ProcStatus.SyscallAbandoned) {
      // Information was lost: leave the M alone, it may have moved on.
      this.emit(ev);
      return true;
    }
    const mid = ev.args[2];
    if (mid === this.curM) {
      // Stealing from ourselves behaves like a ProcStop.
      if (this.curP !== pid) throw new OrderError(`tried to self-steal proc ${pid} (thread ${mid}), but got proc ${this.curP} instead`);
      this.newP = NONE;
      this.emit(ev);
      return true;
    }
    const victim = this.mStates.get(mid);
    if (victim === undefined) throw new OrderError(`stole proc from non-existent thread ${mid}`);
    if (victim.p !== pid) throw new OrderError(`tried to steal proc ${pid} from thread ${mid}, but got proc ${victim.p} instead`);
    // The victim M was in a syscall; it may now proceed without its P.
    victim.p = NONE;
    this.emit(ev);
    return true;
  }

  private advanceGoStatus(ev: BaseEvent, gen: number): boolean {
    const gid = ev.args[0];
    const mid = ev.args[1];
    const status = ev.args[2] as GoStatus;
    if (status >= goStatusToState.length) throw new OrderError(`invalid status for goroutine ${gid}: ${status}`);
    let oldState = goStatusToState[status];
    const s = this.gStates.get(gid);
    if (s !== undefined) {
      if (s.status !== status) {
        throw new OrderError(`inconsistent status for goroutine ${gid}: old ${goStatusName(s.status)} vs. new ${goStatusName(status)}`);
      }
      s.seqGen = gen;
      s.seq = 0;
    } else if (gen === this.initialGen) {
      this.gStates.set(gid, this.newGState(gid, status, gen));
      oldState = GoUndetermined;
    } else {
      throw new OrderError(`found goroutine status for new goroutine after the first generation: id=${gid} status=${goStatusName(status)}`);
    }
    ev.args[2] = oldState * 2 ** 32 + status; // smuggled old state (Go packs it the same way)

    switch (status) {
      case GoStatus.Running:
        this.newG = gid;
        break;
      case GoStatus.Syscall: {
        if (mid === NONE) throw new OrderError(`found goroutine ${gid} in syscall without a thread`);
        if (mid === this.curM) {
          if (gen !== this.initialGen && this.curG !== gid) {
            throw new OrderError(`inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${this.curG}`);
          }
          this.newG = gid;
          break;
        }
        // A goroutine sitting in a syscall on another M for the whole generation.
        const other = this.mStates.get(mid);
        if (other !== undefined) {
          if (other.g !== gid) throw new OrderError(`inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${other.g}`);
          this.curG = other.g;
        } else {
          this.mStates.set(mid, { g: gid, p: NONE });
        }
        this.curM = mid;
        break;
      }
    }
    this.emit(ev);
    return true;
  }

  private advanceGoCreate(ev: BaseEvent, gen: number): boolean {
    this.validate(Need.Must, Need.Must, Need.May);
    const cur = this.gStates.get(this.curG);
    if (cur !== undefined && cur.status !== GoStatus.Running) throw new OrderError(`${this.evName(ev.typ)} event for goroutine that's not Running`);
    const newgid = ev.args[0];
    if (this.gStates.has(newgid)) throw new OrderError(`tried to create goroutine (${newgid}) that already exists`);
    const status = ev.typ === Ev.GoCreateBlocked ? GoStatus.Waiting : GoStatus.Runnable;
    this.gStates.set(newgid, this.newGState(newgid, status, gen));
    this.emit(ev);
    return true;
  }

  private runningG(ev: BaseEvent): GState {
    this.validateUserGo();
    const state = this.gStates.get(this.curG);
    if (state === undefined) throw new OrderError(`event ${this.evName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Running) throw new OrderError(`${this.evName(ev.typ)} event for goroutine that's not Running`);
    return state;
  }

  private advanceGoStopExec(ev: BaseEvent): boolean {
    const state = this.runningG(ev);
    switch (ev.typ) {
      case Ev.GoDestroy:
        this.destroyGState(this.curG);
        break;
      case Ev.GoStop:
        state.status = GoStatus.Runnable;
        break;
      case Ev.GoBlock:
        state.status = GoStatus.Waiting;
        break;
    }
    this.newG = NONE;
    this.emit(ev);
    return true;
  }

  private advanceGoStart(ev: BaseEvent, gen: number): boolean {
    const gid = ev.args[0];
    const seq = ev.args[1];
    const state = this.gStates.get(gid);
    if (state === undefined || state.status !== GoStatus.Runnable || !(state.seqGen === gen && seq === state.seq + 1)) return false;
    this.validate(Need.Must, Need.Must, Need.Not);
    state.status = GoStatus.Running;
    state.seqGen = gen;
    state.seq = seq;
    this.newG = gid;
    this.emit(ev);
    return true;
  }

  private advanceGoUnblock(ev: BaseEvent, gen: number): boolean {
    const gid = ev.args[0];
    const seq = ev.args[1];
    const state = this.gStates.get(gid);
    if (state === undefined || state.status !== GoStatus.Waiting || !(state.seqGen === gen && seq === state.seq + 1)) return false;
    state.status = GoStatus.Runnable;
    state.seqGen = gen;
    state.seq = seq;
    // Anything can unblock a goroutine (sysmon, too): no context to validate.
    this.emit(ev);
    return true;
  }

  private advanceGoSwitch(ev: BaseEvent, gen: number): boolean {
    // GoSwitch = unblock the next goroutine + block/destroy the current one + start the next.
    this.validateUserGo();
    const cur = this.gStates.get(this.curG);
    if (cur === undefined) throw new OrderError(`event ${this.evName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (cur.status !== GoStatus.Running) throw new OrderError(`${this.evName(ev.typ)} event for goroutine that's not Running`);
    const nextg = ev.args[0];
    const seq = ev.args[1];
    const next = this.gStates.get(nextg);
    if (next === undefined || next.status !== GoStatus.Waiting || !(next.seqGen === gen && seq === next.seq + 1)) return false;
    this.emit(ev);
    if (ev.typ === Ev.GoSwitch) {
      cur.status = GoStatus.Waiting;
      // Go emits the block without a reason or stack.
      this.queue.push(Ev.GoBlock, ev.time, this.curG, this.curP, this.curM);
    } else {
      this.destroyGState(this.curG);
      this.queue.push(Ev.GoDestroy, ev.time, this.curG, this.curP, this.curM);
    }
    next.status = GoStatus.Running;
    next.seqGen = gen;
    next.seq = seq;
    this.newG = nextg;
    const start = this.queue.push(Ev.GoStart, ev.time, NONE, this.curP, this.curM);
    start.args[0] = nextg;
    start.args[1] = seq;
    return true;
  }

  private advanceGoSyscallBegin(ev: BaseEvent, gen: number): boolean {
    const state = this.runningG(ev);
    state.status = GoStatus.Syscall;
    const p = this.pStates.get(this.curP);
    if (p === undefined) throw new OrderError(`uninitialized proc ${this.curP} found during ${this.evName(ev.typ)}`);
    p.status = ProcStatus.Syscall;
    // The P sequence number disambiguates which syscall a later ProcSteal steals from.
    const pSeq = ev.args[0];
    if (!(p.seqGen === gen && pSeq === p.seq + 1)) {
      throw new OrderError(`failed to advance ${this.evName(ev.typ)}: can't make sequence: ${p.seq} (gen=${p.seqGen}) -> ${pSeq} (gen=${gen})`);
    }
    p.seqGen = gen;
    p.seq = pSeq;
    this.emit(ev);
    return true;
  }

  private advanceGoSyscallEnd(ev: BaseEvent): boolean {
    this.validateUserGo();
    const state = this.gStates.get(this.curG);
    if (state === undefined) throw new OrderError(`event ${this.evName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Syscall) throw new OrderError(`${this.evName(ev.typ)} event for goroutine that's not Running`);
    state.status = GoStatus.Running;
    const p = this.pStates.get(this.curP);
    if (p === undefined) throw new OrderError(`uninitialized proc ${this.curP} found during ${this.evName(ev.typ)}`);
    if (p.status !== ProcStatus.Syscall) {
      throw new OrderError(`expected proc ${this.curP} in state Syscall, but got ${procStatusName(p.status)} instead`);
    }
    p.status = ProcStatus.Running;
    this.emit(ev);
    return true;
  }

  private advanceGoSyscallEndBlocked(ev: BaseEvent): boolean {
    // Wait until this M has lost its P (ProcStop or ProcSteal), if it still has it.
    if (this.curP !== NONE) {
      const p = this.pStates.get(this.curP);
      if (p === undefined) throw new OrderError(`uninitialized proc ${this.curP} found during ${this.evName(ev.typ)}`);
      if (p.status === ProcStatus.Syscall) return false;
    }
    this.validate(Need.Must, Need.May, Need.Must);
    const state = this.gStates.get(this.curG);
    if (state === undefined) throw new OrderError(`event ${this.evName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Syscall) throw new OrderError(`${this.evName(ev.typ)} event for goroutine that's not Running`);
    this.newG = NONE;
    state.status = GoStatus.Runnable;
    this.emit(ev);
    return true;
  }

  private advanceGoCreateSyscall(ev: BaseEvent, gen: number): boolean {
    // A goroutine appearing out of a cgo callback, created in the syscall state.
    this.validate(Need.Must, Need.May, Need.Not);
    const newgid = ev.args[0];
    if (this.gStates.has(newgid)) throw new OrderError(`tried to create goroutine (${newgid}) in syscall that already exists`);
    this.gStates.set(newgid, this.newGState(newgid, GoStatus.Syscall, gen));
    this.newG = newgid;
    this.emit(ev);
    return true;
  }

  private advanceGoDestroySyscall(ev: BaseEvent): boolean {
    this.validate(Need.Must, Need.May, Need.Must);
    const state = this.gStates.get(this.curG);
    if (state === undefined) throw new OrderError(`event ${this.evName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Syscall) throw new OrderError(`${this.evName(ev.typ)} event for goroutine that's not Syscall`);
    this.destroyGState(this.curG);
    this.newG = NONE;
    // The thread id may be reused by the OS: drop the P now (as a self-steal), or a later M
    // with the same id could end up stealing it from itself.
    if (this.curP !== NONE) {
      const p = this.pStates.get(this.curP);
      if (p === undefined) throw new OrderError(`found invalid proc ${this.curP} during ${this.evName(ev.typ)}`);
      if (p.status !== ProcStatus.Syscall) {
        throw new OrderError(`proc ${this.curP} in unexpected state ${procStatusName(p.status)} during ${this.evName(ev.typ)}`);
      }
      p.status = ProcStatus.SyscallAbandoned;
      this.newP = NONE;
      const steal = this.queue.push(Ev.ProcSteal, ev.time, this.curG, this.curP, this.curM);
      steal.args[0] = this.curP;
      steal.args[3] = ProcStatus.Syscall;
    }
    this.emit(ev);
    return true;
  }

  private advanceUserTaskBegin(ev: BaseEvent, tables: StringLookup): boolean {
    // Tasks may be referenced without a Begin and ended several times: validate little.
    const id = ev.args[0];
    if (this.activeTasks.has(id)) throw new OrderError(`task ID conflict: ${id}`);
    let parentId = ev.args[1];
    if (parentId === 0) {
      // 0 here means "no parent", not the background task.
      parentId = NONE;
      ev.args[1] = NONE;
    }
    const nameId = ev.args[2];
    const name = tables.stringOf(nameId);
    if (name === undefined) throw new OrderError(`invalid string ID ${nameId} for ${ev.typ} event`);
    this.activeTasks.set(id, { name, parentId });
    this.validateUserGo();
    this.emit(ev);
    return true;
  }

  private advanceUserTaskEnd(ev: BaseEvent): boolean {
    const id = ev.args[0];
    const task = this.activeTasks.get(id);
    let parentId = NONE;
    let name = '';
    if (task !== undefined) {
      // The name is carried over because the End may be in a later generation.
      parentId = task.parentId;
      name = task.name;
      this.activeTasks.delete(id);
    }
    this.validateUserGo();
    const r = this.queue.push(ev.typ, ev.time, this.curG, this.curP, this.curM);
    copyArgs(r.args, ev.args);
    r.args[2] = parentId;
    r.taskName = name;
    return true;
  }

  private advanceUserRegion(ev: BaseEvent, tables: StringLookup, begin: boolean): boolean {
    this.validateUserGo();
    const task = ev.args[0];
    const nameId = ev.args[1];
    const name = tables.stringOf(nameId);
    if (name === undefined) throw new OrderError(`invalid string ID ${nameId} for ${ev.typ} event`);
    const g = this.gStates.get(this.curG);
    if (g === undefined) {
      throw new OrderError(`encountered ${begin ? 'EvUserRegionBegin' : 'EvUserRegionEnd'} without known state for current goroutine ${this.curG}`);
    }
    if (begin) {
      g.pushRegion({ task, name });
    } else if (g.regions.length > 0) {
      // Regions begun before tracing started are unknown; only check what we saw begin.
      const top = g.regions[g.regions.length - 1];
      if (top.task !== task || top.name !== name) {
        throw new OrderError(`misuse of region in goroutine ${g.id}: region end {${task} ${name}} when the inner-most active region start event is {${top.task} ${top.name}}`);
      }
      g.popRegion();
    }
    this.emit(ev);
    return true;
  }

  // The GC mark phase has sequence numbers on begin and end: they can be on different threads.
  private advanceGCActive(ev: BaseEvent, gen: number): boolean {
    const seq = ev.args[0];
    if (gen === this.initialGen) {
      if (this.gcState !== GcState.Undetermined) throw new OrderError("GCActive in the first generation isn't first GC event");
      this.gcSeq = seq;
      this.gcState = GcState.Running;
      this.emit(ev);
      return true;
    }
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState !== GcState.Running) throw new OrderError('encountered GCActive while GC was not in progress');
    this.gcSeq = seq;
    this.validateUserGo();
    this.emit(ev);
    return true;
  }

  private advanceGCBegin(ev: BaseEvent): boolean {
    const seq = ev.args[0];
    if (this.gcState === GcState.Undetermined) {
      this.gcSeq = seq;
      this.gcState = GcState.Running;
      this.emit(ev);
      return true;
    }
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState === GcState.Running) throw new OrderError('encountered GCBegin while GC was already in progress');
    this.gcSeq = seq;
    this.gcState = GcState.Running;
    this.validateUserGo();
    this.emit(ev);
    return true;
  }

  private advanceGCEnd(ev: BaseEvent): boolean {
    const seq = ev.args[0];
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState === GcState.NotRunning) throw new OrderError('encountered GCEnd when GC was not in progress');
    if (this.gcState === GcState.Undetermined) throw new OrderError('encountered GCEnd when GC was in an undetermined state');
    this.gcSeq = seq;
    this.gcState = GcState.NotRunning;
    this.validateUserGo();
    this.emit(ev);
    return true;
  }

  private advanceAnnotation(ev: BaseEvent): boolean {
    this.validateUserGo();
    this.emit(ev);
    return true;
  }

  private advanceHeapMetric(ev: BaseEvent): boolean {
    this.validate(Need.Must, Need.Must, Need.May);
    this.emit(ev);
    return true;
  }

  private advanceGCSweepBegin(ev: BaseEvent): boolean {
    this.validate(Need.Must, Need.Must, Need.May);
    this.pStates.get(this.curP)!.beginRange(rangeKey(ev.typ, 0));
    this.emit(ev);
    return true;
  }

  private advanceGCSweepActive(ev: BaseEvent, gen: number): boolean {
    const pid = ev.args[0];
    const p = this.pStates.get(pid);
    if (p === undefined) throw new OrderError(`encountered GCSweepActive for unknown proc ${pid}`);
    p.activeRange(rangeKey(ev.typ, 0), gen === this.initialGen);
    this.emit(ev);
    return true;
  }

  private advanceGCSweepEnd(ev: BaseEvent): boolean {
    this.validate(Need.Must, Need.Must, Need.May);
    this.pStates.get(this.curP)!.endRange(ev.typ);
    this.emit(ev);
    return true;
  }

  private advanceGoRangeBegin(ev: BaseEvent): boolean {
    this.validateUserGo();
    const desc = ev.typ === Ev.STWBegin ? ev.args[0] : 0;
    const g = this.gStates.get(this.curG);
    if (g === undefined) throw new OrderError(`encountered event of type ${ev.typ} without known state for current goroutine ${this.curG}`);
    g.beginRange(rangeKey(ev.typ, desc));
    this.emit(ev);
    return true;
  }

  private advanceGoRangeActive(ev: BaseEvent, gen: number): boolean {
    // Like GoStatus, may name a goroutine that is not running: no context checks.
    const gid = ev.args[0];
    const g = this.gStates.get(gid);
    if (g === undefined) throw new OrderError(`uninitialized goroutine ${gid} found during ${this.evName(ev.typ)}`);
    g.activeRange(rangeKey(ev.typ, 0), gen === this.initialGen);
    this.emit(ev);
    return true;
  }

  private advanceGoRangeEnd(ev: BaseEvent): boolean {
    this.validateUserGo();
    const g = this.gStates.get(this.curG);
    if (g === undefined) throw new OrderError(`encountered event of type ${ev.typ} without known state for current goroutine ${this.curG}`);
    const desc = g.endRange(ev.typ);
    // STWEnd carries its begin's kind, like Go smuggles it into args[0].
    if (ev.typ === Ev.STWEnd) ev.args[0] = desc;
    this.emit(ev);
    return true;
  }

  private advanceAllocFree(ev: BaseEvent): boolean {
    this.validate(Need.Must, Need.May, Need.May);
    this.emit(ev);
    return true;
  }
}
