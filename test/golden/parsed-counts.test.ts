// For every v2 fixture trace, the events we deliver, counted by kind and by the finer
// sub-counts (state transitions, ranges, metrics, labels), equal what `go tool trace -d=parsed`
// printed for the same file (fixtures/golden/<folder>/<scenario>/parsed-counts.json).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceFile } from '../../parser/index.ts';
import { EventCounter } from '../helpers/parsed-counts.ts';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const goldenRoot = join(fixtures, 'golden');

interface Case { folder: string; scenario: string; trace: string; golden: string }

/** Every golden parsed-counts.json whose trace is a v2 trace we can find. */
function cases(): Case[] {
  if (!existsSync(goldenRoot)) return [];
  const out: Case[] = [];
  for (const folder of readdirSync(goldenRoot).sort()) {
    const m = /^go1\.(\d+)$/.exec(folder);
    if (!m || Number(m[1]) < 22) continue;
    for (const scenario of readdirSync(join(goldenRoot, folder)).sort()) {
      const golden = join(goldenRoot, folder, scenario, 'parsed-counts.json');
      const trace = join(fixtures, folder, `${scenario}.trace`);
      if (existsSync(golden) && existsSync(trace)) out.push({ folder, scenario, trace, golden });
    }
  }
  return out;
}

const all = cases();

describe('event counts equal go tool trace -d=parsed', () => {
  it('has v2 goldens to compare with', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  for (const c of all) {
    it(`${c.folder}/${c.scenario}`, async () => {
      const golden = JSON.parse(readFileSync(c.golden, 'utf8'));
      const counter = new EventCounter();
      let error: string | null = null;
      try {
        const result = await parseTraceFile(c.trace, { onEvent: (ev) => counter.add(ev) });
        error = result.error;
        expect(result.events).toBe(counter.counts.total);
      } catch (err) {
        error = (err as Error).message;
      }
      // Go's message is the reader's; ours adds the byte offset.
      if (golden.error === null) expect(error).toBeNull();
      else expect(error).not.toBeNull();
      const ours = counter.counts as unknown as Record<string, unknown>;
      for (const key of Object.keys(golden)) {
        if (key === 'command' || key === 'exitCode' || key === 'error') continue;
        expect([key, ours[key]]).toEqual([key, golden[key]]);
      }
    });
  }
});
