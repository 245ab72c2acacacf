// A trace too big for a whole timeline gets the timeline of its first generations
// (server/cli/timeline-budget.ts, ParseFileOptions.offThreadByteLimit): the session's timeline
// routes say how much it covers, and every other page still covers the whole trace.

import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { TraceSession, type ParseFunction } from '../../server/trace-session.ts';
import { createServedAnalyses } from '../../server/analyses/index.ts';
import { parseTraceFile } from '../../parser/index.ts';
import { getFixture } from '../helpers/fixtures.ts';

// The fixture is small: read it with the decode worker, as a big trace would be.
const parseWithWorker: ParseFunction = (path, options) => parseTraceFile(path, { ...options, worker: true });

async function servedApp(offThreadByteLimit?: number): Promise<FastifyInstance> {
  const session = new TraceSession(getFixture('go1.27/longlived').tracePath, { analyses: createServedAnalyses, parse: parseWithWorker, offThreadByteLimit });
  await session.start();
  await session.results().analyses.timeline.done;
  return buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client') });
}

describe('timeline of the first part of a trace', () => {
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

  it('lists the first part: its end before the trace end, its bytes fewer than the file', async () => {
    const res = await cut.inject('/api/timeline/tracks');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const trace = (await cut.inject('/api/trace')).json();
    expect(body.firstPart).toBeDefined();
    expect(body.firstPart.bytes).toBeGreaterThan(0);
    expect(body.firstPart.bytes).toBeLessThan(body.firstPart.totalBytes);
    expect(body.endTime).toBeLessThan(body.firstPart.traceEndTime);
    // The whole trace's timeline ends where the first part says the trace ends.
    const wholeBody = (await whole.inject('/api/timeline/tracks')).json();
    expect(wholeBody.firstPart).toBeUndefined();
    expect(wholeBody.endTime).toBe(body.firstPart.traceEndTime);
    expect(body.startTime).toBe(wholeBody.startTime);
    // The other pages are the whole trace's in both servers.
    expect(trace).toEqual((await whole.inject('/api/trace')).json());
    expect((await cut.inject('/api/goroutines')).json()).toEqual((await whole.inject('/api/goroutines')).json());
  });

  it('answers tiles after the first part with no spans, not an error', async () => {
    const body = (await cut.inject('/api/timeline/tracks')).json();
    const ids = body.tracks.filter((t: { kind: string }) => t.kind === 'proc').map((t: { id: number }) => t.id).join(',');
    const from = Math.ceil(body.endTime) + 1;
    const to = Math.floor(body.firstPart.traceEndTime);
    const res = await cut.inject(`/api/timeline/tile?tracks=${ids}&start=${from}&end=${to}&resolution=${Math.max(1, (to - from) / 1000)}`);
    expect(res.statusCode).toBe(200);
    for (const track of res.json().tracks) if (track.shape === 'spans') expect(track.gap).toEqual([]);
  });
});
