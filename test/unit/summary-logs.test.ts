// LogStore (parser/analysis/summary-logs.ts) gives back each log message as the event record the
// task pages list, with its proc and thread, texts stored once.

import { describe, expect, it } from 'vitest';
import { LogStore } from '../../parser/analysis/summary-logs.ts';
import { EventKind, TraceEvent } from '../../parser/model/event.ts';

function logEvent(time: number, g: number, category: string, message: string): TraceEvent {
  const ev = new TraceEvent();
  Object.assign(ev, { kind: EventKind.Log, time, g, p: 2, m: 11, stack: 9, taskId: 4, category, message });
  return ev;
}

describe('LogStore', () => {
  it('round-trips messages past its first capacity', () => {
    const store = new LogStore();
    for (let i = 0; i < 3000; i++) expect(store.add(logEvent(1e12 + i, i % 5, i % 2 ? 'id' : '', `request ${i % 3}`))).toBe(i);
    expect(store.length).toBe(3000);
    expect(store.get(2999)).toEqual({
      kind: EventKind.Log, time: 1e12 + 2999, goroutine: 4, stack: 9, taskId: 4, category: 'id', message: 'request 2', proc: 2, thread: 11,
    });
    expect([store.category(10), store.message(10), store.proc(10), store.thread(10), store.taskId(10)]).toEqual(['', 'request 1', 2, 11, 4]);
  });
});
