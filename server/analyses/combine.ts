// Fans one event stream out to several analyses, so the session runs them all in one pass.

import type { TraceEvent } from '../../parser/model/event.ts';
import type { Analysis } from '../../parser/analysis/analysis.ts';

export function fanOutEvents(analyses: readonly Analysis<unknown>[]): (event: TraceEvent) => void {
  const handlers = analyses.slice();
  return (event) => {
    for (let i = 0; i < handlers.length; i++) handlers[i].handleEvent(event);
  };
}
