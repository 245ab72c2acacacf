// Fans one event stream out to several analyses, so the session runs them all in one pass.
//
// Each analysis gets its own call site (up to four): a single loop calling handleEvent on four
// different kinds of object is a megamorphic call V8 can neither inline nor cache, paid on every
// one of tens of millions of events.

import type { TraceEvent } from '../../parser/model/event.ts';
import type { Analysis } from '../../parser/analysis/analysis.ts';

export function fanOutEvents(analyses: readonly Analysis<unknown>[]): (event: TraceEvent) => void {
  const [a, b, c, d] = analyses;
  switch (analyses.length) {
    case 0: return () => {};
    case 1: return (event) => a.handleEvent(event);
    case 2: return (event) => { a.handleEvent(event); b.handleEvent(event); };
    case 3: return (event) => { a.handleEvent(event); b.handleEvent(event); c.handleEvent(event); };
    case 4: return (event) => { a.handleEvent(event); b.handleEvent(event); c.handleEvent(event); d.handleEvent(event); };
  }
  const handlers = analyses.slice();
  return (event) => {
    for (let i = 0; i < handlers.length; i++) handlers[i].handleEvent(event);
  };
}
