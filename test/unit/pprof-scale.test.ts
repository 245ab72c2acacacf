// Blocking profiles' compact storage: intervals longer than 32 bits of ns, fractional times,
// and recording only some kinds (what `tstrace -pprof=KIND` does). Expected values follow from
// Go's cmd/trace/pprof.go rules, as in pprof-profiles.test.ts.

import { describe, expect, it } from 'vitest';
import { EventKind, GoState, ResourceKind, TraceEvent } from '../../parser/model/event.ts';
import { TraceTables } from '../../parser/model/tables.ts';
import { createBlockingProfiles, type BlockingProfileKind } from '../../parser/analysis/pprof.ts';

type Step = [time: number, g: number, from: GoState, to: GoState, reason?: string, stack?: number];

function record(kinds: readonly BlockingProfileKind[] | undefined, steps: Step[], end: number) {
  const tables = new TraceTables();
  const frame = tables.internFrame(0x10, 'main.f', 'f.go', 1);
  const stack = tables.internStack([frame]);
  const rec = createBlockingProfiles(tables, kinds);
  const ev = new TraceEvent();
  const sync = (time: number) => {
    ev.reset();
    ev.kind = EventKind.Sync;
    ev.time = time;
    rec.handleEvent(ev);
  };
  sync(0);
  for (const [time, g, from, to, reason = '', withStack = 1] of steps) {
    ev.reset();
    ev.kind = EventKind.StateTransition;
    ev.resourceKind = ResourceKind.Goroutine;
    ev.resourceId = g;
    ev.time = time;
    ev.oldState = from;
    ev.newState = to;
    ev.reason = reason;
    ev.stack = withStack ? stack : 0;
    rec.handleEvent(ev);
  }
  sync(end);
  return { profiles: rec.finish(), stack };
}

const S = 1e9;
const steps: Step[] = [
  [1, 1, GoState.NotExist, GoState.Running],
  // A 5 s syscall: more than 2^32 ns.
  [10, 1, GoState.Running, GoState.Syscall],
  [10 + 5 * S, 1, GoState.Syscall, GoState.Running],
  // 9 s blocked on a channel, then 70 ns runnable.
  [6 * S, 1, GoState.Running, GoState.Waiting, 'chan receive'],
  [15 * S, 1, GoState.Waiting, GoState.Runnable],
  [15 * S + 70, 1, GoState.Runnable, GoState.Running],
  // Exactly 2^32 ns in a syscall (the first length that does not fit 32 bits), then 2^32 - 1.
  [16 * S, 1, GoState.Running, GoState.Syscall],
  [16 * S + 2 ** 32, 1, GoState.Syscall, GoState.Running],
  [22 * S, 1, GoState.Running, GoState.Syscall],
  [22 * S + 2 ** 32 - 1, 1, GoState.Syscall, GoState.Running],
];

describe('blocking profiles, compact storage', () => {
  it('keeps intervals of 2^32 ns and more exact', () => {
    const { profiles, stack } = record(undefined, steps, 30 * S);
    expect(profiles.profile('syscall', null)).toEqual([{ stackId: stack, count: 3, totalNs: 5 * S + 2 ** 32 + 2 ** 32 - 1 }]);
    expect(profiles.profile('sync', null)).toEqual([{ stackId: stack, count: 1, totalNs: 9 * S }]);
    // Entered at the unblocking event, which carries the stack.
    expect(profiles.profile('sched', null)).toEqual([{ stackId: stack, count: 1, totalNs: 70 }]);
  });

  it('keeps fractional times exact (they do not fit the integer column)', () => {
    const { profiles, stack } = record(undefined, [
      [1, 2, GoState.NotExist, GoState.Running],
      [10, 2, GoState.Running, GoState.Syscall],
      [12.5, 2, GoState.Syscall, GoState.Running],
    ], 20);
    expect(profiles.profile('syscall', null)).toEqual([{ stackId: stack, count: 1, totalNs: 2.5 }]);
  });

  it('records only the kinds asked for, with the same results', () => {
    const all = record(undefined, steps, 30 * S).profiles;
    for (const kind of ['net', 'sync', 'syscall', 'sched'] as const) {
      const one = record([kind], steps, 30 * S).profiles;
      expect(one.profile(kind, null)).toEqual(all.profile(kind, null));
      const other = kind === 'sched' ? 'net' : 'sched';
      expect(() => one.profile(other, null)).toThrow(`the ${other} blocking profile was not recorded`);
    }
  });
});
