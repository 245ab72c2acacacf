// The page functions over summaries of Go's hand-written and test traces (summary-oracle/
// cases.json): properties go tool trace's page code guarantees, checked against the summary
// rather than against numbers typed in here (exact page values are the golden tests' job).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TraceEvent, type EventKind } from '../../parser/model/event.ts';
import { TraceTables } from '../../parser/model/tables.ts';
import { createSummarizer, nonOverlappingStats, type Summary } from '../../parser/analysis/summary.ts';
import { goroutineGroup, goroutineGroups, matchingGoroutineIntervals } from '../../parser/analysis/goroutines.ts';
import { matchingRegionIntervals, regionInterval, userRegions, userRegionsOf } from '../../parser/analysis/regions.ts';
import { userTasks, userTasksOfType } from '../../parser/analysis/tasks.ts';
import { summarizeFile } from '../helpers/summary.ts';
import { getFixture } from '../helpers/fixtures.ts';

interface Case { name: string; stacks: Array<Array<[number, string, string, number]>>; events: Array<Record<string, number | string>> }
const cases: Case[] = JSON.parse(readFileSync(new URL('./summary-oracle/cases.json', import.meta.url), 'utf8'));

function summarize(c: Case): Summary {
  const tables = new TraceTables();
  const stacks = c.stacks.map((fs) => tables.internStack(fs.map(([pc, fn, file, line]) => tables.internFrame(pc, fn, file, line))));
  const s = createSummarizer(tables);
  const ev = new TraceEvent();
  for (const e of c.events) {
    ev.reset();
    Object.assign(ev, {
      kind: e.k as EventKind, time: e.t, g: e.g, p: e.p, m: e.m, stack: stacks[(e.s as number) ?? 0], name: e.n ?? '',
      resourceKind: e.rk ?? 0, resourceId: e.ri ?? 0, oldState: e.os ?? 0, newState: e.ns ?? 0, reason: e.r ?? '',
      transitionStack: stacks[(e.ts as number) ?? 0], category: e.cat ?? '', message: e.msg ?? '',
    });
    if (e.task !== undefined) ev.taskId = e.task as number;
    if (e.ptask !== undefined) ev.parentTaskId = e.ptask as number;
    s.handleEvent(ev);
  }
  return s.finish();
}

const handwritten = summarize(cases.find((c) => c.name === 'handwritten/regions-tasks-inheritance')!);
const stress = summarize(cases.find((c) => c.name === 'go-testdata/go122-annotations-stress')!);

describe('goroutine pages', () => {
  for (const summary of [handwritten, stress]) {
    it('groups partition the goroutines, most execution time first', () => {
      const groups = goroutineGroups(summary);
      expect(groups.reduce((n, g) => n + g.count, 0)).toBe(summary.goroutines.length);
      for (let i = 1; i < groups.length; i++) expect(groups[i - 1].execTime).toBeGreaterThanOrEqual(groups[i].execTime);
      for (const group of groups) {
        const page = goroutineGroup(summary, group.name);
        expect(page.count).toBe(group.count);
        expect(page.nonOverlappingStats[0]).toBe('Execution time');
        const exec = page.goroutines.reduce((n, g) => n + g.nonOverlappingStats['Execution time'], 0);
        expect(exec).toBe(group.execTime);
        for (const row of page.goroutines) {
          // Every column is shown for every row, and the non-overlapping stats add up to at least the total.
          for (const label of page.nonOverlappingStats) expect(label in row.nonOverlappingStats || label.startsWith('Block time (')).toBe(true);
          const sum = Object.values(row.nonOverlappingStats).reduce((a, b) => a + b, 0);
          expect(sum).toBeGreaterThanOrEqual(row.totalTime);
        }
      }
    });
  }

  it('sorts by a chosen column', () => {
    const page = goroutineGroup(stress, goroutineGroups(stress)[0].name, 'Sched wait time');
    const col = page.goroutines.map((g) => g.nonOverlappingStats['Sched wait time']);
    expect(col).toEqual(col.slice().sort((a, b) => b - a));
  });

  it('goroutine intervals: every goroutine for "", an error for an unknown name', () => {
    const all = matchingGoroutineIntervals(stress, '');
    expect(Object.keys(all).length).toBe(stress.goroutines.length);
    expect(() => matchingGoroutineIntervals(stress, 'no.such')).toThrow('failed to find matching goroutines for name: no.such');
  });
});

