// The canvas timeline in chromium on a fixture: it draws (sampled pixels), a click on a span
// shows its stack, the URL keeps view/range/selection across a reload, search jumps to a
// goroutine lane, and the frame time while panning is measured and reported (not asserted).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserSkipReason, buildClient, startServer, launchBrowser, watchErrors, type RunningServer, type Browser } from './harness.ts';

const skipReason = browserSkipReason();

interface PixelSummary {
  coloured: number;
  total: number;
  hues: number;
  /** Canvas-pixel coordinates (CSS px) of coloured pixels below the ruler, for clicking. */
  candidates: { x: number; y: number }[];
}

/** Counts saturated pixels in the track area (right of the 190 px label gutter, below the ruler). */
async function samplePixels(canvas: Locator): Promise<PixelSummary> {
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const ctx = el.getContext('2d')!;
    const dpr = el.width / el.getBoundingClientRect().width;
    const left = Math.round(200 * dpr);
    const top = Math.round(30 * dpr);
    const { data, width, height } = ctx.getImageData(left, top, el.width - left, el.height - top);
    let coloured = 0;
    const hues = new Set<number>();
    const candidates: { x: number; y: number }[] = [];
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x < width; x += 2) {
        const i = (y * width + x) * 4;
        const r = data[i], g = data[i + 1], b = data[i + 2];
        const max = Math.max(r, g, b), min = Math.min(r, g, b);
        if (max - min < 40) continue; // white, greys, text
        coloured++;
        hues.add(Math.round((Math.atan2(Math.sqrt(3) * (g - b), 2 * r - g - b) * 180) / Math.PI / 20));
        if (candidates.length < 4000 && x % 6 === 0 && y % 6 === 0) candidates.push({ x: (left + x) / dpr, y: (top + y) / dpr });
      }
    }
    return { coloured, total: (width * height) / 4, hues: hues.size, candidates };
  });
}

async function waitForTiles(page: Page): Promise<void> {
  // The status line reads "N tiles, … · loading…" while tiles are in flight.
  await page.waitForFunction(() => {
    const status = document.querySelector('tt-app')?.shadowRoot?.querySelector('tt-timeline-page')?.shadowRoot?.querySelector('.status');
    const text = status?.textContent ?? '';
    return /[1-9]\d* tiles/.test(text) && !text.includes('loading');
  }, undefined, { timeout: 20_000 });
  await page.waitForTimeout(150);
}

