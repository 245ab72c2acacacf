// Which analyses a served trace runs in its one pass, and the results the routes read. Each
// analysis lives in its own module (parser/analysis/*, parser/model/timeline*); this file only
// wires them. finish() gets the parser's report because go tool trace computes profiles and MMU
// over the events up to the last complete generation (ParseResult.validEvents) of a damaged
// trace, while its goroutine summary sees every event read.

import type { ParseResult } from '../../parser/types.ts';
import type { OffThreadResults } from '../../parser/index.ts';
import type { TraceTables } from '../../parser/model/tables.ts';
import { createSummarizer, type Summary } from '../../parser/analysis/summary.ts';
import { createBlockingProfiles, type BlockingProfileKind, type BlockingProfiles } from '../../parser/analysis/pprof.ts';
import { createMmuRecorder, type MmuData } from '../../parser/analysis/mmu.ts';
import { GoroutineIndex } from '../../parser/analysis/goroutine-index.ts';
import type { TimelineModel } from '../../parser/model/timeline.ts';
import { warmTileQueries } from '../../parser/analysis/tiles.ts';
import { LateResult, type SessionAnalyses, type SessionParseResult } from '../trace-session.ts';
import { fanOutEvents } from './combine.ts';
import { createTraceFacts, type TraceFacts } from './trace-facts.ts';

export interface TraceAnalyses {
  /** Interned strings, frames and stacks every result refers to by id. */
  tables: TraceTables;
  facts: TraceFacts;
  summary: Summary;
  profiles: BlockingProfiles;
  mmu: MmuData;
  /** Built on its own thread for big traces: may arrive after the other pages are ready. */
  timeline: LateResult<TimelineModel>;
}

/**
 * Every analysis the viewer's pages need, fed in one pass. The timeline model, which costs as
 * much as the others together, is built by the parser beside them (on its own thread for big
 * traces), so the two halves run on two cores, and the other pages need not wait for it.
 */
export function createServedAnalyses(tables: TraceTables, options: { noTimeline?: string | null } = {}): SessionAnalyses<TraceAnalyses> {
  const noTimeline = options.noTimeline ?? null;
  const facts = createTraceFacts();
  // The summary and the profiles keep per-goroutine state by the rows of one shared index,
  // stepped once per event before either sees it.
  const goroutineIndex = new GoroutineIndex();
  const summary = createSummarizer(tables, goroutineIndex);
  const profiles = createBlockingProfiles(tables, undefined, goroutineIndex);
  const mmu = createMmuRecorder();
  const analysesHandleEvent = fanOutEvents([facts, summary, profiles, mmu]);
  return {
    handleEvent: (event) => {
      goroutineIndex.step(event);
      analysesHandleEvent(event);
    },
    // Without a timeline (it would not fit in memory), its routes say why; the rest is served.
    offThread: noTimeline === null ? ['timeline'] : [],
    finish: (parse: SessionParseResult) => {
      const built = noTimeline !== null ? Promise.reject(new Error(noTimeline)) : builtTimeline(parse.offThread);
      return {
        tables,
        facts: facts.finish(),
        summary: summary.finish(),
        profiles: profiles.finish(parse.validEvents),
        mmu: mmu.finish(parse.validEvents),
        timeline: servedTimeline(built),
      };
    },
    lateResults: (results) => [results.timeline],
  };
}

/** The timeline the parser built beside the pass (ParseFileOptions.offThread); throws if it built none. */
export function builtTimeline(offThread: OffThreadResults): Promise<TimelineModel> {
  if (!offThread.timeline) throw new Error('the parser did not build the timeline');
  return offThread.timeline;
}

/** The timeline as the routes get it: a late result, its tile code warmed on it before it is offered. */
export function servedTimeline(built: Promise<TimelineModel>): LateResult<TimelineModel> {
  return new LateResult('timeline', built.then((model) => {
    warmTileQueries(model);
    return model;
  }));
}

/**
 * Only what `tstrace -pprof=KIND` needs: the blocking profiles over every goroutine, for the
 * kinds asked for (each kind is computed on its own, so recording one costs a quarter).
 */
export function createProfileAnalyses(
  tables: TraceTables,
  kinds?: readonly BlockingProfileKind[],
): SessionAnalyses<{ tables: TraceTables; profiles: BlockingProfiles }> {
  const profiles = createBlockingProfiles(tables, kinds);
  return {
    handleEvent: (event) => profiles.handleEvent(event),
    finish: (parse: ParseResult) => ({ tables, profiles: profiles.finish(parse.validEvents) }),
  };
}
