// The user regions, logs and tasks the timeline draws (parser/analysis/annotations.ts) against
// go tool trace 1.27's task-oriented goroutine view (/jsontrace?taskid=N) and the logs of its
// proc and thread views (/jsontrace, /jsontrace?view=thread), scraped into
// timeline-annotations.json by fixtures/make-goldens.mjs. That view shows the regions of the
// task and its descendants and every log on their goroutines, within the task's time span; the
// test selects the same from our index and compares goroutine, name and times exactly.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesWithGolden, summarizeFile } from '../helpers/summary.ts';
import { annotationsIn, buildAnnotationIndex, taskFamily } from '../../parser/analysis/annotations.ts';
import type { Summary, TaskSummary } from '../../parser/analysis/summary-types.ts';

interface GoldenView {
  taskId: number;
  error?: string;
  regions?: Array<{ goroutine: number; name: string; startUs: number; endUs: number; taskId: number }>;
  logs?: Array<{ goroutine: number; name: string; us: number }>;
  tasks?: Array<{ id: number; name: string; startUs: number; endUs: number }>;
}

interface GoldenResourceLog {
  resource: number;
  name: string;
  us: number;
}

/** The task and its descendants, as go tool trace's task view gathers them (Descendents). */
function descendants(summary: Summary, root: TaskSummary): TaskSummary[] {
  const byId = new Map(summary.tasks.list().map((t) => [t.id, t]));
  const out: TaskSummary[] = [];
  const visit = (t: TaskSummary) => {
    out.push(t);
    for (const child of t.children) visit(byId.get(child)!);
  };
  visit(root);
  return out;
}

/** Viewer microseconds since the trace's start, computed as Go does (float64(ns) / 1e3). */
const us = (summary: Summary, ns: number) => (ns - summary.traceStart) / 1e3;

async function load(trace: string): Promise<Summary> {
  const summary = await summarizeFile(trace);
  if (typeof summary === 'string') throw new Error(summary);
  return summary;
}

describe('timeline regions and logs equal go tool trace 1.27 task views', () => {
  const fixtures = fixturesWithGolden('timeline-annotations.json');
  it('has fixtures with task-view goldens', () => expect(fixtures.length).toBeGreaterThan(0));

  for (const f of fixtures) {
    it(f.id, async () => {
      const summary = await load(f.trace);
      const index = buildAnnotationIndex(summary);
      const all = annotationsIn(index, { start: summary.traceStart - 1, end: summary.traceEnd + 1, resolution: 0, limit: Infinity });
      const golden = JSON.parse(readFileSync(join(f.dir, 'timeline-annotations.json'), 'utf8')) as {
        views: GoldenView[];
        procView: { logs: GoldenResourceLog[] };
        threadView: { logs: GoldenResourceLog[] };
      };
      // The proc and thread views: every log on the proc or thread it was written on.
      for (const [by, view] of [['proc', golden.procView], ['thread', golden.threadView]] as const) {
        const found = annotationsIn(index, { start: summary.traceStart - 1, end: summary.traceEnd + 1, resolution: 0, limit: Infinity, logsBy: by });
        const ours = found.logs.map((l) => ({ resource: l[by], name: l.text, us: us(summary, l.time) }));
        const order = (a: GoldenResourceLog, b: GoldenResourceLog) => a.us - b.us || a.resource - b.resource || a.name.localeCompare(b.name);
        expect(ours.sort(order), `${by} view logs`).toEqual([...view.logs].sort(order));
        expect(view.logs.length, `${by} view logs`).toBeGreaterThan(0);
      }
      let compared = 0;
      for (const view of golden.views) {
        if (view.error !== undefined) {
          // go tool trace has no view of it (the background task): nor do we.
          expect(taskFamily(summary, view.taskId), `task ${view.taskId}`).toBeNull();
          continue;
        }
        // The task lanes: the task and its descendants, in go tool trace's order.
        const family = taskFamily(summary, view.taskId)!;
        expect(family.tasks.map((t) => ({ id: t.id, name: t.name, startUs: us(summary, t.start), endUs: us(summary, t.end) })), `task ${view.taskId} tasks`)
          .toEqual((view.tasks ?? []).map((t) => ({ id: t.id, name: t.name, startUs: t.startUs, endUs: t.endUs })));
        const task = summary.tasks.list().find((t) => t.id === view.taskId);
        expect(task, `task ${view.taskId}`).toBeDefined();
        const tasks = descendants(summary, task!);
        const taskIds = new Set(tasks.map((t) => t.id));
        const goroutines = new Set(tasks.flatMap((t) => t.goroutines));
        expect(family.goroutines, `task ${view.taskId} goroutines`).toEqual([...goroutines].filter((g) => g >= 0).sort((a, b) => a - b));
        const from = us(summary, task!.start?.time ?? summary.traceStart);
        const to = us(summary, task!.end?.time ?? summary.traceEnd);
        const within = (t: number) => from <= t && t <= to;

        const regions = all.regions
          .filter((r) => taskIds.has(r.task) && goroutines.has(r.goroutine) && (within(us(summary, r.start)) || within(us(summary, r.end))))
          .map((r) => ({ goroutine: r.goroutine, name: r.name, startUs: us(summary, r.start), endUs: us(summary, r.end), taskId: r.task }));
        const byTime = (a: { startUs: number; goroutine: number; name: string; endUs: number }, b: typeof a) =>
          a.startUs - b.startUs || a.goroutine - b.goroutine || a.name.localeCompare(b.name) || a.endUs - b.endUs;
        expect(regions.sort(byTime), `task ${view.taskId} regions`).toEqual([...(view.regions ?? [])].sort(byTime));

        const logs = all.logs
          .filter((l) => goroutines.has(l.goroutine) && within(us(summary, l.time)))
          .map((l) => ({ goroutine: l.goroutine, name: l.text, us: us(summary, l.time) }));
        const logOrder = (a: { us: number; goroutine: number; name: string }, b: typeof a) => a.us - b.us || a.goroutine - b.goroutine || a.name.localeCompare(b.name);
        expect(logs.sort(logOrder), `task ${view.taskId} logs`).toEqual([...(view.logs ?? [])].sort(logOrder));
        compared += (view.regions?.length ?? 0) + (view.logs?.length ?? 0);
      }
      expect(compared, 'regions and logs compared').toBeGreaterThan(0);
    });
  }
});
