// A trace too big for a whole timeline is viewed a part at a time (server/timeline-parts.ts,
// server/cli/timeline-budget.ts): the load builds the first part's timeline (a byte limit cuts
// it at a generation), every other page covers the whole trace, and another part is built on
// request from its own bytes (ParseFileOptions.byteRange). The fixture has two generations; a
// one-byte limit makes each its own part.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { TraceSession, type ParseFunction } from '../../server/trace-session.ts';
import { createServedAnalyses } from '../../server/analyses/index.ts';
import { parseTraceFile } from '../../parser/index.ts';
import { planTimelineParts } from '../../server/timeline-parts.ts';
import { getFixture } from '../helpers/fixtures.ts';

// The fixture is small: read it with the decode worker, as a big trace would be.
const parseWithWorker: ParseFunction = (path, options) => parseTraceFile(path, { ...options, worker: true });

async function servedApp(offThreadByteLimit?: number, tracePath = getFixture('go1.27/longlived').tracePath): Promise<FastifyInstance> {
  const session = new TraceSession(tracePath, { analyses: createServedAnalyses, parse: parseWithWorker, offThreadByteLimit });
  await session.start();
  await session.results().analyses.timeline.done;
  return buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client') });
}

/** Waits until no result is being built (a part selected is in). */
async function settled(app: FastifyInstance): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const status = (await app.inject('/api/status')).json();
    if (status.building.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the part was not built in 20 s');
}

interface Part { startTime: number; endTime: number; startByte: number; endByte: number }

function procTile(app: FastifyInstance, tracks: { tracks: { kind: string; id: number }[] }, from: number, to: number) {
  const ids = tracks.tracks.filter((t) => t.kind === 'proc').map((t) => t.id).join(',');
  return app.inject(`/api/timeline/tile?tracks=${ids}&start=${from}&end=${to}&resolution=${Math.max(1, (to - from) / 2000)}`);
}

describe('planTimelineParts', () => {
  const starts = [0, 100, 150, 400, 420].map((offset, i) => ({ offset, time: 1000 * (i + 1) }));
  it('keeps the first part as the load cut it, then packs whole generations within the limit', () => {
    expect(planTimelineParts(starts, 2, 260, 500, 9999)).toEqual([
      { startByte: 0, endByte: 150, startTime: 1000, endTime: 3000 },
      { startByte: 150, endByte: 400, startTime: 3000, endTime: 4000 },
      { startByte: 400, endByte: 500, startTime: 4000, endTime: 9999 },
    ]);
  });
  it('gives a generation bigger than the limit a part of its own', () => {
    expect(planTimelineParts(starts, 1, 10, 500, 9999).map((p) => [p.startByte, p.endByte])).toEqual([[0, 100], [100, 150], [150, 400], [400, 420], [420, 500]]);
  });
});

