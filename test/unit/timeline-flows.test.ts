// The model's flows as the pass records them (parser/model/timeline-flows.ts): slots kept in
// place, ties put in the order their targets started, never-started causes left undrawn, and
// a pass whose times go backwards sorted anyway.

import { describe, expect, it } from 'vitest';
import { FlowStore, FlowTable } from '../../parser/model/timeline-flows.ts';
import { GoState, TraceEvent } from '../../parser/model/event.ts';

const clock = { startTime: 0 };

function event(time: number, g: number, p = 0, m = 0, stack = 0): TraceEvent {
  const ev = new TraceEvent();
  ev.time = time;
  ev.g = g;
  ev.p = p;
  ev.m = m;
  ev.stack = stack;
  ev.resourceId = g;
  ev.oldState = GoState.Runnable;
  return ev;
}

/** Causes (name, time, from g) and, in start order, which cause's target starts when. */
function table(causes: [number, number, number][], starts: [cause: number, time: number, toG: number][]): FlowTable {
  const store = new FlowStore();
  const slots = causes.map(([name, time, g]) => store.add(name, event(time, g, g % 4, g % 3, g * 10)));
  for (const [cause, time, toG] of starts) store.start(slots[cause], event(time, toG, 7, 8), clock);
  return FlowTable.fromStaged(store.staged());
}

/** The drawn flows as [name, fromTime, toTime, fromG, toG, fromStack], in model order. */
function rows(t: FlowTable): number[][] {
  const c = t.columns();
  return Array.from(c.name, (name, i) => [name, c.fromTime[i], c.toTime[i], c.fromG[i], c.toG[i], c.fromStack[i]]);
}

describe('flow table', () => {
  it('keeps causes in recording order and reads each target through its slot', () => {
    const t = table([[1, 10, 1], [2, 20, 2], [3, 30, 3]], [[1, 25, 12], [0, 40, 11], [2, 50, 13]]);
    expect(t.slots).toBe(3);
    expect(t.count).toBe(3);
    expect(rows(t)).toEqual([[1, 10, 40, 1, 11, 10], [2, 20, 25, 2, 12, 20], [3, 30, 50, 3, 13, 30]]);
    expect([t.toP(0), t.toM(0), t.fromP(1), t.fromM(1)]).toEqual([7, 8, 2, 2]);
  });

  it('orders causes recorded at the same time by when their targets started', () => {
    // Three causes at t=10: targets start third, first, second.
    const t = table([[1, 10, 1], [2, 10, 2], [3, 10, 3], [4, 11, 4]], [[1, 20, 12], [2, 21, 13], [0, 22, 11], [3, 23, 14]]);
    expect(rows(t).map((r) => r[0])).toEqual([2, 3, 1, 4]);
    expect(rows(t).map((r) => r[4])).toEqual([12, 13, 11, 14]);
  });

  it('leaves a cause whose target never started undrawn, wherever it sits in a tie', () => {
    const t = table([[1, 10, 1], [2, 10, 2], [3, 10, 3]], [[2, 20, 13], [0, 21, 11]]);
    expect(t.slots).toBe(3);
    expect(t.count).toBe(2);
    expect(rows(t).map((r) => r[0])).toEqual([3, 1]);
    const undrawn = [0, 1, 2].filter((i) => !t.drawn(i));
    expect(undrawn.map((i) => t.name(i))).toEqual([2]);
  });

  it('sorts the lot when recorded times go backwards', () => {
    const t = table([[1, 30, 1], [2, 10, 2], [3, 20, 3], [4, 10, 4]], [[3, 40, 14], [0, 41, 11], [1, 42, 12], [2, 43, 13]]);
    expect(rows(t).map((r) => [r[0], r[1]])).toEqual([[4, 10], [2, 10], [3, 20], [1, 30]]);
    expect(rows(t).map((r) => r[5])).toEqual([40, 20, 30, 10]);
  });
});
