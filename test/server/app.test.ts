// The app's infrastructure, independent of any trace format: the parsing gate, error mapping,
// security headers, body refusal, the page routes and path-traversal attempts. The parser is
// replaced by a function the test releases, so "still parsing" is deterministic.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { TraceSession, type ParseFunction } from '../../server/trace-session.ts';
import { createServedAnalyses } from '../../server/analyses/index.ts';
import type { ParseResult } from '../../parser/index.ts';
import { runOffThreadInline } from '../../parser/worker/off-thread.ts';

function controlledParse(result: (tables: ParseResult['tables']) => ParseResult | Error) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const parse: ParseFunction = async (_path, options) => {
    options.onProgress?.(300, 1200);
    await released;
    const outcome = result(options.tables!);
    if (outcome instanceof Error) throw outcome;
    // A parse without events: the analyses it must run beside onEvent's see none either.
    return { ...outcome, offThread: runOffThreadInline(options.offThread ?? [], options.tables!).finish() };
  };
  return { parse, release };
}

const emptyResult = (tables: ParseResult['tables']): ParseResult => ({
  version: 'go 1.26', goMinor: 26, format: 'v2', tables, events: 0, validEvents: 0, validBytes: 1200,
  totalBytes: 1200, generations: 1, startTime: NaN, endTime: NaN, error: null,
});

describe('while parsing, then ready', () => {
  const { parse, release } = controlledParse(emptyResult);
  const session = new TraceSession('/traces/x.trace', { analyses: createServedAnalyses, parse });
  let app: FastifyInstance;
  beforeAll(async () => {
    void session.start();
    app = await buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client') });
  });
  afterAll(() => app.close());

  it('answers /api/status with progress and other API routes 503 with the same body', async () => {
    const status = await app.inject('/api/status');
    expect(status.statusCode).toBe(200);
    expect(status.json()).toEqual({ state: 'parsing', bytesRead: 300, totalBytes: 1200, percent: 25, building: [] });
    const trace = await app.inject('/api/trace');
    expect(trace.statusCode).toBe(503);
    expect(trace.headers['retry-after']).toBe('1');
    expect(trace.json()).toEqual(status.json());
  });

  it('still answers 404 for unknown API routes while parsing', async () => {
    expect((await app.inject('/api/nope')).statusCode).toBe(404);
  });

  it('answers 200 once parsing is done', async () => {
    release();
    await session.start();
    const status = await app.inject('/api/status');
    expect(status.json()).toEqual({ state: 'ready', bytesRead: 1200, totalBytes: 1200, percent: 100, building: [] });
    const trace = await app.inject('/api/trace');
    expect(trace.statusCode).toBe(200);
    expect(trace.json()).toMatchObject({ file: 'x.trace', goVersion: 'go 1.26', format: 'v2', events: 0, lostData: null, startTime: null });
  });
});

describe('a timeline that comes in after the other pages', () => {
  /** A parse whose timeline (built on its own thread in real runs) is settled by the test. */
  function lateTimelineParse() {
    let settle!: (model: Promise<unknown>) => void;
    const held = new Promise<Promise<unknown>>((resolve) => (settle = resolve));
    const parse: ParseFunction = async (_path, options) => {
      const empty = runOffThreadInline(options.offThread ?? [], options.tables!).finish();
      return { ...emptyResult(options.tables!), offThread: { timeline: held.then((m) => m ?? empty.timeline) as typeof empty.timeline } };
    };
    return { parse, settle };
  }

  it('serves the other pages at once, the timeline with 503 until it is built', async () => {
    const { parse, settle } = lateTimelineParse();
    const session = new TraceSession('/t', { analyses: createServedAnalyses, parse });
    const app = await buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client') });
    const started = session.start();
    for (let i = 0; i < 100 && !session.ready; i++) await new Promise((r) => setTimeout(r, 5));
    expect((await app.inject('/api/status')).json()).toMatchObject({ state: 'ready', building: ['timeline'] });
    expect((await app.inject('/api/trace')).statusCode).toBe(200);
    const tracks = await app.inject('/api/timeline/tracks');
    expect(tracks.statusCode).toBe(503);
    expect(tracks.json().message).toContain('the timeline is still being built');
    settle(Promise.resolve(null));
    await started;
    expect((await app.inject('/api/status')).json()).toMatchObject({ state: 'ready', building: [] });
    expect((await app.inject('/api/timeline/tracks')).statusCode).toBe(200);
    await app.close();
  });

  it('keeps the other pages when building the timeline fails, and says why on its routes', async () => {
    const { parse, settle } = lateTimelineParse();
    const session = new TraceSession('/t', { analyses: createServedAnalyses, parse });
    const app = await buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client') });
    const started = session.start();
    settle(Promise.reject(new Error('timeline worker exited (code 1) before its result\n  at x')));
    await started;
    const status = (await app.inject('/api/status')).json();
    expect(status).toMatchObject({ state: 'ready', building: [], buildErrors: ['timeline: timeline worker exited (code 1) before its result'] });
    expect((await app.inject('/api/trace')).statusCode).toBe(200);
    const tile = await app.inject('/api/timeline/tracks');
    expect(tile.statusCode).toBe(500);
    expect(tile.json().message).toBe('the timeline could not be built: timeline worker exited (code 1) before its result');
    await app.close();
  });
});

