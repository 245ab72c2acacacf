// Go's tracev1 postProcessTrace: one pass over the ordered events that checks the trace is
// consistent (a P runs one goroutine at a time, a goroutine is blocked before it is unblocked…)
// and restores what the format leaves implicit: GC events move to the GC "P", unblocks of
// goroutines blocked on the network move to the netpoll "P", and references to stacks that
// do not exist are dropped. It runs to the end before any event is delivered, because Go
// rejects the whole trace when it fails.

import { GCP, NetpollP, TimerP, V1, descriptions, mergedType } from './events.ts';
import type { DecodedTrace } from './decode.ts';
import type { BatchLocator } from './order.ts';

const enum State {
  Dead = 0,
  Runnable = 1,
  Running = 2,
  Waiting = 3,
}

interface GoDesc {
  state: State;
  /** Type of the event Go keeps as g.ev (-1 = none); only "was it GoBlockNet" is asked. */
  lastType: number;
  inMarkAssist: boolean;
}

interface ProcDesc {
  running: boolean;
  g: number;
  sweeping: boolean;
}

const absentGoroutine: Readonly<GoDesc> = { state: State.Dead, lastType: -1, inMarkAssist: false };
const absentProc: Readonly<ProcDesc> = { running: false, g: 0, sweeping: false };

/** An integer as Go prints it: exact digits even past 2^53 (JS would round the shortest form). */
function decimal(n: number): string {
  return Number.isSafeInteger(n) || !Number.isFinite(n) ? String(n) : BigInt(n).toString();
}

/** Go's Event.String() of a tracev1 event, which its error messages quote. */
function describeEvent(decoded: DecodedTrace, i: number): string {
  const c = decoded.columns;
  const desc = descriptions[mergedType(c.type[i])];
  let s = `${decimal(c.ts[i])} ${desc.name} p=${c.p[i]} g=${c.getG(i)} stk=${c.stk[i]}`;
  desc.args.forEach((name, k) => {
    s += ` ${name}=${c.arg(i, k)}`;
  });
  return JSON.stringify(s);
}

export function validateTrace(decoded: DecodedTrace, order: Uint32Array, locate: BatchLocator): void {
  const checker = new ConsistencyChecker(decoded, locate);
  for (let k = 0; k < order.length; k++) checker.check(order[k]);
}

/** Go's postProcessTrace state. Methods, not per-event closures: this runs once per event. */
class ConsistencyChecker {
  private readonly goroutines = new Map<number, GoDesc>([[0, { state: State.Running, lastType: -1, inMarkAssist: false }]]);
  private readonly procs = new Map<number, ProcDesc>();
  private readonly tasks = new Map<number, number>();
  private readonly activeRegions = new Map<number, number[]>();
  private inGC = false;
  private inSTW = false;

  constructor(private readonly decoded: DecodedTrace, private readonly locate: BatchLocator) {}

  private goroutine(id: number): GoDesc {
    let g = this.goroutines.get(id);
    if (!g) this.goroutines.set(id, (g = { state: State.Dead, lastType: -1, inMarkAssist: false }));
    return g;
  }

  private proc(id: number): ProcDesc {
    let p = this.procs.get(id);
    if (!p) this.procs.set(id, (p = { running: false, g: 0, sweeping: false }));
    return p;
  }

  private checkRunning(type: number, gid: number, pid: number, time: number, allowG0: boolean, i: number): void {
    const name = descriptions[type].name;
    const g = this.goroutines.get(gid) ?? absentGoroutine;
    const p = this.procs.get(pid) ?? absentProc;
    if (g.state !== State.Running) throw this.locate.error(`g ${gid} is not running while ${name} (time ${decimal(time)})`, i);
    if (p.g !== gid) throw this.locate.error(`p ${pid} is not running g ${gid} while ${name} (time ${decimal(time)})`, i);
    if (!allowG0 && gid === 0) throw this.locate.error(`g 0 did ${name} (time ${decimal(time)})`, i);
  }

