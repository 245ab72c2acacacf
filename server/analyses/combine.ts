// Fans one event stream out to several named analyses and gathers their results by name,
// so the session can run them all in a single pass.

import type { TraceEvent } from '../../parser/model/event.ts';
import type { Analysis } from '../../parser/analysis/analysis.ts';

export type ResultsOf<T extends Record<string, Analysis<unknown>>> = {
  [K in keyof T]: T[K] extends Analysis<infer R> ? R : never;
};

export function combineAnalyses<T extends Record<string, Analysis<unknown>>>(parts: T): Analysis<ResultsOf<T>> {
  const names = Object.keys(parts) as (keyof T)[];
  const handlers = names.map((name) => parts[name]);
  return {
    handleEvent(event: TraceEvent): void {
      for (let i = 0; i < handlers.length; i++) handlers[i].handleEvent(event);
    },
    finish(): ResultsOf<T> {
      const results = {} as ResultsOf<T>;
      for (const name of names) results[name] = parts[name].finish() as ResultsOf<T>[typeof name];
      return results;
    },
  };
}
