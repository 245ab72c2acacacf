// The fuzzer's seed corpus: every real trace under fixtures/ (both formats), with the v2
// batch maps the structure-aware mutations use. Big traces are kept but picked rarely, so
// throughput stays high without losing what only they contain.

import { readFileSync } from 'node:fs';
import { listFixtures } from '../helpers/fixtures.ts';
import type { Rng } from './rng.ts';
import { scanBatches, type Seed } from './mutate.ts';

/** Traces above this size are picked with probability BIG_SEED_CHANCE only. */
export const BIG_SEED_BYTES = 64 << 10;
const BIG_SEED_CHANCE = 0.01;

export interface Corpus {
  small: Seed[];
  big: Seed[];
  all: Seed[];
}

export function loadCorpus(): Corpus {
  const all: Seed[] = listFixtures().map((f) => {
    const bytes = new Uint8Array(readFileSync(f.tracePath));
    return { id: f.id, bytes, format: f.format, batches: f.format === 'v2' ? scanBatches(bytes) : [] };
  });
  if (all.length === 0) throw new Error('fuzz corpus is empty: no traces under fixtures/');
  return { all, small: all.filter((s) => s.bytes.length <= BIG_SEED_BYTES), big: all.filter((s) => s.bytes.length > BIG_SEED_BYTES) };
}

export function pickSeed(rng: Rng, corpus: Corpus): Seed {
  if (corpus.big.length > 0 && (corpus.small.length === 0 || rng.chance(BIG_SEED_CHANCE))) return rng.pick(corpus.big);
  return rng.pick(corpus.small);
}
