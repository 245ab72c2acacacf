// A digest of everything a timeline model holds, to compare models built different ways.

import { createHash } from 'node:crypto';
import { stateRowSpans, type TimelineModel } from '../../parser/model/timeline.ts';

/** The state rows as one array per column, row after row (rowOffset[k] … rowOffset[k + 1]), whatever their storage. */
export function plainStateColumns(model: TimelineModel): Record<string, ArrayLike<number>> {
  const st = model.states;
  const rows = st.rowFirst.length;
  const start = new Float64Array(st.spans);
  const state = new Float64Array(st.spans);
  const reason = new Float64Array(st.spans);
  const stack = new Float64Array(st.spans);
  const rowOffset = new Uint32Array(rows + 1);
  let at = 0;
  for (let k = 0; k < rows; k++) {
    rowOffset[k] = at;
    const row = stateRowSpans(st, k);
    for (let i = row.lo; i < row.hi; i++, at++) {
      start[at] = row.start[i];
      state[at] = row.state[i];
      reason[at] = row.reason[i];
      stack[at] = row.stack[i];
    }
  }
  rowOffset[rows] = at;
  return { start, state, reason, stack, rowOffset, rowEnd: st.rowEnd, rowEndStack: st.rowEndStack };
}

/** A digest of everything the model holds, typed arrays by value (a narrowed type may differ). */
export function timelineDigest(model: TimelineModel): Record<string, string> {
  const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v instanceof Map ? [...v] : v))).digest('hex');
  const pyramids = model.tilePyramids as unknown as { levels: Map<number, unknown> } | null;
  return {
    span: hash([model.startTime, model.endTime, model.trackCount, model.goroutineTrackBase, model.counterTrackBase]),
    tracks: hash(model.tracks),
    slices: hash(model.slices),
    states: hash(plainStateColumns(model)),
    stateRowOfTrack: hash(model.stateRowOfTrack),
    flows: hash(model.flows.columns()),
    samples: hash(model.samples),
    strings: hash(model.strings.strings),
    counters: hash(model.counters.map((c) => [c.id, c.name, c.series, c.length, c.time, c.values, c.pixels(model.startTime, model.endTime, 1000)])),
    pyramids: hash(pyramids?.levels ?? null),
  };
}
