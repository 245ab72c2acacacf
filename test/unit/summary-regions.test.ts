// RegionStore (parser/analysis/summary-regions.ts) gives back what it was given: a region's own
// begin and end in columns, any other event (a goroutine's creation, an end naming another type)
// whole, missing ones as null, and its stats with empty records shared.

import { describe, expect, it } from 'vitest';
import { RegionStore } from '../../parser/analysis/summary-regions.ts';
import { EventKind } from '../../parser/model/event.ts';
import type { EventRecord, ExecStats } from '../../parser/analysis/summary-types.ts';

const stats = (n: number, blocked: Record<string, number> = {}): ExecStats => ({
  execTime: n, schedWaitTime: n + 1, blockTimeByReason: blocked, syscallTime: n + 2, syscallBlockTime: n + 3, totalTime: n + 10, rangeTime: {},
});
const frame = { pc: 1, func: 'main.f', file: 'f.go', line: 3 };

describe('RegionStore', () => {
  it('round-trips plain, foreign and missing begin and end events and the stats', () => {
    const store = new RegionStore();
    const begin: EventRecord = { kind: EventKind.RegionBegin, time: 1e12 + 5, goroutine: 7, stack: 3, name: 'load', taskId: 2 };
    const end: EventRecord = { kind: EventKind.RegionEnd, time: 1e12 + 9, goroutine: 7, stack: 4, name: 'load', taskId: 2 };
    const created: EventRecord = { kind: EventKind.StateTransition, time: 40, goroutine: 1, stack: 5, transition: { goroutine: 8, from: 0, to: 1 } };
    const otherEnd: EventRecord = { kind: EventKind.RegionEnd, time: 90, goroutine: 8, stack: 6, name: 'not-the-same', taskId: 2 };
    const a = store.add(7, 2, 'load', begin);
    const b = store.add(8, 2, '', created);
    const c = store.add(9, 0, 'early', null);
    store.settle(a, end, stats(100, { 'chan receive': 4 }));
    store.settle(b, otherEnd, stats(200));
    store.settle(c, null, stats(300));
    store.locate((stack) => (stack === 3 ? frame : { pc: 0, func: '', file: '', line: 0 }));

    expect(store.length).toBe(3);
    expect(store.get(a)).toEqual({ goroutine: 7, taskId: 2, name: 'load', start: begin, end, frame, ...stats(100, { 'chan receive': 4 }) });
    expect(store.get(b).start).toBe(created);
    expect(store.get(b).end).toBe(otherEnd);
    expect(store.get(c).start).toBeNull();
    expect(store.get(c).end).toBeNull();
    expect([store.startTime(a), store.endTime(a), store.startTime(b), store.endTime(b), store.startTime(c), store.endTime(c)])
      .toEqual([1e12 + 5, 1e12 + 9, 40, 90, null, null]);
    expect([store.startStack(a), store.endStack(b), store.startStack(c)]).toEqual([3, 6, 0]);
    expect(store.hasStart(c)).toBe(false);
    // Regions with nothing blocked share one empty record.
    expect(store.get(b).blockTimeByReason).toBe(store.get(c).blockTimeByReason);
    expect(store.list().map((r) => r.name)).toEqual(['load', '', 'early']);
  });

  it('grows past its first capacity', () => {
    const store = new RegionStore();
    for (let i = 0; i < 5000; i++) {
      const r = store.add(i, 1, `r${i % 7}`, { kind: EventKind.RegionBegin, time: i, goroutine: i, stack: 1, name: `r${i % 7}`, taskId: 1 });
      store.settle(r, null, stats(i));
    }
    expect(store.length).toBe(5000);
    expect(store.get(4321)).toMatchObject({ goroutine: 4321, name: 'r2', execTime: 4321, totalTime: 4331, end: null });
    expect(store.startTime(4999)).toBe(4999);
  });
});
