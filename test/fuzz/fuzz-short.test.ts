// The short, deterministic fuzz run that is part of `npm test`: 2500 inputs from a fixed seed
// (about 10 s on an idle core), which must produce no finding. The long run is `npm run fuzz`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus.ts';
import { buildInput, formatStats, runFuzz } from './fuzzer.ts';

const corpus = loadCorpus();

describe('fuzz (short run)', () => {
  it('rebuilds any input from (seed, index) alone', () => {
    const a = buildInput(corpus, 99, 1234);
    const b = buildInput(corpus, 99, 1234);
    expect(b.bytes).toEqual(a.bytes);
    expect(b.mutations).toEqual(a.mutations);
    expect(buildInput(corpus, 99, 1235).bytes).not.toEqual(a.bytes);
  });

  it('the watchdog saves the input of a parse that never returns and kills the process', () => {
    const out = mkdtempSync(join(tmpdir(), 'tstrace-watchdog-'));
    const demo = fileURLToPath(new URL('./watchdog-demo.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', demo, out, '300'], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).not.toContain('not killed');
    expect(child.stderr).toMatch(/fuzz watchdog: input 41 of seed 7: still parsing after [\d.]+ s \(limit 0\.3 s\)/);
    expect(readFileSync(join(out, 'hang-seed7-input41.trace'), 'latin1')).toBe('go 1.26 trace\0\0\0stuck');
  }, 60_000);

  it('2500 mutated traces: no crash, hang, runaway memory, bad message or chunk dependence', async () => {
    const stats = await runFuzz({
      runSeed: 20261126,
      inputs: 2500,
      // Generous: the machine running the suite may be busy; the long run uses the defaults.
      slowMinMs: 10_000,
      hangMs: 60_000,
      hangDir: join(tmpdir(), 'tstrace-fuzz-short'),
    }, corpus);
    const summary = formatStats(stats);
    expect(stats.findings.map((f) => `${f.signature} (input ${f.index})`), summary).toEqual([]);
    // The mutations must reach past the first checks: some traces survive whole or in part.
    expect(stats.outcomes.ok, summary).toBeGreaterThan(50);
    expect(stats.outcomes.partial, summary).toBeGreaterThan(5);
    expect(stats.outcomes.rejected, summary).toBeGreaterThan(1000);
  }, 120_000);
});
