// Bad requests against a real parsed trace: every one is a 4xx with a JSON message, never a 5xx.

import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { TraceSession } from '../../server/trace-session.ts';
import { createServedAnalyses } from '../../server/analyses/index.ts';
import { getFixture } from '../helpers/fixtures.ts';

describe('bad requests on a parsed trace', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const session = new TraceSession(getFixture('go1.27/demo').tracePath, { analyses: createServedAnalyses });
    await session.start();
    app = await buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client') });
  });
  afterAll(() => app.close());

  const cases: [url: string, status: number, message?: RegExp][] = [
    ['/api/goroutines/group', 400, /name/],
    ['/api/goroutines/group?name=a&name=b', 400],
    ['/api/goroutines/group?name=no.such.function', 404, /no goroutines named/],
    ['/api/goroutines/abc', 400],
    ['/api/goroutines/-1', 400],
    ['/api/goroutines/1.5', 400],
    ['/api/goroutines/99999999999999999999999', 400],
    ['/api/goroutines/987654', 404, /no goroutine 987654/],
    ['/api/pprof/heap', 400],
    ['/api/pprof/net?name=no.such.function', 404, /failed to find matching goroutines/],
    ['/api/pprof/net?pc=xyz', 400, /pc/],
    ['/api/pprof/net?latmin=fast', 400, /latmin/],
    ['/api/pprof/net?latmax=-5ms', 400, /latmax/],
    ['/api/pprof/net?name=main.worker&type=x', 400],
    ['/api/pprof/net?scope=goroutine&type=x', 400],
    ['/api/pprof/net?scope=everything', 400],
    ['/api/profile/net?granularity=byte', 400],
    ['/api/profile/%00', 400],
    ['/api/tasks/type', 400, /type/],
    ['/api/tasks/type?type=nope', 404],
    ['/api/tasks/type?type=x&complete=yes', 400],
    ['/api/regions/type?pc=0x', 400],
    ['/api/regions/type?latmin=1parsec', 400],
    ['/api/annotations', 400],
    ['/api/annotations?start=10&end=5&resolution=1', 400, /must be greater/],
    ['/api/annotations?start=0&end=5&resolution=-1', 400],
    ['/api/annotations?start=a&end=5&resolution=1', 400],
    ['/api/annotations/stacks/4000000000', 404, /no stack/],
    ['/api/annotations/stacks/x', 400],
    ['/api/annotations/tasks/0', 404, /no task 0/],
    ['/api/annotations/tasks/987654', 404, /no task 987654/],
    ['/api/annotations/tasks/-3', 400],
    ['/api/mmu?flags=stw|warp', 400, /unknown flag "warp"/],
    ['/api/mmu/worst', 400, /window/],
    ['/api/mmu/worst?window=0', 400],
    ['/api/mmu/worst?window=soon', 400],
    ['/api/nope', 404],
    ['/api/goroutines/group?name=' + 'x'.repeat(5000), 400],
    ['/api/status/%E0%A4%A', 400],
    ['/api/goroutines/%E0%A4%A', 400],
    ['/%E0%A4%A', 400],
  ];

  const titled = cases.map(([url, status, message]) => [url.length > 80 ? `${url.slice(0, 60)}… (${url.length} chars)` : url, url, status, message] as const);
  it.each(titled)('%s', async (_title, url, status, message) => {
    const res = await app.inject(url);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
    const body = res.json();
    expect(body.statusCode).toBe(status);
    if (message) expect(body.message).toMatch(message);
  });

  it('answers good variants of the same routes with 200', async () => {
    for (const url of [
      '/api/goroutines/group?name=main.worker&sortby=Execution%20time',
      '/api/goroutines/1',
      '/api/pprof/sync?name=main.worker',
      '/api/pprof/sched?scope=region',
      '/api/profile/sched?type=cache%20lookup&latmin=100ns&latmax=1s',
      '/api/tasks/type?type=http%20%2Fitem&complete=1&latmin=1us&logtext=GET',
      '/api/regions/type?type=cache%20lookup',
      '/api/mmu?flags=perProc|stw|background|assist|sweep|mut',
      '/api/mmu?flags=',
      '/api/mmu/worst?window=1000000',
      '/api/mmu/worst?window=1ms&flags=stw',
    ]) {
      const res = await app.inject(url);
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
    }
  });
});
