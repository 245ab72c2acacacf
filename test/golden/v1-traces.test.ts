// The v1 reader against go tool trace 1.27 on every v1 trace in the corpus (Go's own testdata
// written by Go 1.11, 1.19 and 1.21, and our go1.19/go1.21 program runs):
// - the counts in parsed-counts.json (made by `go tool trace -d=parsed`) equal ours;
// - when Go 1.27 is installed, the whole -d=parsed stream equals ours event for event
//   (see compareParsed for the one freedom go tool trace itself takes);
// - damaged copies (cut at many offsets, single bits flipped) fail with go tool trace's
//   message, and never hang.

import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrace, TraceParseError } from '../../parser/index.ts';
import { prepareV1 } from '../../parser/v1/reader.ts';
import { hasGolden, listFixtures, listInvalidFiles, loadGolden } from '../helpers/fixtures.ts';
import { compareParsed, goParsed, haveGo, ourParsed } from './v1-compare.ts';

const v1Fixtures = listFixtures({ format: 'v1' });
const scratch = mkdtempSync(join(tmpdir(), 'tstrace-v1-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('v1 traces read like go tool trace 1.27 reads them', () => {
  it('the corpus has the v1 traces this suite is about', () => {
    const folders = new Set(v1Fixtures.map((f) => f.folder));
    expect([...folders].sort()).toEqual(['go-testdata-v1', 'go1.19', 'go1.21']);
    expect(v1Fixtures.filter((f) => f.folder === 'go-testdata-v1')).toHaveLength(12);
  });

  for (const fixture of v1Fixtures) {
    it(`${fixture.id}: event counts equal parsed-counts.json`, async () => {
      const golden = loadGolden(fixture, 'parsed-counts.json');
      const bytes = new Uint8Array(readFileSync(fixture.tracePath));
      if (golden.error !== null) {
        // go tool trace rejects the whole trace (and prints no event): so must we, with its message.
        await expect(ourParsed(bytes)).rejects.toThrow(golden.error);
        return;
      }
      const { result, counts } = await ourParsed(bytes);
      const { command: _c, exitCode: _e, error: _r, ...expected } = golden;
      expect(counts).toEqual(expected);
      expect(result).toMatchObject({
        format: 'v1', version: fixture.headerVersion, events: golden.total, validEvents: golden.total,
        generations: 1, error: null, totalBytes: bytes.length, validBytes: bytes.length,
        startTime: Number(golden.firstEventTime), endTime: Number(golden.lastEventTime),
      });
    });

    it.skipIf(!haveGo)(`${fixture.id}: the -d=parsed stream equals go tool trace's, event for event`, async () => {
      const go = await goParsed(fixture.tracePath);
      const bytes = new Uint8Array(readFileSync(fixture.tracePath));
      if (go.error !== null) {
        await expect(ourParsed(bytes)).rejects.toThrow(go.error);
        return;
      }
      const ours = await ourParsed(bytes);
      expect(compareParsed(ours.text, go.text)).toBeNull();
    });
  }

  it('stays within the memory bound documented in parser/v1/reader.ts', () => {
    for (const fixture of v1Fixtures.filter((f) => f.scenario !== 'cgo')) {
      const body = new Uint8Array(readFileSync(fixture.tracePath)).subarray(16);
      const { breakdown } = prepareV1(body, Number(fixture.headerVersion.slice(5)));
      const held = breakdown.columnBytes + breakdown.orderBytes;
      expect(held / breakdown.events, fixture.id).toBeLessThanOrEqual(45);
      expect((held + breakdown.bodyBytes) / breakdown.bodyBytes, fixture.id).toBeLessThan(14);
    }
  });

  it('keeps the goldens honest: every v1 fixture has parsed-counts.json', () => {
    expect(v1Fixtures.filter((f) => !hasGolden(f, 'parsed-counts.json')).map((f) => f.id)).toEqual([]);
  });
});

/** Our one-line verdict on a file: Go's message (our offset suffix removed), or how many events. */
async function ourVerdict(bytes: Uint8Array): Promise<string> {
  try {
    const { result } = await ourParsed(bytes);
    return result.error ?? `ok, ${result.events} events`;
  } catch (err) {
    if (!(err instanceof TraceParseError)) throw err;
    // Every failure names where it happened.
    expect(err.message).toMatch(/\(at byte \d+\)$/);
    expect(err.message).not.toContain('\n');
    return err.message.replace(/(; \w+ event in the batch starting)? \(at byte \d+\)$/, '');
  }
}

/** go tool trace's verdict, or null when it crashed (it panics on some corrupt string/stack ids; we do not). */
async function goVerdict(bytes: Uint8Array, name: string): Promise<string | null> {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  const go = await goParsed(path);
  if (go.error === null) return `ok, ${go.text.split('\n').filter((line) => line.startsWith('M=')).length} events`;
  return go.error.startsWith('panic:') ? null : go.error;
}