describe.skipIf(skipReason !== null)('timeline in chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    buildClient();
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(path: string): Promise<{ page: Page; errors: string[]; canvas: Locator }> {
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url + path);
    const canvas = page.locator('tt-timeline-canvas canvas');
    await canvas.waitFor();
    await waitForTiles(page);
    return { page, errors, canvas };
  }

  it('draws every view: lanes with coloured spans, no console errors', async () => {
    for (const view of ['proc', 'thread', 'goroutine']) {
      const { page, errors, canvas } = await open(`/timeline?view=${view}`);
      const pixels = await samplePixels(canvas);
      expect(pixels.coloured / pixels.total, view).toBeGreaterThan(0.01);
      expect(pixels.hues, view).toBeGreaterThanOrEqual(3);
      expect(errors, view).toEqual([]);
      await page.close();
    }
  });

  it('is sharp on a high-density display (the backing store follows devicePixelRatio)', async () => {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1200, height: 800, deviceScaleFactor: 2, mobile: false });
    await page.goto(server.url + '/timeline');
    const canvas = page.locator('tt-timeline-canvas canvas');
    await canvas.waitFor();
    await waitForTiles(page);
    const ratio = await canvas.evaluate((el: HTMLCanvasElement) => el.width / el.getBoundingClientRect().width);
    expect(ratio).toBeCloseTo(2, 1);
    await page.close();
  });

  it('shows the stack of a clicked span, and keeps the selection in the URL', async () => {
    const { page, errors, canvas } = await open('/timeline?view=goroutine');
    const { candidates } = await samplePixels(canvas);
    expect(candidates.length).toBeGreaterThan(0);
    const details = page.locator('tt-span-details');
    let frames = 0;
    // Not every span has a stack (a goroutine that never blocked); try coloured spots until one does.
    for (const spot of candidates.filter((_, i) => i % 7 === 0).slice(0, 60)) {
      await canvas.click({ position: spot });
      const title = details.getByTestId('details-title');
      if (!(await title.count())) continue;
      await page.waitForTimeout(120);
      frames = await details.locator('[data-testid=stack] li').count();
      if (frames > 0) break;
    }
    expect(frames).toBeGreaterThan(0);
    const firstFrame = await details.locator('[data-testid=stack] li').first().textContent();
    expect(firstFrame).toMatch(/\S+\.\S+.*:\d+/);
    const title = await details.getByTestId('details-title').textContent();
    await page.waitForFunction(() => new URL(location.href).searchParams.has('sel'));
    const url = page.url();
    expect(new URL(url).searchParams.get('view')).toBe('goroutine');

    // A reload restores the view, the range and the selection.
    await page.reload();
    await page.locator('tt-timeline-canvas canvas').waitFor();
    await waitForTiles(page);
    await details.getByTestId('details-title').waitFor({ timeout: 10_000 });
    expect(await details.getByTestId('details-title').textContent()).toBe(title);
    const after = new URL(page.url()).searchParams;
    expect(after.get('start')).toBe(new URL(url).searchParams.get('start'));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws user regions in rows below their goroutine and shows one when clicked', async () => {
    const rows = (await (await fetch(`${server.url}/api/annotations/rows`)).json()) as { goroutine: number[]; rows: number[] };
    expect(rows.goroutine.length).toBeGreaterThan(0);
    const g = rows.goroutine[rows.rows.indexOf(Math.max(...rows.rows))];
    const { page, errors, canvas } = await open(`/timeline?view=goroutine&g=${g}`);
    // Where the goroutine's widest visible region is drawn, once the annotations have arrived
    // (read from the canvas element: the picture itself has no addressable parts).
    const locate = () =>
      canvas.evaluate((el, goroutine) => {
        const host = (el.getRootNode() as ShadowRoot).host as any;
        const lane = host.layout.find((l: any) => l.track.goroutine === goroutine);
        const annotations = host.data.annotationsIn(host.range, host.nsPerPx, 'goroutine');
        if (!lane || !annotations) return null;
        const r = annotations.regions;
        let best = -1;
        for (const i of annotations.regionsOf.get(goroutine) ?? []) if (best < 0 || r.end[i] - r.start[i] > r.end[best] - r.start[best]) best = i;
        if (best < 0) return null;
        const start = Math.max(r.start[best], host.range.start);
        const end = Math.min(r.end[best], host.range.end);
        return {
          x: (host.timeToX(start) + host.timeToX(end)) / 2,
          y: host.screenTop(lane) + 2 + (lane.track.rows + r.depth[best]) * 18 + 7,
          name: annotations.strings[r.name[best]] as string,
          laneHeight: lane.height as number,
          ownRows: lane.track.rows as number,
        };
      }, g);
    let spot = await locate();
    for (let tries = 0; spot === null && tries < 50; tries++) {
      await page.waitForTimeout(100);
      spot = await locate();
    }
    expect(spot).not.toBeNull();
    // The lane is taller than its own rows by the region rows.
    expect(spot!.laneHeight).toBe((spot!.ownRows + Math.max(...rows.rows)) * 18 + 3);
    await canvas.click({ position: { x: spot!.x, y: spot!.y } });
    const details = page.locator('tt-span-details');
    await details.getByTestId('details-title').waitFor();
    await expect.poll(() => details.locator('table.facts').textContent()).toContain(`Region${spot!.name}`);
    // Its stacks come from the whole trace's tables.
    await expect.poll(() => details.locator('[data-testid=stack] li').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks log messages on the proc they were written on, and shows one when clicked', async () => {
    const { page, errors, canvas } = await open('/timeline?view=proc');
    const locate = () =>
      canvas.evaluate((el) => {
        const host = (el.getRootNode() as ShadowRoot).host as any;
        const annotations = host.data.annotationsIn(host.range, host.nsPerPx, 'proc');
        if (!annotations) return null;
        for (const lane of host.layout) {
          if (lane.track.group !== 'proc') continue;
          const logs = annotations.logsOf.get(lane.track.order) ?? [];
          if (logs.length === 0) continue;
          const i = logs[0];
          return { x: host.timeToX(annotations.logs.time[i]), y: host.screenTop(lane) + 3, text: annotations.strings[annotations.logs.text[i]] as string };
        }
        return null;
      });
    let spot = await locate();
    for (let tries = 0; spot === null && tries < 50; tries++) {
      await page.waitForTimeout(100);
      spot = await locate();
    }
    expect(spot).not.toBeNull();
    await canvas.click({ position: { x: spot!.x, y: spot!.y } });
    const details = page.locator('tt-span-details');
    await expect.poll(() => details.locator('table.facts').textContent()).toContain('Log');
    await expect.poll(() => details.locator('[data-testid=stack] li').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a task's view: its lane on top, only its goroutines, its details on a click", async () => {
    // The first task (not the background one) of the first type, from the task pages' API.
    const types = (await (await fetch(`${server.url}/api/tasks`)).json()) as { types: { type: string }[] };
    let chosen: { id: number; goroutines: number[] } | null = null;
    for (const { type } of types.types) {
      const list = (await (await fetch(`${server.url}/api/tasks/type?type=${encodeURIComponent(type)}`)).json()) as { tasks: { id: number }[] };
      for (const task of list.tasks) {
        if (task.id === 0) continue;
        const family = (await (await fetch(`${server.url}/api/annotations/tasks/${task.id}`)).json()) as { tasks: unknown[]; goroutines: number[] };
        if (family.tasks.length > 0 && family.goroutines.length > 0) chosen = { id: task.id, goroutines: family.goroutines };
        if (chosen) break;
      }
      if (chosen) break;
    }
    expect(chosen).not.toBeNull();
    const { page, errors, canvas } = await open(`/timeline?view=goroutine&task=${chosen!.id}`);
    await page.getByTestId('task-pill').waitFor();
    const lanes = () =>
      canvas.evaluate((el) => {
        const host = (el.getRootNode() as ShadowRoot).host as any;
        return host.layout.map((l: any) => ({ id: l.track.id, goroutine: l.track.goroutine ?? null, top: host.screenTop(l), rows: l.track.rows }));
      });
    await expect.poll(async () => (await lanes())[0]?.id).toBe('tasks');
    const shown = await lanes();
    const goroutineLanes = shown.filter((l: { goroutine: number | null }) => l.goroutine !== null).map((l: { goroutine: number }) => l.goroutine);
    expect(goroutineLanes.length).toBeGreaterThan(0);
    expect(goroutineLanes.every((g: number) => chosen!.goroutines.includes(g))).toBe(true);
    // The task itself is the top row's bar, across the range the page opened on.
    const spot = await canvas.evaluate((el, id) => {
      const host = (el.getRootNode() as ShadowRoot).host as any;
      const task = host.tasks.find((t: any) => t.id === id);
      const start = Math.max(task.start, host.range.start);
      const end = Math.min(task.end, host.range.end);
      return { x: (host.timeToX(start) + host.timeToX(end)) / 2, y: host.screenTop(host.layout[0]) + 2 + task.row * 18 + 7 };
    }, chosen!.id);
    await canvas.click({ position: spot });
    const details = page.locator('tt-span-details');
    await expect.poll(() => details.getByTestId('details-title').textContent()).toMatch(new RegExp(`^T${chosen!.id} `));
    await expect.poll(() => details.locator('[data-testid=stack] li').count()).toBeGreaterThan(0);
    // Clearing the task shows every goroutine again.
    await page.getByTestId('task-pill').locator('a').click();
    await expect.poll(async () => (await lanes()).filter((l: { goroutine: number | null }) => l.goroutine !== null).length).toBeGreaterThan(goroutineLanes.length);
    await expect.poll(() => new URL(page.url()).searchParams.has('task')).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('zooms with the wheel and W/S, pans with drag and A/D; reports the frame time', async () => {
    const { page, errors, canvas } = await open('/timeline?view=proc');
    const range = () => {
      const q = new URL(page.url()).searchParams;
      return { start: Number(q.get('start')), end: Number(q.get('end')) };
    };
    await page.waitForFunction(() => new URL(location.href).searchParams.has('start'));
    const initial = range();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + 200);
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(300);
    const zoomed = range();
    expect(zoomed.end - zoomed.start).toBeLessThan((initial.end - initial.start) * 0.6);

    const stats = async (reset: boolean) =>
      canvas.evaluate((el, r) => ((el.getRootNode() as ShadowRoot).host as unknown as { frameStats(reset: boolean): Record<string, number> }).frameStats(r), reset);
    await stats(true);
    // Drag-pan for a second, in 60 small steps, as a user would.
    await page.mouse.move(box.x + box.width * 0.7, box.y + 250);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) {
      await page.mouse.move(box.x + box.width * 0.7 - i * 6, box.y + 250);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
    const dragStats = await stats(true);
    await page.waitForTimeout(300); // the URL follows the range 150 ms after the last change
    const panned = range();
    expect(panned.start).toBeGreaterThan(zoomed.start);

    // Hold D (pan right) then W (zoom in).
    await canvas.focus();
    await page.keyboard.down('d');
    await page.waitForTimeout(500);
    await page.keyboard.up('d');
    const keyStats = await stats(true);
    await page.waitForTimeout(250);
    const afterD = range();
    expect(afterD.start).toBeGreaterThan(panned.start);
    await page.keyboard.down('w');
    await page.waitForTimeout(400);
    await page.keyboard.up('w');
    await page.waitForTimeout(250);
    const afterW = range();
    expect(afterW.end - afterW.start).toBeLessThan(afterD.end - afterD.start);

    console.log(
      `timeline frame time while drag-panning: ${dragStats.frames} frames, draw avg ${dragStats.drawMsAvg.toFixed(2)} ms, ` +
        `p95 ${dragStats.drawMsP95.toFixed(2)} ms, frame interval avg ${dragStats.intervalMsAvg.toFixed(1)} ms; ` +
        `key-panning: ${keyStats.frames} frames, draw avg ${keyStats.drawMsAvg.toFixed(2)} ms, interval avg ${keyStats.intervalMsAvg.toFixed(1)} ms`,
    );
    expect(dragStats.frames).toBeGreaterThan(5);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds a goroutine by id and shows its lane', async () => {
    const { page, errors } = await open('/timeline?view=proc');
    const tracks = (await (await fetch(`${server.url}/api/timeline/tracks`)).json()) as { tracks: { kind: string; resource: number; name: string }[] };
    const target = tracks.tracks.filter((t) => t.kind === 'goroutine').at(-1)!;
    const search = page.getByRole('searchbox', { name: 'Find goroutine' });
    await search.fill(`G${target.resource}`);
    await page.locator('tt-timeline-page .results button', { hasText: target.name }).first().click();
    await page.waitForFunction((g) => new URL(location.href).searchParams.get('g') === String(g), target.resource);
    expect(new URL(page.url()).searchParams.get('view')).toBe('goroutine');
    expect(errors).toEqual([]);
    await page.close();
  });
});
