// The shape every analysis shares (DESIGN.md "one pass, many consumers"): a factory makes an
// instance holding all its state; the driver feeds it every event once, in order, then calls
// finish() for plain, JSON-serialisable data.

import type { TraceEvent } from '../model/event.ts';

export interface Analysis<Result> {
  /** Called once per event, in trace order. Must not retain `event`. */
  handleEvent(event: TraceEvent): void;
  /** Called once after the last event; returns plain data. */
  finish(): Result;
}
