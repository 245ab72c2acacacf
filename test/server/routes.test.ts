// Every JSON route on real fixture traces, compared with what go tool trace 1.27 served for the
// same trace (fixtures/golden/<folder>/<scenario>/, scraped from its pages by the fixtures
// engineer's script). Exact equality where go tool trace prints exact nanoseconds.

import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.ts';
import { TraceSession } from '../../server/trace-session.ts';
import { createServedAnalyses } from '../../server/analyses/index.ts';
import { decodePprof, resolvePprofSamples } from '../../server/encode/pprof.ts';
import { hasGolden, listFixtures, loadGolden, type Fixture } from '../helpers/fixtures.ts';

const withPageGoldens = listFixtures({ format: 'v2' }).filter((f) => hasGolden(f, 'goroutines.json'));

async function openApp(fixture: Fixture): Promise<FastifyInstance> {
  const session = new TraceSession(fixture.tracePath, { analyses: createServedAnalyses });
  await session.start();
  expect(session.status().error).toBeUndefined();
  return buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client') });
}

const sortedSamples = (bytes: Uint8Array) => resolvePprofSamples(decodePprof(bytes)).map((s) => JSON.stringify(s)).sort();
/** The golden page a list row links to (the scraper calls it detailFile; early goldens, file). */
const detailFile = (row: { detailFile?: string; file?: string }) => (row.detailFile ?? row.file) as `${string}.json`;
const ns = (cell: { ns: number } | undefined) => cell?.ns ?? 0;

it('has fixtures with page goldens to compare against', () => {
  expect(withPageGoldens.length).toBeGreaterThan(0);
});

