// A trace too big for one timeline is viewed a part at a time, as go tool trace splits a big
// trace's view into time ranges. A part is whole generations: the first is what the load's pass
// built (the generations within the byte budget of server/cli/timeline-budget.ts); the others
// follow within the same budget each. Another part is built on request from its own bytes
// (ParseFileOptions.byteRange) and replaces the one shown: one timeline in memory at a time,
// which is what the budget allows for.

import { TraceTables, type GenerationStart } from '../parser/index.ts';
import type { TimelineModel } from '../parser/model/timeline.ts';
import { percentOf, type LateResult, type TraceSession } from './trace-session.ts';
import { builtTimeline, servedTimeline, type TraceAnalyses } from './analyses/index.ts';
import { collectGarbage } from './collect-garbage.ts';

/** Generations [startByte, endByte) of the file, from startTime to endTime (ns). */
export interface TimelinePart {
  startByte: number;
  endByte: number;
  startTime: number;
  endTime: number;
}

/**
 * The parts of a trace whose load built the timeline of its first `firstGenerations`
 * generations: that first part, then as many generations per part as fit in `byteLimit` bytes
 * (at least one). `fileEnd` and `traceEnd` close the last part.
 */
export function planTimelineParts(
  starts: readonly GenerationStart[],
  firstGenerations: number,
  byteLimit: number,
  fileEnd: number,
  traceEnd: number,
): TimelinePart[] {
  const endOf = (g: number) => (g + 1 < starts.length ? starts[g + 1].offset : fileEnd);
  const parts: TimelinePart[] = [];
  for (let g = 0; g < starts.length; ) {
    let next = g + 1;
    if (parts.length === 0) next = Math.min(Math.max(1, firstGenerations), starts.length);
    else while (next < starts.length && endOf(next) - starts[g].offset <= byteLimit) next++;
    parts.push({ startByte: starts[g].offset, endByte: endOf(next - 1), startTime: starts[g].time, endTime: next < starts.length ? starts[next].time : traceEnd });
    g = next;
  }
  return parts;
}

/** What select() did. */
export type PartSelection = 'shown' | 'started' | 'busy' | 'unknown';

/** The timeline routes' view of the parts: which is shown, and a way to show another. */
export interface TimelinePartsState {
  parts: readonly TimelinePart[];
  /** The trace file's size. */
  totalBytes: number;
  index: number;
  /** The tables the shown part's stack ids refer to (a part read on its own has its own). */
  tables: TraceTables;
  select(index: number): PartSelection;
}

/**
 * The parts of the session's trace, or null when its timeline covers the whole trace (or was not
 * built): created once the session is ready.
 */
export function timelineParts(session: TraceSession<TraceAnalyses>): TimelinePartsState | null {
  const { parse, analyses } = session.results();
  const byteLimit = session.offThreadByteLimit;
  const firstGenerations = parse.offThreadGenerations ?? null;
  if (parse.offThreadCutAt == null || firstGenerations === null || byteLimit === undefined || !parse.generationStarts) return null;
  const parts = planTimelineParts(parse.generationStarts, firstGenerations, byteLimit, parse.totalBytes, parse.endTime);
  if (parts.length < 2) return null;
  let index = 0;
  let tables = analyses.tables;
  return {
    parts,
    totalBytes: parse.totalBytes,
    get index() {
      return index;
    },
    get tables() {
      return tables;
    },
    select(wanted: number): PartSelection {
      if (!Number.isInteger(wanted) || wanted < 0 || wanted >= parts.length) return 'unknown';
      if (analyses.timeline.pending) return 'busy';
      if (wanted === index && analyses.timeline.error === null) return 'shown';
      const { startByte, endByte } = parts[wanted];
      const partTables = new TraceTables();
      // Percent of the part's bytes decoded (the timeline follows a few blocks behind, then finishes).
      let late: LateResult<TimelineModel> | null = null;
      const onProgress = (offset: number) => {
        if (late !== null) late.progress = percentOf(Math.max(0, offset - startByte), endByte - startByte);
      };
      const built = session
        .parseFunction(session.traceFile, { byteRange: { start: startByte, end: endByte }, offThread: ['timeline'], tables: partTables, onEvent: () => {}, onProgress })
        .then((parsed) => builtTimeline(parsed.offThread));
      // The shown timeline is dropped now (its memory is what the part needs), not when the part is in.
      late = servedTimeline(built);
      late.progress = 0;
      analyses.timeline = late;
      session.replaceLateResult(late);
      // After the answer is sent: the collection takes the main thread for a moment.
      setImmediate(collectGarbage);
      index = wanted;
      tables = partTables;
      return 'started';
    },
  };
}
