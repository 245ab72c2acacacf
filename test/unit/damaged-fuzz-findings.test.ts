// Regression tests for fixtures/invalid/fuzz/: hand-made absurd lengths, ids, times and headers,
// and the inputs of fuzz findings, each with go tool trace 1.27's verdict (expected.json, made
// by test/fuzz/make-fuzz-fixtures.ts). For each file, whole and in 7-byte chunks:
//   - the parser ends within the time bound with a ParseResult or a one-line TraceParseError
//     naming the byte offset (the fuzz oracle's contract);
//   - where Go reads the whole trace, so do we, with as many events as Go printed;
//   - where Go fails, our error (thrown or in ParseResult.error) carries Go's message, and a
//     partial result keeps exactly the events Go printed before failing.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/fixtures.ts';
import { checkInput } from '../fuzz/oracle.ts';

interface Verdict { made: string; error: string | null; eventsPrinted: number; judgedBy: string }

const dir = join(fixturesDir, 'invalid/fuzz');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Verdict>;
/** CPU time per input, generous: real parses of these files take < 50 ms. */
const TIME_BOUND_MS = 5000;
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Where we knowingly differ from go tool trace, and what we do instead. Each entry is checked:
 * if the parser starts agreeing with Go, the test says so and the entry should go.
 */
const divergences: Record<string, { why: string; ours: RegExp }> = {
  'header-only-go1.26.trace': {
    why: 'a v2 header with no batch: Go prints one Sync event and succeeds; we reject a trace with no events (parser/v2/reader.ts, test/unit/v2-partial.test.ts)',
    ours: /^go 1\.26 trace has no events \(at byte 16\)$/,
  },
};

describe('fixtures/invalid/fuzz against go tool trace 1.27', () => {
  it('has files to check', () => {
    expect(Object.keys(expected).length).toBeGreaterThan(10);
  });

  for (const [name, verdict] of Object.entries(expected)) {
    it(`${name}: ${verdict.made}`, async () => {
      const bytes = new Uint8Array(readFileSync(join(dir, name)));
      const whole = await checkInput(bytes, bytes.length, 7);
      expect(whole.kind, `${whole.finding}: ${whole.message}\n${whole.detail ?? ''}`).not.toBe('finding');
      expect(whole.cpuMs).toBeLessThan(TIME_BOUND_MS);

      const divergence = divergences[name];
      if (divergence !== undefined) {
        expect(whole.message, divergence.why).toMatch(divergence.ours);
        return;
      }
      if (verdict.error === null) {
        expect(whole.kind).toBe('ok');
        expect(whole.events).toBe(verdict.eventsPrinted);
        return;
      }
      expect(whole.kind).not.toBe('ok');
      // Go's multi-line messages (a stuck frontier) are compared on their first line.
      expect(oneLine(whole.message)).toContain(oneLine(verdict.error.split('\n')[0]));
      if (whole.kind === 'partial') expect(whole.events).toBe(verdict.eventsPrinted);
    });
  }
});
