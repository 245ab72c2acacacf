// /usertasks, /usertask?type=, /userregions and /userregion?type=&pc= against go tool trace
// 1.27's pages scraped into fixtures/golden/<folder>/<scenario>/: task types, counts and
// histograms; each task's times and events; region rows, histograms and breakdowns, within
// max(1µs, 0.1%).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesWithGolden, summarizeFile } from '../helpers/summary.ts';
import {
  userRegions, userRegionsOf, userTasks, userTasksOfType, type Summary, type TimeHistogram,
} from '../../parser/analysis/summary.ts';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
function close(ours: number, theirs: number, what: string): void {
  const tolerance = Math.max(1000, Math.abs(theirs) * 0.001);
  expect(Math.abs(ours - theirs), `${what}: ours ${ours}, go tool trace ${theirs}`).toBeLessThanOrEqual(tolerance);
}

interface Cell { text: string; ns: number }
/** The golden page a row links to ("detailFile"; older goldens used "file", which regions now use for the source file). */
const detailFile = (row: { detailFile?: string; file?: string }) => row.detailFile ?? row.file!;
interface GoldenHistogram { buckets: Array<{ min: Cell; count: number }>; upperBound: Cell }

/** Go's histogram bucket edges are exact integers computed the same way: compare exactly. */
function sameHistogram(ours: TimeHistogram, golden: GoldenHistogram | null, what: string): void {
  if (golden === null) {
    expect(ours.count, what).toBe(0);
    return;
  }
  expect(ours.buckets.map((b) => [b.min, b.count]), what).toEqual(golden.buckets.map((b) => [b.min.ns, b.count]));
  expect(ours.buckets[ours.buckets.length - 1].max, what).toBe(golden.upperBound.ns);
}

async function load(f: { trace: string }): Promise<Summary> {
  const summary = await summarizeFile(f.trace);
  if (typeof summary === 'string') throw new Error(summary);
  return summary;
}

describe('task pages equal go tool trace 1.27', () => {
  const fixtures = fixturesWithGolden('usertasks.json');
  it('has fixtures with task goldens', () => expect(fixtures.length).toBeGreaterThan(0));

  for (const f of fixtures) {
    it(f.id, async () => {
      const summary = await load(f);
      const golden = json(join(f.dir, 'usertasks.json'));
      const rows = userTasks(summary);
      expect(rows.map((r) => r.type)).toEqual(golden.types.map((t: { type: string }) => t.type));
      for (const want of golden.types as Array<{ type: string; count: number; histogram: GoldenHistogram | null; detailFile?: string; file?: string }>) {
        const row = rows.find((r) => r.type === want.type)!;
        expect(row.count, want.type).toBe(want.count);
        sameHistogram(row.histogram, want.histogram, `task type ${JSON.stringify(want.type)}`);

        const page = json(join(f.dir, detailFile(want)));
        const ours = userTasksOfType(summary, want.type);
        expect(`User Task: ${ours.name}`).toBe(page.heading);
        const wantTasks = page.tasks as Array<{ id: number; when: Cell; duration: Cell; complete: boolean; events: Array<{ when: Cell; elapsed: Cell; goroutine: number; what: string }> }>;
        expect(ours.tasks.map((t) => t.id).sort((a, b) => a - b)).toEqual(wantTasks.map((t) => t.id).sort((a, b) => a - b));
        for (const wt of wantTasks) {
          const t = ours.tasks.find((x) => x.id === wt.id)!;
          close(t.start, wt.when.ns, `task ${t.id} when`);
          close(t.duration, wt.duration.ns, `task ${t.id} duration`);
          expect(t.complete).toBe(wt.complete);
          expect(t.events.map((e) => [e.goroutine, e.what])).toEqual(wt.events.map((e) => [e.goroutine, e.what]));
          t.events.forEach((e, i) => {
            close(e.when, wt.events[i].when.ns, `task ${t.id} event ${i} when`);
            close(e.elapsed, wt.events[i].elapsed.ns, `task ${t.id} event ${i} elapsed`);
          });
        }
      }
    });
  }
});

describe('region pages equal go tool trace 1.27', () => {
  const fixtures = fixturesWithGolden('userregions.json');
  it('has fixtures with region goldens', () => expect(fixtures.length).toBeGreaterThan(0));

  for (const f of fixtures) {
    it(f.id, async () => {
      const summary = await load(f);
      const golden = json(join(f.dir, 'userregions.json'));
      const rows = userRegions(summary);
      const key = (type: string, pc: number) => `${JSON.stringify(type)}@${pc.toString(16)}`;
      expect(rows.map((r) => key(r.type, r.frame.pc)).sort())
        .toEqual(golden.regions.map((r: { type: string; pc: string }) => key(r.type, parseInt(r.pc, 16))).sort());

      for (const want of golden.regions as Array<{ type: string; pc: string; func: string; line: number; count: number; histogram: GoldenHistogram | null; detailFile?: string; file?: string }>) {
        const pc = parseInt(want.pc, 16);
        const row = rows.find((r) => r.type === want.type && r.frame.pc === pc)!;
        expect([row.frame.func, row.frame.line, row.count]).toEqual([want.func, want.line, want.count]);
        if (want.detailFile !== undefined) expect(row.frame.file).toBe(want.file);
        sameHistogram(row.histogram, want.histogram, `region ${key(want.type, pc)}`);

        const page = json(join(f.dir, detailFile(want)));
        const ours = userRegionsOf(summary, want.type, pc);
        expect(`Regions: ${ours.name}`).toBe(page.heading);
        const columns = (page.breakdown.columns as string[]).filter((c) => !['Goroutine', 'Task', 'Total', ''].includes(c));
        expect(ours.nonOverlappingStats).toEqual(columns);
        // Rows are not unique by goroutine and task: compare as sorted lists.
        type GoldenRow = Record<string, Cell | number | string>;
        const byKey = <T>(list: T[], g: (x: T) => number, t: (x: T) => number, total: (x: T) => number) =>
          list.slice().sort((a, b) => g(a) - g(b) || t(a) - t(b) || total(a) - total(b));
        const taskOf = (r: GoldenRow) => (r.Task === '' || r.Task === undefined ? 0 : Number(r.Task));
        const wantRows = byKey(page.breakdown.rows as GoldenRow[], (r) => r.Goroutine as number, taskOf, (r) => (r.Total as Cell).ns);
        const gotRows = byKey(ours.regions, (r) => r.goroutine, (r) => r.taskId, (r) => r.totalTime);
        expect(gotRows.map((r) => [r.goroutine, r.taskId])).toEqual(wantRows.map((r) => [r.Goroutine, taskOf(r)]));
        gotRows.forEach((r, i) => {
          close(r.totalTime, (wantRows[i].Total as Cell).ns, `region row ${i} Total`);
          for (const c of columns) close(r.nonOverlappingStats[c] ?? 0, (wantRows[i][c] as Cell).ns, `region row ${i} ${c}`);
        });
        const rangeColumns = (page.specialRanges.columns as string[]).filter((c) => !['Goroutine', 'Task', 'Total'].includes(c));
        expect(ours.rangeStats).toEqual(rangeColumns);
        expect(ours.regions.filter((r) => r.hasRangeTime).length).toBe(page.specialRanges.rows.length);
      }
    });
  }
});