/** Deterministic damage: cuts across the file and single flipped bits. */
function damagedCopies(bytes: Uint8Array, flips: number): { name: string; bytes: Uint8Array }[] {
  const n = bytes.length;
  const out: { name: string; bytes: Uint8Array }[] = [];
  const cuts = [16, 17, 18, 20, 24, 40, 100, 300, n >> 2, n >> 1, (3 * n) >> 2, n - 100, n - 10, n - 3, n - 1];
  for (const cut of cuts) if (cut > 0 && cut < n) out.push({ name: `cut-at-${cut}`, bytes: bytes.slice(0, cut) });
  let seed = 20240917;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  for (let k = 0; k < flips; k++) {
    const copy = bytes.slice();
    const at = 16 + Math.floor(random() * (n - 16));
    const bit = 1 << Math.floor(random() * 8);
    copy[at] ^= bit;
    out.push({ name: `flip-${at}-${bit}`, bytes: copy });
  }
  return out;
}

describe('damaged v1 traces fail like go tool trace 1.27', () => {
  it('the corpus file truncated-v1.trace fails with the message recorded from go tool trace', async () => {
    const file = listInvalidFiles().find((f) => f.name === 'truncated-v1.trace')!;
    const bytes = new Uint8Array(readFileSync(file.path));
    expect(file.expected.eventsPrintedBeforeError).toBe(0);
    expect(await ourVerdict(bytes)).toBe(file.expected.error);
  });

  for (const id of ['go1.21/sync', 'go1.19/net', 'go-testdata-v1/user_task_region_1_11_good', 'go-testdata-v1/stress_start_stop_1_19_good']) {
    it.skipIf(!haveGo)(`${id}: cut and bit-flipped copies get go tool trace's verdict`, async () => {
      const fixture = v1Fixtures.find((f) => f.id === id)!;
      const copies = damagedCopies(new Uint8Array(readFileSync(fixture.tracePath)), 25);
      let compared = 0;
      const failures = new Set<string>();
      for (const copy of copies) {
        const started = performance.now();
        const ours = await ourVerdict(copy.bytes);
        expect(performance.now() - started, `${copy.name} took too long`).toBeLessThan(5000);
        const go = await goVerdict(copy.bytes, copy.name);
        if (go === null) continue;
        expect(`${copy.name}: ${ours}`).toBe(`${copy.name}: ${go}`);
        compared++;
        if (!go.startsWith('ok')) failures.add(go.replace(/\d+/g, 'N'));
      }
      // The damage really exercised the error paths (several distinct Go messages).
      expect(compared).toBeGreaterThan(copies.length - 5);
      expect(failures.size).toBeGreaterThan(2);
    });
  }

  it('a body cut anywhere in the first kilobyte fails with a one-line message (never hangs, never throws anything else)', async () => {
    const bytes = new Uint8Array(readFileSync(v1Fixtures.find((f) => f.id === 'go1.21/sync')!.tracePath));
    const verdicts = new Set<string>();
    for (let cut = 16; cut < 1024; cut += 13) verdicts.add(await ourVerdict(bytes.slice(0, cut)));
    // Cut early, a v1 trace has no frequency event or cannot be ordered; both are Go's words.
    for (const v of verdicts) expect(v).toMatch(/^(no EvFrequency event|no consistent ordering of events possible|malformatted base-128 varint|failed to read .*|.* has wrong number of arguments: .*|unknown event type \d+|string has .*|stray syscall exit|time stamps out of order|g \d+ .*|p \d+ .*)$/);
  });
});

describe('the reader does not depend on how the bytes arrive', () => {
  for (const id of ['go-testdata-v1/stress_1_21_good', 'go1.19/cpuprofile', 'go-testdata-v1/user_task_region_1_11_good']) {
    it(`${id}: 1-byte, 7-byte and 1 MiB chunks give the same stream`, async () => {
      const bytes = new Uint8Array(readFileSync(v1Fixtures.find((f) => f.id === id)!.tracePath));
      const whole = await ourParsed(bytes);
      expect(whole.result.events).toBeGreaterThan(0);
      for (const chunkSize of [1, 7, 1 << 20]) {
        const chunked = await ourParsed(bytes, chunkSize);
        expect(chunked.text === whole.text, `chunks of ${chunkSize}`).toBe(true);
        expect({ ...chunked.result, tables: null }).toEqual({ ...whole.result, tables: null });
      }
    });
  }

  it('an unknown total size (a stream without totalBytes) reads the same', async () => {
    const bytes = new Uint8Array(readFileSync(v1Fixtures.find((f) => f.id === 'go1.21/annotations')!.tracePath));
    const whole = await ourParsed(bytes);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
    }
    let events = 0;
    const result = await parseTrace(chunks(), { onEvent: () => void events++ });
    expect(events).toBe(whole.result.events);
    expect(result.totalBytes).toBe(bytes.length);
    expect(result.endTime).toBe(whole.result.endTime);
  });
});
