// The counts fixtures/make-goldens.mjs derives from `go tool trace -d=parsed`
// (parsed-counts.json), computed from our event stream, for the v1 and v2 golden tests.

import { EventKind, ResourceKind, eventKindNames, goStateNames, procStateNames, type TraceEvent } from '../../parser/model/event.ts';
import { goQuote } from '../../parser/v2/event-string.ts';

/** What fixtures/make-goldens.mjs counts from -d=parsed (parsed-counts.json, minus command/exit). */
export interface ParsedCounts {
  total: number;
  byKind: Record<string, number>;
  stateTransitionsByResource: Record<string, number>;
  goroutineTransitions: Record<string, number>;
  goroutineTransitionsWithReason: Record<string, number>;
  procTransitions: Record<string, number>;
  rangesByName: Record<string, Record<string, number>>;
  metricsByName: Record<string, number>;
  labelsByName: Record<string, number>;
  experimentalByName: Record<string, number>;
  firstEventTime: string | null;
  lastEventTime: string | null;
}

const bump = (obj: Record<string, number>, key: string) => {
  obj[key] = (obj[key] ?? 0) + 1;
};

export class EventCounter {
  readonly counts: ParsedCounts = {
    total: 0, byKind: {}, stateTransitionsByResource: {}, goroutineTransitions: {}, goroutineTransitionsWithReason: {},
    procTransitions: {}, rangesByName: {}, metricsByName: {}, labelsByName: {}, experimentalByName: {},
    firstEventTime: null, lastEventTime: null,
  };

  add(ev: TraceEvent): void {
    const c = this.counts;
    const kind = ev.kind === EventKind.Bad ? 'Bad' : eventKindNames[ev.kind];
    c.total++;
    bump(c.byKind, kind);
    c.firstEventTime ??= String(ev.time);
    c.lastEventTime = String(ev.time);
    switch (ev.kind) {
      case EventKind.StateTransition:
        if (ev.resourceKind === ResourceKind.Goroutine) {
          bump(c.stateTransitionsByResource, 'Goroutine');
          const t = `${goStateNames[ev.oldState]}->${goStateNames[ev.newState]}`;
          bump(c.goroutineTransitions, t);
          bump(c.goroutineTransitionsWithReason, `${t} ${goQuote(ev.reason)}`);
        } else if (ev.resourceKind === ResourceKind.Proc) {
          bump(c.stateTransitionsByResource, 'Proc');
          bump(c.procTransitions, `${procStateNames[ev.oldState]}->${procStateNames[ev.newState]}`);
        }
        break;
      case EventKind.RangeBegin:
      case EventKind.RangeActive:
      case EventKind.RangeEnd:
        bump((c.rangesByName[ev.name] ??= {}), kind);
        break;
      case EventKind.Metric:
        bump(c.metricsByName, ev.name);
        break;
      case EventKind.Label:
        bump(c.labelsByName, ev.name);
        break;
      case EventKind.Experimental:
        bump(c.experimentalByName, ev.name);
        break;
    }
  }
}
