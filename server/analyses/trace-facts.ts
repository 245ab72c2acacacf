// The handful of trace-wide facts the index page shows that the parser's report does not:
// how many procs, threads and goroutines appear, GOMAXPROCS as the runtime reported it, and
// the number of events of each kind.

import { EventKind, eventKindNames, ResourceKind, type TraceEvent } from '../../parser/model/event.ts';
import type { Analysis } from '../../parser/analysis/analysis.ts';

export interface TraceFacts {
  /** Distinct Ps that appear in the trace. */
  procs: number;
  /** Largest /sched/gomaxprocs:threads value seen, or null if the trace has no such metric (v1). */
  maxGomaxprocs: number | null;
  threads: number;
  goroutines: number;
  /** Event count by Go's EventKind name ("StateTransition", …), kinds that occur only. */
  eventsByKind: Record<string, number>;
}

const gomaxprocsMetric = '/sched/gomaxprocs:threads';

export function createTraceFacts(): Analysis<TraceFacts> {
  const procs = new Set<number>();
  const threads = new Set<number>();
  const goroutines = new Set<number>();
  const kindCounts = new Float64Array(eventKindNames.length);
  let maxGomaxprocs: number | null = null;

  return {
    handleEvent(event: TraceEvent): void {
      kindCounts[event.kind]++;
      if (event.p >= 0) procs.add(event.p);
      if (event.m >= 0) threads.add(event.m);
      if (event.g >= 0) goroutines.add(event.g);
      if (event.kind === EventKind.StateTransition) {
        if (event.resourceKind === ResourceKind.Goroutine) goroutines.add(event.resourceId);
        else if (event.resourceKind === ResourceKind.Proc) procs.add(event.resourceId);
      } else if (event.kind === EventKind.Metric && event.name === gomaxprocsMetric) {
        const value = Number(event.value);
        if (Number.isFinite(value)) maxGomaxprocs = Math.max(maxGomaxprocs ?? 0, value);
      }
    },
    finish(): TraceFacts {
      const eventsByKind: Record<string, number> = {};
      kindCounts.forEach((count, kind) => {
        if (count > 0) eventsByKind[eventKindNames[kind]] = count;
      });
      return { procs: procs.size, maxGomaxprocs, threads: threads.size, goroutines: goroutines.size, eventsByKind };
    },
  };
}