  check(i: number): void {
    const decoded = this.decoded;
    const c = decoded.columns;
    const type = mergedType(c.type[i]);
    const time = c.ts[i];
    const pid = c.p[i];
    const gid = c.getG(i);
    const locate = this.locate;

    switch (type) {
      case V1.ProcStart: {
        const p = this.proc(pid);
        if (p.running) throw locate.error(`p ${pid} is running before start (time ${decimal(time)})`, i);
        p.running = true;
        break;
      }
      case V1.ProcStop: {
        const p = this.proc(pid);
        if (!p.running) throw locate.error(`p ${pid} is not running before stop (time ${decimal(time)})`, i);
        if (p.g !== 0) throw locate.error(`p ${pid} is running a goroutine ${p.g} during stop (time ${decimal(time)})`, i);
        p.running = false;
        break;
      }
      case V1.GCStart:
        if (this.inGC) throw locate.error(`previous GC is not ended before a new one (time ${decimal(time)})`, i);
        this.inGC = true;
        c.p[i] = GCP; // attributed to the global GC state
        break;
      case V1.GCDone:
        if (!this.inGC) throw locate.error(`bogus GC end (time ${decimal(time)})`, i);
        this.inGC = false;
        break;
      case V1.STWStart:
        if (this.inSTW) throw locate.error(`previous STW is not ended before a new one (time ${decimal(time)})`, i);
        this.inSTW = true;
        break;
      case V1.STWDone:
        if (!this.inSTW) throw locate.error(`bogus STW end (time ${decimal(time)})`, i);
        this.inSTW = false;
        break;
      case V1.GCSweepStart: {
        const p = this.proc(pid);
        if (p.sweeping) throw locate.error(`previous sweeping is not ended before a new one (time ${decimal(time)})`, i);
        p.sweeping = true;
        break;
      }
      case V1.GCSweepDone: {
        const p = this.proc(pid);
        if (!p.sweeping) throw locate.error(`bogus sweeping end (time ${decimal(time)})`, i);
        p.sweeping = false;
        break;
      }
      case V1.GCMarkAssistStart: {
        const g = this.goroutine(gid);
        if (g.inMarkAssist) throw locate.error(`previous mark assist is not ended before a new one (time ${decimal(time)})`, i);
        g.inMarkAssist = true;
        break;
      }
      case V1.GCMarkAssistDone:
        // Assists may be under way when tracing starts, so a lone end is fine.
        this.goroutine(gid).inMarkAssist = false;
        break;
      case V1.GoWaiting:
      case V1.GoInSyscall: {
        const g = this.goroutine(gid);
        if (g.state !== State.Runnable) {
          const name = type === V1.GoWaiting ? 'EvGoWaiting' : 'EvGoInSyscall';
          throw locate.error(`g ${gid} is not runnable before ${name} (time ${decimal(time)})`, i);
        }
        g.state = State.Waiting;
        g.lastType = type;
        break;
      }
      case V1.GoCreate: {
        this.checkRunning(type, gid, pid, time, true, i);
        const created = c.arg(i, 0);
        if (this.goroutines.has(created)) throw locate.error(`g ${created} already exists (time ${decimal(time)})`, i);
        this.goroutines.set(created, { state: State.Runnable, lastType: V1.GoCreate, inMarkAssist: false });
        break;
      }
      case V1.GoStart:
      case V1.GoStartLabel: {
        const g = this.goroutine(gid);
        const p = this.proc(pid);
        if (g.state !== State.Runnable) throw locate.error(`g ${gid} is not runnable before start (time ${decimal(time)})`, i);
        if (p.g !== 0) throw locate.error(`p ${pid} is already running g ${p.g} while start g ${gid} (time ${decimal(time)})`, i);
        g.state = State.Running;
        g.lastType = -1;
        p.g = gid;
        break;
      }
      case V1.GoEnd:
      case V1.GoStop:
        this.checkRunning(type, gid, pid, time, false, i);
        this.goroutine(gid).state = State.Dead;
        this.proc(pid).g = 0;
        if (type === V1.GoEnd) this.activeRegions.delete(gid);
        break;
      case V1.GoSched:
      case V1.GoPreempt: {
        this.checkRunning(type, gid, pid, time, false, i);
        const g = this.goroutine(gid);
        g.state = State.Runnable;
        g.lastType = type;
        this.proc(pid).g = 0;
        break;
      }
      case V1.GoUnblock: {
        const g = this.goroutines.get(gid) ?? absentGoroutine;
        const p = this.procs.get(pid) ?? absentProc;
        if (g.state !== State.Running) throw locate.error(`g ${gid} is not running while unpark (time ${decimal(time)})`, i);
        if (pid !== TimerP && p.g !== gid) throw locate.error(`p ${pid} is not running g ${gid} while unpark (time ${decimal(time)})`, i);
        const woken = c.arg(i, 0);
        const g1 = this.goroutine(woken);
        if (g1.state !== State.Waiting) throw locate.error(`g ${woken} is not waiting before unpark (time ${decimal(time)})`, i);
        if (g1.lastType === V1.GoBlockNet) c.p[i] = NetpollP;
        g1.state = State.Runnable;
        g1.lastType = V1.GoUnblock;
        break;
      }
      case V1.GoSysCall:
        this.checkRunning(type, gid, pid, time, false, i);
        this.goroutine(gid).lastType = V1.GoSysCall;
        break;
      case V1.GoSysBlock:
        this.checkRunning(type, gid, pid, time, false, i);
        this.goroutine(gid).state = State.Waiting;
        this.proc(pid).g = 0;
        break;
      case V1.GoSysExit: {
        const g = this.goroutine(gid);
        if (g.state !== State.Waiting) throw locate.error(`g ${gid} is not waiting during syscall exit (time ${decimal(time)})`, i);
        g.state = State.Runnable;
        g.lastType = V1.GoSysExit;
        break;
      }
      case V1.GoSleep: case V1.GoBlock: case V1.GoBlockSend: case V1.GoBlockRecv:
      case V1.GoBlockSelect: case V1.GoBlockSync: case V1.GoBlockCond: case V1.GoBlockNet:
      case V1.GoBlockGC: {
        this.checkRunning(type, gid, pid, time, false, i);
        const g = this.goroutine(gid);
        g.state = State.Waiting;
        g.lastType = type;
        this.proc(pid).g = 0;
        break;
      }
      case V1.UserTaskCreate: {
        const task = c.arg(i, 0);
        const previous = this.tasks.get(task);
        if (previous !== undefined) {
          throw locate.error(`task id conflicts (id:${task}), ${describeEvent(decoded, i)} vs ${describeEvent(decoded, previous)}`, i);
        }
        this.tasks.set(task, i);
        break;
      }
      case V1.UserTaskEnd:
        this.tasks.delete(c.arg(i, 0));
        break;
      case V1.UserRegion: {
        const mode = c.arg(i, 1);
        const regions = this.activeRegions.get(gid);
        if (mode === 0) {
          if (regions) regions.push(i);
          else this.activeRegions.set(gid, [i]);
        } else if (mode === 1) {
          if (regions && regions.length > 0) {
            const open = regions[regions.length - 1];
            if (c.arg(open, 0) !== c.arg(i, 0) || c.arg(open, 2) !== c.arg(i, 2)) {
              throw locate.error(`misuse of region in goroutine ${gid}: span end ${describeEvent(decoded, i)} when the inner-most active span start event is ${describeEvent(decoded, open)}`, i);
            }
            regions.pop();
            if (regions.length === 0) this.activeRegions.delete(gid);
          }
        } else throw locate.error(`invalid user region mode: ${describeEvent(decoded, i)}`, i);
        break;
      }
    }

    // Drop references to stacks that do not exist (or have no frames).
    const stk = c.stk[i];
    if (stk !== 0 && !decoded.stacks.has(stk)) c.stk[i] = 0;
  }
}
