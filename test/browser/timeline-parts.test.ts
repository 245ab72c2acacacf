// The timeline page of a trace too big for a whole timeline (server/cli/timeline-budget.ts,
// server/timeline-parts.ts): the server builds its first generations only, the page says which
// part it shows and offers the others, and shows another when asked. A real cut (a byte limit on
// a small two-generation fixture, read with the decode worker as a big trace is), served
// in-process and drawn in chromium.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { TraceSession, type ParseFunction } from '../../server/trace-session.ts';
import { createServedAnalyses } from '../../server/analyses/index.ts';
import { parseTraceFile } from '../../parser/index.ts';
import { getFixture } from '../helpers/fixtures.ts';
import { browserSkipReason, buildClient, deepText, launchBrowser, watchErrors, type Browser } from './harness.ts';

const fixture = getFixture('go1.27/longlived').tracePath;
const skipReason = browserSkipReason(fixture);
const parseWithWorker: ParseFunction = (path, options) => parseTraceFile(path, { ...options, worker: true });

describe.skipIf(skipReason !== null)('timeline of a trace in parts, in chromium', () => {
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    buildClient();
    // A limit of one byte: the timeline gets the first generation only (always at least that).
    const session = new TraceSession(fixture, { analyses: createServedAnalyses, parse: parseWithWorker, offThreadByteLimit: 1 });
    await session.start();
    await session.results().analyses.timeline.done;
    app = await buildApp(session);
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('says which part of the trace the timeline shows, draws it, and shows another part on request', async () => {
    const parts = (await (await fetch(`${url}/api/timeline/parts`)).json()) as { index: number; parts: { startTime: number; endTime: number }[] };
    expect(parts.parts).toHaveLength(2);
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${url}/timeline?view=proc`);
    await page.locator('tt-timeline-canvas canvas').waitFor();
    const notice = page.locator('tt-timeline-page .parts');
    await notice.waitFor();
    const text = (await notice.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('This is part 1 of 2');
    expect(text).toContain('tstrace -timeline=on');
    const tilesDrawn = () => page.waitForFunction(() => {
      const status = document.querySelector('tt-app')?.shadowRoot?.querySelector('tt-timeline-page')?.shadowRoot?.querySelector('.status');
      return /[1-9]\d* tiles/.test(status?.textContent ?? '') && !(status?.textContent ?? '').includes('loading');
    }, undefined, { timeout: 20_000 });
    // The rest of the page is the usual timeline: it fetches and draws tiles of that part.
    await tilesDrawn();
    expect(await deepText(page)).not.toContain('Building the timeline');

    // The second part: the server builds it, the page waits, then draws it over its own range.
    await notice.locator('button', { hasText: /^2:/ }).click();
    await page.waitForFunction(() => {
      const notice = document.querySelector('tt-app')?.shadowRoot?.querySelector('tt-timeline-page')?.shadowRoot?.querySelector('.parts');
      return (notice?.textContent ?? '').includes('This is part 2 of 2');
    }, undefined, { timeout: 20_000 });
    await page.locator('tt-timeline-canvas canvas').waitFor();
    await tilesDrawn();
    expect((await (await fetch(`${url}/api/timeline/parts`)).json()).index).toBe(1);
    const tracks = (await (await fetch(`${url}/api/timeline/tracks`)).json()) as { startTime: number; endTime: number };
    expect(tracks.startTime).toBe(parts.parts[1].startTime);
    // The URL holds the part's range.
    await page.waitForFunction((start) => new URL(location.href).searchParams.get('start') === String(start), Math.round(tracks.startTime), { timeout: 5_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('opened on a link to a time in another part, says which part holds it and goes there', async () => {
    const parts = (await (await fetch(`${url}/api/timeline/parts`)).json()) as { index: number; parts: { startTime: number; endTime: number }[] };
    const other = 1 - parts.index;
    const { startTime, endTime } = parts.parts[other];
    const start = Math.round(startTime + (endTime - startTime) * 0.4);
    const end = Math.round(startTime + (endTime - startTime) * 0.6);
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${url}/timeline?view=proc&start=${start}&end=${end}`);
    const linked = page.locator('tt-timeline-page .parts .linked');
    await linked.waitFor();
    expect((await linked.textContent())!.replace(/\s+/g, ' ')).toContain(`is in part ${other + 1}`);
    await page.locator('tt-timeline-page .parts button.wanted').click();
    await page.waitForFunction((n) => {
      const notice = document.querySelector('tt-app')?.shadowRoot?.querySelector('tt-timeline-page')?.shadowRoot?.querySelector('.parts');
      return (notice?.textContent ?? '').includes(`This is part ${n} of 2`);
    }, other + 1, { timeout: 20_000 });
    await page.locator('tt-timeline-canvas canvas').waitFor();
    // The page opens on the linked time, not the whole part, and no longer points elsewhere.
    await page.waitForFunction(([s, e]) => {
      const q = new URL(location.href).searchParams;
      return q.get('start') === String(s) && q.get('end') === String(e);
    }, [start, end], { timeout: 5_000 });
    expect(await linked.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
