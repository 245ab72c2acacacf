// Every page of the client, rendered by chromium from the built server on a fixture trace:
// no console errors, the content a user expects, the loading state, table sorting and CSV,
// and the pprof download (gunzipped, it must be a protobuf Profile).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import type { Page } from 'playwright-core';
import { browserSkipReason, buildClient, startServer, launchBrowser, watchErrors, deepText, waitForLoaded, type RunningServer, type Browser } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`browser tests skipped: ${skipReason}`);

interface ApiFacts {
  group: string;
  goroutine: number;
  taskType: string | null;
  region: { type: string; pc: string } | null;
}

describe.skipIf(skipReason !== null)('client pages in chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let facts: ApiFacts;

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(server.url + path);
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    buildClient();
    server = await startServer();
    browser = await launchBrowser();
    // Wait for the parse, then pick real names from the API to visit.
    for (let i = 0; i < 200; i++) {
      const status = (await (await fetch(`${server.url}/api/status`)).json()) as { state: string };
      if (status.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const groups = await api<{ groups: { name: string; count: number }[] }>('/api/goroutines');
    const named = groups.groups.find((g) => g.name.startsWith('main.')) ?? groups.groups[0];
    const group = await api<{ goroutines: { id: number[] } }>(`/api/goroutines/group?name=${encodeURIComponent(named.name)}`);
    const tasks = await api<{ types: { type: string }[] }>('/api/tasks');
    const regions = await api<{ regions: { type: string; pc: string }[] }>('/api/regions');
    facts = {
      group: named.name,
      goroutine: group.goroutines.id[0],
      taskType: tasks.types[0]?.type ?? null,
      region: regions.regions[0] ?? null,
    };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function visit(path: string): Promise<{ page: Page; errors: string[]; text: string }> {
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url + path);
    await waitForLoaded(page);
    const text = await deepText(page);
    return { page, errors, text };
  }

  const staticPages: [string, RegExp][] = [
    ['/', /GOMAXPROCS.*Goroutine analysis.*Scheduler latency profile.*Minimum mutator utilization/],
    ['/goroutines', /Start location Count Total execution time/],
    ['/profiles/net', /Network blocking profile/],
    ['/profiles/sync', /Synchronization blocking profile.*Top functions/],
    ['/profiles/syscall', /Syscall profile/],
    ['/profiles/sched', /Scheduler latency profile/],
    ['/tasks', /User-defined tasks/],
    ['/regions', /Regions/],
    ['/mmu', /Minimum mutator utilization.*Background workers.*Mark assist/],
    ['/timeline', /by proc.*by thread.*by goroutine/],
    // Served as index.html by the server (/goroutines/*) but no client route: the client's not-found page.
    ['/goroutines/x/y', /Page not found/],
  ];

  for (const [path, expected] of staticPages) {
    it(`renders ${path} without console errors`, async () => {
      const { page, errors, text } = await visit(path);
      expect(text).toMatch(expected);
      expect(text).not.toMatch(/could not be loaded/);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('renders the goroutine group, goroutine, task and region pages from real names', async () => {
    const paths = [
      `/goroutines/group?name=${encodeURIComponent(facts.group)}`,
      `/goroutines/${facts.goroutine}`,
      ...(facts.taskType !== null ? [`/tasks?type=${encodeURIComponent(facts.taskType)}`] : []),
      ...(facts.region ? [`/regions?type=${encodeURIComponent(facts.region.type)}&pc=${facts.region.pc}`] : []),
      `/profiles/sched?name=${encodeURIComponent(facts.group)}`,
    ];
    for (const path of paths) {
      const { page, errors, text } = await visit(path);
      expect(errors, path).toEqual([]);
      expect(text, path).not.toMatch(/Page not found/);
      if (path.startsWith('/goroutines/group')) {
        expect(text).toMatch(/Goroutine start location:/);
        expect(text).toContain(facts.group);
        expect(text).toMatch(/Execution time/);
        expect(text).toMatch(/p50.*p90.*p99/);
      }
      if (path === `/goroutines/${facts.goroutine}`) expect(text).toMatch(new RegExp(`Show G\\s*${facts.goroutine} in the timeline`));
      await page.close();
    }
  });

  it('shows the parse progress while the server answers 503, then the page', async () => {
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    let statusCalls = 0;
    const parsing = { state: 'parsing', bytesRead: 512, totalBytes: 2048, percent: 25 };
    await page.route('**/api/status', async (route) => {
      statusCalls++;
      if (statusCalls <= 3) await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(parsing) });
      else await route.continue();
    });
    // The first data request also meets the 503 gate (status body), as during a real parse.
    let gated = 0;
    await page.route('**/api/goroutines', async (route) => {
      if (gated++ === 0) await route.fulfill({ status: 503, contentType: 'application/json', headers: { 'retry-after': '1' }, body: JSON.stringify(parsing) });
      else await route.continue();
    });
    await page.goto(server.url + '/goroutines');
    await page.waitForFunction(() => document.querySelector('tt-app')?.shadowRoot?.querySelector('tt-loading')?.shadowRoot?.textContent?.includes('(25%) processed'));
    await waitForLoaded(page);
    expect(await deepText(page)).toMatch(/Start location Count/);
    expect(statusCalls).toBeGreaterThan(3);
    expect(gated).toBe(2);
    // The browser logs the deliberate 503 as a failed resource load; nothing else may fail.
    expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
    await page.close();
  });

  it('shows a readable error for an unknown goroutine', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url + '/goroutines/999999999');
    await waitForLoaded(page);
    const text = await deepText(page);
    expect(text).toMatch(/Goroutine 999999999/);
    expect(text).toMatch(/goroutine|not found|no such/i);
    await page.close();
  });

  it('sorts a table by a clicked column and downloads it as CSV', async () => {
    const { page } = await visit('/goroutines');
    const table = page.locator('tt-goroutines-page tt-data-table');
    const counts = async () => (await table.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
    await table.locator('th', { hasText: 'Count' }).click();
    const descending = await counts();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await table.locator('th', { hasText: 'Count' }).click();
    const ascending = await counts();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    const [download] = await Promise.all([page.waitForEvent('download'), table.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('Start location,Count,Total execution time');
    expect(csv.length - 2).toBe(ascending.length);
    await page.close();
  });

  it('flame graph: hover shows the frame, click zooms into it', async () => {
    const { page, errors } = await visit('/profiles/sync');
    const canvas = page.locator('tt-flame-graph canvas');
    const box = (await canvas.boundingBox())!;
    // Row 1 (below the root) at the left edge holds the widest caller.
    await page.mouse.move(box.x + 8, box.y + 18 + 9);
    const tip = page.locator('tt-flame-graph [data-testid=flame-tip]');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/self .* total /);
    await page.mouse.click(box.x + 8, box.y + 18 + 9);
    expect(await page.locator('tt-flame-graph .crumbs').textContent()).toMatch(/all ›/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('MMU: clicking the curve lists the worst windows, which open the timeline', async () => {
    const { page, errors } = await visit('/mmu');
    const over = page.locator('tt-mmu-page .u-over');
    await over.waitFor();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height / 2);
    const first = page.locator('tt-mmu-page [data-testid=mmu-worst] a').first();
    await first.waitFor();
    expect(await first.textContent()).toMatch(/^\d\.\d{3} at time /);
    await first.click();
    await page.waitForURL(/\/timeline\?view=proc&start=\d+&end=\d+/);
    await page.locator('tt-timeline-canvas canvas').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('downloads a pprof profile that gunzips to a protobuf Profile', async () => {
    const { page } = await visit('/profiles/sync');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pprof-download').click()]);
    expect(download.suggestedFilename()).toBe('sync.pb.gz');
    const raw = readFileSync((await download.path())!);
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    const bytes = gunzipSync(raw);
    // profile.proto: field 1 (sample_type, length-delimited) comes first; every field must
    // parse with a valid wire type, and string_table (6) must hold "" first.
    expect(bytes[0]).toBe((1 << 3) | 2);
    const reader = protobuf.Reader.create(bytes);
    const seen = new Set<number>();
    let firstString: string | null = null;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      seen.add(field);
      if (field === 6 && firstString === null) firstString = reader.string();
      else reader.skipType(tag & 7);
    }
    expect(seen.has(1) && seen.has(2) && seen.has(6)).toBe(true);
    expect(firstString).toBe('');
    await page.close();
  });
});