describe('task and region pages', () => {
  it('task types count every task; the histogram only complete ones', () => {
    const rows = userTasks(handwritten);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(handwritten.tasks.length);
    const complete = handwritten.tasks.list().filter((t) => t.start && t.end).length;
    expect(rows.reduce((n, r) => n + r.histogram.count, 0)).toBe(complete);
  });

  it('a task page lists the task events in time order with Go-style descriptions', () => {
    const page = userTasksOfType(handwritten, 'job');
    expect(page.name).toBe('"job"');
    expect(page.tasks).toHaveLength(1);
    const whats = page.tasks[0].events.map((e) => e.what);
    expect(whats[0]).toMatch(/^task "job" \(ID 5, parent 4\) begin$/);
    expect(whats).toContain('log (category: cat): "hello"');
    expect(whats).toContain('log "plain \\"quoted\\""');
    const times = page.tasks[0].events.map((e) => e.when);
    expect(times).toEqual(times.slice().sort((a, b) => a - b));
  });

  it('a task page lists only the shortest `limit` tasks, counting and histogramming them all', async () => {
    const summary = await summarizeFile(getFixture('go1.27/demo').tracePath);
    if (typeof summary === 'string') throw new Error(summary);
    const type = userTasks(summary).sort((a, b) => b.count - a.count)[0];
    expect(type.count).toBeGreaterThan(5);
    const all = userTasksOfType(summary, type.type);
    const limited = userTasksOfType(summary, type.type, 3);
    expect(all.total).toBe(type.count);
    expect(limited.total).toBe(type.count);
    expect(limited.tasks).toEqual(all.tasks.slice(0, 3));
    expect(limited.histogram).toEqual(type.histogram);
  });

  it('a region page lists only the first `limit` rows, with columns and histogram over all', async () => {
    const summary = await summarizeFile(getFixture('go1.27/annotations').tracePath);
    if (typeof summary === 'string') throw new Error(summary);
    for (const sortBy of [undefined, 'Execution time', 'Sched wait time']) {
      const all = userRegionsOf(summary, {}, undefined, sortBy);
      const limited = userRegionsOf(summary, {}, undefined, sortBy, 4);
      expect(all.total).toBeGreaterThan(10);
      expect(limited.total).toBe(all.total);
      expect(limited.regions).toEqual(all.regions.slice(0, 4));
      expect(limited.nonOverlappingStats).toEqual(all.nonOverlappingStats);
      expect(limited.maxTotalTime).toBe(all.maxTotalTime);
      expect(limited.histogram.count).toBe(all.total);
    }
  });

  it('region rows count every listed region; a region page keeps zero-valued reason columns', () => {
    const rows = userRegions(handwritten);
    const listed = handwritten.goroutines.list().reduce((n, g) => n + g.regions.length, 0);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(listed);
    const open = userRegionsOf(handwritten, 'open');
    expect(open.regions).toHaveLength(1);
    expect(open.nonOverlappingStats).toEqual(Object.keys(nonOverlappingStats(handwritten.regions.list().find((r) => r.name === 'open')!)).sort((a, b) =>
      a === 'Execution time' ? -1 : b === 'Execution time' ? 1 : a < b ? -1 : 1));
  });

  it('region intervals keep only the outermost of nested regions', () => {
    const intervals = matchingRegionIntervals(stress, {});
    for (const list of Object.values(intervals)) {
      for (let i = 1; i < list.length; i++) expect(list[i][0]).toBeGreaterThanOrEqual(list[i - 1][1]);
    }
    const g1 = handwritten.goroutines.list().find((g) => g.id === 1)!;
    const regions = g1.regions.map((r) => regionInterval(handwritten, r));
    expect(matchingRegionIntervals(handwritten, {})[1].length).toBeLessThan(regions.length); // "inner" is nested in "outer"
  });
});
