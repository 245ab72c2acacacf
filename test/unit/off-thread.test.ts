// Analyses the parser runs beside onEvent's (parser/worker/off-thread.ts): built in a companion
// worker and moved to the main thread, the timeline model must be the very model built inline —
// every column, string, counter point and tile-pyramid level — and it must answer like one.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import type { TimelineModel } from '../../parser/model/timeline.ts';
import { createTimelineModel } from '../../parser/model/timeline-builder.ts';
import { EventKind } from '../../parser/model/event.ts';
import { fixturesDir, listFixtures, readHeaderVersion } from '../helpers/fixtures.ts';
import { timelineDigest as digest } from '../helpers/timeline-digest.ts';

async function build(path: string, worker: boolean) {
  const tables = new TraceTables();
  let events = 0;
  const parsed = await parseTraceFile(path, { worker, tables, chunkSize: 4096, offThread: ['timeline'], onEvent: () => events++ });
  const model = await parsed.offThread.timeline!;
  return { model, tables, events };
}

const cases = [
  ...listFixtures({ version: '1.27', format: 'v2' }),
  ...listFixtures({ scenario: ['gc', 'annotations'], version: ['1.22', '1.24'], format: 'v2' }),
].filter((f) => !f.tracePath.includes('/cgo'));

const damaged = readdirSync(join(fixturesDir, 'invalid'))
  .filter((f) => f.endsWith('.trace'))
  .map((f) => join(fixturesDir, 'invalid', f))
  .filter((p) => Number(readHeaderVersion(p)?.slice('go 1.'.length) ?? 0) >= 22);

describe('off-thread timeline', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(10);
    expect(damaged.length).toBeGreaterThan(5);
  });

  it.each(cases.map((f) => [f.id, f.tracePath]))('%s: the model built in a companion worker equals the inline one', async (_id, path) => {
    const inline = await build(path, false);
    const threaded = await build(path, true);
    expect(threaded.events).toBe(inline.events);
    expect(threaded.model.slices.start.length).toBeGreaterThan(0);
    expect(digest(threaded.model)).toEqual(digest(inline.model));
    // Stack ids in the model mean the same frames in the main thread's tables.
    const stacks = (m: TimelineModel, t: TraceTables) => Array.from(m.slices.startStack.slice(0, 200), (s) => t.stackFrameIds(s).join(','));
    expect(stacks(threaded.model, threaded.tables)).toEqual(stacks(inline.model, inline.tables));
    // The rebuilt classes work: derived goroutine names, counter pixels, pyramid lookups.
    const k = threaded.model.goroutineTracks.ids.length - 1;
    expect(threaded.model.goroutineName(k, true)).toBe(inline.model.goroutineName(k, true));
  }, 60_000);

  it.each(damaged.map((path) => [path.slice(fixturesDir.length + 1), path]))('%s (damaged): same model or same error either way', async (_name, path) => {
    const outcome = async (worker: boolean) => {
      try {
        return { digest: digest((await build(path, worker)).model) };
      } catch (err) {
        return { error: (err as Error).message };
      }
    };
    expect(await outcome(true)).toEqual(await outcome(false));
  }, 60_000);

  it.each(listFixtures({ scenario: 'longlived', format: 'v2' }).map((f) => [f.id, f.tracePath]))(
    '%s: with a byte limit, the companion builds the model of the first generation while the main thread reads on',
    async (_id, path) => {
      // The reference: the model of the events before the second generation's Sync, built inline.
      const tables = new TraceTables();
      const reference = createTimelineModel(tables);
      let syncs = 0;
      const whole = await parseTraceFile(path, {
        worker: false,
        tables,
        onEvent: (ev) => {
          if (ev.kind === EventKind.Sync) syncs++;
          if (syncs < 2) reference.handleEvent(ev);
        },
      });
      expect(whole.generations).toBeGreaterThanOrEqual(2);
      let events = 0;
      const cut = await parseTraceFile(path, { worker: true, tables: new TraceTables(), chunkSize: 4096, offThread: ['timeline'], offThreadByteLimit: 1, onEvent: () => events++ });
      expect(events).toBe(whole.events);
      expect(cut.offThreadCutAt).toBeGreaterThan(0);
      expect(cut.offThreadCutAt).toBeLessThan(cut.totalBytes);
      const model = await cut.offThread.timeline!;
      expect(model.endTime).toBeLessThan(whole.endTime);
      expect(digest(model)).toEqual(digest(reference.finish()));
      // A limit the trace fits in cuts nothing.
      const uncut = await parseTraceFile(path, { worker: true, tables: new TraceTables(), offThread: ['timeline'], offThreadByteLimit: cut.totalBytes, onEvent: () => {} });
      expect(uncut.offThreadCutAt).toBeNull();
      expect((await uncut.offThread.timeline!).endTime).toBe(whole.endTime);
    },
    60_000,
  );

  it('reports the one thread and the worker alike when there is nothing to build', async () => {
    const [fixture] = listFixtures({ version: '1.27', scenario: 'gc' });
    const parsed = await parseTraceFile(fixture.tracePath, { worker: true, onEvent: () => {} });
    expect(parsed.offThread).toEqual({});
  });
});
