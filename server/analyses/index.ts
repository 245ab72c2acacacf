// Which analyses a served trace runs in its one pass, and the shape of their results that the
// routes read. Each analysis comes from its own module (parser/analysis/*); this file only wires.

import type { TraceTables } from '../../parser/model/tables.ts';
import type { Analysis } from '../../parser/analysis/analysis.ts';
import { combineAnalyses, type ResultsOf } from './combine.ts';
import { createTraceFacts } from './trace-facts.ts';

function servedAnalyses(_tables: TraceTables) {
  return {
    facts: createTraceFacts(),
  };
}

export type TraceAnalyses = ResultsOf<ReturnType<typeof servedAnalyses>>;

/** Every analysis the viewer's pages need, fed in one pass. */
export function createServedAnalyses(tables: TraceTables): Analysis<TraceAnalyses> {
  return combineAnalyses(servedAnalyses(tables));
}
