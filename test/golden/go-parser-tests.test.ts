// Go's own golden parser tests (internal/trace/testdata/tests/*.test): hand-written traces in
// the text wire form, each expecting SUCCESS or FAILURE with a message. They run through our
// real binary reader (the text is encoded to wire bytes first, as Go's test harness does).
// Where Go 1.27 is installed, the whole event stream is also compared with
// `go tool trace -d=parsed` for the same bytes, line by line.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTraceBytes, TraceTables, EventKind, type TraceEvent } from '../../parser/index.ts';
import { parseGoParserTest } from '../../parser/v2/text-format.ts';
import { formatEventLikeGo } from '../../parser/v2/event-string.ts';

const copied = new URL('../../fixtures/go-testdata/tests/', import.meta.url).pathname;
const goSource = '/usr/lib/go-1.27/src/internal/trace/testdata/tests/';
const dir = existsSync(copied) && readdirSync(copied).some((f) => f.endsWith('.test')) ? copied : goSource;
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test')).sort() : [];
const goTool = '/usr/lib/go-1.27/bin/go';
const haveGo = existsSync(goTool);

async function run(bytes: Uint8Array, chunkSize?: number) {
  const tables = new TraceTables();
  const events: TraceEvent[] = [];
  const lines: string[] = [];
  let error: string | null = null;
  try {
    const result = await parseTraceBytes(bytes, {
      tables,
      chunkSize,
      onEvent: (ev) => {
        events.push(Object.assign(Object.create(Object.getPrototypeOf(ev)), ev));
        lines.push(formatEventLikeGo(ev, tables) + '\n');
      },
    });
    error = result.error;
  } catch (err) {
    error = (err as Error).message;
  }
  return { events, text: lines.join(''), error };
}

describe("Go's golden parser tests", () => {
  it('finds the tests', () => {
    expect(files.length).toBeGreaterThanOrEqual(22);
  });

  for (const file of files) {
    it(file, async () => {
      const test = parseGoParserTest(readFileSync(join(dir, file), 'utf8'));
      const { error } = await run(test.bytes);
      if (test.failure === null) expect(error).toBeNull();
      else expect(error).toMatch(test.failure);
      // Chunk boundaries must not matter, even one byte at a time.
      const oneByte = await run(test.bytes, 1);
      expect(oneByte.error).toBe(error);
    });
  }
});

describe('Sync events (Go TestTraceGenSync)', () => {
  // The expected values are Go's, from internal/trace/reader_test.go.
  const syncs = async (name: string) => {
    const { events, error } = await run(parseGoParserTest(readFileSync(join(dir, name), 'utf8')).bytes);
    expect(error).toBeNull();
    return events.filter((e) => e.kind === EventKind.Sync).map((e) => ({ time: e.time, snap: e.clockSnapshot }));
  };
  it('go123-sync: at each generation start and the end', async () => {
    expect((await syncs('go123-sync.test')).map((s) => s.time)).toEqual([10, 40, 60, 63]);
  });
  it('go125-sync: with clock snapshots', async () => {
    const got = await syncs('go125-sync.test');
    expect(got.map((s) => s.time)).toEqual([9, 38, 58, 83]);
    expect(got.map((s) => s.snap && [s.snap.trace, s.snap.mono, s.snap.wallSec, s.snap.wallNsec])).toEqual([
      [10, 99, Date.UTC(2025, 1, 28, 15, 4, 9) / 1000, 123],
      [40, 199, Date.UTC(2025, 1, 28, 15, 4, 10) / 1000, 123],
      [60, 299, Date.UTC(2025, 1, 28, 15, 4, 11) / 1000, 123],
      null,
    ]);
  });
});

describe.skipIf(!haveGo)('same stream as go tool trace -d=parsed', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tstrace-go-tests-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  for (const file of files) {
    it(file, async () => {
      const test = parseGoParserTest(readFileSync(join(dir, file), 'utf8'));
      const path = join(tmp, file + '.trace');
      writeFileSync(path, test.bytes);
      let goText: string;
      try {
        goText = execFileSync(goTool, ['tool', 'trace', '-d=parsed', path], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 }).toString();
      } catch (err) {
        goText = (err as { stdout: Buffer }).stdout.toString();
      }
      const ours = await run(test.bytes);
      expect(ours.text).toBe(goText);
    });
  }
});
