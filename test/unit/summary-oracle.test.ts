// Our summarizer against Go's own, event for event. summary-oracle/cases.json holds event
// streams — hand-written tricky cases (summary-oracle/cases.go) and Go's parser test traces —
// as Go 1.27's internal/trace reads them, with the Summary its Summarizer (the code go tool
// trace runs) made from them; summary-oracle/make.sh remakes it. Here the same events are built
// as TraceEvent instances, fed through ONE reused instance, and every field must be equal.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TraceEvent, type EventKind } from '../../parser/model/event.ts';
import { TraceTables } from '../../parser/model/tables.ts';
import { createSummarizer, type ExecStats, type RegionSummary, type Summary } from '../../parser/analysis/summary.ts';

interface GoStats {
  execTime: number; schedWaitTime: number; blockTimeByReason: Record<string, number>;
  syscallTime: number; syscallBlockTime: number; totalTime: number; rangeTime: Record<string, number>;
}
interface GoRef { kind: number; time: number }
interface GoRegion { taskId: number; name: string; start: GoRef | null; end: GoRef | null; stats: GoStats }
interface GoCase {
  name: string;
  stacks: Array<Array<[number, string, string, number]>>;
  events: Array<{
    k: number; t: number; g: number; p: number; m: number; s?: number; n?: string; rk?: number; ri?: number;
    os?: number; ns?: number; r?: string; ts?: number; task?: number; ptask?: number; cat?: string; msg?: string;
  }>;
  goroutines: Array<{
    id: number; name: string; pc: number; creationTime: number; startTime: number; endTime: number;
    stats: GoStats; regions: GoRegion[];
  }> | null;
  tasks: Array<{
    id: number; name: string; parent: number | null; children: number[]; start: GoRef | null; end: GoRef | null;
    logs: number[]; regions: GoRegion[]; goroutines: number[];
  }> | null;
}

const cases: GoCase[] = JSON.parse(readFileSync(new URL('./summary-oracle/cases.json', import.meta.url), 'utf8'));

/** Feeds a case's events to our summarizer with times shifted so the first event is at 0. */
function summarize(c: GoCase, base: number): Summary {
  const tables = new TraceTables();
  const stackIds = c.stacks.map((frames) => tables.internStack(frames.map(([pc, fn, file, line]) => tables.internFrame(pc, fn, file, line))));
  const summarizer = createSummarizer(tables);
  const ev = new TraceEvent();
  for (const e of c.events) {
    ev.reset();
    ev.kind = e.k as EventKind;
    ev.time = e.t - base;
    ev.g = e.g;
    ev.p = e.p;
    ev.m = e.m;
    ev.stack = stackIds[e.s ?? 0];
    ev.name = e.n ?? '';
    ev.resourceKind = e.rk ?? 0;
    ev.resourceId = e.ri ?? 0;
    ev.oldState = e.os ?? 0;
    ev.newState = e.ns ?? 0;
    ev.reason = e.r ?? '';
    ev.transitionStack = stackIds[e.ts ?? 0];
    if (e.task !== undefined) ev.taskId = e.task;
    if (e.ptask !== undefined) ev.parentTaskId = e.ptask;
    ev.category = e.cat ?? '';
    ev.message = e.msg ?? '';
    summarizer.handleEvent(ev);
  }
  return summarizer.finish();
}

function stats(s: ExecStats) {
  return {
    execTime: s.execTime, schedWaitTime: s.schedWaitTime, blockTimeByReason: { ...s.blockTimeByReason },
    syscallTime: s.syscallTime, syscallBlockTime: s.syscallBlockTime, totalTime: s.totalTime, rangeTime: { ...s.rangeTime },
  };
}

const shift = (ref: GoRef | null, base: number) => (ref ? { kind: ref.kind, time: ref.time - base } : null);
const ourRef = (ref: { kind: number; time: number } | null) => (ref ? { kind: ref.kind, time: ref.time } : null);

function goRegion(r: GoRegion, base: number) {
  return { taskId: r.taskId, name: r.name, start: shift(r.start, base), end: shift(r.end, base), stats: r.stats };
}
function ourRegion(r: RegionSummary) {
  return { taskId: r.taskId, name: r.name, start: ourRef(r.start), end: ourRef(r.end), stats: stats(r) };
}
/** Go sorts a goroutine's regions by start with an unstable sort: compare in a total order. */
function canonical<T extends { name: string; start: GoRef | null; end: GoRef | null }>(regions: T[]): T[] {
  const key = (r: T) => [r.start ? r.start.time : -1, r.end ? r.end.time : -1, r.name] as const;
  return regions.slice().sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka[0] - kb[0] || ka[1] - kb[1] || (ka[2] < kb[2] ? -1 : ka[2] > kb[2] ? 1 : 0);
  });
}

describe('summarizer equals Go 1.27 internal/trace Summarizer', () => {
  it('has cases, hand-written ones among them', () => {
    expect(cases.filter((c) => c.name.startsWith('handwritten/')).length).toBeGreaterThanOrEqual(2);
    expect(cases.length).toBeGreaterThan(15);
  });

  for (const c of cases) {
    it(c.name, () => {
      const base = c.events.length > 0 ? c.events[0].t : 0;
      const ours = summarize(c, base);

      const wantGoroutines = (c.goroutines ?? []).map((g) => ({
        id: g.id, name: g.name, pc: g.pc, creationTime: g.creationTime - base,
        // Go's 0 means "never started" / "did not end"; ours is null.
        startTime: g.startTime === 0 ? null : g.startTime - base,
        endTime: g.endTime === 0 ? null : g.endTime - base,
        stats: g.stats,
        regions: canonical(g.regions.map((r) => goRegion(r, base))),
      }));
      const gotGoroutines = ours.goroutines.list().map((g) => ({
        id: g.id, name: g.name, pc: g.pc, creationTime: g.creationTime, startTime: g.startTime, endTime: g.endTime,
        stats: stats(g),
        regions: canonical(g.regions.map((i) => ourRegion(ours.regions.get(i)))),
      }));
      expect(gotGoroutines).toEqual(wantGoroutines);

      const wantTasks = (c.tasks ?? []).map((t) => ({
        id: t.id, name: t.name, parent: t.parent, children: t.children, start: shift(t.start, base), end: shift(t.end, base),
        logs: t.logs.map((l) => l - base), regions: t.regions.map((r) => goRegion(r, base)), goroutines: t.goroutines,
      }));
      const gotTasks = ours.tasks.list().map((t) => ({
        id: t.id, name: t.name, parent: t.parent, children: t.children, start: ourRef(t.start), end: ourRef(t.end),
        logs: t.logs.map((l) => ours.logs.time(l)), regions: t.regions.map((i) => ourRegion(ours.regions.get(i))),
        goroutines: t.goroutines.slice().sort((a, b) => a - b),
      }));
      expect(gotTasks).toEqual(wantTasks);

      expect(ours.traceStart).toBe(0);
      expect(ours.lastEventTime).toBe(c.events.length > 0 ? c.events[c.events.length - 1].t - base : 0);
    });
  }
});
