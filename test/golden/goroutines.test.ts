// /goroutines and /goroutine?name= against go tool trace 1.27's pages, scraped into
// fixtures/golden/<folder>/<scenario>/goroutines.json and goroutine-groups/*.json: every group,
// count and execution time, and every goroutine's every column, within max(1µs, 0.1%).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesWithGolden, summarizeFile } from '../helpers/summary.ts';
import { goroutineGroup, goroutineGroups } from '../../parser/analysis/summary.ts';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** go tool trace's value agrees within max(1µs, 0.1%). */
function close(ours: number, theirs: number, what: string): void {
  const tolerance = Math.max(1000, Math.abs(theirs) * 0.001);
  expect(Math.abs(ours - theirs), `${what}: ours ${ours}, go tool trace ${theirs}`).toBeLessThanOrEqual(tolerance);
}

interface Cell { text: string; ns: number }
/** The golden page a row links to ("detailFile"; older goldens called it "file"). */
const detailFile = (row: { detailFile?: string; file?: string }) => row.detailFile ?? row.file!;

const fixtures = fixturesWithGolden('goroutines.json');

describe('goroutine pages equal go tool trace 1.27', () => {
  it('has fixtures with goroutine goldens', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const f of fixtures) {
    it(f.id, async (ctx) => {
      const summary = await summarizeFile(f.trace);
      if (typeof summary === 'string') {
        throw new Error(summary);
      }
      const golden = json(join(f.dir, 'goroutines.json'));
      const groups = goroutineGroups(summary);
      expect(groups.map((g) => g.name).sort()).toEqual(golden.groups.map((g: { name: string }) => g.name).sort());
      for (let i = 1; i < groups.length; i++) expect(groups[i - 1].execTime).toBeGreaterThanOrEqual(groups[i].execTime);

      for (const want of golden.groups as Array<{ name: string; count: number; executionTime: Cell; detailFile?: string; file?: string }>) {
        const group = groups.find((g) => g.name === want.name)!;
        expect(group.count, want.name).toBe(want.count);
        close(group.execTime, want.executionTime.ns, `${want.name} execution time`);

        const page = json(join(f.dir, detailFile(want)));
        const ours = goroutineGroup(summary, want.name);
        expect(ours.count).toBe(Number(page.summary['Count:']));
        const percent = /^([\d.]+)%/.exec(page.summary['Execution Time:'])?.[1];
        if (percent !== undefined) expect(Math.abs(ours.execTimeShare! * 100 - Number(percent))).toBeLessThanOrEqual(0.1);

        const columns = (page.breakdown.columns as string[]).filter((c) => !['Goroutine', 'Total', ''].includes(c));
        expect(ours.nonOverlappingStats).toEqual(columns);
        const rows = page.breakdown.rows as Array<Record<string, Cell | number>>;
        expect(ours.goroutines.map((g) => g.id).sort((a, b) => a - b)).toEqual(rows.map((r) => r.Goroutine as number).sort((a, b) => a - b));
        for (const row of rows) {
          const g = ours.goroutines.find((x) => x.id === row.Goroutine)!;
          close(g.totalTime, (row.Total as Cell).ns, `g${g.id} Total`);
          for (const c of columns) close(g.nonOverlappingStats[c] ?? 0, (row[c] as Cell).ns, `g${g.id} ${c}`);
        }

        const rangeColumns = (page.specialRanges.columns as string[]).filter((c) => !['Goroutine', 'Total'].includes(c));
        expect(ours.rangeStats).toEqual(rangeColumns);
        const rangeRows = page.specialRanges.rows as Array<Record<string, Cell | number>>;
        expect(ours.goroutines.filter((g) => g.hasRangeTime).map((g) => g.id).sort((a, b) => a - b))
          .toEqual(rangeRows.map((r) => r.Goroutine as number).sort((a, b) => a - b));
        for (const row of rangeRows) {
          const g = ours.goroutines.find((x) => x.id === row.Goroutine)!;
          for (const c of rangeColumns) close(g.rangeTime[c] ?? 0, (row[c] as Cell).ns, `g${g.id} range ${c}`);
        }
      }
    });
  }
});
