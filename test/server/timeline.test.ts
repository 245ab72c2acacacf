// The timeline routes over a real fixture trace: answers, schemas, and 400 (never 5xx) for
// bad input; 503 while the model is not ready.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import { createTimelineModel } from '../../parser/model/timeline-builder.ts';
import { registerErrorHandling } from '../../server/http/errors.ts';
import { registerTimelineRoutes, type TimelineSource } from '../../server/routes/timeline.ts';
import { getFixture } from '../helpers/fixtures.ts';
import { queryTile } from '../../parser/analysis/tiles.ts';
import { normalizeTile } from '../../client/controllers/timeline-adapter.ts';
import type { CounterTile, SpanTile } from '../../client/api/timeline-types.ts';

async function loadSource(id: string): Promise<TimelineSource> {
  const tables = new TraceTables();
  const analysis = createTimelineModel(tables);
  await parseTraceFile(getFixture(id).tracePath, { tables, onEvent: (e) => analysis.handleEvent(e) });
  return { model: analysis.finish(), tables };
}

async function appFor(getModel: () => TimelineSource | null): Promise<FastifyInstance> {
  const app = Fastify();
  registerErrorHandling(app);
  registerTimelineRoutes(app, getModel);
  await app.ready();
  return app;
}

describe('timeline routes', () => {
  let source: TimelineSource;
  let app: FastifyInstance;
  beforeAll(async () => {
    source = await loadSource('go1.27/demo');
    app = await appFor(() => source);
  });
  afterAll(() => app.close());

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('lists tracks: GC, STW, procs, threads, goroutines, counters', async () => {
    const res = await get('/api/timeline/tracks');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.startTime).toBe(source.model.startTime);
    const kinds = new Set(body.tracks.map((t: { kind: string }) => t.kind));
    expect(kinds).toEqual(new Set(['gc', 'stw', 'proc', 'thread', 'goroutine', 'counter']));
    const main = body.tracks.find((t: { name: string }) => t.name === 'G1 main.main');
    expect(main).toMatchObject({ kind: 'goroutine', resource: 1, startFunction: 'main.main', system: false });
  });

  it('serves a tile of the whole trace with merged entries and their strings', async () => {
    const { model } = source;
    const ids = model.tracks.map((t) => t.id).join(',');
    const res = await get(`/api/timeline/tile?tracks=${ids}&start=${model.startTime}&end=${model.endTime}&resolution=${Math.ceil((model.endTime - model.startTime) / 1000)}`);
    expect(res.statusCode).toBe(200);
    const tile = res.json();
    expect(tile.tracks).toHaveLength(model.tracks.length);
    const spans = tile.tracks.filter((t: { shape: string }) => t.shape === 'spans');
    const merged = spans.reduce((n: number, t: { merged: number[] }) => n + t.merged.reduce((a, b) => a + b, 0), 0);
    // Every slice and state span of the trace is counted exactly once.
    expect(merged).toBe(model.slices.start.length + model.states.spans);
    for (const t of spans) for (const k of t.kind) expect(typeof tile.strings[k]).toBe('string');
    // Times travel as deltas; the client's decoding gives back the query's absolute times exactly.
    const expected = queryTile(model, { tracks: model.tracks.map((t) => t.id), start: model.startTime, end: model.endTime, resolution: Math.ceil((model.endTime - model.startTime) / 1000) });
    const decoded = normalizeTile(tile);
    for (const want of expected.tracks) {
      const got = decoded.get(String(want.id))!;
      if (want.shape === 'counter') {
        expect(got.shape).toBe('counter');
        expect(Array.from((got as CounterTile).time)).toEqual(want.time);
        continue;
      }
      const spanTile = got as SpanTile;
      expect(Array.from(spanTile.start)).toEqual(want.start);
      expect(Array.from(spanTile.end)).toEqual(want.end);
      expect(Array.from(spanTile.depth)).toEqual(want.depth);
    }
    const counters = tile.tracks.filter((t: { shape: string }) => t.shape === 'counter');
    expect(counters.map((c: { series: { name: string }[] }) => c.series[0].name)).toEqual(['allocated', 'running', 'running']);
  });

  it('rejects bad tile parameters with 400', async () => {
    const { model } = source;
    const s = model.startTime;
    for (const url of [
      '/api/timeline/tile',
      `/api/timeline/tile?tracks=0&start=${s}&end=${s + 10}`,
      `/api/timeline/tile?tracks=a,b&start=${s}&end=${s + 10}&resolution=1`,
      `/api/timeline/tile?tracks=0,&start=${s}&end=${s + 10}&resolution=1`,
      `/api/timeline/tile?tracks=0&start=${s}&end=${s}&resolution=1`,
      `/api/timeline/tile?tracks=0&start=${s}&end=${s + 10}&resolution=0`,
      `/api/timeline/tile?tracks=0&start=${s}&end=${s + 10}&resolution=-5`,
      `/api/timeline/tile?tracks=0&start=abc&end=${s + 10}&resolution=1`,
      `/api/timeline/tile?tracks=0&start=${s}&end=1e400&resolution=1`,
      `/api/timeline/tile?tracks=999999&start=${s}&end=${s + 10}&resolution=1`,
      `/api/timeline/tile?tracks=0&start=${s}&end=${s + 1e9}&resolution=1`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().message, url).toBeTruthy();
    }
  });

  it('serves flows in a range and rejects an empty range', async () => {
    const { model } = source;
    const res = await get(`/api/timeline/flows?start=${model.startTime}&end=${model.endTime}`);
    expect(res.statusCode).toBe(200);
    const flows = res.json();
    expect(flows.name.length).toBe(model.flows.count);
    expect(flows.name).toContain('go');
    expect((await get(`/api/timeline/flows?start=10&end=5`)).statusCode).toBe(400);
    expect((await get(`/api/timeline/flows?start=x&end=5`)).statusCode).toBe(400);
  });

  it('resolves stacks by id, 404 for unknown ids, 400 for malformed ones', async () => {
    const { model, tables } = source;
    const id = Array.from(model.slices.endStack).find((s) => s !== 0)!;
    const res = await get(`/api/stacks/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().frames).toEqual(tables.frames(id));
    expect((await get(`/api/stacks/${tables.stackCount + 10}`)).statusCode).toBe(404);
    expect((await get('/api/stacks/-1')).statusCode).toBe(400);
    expect((await get('/api/stacks/abc')).statusCode).toBe(400);
  });

  it('rejects an unknown chrome view', async () => {
    expect((await get('/api/export/chrome?view=goroutine')).statusCode).toBe(400);
  });
});

describe('timeline routes before the model is ready', () => {
  it('answer 503', async () => {
    const app = await appFor(() => null);
    for (const url of ['/api/timeline/tracks', '/api/timeline/flows?start=0&end=1', '/api/export/perfetto']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(503);
    }
    await app.close();
  });
});
