// The timeline's finish split across two threads (model/timeline-finish-split.ts,
// worker/finish-helper.ts): the state rows, flows and state-row pyramids built on a helper
// worker must make the very model finish() builds on one thread.

import { describe, expect, it } from 'vitest';
import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import { createTimelineModel, type TimelineAnalysis } from '../../parser/model/timeline-builder.ts';
import { startFinishHelper } from '../../parser/worker/finish-helper.ts';
import { buildStateHalf, packSplitFinishRest, unpackSplitFinishRest, type SlicePyramidJob, type SplitFinishRunner } from '../../parser/model/timeline-finish-split.ts';
import { sharedSlicePyramidLevels } from '../../parser/analysis/tiles-pyramid.ts';
import { FlowTable } from '../../parser/model/timeline-flows.ts';
import { listFixtures } from '../helpers/fixtures.ts';
import { timelineDigest } from '../helpers/timeline-digest.ts';

async function builtTimeline(path: string): Promise<TimelineAnalysis> {
  const tables = new TraceTables();
  const timeline = createTimelineModel(tables);
  await parseTraceFile(path, { worker: false, tables, onEvent: (ev) => timeline.handleEvent(ev) });
  return timeline;
}

/** finishSplit with a helper worker, however small the trace (the server splits only big ones: splitWorthwhile). */
async function finishOnHelper(timeline: TimelineAnalysis) {
  const helper = startFinishHelper();
  try {
    return await timeline.finishSplit(helper);
  } finally {
    helper.stop();
  }
}

const cases = [
  ...listFixtures({ version: '1.27', format: 'v2' }),
  ...listFixtures({ scenario: ['gc', 'annotations'], version: ['1.21', '1.22', '1.25'] }),
].filter((f) => !f.tracePath.includes('/cgo'));

describe('timeline finish split across threads', () => {
  it('has cases, some with busy state rows', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases.map((f) => [f.id, f.tracePath]))('%s: the model equals the one-thread finish', async (_id, path) => {
    const timeline = await builtTimeline(path);
    // Fixtures are far below the ~1 M flows and state spans a split pays off at: served, they finish on one thread.
    expect(timeline.splitWorthwhile).toBe(false);
    const oneThread = timeline.finish();
    const split = await finishOnHelper(await builtTimeline(path));
    expect(split.states.spans).toBe(oneThread.states.spans);
    expect(timelineDigest(split)).toEqual(timelineDigest(oneThread));
    // The flows' index the helper made is the one a fresh table makes from the chunks.
    const fresh = new FlowTable({ ...split.flows.parts, latestArrivals: undefined }).latestArrivals();
    expect(split.flows.parts.latestArrivals).toEqual(fresh);
  }, 60_000);

  it('moves busy state rows\u2019 pyramids back with the rest (go1.25/gc has both kinds)', async () => {
    const gc = cases.find((f) => f.id === 'go1.25/gc')!;
    const model = await finishOnHelper(await builtTimeline(gc.tracePath));
    const keys = [...(model.tilePyramids as unknown as { levels: Map<number, unknown> }).levels.keys()];
    // Slice lanes have keys ≥ 0, state rows negative ones; each must still find its levels.
    expect(keys.filter((k) => k >= 0).length).toBeGreaterThan(0);
    expect(keys.filter((k) => k < 0).length).toBeGreaterThan(0);
    for (const key of keys) expect(model.tilePyramids!.level(key, Number.MAX_VALUE)).toBeDefined();
  });

  it('hands the staged columns over: their chunks are shared memory, and the builder keeps none of them', async () => {
    const path = cases.find((f) => f.id === 'go1.25/gc')!.tracePath;
    const oneThread = (await builtTimeline(path)).finish();
    const sent: { kept: number[]; shared: boolean[] } = { kept: [], shared: [] };
    // The helper's packing and unpacking, in this thread.
    const runner: SplitFinishRunner = {
      async rest(job) {
        const { packed } = packSplitFinishRest(job);
        sent.kept.push(job.states.start.length, job.states.reason.length);
        sent.shared.push(...packed.states.start.chunks.map((c) => c.buffer instanceof SharedArrayBuffer));
        return buildStateHalf(unpackSplitFinishRest(structuredClone(packed)));
      },
      async slicePyramids(job) {
        sent.shared.push(job.slices.start.buffer instanceof SharedArrayBuffer, job.next.buffer instanceof SharedArrayBuffer);
        return sharedSlicePyramidLevels(job.slices, job.lanes, job.next);
      },
    };
    const split = await (await builtTimeline(path)).finishSplit(runner);
    expect(sent.kept).toEqual([0, 0]);
    expect(sent.shared.length).toBeGreaterThan(1);
    expect(sent.shared.every(Boolean)).toBe(true);
    expect(timelineDigest(split)).toEqual(timelineDigest(oneThread));
  });

  it('answers a job given after the helper failed with its error, rather than waiting for it', async () => {
    const helper = startFinishHelper();
    try {
      // A job the helper cannot read (a column whose chunks are not a list): it fails, and says why.
      const column = { parts: () => ({ chunks: 5, length: 1, level: [] }), release() {} };
      const states = { start: column, state: column, reason: column, stack: column, blockRow: new Uint32Array(0), blockStart: new Uint32Array(0), blockLength: new Uint8Array(0), blocks: 0 };
      const none = new Uint32Array(0);
      const job = { states, rowOfK: none, kOfRow: none, rowEndByRow: new Float64Array(0), rowEndStackByRow: none, hasRow: new Uint8Array(0), goroutineIds: new Float64Array(0) };
      const rest = helper.rest(job as unknown as Parameters<typeof helper.rest>[0]);
      await expect(rest).rejects.toThrow(/timeline finish/);
      // Long enough for the failed worker to have exited: a job posted to it now would never be answered.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const slices = { segmentOffset: new Uint32Array(1), trackSegment: new Uint32Array(1) } as unknown as SlicePyramidJob['slices'];
      await expect(helper.slicePyramids({ slices, lanes: new Uint32Array(0), next: new Int32Array(1) })).rejects.toThrow(/timeline finish/);
    } finally {
      helper.stop();
    }
  }, 10_000);

  it('fails with the helper\u2019s error when the other half fails', async () => {
    const timeline = await builtTimeline(cases[0].tracePath);
    const gone = { rest: () => Promise.reject(new Error('timeline finish: helper gone')), slicePyramids: async () => new Map() };
    await expect(timeline.finishSplit(gone)).rejects.toThrow('helper gone');
  });
});
