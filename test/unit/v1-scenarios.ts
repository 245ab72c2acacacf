// Hand-written v1 traces for the unit tests (see v1-writer.ts). Each exercises conversions that
// real programs reach rarely or never; what go tool trace 1.27 printed for them is pasted
// next to the tests that use them.

import { Ev, V1Writer } from './v1-writer.ts';

/** Ticks far past 2^53, so timestamps are only right if computed exactly. */
export const T0 = 2n ** 60n + 12345n;

/**
 * Two Ps and the global buffer: goroutines that predate the trace (GoCreate/GoWaiting/GoStart
 * before the first Gomaxprocs), a timer goroutine's unblock, a syscall that blocked (its exit
 * moves back to the real exit time) and one that did not (a 1 ns pair), a labelled start, a task
 * with a region and a log, GC/STW/assist/sweep ranges, a network unblock, a CPU sample.
 */
export function busyTrace(goMinor: 11 | 19 | 21): Uint8Array {
  const w = new V1Writer(goMinor);
  w.batch(0, T0)
    .event(Ev.GoCreate, 10, 1, 1, 0)
    .event(Ev.GoCreate, 10, 2, 1, 0)
    .event(Ev.GoCreate, 10, 3, 1, 0)
    .event(Ev.GoWaiting, 10, 2)
    .event(Ev.ProcStart, 10, 7)
    .event(Ev.GoStart, 10, 1, 1)
    .event(Ev.Gomaxprocs, 10, 4, 0)
    .event(Ev.HeapAlloc, 10, 2 ** 40 + 3)
    .event(Ev.GoUnblock, 10, 2, 2, 2)
    .event(Ev.GoSysCall, 10, 2)
    .event(Ev.GoSysBlock, 10)
    .event(Ev.GoStart, 10, 2, 3)
    .event(Ev.GoCreate, 10, 4, 1, 2)
    .event(Ev.GoSysCall, 10, 2)
    .event(Ev.GoSched, 10, 2)
    .event(Ev.GoStartLabel, 10, 4, 1, 5)
    .event(Ev.UserTaskCreate, 10, 1, 0, 6, 2)
    .event(Ev.UserRegion, 10, 1, 0, 7, 2)
    .log(10, 1, 8, 2, 'hello "v1"')
    .event(Ev.UserRegion, 10, 1, 1, 7, 2)
    .event(Ev.UserTaskEnd, 10, 1, 2)
    .event(Ev.GCStart, 10, 0, 2)
    .event(Ev.STWStart, 10, 1)
    .event(Ev.STWDone, 10)
    .event(Ev.GCMarkAssistStart, 10, 2)
    .event(Ev.GCMarkAssistDone, 10)
    .event(Ev.GCSweepStart, 10, 2)
    .event(Ev.GCSweepDone, 10, 8192, 4096)
    .event(Ev.GCDone, 10)
    .event(Ev.GoBlockNet, 10, 2)
    .event(Ev.GoStart, 10, 2, 4)
    .event(Ev.GoSleep, 10, 2)
    .event(Ev.ProcStop, 10);
  w.batch(1, T0 + 50n)
    .event(Ev.ProcStart, 150, 9)
    .event(Ev.GoUnblock, 100, 4, 2, 0)
    .event(Ev.GoSysExit, 10, 1, 2, T0 + 130n)
    .event(Ev.GoStart, 10, 1, 3)
    .event(Ev.GoEnd, 10);
  if (goMinor >= 19) w.event(Ev.CPUSample, 10, T0 + 55n, 0, 2, 2);
  w.event(Ev.ProcStop, 10);
  w.batch(-1, T0 + 1000n)
    .event(Ev.TimerGoroutine, 1)
    .string(10, 'main.main')
    .string(11, '/src/main.go')
    .string(5, 'GC (idle)')
    .string(6, 'task0')
    .string(7, 'region0')
    .string(8, 'key')
    .stack(1, [[0x401000, 10, 11, 5]])
    .stack(2, [[0x401100, 10, 11, 7], [0x401200, 10, 11, 9]])
    .frequency(2_900_000_000);
  return w.bytes();
}

/** A FutileWakeup, which Go's converter has no mapping for: go tool trace stops there. */
export function futileWakeupTrace(): Uint8Array {
  const w = new V1Writer(21);
  w.batch(0, 1000n)
    .event(Ev.ProcStart, 10, 3)
    .event(Ev.Gomaxprocs, 10, 1, 0)
    .event(Ev.HeapGoal, 10, 4 << 20)
    .event(Ev.FutileWakeup, 10)
    .event(Ev.ProcStop, 10)
    .frequency(1_000_000_000);
  return w.bytes();
}

/**
 * The "Local" variants (written on the P of the event that made them possible). Go renames them
 * after ordering; with `sysExitLocal`, a GoSysExitLocal is added, which Go's parser gives the P's
 * current goroutine (0 here) instead of the exiting one, so go tool trace rejects the trace.
 */
export function localEventsTrace(sysExitLocal: boolean): Uint8Array {
  const w = new V1Writer(21);
  w.batch(0, 5000n)
    .event(Ev.ProcStart, 1, 4)
    .event(Ev.Gomaxprocs, 1, 2, 0)
    .event(Ev.GoCreate, 1, 7, 1, 0)
    .event(Ev.GoStartLocal, 1, 7);
  if (sysExitLocal) {
    w.event(Ev.GoSysCall, 1, 1)
      .event(Ev.GoSysBlock, 1)
      .event(Ev.GoSysExitLocal, 40, 7, 5010)
      .event(Ev.GoStartLocal, 1, 7);
  }
  w.event(Ev.GoCreate, 1, 8, 1, 1)
    .event(Ev.GoBlockRecv, 1, 1)
    .event(Ev.GoStartLocal, 1, 8)
    .event(Ev.GoUnblockLocal, 1, 7, 1)
    .event(Ev.GoEnd, 1)
    .event(Ev.ProcStop, 1)
    .string(1, 'f')
    .string(2, 'f.go')
    .stack(1, [[0x1000, 1, 2, 3]])
    .frequency(1_000_000_000);
  return w.bytes();
}
