// Damaged real traces of both formats, swept systematically: cut at every offset of the first
// batches and at evenly spaced and batch-boundary offsets after; bit flips; interesting byte
// values; random bytes with and without a valid header; empty and header-only files. Every
// input must end within the time bound with a ParseResult or a one-line TraceParseError that
// names the byte offset (test/fuzz/oracle.ts checks each outcome). Cuts also check what is
// kept: a partial v2 result keeps exactly the whole trace's events up to its last Sync.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventKind, parseTraceBytes } from '../../parser/index.ts';
import { getFixture } from '../helpers/fixtures.ts';
import { checkInput, type Outcome } from '../fuzz/oracle.ts';
import { scanBatches } from '../fuzz/mutate.ts';
import { Rng } from '../fuzz/rng.ts';

/** CPU time per input; these traces parse whole in well under 50 ms, so this only catches runaways. */
const TIME_BOUND_MS = 3000;

const traces = {
  v2: ['go1.22/longlived', 'go1.23/annotations', 'go1.25/longlived', 'go1.27/longlived', 'go1.26/cpuprofile'],
  v1: ['go1.19/longlived', 'go1.21/sync', 'go1.21/annotations'],
};
const load = (id: string) => new Uint8Array(readFileSync(getFixture(id).tracePath));

function expectContract(o: Outcome, what: string): void {
  expect(o.kind, `${what}: ${o.finding}: ${o.message}\n${o.detail ?? ''}`).not.toBe('finding');
  expect(o.cpuMs, `${what} took ${o.cpuMs.toFixed(0)} ms of CPU`).toBeLessThan(TIME_BOUND_MS);
}

/** One line per event: enough to tell two event streams apart (kind, time, resource, state). */
async function eventLines(bytes: Uint8Array) {
  const lines: string[] = [];
  const result = await parseTraceBytes(bytes, {
    onEvent: (ev) => lines.push(`${ev.kind} ${ev.time} ${ev.g} ${ev.p} ${ev.m} ${ev.resourceId} ${ev.oldState}>${ev.newState} ${ev.stack}`),
  });
  return { lines, result };
}

/** Cut points: every offset through the first 2 KiB, then ~150 spread out, and every batch edge ±1. */
function cutPoints(bytes: Uint8Array, format: 'v1' | 'v2'): number[] {
  const cuts = new Set<number>();
  for (let i = 0; i <= Math.min(bytes.length, 2048); i++) cuts.add(i);
  const step = Math.max(1, Math.floor(bytes.length / 150));
  for (let i = 0; i < bytes.length; i += step) cuts.add(i);
  if (format === 'v2') for (const b of scanBatches(bytes)) for (const d of [-1, 0, 1]) cuts.add(b.start + d), cuts.add(b.end + d);
  return [...cuts].filter((c) => c >= 0 && c < bytes.length).sort((a, b) => a - b);
}

describe('truncated anywhere', () => {
  for (const format of ['v2', 'v1'] as const) {
    for (const id of traces[format]) {
      it(`${id}: every cut ends cleanly${format === 'v2' ? ', and partial results keep the whole trace\'s complete generations' : ''}`, async () => {
        const bytes = load(id);
        const whole = await eventLines(bytes);
        expect(whole.result.error).toBeNull();
        const kinds = { ok: 0, partial: 0, rejected: 0 };
        for (const cut of cutPoints(bytes, format)) {
          const part = bytes.subarray(0, cut);
          const o = await checkInput(part, cut % 3 === 0 ? 5 : part.length);
          expectContract(o, `cut at ${cut}`);
          kinds[o.kind as keyof typeof kinds]++;
          if (o.kind === 'rejected') expect(o.message).toMatch(/\(at byte (\d+)\)$/);
          if (o.kind === 'partial' && format === 'v2') {
            const { lines, result } = await eventLines(part);
            expect(result.validBytes).toBeLessThanOrEqual(cut);
            const isSync = (line: string) => line.startsWith(`${EventKind.Sync} `);
            const lastSync = result.validEvents - 1;
            expect(isSync(lines[lastSync])).toBe(true);
            // From Go 1.26 every generation delivered is complete: all before the last Sync is
            // the whole trace's. Before, Go also delivers the generation the damage is in (its
            // end is only known from the next one's first batch): compare up to its Sync.
            let kept = lastSync;
            if (result.goMinor < 26) {
              while (kept > 0 && !isSync(lines[kept - 1])) kept--;
              kept = Math.max(0, kept - 1); // that generation's Sync: its time is the cut generation's first timestamp
            }
            expect(lines.slice(0, kept)).toEqual(whole.lines.slice(0, kept));
          }
        }
        // Cuts must reach past the reader's first checks: most are rejected, some kept in part.
        expect(kinds.rejected).toBeGreaterThan(0);
        if (format === 'v2' && id.endsWith('longlived')) expect(kinds.partial).toBeGreaterThan(0);
      });
    }
  }
});

describe('bit flips and interesting bytes', () => {
  for (const id of [...traces.v2, ...traces.v1]) {
    it(`${id}: 600 single-bit flips and 200 bytes set to 0/0x7f/0x80/0xff`, async () => {
      const bytes = load(id);
      const rng = new Rng(0x5eed ^ bytes.length);
      for (let i = 0; i < 800; i++) {
        const at = rng.below(bytes.length);
        const damaged = bytes.slice();
        if (i < 600) damaged[at] ^= 1 << rng.below(8);
        else damaged[at] = rng.pick([0x00, 0x7f, 0x80, 0xff]);
        // Every 8th input is also fed in 3-byte chunks and must give the same outcome.
        const o = await checkInput(damaged, damaged.length, i % 8 === 0 ? 3 : undefined);
        expectContract(o, `byte ${at} (${bytes[at]} → ${damaged[at]})`);
      }
    });
  }
});

describe('random, empty and header-only input', () => {
  const headers = ['go 1.11', 'go 1.19', 'go 1.21', 'go 1.22', 'go 1.23', 'go 1.25', 'go 1.26'].map((v) => new TextEncoder().encode(`${v} trace\0\0\0`));

  it('random bytes, alone and after every supported header', async () => {
    const rng = new Rng(42);
    for (let i = 0; i < 400; i++) {
      const header = i % 8 === 0 ? new Uint8Array(0) : headers[i % headers.length];
      const junk = new Uint8Array(rng.below(4096));
      for (let j = 0; j < junk.length; j++) junk[j] = rng.below(256);
      const bytes = new Uint8Array(header.length + junk.length);
      bytes.set(header);
      bytes.set(junk, header.length);
      const o = await checkInput(bytes, rng.chance(0.5) ? bytes.length : rng.between(1, 64));
      expectContract(o, `random input ${i}`);
      expect(o.kind).toBe('rejected');
    }
  });

  it('empty, partial headers, and every header alone or with one byte', async () => {
    const inputs: Uint8Array[] = [new Uint8Array(0)];
    for (let n = 1; n < 16; n++) inputs.push(headers[6].subarray(0, n));
    for (const h of headers) for (const extra of [[], [0], [1], [0xff]]) inputs.push(Uint8Array.from([...h, ...extra]));
    for (const bytes of inputs) {
      const o = await checkInput(bytes, bytes.length, 1);
      expectContract(o, `${bytes.length} bytes`);
      expect(o.kind, `${JSON.stringify(new TextDecoder('latin1').decode(bytes))}: ${o.message}`).toBe('rejected');
    }
  });
});
