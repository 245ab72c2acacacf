// The fuzz loop: build input i from (run seed, i), parse it (whole or in small random chunks,
// sometimes twice with different chunkings), classify the outcome with the oracle, judge its
// time and the process's memory, and collect findings deduplicated by signature (keeping the
// smallest input for each). Used by the short run in `npm test` and the long `npm run fuzz`.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus, pickSeed, type Corpus } from './corpus.ts';
import { mutate, type MutationName } from './mutate.ts';
import { checkInput, type FindingKind, type Outcome } from './oracle.ts';
import { inputSeed, Rng } from './rng.ts';
import { Watchdog } from './watchdog.ts';

export interface FuzzInput {
  index: number;
  bytes: Uint8Array;
  seedId: string;
  mutations: MutationName[];
  chunkSize: number;
  /** A second chunk size to cross-check with, for some inputs. */
  otherChunkSize?: number;
}

/** Rebuilds input `index` of the run seeded `runSeed` (deterministic: same corpus, same bytes). */
export function buildInput(corpus: Corpus, runSeed: number, index: number, crossCheckChance = 0.1): FuzzInput {
  const rng = new Rng(inputSeed(runSeed, index));
  const seed = pickSeed(rng, corpus);
  const other = pickSeed(rng, corpus);
  const { bytes, applied } = mutate(rng, seed, other);
  // Mostly whole; the rest in small or (costlier, 2.5× the time) tiny chunks, so chunk
  // boundaries fall everywhere.
  const r = rng.below(10);
  const chunkSize = r < 6 ? Math.max(1, bytes.length) : r === 6 ? rng.between(1, 16) : rng.between(17, 4096);
  const otherChunkSize = rng.chance(crossCheckChance) ? rng.between(1, 97) : undefined;
  return { index, bytes, seedId: seed.id, mutations: applied, chunkSize, otherChunkSize };
}

export interface Finding {
  kind: FindingKind;
  /** The message with numbers blanked: findings with the same signature are one bug. */
  signature: string;
  message: string;
  detail?: string;
  runSeed: number;
  index: number;
  seedId: string;
  mutations: MutationName[];
  chunkSize: number;
  bytes: Uint8Array;
  ms: number;
  /** How many inputs hit this signature. */
  hits: number;
}

export interface FuzzOptions {
  runSeed: number;
  inputs: number;
  /** Slow = CPU time over max(slowMinMs, slowMsPerKiB × KiB of input); a finding, not a kill. */
  slowMinMs?: number;
  slowMsPerKiB?: number;
  /** Kill limits enforced by the watchdog thread (0 = no watchdog). */
  hangMs?: number;
  rssCeiling?: number;
  /** Where the watchdog saves an input it kills the run for. */
  hangDir?: string;
  crossCheckChance?: number;
  /** Progress every this many inputs (0 = quiet). */
  reportEvery?: number;
  log?: (line: string) => void;
}

export interface FuzzStats {
  runSeed: number;
  inputs: number;
  seconds: number;
  inputsPerSecond: number;
  outcomes: Record<Outcome['kind'], number>;
  mutations: Partial<Record<MutationName, number>>;
  findings: Finding[];
  slowest: { index: number; ms: number; bytes: number };
  peakRss: number;
}

const signatureOf = (kind: FindingKind, message: string) =>
  `${kind}: ${message.split('\n')[0].replace(/\d+/g, 'N').slice(0, 160)}`;

