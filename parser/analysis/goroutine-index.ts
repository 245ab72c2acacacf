// The goroutine id → row lookup that the per-goroutine analyses (summary, blocking profiles)
// share, one per trace: a goroutine event then pays one lookup in one table, not one in each
// analysis's own table. Rows are numbered in the order goroutines first make a state
// transition, so every analysis that sees those transitions can keep its per-goroutine state
// in arrays by the same row.

import { EventKind, ResourceKind, type GoID, type TraceEvent } from '../model/event.ts';
import { DenseIdIndex } from './dense-id-index.ts';

export class GoroutineIndex {
  private readonly rowOf = new DenseIdIndex();
  private rows = 0;
  /**
   * The row of the goroutine whose state the current event changes (set by step; -1 when the
   * event is not a goroutine transition).
   */
  row = -1;

  /** Rows handed out so far (one per goroutine id that has made a transition). */
  get count(): number {
    return this.rows;
  }

  /**
   * Looks up the event's goroutine, adding a row the first time it makes a transition. Call
   * once per event, before the analyses that read `row` see it.
   */
  step(ev: TraceEvent): void {
    if (ev.kind !== EventKind.StateTransition || ev.resourceKind !== ResourceKind.Goroutine) {
      this.row = -1;
      return;
    }
    const id = ev.resourceId;
    let row = this.rowOf.get(id);
    if (row < 0) {
      row = this.rows++;
      this.rowOf.set(id, row);
    }
    this.row = row;
  }

  /** The row of goroutine `id`, or -1 if it has made no transition yet. */
  find(id: GoID): number {
    return this.rowOf.get(id);
  }

  /** Every (id, row) pair by ascending id. */
  sortedEntries(): { ids: Float64Array; rows: Uint32Array } {
    return this.rowOf.sortedEntries(this.rows);
  }
}
