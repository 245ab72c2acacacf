// Damaged v2 traces: a trace cut in its second generation keeps the first (the events up to
// the last Sync are exactly those of the whole trace) and reports the error; a trace with no
// complete generation throws a one-line TraceParseError naming the byte offset.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventKind, parseTraceBytes, TraceParseError, TraceTables } from '../../parser/index.ts';
import { formatEventLikeGo } from '../../parser/v2/event-string.ts';

const fixture = (p: string) => new URL(`../../fixtures/${p}`, import.meta.url).pathname;

async function lines(bytes: Uint8Array) {
  const tables = new TraceTables();
  const out: string[] = [];
  const kinds: EventKind[] = [];
  const result = await parseTraceBytes(bytes, {
    tables,
    onEvent: (ev) => {
      out.push(formatEventLikeGo(ev, tables));
      kinds.push(ev.kind);
    },
  });
  return { out, kinds, result };
}

// Two-generation traces of each wire version (the longlived scenario).
const versions = ['go1.22', 'go1.23', 'go1.25', 'go1.26', 'go1.27'].filter((v) => existsSync(fixture(`${v}/longlived.trace`)));

describe('v2 traces cut part-way', () => {
  it('has two-generation fixtures to cut', () => {
    expect(versions.length).toBeGreaterThan(0);
  });

  for (const v of versions) {
    it(`${v}: cut in the second generation keeps the first`, async () => {
      const bytes = new Uint8Array(readFileSync(fixture(`${v}/longlived.trace`)));
      const whole = await lines(bytes);
      expect(whole.result.generations).toBe(2);
      expect(whole.result.error).toBeNull();
      expect(whole.result.validEvents).toBe(whole.result.events);
      expect(whole.result.validBytes).toBe(bytes.length);

      // Find where the second generation starts: cut between there and the end.
      const cut = bytes.subarray(0, Math.floor(bytes.length * 0.9));
      const part = await lines(cut);
      expect(part.result.error).not.toBeNull();
      expect(part.result.validEvents).toBeGreaterThan(1);
      expect(part.result.validEvents).toBeLessThanOrEqual(part.result.events);
      // The last valid event is a Sync, and everything before it is what the whole trace has.
      expect(part.kinds[part.result.validEvents - 1]).toBe(EventKind.Sync);
      const prefix = part.result.validEvents - 1;
      expect(part.out.slice(0, prefix)).toEqual(whole.out.slice(0, prefix));
      expect(part.result.totalBytes).toBe(cut.length);
      expect(part.result.validBytes).toBeLessThanOrEqual(cut.length);
    });

    it(`${v}: cut in the first generation throws with a byte offset`, async () => {
      const bytes = new Uint8Array(readFileSync(fixture(`${v}/longlived.trace`)));
      const cut = bytes.subarray(0, 600);
      const err = await lines(cut).catch((e) => e);
      expect(err).toBeInstanceOf(TraceParseError);
      expect(err.message).toMatch(/^no complete generation in go 1\.\d+ trace: .+ \(at byte \d+\)$/);
      expect(err.message).not.toContain('\n');
    });
  }

  it('a header alone is an error, not an empty success', async () => {
    const err = await lines(new TextEncoder().encode('go 1.26 trace\0\0\0')).catch((e) => e);
    expect(err).toBeInstanceOf(TraceParseError);
  });

  it('garbage after the header names the offset', async () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('go 1.25 trace\0\0\0'), 0x42, 0, 0]);
    const err = await lines(bytes).catch((e) => e);
    expect(err.message).toMatch(/expected batch event, got event 66 \(at byte 16\)/);
  });
});
