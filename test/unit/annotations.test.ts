// The timeline's user annotations index (parser/analysis/annotations.ts) on a real trace with
// nested regions and logs: rows never overlap on a goroutine, every region and log is kept, range
// queries find exactly what overlaps, and merging below a pixel keeps every region counted.

import { beforeAll, describe, expect, it } from 'vitest';
import { getFixture } from '../helpers/fixtures.ts';
import { summarizeFile } from '../helpers/summary.ts';
import { annotationIndex, annotationsIn, buildAnnotationIndex, taskFamily, type AnnotationIndex } from '../../parser/analysis/annotations.ts';
import type { Summary } from '../../parser/analysis/summary-types.ts';

describe('timeline annotations index', () => {
  let summary: Summary;
  let index: AnnotationIndex;
  beforeAll(async () => {
    const s = await summarizeFile(getFixture('go1.27/annotations').tracePath);
    if (typeof s === 'string') throw new Error(s);
    summary = s;
    index = buildAnnotationIndex(summary);
  });

  it('keeps every named region and every log', () => {
    const named = summary.regions.list().filter((r) => r.name !== '' && r.goroutine >= 0);
    expect(index.regions.count).toBe(named.length);
    expect(index.logs.count).toBe(summary.tasks.list().reduce((n, t) => n + t.logs.length, 0));
    expect(index.regions.count).toBeGreaterThan(10);
    expect(index.logs.count).toBeGreaterThan(5);
    expect(annotationIndex(summary)).toBe(annotationIndex(summary));
  });

  it('puts nested regions in deeper rows and never overlaps two on one row', () => {
    const r = index.regions;
    const rows = new Map<string, Array<[number, number]>>();
    let nested = 0;
    for (let i = 0; i < r.count; i++) {
      expect(r.depth[i]).toBeLessThan(index.regionRows.get(r.goroutine[i])!);
      const key = `${r.goroutine[i]}/${r.depth[i]}`;
      const list = rows.get(key) ?? [];
      for (const [s, e] of list) expect(r.start[i] >= e || r.end[i] <= s, `${key}: [${r.start[i]}, ${r.end[i]}] overlaps [${s}, ${e}]`).toBe(true);
      list.push([r.start[i], r.end[i]]);
      rows.set(key, list);
      if (r.depth[i] > 0) {
        nested++;
        // A region in row d lies within one in row d − 1 on the same goroutine.
        const outer = rows.get(`${r.goroutine[i]}/${r.depth[i] - 1}`) ?? [];
        expect(outer.some(([s, e]) => s <= r.start[i] && r.end[i] <= e)).toBe(true);
      }
    }
    expect(nested).toBeGreaterThan(0);
  });

  it('answers a range with exactly the regions and logs that overlap it', () => {
    const r = index.regions;
    const mid = (summary.traceStart + summary.traceEnd) / 2;
    const query = { start: mid - 1e6, end: mid + 1e6, resolution: 0, limit: Infinity };
    const found = annotationsIn(index, query);
    let want = 0;
    for (let i = 0; i < r.count; i++) if (r.end[i] >= query.start && r.start[i] <= query.end) want++;
    expect(found.regions.length).toBe(want);
    expect(found.regions.every((m) => m.merged === 1 && m.end >= query.start && m.start <= query.end)).toBe(true);
    const wantLogs = Array.from(index.logs.time).filter((t) => t >= query.start && t <= query.end).length;
    expect(found.logs.length).toBe(wantLogs);
    expect(found.truncated).toBe(false);
  });

  it('merges marks below the resolution per goroutine row, counting every one', () => {
    const all = { start: summary.traceStart, end: summary.traceEnd, limit: Infinity };
    const exact = annotationsIn(index, { ...all, resolution: 0 });
    const coarse = annotationsIn(index, { ...all, resolution: 1e6 });
    expect(coarse.regions.length).toBeLessThan(exact.regions.length);
    expect(coarse.regions.reduce((n, m) => n + m.merged, 0)).toBe(exact.regions.length);
    expect(coarse.logs.reduce((n, m) => n + m.merged, 0)).toBe(exact.logs.length);
    const limited = annotationsIn(index, { ...all, resolution: 0, limit: 3 });
    expect(limited.regions.length).toBe(3);
    expect(limited.truncated).toBe(true);
  });

  it('lays a task family out in rows: children below their parent, overlapping tasks apart', () => {
    const withChildren = summary.tasks.list().find((t) => t.children.length > 1)!;
    expect(withChildren).toBeDefined();
    const family = taskFamily(summary, withChildren.id)!;
    expect(family.tasks.length).toBe(1 + withChildren.children.length);
    const byId = new Map(family.tasks.map((t) => [t.id, t]));
    for (const t of family.tasks) {
      if (t.id !== withChildren.id) expect(t.row).toBeGreaterThan(byId.get(t.parent!)!.row);
      for (const u of family.tasks) {
        if (u !== t && u.row === t.row) expect(u.end <= t.start || t.end <= u.start, `T${t.id} and T${u.id} share row ${t.row}`).toBe(true);
      }
    }
    expect(new Set(family.tasks.map((t) => t.row)).size).toBeGreaterThan(2);
    expect(taskFamily(summary, 0)).toBeNull();
  });
});
