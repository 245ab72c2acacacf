// Shared by the goroutine and task/region golden tests: which fixtures have a page golden, and
// the summary of a trace computed the way the server computes it (one pass over the events).

import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import { createSummarizer, type Summary } from '../../parser/analysis/summary.ts';
import { hasGolden, listFixtures } from './fixtures.ts';

/** Every fixture (program runs of every Go version and Go's v1 testdata) with the named golden. */
export function fixturesWithGolden(golden: string): Array<{ id: string; trace: string; dir: string }> {
  return listFixtures()
    .filter((f) => hasGolden(f, golden))
    .map((f) => ({ id: f.id, trace: f.tracePath, dir: f.goldenDir }));
}

/** The summary of a trace file; a parse failure becomes its message, for tests to judge. */
export async function summarizeFile(path: string): Promise<Summary | string> {
  const tables = new TraceTables();
  const summarizer = createSummarizer(tables);
  try {
    await parseTraceFile(path, { tables, onEvent: (ev) => summarizer.handleEvent(ev) });
  } catch (err) {
    return (err as Error).message;
  }
  return summarizer.finish();
}
