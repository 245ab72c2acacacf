// Analyses the parser can run on a thread of their own, fed the very events the main thread
// gets: on a big trace the timeline model costs as much as every other analysis together, and
// this machine class has two cores. The caller names them in ParseFileOptions.offThread and gets
// their results from ParseFileResult.offThread, as promises (the main thread's own analyses finish
// meanwhile). When the file is read on one thread, they run there, fed the same way.

import type { Analysis } from '../analysis/analysis.ts';
import type { TraceEvent } from '../model/event.ts';
import type { TraceTables } from '../model/tables.ts';
import { createTimelineModel, type TimelineAnalysis } from '../model/timeline-builder.ts';
import { startFinishHelper, type FinishHelper } from './finish-helper.ts';
import type { TimelineModel } from '../model/timeline.ts';
import { packTimelineModel, unpackTimelineModel, type PackedTimelineModel } from '../model/timeline-transfer.ts';

/** How an analysis is built, and how its result crosses threads. */
export interface OffThreadAnalysis<Result, Packed> {
  create(tables: TraceTables): Analysis<Result>;
  pack(result: Result): { packed: Packed; transfer: ArrayBuffer[] };
  unpack(packed: Packed): Result;
  /**
   * Asked between blocks of a whole-trace pass: whether finishOnWorker will want a helper thread.
   * Once it does, the companion starts one while the pass runs (loading it takes ~0.15 s, which
   * was spent after the pass, on the finish's critical path).
   */
  wantsFinishHelper?(analysis: Analysis<Result>): boolean;
  /**
   * A finish that may use another thread, for a worker that has nothing else to do meanwhile;
   * `helper`: the one started during the pass, if any (finishOnWorker stops it).
   */
  finishOnWorker?(analysis: Analysis<Result>, helper: FinishHelper | null): Promise<Result>;
}

const timeline: OffThreadAnalysis<TimelineModel, PackedTimelineModel> = {
  create: createTimelineModel,
  pack: packTimelineModel,
  unpack: unpackTimelineModel,
  wantsFinishHelper: (analysis) => (analysis as TimelineAnalysis).splitWorthwhile,
  finishOnWorker: async (analysis, early) => {
    const timeline = analysis as TimelineAnalysis;
    if (!timeline.splitWorthwhile) {
      early?.stop();
      return timeline.finish();
    }
    // If not started during the pass, started before the builder prepares the job, so that both are ready together.
    const helper = early ?? startFinishHelper();
    try {
      return await timeline.finishSplit(helper);
    } finally {
      helper.stop();
    }
  },
};

/** The analyses that can run off the main thread, by name. */
export const offThreadAnalyses = { timeline } as const;

export type OffThreadName = keyof typeof offThreadAnalyses;

type ResultOf<N extends OffThreadName> = (typeof offThreadAnalyses)[N] extends OffThreadAnalysis<infer R, unknown> ? R : never;

/** Results of the analyses asked for; a promise rejects if its analysis failed. */
export type OffThreadResults = { [N in OffThreadName]?: Promise<ResultOf<N>> };

/**
 * Runs the named analyses on this thread: `feed` gives each event to them, `finish` their results.
 * (A promise per result, like the threaded path; an analysis that throws rejects its own.)
 */
export function runOffThreadInline(names: readonly OffThreadName[], tables: TraceTables): { feed: (ev: TraceEvent) => void; finish: () => OffThreadResults } {
  const running = names.map((name) => ({ name, analysis: offThreadAnalyses[name].create(tables) as Analysis<unknown> }));
  return {
    feed: (ev) => {
      for (let i = 0; i < running.length; i++) running[i].analysis.handleEvent(ev);
    },
    finish: () => {
      const results: Record<string, Promise<unknown>> = {};
      for (const { name, analysis } of running) {
        try {
          results[name] = Promise.resolve(analysis.finish());
        } catch (err) {
          results[name] = Promise.reject(err);
          results[name].catch(() => {});
        }
      }
      return results as OffThreadResults;
    },
  };
}
