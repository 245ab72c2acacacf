// A digest of everything a timeline model holds, to compare models built different ways.

import { createHash } from 'node:crypto';
import type { TimelineModel } from '../../parser/model/timeline.ts';

/** A digest of everything the model holds, typed arrays by value (a narrowed type may differ). */
export function timelineDigest(model: TimelineModel): Record<string, string> {
  const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v instanceof Map ? [...v] : v))).digest('hex');
  const pyramids = model.tilePyramids as unknown as { levels: Map<number, unknown> } | null;
  return {
    span: hash([model.startTime, model.endTime, model.trackCount, model.goroutineTrackBase, model.counterTrackBase]),
    tracks: hash(model.tracks),
    slices: hash(model.slices),
    states: hash(model.states),
    stateRowOfTrack: hash(model.stateRowOfTrack),
    flows: hash(model.flows),
    samples: hash(model.samples),
    strings: hash(model.strings.strings),
    counters: hash(model.counters.map((c) => [c.id, c.name, c.series, c.length, c.time, c.values, c.pixels(model.startTime, model.endTime, 1000)])),
    pyramids: hash(pyramids?.levels ?? null),
  };
}
