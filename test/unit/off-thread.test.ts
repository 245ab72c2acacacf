// Analyses the parser runs beside onEvent's (parser/worker/off-thread.ts): built in a companion
// worker and moved to the main thread, the timeline model must be the very model built inline —
// every column, string, counter point and tile-pyramid level — and it must answer like one.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceBytes, parseTraceFile, TraceTables } from '../../parser/index.ts';
import type { TimelineModel } from '../../parser/model/timeline.ts';
import { createTimelineModel } from '../../parser/model/timeline-builder.ts';
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
      const whole = await parseTraceFile(path, { worker: false, onEvent: () => {} });
      expect(whole.generations).toBeGreaterThanOrEqual(2);
      const second = whole.generationStarts![1].offset;
      // The reference: the model of the trace cut where the second generation begins, built inline
      // (its events end with the Sync of a trace ending there).
      const tables = new TraceTables();
      const reference = createTimelineModel(tables);
      await parseTraceBytes(readFileSync(path).subarray(0, second), { tables, onEvent: (ev) => reference.handleEvent(ev) });
      let events = 0;
      const cut = await parseTraceFile(path, { worker: true, tables: new TraceTables(), chunkSize: 4096, offThread: ['timeline'], offThreadByteLimit: 1, onEvent: () => events++ });
      expect(events).toBe(whole.events);
      expect(cut.offThreadCutAt).toBeGreaterThan(0);
      expect(cut.offThreadCutAt).toBeLessThan(cut.totalBytes);
      expect(cut.offThreadGenerations).toBe(1);
      const model = await cut.offThread.timeline!;
      expect(model.endTime).toBeLessThan(whole.endTime);
      expect(digest(model)).toEqual(digest(reference.finish()));
      // The first generation read from its bytes alone (ParseFileOptions.byteRange): the same model.
      const part = await parseTraceFile(path, { byteRange: { start: whole.generationStarts![0].offset, end: second }, offThread: ['timeline'], onEvent: () => {} });
      expect(digest(await part.offThread.timeline!)).toEqual(digest(model));
      // A limit the trace fits in cuts nothing.
      const uncut = await parseTraceFile(path, { worker: true, tables: new TraceTables(), offThread: ['timeline'], offThreadByteLimit: cut.totalBytes, onEvent: () => {} });
      expect(uncut.offThreadCutAt).toBeNull();
      expect((await uncut.offThread.timeline!).endTime).toBe(whole.endTime);
    },
    60_000,
  );

  it.each(listFixtures({ scenario: 'longlived', format: 'v2' }).map((f) => [f.id, f.tracePath]))(
    '%s: a later generation read from its bytes alone is the events of a trace that began there',
    async (_id, path) => {
      const bytes = readFileSync(path);
      const whole = await parseTraceFile(path, { worker: false, onEvent: () => {} });
      const [first, second] = whole.generationStarts!;
      expect(first.offset).toBe(16);
      // The reference: the header, then the second generation's bytes, as one trace.
      const tables = new TraceTables();
      const reference = createTimelineModel(tables);
      const alone = Buffer.concat([bytes.subarray(0, first.offset), bytes.subarray(second.offset)]);
      const referenceParse = await parseTraceBytes(alone, { tables, onEvent: (ev) => reference.handleEvent(ev) });
      const part = await parseTraceFile(path, { byteRange: { start: second.offset, end: bytes.length }, offThread: ['timeline'], onEvent: () => {} });
      expect(part.events).toBe(referenceParse.events);
      expect(part.generationStarts).toEqual([second]);
      const model = await part.offThread.timeline!;
      expect(model.startTime).toBe(second.time);
      expect(model.endTime).toBe(whole.endTime);
      expect(digest(model)).toEqual(digest(reference.finish()));
    },
    60_000,
  );

  it('refuses a byte range it cannot read', async () => {
    const [v2] = listFixtures({ version: '1.27', scenario: 'gc' });
    const [v1] = listFixtures({ version: '1.21', scenario: 'gc' });
    await expect(parseTraceFile(v2.tracePath, { byteRange: { start: 16, end: 1e12 }, onEvent: () => {} })).rejects.toThrow(/not within/);
    await expect(parseTraceFile(v1.tracePath, { byteRange: { start: 16, end: 100 }, onEvent: () => {} })).rejects.toThrow(/only a v2 trace/);
  });

  it('reports the one thread and the worker alike when there is nothing to build', async () => {
    const [fixture] = listFixtures({ version: '1.27', scenario: 'gc' });
    const parsed = await parseTraceFile(fixture.tracePath, { worker: true, onEvent: () => {} });
    expect(parsed.offThread).toEqual({});
  });
});
