// The handful of trace-wide facts the index page shows that the parser's report does not:
// how many procs, threads and goroutines appear, GOMAXPROCS as the runtime reported it, and
// the number of events of each kind.

import { EventKind, eventKindNames, ResourceKind, type TraceEvent } from '../../parser/model/event.ts';
import type { Analysis } from '../../parser/analysis/analysis.ts';
import { IdSet } from '../../parser/analysis/id-set.ts';

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
  const procs = new IdSet();
  const threads = new IdSet();
  const goroutines = new IdSet();
  const kindCounts = new Float64Array(eventKindNames.length);
  let maxGomaxprocs: number | null = null;
  // Consecutive events mostly share their P, M and goroutine: skip the set for a repeat.
  let lastP = -1;
  let lastM = -1;
  let lastG = -1;

  return {
    handleEvent(event: TraceEvent): void {
      kindCounts[event.kind]++;
      if (event.p !== lastP && event.p >= 0) procs.add((lastP = event.p));
      if (event.m !== lastM && event.m >= 0) threads.add((lastM = event.m));
      if (event.g !== lastG && event.g >= 0) goroutines.add((lastG = event.g));
      if (event.kind === EventKind.StateTransition) {
        if (event.resourceKind === ResourceKind.Goroutine && event.resourceId !== lastG) goroutines.add(event.resourceId);
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