export async function runFuzz(options: FuzzOptions, corpus: Corpus = loadCorpus()): Promise<FuzzStats> {
  const {
    runSeed, inputs, slowMinMs = 2000, slowMsPerKiB = 20, hangMs = 60_000, rssCeiling = 3 * 2 ** 30,
    hangDir = join(process.cwd(), 'fixtures/invalid/fuzz/new'), crossCheckChance = 0.1, reportEvery = 0, log = () => {},
  } = options;
  const watchdog = hangMs > 0 ? new Watchdog({ hardMs: hangMs, rssCeiling, outDir: hangDir, runSeed }) : null;
  const findings = new Map<string, Finding>();
  const outcomes: Record<Outcome['kind'], number> = { ok: 0, partial: 0, rejected: 0, finding: 0 };
  const mutations: Partial<Record<MutationName, number>> = {};
  const slowest = { index: -1, ms: 0, bytes: 0 };
  let peakRss = 0;
  const started = performance.now();
  try {
    for (let i = 0; i < inputs; i++) {
      const input = buildInput(corpus, runSeed, i, crossCheckChance);
      for (const m of input.mutations) mutations[m] = (mutations[m] ?? 0) + 1;
      watchdog?.begin(i, input.bytes, input.chunkSize);
      let outcome = await checkInput(input.bytes, input.chunkSize, input.otherChunkSize);
      watchdog?.end();
      const limit = Math.max(slowMinMs, (slowMsPerKiB * input.bytes.length) / 1024);
      if (outcome.kind !== 'finding' && outcome.cpuMs > limit) {
        outcome = { ...outcome, kind: 'finding', finding: 'slow', message: `${outcome.cpuMs.toFixed(0)} ms of CPU (limit ${limit.toFixed(0)} ms): ${outcome.message}` };
      }
      if (outcome.cpuMs > slowest.ms) Object.assign(slowest, { index: i, ms: outcome.cpuMs, bytes: input.bytes.length });
      if ((i & 63) === 0) {
        const rss = process.memoryUsage.rss();
        if (rss > peakRss) peakRss = rss;
        if (rss > rssCeiling && outcome.kind !== 'finding') {
          outcome = { ...outcome, kind: 'finding', finding: 'memory', message: `resident memory ${(rss / 2 ** 20).toFixed(0)} MiB after this input` };
        }
      }
      outcomes[outcome.kind]++;
      if (outcome.kind === 'finding') record(findings, outcome, input, runSeed, log);
      if (reportEvery > 0 && (i + 1) % reportEvery === 0) {
        const s = (performance.now() - started) / 1000;
        log(`fuzz: ${i + 1} inputs, ${s.toFixed(0)} s, ${((i + 1) / s).toFixed(0)} inputs/s, ${findings.size} distinct findings, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
      }
    }
  } finally {
    await watchdog?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    runSeed, inputs, seconds, inputsPerSecond: inputs / seconds, outcomes, mutations,
    findings: [...findings.values()], slowest, peakRss,
  };
}

function record(findings: Map<string, Finding>, outcome: Outcome, input: FuzzInput, runSeed: number, log: (line: string) => void): void {
  const kind = outcome.finding!;
  const signature = signatureOf(kind, outcome.message);
  const known = findings.get(signature);
  if (known !== undefined) {
    known.hits++;
    if (input.bytes.length >= known.bytes.length) return;
  } else {
    log(`fuzz: new finding at input ${input.index} (${input.seedId}; ${input.mutations.join(', ')}): ${signature}`);
  }
  findings.set(signature, {
    kind, signature, message: outcome.message, detail: outcome.detail, runSeed, index: input.index, seedId: input.seedId,
    mutations: input.mutations, chunkSize: input.chunkSize, bytes: input.bytes.slice(), ms: outcome.ms, hits: (known?.hits ?? 0) + 1,
  });
}

/** Writes each finding's input and what was found to `dir` (for triage into fixtures/invalid/fuzz/). */
export function saveFindings(findings: Finding[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return findings.map((f) => {
    const stem = `${f.kind}-seed${f.runSeed}-input${f.index}`;
    writeFileSync(join(dir, `${stem}.trace`), f.bytes);
    const { bytes: _bytes, ...about } = f;
    writeFileSync(join(dir, `${stem}.json`), JSON.stringify({ ...about, size: f.bytes.length }, null, 2) + '\n');
    return join(dir, `${stem}.trace`);
  });
}

/** A readable summary of a run. */
export function formatStats(s: FuzzStats): string {
  const lines = [
    `fuzz seed ${s.runSeed}: ${s.inputs} inputs in ${s.seconds.toFixed(1)} s = ${s.inputsPerSecond.toFixed(0)} inputs/s`,
    `outcomes: ${Object.entries(s.outcomes).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `mutations: ${Object.entries(s.mutations).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `slowest: input ${s.slowest.index} (${s.slowest.bytes} bytes) ${s.slowest.ms.toFixed(0)} ms of CPU; peak rss ${(s.peakRss / 2 ** 20).toFixed(0)} MiB`,
    `findings: ${s.findings.length} distinct`,
    ...s.findings.map((f) => `  [${f.hits}×] ${f.signature}  (input ${f.index}, ${f.seedId}, ${f.mutations.join('+')}, ${f.bytes.length} bytes)`),
  ];
  return lines.join('\n');
}
