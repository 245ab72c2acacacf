// The v1 reader on hand-written traces (v1-scenarios.ts), compared with what go tool trace 1.27
// printed for the same bytes (v1-go-output.ts; re-checked live when Go 1.27 is installed).

import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTraceBytes, TraceTables } from '../../parser/index.ts';
import { EventKind, type TraceEvent } from '../../parser/model/event.ts';
import { compareParsed, goParsed, haveGo, ourParsed } from '../golden/v1-compare.ts';
import * as captured from './v1-go-output.ts';
import { busyTrace, futileWakeupTrace, localEventsTrace } from './v1-scenarios.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tstrace-v1-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const scenarios: { name: string; bytes: () => Uint8Array; go: { printed: string; error: string | null } }[] = [
  { name: 'busy trace, go 1.21 header', bytes: () => busyTrace(21), go: { printed: captured.goParsedOf_busy21, error: null } },
  { name: 'busy trace, go 1.19 header', bytes: () => busyTrace(19), go: { printed: captured.goParsedOf_busy19, error: null } },
  { name: 'busy trace, go 1.11 header', bytes: () => busyTrace(11), go: { printed: captured.goParsedOf_busy11, error: null } },
  { name: 'Local event variants', bytes: () => localEventsTrace(false), go: { printed: captured.goParsedOf_local, error: null } },
  { name: 'GoSysExitLocal', bytes: () => localEventsTrace(true), go: captured.goParsedOf_localExit },
  { name: 'FutileWakeup', bytes: () => futileWakeupTrace(), go: captured.goParsedOf_futile },
];

describe('hand-written v1 traces read like go tool trace 1.27 reads them', () => {
  for (const s of scenarios) {
    it(`${s.name}: same events (times exact to the ns) and the same verdict`, async () => {
      const bytes = s.bytes();
      if (s.go.error !== null && s.go.printed === '') {
        // Rejected whole, before any event.
        await expect(ourParsed(bytes)).rejects.toThrow(s.go.error);
        return;
      }
      const ours = await ourParsed(bytes);
      expect(compareParsed(ours.text, s.go.printed)).toBeNull();
      expect(ours.text).toBe(s.go.printed);
      expect(ours.result.error?.replace(/ \(at byte \d+\)$/, '') ?? null).toBe(s.go.error);
    });

    it.skipIf(!haveGo)(`${s.name}: the captured output is still what go tool trace prints`, async () => {
      const path = join(scratch, `${s.name.replace(/\W+/g, '-')}.trace`);
      writeFileSync(path, s.bytes());
      const go = await goParsed(path);
      expect(go.text).toBe(s.go.printed);
      expect(go.error).toBe(s.go.error);
    });
  }
});

describe('what the v1 reader reports', () => {
  it('a conversion that stops part-way keeps only the opening Sync as valid, like go tool trace', async () => {
    const { result } = await ourParsed(futileWakeupTrace());
    expect(result.events).toBe(3);
    expect(result.validEvents).toBe(1);
    expect(result.error).toMatch(/^unexpected event type 36 \(at byte \d+\)$/);
  });

  it('a good trace: format, version, one generation, every byte valid, first and last times', async () => {
    const bytes = busyTrace(21);
    const events: TraceEvent[] = [];
    const result = await parseTraceBytes(bytes, { onEvent: (ev) => void events.push(Object.assign(Object.create(Object.getPrototypeOf(ev)), ev)) });
    expect(result).toMatchObject({
      format: 'v1', version: 'go 1.21', goMinor: 21, generations: 1, error: null,
      events: events.length, validEvents: events.length, totalBytes: bytes.length, validBytes: bytes.length,
      startTime: events[0].time, endTime: events[events.length - 1].time,
    });
    // Go's reader opens and closes a v1 trace with a Sync.
    expect(events[0].kind).toBe(EventKind.Sync);
    expect(events[events.length - 1].kind).toBe(EventKind.Sync);
    expect(events.filter((e) => e.kind === EventKind.Sync).map((e) => e.syncN)).toEqual([1, 2]);
  });

  it('interns stacks into the tables it is given, so ids are shared with other readers', async () => {
    const tables = new TraceTables();
    const before = tables.internStack([tables.internFrame(1, 'other', 'other.go', 1)]);
    const stacks = new Set<number>();
    const result = await parseTraceBytes(busyTrace(21), { tables, onEvent: (ev) => { if (ev.stack) stacks.add(ev.stack); } });
    expect(result.tables).toBe(tables);
    expect(stacks.size).toBe(1);
    const [stack] = stacks;
    expect(stack).not.toBe(before);
    expect(tables.frames(stack).map((f) => `${f.func} ${f.file}:${f.line}`)).toEqual(['main.main /src/main.go:7', 'main.main /src/main.go:9']);
  });

  it('hands out one reused event object (sinks copy what they keep)', async () => {
    const seen = new Set<TraceEvent>();
    await parseTraceBytes(busyTrace(21), { onEvent: (ev) => void seen.add(ev) });
    expect(seen.size).toBe(1);
  });

  for (const chunkSize of [1, 7, 1 << 20]) {
    it(`reads the same stream from ${chunkSize}-byte chunks`, async () => {
      const whole = await ourParsed(busyTrace(21));
      const chunked = await ourParsed(busyTrace(21), chunkSize);
      expect(chunked.text).toBe(whole.text);
    });
  }
});