describe.each(withPageGoldens.map((f) => [f.id, f] as const))('%s', (_id, fixture) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await openApp(fixture);
  });
  afterAll(() => app.close());
  const get = async (url: string) => {
    const res = await app.inject(url);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
    return res;
  };

  it('/api/goroutines equals /goroutines', async () => {
    const golden = loadGolden(fixture, 'goroutines.json');
    const ours = (await get('/api/goroutines')).json();
    const byName = (rows: { name: string; count: number; execTimeNs: number }[]) =>
      Object.fromEntries(rows.map((g) => [g.name, [g.count, g.execTimeNs]]));
    expect(byName(ours.groups)).toEqual(
      byName(golden.groups.map((g: any) => ({ name: g.name, count: g.count, execTimeNs: g.executionTime.ns }))),
    );
    const times = ours.groups.map((g: { execTimeNs: number }) => g.execTimeNs);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('/api/goroutines/group equals /goroutine?name= for every group', async () => {
    const golden = loadGolden(fixture, 'goroutines.json');
    for (const group of golden.groups) {
      const page = loadGolden(fixture, detailFile(group));
      const ours = (await get(`/api/goroutines/group?name=${encodeURIComponent(group.name)}`)).json();
      expect(ours.count, group.name).toBe(group.count);
      const columns: string[] = page.breakdown.columns.filter((c: string) => c !== '' && c !== 'Goroutine' && c !== 'Total');
      expect(ours.statLabels, group.name).toEqual(columns);
      const rows = ours.goroutines; // columnar: row k is id[k], totalNs[k], stats[label][k]
      const oursRows = Object.fromEntries(
        rows.id.map((id: number, k: number) => [id, [rows.totalNs[k], ...columns.map((c) => rows.stats[c][k])]]),
      );
      const goldenRows = Object.fromEntries(
        page.breakdown.rows.map((r: any) => [r.Goroutine, [ns(r.Total), ...columns.map((c) => ns(r[c]))]]),
      );
      expect(oursRows, group.name).toEqual(goldenRows);
      // go tool trace's order: total time, longest first.
      const totals: number[] = rows.totalNs;
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
    }
  });

  it('/api/pprof/:kind equals go tool trace -pprof, and attaches a file name', async () => {
    for (const kind of ['net', 'sync', 'syscall', 'sched'] as const) {
      if (!hasGolden(fixture, `pprof-${kind}.pb.gz`)) continue;
      const res = await get(`/api/pprof/${kind}`);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${kind}.pb.gz"`);
      expect(sortedSamples(res.rawPayload), kind).toEqual(sortedSamples(loadGolden(fixture, `pprof-${kind}.pb.gz`)));
    }
  });

  it('group profiles equal /io?name= etc. for the profiled group', async () => {
    const golden = loadGolden(fixture, 'goroutines.json');
    const pages = { net: 'io', sync: 'block', syscall: 'syscall', sched: 'sched' } as const;
    for (const [kind, page] of Object.entries(pages)) {
      for (let index = 0; index < golden.groups.length; index++) {
        const file = `pprof-group-${page}-${index}.pb.gz` as const;
        if (!hasGolden(fixture, file)) continue;
        const res = await get(`/api/pprof/${kind}?name=${encodeURIComponent(golden.groups[index].name)}`);
        expect(sortedSamples(res.rawPayload), file).toEqual(sortedSamples(loadGolden(fixture, file)));
      }
    }
  });

  it('/api/tasks equals /usertasks', async () => {
    if (!hasGolden(fixture, 'usertasks.json')) return;
    const golden = loadGolden(fixture, 'usertasks.json');
    const ours = (await get('/api/tasks')).json();
    expect(ours.types.map((t: any) => [t.type, t.count])).toEqual(golden.types.map((t: any) => [t.type, t.count]));
    for (const [i, t] of golden.types.entries()) {
      const buckets = (t.histogram?.buckets ?? []).map((b: any) => [b.min.ns, b.count]);
      expect(ours.types[i].histogram.buckets.map((b: any) => [b.minNs, b.count]), t.type).toEqual(buckets);
    }
  });

  it('/api/tasks/type equals /usertask?type= for every type', async () => {
    if (!hasGolden(fixture, 'usertasks.json')) return;
    const golden = loadGolden(fixture, 'usertasks.json');
    for (const t of golden.types) {
      const page = loadGolden(fixture, detailFile(t));
      const ours = (await get(`/api/tasks/type?type=${encodeURIComponent(t.type)}`)).json();
      // Go sorts by duration with an unstable sort, so equal durations may come in any order.
      const durations = ours.tasks.map((x: any) => x.durationNs);
      expect(durations).toEqual([...durations].sort((a, b) => a - b));
      const byId = (rows: any[]) => [...rows].sort((a, b) => a[0] - b[0]);
      expect(byId(ours.tasks.map((x: any) => [x.id, x.startNs, x.durationNs, x.complete,
        x.events.map((e: any) => [e.whenNs, e.elapsedNs, e.goroutine, e.what])])), t.type)
        .toEqual(byId(page.tasks.map((x: any) => [x.id, x.when.ns, x.duration.ns, x.complete,
          x.events.map((e: any) => [e.when.ns, e.elapsed.ns, e.goroutine, e.what])])));
    }
  });

  it('/api/regions and /api/regions/type equal /userregions and /userregion', async () => {
    if (!hasGolden(fixture, 'userregions.json')) return;
    const golden = loadGolden(fixture, 'userregions.json');
    const ours = (await get('/api/regions')).json();
    expect(ours.regions.map((r: any) => [r.type, `0x${r.pc}`, r.frame.func, r.frame.line, r.count]))
      .toEqual(golden.regions.map((r: any) => [r.type, r.pc, r.func, r.line, r.count]));
    for (const row of golden.regions) {
      const page = loadGolden(fixture, detailFile(row));
      const detail = (await get(`/api/regions/type?type=${encodeURIComponent(row.type)}&pc=${row.pc}`)).json();
      const rows = page.breakdown?.rows ?? page.regions ?? [];
      expect(detail.regions.length, row.type).toBe(rows.length);
      expect(detail.regions.map((r: any) => r.totalNs).sort(), row.type)
        .toEqual(rows.map((r: any) => ns(r.Total ?? r.total)).sort());
    }
  });

  it('region profiles equal /regionio?type=&pc= etc.', async () => {
    if (!hasGolden(fixture, 'userregions.json')) return;
    const golden = loadGolden(fixture, 'userregions.json');
    const pages = { net: 'io', sync: 'block', syscall: 'syscall', sched: 'sched' } as const;
    for (const [kind, page] of Object.entries(pages)) {
      for (let index = 0; index < golden.regions.length; index++) {
        const file = `pprof-region-${page}-${index}.pb.gz` as const;
        if (!hasGolden(fixture, file)) continue;
        const row = golden.regions[index];
        const res = await get(`/api/pprof/${kind}?type=${encodeURIComponent(row.type)}&pc=${row.pc}`);
        expect(sortedSamples(res.rawPayload), file).toEqual(sortedSamples(loadGolden(fixture, file)));
      }
    }
  });

  it('/api/mmu and /api/mmu/worst equal /mmu?mode=plot and mode=details', async () => {
    const meta = loadGolden(fixture, 'meta.json');
    for (const entry of meta.pages?.mmu ?? []) {
      if (entry.status !== 200) continue;
      const plot = loadGolden(fixture, entry.plot);
      const ours = (await get(`/api/mmu?flags=${encodeURIComponent(entry.flags)}`)).json();
      expect(ours.curve.length, entry.flags).toBe(plot.curve.length);
      ours.curve.forEach((point: number[], i: number) => {
        // Windows are int64(exp(...)) in Go; a last-ulp difference in exp may move one by 1 ns.
        expect(Math.abs(point[0] - plot.curve[i][0]), `${entry.flags} window ${i}`).toBeLessThanOrEqual(Math.max(1, plot.curve[i][0] * 1e-9));
        point.slice(1).forEach((mu, j) => expect(Math.abs(mu - plot.curve[i][j + 1]), `${entry.flags} point ${i}`).toBeLessThanOrEqual(0.005));
      });
      const details = loadGolden(fixture, entry.details);
      for (const w of details.windows) {
        if (w.status !== 200) continue;
        const worst = (await get(`/api/mmu/worst?window=${w.windowNs}&flags=${encodeURIComponent(entry.flags)}`)).json();
        expect(worst.windows.map((x: any) => x.time), `${entry.flags} ${w.windowNs}`).toEqual(w.worst.map((x: any) => x.Time));
        worst.windows.forEach((x: any, i: number) => expect(Math.abs(x.mutatorUtil - w.worst[i].MutatorUtil)).toBeLessThanOrEqual(0.005));
      }
    }
  });
});
