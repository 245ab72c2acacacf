// TaskStore (parser/analysis/summary-tasks.ts): tasks in columns give back the TaskSummary the
// summarizer's object form did — name from the latest begin or end, parent linked once, children,
// logs and regions in order, goroutines once each in first-seen order — sorted by id once sealed.

import { describe, expect, it } from 'vitest';
import { TaskStore } from '../../parser/analysis/summary-tasks.ts';
import { EventKind, TraceEvent } from '../../parser/model/event.ts';

function taskEvent(kind: EventKind, time: number, g: number, taskId: number, name: string, parentTaskId = -1): TraceEvent {
  const ev = new TraceEvent();
  Object.assign(ev, { kind, time, g, stack: 7, taskId, name, parentTaskId });
  return ev;
}

describe('TaskStore', () => {
  it('round-trips tasks and reads them in id order', () => {
    const store = new TaskStore();
    const child = store.row(9);
    const parent = store.row(3);
    store.bound(parent, taskEvent(EventKind.TaskBegin, 1e12, 1, 3, 'batch'));
    store.bound(child, taskEvent(EventKind.TaskBegin, 1e12 + 5, 2, 9, 'request', 3));
    store.link(child, parent);
    expect(store.hasParent(child)).toBe(true);
    store.bound(child, taskEvent(EventKind.TaskEnd, 1e12 + 50, 2, 9, 'request-renamed'));
    for (const g of [2, 2, 5, 2, 6]) store.addGoroutine(child, g);
    for (let g = 100; g < 140; g++) store.addGoroutine(parent, g);
    for (let g = 100; g < 140; g++) store.addGoroutine(parent, g);
    store.addLog(child, 11);
    store.addLog(child, 12);
    store.addRegion(parent, 4);
    store.seal();

    expect(store.length).toBe(2);
    expect([store.id(0), store.id(1)]).toEqual([3, 9]);
    expect(store.indexOf(9)).toBe(1);
    expect(store.indexOf(77)).toBe(-1);
    const request = store.get(1);
    expect(request).toEqual({
      id: 9, name: 'request-renamed', parent: 3, children: [],
      start: { kind: EventKind.TaskBegin, time: 1e12 + 5, goroutine: 2, stack: 7, name: 'request', taskId: 9, parentTaskId: 3 },
      end: { kind: EventKind.TaskEnd, time: 1e12 + 50, goroutine: 2, stack: 7, name: 'request-renamed', taskId: 9, parentTaskId: -1 },
      logs: [11, 12], regions: [], goroutines: [2, 5, 6],
    });
    const batch = store.get(0);
    expect(batch.parent).toBeNull();
    expect(batch.children).toEqual([9]);
    expect(batch.end).toBeNull();
    expect(batch.goroutines).toEqual(Array.from({ length: 40 }, (_, k) => 100 + k));
    expect([store.startTime(0), store.endTime(0), store.name(0)]).toEqual([1e12, null, 'batch']);
    expect(store.regions(0)).toEqual([4]);
    expect(store.list().map((t) => t.id)).toEqual([3, 9]);
  });
});