describe('timeline of a trace in parts', () => {
  let cut: FastifyInstance;
  let whole: FastifyInstance;
  beforeAll(async () => {
    cut = await servedApp(1);
    whole = await servedApp();
  }, 60_000);
  afterAll(async () => {
    await cut.close();
    await whole.close();
  });

  it('lists the parts, shows the first, and serves the other pages whole', async () => {
    const parts = (await cut.inject('/api/timeline/parts')).json();
    expect(parts.index).toBe(0);
    expect(parts.parts).toHaveLength(2);
    const [first, second] = parts.parts as Part[];
    expect(first.endByte).toBe(second.startByte);
    expect(second.endByte).toBe(parts.totalBytes);
    const tracks = (await cut.inject('/api/timeline/tracks')).json();
    const wholeTracks = (await whole.inject('/api/timeline/tracks')).json();
    expect(tracks.startTime).toBe(wholeTracks.startTime);
    // (Generations overlap a little in time: the first part may end after the second begins.)
    expect(tracks.endTime).toBeLessThan(second.endTime);
    expect(second.endTime).toBe(wholeTracks.endTime);
    expect((await whole.inject('/api/timeline/parts')).json()).toEqual({ index: 0, parts: [], totalBytes: 0 });
    // The other pages are the whole trace's in both servers.
    expect((await cut.inject('/api/trace')).json()).toEqual((await whole.inject('/api/trace')).json());
    expect((await cut.inject('/api/goroutines')).json()).toEqual((await whole.inject('/api/goroutines')).json());
  });

  it('answers tiles after the first part with no spans, not an error', async () => {
    const tracks = (await cut.inject('/api/timeline/tracks')).json();
    const second = (await cut.inject('/api/timeline/parts')).json().parts[1] as Part;
    const res = await procTile(cut, tracks, Math.ceil(tracks.endTime) + 1, Math.floor(second.endTime));
    expect(res.statusCode).toBe(200);
    for (const track of res.json().tracks) if (track.shape === 'spans') expect(track.gap).toEqual([]);
  });

  it('refuses what cannot be selected', async () => {
    expect((await cut.inject({ method: 'POST', url: '/api/timeline/parts/2' })).statusCode).toBe(404);
    expect((await cut.inject({ method: 'POST', url: '/api/timeline/parts/x' })).statusCode).toBe(400);
    expect((await whole.inject({ method: 'POST', url: '/api/timeline/parts/0' })).statusCode).toBe(409);
    const foreign = await cut.inject({ method: 'POST', url: '/api/timeline/parts/1', headers: { origin: 'http://example.com' } });
    expect(foreign.statusCode).toBe(403);
    expect((await cut.inject({ method: 'POST', url: '/api/timeline/parts/0' })).json()).toEqual({ index: 0, building: false });
  });

  it('builds another part on request, over its own time range, then the first again as the load built it', async () => {
    const before = (await cut.inject('/api/timeline/tracks')).json();
    const firstTile = (await procTile(cut, before, before.startTime, before.endTime)).json();
    const second = (await cut.inject('/api/timeline/parts')).json().parts[1] as Part;
    const started = await cut.inject({ method: 'POST', url: '/api/timeline/parts/1', headers: { origin: 'http://localhost:80' } });
    expect(started.statusCode).toBe(202);
    // The status says how much of the part is read while it is built (this small part may be in already).
    const building = (await cut.inject('/api/status')).json();
    if (building.building.includes('timeline')) {
      expect(building.buildProgress.timeline).toBeGreaterThanOrEqual(0);
      expect(building.buildProgress.timeline).toBeLessThanOrEqual(100);
    }
    // One part at a time.
    expect((await cut.inject({ method: 'POST', url: '/api/timeline/parts/0' })).statusCode).toBe(409);
    await settled(cut);
    expect((await cut.inject('/api/timeline/parts')).json().index).toBe(1);
    const tracks = (await cut.inject('/api/timeline/tracks')).json();
    expect(tracks.startTime).toBe(second.startTime);
    expect(tracks.endTime).toBe(second.endTime);
    // Its tiles have spans, and their stacks resolve in the part's own tables (the model read
    // alone is checked column by column in test/unit/off-thread.test.ts).
    const partTile = (await procTile(cut, tracks, tracks.startTime, tracks.endTime)).json();
    const spans = partTile.tracks.filter((t: { shape: string }) => t.shape === 'spans').reduce((n: number, t: { gap: number[] }) => n + t.gap.length, 0);
    expect(spans).toBeGreaterThan(0);
    const stack = partTile.tracks.flatMap((t: { endStack?: number[] }) => t.endStack ?? []).find((s: number) => s > 0);
    expect(stack).toBeDefined();
    expect((await cut.inject(`/api/stacks/${stack}`)).json().frames.length).toBeGreaterThan(0);

    // Back to the first part: read from its bytes alone, it is the timeline the load built.
    expect((await cut.inject({ method: 'POST', url: '/api/timeline/parts/0' })).statusCode).toBe(202);
    await settled(cut);
    expect((await cut.inject('/api/timeline/tracks')).json()).toEqual(before);
    expect((await procTile(cut, before, before.startTime, before.endTime)).json()).toEqual(firstTile);
  });
});

describe('a part that cannot be read', () => {
  it('fails with one line, and another part can still be shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tstrace-parts-'));
    const path = join(dir, 'trace.out');
    copyFileSync(getFixture('go1.27/longlived').tracePath, path);
    const app = await servedApp(1, path);
    try {
      // The file changes under the server: its second part is no longer there.
      const bytes = readFileSync(path);
      const second = (await app.inject('/api/timeline/parts')).json().parts[1] as Part;
      writeFileSync(path, bytes.subarray(0, second.startByte));
      expect((await app.inject({ method: 'POST', url: '/api/timeline/parts/1' })).statusCode).toBe(202);
      await settled(app);
      const status = (await app.inject('/api/status')).json();
      expect(status.buildErrors).toHaveLength(1);
      expect(status.buildErrors[0]).toMatch(/^timeline: [^\n]+$/);
      const failed = await app.inject('/api/timeline/tracks');
      expect(failed.statusCode).toBe(500);
      expect(failed.json().message).toContain('the timeline could not be built');
      // The parts still answer, and the first part (still in the file) comes back.
      expect((await app.inject('/api/timeline/parts')).json().index).toBe(1);
      expect((await app.inject({ method: 'POST', url: '/api/timeline/parts/0' })).statusCode).toBe(202);
      await settled(app);
      expect((await app.inject('/api/timeline/tracks')).statusCode).toBe(200);
      expect((await app.inject('/api/status')).json().buildErrors).toBeUndefined();
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
