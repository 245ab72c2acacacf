// The long fuzz run (`npm run fuzz`): FUZZ_INPUTS inputs (default 100000) from seed FUZZ_SEED
// (default: the time), FUZZ_OUT for the findings (default $TMPDIR/tstrace-fuzz). Prints
// progress, inputs/s, the outcome mix and every distinct finding; fails if there is one.
// Findings are triaged by hand into fixtures/invalid/fuzz/ (see its README.md).

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { formatStats, runFuzz, saveFindings } from './fuzzer.ts';

const inputs = Number(process.env.FUZZ_INPUTS ?? 100_000);
const runSeed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const outDir = process.env.FUZZ_OUT ?? join(tmpdir(), 'tstrace-fuzz');
const print = (line: string) => process.stdout.write(`${line}\n`);

it(`fuzz: ${inputs} inputs, seed ${runSeed}`, async () => {
  expect(Number.isSafeInteger(inputs) && inputs > 0, 'FUZZ_INPUTS must be a positive integer').toBe(true);
  expect(Number.isSafeInteger(runSeed), 'FUZZ_SEED must be an integer').toBe(true);
  print(`fuzz: seed ${runSeed}, ${inputs} inputs, findings to ${outDir}`);
  const stats = await runFuzz({
    runSeed, inputs, hangDir: outDir, reportEvery: Math.max(1000, Math.min(50_000, Math.floor(inputs / 20))), log: print,
  });
  print(formatStats(stats));
  if (stats.findings.length > 0) print(`saved:\n${saveFindings(stats.findings, outDir).join('\n')}`);
  expect(stats.findings.map((f) => f.signature)).toEqual([]);
});
