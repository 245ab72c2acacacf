// Regenerates docs/screenshots/*.png from the demo fixture: TSTRACE_SCREENSHOTS=1 npx vitest
// run test/browser/screenshots.test.ts. Skipped otherwise (pictures are not test results).

import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserSkipReason, buildClient, startServer, launchBrowser, waitForLoaded, repoRoot, type RunningServer, type Browser } from './harness.ts';

const skipReason = browserSkipReason() ?? (process.env.TSTRACE_SCREENSHOTS ? null : 'set TSTRACE_SCREENSHOTS=1 to regenerate docs/screenshots');
const outDir = join(repoRoot, 'docs', 'screenshots');

describe.skipIf(skipReason !== null)('screenshots', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    buildClient();
    server = await startServer();
    browser = await launchBrowser();
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function shoot(name: string, path: string, prepare?: (page: Page) => Promise<void>): Promise<void> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(server.url + path);
    await waitForLoaded(page);
    await page.waitForTimeout(600);
    if (prepare) await prepare(page);
    await page.screenshot({ path: join(outDir, `${name}.png`) });
    await page.close();
  }

  it('takes the main pages', async () => {
    const groups = (await (await fetch(`${server.url}/api/goroutines`)).json()) as { groups: { name: string }[] };
    const group = groups.groups.find((g) => g.name.startsWith('main.'))?.name ?? groups.groups[0].name;
    const tracks = (await (await fetch(`${server.url}/api/timeline/tracks`)).json()) as { startTime: number; endTime: number };
    const third = (tracks.endTime - tracks.startTime) / 3;

    await shoot('index', '/');
    await shoot('timeline-proc', `/timeline?view=proc&start=${Math.round(tracks.startTime)}&end=${Math.round(tracks.startTime + third * 0.3)}`, async (page) => {
      const canvas = page.locator('tt-timeline-canvas canvas');
      // Coloured spots below the counter lanes (the proc lanes), clicked until a span with a stack is selected.
      const spots = await canvas.evaluate((el: HTMLCanvasElement) => {
        const dpr = el.width / el.getBoundingClientRect().width;
        const { data, width } = el.getContext('2d')!.getImageData(0, 0, el.width, el.height);
        const out: { x: number; y: number }[] = [];
        for (let y = Math.round(200 * dpr); y < el.height; y += Math.round(6 * dpr)) {
          for (let x = Math.round(260 * dpr); x < width; x += Math.round(9 * dpr)) {
            const i = (y * width + x) * 4;
            if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) out.push({ x: x / dpr, y: y / dpr });
          }
        }
        return out;
      });
      for (const spot of spots.slice(0, 80)) {
        await canvas.click({ position: spot });
        await page.waitForTimeout(60);
        if (await page.locator('tt-span-details [data-testid=stack] li').count()) break;
      }
      await page.waitForTimeout(500);
    });
    await shoot('timeline-goroutines', '/timeline?view=goroutine');
    // The first task's view, the task a third of the screen wide.
    const family = (await (await fetch(`${server.url}/api/annotations/tasks/1`)).json()) as { tasks: { start: number; end: number }[] };
    const task = family.tasks[0];
    const pad = task.end - task.start;
    await shoot('timeline-task', `/timeline?view=goroutine&task=1&start=${Math.round(task.start - pad)}&end=${Math.round(task.end + pad)}`);
    await shoot('goroutines', '/goroutines');
    await shoot('goroutine-group', `/goroutines/group?name=${encodeURIComponent(group)}`);
    await shoot('profile-sync', '/profiles/sync', async (page) => {
      const box = (await page.locator('tt-flame-graph canvas').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.45, box.y + 27);
    });
    await shoot('regions', '/regions');
    await shoot('mmu', '/mmu', async (page) => {
      const box = (await page.locator('tt-mmu-page .u-over').boundingBox())!;
      await page.mouse.click(box.x + box.width * 0.55, box.y + box.height / 2);
      await page.locator('tt-mmu-page [data-testid=mmu-worst] a').first().waitFor();
    });
  });
});
