// The same trace fed in chunks of 1 byte, 7 bytes, 4 KiB and 1 MiB gives the identical event
// stream: a digest over every field of every event (stacks resolved to frames) must match.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTraceBytes, TraceTables, type TraceEvent } from '../../parser/index.ts';
import { parseGoParserTest } from '../../parser/v2/text-format.ts';

const fixture = (p: string) => new URL(`../../fixtures/${p}`, import.meta.url).pathname;
const goTests = '/usr/lib/go-1.27/src/internal/trace/testdata/tests/';

/** Every field of the event, with stacks as frame text (ids may differ between parses). */
function eventText(ev: TraceEvent, tables: TraceTables): string {
  const frames = (id: number) => tables.frames(id).map((f) => `${f.func}@${f.pc}:${f.file}:${f.line}`).join('|');
  return JSON.stringify({
    ...ev,
    stack: frames(ev.stack),
    transitionStack: frames(ev.transitionStack),
  });
}

async function digest(bytes: Uint8Array, chunkSize: number) {
  const tables = new TraceTables();
  const hash = createHash('sha256');
  let count = 0;
  const result = await parseTraceBytes(bytes, {
    tables,
    chunkSize,
    onEvent: (ev) => {
      hash.update(eventText(ev, tables));
      count++;
    },
  });
  const { tables: _t, ...summary } = result;
  return { digest: hash.digest('hex'), count, summary };
}

const inputs: { name: string; bytes: () => Uint8Array | null }[] = [
  { name: 'go1.27 longlived (2 generations)', bytes: () => read(fixture('go1.27/longlived.trace')) },
  { name: 'go1.22 syscall', bytes: () => read(fixture('go1.22/syscall.trace')) },
  { name: 'go1.25 cpuprofile', bytes: () => read(fixture('go1.25/cpuprofile.trace')) },
  { name: 'Go test go122-gc-stress', bytes: () => goTest('go122-gc-stress.test') },
];

function read(path: string): Uint8Array | null {
  return existsSync(path) ? new Uint8Array(readFileSync(path)) : null;
}

function goTest(name: string): Uint8Array | null {
  const copied = fixture(`go-testdata/tests/${name}`);
  const path = existsSync(copied) ? copied : goTests + name;
  return existsSync(path) ? parseGoParserTest(readFileSync(path, 'utf8')).bytes : null;
}

describe('chunk boundaries do not change the event stream', () => {
  for (const input of inputs) {
    const bytes = input.bytes();
    it.skipIf(bytes === null)(input.name, async () => {
      const whole = await digest(bytes!, bytes!.length);
      expect(whole.count).toBeGreaterThan(100);
      expect(whole.summary.error).toBeNull();
      for (const chunkSize of [1, 7, 4096, 1 << 20]) {
        const chunked = await digest(bytes!, chunkSize);
        expect({ chunkSize, ...chunked }).toEqual({ chunkSize, ...whole });
      }
    });
  }

  it('a truncated trace fails identically whatever the chunking', async () => {
    const bytes = read(fixture('go1.27/longlived.trace'));
    if (bytes === null) return;
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.8));
    const whole = await digest(cut, cut.length);
    expect(whole.summary.error).not.toBeNull();
    for (const chunkSize of [1, 7, 4096]) expect(await digest(cut, chunkSize)).toEqual(whole);
  });
});
