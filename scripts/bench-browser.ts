// Timeline smoothness on a real trace in Debian's chromium: frame draw time and frame interval
// while zooming with the wheel and panning by drag and keys, plus the tile fetch latency the
// browser saw. Prints one JSON line (docs/bench.md keeps the runs).
//
//   npx tsx scripts/bench-browser.ts <trace>        (after npm run build)

import type { Page } from 'playwright-core';
import { percentile } from '../client/lib/stats.ts';
import { launchBrowser, startServer } from '../test/browser/harness.ts';

interface FrameStats { frames: number; drawMsAvg: number; drawMsP95: number; intervalMsAvg: number }

async function frameStats(page: Page, reset: boolean): Promise<FrameStats> {
  return page.evaluate((r) => {
    const host = document.querySelector('tt-app')?.shadowRoot?.querySelector('tt-timeline-page')?.shadowRoot?.querySelector('tt-timeline-canvas') as unknown as { frameStats(reset: boolean): FrameStats };
    return host.frameStats(r);
  }, reset);
}

async function main(trace: string) {
  const server = await startServer(trace);
  const browser = await launchBrowser();
  try {
    for (;;) {
      const status = await (await fetch(`${server.url}/api/status`)).json();
      if (status.state === 'ready') break;
      if (status.state === 'failed') throw new Error(status.error);
      await new Promise((r) => setTimeout(r, 200));
    }
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/timeline?view=proc`);
    const canvas = page.locator('tt-timeline-canvas canvas').first();
    await canvas.waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2000);
    const box = (await canvas.boundingBox())!;
    const phases: Record<string, FrameStats> = {};
    await frameStats(page, true);

    await page.mouse.move(box.x + box.width * 0.5, box.y + 200);
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(100);
    }
    phases.wheelZoom = await frameStats(page, true);

    await page.mouse.move(box.x + box.width * 0.7, box.y + 250);
    await page.mouse.down();
    for (let i = 1; i <= 120; i++) {
      await page.mouse.move(box.x + box.width * 0.7 - i * 5, box.y + 250);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
    phases.dragPan = await frameStats(page, true);

    await canvas.focus();
    await page.keyboard.down('d');
    await page.waitForTimeout(1500);
    await page.keyboard.up('d');
    phases.keyPan = await frameStats(page, true);

    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, 300);
      await page.waitForTimeout(100);
    }
    phases.wheelZoomOut = await frameStats(page, true);

    const tiles = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/timeline/tile'))
      .map((e) => e.duration));
    tiles.sort((a, b) => a - b);
    const all = Object.values(phases);
    const frames = all.reduce((n, s) => n + s.frames, 0);
    const worstP95 = Math.max(...all.map((s) => s.drawMsP95).filter(Number.isFinite));
    const drawAvg = all.reduce((n, s) => n + (Number.isFinite(s.drawMsAvg) ? s.drawMsAvg * s.frames : 0), 0) / Math.max(1, frames);
    console.log(JSON.stringify({ frames, drawMsAvg: drawAvg, drawMsP95Worst: worstP95, phases, tileRequests: tiles.length, tileMsP50: percentile(tiles, 50), tileMsP95: percentile(tiles, 95) }));
  } finally {
    await browser.close();
    await server.stop();
  }
}

const trace = process.argv[2];
if (!trace) {
  console.error('usage: npx tsx scripts/bench-browser.ts <trace>');
  process.exit(2);
}
main(trace).catch((err) => {
  console.error(`bench-browser: ${err.message}`);
  process.exit(1);
});