describe('a failed parse', () => {
  it('reports state failed with a one-line error, and 503 elsewhere', async () => {
    const { parse, release } = controlledParse(() => new Error('bad file format: not a Go execution trace\n    at somewhere.ts:1'));
    const session = new TraceSession('/t', { analyses: createServedAnalyses, parse });
    const app = await buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client') });
    release();
    await session.start();
    const status = (await app.inject('/api/status')).json();
    expect(status.state).toBe('failed');
    expect(status.error).toBe('bad file format: not a Go execution trace');
    expect((await app.inject('/api/trace')).statusCode).toBe(503);
    await app.close();
  });
});

describe('hardening and pages', () => {
  const clientDir = mkdtempSync(join(tmpdir(), 'tstrace-client-'));
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>tstrace client</title>');
  writeFileSync(join(clientDir, 'main.js'), 'console.log("client")');
  writeFileSync(join(clientDir, '.secret'), 'dotfile');
  const { parse, release } = controlledParse(emptyResult);
  const session = new TraceSession('/t', { analyses: createServedAnalyses, parse });
  let app: FastifyInstance;
  beforeAll(async () => {
    release();
    await session.start();
    app = await buildApp(session, { clientDir });
  });
  afterAll(() => app.close());

  it('serves index.html for every page route and the built assets', async () => {
    for (const url of ['/', '/timeline', '/goroutines', '/goroutines/17', '/goroutines/group/x', '/profiles/net', '/profiles/sched', '/tasks', '/regions', '/mmu', '/mmu?flags=stw']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.body, url).toContain('tstrace client');
    }
    const js = await app.inject('/main.js');
    expect(js.statusCode).toBe(200);
    expect(js.body).toContain('client');
  });

  it('404s unknown pages and profile kinds, and never serves dotfiles', async () => {
    expect((await app.inject('/profiles/heap')).statusCode).toBe(404);
    expect((await app.inject('/nope')).statusCode).toBe(404);
    expect((await app.inject('/.secret')).statusCode).toBeGreaterThanOrEqual(400);
    expect((await app.inject('/.secret')).body).not.toContain('dotfile');
  });

  it('never serves a file outside the client folder', async () => {
    const attempts = [
      '/../../../../etc/passwd', '/..%2f..%2f..%2f..%2fetc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/%252e%252e%252f%252e%252e%252fetc%252fpasswd',
      '/..%5c..%5c..%5cetc%5cpasswd', '/main.js/../../../etc/passwd', '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
      '/goroutines/..%2f..%2f..%2fetc%2fpasswd', '/profiles/..%2f..%2fetc%2fpasswd', '/..%00/etc/passwd',
    ];
    for (const url of attempts) {
      const res = await app.inject(url);
      expect(res.body, url).not.toContain('root:');
      expect(res.statusCode, url).toBeLessThan(500);
      if (res.statusCode === 200) expect(res.body, url).toContain('tstrace client');
    }
  });

  it('sets security headers and no-store on the API', async () => {
    const res = await app.inject('/api/status');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await app.inject('/')).headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses request bodies and non-loopback Host headers', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/trace', payload: 'x' })).statusCode).toBe(413);
    expect((await app.inject({ method: 'GET', url: '/api/trace', payload: '{"a":1}', headers: { 'content-type': 'application/json' } })).statusCode).toBe(413);
    expect((await app.inject({ url: '/api/trace', headers: { host: 'attacker.example:8080' } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/trace', headers: { host: '127.0.0.1:8080' } })).statusCode).toBe(200);
  });

  it('answers unsupported methods without a 5xx', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
      const res = await app.inject({ method, url: '/api/trace' });
      expect(res.statusCode, method).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, method).toBeLessThan(500);
    }
  });
});

describe('without a built client', () => {
  it('answers page routes with a note to run npm run build', async () => {
    const { parse, release } = controlledParse(emptyResult);
    const session = new TraceSession('/t', { analyses: createServedAnalyses, parse });
    release();
    const app = await buildApp(session, { clientDir: join(tmpdir(), 'tstrace-no-client-here') });
    const res = await app.inject('/goroutines');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
    await app.close();
  });
});
