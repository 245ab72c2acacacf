// The decode worker (parser/worker/) must change nothing but speed: for real traces of every v2
// wire version, damaged ones and fuzz finds, the events reaching onEvent (every field, in
// order), the ParseResult and any thrown error are the same as when one thread reads the file.

import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceFile, type ParseResult, type TraceEvent } from '../../parser/index.ts';
import { fixturesDir, listFixtures, readHeaderVersion } from '../helpers/fixtures.ts';

interface Run {
  digest: string;
  events: number;
  progress: number[];
  result: Omit<ParseResult, 'tables'> & { stacks: number; frames: number } | null;
  error: string | null;
}

function describeEvent(ev: TraceEvent): string {
  return JSON.stringify([
    ev.kind, ev.time, ev.g, ev.p, ev.m, ev.stack, ev.wireType, ev.name, ev.resourceKind, ev.resourceId,
    ev.oldState, ev.newState, ev.reason, ev.transitionStack, ev.taskId, ev.parentTaskId, ev.category,
    ev.message, String(ev.value), ev.rangeAttributes?.map((a) => [a.name, String(a.value)]), ev.syncN,
    ev.clockSnapshot, ev.experiment, ev.args, ev.argValues,
  ]);
}

async function read(path: string, worker: boolean): Promise<Run> {
  const hash = createHash('sha256');
  let events = 0;
  const progress: number[] = [];
  try {
    const { tables, ...rest } = await parseTraceFile(path, {
      worker,
      // Small chunks, so that reads straddle chunk edges on both sides.
      chunkSize: 4096,
      onEvent: (ev) => {
        events++;
        hash.update(describeEvent(ev));
      },
      onProgress: (offset) => progress.push(offset),
    });
    return { digest: hash.digest('hex'), events, progress, result: { ...rest, stacks: tables.stackCount, frames: tables.framePC.length }, error: null };
  } catch (err) {
    return { digest: hash.digest('hex'), events, progress, result: null, error: (err as Error).message };
  }
}

const v2Header = (path: string) => Number(readHeaderVersion(path)?.slice('go 1.'.length) ?? 0) >= 22;
const tracesIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.trace')).map((f) => join(dir, f)).filter(v2Header);

const cases = [
  // Every scenario of the newest Go, and one per older wire version.
  ...listFixtures({ version: '1.27', format: 'v2' }).map((f) => f.tracePath),
  ...listFixtures({ scenario: ['gc', 'annotations'], version: ['1.22', '1.23', '1.25', '1.26'], format: 'v2' }).map((f) => f.tracePath),
  ...tracesIn(join(fixturesDir, 'invalid')),
  ...tracesIn(join(fixturesDir, 'invalid', 'fuzz')),
];

describe('decode worker', () => {
  it('has cases of each kind', () => {
    expect(cases.filter((c) => c.includes('/invalid/')).length).toBeGreaterThan(10);
    expect(cases.length).toBeGreaterThan(30);
  });

  it('covers damaged traces: partial results and thrown errors', async () => {
    const runs = await Promise.all(cases.filter((c) => c.includes('/invalid/')).map((c) => read(c, true)));
    expect(runs.some((r) => r.error !== null)).toBe(true);
    expect(runs.some((r) => r.result?.error != null && r.events > 0)).toBe(true);
  }, 120_000);

  it('stops the worker and passes on the error when the sink throws', async () => {
    const path = listFixtures({ version: '1.27', scenario: 'gc' })[0].tracePath;
    let seen = 0;
    const parse = parseTraceFile(path, {
      worker: true,
      chunkSize: 4096,
      onEvent: () => {
        if (++seen === 1000) throw new Error('sink gave up');
      },
    });
    await expect(parse).rejects.toThrow('sink gave up');
    expect(seen).toBe(1000);
  });

  it.each(cases.map((path) => [path.slice(fixturesDir.length + 1), path]))('%s: same events, result and error', async (_name, path) => {
    const inThread = await read(path, false);
    const inWorker = await read(path, true);
    expect(inWorker).toEqual(inThread);
  }, 60_000);
});
