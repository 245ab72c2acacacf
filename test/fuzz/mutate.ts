// The fuzzer's mutations over real traces. Byte-level ones (bit flips, interesting values,
// truncation, random ranges) hit the wire decoders; structure-aware ones (whole v2 batches
// duplicated, deleted, swapped or spliced, header fields and varints set to absurd values)
// keep the framing intact often enough to reach the generation reader and the ordering state
// machine behind it.

import { encodeUvarint } from '../../parser/wire/varint.ts';
import type { Rng } from './rng.ts';

/** A v2 batch inside a trace's bytes: [start, end) is the whole batch, [dataAt, end) its events. */
export interface BatchSpan {
  start: number;
  /** Offsets where the varint header fields gen, M, time, size begin (sizeEnd = dataAt). */
  fields: [number, number, number, number];
  dataAt: number;
  end: number;
}

export interface Seed {
  id: string;
  bytes: Uint8Array;
  format: 'v1' | 'v2';
  /** v2 only: the batches, in file order (EndOfGeneration markers are one-byte spans). */
  batches: BatchSpan[];
}

const HEADER = 16;
const EV_EVENT_BATCH = 1;
const EV_EXPERIMENTAL_BATCH = 49;
const EV_END_OF_GENERATION = 52;

/** Finds the batches of a well-formed v2 trace (the corpus is real traces; stops at anything odd). */
export function scanBatches(bytes: Uint8Array): BatchSpan[] {
  const out: BatchSpan[] = [];
  let p = HEADER;
  const skipVarint = () => {
    for (let i = 0; i < 10 && p < bytes.length; i++) if (bytes[p++] < 0x80) return true;
    return false;
  };
  const readVarint = () => {
    let v = 0;
    let scale = 1;
    // Go writes batch sizes padded to 10 bytes (a reserved slot filled in later).
    for (let i = 0; i < 10 && p < bytes.length; i++) {
      const b = bytes[p++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    return -1;
  };
  while (p < bytes.length) {
    const start = p;
    const typ = bytes[p++];
    if (typ === EV_END_OF_GENERATION) {
      out.push({ start, fields: [p, p, p, p], dataAt: p, end: p });
      continue;
    }
    if (typ === EV_EXPERIMENTAL_BATCH) p++;
    else if (typ !== EV_EVENT_BATCH) break;
    const fields: [number, number, number, number] = [p, 0, 0, 0];
    if (!skipVarint()) break;
    fields[1] = p;
    if (!skipVarint()) break;
    fields[2] = p;
    if (!skipVarint()) break;
    fields[3] = p;
    const size = readVarint();
    if (size < 0 || p + size > bytes.length) break;
    out.push({ start, fields, dataAt: p, end: p + size });
    p += size;
  }
  return out;
}

/** Values that stress bounds checks: sizes and ids just past limits, 2^31/2^32/2^40/2^53, 2^63, 2^64-1. */
export const ABSURD_VALUES: readonly bigint[] = [
  0n, 1n, 127n, 128n, 1024n, 1025n, 65536n, 65537n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 32n + 1n,
  2n ** 40n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n,
];
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff];

function varint(value: bigint): Uint8Array {
  const out: number[] = [];
  encodeUvarint(value, out);
  return Uint8Array.from(out);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Where a varint starting at `p` ends (at most 10 bytes, or the end of the buffer). */
function varintEnd(bytes: Uint8Array, p: number): number {
  let i = p;
  while (i < bytes.length && i - p < 10 && bytes[i] >= 0x80) i++;
  return Math.min(i + 1, bytes.length);
}

/** A position that probably starts a varint: right after a byte that ends one (< 0x80). */
function varintStart(rng: Rng, bytes: Uint8Array, from: number): number {
  const lo = Math.min(from, bytes.length - 1);
  for (let tries = 0; tries < 16; tries++) {
    const p = rng.between(lo, bytes.length - 1);
    if (p === 0 || bytes[p - 1] < 0x80) return p;
  }
  return rng.between(lo, bytes.length - 1);
}

function replaceRange(bytes: Uint8Array, at: number, end: number, with_: Uint8Array): Uint8Array {
  return concat(bytes.subarray(0, at), with_, bytes.subarray(end));
}

/** Batches that carry events (not EndOfGeneration markers). */
const fullBatches = (seed: Seed) => seed.batches.filter((b) => b.end > b.dataAt || b.fields[0] !== b.dataAt);

export type MutationName =
  | 'bitflip' | 'interesting-byte' | 'varint-stretch' | 'varint-absurd' | 'batch-field-absurd'
  | 'range-duplicate' | 'range-delete' | 'batch-duplicate' | 'batch-delete' | 'batch-swap'
  | 'truncate' | 'splice' | 'random-bytes' | 'header-version';

type Mutation = (rng: Rng, bytes: Uint8Array, seed: Seed, other: Seed) => Uint8Array;

const HEADER_VERSIONS = ['11', '19', '21', '22', '23', '24', '25', '26', '27', '99', '1'];

const mutations: Record<MutationName, Mutation> = {
  bitflip(rng, bytes) {
    const out = bytes.slice();
    const flips = rng.chance(0.7) ? 1 : rng.between(2, 8);
    for (let i = 0; i < flips && out.length > 0; i++) out[rng.below(out.length)] ^= 1 << rng.below(8);
    return out;
  },
  'interesting-byte'(rng, bytes) {
    if (bytes.length === 0) return bytes;
    const out = bytes.slice();
    out[rng.between(Math.min(HEADER, out.length - 1), out.length - 1)] = rng.pick(INTERESTING_BYTES);
    return out;
  },
  'varint-stretch'(rng, bytes) {
    // Same value, longer encoding (redundant 0x80 continuation bytes), or past 10 bytes.
    if (bytes.length <= HEADER) return bytes;
    const p = varintStart(rng, bytes, HEADER);
    const end = varintEnd(bytes, p);
    const body = Array.from(bytes.subarray(p, end));
    const last = body.pop()!;
    const extra = rng.between(1, 10);
    const stretched = [...body.map((b) => b | 0x80), last | 0x80, ...new Array(extra - 1).fill(0x80), 0x00];
    return replaceRange(bytes, p, end, Uint8Array.from(stretched));
  },
  'varint-absurd'(rng, bytes) {
    if (bytes.length <= HEADER) return bytes;
    const p = varintStart(rng, bytes, HEADER);
    const value = rng.chance(0.1) ? new Uint8Array(11).fill(0xff) : varint(rng.pick(ABSURD_VALUES));
    return replaceRange(bytes, p, varintEnd(bytes, p), value);
  },
  'batch-field-absurd'(rng, bytes, seed) {
    const batches = fullBatches(seed);
    if (batches.length === 0) return mutations['varint-absurd'](rng, bytes, seed, seed);
    const b = rng.pick(batches);
    const f = rng.below(4);
    const at = b.fields[f];
    const end = f < 3 ? b.fields[f + 1] : b.dataAt;
    return replaceRange(bytes, at, end, varint(rng.pick(ABSURD_VALUES)));
  },
  'range-duplicate'(rng, bytes) {
    if (bytes.length <= HEADER) return bytes;
    const at = rng.between(HEADER, bytes.length - 1);
    const len = rng.between(1, Math.min(512, bytes.length - at));
    const to = rng.between(HEADER, bytes.length);
    return concat(bytes.subarray(0, to), bytes.slice(at, at + len), bytes.subarray(to));
  },
  'range-delete'(rng, bytes) {
    if (bytes.length <= HEADER) return bytes;
    const at = rng.between(HEADER, bytes.length - 1);
    const len = rng.between(1, Math.min(512, bytes.length - at));
    return concat(bytes.subarray(0, at), bytes.subarray(at + len));
  },
  'batch-duplicate'(rng, bytes, seed) {
    if (seed.batches.length === 0) return mutations['range-duplicate'](rng, bytes, seed, seed);
    const b = rng.pick(seed.batches);
    const to = rng.pick(seed.batches).start;
    return concat(bytes.subarray(0, to), bytes.slice(b.start, b.end), bytes.subarray(to));
  },
  'batch-delete'(rng, bytes, seed) {
    if (seed.batches.length === 0) return mutations['range-delete'](rng, bytes, seed, seed);
    const b = rng.pick(seed.batches);
    return concat(bytes.subarray(0, b.start), bytes.subarray(b.end));
  },
  'batch-swap'(rng, bytes, seed) {
    if (seed.batches.length < 2) return mutations.bitflip(rng, bytes, seed, seed);
    let i = rng.below(seed.batches.length);
    let j = rng.below(seed.batches.length);
    if (i === j) return bytes;
    if (i > j) [i, j] = [j, i];
    const a = seed.batches[i];
    const b = seed.batches[j];
    return concat(bytes.subarray(0, a.start), bytes.subarray(b.start, b.end), bytes.subarray(a.end, b.start),
      bytes.subarray(a.start, a.end), bytes.subarray(b.end));
  },
  truncate(rng, bytes, seed) {
    if (seed.batches.length > 0 && rng.chance(0.3)) return bytes.subarray(0, rng.pick(seed.batches).start);
    return bytes.subarray(0, rng.below(bytes.length + 1));
  },
  splice(rng, bytes, seed, other) {
    // Head of one trace, tail of another; at batch boundaries when both have them.
    const cutA = seed.batches.length > 0 && rng.chance(0.6) ? rng.pick(seed.batches).start : rng.between(HEADER, bytes.length);
    const cutB = other.batches.length > 0 && rng.chance(0.6) ? rng.pick(other.batches).start : rng.between(HEADER, other.bytes.length);
    return concat(bytes.subarray(0, cutA), other.bytes.subarray(cutB));
  },
  'random-bytes'(rng, bytes) {
    const len = rng.between(1, 64);
    const junk = new Uint8Array(len);
    for (let i = 0; i < len; i++) junk[i] = rng.below(256);
    const at = rng.between(Math.min(HEADER, bytes.length), bytes.length);
    return rng.chance(0.5) ? concat(bytes.subarray(0, at), junk, bytes.subarray(at)) : replaceRange(bytes, at, Math.min(bytes.length, at + len), junk);
  },
  'header-version'(rng, bytes) {
    const header = new TextEncoder().encode(`go 1.${rng.pick(HEADER_VERSIONS)} trace\0\0\0`);
    return concat(header, bytes.subarray(Math.min(HEADER, bytes.length)));
  },
};

const WEIGHTED: MutationName[] = [
  'bitflip', 'bitflip', 'bitflip', 'interesting-byte', 'interesting-byte', 'varint-stretch', 'varint-absurd',
  'varint-absurd', 'batch-field-absurd', 'batch-field-absurd', 'range-duplicate', 'range-delete',
  'batch-duplicate', 'batch-duplicate', 'batch-delete', 'batch-delete', 'batch-swap', 'batch-swap',
  'truncate', 'truncate', 'splice', 'random-bytes', 'header-version',
];

/**
 * Applies 1–4 mutations (mostly 1) to `seed`; `other` is the donor for splices. Batch-aware
 * mutations use the seed's batch map, which goes stale after the first mutation — that is fine:
 * stale offsets still land on plausible boundaries and only make the damage odder.
 */
export function mutate(rng: Rng, seed: Seed, other: Seed): { bytes: Uint8Array; applied: MutationName[] } {
  let bytes = seed.bytes;
  const applied: MutationName[] = [];
  const count = rng.chance(0.6) ? 1 : rng.between(2, 4);
  for (let i = 0; i < count; i++) {
    const name = rng.pick(WEIGHTED);
    const next = mutations[name](rng, bytes, seed, other);
    bytes = next.length > 0 || rng.chance(0.01) ? next : bytes;
    applied.push(name);
  }
  return { bytes, applied };
}
